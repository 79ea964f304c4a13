"""Seeded simulation: how much the proxy flags move with the seed, old and new estimator side by side.

Run: ``PYTHONPATH=src FAIRSCOPE_DATA_DIR=/work/shared/data python benchmarks/bench_proxy_importance.py
[--bench-data] [--seeds 8] [--cv 3,1] [--rows 2000] [--max-iter 50 --learning-rate 0.2]``

The proxy classifier's permutation importance is an estimate: the subsample, the split and
the permutations are drawn with ``random_state``. On the Adult data (sex and race), or with
``--bench-data`` on the 1M-row synthetic data of ``bench_dataset.py``, this script reruns
:func:`fairscope.audits._proxies.proxy_model` with ``--seeds`` seeds for each setting of
``--cv`` (3: the three-fold cross-validated estimate of earlier versions; 1: the default, one
fit, sequential importance on the held-out third), alternating the settings seed by seed so
that both see the same machine load, and prints:

- the CPU time of the two models (one audit's classifier cost), mean over seeds;
- for the columns whose importance comes near a flag threshold (0.01 or 0.05 AUC), the mean
  importance with its Monte Carlo standard error, the standard deviation across seeds (the
  error of one audit's figure), the mean standard error the audit itself reports
  (``importance_std``: fold-to-fold SD for cv=3, paired DeLong SE for cv=1), and the share of
  seeds where the importance clears each threshold;
- the flag agreement: for each column whose mean importance under the first setting lies more
  than two of its seed-to-seed SDs from both thresholds (a flag not within noise of one), the
  share of seeds in which each setting gives that flag.

``--check-settled`` instead compares, for the default estimate, the flags of the columns settled
on the first batch of held-out rows with the flags the same fitted model gives on all of them.

``--rows`` sets ``IMPORTANCE_ROWS`` (held-out rows per fold) of the cross-validated setting,
``--patience`` the early-stopping patience and ``--first-batch`` the first batch of importance
rows of the held-out setting.
The figures are in docs/performance.md (data-set audits).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fairscope.audits import _proxies, _proxy_holdout
from fairscope.core._feature_columns import EncodedColumn, encode_column

COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip
THRESHOLDS = (_proxies.MODERATE_IMPORTANCE, _proxies.STRONG_IMPORTANCE)


def read_adult() -> pd.DataFrame:
    root = Path(os.environ.get("FAIRSCOPE_DATA_DIR", "/work/shared/data"))
    return pd.read_csv(
        root / "adult" / "adult.data",
        header=None,
        names=COLUMNS,
        skipinitialspace=True,
        na_values="?",
    )


def load(bench_data: bool) -> tuple[str, pd.DataFrame, list[str]]:
    """The data, its feature columns and a description."""
    if bench_data:
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_dataset import make_data

        frame = make_data(1_000_000)
        return (
            "bench_dataset make_data(1_000_000)",
            frame,
            [c for c in frame.columns if c not in ("sex", "race", "y")],
        )
    frame = read_adult()
    return "Adult", frame, [c for c in COLUMNS if c not in ("sex", "race", "income")]


def level(importance: float) -> int:
    """0 weak, 1 moderate, 2 strong, from the importance alone."""
    return int(importance >= THRESHOLDS[0]) + int(importance >= THRESHOLDS[1])


def simulate(encoded: list[EncodedColumn], sensitive, settings: list[int], seeds: int):
    """Importance, reported SE and CPU per setting, seed, sensitive feature and column."""
    draws: dict[int, dict[tuple[str, str], list[tuple[float, float]]]] = {s: {} for s in settings}
    cpu = dict.fromkeys(settings, 0.0)
    aucs: dict[tuple[int, str], list[float]] = {}
    for seed in range(seeds):
        for cv in settings:  # alternating: both settings see the same load
            for name, (codes, labels) in sensitive.items():
                start = time.process_time()
                fitted = _proxies.proxy_model(encoded, codes, labels, random_state=seed, cv=cv)
                cpu[cv] += time.process_time() - start
                aucs.setdefault((cv, name), []).append(fitted.auc)
                for column, value in fitted.importance.items():
                    draws[cv].setdefault((name, column), []).append(
                        (value, fitted.importance_std[column])
                    )
    return draws, {cv: t / seeds for cv, t in cpu.items()}, aucs


def report(draws, cpu, aucs, settings: list[int]) -> None:
    for cv in settings:
        label = f"cv={cv}" + (" (3-fold, before)" if cv > 1 else " (held-out third, default)")
        print(f"\n{label}: CPU of the two models per audit {cpu[cv]:.2f} s")
        for (c, name), v in sorted(aucs.items()):
            if c == cv:
                print(
                    f"  AUC {name}: mean {np.mean(v):.4f}, SD across seeds {np.std(v, ddof=1):.4f}"
                )
        print("feature  column            mean     MC SE   SD/seed  rep.SE  >=0.01  >=0.05")
        for (name, column), pairs in sorted(draws[cv].items()):
            v, reported = np.asarray(pairs).T
            if not (v > 0.005).any():
                continue  # far below both thresholds
            print(f"{name:8s} {column:16s} {v.mean():7.4f} {v.std(ddof=1) / np.sqrt(len(v)):8.4f} "
                  f"{v.std(ddof=1):8.4f} {reported.mean():7.4f} {(v >= 0.01).mean():7.2f} "
                  f"{(v >= 0.05).mean():7.2f}")  # fmt: skip
    first = settings[0]
    clear = []
    for key, pairs in draws[first].items():
        v = np.asarray(pairs)[:, 0]
        if all(abs(v.mean() - t) > 2 * v.std(ddof=1) for t in THRESHOLDS):
            clear.append((key, level(v.mean())))
    print(f"\nflags not within noise of a threshold under cv={first}: {len(clear)} columns")
    for cv in settings:
        same = [np.mean([level(x) == flag for x, _ in draws[cv][key]]) for key, flag in clear]
        worst = min(zip(same, [k for k, _ in clear], strict=True), default=(np.nan, None))
        print(f"  cv={cv}: same flag in {np.mean(same):.3f} of seed-columns; worst {worst[1]} "
              f"{worst[0]:.2f}")  # fmt: skip


def check_settled(encoded: list[EncodedColumn], sensitive, seeds: int) -> None:
    """Flags of columns settled on the first batch against the same model's all-rows flags.

    Each seed's default audit is rerun with every column measured on all held-out rows
    (``SETTLE_Z`` infinite: the same subsample, split, fit and first batch); a settled
    column's flag should be the all-rows flag but for the rare estimate more than
    ``SETTLE_Z`` standard errors off (at most 2.3% of the columns near a threshold).
    """
    settled = differ = near = 0
    default_z = _proxy_holdout.SETTLE_Z
    for seed in range(seeds):
        for codes, labels in sensitive.values():
            fitted = _proxies.proxy_model(encoded, codes, labels, random_state=seed, cv=1)
            _proxy_holdout.SETTLE_Z = np.inf
            full = _proxies.proxy_model(encoded, codes, labels, random_state=seed, cv=1)
            _proxy_holdout.SETTLE_Z = default_z
            for column, rows in fitted.importance_rows.items():
                if rows != _proxy_holdout.FIRST_BATCH_ROWS or rows == full.importance_rows[column]:
                    continue
                settled += 1
                value = full.importance[column]
                near += any(abs(value - t) < 4 * full.importance_std[column] for t in THRESHOLDS)
                differ += level(fitted.importance[column]) != level(value)
    print(f"\ncolumns settled on the first batch: {settled} (of them {near} within 4 SE of a "
          f"threshold on all rows); flag differs from the all-rows flag: {differ}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench-data", action="store_true")
    parser.add_argument("--check-settled", action="store_true")
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--cv", default="3,1")
    parser.add_argument("--rows", type=int, default=_proxies.IMPORTANCE_ROWS)
    parser.add_argument("--max-iter", type=int, default=_proxies.MAX_ITER)
    parser.add_argument("--learning-rate", type=float, default=_proxies.LEARNING_RATE)
    parser.add_argument("--patience", type=int, default=_proxies.N_ITER_NO_CHANGE)
    parser.add_argument("--first-batch", type=int, default=_proxy_holdout.FIRST_BATCH_ROWS)
    args = parser.parse_args()
    _proxies.N_ITER_NO_CHANGE = args.patience  # early-stopping patience of cv=1
    _proxy_holdout.FIRST_BATCH_ROWS = args.first_batch
    _proxies.MAX_ITER, _proxies.LEARNING_RATE = args.max_iter, args.learning_rate
    _proxies.IMPORTANCE_ROWS = args.rows
    description, frame, features = load(args.bench_data)
    encoded = [encode_column(frame[c], c) for c in features]
    sensitive = {}
    for s in ("sex", "race"):
        codes, labels = pd.factorize(frame[s], sort=True)
        sensitive[s] = (np.asarray(codes), [str(v) for v in labels])
    settings = [int(c) for c in args.cv.split(",")]
    print(f"{description}: {len(frame):,} rows, {len(features)} features, {args.seeds} seeds, "
          f"{args.max_iter} boosting steps of {args.learning_rate}, {args.rows} importance "
          f"rows per fold (cv > 1); cv=1: patience {args.patience}, first batch {args.first_batch}")  # fmt: skip
    if args.check_settled:
        check_settled(encoded, sensitive, args.seeds)
        return
    draws, cpu, aucs = simulate(encoded, sensitive, settings, args.seeds)
    report(draws, cpu, aucs, settings)


if __name__ == "__main__":
    main()
