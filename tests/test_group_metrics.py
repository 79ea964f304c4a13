"""GroupMetrics against fairlearn's MetricFrame, and fairscope's own views.

The oracle is fairlearn 0.15 on the same random data: sample weights, two
sensitive features (intersectional groups), missing sensitive values and an
unobserved intersection. fairlearn labels missing values as they are fed, so
they are filled with "<missing>" for it; it also orders groups differently,
so values are compared by group label.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    zero_one_loss,
)

from fairscope import GroupMetrics
from fairscope.compute._group_metrics import OVERALL, group_label
from fairscope.core._groups import MISSING


def _treatment_equality(y_true, y_pred, sample_weight=None):
    _tn, fp, fn, _tp = confusion_matrix(
        y_true, y_pred, labels=[0, 1], sample_weight=sample_weight
    ).ravel()
    return fn / fp


#: fairscope metric name -> an independent implementation (fairlearn or sklearn).
ORACLES = {
    "count": count,
    "selection_rate": selection_rate,
    "base_rate": lambda y_true, y_pred, sample_weight=None: selection_rate(
        y_true, y_true, sample_weight=sample_weight
    ),
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "true_negative_rate": true_negative_rate,
    "false_negative_rate": false_negative_rate,
    "precision": precision_score,
    "negative_predictive_value": functools.partial(precision_score, pos_label=0),
    "false_discovery_rate": lambda y_true, y_pred, sample_weight=None: (
        1 - precision_score(y_true, y_pred, sample_weight=sample_weight)
    ),
    "false_omission_rate": lambda y_true, y_pred, sample_weight=None: (
        1 - precision_score(y_true, y_pred, pos_label=0, sample_weight=sample_weight)
    ),
    "accuracy": accuracy_score,
    "error_rate": zero_one_loss,
    "balanced_accuracy": balanced_accuracy_score,
    "f1": f1_score,
    "treatment_equality": _treatment_equality,
}
# fairlearn's count ignores weights; fairscope's count is rows, also unweighted
UNWEIGHTED = {"count"}


def random_audit_data(seed: int, n: int = 2000) -> dict:
    """Weighted data over sex x race with missing sex values and one unobserved intersection."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male", None], dtype=object), n, p=[0.45, 0.45, 0.1])
    race = rng.choice(np.array(["Asian", "Black", "White"], dtype=object), n)
    # no missing-sex Asian rows: that intersection is unobserved
    race[(sex == None) & (race == "Asian")] = "White"  # noqa: E711
    y_true = (rng.random(n) < 0.4).astype(int)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.65, 0.3)).astype(int)
    weight = rng.uniform(0.2, 3.0, n)
    return {"y_true": y_true, "y_pred": y_pred, "sex": sex, "race": race, "weight": weight}


def metric_frames(data: dict, metrics: list[str]) -> tuple[GroupMetrics, MetricFrame]:
    sensitive = pd.DataFrame({"sex": data["sex"], "race": data["race"]})
    gm = GroupMetrics(
        data["y_true"], data["y_pred"], sensitive, metrics=metrics, sample_weight=data["weight"]
    )
    mf = MetricFrame(
        metrics={m: ORACLES[m] for m in metrics},
        y_true=data["y_true"],
        y_pred=data["y_pred"],
        sensitive_features=sensitive.fillna(MISSING),
        sample_params={
            m: {"sample_weight": data["weight"]} for m in metrics if m not in UNWEIGHTED
        },
    )
    return gm, mf


@pytest.fixture(scope="module", params=[0, 1])
def frames(request):
    return metric_frames(random_audit_data(request.param), list(ORACLES))


def test_fixture_has_a_missing_group_and_an_unobserved_intersection(frames):
    gm, _ = frames
    assert (MISSING, "Black") in gm.by_group.index
    assert (MISSING, "Asian") not in gm.by_group.index
    assert not gm.by_group.isna().any().any()  # every rate is defined: a fair oracle test


