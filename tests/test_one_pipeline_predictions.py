"""One reference rule, one disparities schema and refused options across every prediction audit."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import fairscope
from fairscope import GroupMetrics, audit_predictions
from fairscope.compute import decision_threshold
from fairscope.compute._disparities import DISPARITY_COLUMNS, disparity_records
from fairscope.core._groups import MISSING

RACE = np.array(["Caucasian"] * 40 + ["African-American"] * 30 + [None] * 60, dtype=object)
N = len(RACE)
RNG = np.random.default_rng(7)
Y = RNG.integers(0, 2, N)
P = RNG.integers(0, 2, N)
SCORE = RNG.random(N)
Y3 = RNG.integers(0, 3, N)
P3 = RNG.integers(0, 3, N)
YR = RNG.normal(size=N)
PR = YR + RNG.normal(scale=0.5, size=N)

AUDITS = {
    "binary": lambda **kw: audit_predictions(Y, P, sensitive_features={"race": RACE}, **kw),
    "scored": lambda **kw: audit_predictions(
        Y, y_score=SCORE, sensitive_features={"race": RACE}, **kw
    ),
    "multiclass": lambda **kw: audit_predictions(Y3, P3, sensitive_features={"race": RACE}, **kw),
    "regression": lambda **kw: audit_predictions(
        YR, PR, sensitive_features={"race": RACE}, task="regression", **kw
    ),
}
TYPO = (
    "reference group 'Caucasain' is not a group of any sensitive feature "
    "(groups are race: '<missing>', 'African-American', 'Caucasian'); "
    "pass one of them, 'largest', 'best' or 'overall'."
)


def _groups_of(result: fairscope.AuditResult) -> list[str]:
    return result.metadata["groups"]["race"]


@pytest.mark.parametrize("task", list(AUDITS))
def test_a_misspelt_reference_raises_naming_the_groups_in_every_task(task):
    groups = _groups_of(AUDITS[task]())
    expected = TYPO.replace(
        "'<missing>', 'African-American', 'Caucasian'", ", ".join(repr(g) for g in groups)
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        AUDITS[task](reference="Caucasain")


def test_group_metrics_raises_the_same_error_for_a_misspelt_reference():
    gm = GroupMetrics(Y, P, {"race": RACE})
    groups = ", ".join(repr(g) for g in gm.group_labels)
    with pytest.raises(ValueError, match=re.escape(f"(groups are race: {groups});")):
        gm.disparity(reference="Caucasain")
    with pytest.raises(ValueError, match=re.escape("reference group 'Caucasain' is not a group")):
        gm.tests(reference="Caucasain")


@pytest.mark.parametrize("task", list(AUDITS))
def test_largest_never_picks_the_missing_group(task):
    result = AUDITS[task]()
    table = result.tables["disparities"]
    assert MISSING in set(table["group"])  # the missing group is the biggest (60 rows)
    assert set(table["reference"]) == {"Caucasian"}


def test_group_metrics_largest_never_picks_the_missing_group():
    gm = GroupMetrics(Y, P, {"race": RACE})
    assert set(gm.reference_groups("largest").values()) == {"Caucasian"}


def test_best_never_picks_the_missing_group_even_with_the_highest_rate():
    y = [0, 1] * 60
    pred = [1] * 40 + [0] * 20 + [1] * 30 + [0] * 30
    race = [None] * 40 + ["Caucasian"] * 40 + ["Hispanic"] * 40
    gm = GroupMetrics(y, pred, {"race": race}, metrics=["selection_rate"])
    assert gm.by_group["selection_rate"].idxmax() == MISSING  # 40 of 40 selected
    assert gm.reference_groups("best") == {"selection_rate": "Caucasian"}
    result = fairscope.audit_predictions(y, pred, sensitive_features={"race": race},
                                         policy="four-fifths")  # fmt: skip
    assert {f.reference for f in result.findings} == {"Caucasian"}


def test_largest_is_the_missing_group_when_it_is_the_only_one():
    gm = GroupMetrics([1, 0, 1], [1, 1, 0], {"race": [None, None, None]})
    assert set(gm.reference_groups("largest").values()) == {MISSING}


@pytest.mark.parametrize("task", list(AUDITS))
def test_explicit_reference_is_used_by_every_task(task):
    table = AUDITS[task](reference="African-American").tables["disparities"]
    assert set(table["reference"]) == {"African-American"}


@pytest.mark.parametrize("task", list(AUDITS))
def test_every_task_writes_the_declared_disparity_columns(task):
    table = AUDITS[task]().tables["disparities"]
    assert list(table.columns[: len(DISPARITY_COLUMNS)]) == list(DISPARITY_COLUMNS)
    records = list(disparity_records(table))
    assert len(records) == len(table)
    assert {r.kind for r in records} == {"difference", "ratio"}


def test_disparities_name_roc_auc_mae_and_per_class_rates():
    scored = AUDITS["scored"]().tables["disparities"]
    assert "roc_auc" in set(scored["metric"])
    records = list(disparity_records(scored))
    assert {r.direction for r in records if r.metric == "roc_auc"} == {"higher"}
    regression = AUDITS["regression"]().tables["disparities"]
    assert "mean_absolute_error" in set(regression["metric"])
    records = list(disparity_records(regression))
    assert {r.direction for r in records if r.metric == "mean_absolute_error"} == {"lower"}
    multiclass = AUDITS["multiclass"]().tables["disparities"]
    assert set(multiclass["class"]) == {"0", "1", "2"}


def test_a_label_some_feature_sets_lack_falls_back_to_largest_with_a_warning():
    sex = np.where(np.arange(N) % 2 == 0, "F", "M")
    with pytest.warns(fairscope.ReferenceWarning, match="not a group of 'sex'"):
        result = audit_predictions(Y, P, sensitive_features={"race": RACE, "sex": sex},
                                   reference="African-American")  # fmt: skip
    refs = result.metadata["reference_groups"]
    assert set(refs["race"].values()) == {"African-American"}
    assert set(refs["sex"].values()) <= {"F", "M"}


@pytest.mark.parametrize(
    ("task", "option", "message"),
    [
        ("binary", {"labels": [0, 1]}, "labels= apply to multiclass audits"),
        ("binary", {"selection_quantile": 0.8}, "selection_quantile= apply to regression"),
        ("binary", {"n_bins": 50}, "n_bins= apply to scores"),
        ("binary", {"thresholds": [0.5]}, "thresholds= apply to scores"),
        ("scored", {"selection_threshold": 0.5}, "selection_threshold= apply to regression"),
        ("multiclass", {"metrics": ["tpr"]}, "metrics= apply to binary audits"),
        ("multiclass", {"calibration_bins": 5}, "calibration_bins= apply to binary audits"),
        ("regression", {"labels": [0, 1]}, "labels= apply to multiclass audits"),
        ("regression", {"exact": True}, "exact= apply to binary audits with y_score"),
    ],
)
def test_options_irrelevant_to_the_task_are_refused(task, option, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        AUDITS[task](**option)


def test_grouped_options_equal_their_flat_shortcuts():
    flat = AUDITS["scored"](calibration_bins=5, n_bins=64)
    grouped = AUDITS["scored"](score_options=fairscope.ScoreOptions(calibration_bins=5, n_bins=64))
    assert flat.tables["calibration"].equals(grouped.tables["calibration"])
    assert flat.tables["score_metrics"].equals(grouped.tables["score_metrics"])
    flat = AUDITS["regression"](selection_quantile=0.8)
    grouped = AUDITS["regression"](
        regression_options=fairscope.RegressionOptions(selection_quantile=0.8)
    )
    assert flat.tables["selection_metrics"].equals(grouped.tables["selection_metrics"])


def test_an_option_given_twice_is_refused():
    with pytest.raises(ValueError, match="n_bins given both as a keyword and in ScoreOptions"):
        AUDITS["scored"](n_bins=10, score_options=fairscope.ScoreOptions(n_bins=20))


def test_decision_threshold_is_public_and_checks_the_scale():
    assert decision_threshold(np.array([0.2, 0.8])) == 0.5
    with pytest.raises(ValueError, match="pass threshold="):
        decision_threshold(np.array([-1.0, 3.0]))
    with pytest.warns(fairscope.InputWarning, match="every row on one side"):
        decision_threshold(np.array([0.2, 0.3]), 0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decision_threshold(np.array([-1.0, 3.0]), 0.0) == 0.0


def test_group_metrics_arguments_after_sensitive_features_are_keyword_only():
    with pytest.warns(fairscope.FairscopeDeprecationWarning, match="metrics= by keyword"):
        old = GroupMetrics(Y, P, RACE, ["selection_rate"])
    new = GroupMetrics(Y, P, RACE, metrics=["selection_rate"])
    assert old.by_group.equals(new.by_group)
    with pytest.raises(TypeError, match="at most 3 positional arguments"):
        GroupMetrics(Y, P, RACE, None, None, 1, None, "extra")


def test_audit_model_names_the_labels_y_true_like_every_audit():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"x": np.arange(40) % 7, "g": list("ab") * 20})
    y = (X["x"] > 3).astype(int).to_numpy()
    model = LogisticRegression().fit(X[["x"]], y)
    new = fairscope.audit_model(model, X, y_true=y, sensitive_features="g", drop_sensitive=True)
    with pytest.warns(fairscope.FairscopeDeprecationWarning, match="pass y_true="):
        old = fairscope.audit_model(model, X, y=y, sensitive_features="g", drop_sensitive=True)
    assert old.tables["group_metrics"].equals(new.tables["group_metrics"])
    with pytest.raises(ValueError, match="reference group 'c' is not a group"):
        fairscope.audit_model(
            model, X, y, sensitive_features="g", drop_sensitive=True, reference="c"
        )


def test_audit_model_refuses_an_unknown_reference_before_predicting():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    class Exploding(LogisticRegression):
        def predict(self, X):
            raise AssertionError("the model must not predict with a bad reference")

    X = pd.DataFrame({"x": np.arange(20), "g": list("ab") * 10})
    y = np.arange(20) % 2
    model = Exploding().fit(X[["x"]], y)
    with pytest.raises(ValueError, match=r"reference group 'c' is not a group .*'a', 'b'"):
        fairscope.audit_model(model, X, y, sensitive_features="g", drop_sensitive=True,
                              reference="c", scores=False)  # fmt: skip


def test_audit_model_takes_the_inference_vocabulary_of_group_metrics():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"x": np.arange(80) % 9, "g": list("ab") * 40})
    y = (X["x"] > 4).astype(int).to_numpy()
    model = LogisticRegression().fit(X[["x"]], y)
    result = fairscope.audit_model(
        model, X, y, sensitive_features="g", drop_sensitive=True, ci_method="bootstrap",
        n_boot=50, random_state=0, scores=False,
    )  # fmt: skip
    assert result.metadata["ci_method"] == "bootstrap"
    assert result.metadata["n_boot"] == 50
