"""CPU time and size of the HTML report, the notebook view and the model card.

The COMPAS report of the issue: race, sex and their intersections, the ProPublica
prediction (medium or high risk) judged by the equalized-odds policy, and the decile
score (ROC, calibration, score metrics). Its charts are drawn two ways in the same run:

- ``svg`` — the report as shipped: SVG written straight from the chart data
  (:mod:`fairscope.report._svg_charts`);
- ``matplotlib`` — the way reports were drawn before: the same metric charts as
  matplotlib figures (``AuditResult.plot``) serialized and sanitized by
  :func:`fairscope.report._svg.figure_to_svg`, added to the report without charts.

With ``--before REV`` the same report is also timed with the fairscope of a git revision
(``git archive REV src`` into a temporary folder, timed in a subprocess), so before and after
are measured in one run on the same machine load.

Run: ``PYTHONPATH=src python benchmarks/bench_report.py [--before REV] [compas.csv]``
(default data: ``$FAIRSCOPE_DATA_DIR/compas/...``, else ``../shared/data/compas/...`` beside
the repository). Prints CPU seconds (``time.process_time``, best of 3) and the load average,
since the machine may be shared; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
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


#: Timed in a subprocess with another revision's fairscope (``--before``).
_TIMING = """
import sys, time
import pandas as pd
import fairscope
frame = pd.read_csv(sys.argv[1], usecols=["race", "sex", "two_year_recid", "score_text", "decile_score"])
result = fairscope.audit_predictions(
    frame["two_year_recid"], (frame["score_text"] != "Low").astype(int),
    y_score=frame["decile_score"], sensitive_features=frame[["race", "sex"]],
    policy="equalized-odds")
result.to_html()
best = float("inf")
for _ in range(3):
    start = time.process_time(); html = result.to_html()
    best = min(best, time.process_time() - start)
print(f"{best:.3f} {len(html.encode('utf-8'))} {fairscope.__file__}")
"""


def before(revision: str, data: Path) -> str:
    """CPU seconds and bytes of the same report with the fairscope of ``revision``."""
    repository = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(repository), "archive", revision, "src"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": str(Path(folder) / "src")}
        out = subprocess.run(
            [sys.executable, "-c", _TIMING, str(data)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.split()
    return f"{float(out[0]):7.3f} s CPU  {int(out[1]):>10,} bytes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="compas-scores-two-years.csv")
    parser.add_argument("--before", metavar="REV", help="also time the report of this revision")
    args = parser.parse_args()
    shared = (
        os.environ.get("FAIRSCOPE_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared/data"
    )
    default = Path(shared) / "compas" / "compas-scores-two-years.csv"
    path = Path(args.data) if args.data else default
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
    if args.before:
        print(f"{'to_html at ' + args.before:32s} {before(args.before, path)}")
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
