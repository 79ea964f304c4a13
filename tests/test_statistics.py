"""The one statistics protocol: every task's sufficient statistics add up and round-trip alike.

For each type (confusion cells, score histograms, regression moments, K x K
cells): statistics of two partitions combined equal those of all rows; the
marginal over a feature equals a direct reduction over that feature; to_dict /
from_dict round-trips; and the registry computes each metric from it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)

from fairscope.core._counts import GroupCounts, reduce_confusion
from fairscope.core._groups import encode_groups
from fairscope.core._moments import MOMENTS, RegressionMoments, reduce_moments
from fairscope.core._multiclass_counts import MulticlassCounts, reduce_multiclass
from fairscope.core._registry import REGISTRY, get_metric, metrics_for
from fairscope.core._score_statistics import ScoreStatistics, reduce_scores
from fairscope.core._statistics import Statistics

N = 600


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, N)
    return pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], N),
            "race": rng.choice(["a", "b", "c"], N),
            "y": y,
            "pred": rng.integers(0, 2, N),
            # scores on the grid of THRESHOLDS: every partition has the same cut points
            "score": np.rint(np.clip(0.3 * y + rng.uniform(0, 0.7, N), 0, 1) * 100) / 100,
            "target": rng.normal(50, 10, N),
            "estimate": rng.normal(50, 10, N),
            "cls": rng.choice(["x", "y", "z"], N),
            "pcls": rng.choice(["x", "y", "z"], N),
            "w": rng.uniform(0.5, 2.0, N),
        }
    )


THRESHOLDS = np.arange(101) / 100


def reduce(kind: str, frame: pd.DataFrame, features: list[str]):
    encoded = encode_groups(frame[features].reset_index(drop=True))
    codes, groups, w = encoded.codes, encoded.index, frame["w"].to_numpy()
    if kind == "confusion":
        return reduce_confusion(frame["y"], frame["pred"], codes, groups, w)
    if kind == "score":
        return reduce_scores(
            frame["y"].to_numpy(bool), frame["score"], codes, groups, w,
            exact=True, thresholds=THRESHOLDS,
        )  # fmt: skip
    if kind == "moments":
        return reduce_moments(frame["target"], frame["estimate"], codes, groups, w, center=50.0)
    return reduce_multiclass(
        frame["cls"].reset_index(drop=True), frame["pcls"].reset_index(drop=True), codes,
        groups, w, labels=["x", "y", "z"],
    )  # fmt: skip


ARRAYS = {
    "confusion": ("weighted", "rows", "squared_weights"),
    "score": ("weighted", "rows", "squared_weights", "sums", "calibration"),
    "moments": ("sums", "rows", "squared_weights"),
    "multiclass": ("weighted", "rows", "squared_weights"),
}
KINDS = list(ARRAYS)


def assert_same(a, b, kind: str) -> None:
    assert list(a.groups) == list(b.groups)
    assert a.features == b.features
    for name in ARRAYS[kind]:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_every_statistics_type_follows_the_protocol(rows, kind):
    stats = reduce(kind, rows, ["sex", "race"])
    assert isinstance(stats, Statistics)
    assert stats.group_rows.sum() == N


@pytest.mark.parametrize("kind", KINDS)
def test_two_partitions_combined_equal_all_rows(rows, kind):
    features = ["sex", "race"]
    # the second part lacks a group, so the union must place it
    first, second = rows.iloc[:250], rows.iloc[250:]
    second = second[~((second["sex"] == "f") & (second["race"] == "a"))]
    whole = reduce(kind, pd.concat([first, second]), features)
    combined = reduce(kind, first, features).combine(reduce(kind, second, features))
    assert_same(combined, whole, kind)


def engine_reduce(kind: str, frame: pd.DataFrame, features: list[str]):
    from fairscope.engines import multiclass_counts, regression_moments, score_histograms

    if kind == "score":
        return score_histograms(frame, "y", "score", features, THRESHOLDS, dropna=True)
    if kind == "moments":
        return regression_moments(frame, "target", "estimate", features, dropna=True)
    return multiclass_counts(frame, "cls", "pcls", features, dropna=True)


@pytest.mark.parametrize("kind", ["score", "moments", "multiclass"])
def test_combining_engine_partitions_adds_their_provenance(rows, kind):
    # multiclass and score statistics used to keep only the first part's drops and
    # missing-value counts: every type now adds the provenance of both parts
    holed = rows.assign(
        race=rows["race"].where(np.arange(N) % 7 != 0),
        score=rows["score"].where(np.arange(N) % 11 != 0),
        estimate=rows["estimate"].where(np.arange(N) % 11 != 0),
        pcls=rows["pcls"].where(np.arange(N) % 11 != 0),
    )
    first, second = holed.iloc[:250], holed.iloc[250:]
    whole = engine_reduce(kind, holed, ["sex", "race"])
    combined = engine_reduce(kind, first, ["sex", "race"]).combine(
        engine_reduce(kind, second, ["sex", "race"])
    )
    assert whole.n_dropped > 0 and whole.missing_sensitive["race"] > 0
    assert combined.n_rows == whole.n_rows
    assert combined.n_dropped == whole.n_dropped
    assert combined.dropped == whole.dropped
    assert combined.missing_sensitive == whole.missing_sensitive
    # a marginal keeps the missing-value counts of the features it keeps only
    assert combined.marginal("sex").missing_sensitive == {"sex": 0}


@pytest.mark.parametrize("kind", KINDS)
def test_every_type_refuses_to_combine_other_features_the_same_way(rows, kind):
    # one combine step for every type (GroupedStatistics): the same check and message
    by_sex, by_race = reduce(kind, rows, ["sex"]), reduce(kind, rows, ["race"])
    with pytest.raises(ValueError, match=r"cannot combine \w+ over features \('sex',\)"):
        by_sex.combine(by_race)


@pytest.mark.parametrize("kind", KINDS)
def test_regroup_keeps_the_type_and_its_other_fields(rows, kind):
    stats = reduce(kind, rows, ["sex", "race"])
    marginal = stats.marginal("sex")
    assert type(marginal) is type(stats)
    assert marginal.features == ("sex",)
    assert marginal.has_weights == stats.has_weights
    assert int(marginal.group_rows.sum()) == int(stats.group_rows.sum())


@pytest.mark.parametrize("kind", KINDS)
def test_marginal_equals_a_direct_reduction(rows, kind):
    stats = reduce(kind, rows, ["sex", "race"])
    assert_same(stats.marginal("race"), reduce(kind, rows, ["race"]), kind)
    assert_same(stats.marginal(["race", "sex"]), reduce(kind, rows, ["race", "sex"]), kind)


@pytest.mark.parametrize("kind", KINDS)
def test_to_dict_round_trips_through_json(rows, kind):
    stats = reduce(kind, rows, ["sex", "race"])
    back = type(stats).from_dict(json.loads(json.dumps(stats.to_dict())))
    assert_same(back, stats, kind)
    assert back.has_weights == stats.has_weights


def test_group_counts_dict_is_the_saved_audit_layout(rows):
    counts = reduce("confusion", rows, ["sex"])
    assert set(counts.to_dict()) == {
        "features", "groups", "weighted", "rows", "squared_weights", "has_weights",
    }  # fmt: skip


def test_combine_refuses_histograms_binned_differently(rows):
    a = reduce("score", rows.iloc[:300], ["sex"])
    b = reduce_scores(
        rows["y"].to_numpy(bool)[300:], rows["score"].to_numpy()[300:],
        encode_groups(rows[["sex"]].iloc[300:].reset_index(drop=True)).codes,
        pd.Index(["f", "m"], name="sex"), thresholds=[0.5], exact=True,
    )  # fmt: skip
    with pytest.raises(ValueError, match="different bins"):
        a.combine(b)


def test_moments_with_different_centres_combine_exactly(rows):
    encoded = encode_groups(rows[["sex"]])
    y, p = rows["target"].to_numpy(), rows["estimate"].to_numpy()
    half = N // 2
    a = reduce_moments(y[:half], p[:half], encoded.codes[:half], encoded.index, center=10.0)
    b = reduce_moments(y[half:], p[half:], encoded.codes[half:], encoded.index, center=90.0)
    whole = reduce_moments(y, p, encoded.codes, encoded.index)
    np.testing.assert_allclose(a.combine(b).centred().sums, whole.sums, rtol=1e-9, atol=1e-7)


# -- the registry computes every metric from its statistics ----------------------------


def test_every_registered_metric_declares_its_statistics_and_a_formula():
    for metric in REGISTRY.values():
        assert metric.statistic in ("confusion", "score", "moments", "multiclass")
        assert metric.is_proportion or metric.uses_row_counts or metric.formula is not None


def test_score_metrics_of_the_registry_equal_sklearn(rows):
    stats = reduce("score", rows, ["sex"])
    for i, group in enumerate(stats.groups):
        m = (rows["sex"] == group).to_numpy()
        y, s, w = rows["y"].to_numpy()[m], rows["score"].to_numpy()[m], rows["w"].to_numpy()[m]
        expected = {
            "roc_auc": roc_auc_score(y, s, sample_weight=w),
            "average_precision": average_precision_score(y, s, sample_weight=w),
            "brier_score": brier_score_loss(y, s, sample_weight=w),
            "log_loss": log_loss(y, s, sample_weight=w),
        }
        for name, value in expected.items():
            assert get_metric(name).compute(stats)[i] == pytest.approx(value, rel=1e-9)


def test_regression_metrics_of_the_registry_equal_sklearn(rows):
    stats = reduce("moments", rows, ["race"])
    for i, group in enumerate(stats.groups):
        m = (rows["race"] == group).to_numpy()
        y, p, w = rows["target"].to_numpy()[m], rows["estimate"].to_numpy()[m], rows["w"][m]
        expected = {
            "mean_prediction": np.average(p, weights=w),
            "mean_target": np.average(y, weights=w),
            "mean_error": np.average(p - y, weights=w),
            "mean_absolute_error": mean_absolute_error(y, p, sample_weight=w),
            "root_mean_squared_error": root_mean_squared_error(y, p, sample_weight=w),
            "r2": r2_score(y, p, sample_weight=w),
        }
        for name, value in expected.items():
            assert get_metric(name).compute(stats)[i] == pytest.approx(value, rel=1e-9)


def test_multiclass_accuracy_of_the_registry_equals_sklearn(rows):
    from sklearn.metrics import accuracy_score

    stats = reduce("multiclass", rows, ["race"])
    values = get_metric("multiclass_accuracy").compute(stats)
    for i, group in enumerate(stats.groups):
        m = (rows["race"] == group).to_numpy()
        expected = accuracy_score(rows["cls"][m], rows["pcls"][m], sample_weight=rows["w"][m])
        assert values[i] == pytest.approx(expected, rel=1e-12)


def test_metrics_for_lists_each_statistic_once():
    kinds = ("confusion", "score", "moments", "multiclass")
    names = [m.name for kind in kinds for m in metrics_for(kind)]
    assert sorted(names) == sorted(REGISTRY)
    assert [m.name for m in metrics_for("moments")][:1] == ["mean_prediction"]


def test_a_score_metric_on_confusion_counts_names_its_statistics():
    with pytest.raises(ValueError, match="computed from scores"):
        get_metric("roc_auc").compute(np.zeros((2, 4)))


def test_the_moment_columns_are_the_public_layout():
    assert MOMENTS[0] == "n" and MOMENTS[5] == "sum_residual"
    assert RegressionMoments.__module__ == "fairscope.core._moments"


def test_old_public_names_are_the_unified_types():
    from fairscope import engines
    from fairscope.compute import _multiclass, _regression, _scores

    assert engines.ScoreHistograms is ScoreStatistics
    assert engines.RegressionMoments is _regression.RegressionMoments is RegressionMoments
    assert engines.MOMENTS is MOMENTS
    assert _scores.ScoreStatistics is ScoreStatistics
    assert _multiclass.MulticlassCounts is MulticlassCounts
    assert issubclass(GroupCounts, object) and isinstance(
        reduce_confusion([1], [1], np.array([0]), pd.Index(["a"], name="g")), Statistics
    )


def test_group_counts_dict_equals_what_saved_audits_hold(rows):
    from fairscope.result._serialize import _decode_statistics, _encode_statistics

    counts = reduce("confusion", rows, ["sex", "race"])
    saved = _encode_statistics(counts)
    assert saved.pop("type") == "GroupCounts"
    assert saved == counts.to_dict()
    assert_same(
        GroupCounts.from_dict(saved),
        _decode_statistics({"type": "GroupCounts", **saved}),
        "confusion",
    )


@pytest.mark.parametrize("kind", ["score", "moments", "multiclass"])
def test_other_statistics_round_trip_through_the_saved_audit_encoder(rows, kind):
    from fairscope.result._serialize import _decode_statistics, _encode_statistics

    stats = reduce(kind, rows, ["sex"])
    back = _decode_statistics(json.loads(json.dumps(_encode_statistics(stats))))
    assert type(back) is type(stats)
    assert_same(back, stats, kind)


def test_a_metric_added_to_the_registry_alone_reaches_the_regression_and_score_tables(
    rows, monkeypatch
):
    """Adding a metric touches one file: an entry in the registry reaches every table."""
    import fairscope
    from fairscope.core._registry import Metric

    extra = {
        "mean_squared_error": Metric(
            name="mean_squared_error",
            label="Mean squared error",
            definition="Mean squared residual.",
            formula_text="mean((y_pred - y_true)^2)",
            direction="lower",
            reference="-",
            formula=lambda m: m.column("sum_residual2") / m.column("n"),
            task="regression",
            statistic="moments",
        ),
        "positive_share": Metric(
            name="positive_share",
            label="Positive share",
            definition="Share of weight on positive rows.",
            formula_text="W+ / W",
            direction="neutral",
            reference="-",
            formula=lambda s: (
                s.column("weight_positive")
                / (s.column("weight_positive") + s.column("weight_negative"))
            ),
            task="score",
            statistic="score",
        ),
    }
    for name, metric in extra.items():
        monkeypatch.setitem(REGISTRY, name, metric)
    regression = fairscope.audit_predictions(
        "target", "estimate", sensitive_features="sex", data=rows, task="regression"
    )
    table = regression.tables["regression_metrics"]
    np.testing.assert_allclose(table["mean_squared_error"], table["root_mean_squared_error"] ** 2)
    assert "mean_squared_error" in set(regression.tables["disparities"]["metric"])
    scored = fairscope.audit_predictions("y", y_score="score", sensitive_features="sex", data=rows)
    shares = scored.tables["score_metrics"]
    np.testing.assert_allclose(
        shares["positive_share"],
        shares["n_positive"] / (shares["n_positive"] + shares["n_negative"]),
    )
    assert "positive_share" in set(scored.tables["disparities"]["metric"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(1, N - 1),
    seed=st.integers(0, 2**16),
    kind=st.sampled_from(KINDS),
)
def test_statistics_do_not_depend_on_row_order_or_partitioning(rows, cut, seed, kind):
    shuffled = rows.sample(frac=1.0, random_state=seed)
    whole = reduce(kind, rows, ["sex", "race"])
    parts = reduce(kind, shuffled.iloc[:cut], ["sex", "race"]).combine(
        reduce(kind, shuffled.iloc[cut:], ["sex", "race"])
    )
    assert_same(parts, whole, kind)


def test_metrics_table_names_the_statistics_of_each_metric():
    from fairscope.core._registry import metrics_table

    table = metrics_table()
    assert table.loc["roc_auc", "statistic"] == "score"
    assert table.loc["mean_absolute_error", "statistic"] == "moments"
    assert table.loc["false_positive_rate", "statistic"] == "confusion"


def test_engines_import_no_metric_code_even_inside_functions():
    """Engines only produce statistics: no module of theirs imports the compute layer."""
    import ast
    from pathlib import Path

    import fairscope.engines

    offenders = []
    for path in Path(fairscope.engines.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("fairscope.compute")]
    assert offenders == []
