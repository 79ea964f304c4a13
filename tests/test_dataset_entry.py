"""audit_dataset's entry: the common vocabulary, and the one reference rule of every audit."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.cli._main import main
from fairscope.compute._references import check_reference


def frame() -> pd.DataFrame:
    # 'f' is the larger known group of sex; race has no group named 'f'
    return pd.DataFrame(
        {
            "sex": ["f"] * 60 + ["m"] * 40,
            "race": ["a"] * 30 + ["b"] * 30 + ["a"] * 20 + ["b"] * 20,
            "y": [1, 0] * 50,
            "x": np.arange(100, dtype=float),
        }
    )


def audit(**kwargs):
    return fairscope.audit_dataset(frame(), proxies=False, **kwargs)


def test_an_unknown_reference_is_the_error_every_audit_gives():
    with pytest.raises(ValueError) as caught:
        audit(sensitive_features=["sex", "race"], reference="Caucasain")
    groups = {"sex": ["f", "m"], "race": ["a", "b"], "sex & race": []}
    with pytest.raises(ValueError) as shared:
        check_reference("Caucasain", groups)
    assert str(caught.value).split("(groups are")[0] == str(shared.value).split("(groups are")[0]
    assert "sex: 'f', 'm'" in str(caught.value) and "race: 'a', 'b'" in str(caught.value)


def test_a_group_of_one_feature_set_warns_where_the_largest_is_used_instead():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = audit(sensitive_features=["sex", "race"], reference="m")
    messages = [str(w.message) for w in caught if w.category is fairscope.ReferenceWarning]
    assert len(messages) == 2
    assert "not a group of 'race'" in messages[0]
    assert "not a group of 'sex & race'" in messages[1]
    # and the result says so too, for the report
    assert messages == [m for m in result.metadata["warnings"] if "reference group" in m]
    assert result.metadata["reference_groups"]["sex"] == "m"
    assert result.metadata["reference_groups"]["race"] == "a"


def test_the_reference_of_an_intersection_may_be_given_as_a_tuple():
    result = audit(sensitive_features=["sex", "race"], reference={"sex & race": ("m", "b")})
    assert result.metadata["reference_groups"]["sex & race"] == "sex=m & race=b"


def test_a_per_set_reference_matches_the_set_in_any_order():
    result = audit(sensitive_features=["sex", "race"], reference={"race & sex": "sex=m & race=a"})
    assert result.metadata["reference_groups"]["sex & race"] == "sex=m & race=a"


def test_largest_skips_the_missing_value_group():
    data = frame()
    data.loc[:69, "sex"] = None  # the missing-value group is the largest
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fairscope.audit_dataset(data, sensitive_features="sex", proxies=False)
    assert result.metadata["reference_groups"]["sex"] == "m"


@pytest.mark.parametrize("strategy", ["best", "overall"])
def test_strategies_of_prediction_audits_are_refused_with_the_reason(strategy):
    with pytest.raises(ValueError, match="not available in a dataset audit"):
        audit(sensitive_features="sex", reference=strategy)
    with pytest.raises(ValueError, match="not available in a dataset audit"):
        audit(sensitive_features=["sex", "race"], reference={"race": strategy})


def test_sample_weight_weights_dataset_metrics_and_says_the_other_tables_count_rows():
    # issue 16: accepted (no longer refused); never silently ignored
    result = audit(sensitive_features="sex", sample_weight=np.ones(100))
    assert "dataset_metrics" in result.tables
    assert any("sample_weight" in w for w in result.metadata["warnings"])
    with pytest.raises(ValueError, match="negative"):
        audit(sensitive_features="sex", sample_weight=-np.ones(100))


def test_options_after_the_data_are_keyword_only():
    with pytest.raises(TypeError):
        fairscope.audit_dataset(frame(), "y", "sex")  # type: ignore[misc]


def test_the_cli_dataset_command_takes_the_common_flags(tmp_path, capsys):
    path = tmp_path / "d.csv"
    data = frame().assign(y=["yes", "no"] * 50)
    data.to_csv(path, index=False)
    out = tmp_path / "d.json"
    argv = ["dataset", str(path), "--target", "y", "--sensitive", "sex", "--pos-label", "yes"]
    argv += ["--reference", "m", "--min-group-size", "50", "--random-state", "7"]
    argv += ["-q", "--json", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    saved = json.loads(out.read_text())["metadata"]
    assert saved["reference_groups"] == {"sex": "m"}
    assert saved["pos_label"] == "yes"
    assert saved["min_group_size"] == 50
    assert saved["proxies"]["random_state"] == 7


def test_the_cli_dataset_command_names_an_unknown_reference(tmp_path, capsys):
    path = tmp_path / "d.csv"
    frame().to_csv(path, index=False)
    argv = ["dataset", str(path), "--target", "y", "--sensitive", "sex", "--reference", "z"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "reference group 'z' is not a group" in err and "'f', 'm'" in err


def test_reweigh_without_a_discrete_target_fails_before_the_costly_proxies(monkeypatch):
    from fairscope.audits import _dataset

    def too_late(*args, **kwargs):
        raise AssertionError("the proxies ran before the argument was checked")

    monkeypatch.setattr(_dataset, "proxy_tables", too_late)
    data = frame().assign(c=np.linspace(0.0, 1.0, 100))
    with pytest.raises(ValueError, match="reweigh=True needs a binary or multiclass target"):
        fairscope.audit_dataset(data, target="c", sensitive_features="sex", reweigh=True)
    with pytest.raises(ValueError, match="reweigh=True needs a binary or multiclass target"):
        fairscope.audit_dataset(data, sensitive_features="sex", reweigh=True)


def test_target_options_that_do_not_apply_are_refused_not_ignored():
    data = frame().assign(k=[0, 1, 2, 3] * 25, c=np.linspace(0.0, 1.0, 100))
    with pytest.raises(ValueError, match=r"applies to a binary target.*'k' is multiclass"):
        fairscope.audit_dataset(data, target="k", sensitive_features="sex", pos_label=1)
    with pytest.raises(ValueError, match=r"applies to a binary target.*'c' is continuous"):
        fairscope.audit_dataset(data, target="c", sensitive_features="sex", pos_label=1)
    with pytest.raises(ValueError, match="give target="):
        fairscope.audit_dataset(data, sensitive_features="sex", pos_label=1)
    with pytest.raises(ValueError, match="give target="):
        fairscope.audit_dataset(data, sensitive_features="sex", target_type="binary")
