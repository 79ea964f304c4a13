"""CPU time and size of the HTML report, the notebook view and the model card.

The COMPAS report of the issue: race, sex and their intersections, the ProPublica
prediction (medium or high risk) judged by the equalized-odds policy, and the decile
score (ROC, calibration, score metrics). Its charts are drawn two ways in the same run:

- ``svg`` — the report as shipped: SVG written straight from the chart data
  (:mod:`fairscope.report._svg_charts`);
- ``matplotlib`` — the way reports were drawn before: the same metric charts as
  matplotlib figures (``AuditResult.plot``) serialized and sanitized by
  :func:`fairscope.report._svg.figure_to_svg`, added to the report without charts.

Run: ``PYTHONPATH=src python benchmarks/bench_report.py [path/to/compas-scores-two-years.csv]``
(default: ``$FAIRSCOPE_DATA_DIR/compas/...``, else ``../shared/data/compas/...`` beside the
repository). Prints CPU seconds (``time.process_time``, best of 3) and the load average,
since the machine may be shared; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import fairscope
from fairscope.report._content import build_report
from fairscope.report._html import render
from fairscope.report._svg import figure_to_svg


def cpu_seconds(call: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    """Best CPU time of ``repeats`` calls, and the last output."""
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.process_time()
        out = call()
        best = min(best, time.process_time() - start)
    return best, out


def matplotlib_report(result: fairscope.AuditResult) -> str:
    """The report without charts, plus every metric chart drawn by matplotlib (the old way)."""
    context = build_report(result, plots=False)
    charts = []
    for section in context["metric_sections"]:
        judged = section["judged"]
        for feature in result.meta.feature_sets:
            fig = result.plot(section["metric"], feature, kind="disparity" if judged else "value")
            charts.append(
                figure_to_svg(fig, title="t", description="d", element_id=f"c{len(charts)}")
            )
    for name in ("threshold_sweep", "calibration", "score_metrics"):
        for _feature in result.meta.feature_sets if name in result.tables else ():
            fig = result.plot("selection_rate", _feature)  # one bar figure per score chart
            charts.append(
                figure_to_svg(fig, title="t", description="d", element_id=f"s{len(charts)}")
            )
    return render(context) + "".join(charts)


def main() -> None:
    data = (
        os.environ.get("FAIRSCOPE_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared/data"
    )
    default = Path(data) / "compas" / "compas-scores-two-years.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    frame = pd.read_csv(
        path, usecols=["race", "sex", "two_year_recid", "score_text", "decile_score"]
    )
    result = fairscope.audit_predictions(
        frame["two_year_recid"],
        (frame["score_text"] != "Low").astype(int),
        y_score=frame["decile_score"],
        sensitive_features=frame[["race", "sex"]],
        policy="equalized-odds",
    )
    groups = sum(len(g) for g in result.metadata["groups"].values())
    print(f"COMPAS: {len(frame):,} rows, {groups} groups over race, sex and race & sex, scores")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    fairscope.audit_predictions([1, 0], [1, 0], sensitive_features=["a", "b"]).to_html()  # warm up
    result.plot()  # imports matplotlib once, outside the timings
    for label, call in (
        ("to_html (svg charts)", lambda: result.to_html()),
        ("report with matplotlib charts", lambda: matplotlib_report(result)),
        ("report without charts", lambda: render(build_report(result, plots=False))),
        ("to_html(suppress_below=20)", lambda: result.to_html(suppress_below=20)),
        ("_repr_html_", result._repr_html_),
        ("to_model_card", lambda: str(result.to_model_card())),
    ):
        seconds, out = cpu_seconds(call)
        print(f"{label:32s} {seconds:7.3f} s CPU  {len(out.encode('utf-8')):>10,} bytes")
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
