"""Matplotlib views: bars and whiskers drawn from the result's own numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.result._audit_result import Finding


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(2)
    n = 500
    frame = pd.DataFrame(
        {
            "race": rng.choice(["x", "y", "z"], n, p=[0.5, 0.3, 0.2]),
            "sex": rng.choice(["f", "m"], n),
        }
    )
    y = rng.integers(0, 2, n)
    p = (rng.random(n) < np.where(frame["race"] == "x", 0.6, 0.4)).astype(int)
    return fairscope.audit_predictions(
        y, p, sensitive_features=frame, metrics=["selection_rate", "fpr"]
    )


def bars(ax):
    """(label, left, width) of each bar, top to bottom."""
    labels = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    out = [
        (labels[round(p.get_y() + p.get_height() / 2)], p.get_x(), p.get_width())
        for p in ax.patches
        if p.get_height() == pytest.approx(0.6)
    ]
    return sorted(out, key=lambda b: b[0])


def whiskers(ax):
    return sorted(
        (tuple(line.get_xdata()), line.get_ydata()[0])
        for line in ax.lines
        if len(line.get_xdata()) == 2 and line.get_ydata()[0] == line.get_ydata()[1]
    )


def test_value_bars_and_whiskers_are_the_interval_table(result):
    fig = result.plot("selection_rate", "race")
    ax = fig.axes[0]
    table = result.tables["intervals"]
    rows = table[(table["feature"] == "race") & (table["metric"] == "selection_rate")]
    rows = rows[rows["group"] != "<overall>"].sort_values("group")
    drawn = bars(ax)
    assert [b[0] for b in drawn] == rows["group"].tolist()
    np.testing.assert_allclose([b[2] for b in drawn], rows["estimate"], rtol=1e-12)
    lows = sorted(w[0][0] for w in whiskers(ax))
    np.testing.assert_allclose(lows, sorted(rows["lower"]), rtol=1e-12)


def test_disparity_plot_uses_the_judged_findings_and_threshold(result):
    d = result.tables["disparities"]
    row = d[(d["feature"] == "race") & (d["group"] == "y") & (d["kind"] == "ratio")]
    row = row[row["metric"] == "selection_rate"].iloc[0]
    judged = Finding(
        "four-fifths",
        "selection_rate",
        "ratio_to_reference",
        "race",
        "y",
        "FAIL",
        value=0.55,
        lower=0.5,
        upper=0.6,
        threshold=0.8,
        bound="min",
        reference=row["reference"],
        n=int(row["n"]),
    )
    result.findings = [judged]
    try:
        ax = result.plot("selection_rate", "race", kind="disparity").axes[0]
    finally:
        result.findings = []
    ((label, left, width),) = bars(ax)
    assert label == "y" and left == 1.0 and left + width == pytest.approx(0.55)
    assert any(line.get_xdata()[0] == 0.8 for line in ax.lines)  # the threshold line
    assert "FAIL" in [t.get_text().strip() for t in ax.texts]


def test_disparity_plot_without_policy_draws_ratios_to_the_reference(result):
    ax = result.plot("fpr", "sex", kind="disparity").axes[0]
    d = result.tables["disparities"]
    rows = d[(d["feature"] == "sex") & (d["metric"] == "false_positive_rate")]
    rows = rows[rows["kind"] == "ratio"].sort_values("group")
    drawn = bars(ax)
    np.testing.assert_allclose([b[1] + b[2] for b in drawn], rows["estimate"], rtol=1e-12)


def test_plot_draws_on_a_given_axes(result):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert result.plot("selection_rate", "race & sex", ax=ax) is fig
    assert len(bars(ax)) == 6


def test_group_metrics_plot_matches_its_confidence_intervals():
    gm = fairscope.GroupMetrics(
        [1, 0, 1, 1, 0, 1, 0, 0],
        [1, 0, 0, 1, 1, 1, 0, 1],
        sensitive_features=["a", "a", "a", "a", "b", "b", "b", "b"],
    )
    ax = gm.plot("tpr").axes[0]
    ci = gm.confidence_intervals()
    ci = ci[(ci["metric"] == "true_positive_rate") & (ci["sensitive_feature"] != "<overall>")]
    np.testing.assert_allclose([b[2] for b in bars(ax)], ci["estimate"], rtol=1e-12)
    ax = gm.plot("tpr", kind="disparity", comparison="difference").axes[0]
    assert "difference to the reference group" in ax.get_xlabel()


def test_dollar_signs_in_labels_are_not_math(result):
    gm = fairscope.GroupMetrics(
        [1, 0, 1, 0], [1, 0, 0, 0], sensitive_features=["$a$", "$a$", "b", "b"]
    )
    fig = gm.plot("selection_rate")
    fig.canvas.draw()  # mathtext would fail or hide the dollars
    assert "$a$" in [t.get_text().replace("\\$", "$") for t in fig.axes[0].get_yticklabels()]


def test_bad_plot_arguments_raise_clear_errors(result):
    with pytest.raises(ValueError, match="kind="):
        result.plot(kind="pie")
    with pytest.raises(ValueError, match="no rows for metric"):
        result.plot("selection_rate", "nope")
    gm = fairscope.GroupMetrics([1, 0], [1, 0], sensitive_features=["a", "b"], metrics="tpr")
    with pytest.raises(ValueError, match="was not computed"):
        gm.plot("fpr")


def test_importing_fairscope_and_building_a_result_does_not_import_matplotlib():
    code = (
        "import sys, fairscope\n"
        "fairscope.audit_predictions([1, 0], [1, 0], sensitive_features=['a', 'b'])\n"
        "import fairscope.report._html, fairscope.report._model_card\n"
        "print('matplotlib' in sys.modules)"
    )
    src = str(Path(fairscope.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"


def test_status_words_sit_right_of_the_axes_and_differences_keep_their_sign(result):
    from fairscope.judge import apply_policy

    judged = apply_policy(result, "four-fifths")
    fig = judged.plot("selection_rate", "race", kind="disparity")
    ax = fig.axes[0]
    words = [t for t in ax.texts if t.get_text() in {"PASS", "FAIL", "INCONCLUSIVE", "SKIPPED"}]
    assert words and all(t.get_position()[0] > 1 and not t.get_clip_on() for t in words)
    fig = result.plot("selection_rate", "race", kind="disparity", comparison="difference")
    ticks = [fig.axes[0].xaxis.get_major_formatter()(v, 0) for v in (-0.1, 0.0, 0.1)]
    assert ticks == ["-0.1", "0", "+0.1"]


def test_figures_show_themselves_as_png_in_notebooks(result):
    png = result.plot("selection_rate")._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
