"""Seeded simulation: how much the proxy flags move with the seed, and with fewer importance rows.

Run: ``PYTHONPATH=src FAIRSCOPE_DATA_DIR=/work/shared/data python benchmarks/bench_proxy_importance.py
[--seeds 8] [--rows 1000,2000] [--max-iter 50 --learning-rate 0.2]``

The proxy classifier's permutation importance is an estimate: the subsample, the folds and
the permutations are drawn with ``random_state``. On the Adult data (sex and race), this
script reruns :func:`fairscope.audits._proxies.proxy_model` with ``--seeds`` seeds for each
number of held-out importance rows per fold (``IMPORTANCE_ROWS``, default 2,000) and prints,
for the columns whose importance comes near a flag threshold (0.01 or 0.05 AUC), the mean
importance with its Monte Carlo standard error, the standard deviation across seeds (the
error of one audit's figure), and how often the column's importance clears each threshold.
Flags whose importance lies within a standard deviation of a threshold change with the
seed whatever the setting; the figures are in docs/performance.md (data-set audits).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fairscope.audits import _proxies
from fairscope.core._feature_columns import encode_column

COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip


def read_adult() -> pd.DataFrame:
    root = Path(os.environ.get("FAIRSCOPE_DATA_DIR", "/work/shared/data"))
    return pd.read_csv(
        root / "adult" / "adult.data",
        header=None,
        names=COLUMNS,
        skipinitialspace=True,
        na_values="?",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--rows", default="1000,2000")
    parser.add_argument("--max-iter", type=int, default=_proxies.MAX_ITER)
    parser.add_argument("--learning-rate", type=float, default=_proxies.LEARNING_RATE)
    args = parser.parse_args()
    _proxies.MAX_ITER, _proxies.LEARNING_RATE = args.max_iter, args.learning_rate
    frame = read_adult()
    features = [c for c in COLUMNS if c not in ("sex", "race", "income")]
    encoded = [encode_column(frame[c], c) for c in features]
    sensitive = {s: pd.factorize(frame[s], sort=True) for s in ("sex", "race")}
    print(f"Adult: {len(frame):,} rows, {len(features)} features, {args.seeds} seeds, "
          f"{args.max_iter} boosting steps of {args.learning_rate}")  # fmt: skip
    default_rows = _proxies.IMPORTANCE_ROWS
    for rows in (int(r) for r in args.rows.split(",")):
        _proxies.IMPORTANCE_ROWS = rows
        draws: dict[tuple[str, str], list[float]] = {}
        cpu = time.process_time()
        for seed in range(args.seeds):
            for name, (codes, labels) in sensitive.items():
                fitted = _proxies.proxy_model(
                    encoded, np.asarray(codes), [str(v) for v in labels], random_state=seed
                )
                for column, value in fitted.importance.items():
                    draws.setdefault((name, column), []).append(value)
        cpu = (time.process_time() - cpu) / args.seeds
        print(f"\nimportance rows per fold: {rows} (CPU per audit's two models: {cpu:.2f} s)")
        print("feature  column            mean     MC SE   SD/seed  >=0.01  >=0.05")
        for (name, column), values in sorted(draws.items()):
            v = np.asarray(values)
            if not ((v > 0.005).any() and (v < 0.08).any()):
                continue  # far from both thresholds
            se = v.std(ddof=1) / np.sqrt(len(v))
            print(f"{name:8s} {column:16s} {v.mean():7.4f} {se:8.4f} {v.std(ddof=1):8.4f} "
                  f"{(v >= 0.01).mean():7.2f} {(v >= 0.05).mean():7.2f}")  # fmt: skip
    _proxies.IMPORTANCE_ROWS = default_rows


if __name__ == "__main__":
    main()
