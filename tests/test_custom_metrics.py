"""Metric callables, sample_params and control_features: GroupMetrics equals MetricFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from fairlearn.metrics import make_derived_metric as fairlearn_derived
from fairlearn.metrics import selection_rate as fairlearn_selection_rate
from sklearn.metrics import f1_score, fbeta_score, mean_squared_error, recall_score

from fairscope import GroupMetrics, make_derived_metric


def _data(seed: int = 0, n: int = 600):
    rng = np.random.default_rng(seed)
    return {
        "y_true": rng.integers(0, 2, n),
        "y_pred": rng.integers(0, 2, n),
        "sex": rng.choice(["F", "M"], n),
        "race": rng.choice(["x", "y", "z"], n, p=[0.5, 0.3, 0.2]),
        "site": rng.choice(["north", "south"], n),
        "w": rng.random(n) * 3,
    }


def _assert_frames_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=0, atol=1e-12)


def test_a_fairlearn_users_first_attempt_works_and_equals_metricframe_with_weights():
    d = _data()
    params = {"f1": {"sample_weight": d["w"]}, "recall": {"sample_weight": d["w"]}}
    metrics = {"f1": f1_score, "recall": recall_score}
    gm = GroupMetrics(d["y_true"], d["y_pred"], d["race"], metrics=metrics, sample_params=params)
    mf = MetricFrame(
        metrics=metrics,
        y_true=d["y_true"],
        y_pred=d["y_pred"],
        sensitive_features=d["race"],
        sample_params=params,
    )
    _assert_frames_equal(gm.by_group, mf.by_group)
    np.testing.assert_allclose(gm.overall, mf.overall, atol=1e-12)
    for method in ("between_groups", "to_overall"):
        np.testing.assert_allclose(gm.difference(method), mf.difference(method=method), atol=1e-12)
        np.testing.assert_allclose(gm.ratio(method), mf.ratio(method=method), atol=1e-12)
    np.testing.assert_allclose(gm.group_min(), mf.group_min(), atol=1e-12)
    np.testing.assert_allclose(gm.group_max(), mf.group_max(), atol=1e-12)


def test_callables_and_registered_names_mix_and_the_dict_keys_name_the_columns():
    d = _data(1)
    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        {"sex": d["sex"], "race": d["race"]},
        metrics={"f1": f1_score, "sr": "selection_rate"},
    )
    mf = MetricFrame(
        metrics={"f1": f1_score, "sr": fairlearn_selection_rate},
        y_true=d["y_true"],
        y_pred=d["y_pred"],
        sensitive_features=pd.DataFrame({"sex": d["sex"], "race": d["race"]}),
    )
    assert list(gm.by_group.columns) == ["f1", "sr"]
    assert isinstance(gm, GroupMetrics)
    _assert_frames_equal(gm.by_group, mf.by_group)
    assert "row-level path" in gm.row_level_note


def test_top_level_sample_weight_reaches_callables_that_accept_it():
    d = _data(2)
    gm = GroupMetrics(
        d["y_true"], d["y_pred"], d["sex"], metrics=[f1_score, "f1"], sample_weight=d["w"]
    )
    # the registered F1 (from weighted counts) and sklearn's weighted F1 agree
    np.testing.assert_allclose(gm.by_group["f1_score"], gm.by_group["f1"], atol=1e-12)


def test_sample_params_of_one_callable_may_be_given_flat_as_in_metricframe():
    d = _data(3)
    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        d["sex"],
        metrics=f1_score,
        sample_params={"sample_weight": d["w"]},
    )
    mf = MetricFrame(
        metrics=f1_score,
        y_true=d["y_true"],
        y_pred=d["y_pred"],
        sensitive_features=d["sex"],
        sample_params={"sample_weight": d["w"]},
    )
    np.testing.assert_allclose(gm.by_group["f1_score"], mf.by_group, atol=1e-12)


def test_callables_may_be_regression_metrics():
    rng = np.random.default_rng(4)
    y, yhat = rng.normal(size=200), rng.normal(size=200)
    group = rng.choice(["a", "b"], 200)
    gm = GroupMetrics(y, yhat, group, metrics={"mse": mean_squared_error})
    mf = MetricFrame(
        metrics={"mse": mean_squared_error}, y_true=y, y_pred=yhat, sensitive_features=group
    )
    _assert_frames_equal(gm.by_group, mf.by_group)
    assert gm.group_sizes.tolist() == [int((group == "a").sum()), int((group == "b").sum())]


def test_control_features_compare_groups_within_each_stratum_as_metricframe():
    d = _data(5)
    metrics = {"f1": f1_score, "sr": fairlearn_selection_rate}
    params = {"f1": {"sample_weight": d["w"]}, "sr": {"sample_weight": d["w"]}}
    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        {"race": d["race"]},
        metrics=metrics,
        sample_params=params,
        control_features={"site": d["site"]},
    )
    mf = MetricFrame(
        metrics=metrics,
        y_true=d["y_true"],
        y_pred=d["y_pred"],
        sensitive_features=pd.Series(d["race"], name="race"),
        control_features=pd.Series(d["site"], name="site"),
        sample_params=params,
    )
    _assert_frames_equal(gm.by_group, mf.by_group)
    assert list(gm.by_group.index.names) == ["site", "race"]
    _assert_frames_equal(gm.overall, mf.overall)
    _assert_frames_equal(gm.group_min(), mf.group_min())
    _assert_frames_equal(gm.group_max(), mf.group_max())
    for method in ("between_groups", "to_overall"):
        _assert_frames_equal(gm.difference(method), mf.difference(method=method))
        _assert_frames_equal(gm.ratio(method), mf.ratio(method=method))


def test_control_features_with_registered_metrics_equal_metricframe():
    d = _data(6)
    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        d["sex"],
        metrics=["selection_rate"],
        sample_weight=d["w"],
        control_features=d["site"],
    )
    mf = MetricFrame(
        metrics={"selection_rate": fairlearn_selection_rate},
        y_true=d["y_true"],
        y_pred=d["y_pred"],
        sensitive_features=d["sex"],
        control_features=d["site"],
        sample_params={"selection_rate": {"sample_weight": d["w"]}},
    )
    _assert_frames_equal(gm.by_group, mf.by_group)
    _assert_frames_equal(gm.difference(), mf.difference())
    with pytest.raises(ValueError, match="control_features"):
        gm.disparity("ratio")


def test_row_bootstrap_resamples_rows_for_callables_and_counts_alike():
    d = _data(7, n=300)

    def share_predicted_positive(y_true, y_pred):
        return float(np.mean(y_pred))

    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        d["sex"],
        metrics=[share_predicted_positive, "selection_rate"],
        ci_method="bootstrap",
        n_boot=100,
        random_state=0,
    )
    boot, _, _ = gm._replicate_values()
    assert boot.shape == (100, 3, 2)
    # one resample of rows feeds both: the callable and the counted rate agree in every replicate
    np.testing.assert_allclose(boot[..., 0], boot[..., 1], atol=1e-12)
    table = gm.confidence_intervals()
    mine = table[table.metric == "share_predicted_positive"]
    assert (mine.lower < mine.estimate).all() and (mine.estimate < mine.upper).all()
    assert set(mine.method) == {"bootstrap-percentile"}


def test_stratified_row_bootstrap_keeps_group_sizes():
    d = _data(8, n=200)
    gm = GroupMetrics(
        d["y_true"],
        d["y_pred"],
        d["sex"],
        metrics={"n_rows": lambda t, p: float(len(t))},
        ci_method="bootstrap",
        bootstrap="stratified",
        n_boot=20,
        random_state=1,
    )
    boot, _, _ = gm._replicate_values()
    expected = np.append(gm.group_sizes.to_numpy(), 200)
    assert (boot[..., 0] == expected).all()


def test_bca_is_refused_for_callables_with_the_fix():
    d = _data(9, n=50)
    with pytest.raises(ValueError, match="ci_method='bootstrap'"):
        GroupMetrics(d["y_true"], d["y_pred"], d["sex"], metrics=[f1_score], ci_method="bca")


def test_unnamed_lambdas_and_unknown_sample_params_fail_with_the_fix():
    d = _data(10, n=50)
    with pytest.raises(ValueError, match="pass metrics as a dict"):
        GroupMetrics(d["y_true"], d["y_pred"], d["sex"], metrics=[lambda t, p: 0.0])
    with pytest.raises(ValueError, match="key it by metric name"):
        GroupMetrics(
            d["y_true"],
            d["y_pred"],
            d["sex"],
            metrics={"f1": f1_score, "r": recall_score},
            sample_params={"nope": {"sample_weight": d["w"]}},
        )


def test_for_feature_recomputes_callables_from_the_rows():
    d = _data(11)
    gm = GroupMetrics(
        d["y_true"], d["y_pred"], {"sex": d["sex"], "race": d["race"]}, metrics={"f1": f1_score}
    )
    alone = GroupMetrics(d["y_true"], d["y_pred"], {"sex": d["sex"]}, metrics={"f1": f1_score})
    _assert_frames_equal(gm.for_feature("sex").by_group, alone.by_group)


@pytest.mark.parametrize("transform", ["difference", "ratio", "group_min", "group_max"])
def test_make_derived_metric_equals_fairlearns(transform):
    d = _data(12)
    ours = make_derived_metric(recall_score, transform=transform)
    theirs = fairlearn_derived(metric=recall_score, transform=transform)
    kwargs = {"sensitive_features": d["race"], "sample_weight": d["w"]}
    assert ours(d["y_true"], d["y_pred"], **kwargs) == pytest.approx(
        theirs(d["y_true"], d["y_pred"], **kwargs), abs=1e-12
    )
    # a registered name stays on the counts path and gives the same number
    named = make_derived_metric("tpr", transform=transform)
    assert named(d["y_true"], d["y_pred"], **kwargs) == pytest.approx(
        theirs(d["y_true"], d["y_pred"], **kwargs), abs=1e-12
    )


def test_make_derived_metric_passes_other_arguments_through_like_fairlearn():
    d = _data(13)
    ours = make_derived_metric(fbeta_score, transform="difference")
    theirs = fairlearn_derived(metric=fbeta_score, transform="difference")
    kwargs = {"sensitive_features": d["sex"], "beta": 0.5}
    assert ours(d["y_true"], d["y_pred"], method="to_overall", **kwargs) == pytest.approx(
        theirs(d["y_true"], d["y_pred"], method="to_overall", **kwargs), abs=1e-12
    )


def test_make_derived_metric_hand_computed():
    # recall: group a 1/2, group b 2/2
    f = make_derived_metric(recall_score, transform="ratio")
    assert f([1, 1, 1, 1], [1, 0, 1, 1], sensitive_features=["a", "a", "b", "b"]) == 0.5
    with pytest.raises(ValueError, match="transform"):
        make_derived_metric(recall_score, transform="mean")


def test_a_row_level_group_metrics_pickles_and_copies():
    import copy
    import pickle

    d = _data(14, n=200)
    gm = GroupMetrics(
        d["y_true"], d["y_pred"], d["sex"], metrics={"f1": f1_score}, control_features=d["site"]
    )
    for clone in (pickle.loads(pickle.dumps(gm)), copy.deepcopy(gm)):
        assert isinstance(clone, GroupMetrics)
        _assert_frames_equal(clone.difference(), gm.difference())


def test_column_names_of_a_dataframe_work_with_callables():
    d = _data(15, n=200)
    frame = pd.DataFrame({"y": d["y_true"], "p": d["y_pred"], "sex": d["sex"], "w": d["w"]})
    gm = GroupMetrics("y", "p", "sex", data=frame, metrics={"f1": f1_score}, sample_weight="w")
    alone = GroupMetrics(
        d["y_true"], d["y_pred"], d["sex"], metrics={"f1": f1_score}, sample_weight=d["w"]
    )
    _assert_frames_equal(gm.by_group, alone.by_group)
