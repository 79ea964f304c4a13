"""Module paths of fairscope 0.1 still import, with a deprecation warning naming the successor."""

import importlib
import sys

import pytest

import fairscope
from fairscope._moved import MOVED


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_module_path_imports_with_a_deprecation_warning(old):
    sys.modules.pop(old, None)
    with pytest.warns(fairscope.FairscopeDeprecationWarning, match="moved in fairscope 0.2"):
        module = importlib.import_module(old)
    target = importlib.import_module(MOVED[old][0])
    public = [n for n in dir(target) if not n.startswith("_")]
    assert public, old
    assert getattr(module, public[0]) is getattr(target, public[0])


def test_documented_old_names_resolve_to_the_same_objects():
    sys.modules.pop("fairscope.policy", None)
    sys.modules.pop("fairscope.verdicts", None)
    with pytest.warns(fairscope.FairscopeDeprecationWarning):
        from fairscope.policy import apply_policy
        from fairscope.verdicts import interval_verdict
    assert apply_policy is fairscope.apply_policy
    assert interval_verdict is fairscope.interval_verdict


def test_unknown_names_on_an_old_path_raise_attribute_error():
    sys.modules.pop("fairscope.counts", None)
    with pytest.warns(fairscope.FairscopeDeprecationWarning):
        module = importlib.import_module("fairscope.counts")
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018
