"""Simulation: coverage of the row bootstrap of metric callables (GroupMetrics' row-level path).

Rows are drawn from a known population (two groups with their own base rate, TPR and FPR),
so each group's population F1 is known exactly. A callable F1 (evaluated on rows, as any
user callable) gets percentile bootstrap intervals by resampling rows
(``ci_method="bootstrap"``); the simulation counts how often the 95% interval of each group's
F1, and of the difference between the groups (``difference_intervals``), holds the true
value, with the Monte Carlo standard error sqrt(p (1 - p) / sims).

Usage::

    PYTHONPATH=src python benchmarks/bench_row_bootstrap_coverage.py --sims 400 --rows 600
"""

from __future__ import annotations

import argparse

import numpy as np

from fairscope import GroupMetrics

#: group -> (share of rows, base rate, TPR, FPR)
POPULATION = {"a": (0.6, 0.4, 0.8, 0.2), "b": (0.4, 0.3, 0.6, 0.1)}


def f1_on_rows(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 as a user would write it: a function of the rows."""
    tp = float(np.sum((y_true == 1) & (y_pred == 1)))
    return 2 * tp / (float(np.sum(y_true)) + float(np.sum(y_pred)))


def population_f1(base: float, tpr: float, fpr: float) -> float:
    tp, fp, fn = base * tpr, (1 - base) * fpr, base * (1 - tpr)
    return 2 * tp / (2 * tp + fp + fn)


def draw(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    names = np.array(list(POPULATION))
    shares = np.array([v[0] for v in POPULATION.values()])
    group = rng.choice(names, n, p=shares)
    base = np.array([POPULATION[g][1] for g in group])
    y = (rng.random(n) < base).astype(int)
    tpr = np.array([POPULATION[g][2] for g in group])
    fpr = np.array([POPULATION[g][3] for g in group])
    yhat = (rng.random(n) < np.where(y == 1, tpr, fpr)).astype(int)
    return y, yhat, group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=400)
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--n-boot", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    truth = {g: population_f1(*v[1:]) for g, v in POPULATION.items()}
    true_gap = max(truth.values()) - min(truth.values())
    rng = np.random.default_rng(args.seed)
    hits = {"a": 0, "b": 0, "difference": 0}
    for _ in range(args.sims):
        y, yhat, group = draw(args.rows, rng)
        gm = GroupMetrics(y, yhat, group, metrics={"f1": f1_on_rows}, ci_method="bootstrap",
                          n_boot=args.n_boot, random_state=rng)  # fmt: skip
        table = gm.confidence_intervals()
        for g in ("a", "b"):
            row = table[table["sensitive_feature"] == g].iloc[0]
            hits[g] += bool(row["lower"] <= truth[g] <= row["upper"])
        gap = gm.difference_intervals().iloc[0]
        hits["difference"] += bool(gap["lower"] <= true_gap <= gap["upper"])
    print(f"{args.sims} simulations, {args.rows} rows, {args.n_boot} replicates, nominal 0.95")
    for name, count in hits.items():
        p = count / args.sims
        se = np.sqrt(p * (1 - p) / args.sims)
        print(f"  coverage {name:>10}: {p:.3f} (Monte Carlo SE {se:.3f})")


if __name__ == "__main__":
    main()
