"""Scored binary and regression audits of a Parquet folder through DuckDB vs pandas.

Writes a synthetic prediction log (scores rounded to 3 decimals, so the engine
reduces it to cells of equal score; a regression target around 1e5), then runs
``audit_predictions`` with ``y_score=`` and with ``task="regression"`` in a fresh
process per engine: DuckDB scanning the files (only per-group tables come
back) and pandas reading them into memory. Prints time, peak RSS and the
overall AUC of each (they are equal).

Usage::

    PYTHONPATH=src python benchmarks/bench_engine_audits.py --rows 10000000
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def write(folder: str, rows: int, chunk: int = 2_000_000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    races = ["White", "Black", "Hispanic", "Asian", "Other"]
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        y = (rng.random(n) < 0.45).astype(np.int8)
        target = 1e5 + rng.normal(0, 1e3, n)
        table = pa.table(
            {
                "race": rng.choice(races, n, p=[0.6, 0.13, 0.17, 0.06, 0.04]),
                "sex": rng.choice(["female", "male"], n),
                "label": y,
                "score": np.round(np.clip(0.3 * y + rng.random(n) * 0.7, 0, 1), 3),
                "target": target,
                "estimate": target + rng.normal(50, 300, n),
                "weight": rng.integers(1, 5, n).astype(float),
            }
        )
        pq.write_table(table, os.path.join(folder, f"part-{start // chunk:04d}.parquet"))


def audit(folder: str, kind: str) -> None:
    import fairscope

    start = time.perf_counter()
    data: object = os.path.join(folder, "*.parquet")
    if kind == "pandas":
        import pandas as pd

        data = pd.read_parquet(folder)
    features = ["race", "sex"]
    scored = fairscope.audit_predictions(
        "label", y_score="score", sensitive_features=features, sample_weight="weight", data=data
    )
    fairscope.audit_predictions(
        "target", "estimate", sensitive_features=features, task="regression", data=data
    )
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    auc = scored.tables["score_metrics"]["roc_auc"].iloc[-1]
    engine = scored.metadata.get("engine", "pandas")
    print(f"{kind:>6}: {elapsed:6.1f} s, peak RSS {rss:6.0f} MiB, engine {engine}, AUC {auc:.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--audit", nargs=2, metavar=("FOLDER", "KIND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.audit:
        audit(*args.audit)
        return
    with tempfile.TemporaryDirectory() as folder:
        write(folder, args.rows)
        print(f"{args.rows:,} rows")
        for kind in ("duckdb", "pandas"):
            # a fresh process each, so peak RSS is the audit's own
            subprocess.run([sys.executable, __file__, "--audit", folder, kind], check=True)


if __name__ == "__main__":
    main()
