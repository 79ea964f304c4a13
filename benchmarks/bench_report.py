"""Time and size of the HTML report, the notebook view and the model card.

Run: ``PYTHONPATH=src python benchmarks/bench_report.py [path/to/compas-scores-two-years.csv]``
(default: ``$FAIRSCOPE_DATA_DIR/compas/...``, else ``../shared/data/compas/...`` beside the
repository).
Prints seconds and bytes; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

import fairscope


def main() -> None:
    data = (
        os.environ.get("FAIRSCOPE_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared/data"
    )
    default = Path(data) / "compas" / "compas-scores-two-years.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    frame = pd.read_csv(path, usecols=["race", "sex", "two_year_recid", "score_text"])
    result = fairscope.audit_predictions(
        frame["two_year_recid"],
        (frame["score_text"] != "Low").astype(int),
        sensitive_features=frame[["race", "sex"]],
        policy="equalized-odds",
    )
    groups = sum(len(g) for g in result.metadata["groups"].values())
    print(f"COMPAS: {len(frame):,} rows, {groups} groups over race, sex and race & sex")
    fairscope.audit_predictions([1, 0], [1, 0], sensitive_features=["a", "b"]).to_html()  # warm up
    for label, call in (
        ("to_html", lambda: result.to_html()),
        ("to_html(suppress_below=20)", lambda: result.to_html(suppress_below=20)),
        ("_repr_html_", result._repr_html_),
        ("to_model_card", lambda: str(result.to_model_card())),
    ):
        start = time.perf_counter()
        out = call()
        seconds = time.perf_counter() - start
        print(f"{label:28s} {seconds:7.2f} s  {len(out.encode('utf-8')):>10,} bytes")


if __name__ == "__main__":
    main()
