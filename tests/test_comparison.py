"""fairscope.compare: two audits side by side, and the fairness-accuracy trade-off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate
from sklearn.metrics import accuracy_score

import fairscope
from fairscope.audits._comparison import plot_tradeoff
from fairscope.datasets import make_credit_scoring


@pytest.fixture(scope="module")
def frames():
    return (
        make_credit_scoring(n=4_000, bias=0.8, random_state=2),
        make_credit_scoring(n=4_000, bias=0.0, random_state=2),
    )


@pytest.fixture(scope="module")
def audits(frames):
    return tuple(
        fairscope.audit_predictions(
            "repaid", "approved", sensitive_features=["race", "sex"], data=df
        )
        for df in frames
    )


@pytest.fixture(scope="module")
def result(audits):
    return fairscope.compare(*audits, labels=("biased", "fair"))


def row(table, feature, metric, measure):
    selected = table[
        (table["feature"] == feature) & (table["metric"] == metric) & (table["measure"] == measure)
    ]
    assert len(selected) == 1
    return selected.iloc[0]


def test_compare_is_the_public_function():
    import fairscope.audits._comparison

    assert callable(fairscope.compare)
    assert fairscope.compare is fairscope.audits._comparison.compare


def test_between_group_difference_matches_fairlearn(frames, result):
    table = result.tables["comparison"]
    for df, label in zip(frames, ("biased", "fair"), strict=True):
        mf = MetricFrame(
            metrics={"selection_rate": selection_rate, "accuracy": accuracy_score},
            y_true=df["repaid"],
            y_pred=df["approved"],
            sensitive_features=df["race"],
        )
        for metric in ("selection_rate", "accuracy"):
            got = row(table, "race", metric, "difference")[label]
            assert got == pytest.approx(mf.difference()[metric], abs=1e-12)
            got = row(table, "race", metric, "ratio")[label]
            assert got == pytest.approx(mf.ratio()[metric], abs=1e-12)
            got = row(table, "race", metric, "overall")[label]
            assert got == pytest.approx(mf.overall[metric], abs=1e-12)


def test_columns_are_named_by_the_labels(result):
    assert list(result.tables["comparison"].columns) == [
        "feature",
        "metric",
        "measure",
        "biased",
        "fair",
        "change",
        "better",
    ]


def test_change_is_second_minus_first(result):
    table = result.tables["comparison"]
    np.testing.assert_allclose(table["change"], table["fair"] - table["biased"])


def test_better_points_to_the_smaller_disparity(result):
    table = result.tables["comparison"]
    assert row(table, "race", "selection_rate", "difference")["better"] == "fair"
    assert row(table, "race", "selection_rate", "ratio")["better"] == "fair"
    # the labels are the same data in both audits: neither is better
    assert row(table, "race", "base_rate", "difference")["better"] == "same"


def test_better_follows_the_metric_direction_for_overall_values(result):
    table = result.tables["comparison"]
    accuracy = row(table, "sex", "accuracy", "overall")
    fnr = row(table, "sex", "false_negative_rate", "overall")
    assert accuracy["better"] == ("fair" if accuracy["fair"] > accuracy["biased"] else "biased")
    assert fnr["better"] == ("fair" if fnr["fair"] < fnr["biased"] else "biased")
    assert row(table, "sex", "selection_rate", "overall")["better"] == ""  # neutral


def test_every_feature_set_is_compared(result):
    assert list(dict.fromkeys(result.tables["comparison"]["feature"])) == [
        "race",
        "sex",
        "race & sex",
    ]


def test_small_groups_are_left_out_of_the_between_group_disparities(audits):
    loose = fairscope.compare(*audits, min_group_size=1).tables["comparison"]
    strict = fairscope.compare(*audits, min_group_size=200).tables["comparison"]
    group_metrics = audits[0].tables["group_metrics"]
    race = group_metrics[group_metrics["feature"] == "race"]
    kept = race[race["n"] >= 200]["selection_rate"]
    assert row(strict, "race", "selection_rate", "difference")["before"] == pytest.approx(
        kept.max() - kept.min()
    )
    assert (race["n"] < 200).any()
    assert (
        row(loose, "race", "selection_rate", "difference")["before"]
        >= row(strict, "race", "selection_rate", "difference")["before"]
    )


def test_tradeoff_table_has_one_row_per_audit_and_feature(result):
    tradeoff = result.tables["tradeoff"]
    assert len(tradeoff) == 6
    biased = tradeoff[(tradeoff["audit"] == "biased") & (tradeoff["feature"] == "race")].iloc[0]
    table = result.tables["comparison"]
    assert biased["fairness"] == row(table, "race", "selection_rate", "difference")["biased"]
    assert biased["performance"] == row(table, "race", "accuracy", "overall")["biased"]


def test_result_keeps_the_after_audit_and_records_the_comparison(audits, result):
    after = audits[1]
    for name, table in after.tables.items():
        pd.testing.assert_frame_equal(result.tables[name], table)
    assert "comparison" not in after.tables
    meta = result.metadata["comparison"]
    assert meta["labels"] == ["biased", "fair"]
    assert meta["passed"] == {"biased": True, "fair": True}
    assert result.kind == after.kind


def test_plot_tradeoff_draws_one_series_per_feature(result):
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_tradeoff(result)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert "selection_rate difference" in ax.get_xlabel()
    x, y = ax.lines[0].get_data()
    tradeoff = result.tables["tradeoff"]
    race = tradeoff[tradeoff["feature"] == "race"]
    np.testing.assert_allclose(x, race["fairness"])
    np.testing.assert_allclose(y, race["performance"])
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_tradeoff_needs_a_comparison(audits):
    with pytest.raises(ValueError, match="no 'tradeoff' table"):
        plot_tradeoff(audits[0])


def test_compare_rejects_what_is_not_an_audit(audits):
    with pytest.raises(ValueError, match=r"before must be an AuditResult.*got DataFrame"):
        fairscope.compare(pd.DataFrame(), audits[1])


def test_compare_rejects_equal_labels(audits):
    with pytest.raises(ValueError, match="labels must be two different strings"):
        fairscope.compare(*audits, labels=("x", "x"))


def test_compare_rejects_audits_with_nothing_in_common(frames):
    a = fairscope.audit_predictions("repaid", "approved", sensitive_features="race", data=frames[0])
    b = fairscope.audit_predictions("repaid", "approved", sensitive_features="sex", data=frames[1])
    with pytest.raises(ValueError, match="share no feature set"):
        fairscope.compare(a, b)


def test_compare_rejects_an_unknown_fairness_metric(audits):
    with pytest.raises(ValueError, match="fairness_metric='auc' is not in both audits"):
        fairscope.compare(*audits, fairness_metric="auc")


def test_compare_rejects_a_missing_file(audits, tmp_path):
    with pytest.raises(ValueError, match="is not a file of a saved audit"):
        fairscope.compare(tmp_path / "nope.json", audits[1])


def test_compare_reads_saved_audits(audits, result, tmp_path):
    pytest.importorskip("fairscope.result._serialize", reason="JSON serialization not merged yet")
    audits[0].to_json(tmp_path / "before.json")
    audits[1].to_json(tmp_path / "after.json")
    loaded = fairscope.compare(
        tmp_path / "before.json", str(tmp_path / "after.json"), labels=("biased", "fair")
    )
    pd.testing.assert_frame_equal(
        loaded.tables["comparison"], result.tables["comparison"], check_dtype=False
    )
