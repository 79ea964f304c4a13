"""Simulation: the change test of ``fairscope.history`` and the UGESP significance reading.

Seeded Monte Carlo, each rate with its Monte Carlo standard error
(``sqrt(p (1 - p) / R)``):

1. **Change test, no change.** Two releases audited on new data with the *same* group
   rates (group A 2,000 rows at 50 % selected, group B 500 rows at 40 %): how often the
   unadjusted change test calls the change of B's disparity significant at 0.05. The
   finding (four-fifths rule, ``reference: best``, simultaneous intervals) and the headline
   disparity (selection-rate ratio B / A, MOVER interval) are counted apart. The claim in
   ``docs/regulatory.md``: at most the nominal 5 % (conservative where intervals are
   simultaneous).
2. **Change test, a real change.** B's rate falls from 40 % to 32 % in the second release:
   the share of pairs in which the change is flagged (power).
3. **UGESP "two standard deviations" against the highest group.** Five groups of 400 with
   the same 30 % rate: how often at least one group is flagged statistically significant
   against the highest-rate group. Comparing with a group chosen because its rate is the
   highest inflates the rate of false flags beyond the ~2.3 % of one fixed one-sided
   comparison at z < -2; the docs say so, this measures it.

Usage::

    PYTHONPATH=src python benchmarks/bench_history.py            # R = 300 (about a minute)
    PYTHONPATH=src python benchmarks/bench_history.py --reps 1000
"""

from __future__ import annotations

import argparse
import math
import warnings

import numpy as np
import pandas as pd

import fairscope
from fairscope.compute._regulatory import ugesp_table


def _release(rng: np.random.Generator, rate_b: float) -> fairscope.AuditResult:
    group = np.array(["A"] * 2_000 + ["B"] * 500)
    rate = np.where(group == "A", 0.5, rate_b)
    y_pred = (rng.random(len(group)) < rate).astype(int)
    y_true = (rng.random(len(group)) < 0.5).astype(int)
    return fairscope.audit_predictions(
        y_true, y_pred, sensitive_features={"group": group}, policy="four-fifths"
    )


def _change_p_values(rng: np.random.Generator, after_rate: float) -> tuple[float, float]:
    """Unadjusted p-values of B's change: (the finding, the selection-rate ratio)."""
    trend = fairscope.history([_release(rng, 0.4), _release(rng, after_rate)], labels=["1", "2"])
    changes = trend.tables["changes"].query("group == 'B'")
    finding = changes.query("source == 'finding'")["p_value"].iloc[0]
    ratio = changes.query("source == 'disparity' and kind == 'ratio'")["p_value"].iloc[0]
    return float(finding), float(ratio)


def _rate(hits: np.ndarray) -> str:
    p = float(np.mean(hits))
    return f"{p:.3f} (MC SE {math.sqrt(p * (1 - p) / len(hits)):.3f})"


def _ugesp_false_flags(rng: np.random.Generator, reps: int) -> np.ndarray:
    flagged = np.zeros(reps, dtype=bool)
    for r in range(reps):
        selected = rng.binomial(400, 0.3, size=5)
        counts = pd.DataFrame(
            {"feature": "g", "group": list("abcde"), "n": 400, "n_selected": selected}
        )
        flagged[r] = bool(ugesp_table(counts)["statistically_significant"].any())
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    warnings.simplefilter("ignore")
    null = np.array([_change_p_values(rng, 0.4) for _ in range(args.reps)])
    alt = np.array([_change_p_values(rng, 0.32) for _ in range(args.reps)])
    print(f"R = {args.reps} pairs of releases, seed {args.seed}")
    print("1. no change, share flagged at p < 0.05 (nominal 0.05):")
    print(f"   finding (four-fifths, simultaneous interval): {_rate(null[:, 0] < 0.05)}")
    print(f"   headline disparity (ratio, MOVER interval):   {_rate(null[:, 1] < 0.05)}")
    print("2. B falls from 40% to 32%, share flagged at p < 0.05 (power):")
    print(f"   finding:            {_rate(alt[:, 0] < 0.05)}")
    print(f"   headline disparity: {_rate(alt[:, 1] < 0.05)}")
    flags = _ugesp_false_flags(rng, 10 * args.reps)
    print("3. UGESP, five equal groups of 400 at 30%: share of audits with a group flagged")
    print(f"   significant against the highest-rate group: {_rate(flags)}")


if __name__ == "__main__":
    main()
