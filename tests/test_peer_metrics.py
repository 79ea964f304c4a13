"""The peers' measures under their names: holisticai's and dalex's published values,
AIF360 and holisticai themselves (pinned), sklearn, and hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import fbeta_score

import fairscope
from fairscope import GroupMetrics
from fairscope.metrics import (
    average_odds_difference,
    cohens_d,
    correlation_difference,
    disparate_impact_at_quantile,
    disparate_impact_ratio,
    fbeta_metric,
    get_metric,
    jain_index,
    parity_loss,
    statistical_parity_auc,
    statistical_parity_difference,
    z_score_difference,
    z_test_difference,
    z_test_ratio,
)

# holisticai tests/data/small_test_classification.csv and small_test_regression.csv
# (rows 1-4 are group_a, rows 5-10 group_b). holisticai's values are group_a versus group_b;
# ours are unprivileged versus privileged, so group_b is the privileged group.
GROUPS = np.array(["a"] * 4 + ["b"] * 6)
CLS_PRED = np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 0])
REG_PRED = np.array([0.9, 0.7, 0.3, 0.2, 0.8, 1.0, 0.8, 0.2, 0.1, 0.2])
REG_TRUE = np.array([0.8, 0.9, 0.2, 0.1, 0.7, 0.9, 0.9, 0.3, 0.2, 0.1])
B = {"sensitive_features": GROUPS, "privileged_groups": "b"}


# -- holisticai's published values: tests/bias/metrics/test_bias_classification.py ----------


def test_holisticai_classification_published_values():
    # test_statistical_parity: 5/12; test_disparate_impact: 9/4; test_cohen_d: 0.9109750373485539;
    # test_z_test_diff: 1.290994449; test_z_test_ratio: 1.256287689
    assert statistical_parity_difference(CLS_PRED, CLS_PRED, **B) == pytest.approx(5 / 12)
    assert disparate_impact_ratio(CLS_PRED, CLS_PRED, **B) == pytest.approx(9 / 4)
    assert cohens_d(CLS_PRED, **B) == pytest.approx(0.9109750373485539, rel=1e-12)
    assert z_test_difference(CLS_PRED, **B) == pytest.approx(1.290994449, rel=1e-9)
    assert z_test_ratio(CLS_PRED, **B) == pytest.approx(1.256287689, rel=1e-9)


# -- holisticai's published values: tests/bias/metrics/test_bias_regression.py -----------------


@pytest.mark.parametrize(("q", "expected"), [(0.5, 1.0), (0.8, 1.5), (0.9, 0.0)])
def test_holisticai_disparate_impact_at_quantiles(q, expected):
    # test_disparate_impact_regression50 / 80 / 90
    assert disparate_impact_at_quantile(REG_PRED, q=q, **B) == pytest.approx(expected)


def test_holisticai_zscore_diff_published_values():
    # test_zscore_diff: 0.025042098285188583; test_zscore_diffQ80: 40 zero rows appended
    # (in neither group in holisticai; here a third group, pooled with the unprivileged rows)
    # and q=0.8 give the same value: the cut at the 0.8 quantile leaves the zeros out
    assert z_score_difference(REG_PRED, **B) == pytest.approx(0.025042098285188583, rel=1e-12)
    groups = np.concatenate([GROUPS, ["none"] * 40])
    preds = np.concatenate([REG_PRED, np.zeros(40)])
    ours = z_score_difference(preds, sensitive_features=groups, privileged_groups="b", q=0.8)
    assert ours == pytest.approx(0.025042098285188583, rel=1e-12)


def test_holisticai_correlation_diff_published_value():
    # test_correlation_diff: -0.022 to 3 significant digits
    ours = correlation_difference(REG_TRUE, REG_PRED, **B)
    assert ours == pytest.approx(-0.022, abs=5e-4)


def test_holisticai_statistical_parity_auc_published_values():
    # test_statistical_parity_auc: both orders give 0.24753333333333336
    groups = np.array(["a"] * 100 + ["b"] * 100)
    line = np.linspace(0, 1, 100)
    for preds in (np.concatenate([2 * line, line]), np.concatenate([line, 2 * line])):
        ours = statistical_parity_auc(preds, sensitive_features=groups, privileged_groups="b")
        assert ours == pytest.approx(0.24753333333333336, rel=1e-12)


def test_holisticai_jain_index_docstring_value():
    # holisticai.bias.metrics.jain_index docstring: y_true 1..5, y_pred 1,2,3,4,4 -> 0.2
    assert jain_index([1, 2, 3, 4, 5], [1, 2, 3, 4, 4]) == pytest.approx(0.2)
    assert jain_index([1, 2], [1, 2]) == 1.0


# -- holisticai 1.0.14 itself on random data (values computed in a separate venv) -----------


def _holistic_random():
    rng = np.random.default_rng(161)
    n = 300
    a = rng.integers(0, 2, n)
    binary = rng.integers(0, 2, n)
    scores = rng.normal(size=n) + 0.3 * a
    target = scores + rng.normal(size=n)
    return np.where(a == 1, "a", "b"), binary, scores, target


def test_equal_to_holisticai_on_random_data():
    groups, binary, scores, target = _holistic_random()
    kw = {"sensitive_features": groups, "privileged_groups": "b"}
    assert cohens_d(binary, **kw) == pytest.approx(-0.2694099747099417, rel=1e-12)
    assert z_test_difference(binary, **kw) == pytest.approx(-2.312224342013797, rel=1e-12)
    assert z_test_ratio(binary, **kw) == pytest.approx(-2.323508704975492, rel=1e-12)
    assert z_score_difference(scores, **kw) == pytest.approx(0.2306447908786542, rel=1e-12)
    assert z_score_difference(scores, q=0.8, **kw) == pytest.approx(0.636975494681445, rel=1e-12)
    assert statistical_parity_auc(scores, **kw) == pytest.approx(0.05408388520971302, rel=1e-12)
    assert disparate_impact_at_quantile(scores, q=0.8, **kw) == pytest.approx(
        1.480132450331126, rel=1e-12
    )
    assert disparate_impact_at_quantile(scores, q=0.9, **kw) == pytest.approx(
        2.7135761589403975, rel=1e-12
    )
    assert correlation_difference(target, scores, **kw) == pytest.approx(
        0.020218937068954834, rel=1e-10
    )
    assert correlation_difference(target, scores, q=0.5, **kw) == pytest.approx(
        0.1433845654198973, rel=1e-10
    )
    assert jain_index(scores, target) == pytest.approx(0.6565670531344554, rel=1e-12)


# -- AIF360 0.6.1 itself (aif360.sklearn.metrics, priv_group=1) on random data ---------------


def _aif_random():
    rng = np.random.default_rng(16)
    n = 400
    y_true, y_pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    race = rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2])
    sex = rng.integers(0, 2, n)
    rng.normal(size=(n, 3))
    return y_true, y_pred, race, sex, rng.random(n) * 2


def test_aif360_named_functions_equal_aif360_with_weights():
    y_true, y_pred, _, sex, w = _aif_random()
    kw = {"sensitive_features": sex, "privileged_groups": 1, "sample_weight": w}
    assert disparate_impact_ratio(y_true, y_pred, **kw) == pytest.approx(
        1.006581539135154, rel=1e-12
    )
    assert statistical_parity_difference(y_true, y_pred, **kw) == pytest.approx(
        0.003310306234122762, rel=1e-10
    )
    assert average_odds_difference(y_true, y_pred, **kw) == pytest.approx(
        0.0034856371782838458, rel=1e-10
    )


def test_privileged_groups_as_a_union_pools_every_other_row():
    # aif360 on a 0/1 attribute "race in {0, 2}": our privileged_groups=[0, 2] on race itself
    y_true, y_pred, race, _, _ = _aif_random()
    kw = {"sensitive_features": race, "privileged_groups": [0, 2]}
    assert disparate_impact_ratio(y_true, y_pred, **kw) == pytest.approx(
        1.1164179104477614, rel=1e-12
    )
    assert statistical_parity_difference(y_true, y_pred, **kw) == pytest.approx(
        0.05672727272727279, rel=1e-10
    )
    assert average_odds_difference(y_true, y_pred, **kw) == pytest.approx(
        0.047112307981873186, rel=1e-10
    )


def test_aif360_named_functions_are_top_level_exports():
    assert fairscope.disparate_impact_ratio is disparate_impact_ratio


# -- dalex parity loss, by hand --------------------------------------------------------------


def test_parity_loss_sums_absolute_log_ratios_to_the_reference():
    y_true = [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0]
    y_pred = [1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0]
    groups = list("aaaabbbbcccc")
    # TPR: a 2/2, b 1/2, c 1/2 -> |ln 1| + 2 |ln 0.5|
    loss = parity_loss(y_true, y_pred, sensitive_features=groups, reference="a")
    assert loss == pytest.approx(2 * np.log(2))
    sr = parity_loss(
        y_true, y_pred, sensitive_features=groups, metric="selection_rate", reference="a"
    )
    # selection rate: a 3/4, b 1/4, c 1/4 -> 2 ln 3
    assert sr == pytest.approx(2 * np.log(3))


# -- registry entries ------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.5, 2.0, 3.0])
def test_f_beta_equals_sklearn_per_group_with_weights(beta):
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    groups, w = rng.choice(["x", "y"], 500), rng.random(500)
    metric = get_metric("f0.5") if beta == 0.5 else fbeta_metric(beta)
    gm = GroupMetrics(y_true, y_pred, groups, metrics=[metric], sample_weight=w)
    for g in ("x", "y"):
        expected = fbeta_score(
            y_true[groups == g], y_pred[groups == g], beta=beta, sample_weight=w[groups == g]
        )
        assert gm.by_group.loc[g, metric.name] == pytest.approx(expected, rel=1e-12)


def test_regression_registry_entries_from_moments():
    import pandas as pd

    from fairscope.core._moments import reduce_moments

    _, _, scores, target = _holistic_random()
    codes = np.zeros(len(scores), dtype=int)
    moments = reduce_moments(target, scores, codes, pd.Index(["all"], name="g"))
    jain = get_metric("jain_index").compute(moments)
    corr = get_metric("correlation").compute(moments)
    assert jain[0] == pytest.approx(0.6565670531344554, rel=1e-10)  # holisticai, as above
    assert corr[0] == pytest.approx(np.corrcoef(scores, target)[0, 1], rel=1e-10)


# -- generalized (score-weighted) confusion counts ----------------------------------------------


def test_generalized_counts_equal_aif360s_published_values():
    # AIF360 tests/test_classification_metric.py, test_generalized_binary_confusion_matrix:
    # labels 0 and 1 favourable, 2 unfavourable; `round(gtp, 2) == 5.31` and `gfp == 1.09`
    from fairscope.metrics import generalized_confusion_rates

    labels = np.array([1, 0, 0, 1, 0, 0, 2, 0, 0, 2])
    scores = [0.8, 0.6, 0.7, 0.8, 0.36, 0.82, 0.79, 0.42, 0.81, 0.3]
    table = generalized_confusion_rates(labels != 2, scores, pos_label=True)
    assert table.loc["<overall>", "gtp"] == pytest.approx(5.31)
    assert table.loc["<overall>", "gfp"] == pytest.approx(1.09)


def test_generalized_rates_equal_aif360_with_weights_and_per_group_by_hand():
    # aif360 0.6.1 aif360.sklearn.metrics.generalized_fpr / generalized_fnr on this data
    from fairscope.metrics import generalized_confusion_rates

    rng = np.random.default_rng(162)
    y, s, w = rng.integers(0, 2, 300), rng.random(300), rng.random(300)
    plain = generalized_confusion_rates(y, s).loc["<overall>"]
    weighted = generalized_confusion_rates(y, s, sample_weight=w).loc["<overall>"]
    assert plain["gfpr"] == pytest.approx(0.4976643916582673, rel=1e-12)
    assert plain["gfnr"] == pytest.approx(0.4986809756663574, rel=1e-12)
    assert weighted["gfpr"] == pytest.approx(0.479682516341347, rel=1e-12)
    assert weighted["gfnr"] == pytest.approx(0.5006342851373377, rel=1e-12)
    groups = generalized_confusion_rates([1, 0, 1, 0], [0.9, 0.2, 0.5, 0.4],
                                         sensitive_features=["a", "a", "b", "b"])  # fmt: skip
    assert groups.loc["a", "gtpr"] == pytest.approx(0.9)
    assert groups.loc["b", "gfpr"] == pytest.approx(0.4)
    assert groups.loc["b", "gtnr"] == pytest.approx(0.6)


# -- dalex 1.8.0 itself -------------------------------------------------------------------------


def _dalex_data():
    rng = np.random.default_rng(163)
    y_true, y_pred, groups = [], [], []
    for name, k in {"a": 50, "b": 25, "c": 100}.items():
        for label in (1, 0):
            y_true += [label] * k
            y_pred += list(rng.integers(0, 2, k))
            groups += [name] * k
    return np.array(y_true), np.array(y_pred), np.array(groups)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("tpr", 0.0800427076735365),
        ("fnr", 0.0800427076735365),
        ("tnr", 0.5278543241794451),
        ("fpr", 0.4112047533981291),
        ("accuracy", 0.24561640716626845),
        ("selection_rate", 0.21789586494543378),
    ],
)
def test_parity_loss_equals_dalex(metric, expected):
    # dalex 1.8.0 fairness utils (SubgroupConfusionMatrixMetrics, calculate_parity_loss) with
    # privileged "a" and cutoff 0.5, on _dalex_data(). dalex rounds each metric to 3 decimals
    # before the ratios; the group sizes (50, 25, 100 positives and negatives) make these
    # metrics exact at 3 decimals, so the rounding does not change them here.
    y_true, y_pred, groups = _dalex_data()
    ours = parity_loss(y_true, y_pred, sensitive_features=groups, metric=metric, reference="a")
    assert ours == pytest.approx(expected, rel=1e-12)


def test_a_comparison_asked_for_as_a_metric_points_to_its_function():
    with pytest.raises(ValueError, match=r"fairscope\.metrics\.z_test_difference"):
        get_metric("z_test_difference")
    with pytest.raises(ValueError, match=r"fairscope\.inequality\.theil_index"):
        GroupMetrics([1, 0], [1, 0], ["a", "b"], metrics=["theil_index"])


def test_regression_audits_report_jain_index_and_correlation_per_group():
    rng = np.random.default_rng(8)
    y = rng.normal(size=200)
    p = y + rng.normal(size=200)
    groups = rng.choice(["a", "b"], 200)
    result = fairscope.audit_predictions(y_true=y, y_pred=p, sensitive_features=groups,
                                         task="regression")  # fmt: skip
    table = result.tables["regression_metrics"].set_index("group")
    for g in ("a", "b"):
        mask = groups == g
        assert table.loc[g, "jain_index"] == pytest.approx(jain_index(y[mask], p[mask]))
        assert table.loc[g, "prediction_target_correlation"] == pytest.approx(
            np.corrcoef(y[mask], p[mask])[0, 1]
        )


def test_per_group_cutoffs_give_dalexs_confusion_counts():
    # dalex 1.8.0 SubgroupConfusionMatrix(y, scores, groups, {"f": 0.4, "m": 0.6}): (tp, fp, tn, fn)
    from fairscope.metrics import predict_with_group_cutoffs

    rng = np.random.default_rng(164)
    y = rng.integers(0, 2, 200)
    scores = np.round(rng.random(200), 3)
    groups = rng.choice(["f", "m"], 200)
    predictions = predict_with_group_cutoffs(
        scores, sensitive_features=groups, cutoffs={"f": 0.4, "m": 0.6}
    )
    counts = GroupMetrics(y, predictions, groups).counts
    assert counts.loc["f", ["tp", "fp", "tn", "fn"]].tolist() == [31, 28, 24, 20]
    assert counts.loc["m", ["tp", "fp", "tn", "fn"]].tolist() == [13, 20, 36, 28]
    with pytest.raises(ValueError, match="not groups"):
        predict_with_group_cutoffs(scores, sensitive_features=groups, cutoffs={"x": 0.5})


def test_holisticai_regression_ratios_published_values_through_the_regression_audit():
    # tests/bias/metrics/test_bias_regression.py: test_rmse_ratio 1.3228756555322954,
    # test_mae_ratio 1.25, test_avg_score_diff 0.1/12, test_avg_score_ratio 1.016129032,
    # test_avg_score_diffQ80 -0.1 (rows at or above the 0.8 quantile of the predictions)
    from fairscope.metrics import top_quantile_mask

    result = fairscope.audit_predictions(y_true=REG_TRUE, y_pred=REG_PRED,
                                         sensitive_features=GROUPS, task="regression",
                                         min_group_size=0)  # fmt: skip
    table = result.tables["regression_metrics"].set_index("group")
    rmse = table["root_mean_squared_error"]
    mae = table["mean_absolute_error"]
    mean = table["mean_prediction"]
    assert rmse["a"] / rmse["b"] == pytest.approx(1.3228756555322954, rel=1e-12)
    assert mae["a"] / mae["b"] == pytest.approx(1.25, rel=1e-12)
    assert mean["a"] - mean["b"] == pytest.approx(0.1 / 12, rel=1e-9)
    assert mean["a"] / mean["b"] == pytest.approx(1.016129032, rel=1e-9)
    top = top_quantile_mask(REG_PRED, 0.8)
    assert REG_PRED[top & (GROUPS == "a")].mean() - REG_PRED[top & (GROUPS == "b")].mean() == (
        pytest.approx(-0.1)
    )
