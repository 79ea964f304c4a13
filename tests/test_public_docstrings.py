"""Every public function documents its parameters and return value (numpydoc)."""

import inspect
import warnings

import pytest

import fairscope

MODULES = ["metrics", "sklearn", "engines", "datasets", "mitigate", "testing"]
MODULES += ["inequality", "individual", "dataset_metrics"]  # issue 16


def _public():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in fairscope.__all__:
            if name not in MODULES and name != "__version__":
                yield f"fairscope.{name}", getattr(fairscope, name)
        for module_name in MODULES:
            module = getattr(fairscope, module_name)
            for name in getattr(module, "__all__", []):
                yield f"fairscope.{module_name}.{name}", getattr(module, name)


PUBLIC = [(name, obj) for name, obj in _public() if inspect.isfunction(obj)]


@pytest.mark.parametrize(("name", "function"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_public_function_has_parameters_and_returns_sections(name, function):
    doc = inspect.getdoc(function) or ""
    if inspect.signature(function).parameters:
        assert "Parameters\n----------" in doc, name
    assert "Returns\n-------" in doc, name


def test_the_check_sees_the_public_api():
    names = {name for name, _ in PUBLIC}
    assert {"fairscope.audit_predictions", "fairscope.demographic_parity_ratio"} <= names
    assert len(names) > 30
