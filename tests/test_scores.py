"""Score-based metrics per group: AUC, AP, Brier, log loss, calibration, threshold sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)

import fairscope
from fairscope.compute._scores import (
    auc_from_histograms,
    hanley_mcneil_se,
    reduce_scores,
    score_metrics_frame,
)


def _scored(n=6000, seed=0, groups=("a", "b", "c")):
    rng = np.random.default_rng(seed)
    g = rng.choice(list(groups), n)
    shift = pd.Series(g).map({k: i * 0.05 for i, k in enumerate(groups)}).to_numpy()
    y = rng.random(n) < 0.3 + shift
    score = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 0.6 + shift)))
    return y.astype(int), score, g


def _by_group(result, feature, column):
    table = result.tables["score_metrics"]
    table = table[table["feature"] == feature].set_index("group")
    return table[column]


def test_per_group_auc_matches_sklearn_within_1e3_with_quantile_bins():
    y, score, g = _scored(n=40_000)
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=g, n_bins=1000)
    assert result.metadata["scores"]["exact"] is False
    auc = _by_group(result, "sensitive_feature", "roc_auc")
    bound = _by_group(result, "sensitive_feature", "auc_binning_error_bound")
    for group in ("a", "b", "c"):
        expected = roc_auc_score(y[g == group], score[g == group])
        assert abs(auc[group] - expected) <= 1e-3
        assert abs(auc[group] - expected) <= bound[group] + 1e-15


def test_exact_mode_auc_equals_sklearn_with_weights():
    y, score, g = _scored(n=3000, seed=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    result = fairscope.audit_predictions(
        y, y_score=score, sensitive_features=g, sample_weight=w, exact=True
    )
    auc = _by_group(result, "sensitive_feature", "roc_auc")
    for group in ("a", "b", "c"):
        m = g == group
        assert auc[group] == pytest.approx(
            roc_auc_score(y[m], score[m], sample_weight=w[m]), abs=1e-12
        )
    assert _by_group(result, "sensitive_feature", "auc_binning_error_bound").eq(0).all()


def test_tied_positive_and_negative_count_half():
    auc = auc_from_histograms(np.array([[0, 1]]), np.array([[0, 1]]))
    assert auc.tolist() == [0.5]
    result = fairscope.audit_predictions(
        [1, 0, 1, 0], y_score=[0.7, 0.7, 0.9, 0.1], sensitive_features=["a"] * 4
    )
    # pairs: (0.7, 0.7) tie, (0.7, 0.1) win, (0.9, 0.7) win, (0.9, 0.1) win -> 3.5 / 4
    assert _by_group(result, "sensitive_feature", "roc_auc")["a"] == 0.875


def test_average_precision_brier_and_log_loss_match_sklearn_per_group():
    y, score, g = _scored(n=4000, seed=3)
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=g)
    ap = _by_group(result, "sensitive_feature", "average_precision")
    brier = _by_group(result, "sensitive_feature", "brier_score")
    loss = _by_group(result, "sensitive_feature", "log_loss")
    for group in ("a", "b", "c"):
        m = g == group
        assert ap[group] == pytest.approx(average_precision_score(y[m], score[m]), abs=1e-12)
        assert brier[group] == pytest.approx(brier_score_loss(y[m], score[m]), abs=1e-12)
        assert loss[group] == pytest.approx(log_loss(y[m], score[m]), abs=1e-12)


def test_threshold_sweep_equals_direct_counts():
    y, score, g = _scored(n=2000, seed=4)
    result = fairscope.audit_predictions(
        y, y_score=score, sensitive_features=g, thresholds=[0.25, 0.5, 0.731]
    )
    sweep = result.tables["threshold_sweep"].set_index(["group", "threshold"])
    for group in ("a", "b"):
        m = g == group
        for t in (0.25, 0.5, 0.731):
            row = sweep.loc[(group, t)]
            pred = score[m] >= t
            assert row["selection_rate"] == pytest.approx(pred.mean(), abs=1e-15)
            assert row["true_positive_rate"] == pytest.approx(pred[y[m] == 1].mean(), abs=1e-15)
            assert row["false_positive_rate"] == pytest.approx(pred[y[m] == 0].mean(), abs=1e-15)


def test_calibration_table_and_ece_equal_direct_binning():
    y, score, g = _scored(n=3000, seed=5)
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=g, calibration_bins=5)
    m = g == "b"
    bins = np.minimum((score[m] * 5).astype(int), 4)
    cal = result.tables["calibration"].query("group == 'b'").set_index("bin")
    ece = 0.0
    for b in range(5):
        inside = bins == b
        if not inside.any():
            assert cal.loc[b, "n"] == 0
            continue
        assert cal.loc[b, "n"] == inside.sum()
        assert cal.loc[b, "mean_score"] == pytest.approx(score[m][inside].mean(), abs=1e-12)
        assert cal.loc[b, "fraction_positive"] == pytest.approx(y[m][inside].mean(), abs=1e-12)
        ece += inside.mean() * abs(score[m][inside].mean() - y[m][inside].mean())
    assert _by_group(result, "sensitive_feature", "expected_calibration_error")["b"] == (
        pytest.approx(ece, abs=1e-12)
    )


def test_hanley_mcneil_standard_error_by_hand():
    # A = 0.8, 40 positives, 60 negatives (Hanley and McNeil 1982, eq. 2)
    a, n1, n2 = 0.8, 40, 60
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2))
    assert float(hanley_mcneil_se(np.array(a), n1, n2)) == pytest.approx(se, rel=1e-12)


def test_auc_gap_disparities_have_intervals_around_the_estimate():
    y, score, g = _scored(n=5000, seed=6)
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=g, reference="a")
    gaps = result.tables["disparities"].query("metric == 'roc_auc' and kind == 'difference'")
    auc = _by_group(result, "sensitive_feature", "roc_auc")
    row = gaps.set_index("group").loc["c"]
    assert row["estimate"] == pytest.approx(auc["c"] - auc["a"], abs=1e-15)
    assert row["lower"] < row["estimate"] < row["upper"]
    assert row["method"] == "mover-hanley-mcneil"
    assert gaps.set_index("group").loc["a", "is_reference"]


def test_scores_leave_the_binary_tables_unchanged():
    y, score, g = _scored(n=1500, seed=7)
    pred = (score >= 0.5).astype(int)
    plain = fairscope.audit_predictions(y, pred, sensitive_features=g)
    scored = fairscope.audit_predictions(y, pred, y_score=score, sensitive_features=g)
    for name in ("group_metrics", "counts", "intervals"):
        pd.testing.assert_frame_equal(plain.tables[name], scored.tables[name])
    binary_rows = scored.tables["disparities"].iloc[: len(plain.tables["disparities"])]
    pd.testing.assert_frame_equal(plain.tables["disparities"], binary_rows)


def test_threshold_binarizes_scores_when_predictions_are_absent():
    y, score, g = _scored(n=1500, seed=8)
    result = fairscope.audit_predictions(y, y_score=score, threshold=0.6, sensitive_features=g)
    rates = result.tables["group_metrics"].set_index("group")["selection_rate"]
    assert rates["a"] == pytest.approx((score[g == "a"] >= 0.6).mean(), abs=1e-15)
    assert result.metadata["threshold"] == 0.6


def test_decision_function_scores_have_no_probability_metrics():
    y, score, g = _scored(n=1000, seed=9)
    margin = np.log(score / (1 - score))
    result = fairscope.audit_predictions(y, y_score=margin, threshold=0.0, sensitive_features=g)
    table = result.tables["score_metrics"]
    assert table["brier_score"].isna().all() and table["log_loss"].isna().all()
    assert result.tables["calibration"].empty
    # AUC is invariant to the monotone transform
    auc = _by_group(result, "sensitive_feature", "roc_auc")
    assert auc["a"] == pytest.approx(roc_auc_score(y[g == "a"], score[g == "a"]), abs=1e-12)


def test_non_probability_scores_without_threshold_are_refused():
    with pytest.raises(ValueError, match="threshold="):
        fairscope.audit_predictions([0, 1], y_score=[-1.0, 2.0], sensitive_features=["a", "b"])


def test_non_numeric_scores_are_refused():
    with pytest.raises(ValueError, match="y_score must be numeric"):
        fairscope.audit_predictions(
            [0, 1, 1], [0, 1, 1], y_score=["low", "high", "high"], sensitive_features=["a"] * 3
        )


def test_missing_scores_are_refused_or_dropped_and_counted():
    y, score, g = _scored(n=500, seed=10)
    score = score.copy()
    score[:6] = np.nan
    score[6] = np.inf
    with pytest.raises(ValueError, match="y_score has 7 missing or infinite"):
        fairscope.audit_predictions(y, y_score=score, sensitive_features=g)
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=g, dropna=True)
    assert result.metadata["n_dropped"] == 7
    assert result.metadata["dropped"] == {"missing y_score": 7}  # NaN and infinite
    assert result.tables["score_metrics"]["n"].iloc[-1] == 493


def test_intersection_statistics_add_up_to_each_feature():
    rng = np.random.default_rng(11)
    y, score, _ = _scored(n=2000, seed=11)
    sf = pd.DataFrame({"sex": rng.choice(["F", "M"], 2000), "race": rng.choice(["x", "y"], 2000)})
    result = fairscope.audit_predictions(y, y_score=score, sensitive_features=sf, exact=True)
    auc = _by_group(result, "sex", "roc_auc")
    m = (sf["sex"] == "F").to_numpy()
    assert auc["F"] == pytest.approx(roc_auc_score(y[m], score[m]), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 30)), min_size=4, max_size=60),
    st.integers(2, 8),
)
def test_binned_auc_error_never_exceeds_its_reported_bound(rows, n_bins):
    y = np.array([r[0] for r in rows])
    score = np.array([r[1] / 30 for r in rows])
    if y.all() or not y.any():
        return
    stats_ = reduce_scores(
        y, score, np.zeros(len(y), int), pd.Index(["g"]), n_bins=n_bins, thresholds=[]
    )
    frame = score_metrics_frame(stats_, ["g"])
    error = abs(frame["roc_auc"].iloc[0] - roc_auc_score(y, score))
    assert error <= frame["auc_binning_error_bound"].iloc[0] + 1e-12


def test_engine_style_histograms_give_auc_within_bound_and_exact_sweep_at_edges():
    from types import SimpleNamespace

    from fairscope.compute._scores import from_histograms, threshold_sweep_frame

    y, score, g = _scored(n=5000, seed=12)
    edges = np.linspace(0, 1, 201)
    groups = pd.Index(["a", "b", "c"])
    weighted = np.zeros((3, 2, 200))
    for i, group in enumerate(groups):
        for label in (0, 1):
            m = (g == group) & (y == label)
            weighted[i, label] = np.histogram(score[m], bins=edges)[0]
    stats_ = from_histograms(
        SimpleNamespace(groups=groups, edges=edges, weighted=weighted, squared_weights=weighted)
    )
    frame = score_metrics_frame(stats_, list(groups))
    for i, group in enumerate(groups):
        m = g == group
        error = abs(frame["roc_auc"].iloc[i] - roc_auc_score(y[m], score[m]))
        assert error <= frame["auc_binning_error_bound"].iloc[i]
        assert error < 1e-3
    assert frame["brier_score"].isna().all()
    sweep = threshold_sweep_frame(stats_, list(groups), np.array([0.3])).set_index("group")
    assert sweep.loc["b", "selection_rate"] == pytest.approx((score[g == "b"] >= 0.3).mean())