def test_by_group_matches_metricframe_by_label(frames):
    gm, mf = frames
    theirs = mf.by_group.astype(float)
    observed = theirs.dropna(how="all")
    assert sorted(observed.index) == sorted(gm.by_group.index)
    for metric in ORACLES:
        expected = observed[metric].reindex(gm.by_group.index)
        np.testing.assert_allclose(gm.by_group[metric], expected, rtol=1e-12, err_msg=metric)


def test_overall_matches_metricframe(frames):
    gm, mf = frames
    np.testing.assert_allclose(
        gm.overall[list(ORACLES)], mf.overall[list(ORACLES)].astype(float), rtol=1e-12
    )


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_difference_matches_metricframe(frames, method):
    gm, mf = frames
    np.testing.assert_allclose(
        gm.difference(method)[list(ORACLES)],
        mf.difference(method=method)[list(ORACLES)].astype(float),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_ratio_matches_metricframe(frames, method):
    gm, mf = frames
    np.testing.assert_allclose(
        gm.ratio(method)[list(ORACLES)],
        mf.ratio(method=method)[list(ORACLES)].astype(float),
        rtol=1e-12,
    )


def test_group_min_and_max_match_metricframe(frames):
    gm, mf = frames
    np.testing.assert_allclose(gm.group_min(), mf.group_min().astype(float), rtol=1e-12)
    np.testing.assert_allclose(gm.group_max(), mf.group_max().astype(float), rtol=1e-12)


def test_single_feature_matches_metricframe_with_missing_group():
    data = random_audit_data(7)
    metrics = ["selection_rate", "true_positive_rate", "false_positive_rate", "accuracy"]
    gm = GroupMetrics(
        data["y_true"], data["y_pred"], data["sex"], metrics=metrics, sample_weight=data["weight"]
    )
    mf = MetricFrame(
        metrics={m: ORACLES[m] for m in metrics},
        y_true=data["y_true"],
        y_pred=data["y_pred"],
        sensitive_features=pd.Series(data["sex"]).fillna(MISSING),
        sample_params={m: {"sample_weight": data["weight"]} for m in metrics},
    )
    assert gm.by_group.index.tolist() == ["female", "male", MISSING]
    pd.testing.assert_frame_equal(
        gm.by_group,
        mf.by_group.astype(float).reindex(gm.by_group.index),
        check_names=False,
        rtol=1e-12,
        check_index_type=False,
    )


def test_without_weights_matches_metricframe():
    data = random_audit_data(3)
    gm = GroupMetrics(data["y_true"], data["y_pred"], data["race"], metrics=["f1", "tnr"])
    mf = MetricFrame(
        metrics={"f1": f1_score, "tnr": true_negative_rate},
        y_true=data["y_true"],
        y_pred=data["y_pred"],
        sensitive_features=data["race"],
    )
    np.testing.assert_allclose(gm.by_group.to_numpy(), mf.by_group.to_numpy(float), rtol=1e-12)
    np.testing.assert_allclose(gm.difference(), mf.difference(), rtol=1e-12)


# -- undefined rates: NaN, recorded, left out (fairlearn gives 0.0) -----------------------


@pytest.fixture
def undefined_tpr():
    # group "b" has no positive labels, so its TPR and FNR are 0/0
    return GroupMetrics(
        y_true=[1, 0, 1, 0, 0, 0],
        y_pred=[1, 0, 0, 1, 1, 0],
        sensitive_features=["a", "a", "a", "b", "b", "b"],
        metrics=["tpr", "fnr", "selection_rate"],
    )


def test_undefined_rate_is_nan_not_zero(undefined_tpr):
    assert np.isnan(undefined_tpr.by_group.loc["b", "true_positive_rate"])
    assert undefined_tpr.by_group.loc["a", "true_positive_rate"] == 0.5


def test_undefined_lists_group_metric_and_reason(undefined_tpr):
    table = undefined_tpr.undefined
    assert table.to_dict("records") == [
        {
            "group": "b",
            "metric": "true_positive_rate",
            "reason": "undefined: TP + FN is 0 in this group",
        },
        {
            "group": "b",
            "metric": "false_negative_rate",
            "reason": "undefined: FN + TP is 0 in this group",
        },
    ]


def test_undefined_groups_are_left_out_of_difference_and_ratio(undefined_tpr):
    # fairlearn would compare a's 0.5 with b's 0.0 and report 0.5
    assert undefined_tpr.difference()["true_positive_rate"] == 0.0
    assert undefined_tpr.ratio()["true_positive_rate"] == 1.0
    assert undefined_tpr.group_min()["true_positive_rate"] == 0.5


def test_undefined_rate_raises_no_warning(undefined_tpr, recwarn):
    undefined_tpr.difference()
    undefined_tpr.ratio("to_overall")
    undefined_tpr.disparity("ratio")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_ratio_to_a_zero_maximum_is_nan():
    gm = GroupMetrics([1, 0, 1, 0], [0, 0, 0, 0], ["a", "a", "b", "b"], metrics="selection_rate")
    assert np.isnan(gm.ratio()["selection_rate"])
    assert gm.difference()["selection_rate"] == 0.0


# -- views ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    # a: 4 rows (TP, FP, TN, FN); b: 2 rows (TP, TN); c: 3 rows (FP, FP, TN)
    return GroupMetrics(
        y_true=[1, 0, 0, 1, 1, 0, 0, 0, 0],
        y_pred=[1, 1, 0, 0, 1, 0, 1, 1, 0],
        sensitive_features=["a", "a", "a", "a", "b", "b", "c", "c", "c"],
        metrics=["selection_rate", "fpr", "accuracy", "count"],
        min_group_size=0,
    )


def test_by_group_values_by_hand(small):
    expected = pd.DataFrame(
        {
            "selection_rate": [0.5, 0.5, 2 / 3],
            "false_positive_rate": [0.5, 0.0, 2 / 3],
            "accuracy": [0.5, 1.0, 1 / 3],
            "count": [4.0, 2.0, 3.0],
        },
        index=pd.Index(["a", "b", "c"], name="sensitive_feature", dtype=object),
    )
    pd.testing.assert_frame_equal(small.by_group, expected)


def test_counts_table_has_rows_and_cells(small):
    counts = small.counts
    assert counts.columns.tolist() == ["n", "tn", "fp", "fn", "tp"]
    assert counts.loc["a"].tolist() == [4, 1, 1, 1, 1]
    assert counts.loc["c"].tolist() == [3, 1, 2, 0, 0]


def test_group_sizes_are_rows(small):
    assert small.group_sizes.tolist() == [4, 2, 3]


def test_by_group_is_a_copy(small):
    frame = small.by_group
    frame.iloc[0, 0] = 99.0
    assert small.by_group.iloc[0, 0] == 0.5


def test_disparity_ratio_to_largest_group(small):
    out = small.disparity("ratio")
    assert small.reference_ == dict.fromkeys(small.metrics, "a")
    assert out.loc["c", "selection_rate"] == pytest.approx((2 / 3) / 0.5)
    assert out.loc["a"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_disparity_difference_to_named_group(small):
    out = small.disparity("difference", reference="b")
    assert out.loc["c", "accuracy"] == pytest.approx(1 / 3 - 1.0)
    assert small.reference_["accuracy"] == "b"


def test_disparity_to_overall(small):
    out = small.disparity("difference", reference="overall")
    assert small.reference_["selection_rate"] == OVERALL
    assert out.loc["a", "selection_rate"] == pytest.approx(0.5 - 5 / 9)


def test_best_reference_follows_metric_direction(small):
    refs = small.reference_groups("best")
    assert refs["false_positive_rate"] == "b"  # lower is better
    assert refs["accuracy"] == "b"  # higher is better
    assert refs["selection_rate"] == "c"  # neutral: highest, as in the four-fifths rule


def test_best_reference_ignores_groups_below_min_group_size():
    gm = GroupMetrics(
        y_true=[1, 0] * 20 + [1, 0],
        y_pred=[1, 0] * 20 + [1, 1],
        sensitive_features=["big"] * 40 + ["tiny"] * 2,
        metrics="selection_rate",
        min_group_size=30,
    )
    assert gm.reference_groups("best")["selection_rate"] == "big"


def test_intersectional_reference_is_a_tuple():
    data = random_audit_data(0, n=600)
    gm = GroupMetrics(
        data["y_true"], data["y_pred"], {"sex": data["sex"], "race": data["race"]}, metrics="sr"
    )
    out = gm.disparity("ratio", reference=("female", "Black"))
    assert out.loc[("female", "Black"), "selection_rate"] == 1.0
    assert gm.reference_["selection_rate"] == "sex=female & race=Black"


def test_for_feature_equals_audit_of_that_feature_alone():
    data = random_audit_data(4, n=800)
    both = GroupMetrics(
        data["y_true"],
        data["y_pred"],
        {"sex": data["sex"], "race": data["race"]},
        sample_weight=data["weight"],
    )
    race = GroupMetrics(
        data["y_true"], data["y_pred"], {"race": data["race"]}, sample_weight=data["weight"]
    )
    pd.testing.assert_frame_equal(both.for_feature("race").by_group, race.by_group, rtol=1e-12)


def test_group_label_formats():
    assert group_label("Black", ("race",)) == "Black"
    assert group_label(("F", "Black"), ("sex", "race")) == "sex=F & race=Black"


def test_dropna_records_dropped_rows():
    gm = GroupMetrics(
        [1, 0, None, 1, 0], [1, 1, 0, None, 0], ["a", "a", "b", "b", "b"], dropna=True
    )
    assert gm.n_dropped == 2
    assert gm.dropped == {"missing y_true": 1, "missing y_pred": 1}
    assert gm.n_rows == 5
    assert gm.group_sizes.tolist() == [2, 1]


def test_from_counts_reproduces_the_audit(small):
    again = GroupMetrics.from_counts(small.statistics, small.metrics)
    pd.testing.assert_frame_equal(again.by_group, small.by_group)
    pd.testing.assert_series_equal(again.overall, small.overall)


def test_repr_html_escapes_group_labels():
    gm = GroupMetrics([1, 0, 1, 0], [1, 0, 0, 0], ["<script>", "<script>", "b", "b"])
    html = gm._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("method", ["largest_gap", "", None])
def test_unknown_method_is_rejected(small, method):
    with pytest.raises(
        ValueError, match=r"method=.* is unknown; choose one of \['between_groups', 'to_overall'\]"
    ):
        small.difference(method)
    with pytest.raises(ValueError, match="is unknown"):
        small.ratio(method)


def test_unknown_kind_is_rejected(small):
    with pytest.raises(
        ValueError, match=r"kind='quotient' is unknown; choose 'ratio' or 'difference'"
    ):
        small.disparity("quotient")


def test_unknown_reference_group_is_rejected(small):
    with pytest.raises(
        ValueError,
        match=r"reference group 'z' is not a group of any sensitive feature "
        r"\(groups are sensitive_feature: 'a', 'b', 'c'\)",
    ):
        small.disparity(reference="z")


def test_intersectional_reference_must_be_a_tuple():
    gm = GroupMetrics([1, 0, 1, 0], [1, 0, 0, 0], {"sex": list("FFMM"), "race": list("xyxy")})
    with pytest.raises(ValueError, match=r"a tuple of 2 values in the order \['sex', 'race'\]"):
        gm.disparity(reference="F")


def test_unknown_metric_suggests_a_name():
    with pytest.raises(
        ValueError, match=r"unknown metric 'selection_rat'\. Did you mean 'selection_rate'"
    ):
        GroupMetrics([1, 0], [1, 0], ["a", "b"], metrics=["selection_rat"])


@pytest.mark.parametrize("reference", [2, 2.0, "2", np.int64(2)])
def test_numeric_reference_matches_the_group_label(reference):
    gm = GroupMetrics([1, 0, 1, 0], [1, 0, 1, 1], [1, 1, 2, 2], metrics="selection_rate")
    assert gm.disparity("ratio", reference=reference)["selection_rate"].tolist() == [0.5, 1.0]
    assert gm.reference_ == {"selection_rate": "2"}
