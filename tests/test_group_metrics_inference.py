"""GroupMetrics intervals (analytic and bootstrap), summaries with intervals, audit tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fairscope import GroupMetrics
from fairscope.audits._predictions import audit_predictions
from fairscope.core._intervals import clopper_pearson_interval

NON_RATES = ["f1", "balanced_accuracy", "treatment_equality"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 4000
    g = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    y = (rng.random(n) < np.where(g == "b", 0.5, 0.4)).astype(int)
    p = (rng.random(n) < np.where(y == 1, 0.7, 0.2) + np.where(g == "c", 0.1, 0.0)).astype(int)
    w = rng.choice([0.5, 1.0, 2.0], n)
    return pd.DataFrame({"g": g, "y": y, "p": p, "w": w})


def _gm(data, **kwargs) -> GroupMetrics:
    kwargs.setdefault("metrics", ["selection_rate", "fpr", "precision", *NON_RATES])
    return GroupMetrics("y", "p", "g", data=data, **kwargs)


# -- arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ci_method": "normal"}, "ci_method='normal' is unknown"),
        ({"n_boot": 0}, "n_boot must be a positive integer"),
        ({"bootstrap": "poisson"}, "bootstrap='poisson' is unknown"),
    ],
)
def test_bad_inference_arguments_raise_naming_the_argument(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        _gm(data, **kwargs)


# -- analytic intervals -----------------------------------------------------------------


def test_clopper_pearson_intervals_equal_scipy_exact_per_group(data):
    table = _gm(data, ci_method="clopper-pearson").confidence_intervals()
    row = table[(table["g"] == "c") & (table["metric"] == "false_positive_rate")].iloc[0]
    negatives = data[(data.g == "c") & (data.y == 0)]
    ci = stats.binomtest(int(negatives.p.sum()), len(negatives)).proportion_ci(method="exact")
    assert row["lower"] == pytest.approx(ci.low, abs=1e-9)
    assert row["upper"] == pytest.approx(ci.high, abs=1e-9)
    assert row["n"] == len(negatives)
    assert row["method"] == "clopper-pearson"


def test_weighted_clopper_pearson_uses_the_sandwich_effective_n(data):
    # n_eff = p (1 - p) / Var(p), Var(p) = sum w^2 (y - p)^2 / (sum w)^2 over the rows
    # (Kish's n ignored weights that go with the outcome: coverage 93 % or 98 %)
    table = _gm(data, ci_method="clopper-pearson", sample_weight="w").confidence_intervals()
    row = table[(table["g"] == "a") & (table["metric"] == "selection_rate")].iloc[0]
    rows = data[data.g == "a"]
    share = (rows.w * rows.p).sum() / rows.w.sum()
    variance = (rows.w**2 * (rows.p - share) ** 2).sum() / rows.w.sum() ** 2
    n_eff = share * (1 - share) / variance
    a = 0.05
    assert row["n"] == pytest.approx(n_eff)
    assert row["lower"] == pytest.approx(
        stats.beta.ppf(a / 2, share * n_eff, n_eff - share * n_eff + 1)
    )
    assert row["upper"] == pytest.approx(
        stats.beta.ppf(1 - a / 2, share * n_eff + 1, n_eff - share * n_eff)
    )


def test_analytic_methods_leave_non_rates_without_interval(data):
    table = _gm(data).confidence_intervals()
    f1 = table[table["metric"] == "f1"]
    assert f1["lower"].isna().all() and (f1["method"] == "none").all()


def test_disparity_intervals_keep_their_columns_with_clopper_pearson(data):
    d = _gm(data, ci_method="clopper-pearson").disparity_intervals("ratio", reference="a")
    assert list(d.columns) == [
        "g", "metric", "kind", "reference", "estimate", "lower", "upper", "value",
        "reference_value", "n", "n_reference", "is_reference", "method",
    ]  # fmt: skip
    assert set(d.loc[d["metric"] == "selection_rate", "method"]) == {"mover-clopper-pearson"}


# -- difference() and ratio() with intervals ---------------------------------------------


@pytest.mark.parametrize("ci_method", ["wilson", "bootstrap"])
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_summary_interval_estimates_equal_difference_and_ratio(data, ci_method, method):
    gm = _gm(data, ci_method=ci_method, n_boot=300, random_state=0)
    diff = gm.difference_intervals(method).set_index("metric")
    ratio = gm.ratio_intervals(method).set_index("metric")
    pd.testing.assert_series_equal(
        diff["estimate"], gm.difference(method), check_names=False, check_index=False
    )
    pd.testing.assert_series_equal(
        ratio["estimate"], gm.ratio(method), check_names=False, check_index=False
    )
    rates = diff.loc[["selection_rate", "false_positive_rate", "precision"]]
    assert (rates["lower"] <= rates["estimate"]).all()
    assert (rates["estimate"] <= rates["upper"]).all()


def test_between_groups_difference_interval_is_simultaneous_over_all_groups(data):
    # each group's exact interval at 1 - 0.05 / k; max - min lies between the extreme
    # bounds on the event that all hold (the MOVER of the two observed extremes did not
    # account for choosing them, and covered 38-74 % for 5-10 groups)
    gm = _gm(data, metrics="selection_rate")
    row = gm.difference_intervals().iloc[0]
    counts = gm.counts
    x = (counts["fp"] + counts["tp"]).to_numpy()
    n = counts["n"].to_numpy()
    lo, hi = clopper_pearson_interval(x, n, confidence=1 - 0.05 / len(n))
    assert row["lower"] == pytest.approx(max(float(lo.max() - hi.min()), 0.0))
    assert row["upper"] == pytest.approx(float(hi.max() - lo.min()))
    assert row["interval_method"] == "simultaneous-clopper-pearson"


def test_ratio_interval_stays_within_zero_and_one(data):
    table = _gm(data, metrics=["selection_rate", "fpr"]).ratio_intervals("to_overall")
    assert ((table["lower"] >= 0) & (table["upper"] <= 1)).all()


# -- bootstrap intervals ------------------------------------------------------------------


@pytest.mark.parametrize("ci_method", ["bootstrap", "bca"])
def test_bootstrap_gives_every_metric_an_interval_around_its_estimate(data, ci_method):
    table = _gm(data, ci_method=ci_method, n_boot=400, random_state=1).confidence_intervals()
    assert not table[["lower", "upper"]].isna().any().any()
    assert (table["lower"] <= table["estimate"]).all()
    assert (table["estimate"] <= table["upper"]).all()
    assert set(table["method"]) == {f"bootstrap-{'bca' if ci_method == 'bca' else 'percentile'}"}


def test_bootstrap_intervals_of_rates_agree_with_wilson_on_large_groups(data):
    wilson = _gm(data, metrics="selection_rate").confidence_intervals()
    boot = _gm(data, metrics="selection_rate", ci_method="bootstrap", n_boot=2000, random_state=2)
    boot = boot.confidence_intervals()
    width_w = wilson["upper"] - wilson["lower"]
    width_b = boot["upper"] - boot["lower"]
    np.testing.assert_allclose(width_b, width_w, rtol=0.1)


def test_bootstrap_is_reproducible_with_random_state(data):
    a = _gm(data, ci_method="bootstrap", n_boot=200, random_state=7).confidence_intervals()
    b = _gm(data, ci_method="bootstrap", n_boot=200, random_state=7).confidence_intervals()
    c = _gm(data, ci_method="bootstrap", n_boot=200, random_state=8).confidence_intervals()
    pd.testing.assert_frame_equal(a, b)
    assert not a["lower"].equals(c["lower"])


def test_bootstrap_disparities_to_overall_are_narrower_than_independent_mover(data):
    # A group is part of the overall population; MOVER treats the two as independent and is
    # conservative, the bootstrap accounts for the overlap.
    kwargs = {"metrics": "selection_rate", "n_boot": 2000, "random_state": 3}
    mover = _gm(data, **kwargs).disparity_intervals("difference", reference="overall")
    boot = _gm(data, ci_method="bootstrap", **kwargs).disparity_intervals(
        "difference", reference="overall"
    )
    a = (mover["g"] == "a").to_numpy()
    assert (boot["upper"] - boot["lower"])[a].item() < 0.8 * (mover["upper"] - mover["lower"])[
        a
    ].item()


def test_bootstrap_disparity_to_a_group_agrees_with_mover(data):
    kwargs = {"metrics": "fpr", "random_state": 4, "n_boot": 2000}
    mover = _gm(data, **kwargs).disparity_intervals("difference", reference="a")
    boot = _gm(data, ci_method="bootstrap", **kwargs).disparity_intervals(
        "difference", reference="a"
    )
    other = ~mover["is_reference"]
    np.testing.assert_allclose(boot.loc[other, "lower"], mover.loc[other, "lower"], atol=0.015)
    np.testing.assert_allclose(boot.loc[other, "upper"], mover.loc[other, "upper"], atol=0.015)


def test_stratified_bootstrap_is_available_and_differs_from_multinomial(data):
    kwargs = {"ci_method": "bootstrap", "n_boot": 300, "random_state": 5}
    strat = _gm(data, bootstrap="stratified", **kwargs).confidence_intervals()
    multi = _gm(data, **kwargs).confidence_intervals()
    assert not strat["lower"].equals(multi["lower"])
    assert (strat["lower"] <= strat["estimate"]).all()


def test_weighted_bootstrap_interval_is_close_to_kish_wilson(data):
    kwargs = {"metrics": "selection_rate", "sample_weight": "w"}
    kish = _gm(data, **kwargs).confidence_intervals()
    boot = _gm(data, ci_method="bootstrap", n_boot=2000, random_state=6, **kwargs)
    boot = boot.confidence_intervals()
    np.testing.assert_allclose(
        boot["upper"] - boot["lower"], kish["upper"] - kish["lower"], rtol=0.12
    )


def test_for_feature_keeps_the_bootstrap_settings():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "s": rng.choice(["F", "M"], 500),
            "r": rng.choice(["x", "y"], 500),
            "y": rng.integers(0, 2, 500),
            "p": rng.integers(0, 2, 500),
        }
    )
    gm = GroupMetrics(
        "y", "p", ["s", "r"], data=frame, ci_method="bca", n_boot=50, random_state=1,
        bootstrap="stratified",
    )  # fmt: skip
    sub = gm.for_feature("s")
    assert (sub.ci_method, sub.n_boot, sub.random_state, sub.bootstrap) == (
        "bca", 50, 1, "stratified",
    )  # fmt: skip


def test_bootstrap_spread_is_close_to_fairlearn_metricframe_bootstrap():
    # fairlearn resamples rows (slowly, about 0.1 s per replicate here), the same
    # distribution, so a rough oracle. With its 40 replicates, the spread is estimated from
    # four quantiles (sd = quantile gap / normal quantile gap) and averaged over the groups;
    # its Monte Carlo error is about 10%, hence the 25% tolerance.
    from fairlearn.metrics import MetricFrame, selection_rate

    rng = np.random.default_rng(9)
    g = rng.choice(["a", "b"], 1000, p=[0.7, 0.3])
    y = rng.integers(0, 2, 1000)
    p = (rng.random(1000) < np.where(g == "a", 0.5, 0.3)).astype(int)
    qs = [0.1, 0.25, 0.75, 0.9]
    z = stats.norm.ppf(qs)

    def spread(q):
        return ((q[3] - q[0]) / (z[3] - z[0]) + (q[2] - q[1]) / (z[2] - z[1])) / 2

    mf = MetricFrame(
        metrics={"selection_rate": selection_rate}, y_true=y, y_pred=p,
        sensitive_features=g, n_boot=40, ci_quantiles=qs, random_state=0,
    )  # fmt: skip
    fairlearn_sd = spread([f["selection_rate"].to_numpy() for f in mf.by_group_ci]).mean()
    fs = []
    for low, high in [(0.1, 0.9), (0.25, 0.75)]:
        gm = GroupMetrics(y, p, g, metrics="selection_rate", ci=high - low,
                          ci_method="bootstrap", random_state=0)  # fmt: skip
        table = gm.confidence_intervals().iloc[:2]
        fs.append(table[["lower", "upper"]].to_numpy())
    fairscope_sd = spread([fs[0][:, 0], fs[1][:, 0], fs[1][:, 1], fs[0][:, 1]]).mean()
    assert fairscope_sd == pytest.approx(fairlearn_sd, rel=0.25)
    # Both estimate the binomial standard error.
    binomial = np.mean([np.sqrt(v * (1 - v) / (g == k).sum()) for k, v in
                        [("a", p[g == "a"].mean()), ("b", p[g == "b"].mean())]])  # fmt: skip
    assert fairscope_sd == pytest.approx(binomial, rel=0.05)


# -- audit ---------------------------------------------------------------------------------


def test_audit_has_a_tests_table_with_feature_and_group_columns(data):
    data = data.assign(s=np.where(np.arange(len(data)) % 3 == 0, "F", "M"))
    result = audit_predictions("y", "p", sensitive_features=["g", "s"], data=data)
    tests = result.tables["tests"]
    for column in ["feature", "group", "metric", "reference", "test", "p_value",
                   "p_value_adjusted", "n", "n_reference"]:  # fmt: skip
        assert column in tests.columns
    assert set(tests["feature"]) == {"g", "s", "g & s"}
    assert "<all groups>" in set(tests["group"])
    assert "g=a & s=F" in set(tests["group"])


def test_audit_with_bootstrap_is_reproducible(data):
    kwargs = {"sensitive_features": "g", "data": data, "ci_method": "bootstrap", "n_boot": 200}
    a = audit_predictions("y", "p", random_state=3, **kwargs).tables["disparities"]
    b = audit_predictions("y", "p", random_state=3, **kwargs).tables["disparities"]
    pd.testing.assert_frame_equal(a, b)
    assert (a.loc[a["metric"] == "selection_rate", "method"] == "bootstrap-percentile").all()


def test_compas_race_tests_find_the_published_fpr_gap(compas_csv):
    # ProPublica: Black defendants' FPR (high/medium risk among non-recidivists) about twice
    # that of White defendants; with thousands of rows the test must be decisive.
    frame = pd.read_csv(compas_csv, usecols=["race", "two_year_recid", "decile_score"])
    frame = frame[frame.race.isin(["African-American", "Caucasian"])]
    gm = GroupMetrics(
        frame.two_year_recid, (frame.decile_score >= 5).astype(int), frame.race,
        metrics=["fpr", "fnr"], ci_method="bootstrap", n_boot=500, random_state=0,
    )  # fmt: skip
    tests = gm.tests(reference="Caucasian")
    tests = tests[tests["race"] == "African-American"].set_index("metric")
    assert tests.loc["false_positive_rate", "test"] == "z-test"
    assert tests.loc["false_positive_rate", "p_value_adjusted"] < 1e-10
    d = gm.disparity_intervals("ratio", reference="Caucasian")
    row = d[(d.metric == "false_positive_rate") & ~d.is_reference].iloc[0]
    assert 1.6 < row["lower"] < row["estimate"] < row["upper"] < 2.4


def test_ratio_to_overall_names_the_group_with_the_smallest_folded_ratio():
    # a: 0.15, b: 0.50, c: 0.25, overall 0.2875. b has the largest gap to overall (0.21 vs
    # 0.14), a the smallest ratio (0.52 vs 0.2875 / 0.5 = 0.575).
    g = ["a"] * 100 + ["b"] * 100 + ["c"] * 200
    p = [1] * 15 + [0] * 85 + [1] * 50 + [0] * 50 + [1] * 50 + [0] * 150
    gm = GroupMetrics([1, 0] * 200, p, g, metrics="selection_rate")
    assert gm.difference_intervals("to_overall")["group_high"].item() == "b"
    ratio = gm.ratio_intervals("to_overall").iloc[0]
    assert (ratio["group_low"], ratio["group_high"]) == ("a", "<overall>")
    assert ratio["lower"] <= ratio["estimate"] <= ratio["upper"] <= 1
