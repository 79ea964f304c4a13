"""Simulation: do verdicts keep their error rates? (issue 13)

Every figure is a Monte Carlo estimate printed with its standard error (MC SE), or an
exact enumeration. Counts are drawn, not rows: each replicate draws each group's
number of selections from a binomial, builds the confusion counts
(:class:`~fairscope.core._counts.GroupCounts`) and runs the real judge,
:func:`fairscope.judge.apply_policy`, on an audit result holding those counts (the
path every binary audit takes; the tests it cites are made by the same code).
Interval coverages call the same functions the library's tables call
(:func:`~fairscope.compute._group_intervals.rate_interval`,
:func:`~fairscope.compute._simultaneous.gap_bounds`).

Figures, with their targets:

1. false-FAIL rate of a whole four-fifths audit when every true rate is equal
   (k in {2, 6, 12} groups x n in {50, 200, 2000} rows, rates 0.3 and 0.05, Wilson and
   bootstrap audits): target <= 5 %;
2. one group exactly on the 0.8 limit, the others equal, k = 12 x 2000: that group's
   FAIL rate, target <= 2.5 % (and the same with ``familywise: none``, 0.1's judging);
   and at k = 6 one or three groups on the limit (the most pairs near it at once);
3. ``between_groups`` interval coverage of min / max and max - min, k <= 20, target >= 93 %;
4. coverage of the ratio-to-best finding intervals (every finding of an audit at once);
5. power for a true ratio 0.7 at k = 2 x 2000 (one group at 0.21, one at 0.3) and
   k = 6 x 2000 (five at 0.21, one at 0.3; three and three; one and five): targets
   60 % / 75 %;
6. exact coverage of Wilson and Clopper-Pearson for rare events (p = 0.005-0.02);
7. weights that go with the outcome: coverage of the weighted rate interval (target
   about 95 %) and size of the weighted two-proportion test (target about 5 %);
8. the default gate (``fail_on=("fail",)``) with a true ratio of 0.7: how often the audit
   passes, and how often its summary then says that checks could not be decided;
9. family-wise error of the findings' Holm-adjusted p-values (target <= 5 %);
10. false-FAIL of an AUC rule against the best group (intervals from the audit's
    score table, not from counts), k = 6 and 12 x 200, every AUC equal (target <= 5 %).

Usage::

    PYTHONPATH=src python benchmarks/bench_verdicts.py            # about 6 minutes, 2 shared cores
    PYTHONPATH=src python benchmarks/bench_verdicts.py --reps 40  # quick look
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from fairscope.compute._group_intervals import rate_interval
from fairscope.compute._proportion_tests import compare_proportions
from fairscope.compute._simultaneous import gap_bounds, unit_confidence
from fairscope.core._counts import GroupCounts
from fairscope.core._intervals import binomial_interval, kish_effective_n
from fairscope.core._registry import get_metric
from fairscope.judge import apply_policy, load_policy
from fairscope.result._audit_result import AuditResult

SELECTION = get_metric("selection_rate")


def counts_of(selected: np.ndarray, sizes: np.ndarray) -> GroupCounts:
    """Confusion counts of groups whose predictions equal their labels (selected = TP)."""
    cells = np.zeros((len(sizes), 4))
    cells[:, 3] = selected
    cells[:, 0] = sizes - selected
    labels = pd.Index([f"g{i:02d}" for i in range(len(sizes))], name="g")
    return GroupCounts(
        ("g",), labels, weighted=cells, rows=cells.astype(np.int64), squared_weights=cells.copy()
    )


def audit_of(selected: np.ndarray, sizes: np.ndarray, method: str, seed: int) -> AuditResult:
    """An audit result holding only the counts, as a binary audit keeps them."""
    meta = {"ci": 0.95, "ci_method": method, "min_group_size": 30, "n_boot": 500}
    meta["random_state"] = seed
    return AuditResult(
        kind="predictions", task="binary", statistics={"g": counts_of(selected, sizes)},
        metadata=meta,
    )  # fmt: skip


def mc(hits: float, reps: int) -> str:
    """A proportion with its Monte Carlo standard error, in percent."""
    p = hits / reps
    if hits == 0:
        return f"  0.0 % (95 % upper bound {300 / reps:.1f} %)"
    return f"{100 * p:5.1f} % ± {100 * math.sqrt(max(p * (1 - p), 1e-12) / reps):.1f}"


def _policy(familywise: str = "audit") -> object:
    base = load_policy("four-fifths").to_dict()
    return {**base, "familywise": familywise}


def false_fail(task: tuple) -> tuple:
    """Audits FAILing (any finding) and findings FAILing per group, all rates equal."""
    k, n, rate, method, reps, seed, familywise, rates = task
    rng = np.random.default_rng(seed)
    sizes = np.full(k, n)
    truth = np.full(k, rate) if rates is None else np.asarray(rates)
    policy = _policy(familywise)
    audits, per_group = 0, np.zeros(k)
    for r in range(reps):
        judged = apply_policy(audit_of(rng.binomial(sizes, truth), sizes, method, r), policy)
        failed = [int(f.group[1:]) for f in judged.findings if f.status == "FAIL"]
        audits += bool(failed)
        per_group[failed] += 1
    return task, audits, per_group


def gate(task: tuple) -> tuple:
    """How often a true violation passes the default gate, and says it could not decide."""
    n, reps, seed = task
    rng = np.random.default_rng(seed)
    sizes, truth = np.full(2, n), np.array([0.21, 0.3])  # a true ratio of 0.7
    policy = _policy()
    passed = told = 0
    for r in range(reps):
        judged = apply_policy(audit_of(rng.binomial(sizes, truth), sizes, "wilson", r), policy)
        passed += judged.passed
        told += "could not be decided" in judged.summary()
    return task, passed, told


def score_false_fail(task: tuple) -> tuple:
    """Audits FAILing an AUC rule against the best group, every group's AUC equal.

    Real ``audit_predictions`` with scores: the AUC intervals come from the audit's own
    ``score_metrics`` table, not from counts.
    """
    import fairscope

    k, n, reps, seed, familywise = task
    rng = np.random.default_rng(seed)
    rule = {"id": "auc", "metric": "auc", "fail": 0.05, "comparison": "difference"}
    policy = {"name": "auc", "familywise": familywise, "rules": [{**rule, "reference": "best"}]}
    groups = np.repeat([f"g{i:02d}" for i in range(k)], n)
    hits = 0
    for _ in range(reps):
        y = rng.integers(0, 2, k * n)
        score = rng.normal(size=k * n) + 0.8 * y  # AUC about 0.71 in every group
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            audit = fairscope.audit_predictions(
                y, (score > 0.4).astype(int), y_score=score, sensitive_features={"g": groups},
                policy=policy,
            )  # fmt: skip
        hits += any(f.status == "FAIL" for f in audit.findings)
    return task, hits


def p_value_fwer(task: tuple) -> tuple:
    """Audits where some finding's adjusted p-value is below 0.05, all rates equal."""
    k, n, reps, seed = task
    rng = np.random.default_rng(seed)
    sizes, policy, hits = np.full(k, n), _policy(), 0
    for r in range(reps):
        judged = apply_policy(audit_of(rng.binomial(sizes, 0.3), sizes, "wilson", r), policy)
        adjusted = [f.p_value_adjusted for f in judged.findings if f.p_value_adjusted is not None]
        hits += any(p < 0.05 for p in adjusted)
    return task, hits


def best_coverage(task: tuple) -> tuple:
    """Share of audits whose every ratio-to-best finding interval covers its true ratio."""
    k, n, rates, reps, seed = task
    rng = np.random.default_rng(seed)
    sizes, truth = np.full(k, n), np.asarray(rates)
    policy = _policy()
    every, each, fail_side, checked = 0, 0, 0, 0
    for r in range(reps):
        judged = apply_policy(audit_of(rng.binomial(sizes, truth), sizes, "wilson", r), policy)
        ok = True
        for f in judged.findings:
            true_ratio = truth[int(f.group[1:])] / truth.max()
            inside = f.lower <= true_ratio <= f.upper
            ok &= inside
            each += inside
            fail_side += f.upper >= true_ratio
            checked += 1
        every += ok
    return task, every, each, fail_side, checked


def gap_coverage(task: tuple) -> tuple:
    """Coverage of the simultaneous min / max and max - min intervals."""
    k, n, rates, reps, seed = task
    rng = np.random.default_rng(seed)
    truth = np.asarray(rates)
    true_ratio, true_diff = truth.min() / truth.max(), truth.max() - truth.min()
    x = rng.binomial(n, truth, size=(reps, k)).astype(float)
    cells = np.zeros((reps, k, 4))
    cells[..., 3], cells[..., 0] = x, n - x
    _, lo, hi, _ = rate_interval(
        SELECTION,
        cells,
        cells,
        has_weights=False,
        ci=unit_confidence(0.95, k),
        method="clopper-pearson",
    )
    ratio = diff = 0
    for i in range(reps):
        rl, ru = gap_bounds("ratio", lo[i], hi[i])
        dl, du = gap_bounds("difference", lo[i], hi[i])
        ratio += rl <= true_ratio <= ru
        diff += dl <= true_diff <= du
    return task, ratio, diff


def exact_coverage(n: int, p: float, method: str) -> float:
    """Exact coverage of a 95 % binomial interval (enumeration over 0..n successes)."""
    x = np.arange(n + 1, dtype=float)
    cells = np.zeros((n + 1, 4))
    cells[:, 3], cells[:, 0] = x, n - x
    _, lo, hi, _ = rate_interval(SELECTION, cells, cells, has_weights=False, ci=0.95, method=method)
    covered = (lo <= p) & (p <= hi)
    return float(stats.binom.pmf(x, n, p)[covered].sum())


def weighted(task: tuple) -> tuple:
    """Coverage of weighted rate intervals and size of the weighted two-proportion test.

    Rows carry weights that go with the outcome (U(1, 4) on positives, U(0.5, 1) on
    negatives); the target is the weighted population rate. Both groups have the same
    distribution, so every rejection of the test is a false one.
    """
    n, reps, seed = task
    rng = np.random.default_rng(seed)
    p = 0.3
    target = p * 2.5 / (p * 2.5 + (1 - p) * 0.75)
    y = rng.random((reps, 2, n)) < p
    w = np.where(y, rng.uniform(1, 4, y.shape), rng.uniform(0.5, 1, y.shape))
    cells = np.zeros((reps, 2, 4))
    squared = np.zeros((reps, 2, 4))
    cells[..., 3], cells[..., 0] = (w * y).sum(-1), (w * ~y).sum(-1)
    squared[..., 3], squared[..., 0] = (w**2 * y).sum(-1), (w**2 * ~y).sum(-1)
    _, lo, hi, n_eff = rate_interval(
        SELECTION, cells, squared, has_weights=True, ci=0.95, method="wilson"
    )
    covered = int(((lo[:, 0] <= target) & (target <= hi[:, 0])).sum())
    share = cells[..., 3] / cells.sum(-1)
    _, _, p_values = compare_proportions(
        share[:, 0] * n_eff[:, 0], n_eff[:, 0], share[:, 1] * n_eff[:, 1], n_eff[:, 1]
    )
    # 0.1's Kish effective n, for comparison
    kish = kish_effective_n(cells.sum(-1), squared.sum(-1))
    k_lo, k_hi = binomial_interval(share * kish, kish, 0.95, "wilson")
    kish_covered = int(((k_lo[:, 0] <= target) & (target <= k_hi[:, 0])).sum())
    _, _, kish_p = compare_proportions(
        share[:, 0] * kish[:, 0], kish[:, 0], share[:, 1] * kish[:, 1], kish[:, 1]
    )
    return task, (covered, kish_covered), (int((p_values < 0.05).sum()), int((kish_p < 0.05).sum()))


def _run(pool: ProcessPoolExecutor, fn, tasks: list) -> list:
    return list(pool.map(fn, tasks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200, help="replicates per setting")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    reps, start = args.reps, time.perf_counter()
    seeds = iter(np.random.SeedSequence(20261130).generate_state(200))
    with ProcessPoolExecutor(args.workers) as pool:
        print(f"# 1. false-FAIL of a whole four-fifths audit, all rates equal ({reps} reps)")
        tasks = [
            (k, n, rate, method, reps, int(next(seeds)), "audit", None)
            for method in ("wilson", "bootstrap")
            for rate in (0.3, 0.05)
            for k in (2, 6, 12)
            for n in (50, 200, 2000)
        ]
        for (k, n, rate, method, *_), audits, _ in _run(pool, false_fail, tasks):
            print(f"{method:9s} rate {rate:4.2f} k={k:2d} n={n:4d}: audit FAILs {mc(audits, reps)}")

        print("\n# 2. one group on the limit (0.24 = 0.8 x 0.3), eleven at 0.3, k = 12 x 2000")
        rates = [0.24] + [0.3] * 11
        boundary = [
            (12, 2000, 0.3, "wilson", 4 * reps, int(next(seeds)), fw, rates)
            for fw in ("audit", "none")
        ]
        for (*_, fw, _), audits, per_group in _run(pool, false_fail, boundary):
            print(
                f"familywise {fw:5s}: that group FAILs {mc(per_group[0], 4 * reps)}; "
                f"audit FAILs {mc(audits, 4 * reps)}"
            )
        print("  k = 6 x 2000: one group on the limit, five at 0.3; three on it, three at 0.3")
        print("  (every pair of a low and a high group on its limit: the most near pairs)")
        near = [
            (6, 2000, 0.3, "wilson", 4 * reps, int(next(seeds)), "audit", rates)
            for rates in ([0.24] + [0.3] * 5, [0.24] * 3 + [0.3] * 3)
        ]
        for (*_, rates), audits, per_group in _run(pool, false_fail, near):
            low = np.flatnonzero(np.isclose(rates, 0.24))
            share = per_group[low].sum() / len(low)
            print(
                f"  {len(low)} on the limit: a group on it FAILs {mc(share, 4 * reps)}; "
                f"audit FAILs {mc(audits, 4 * reps)}"
            )

        print("\n# 3. between_groups coverage (simultaneous exact intervals, every ci_method)")
        gap_tasks = [
            (k, n, rates, 4 * reps, int(next(seeds)))
            for k in (2, 3, 5, 10, 20)
            for n in (50, 200, 2000)
            for rates in ([0.3] * k, list(np.linspace(0.2, 0.4, k)))
        ]
        for (k, n, rates, r, _), ratio, diff in _run(pool, gap_coverage, gap_tasks):
            shape = "equal " if len(set(rates)) == 1 else "spread"
            print(f"k={k:2d} n={n:4d} rates {shape}: min/max {mc(ratio, r)}; max-min {mc(diff, r)}")

        print("\n# 4. ratio-to-best finding intervals: coverage of the true ratio to the best")
        cover_tasks = [
            (k, n, [0.3] * k, reps, int(next(seeds))) for k in (6, 12) for n in (200, 2000)
        ] + [(6, 2000, [0.3, 0.27, 0.24, 0.24, 0.21, 0.3], reps, int(next(seeds)))]
        for (k, n, rates, r, _), every, each, fail_side, checked in _run(
            pool, best_coverage, cover_tasks
        ):
            print(
                f"k={k:2d} n={n:4d} rates {sorted(set(rates))}: each interval covers "
                f"{mc(each, checked)}, its FAIL side {mc(fail_side, checked)}; all of an "
                f"audit's at once {mc(every, r)}"
            )

        print("\n# 5. power for a true ratio 0.7 (0.21 against 0.3), n = 2000 per group")
        power = [
            (len(rates), 2000, 0.3, "wilson", reps, int(next(seeds)), "audit", rates)
            for rates in (
                [0.21, 0.3],
                [0.21] * 5 + [0.3],
                [0.21] * 3 + [0.3] * 3,
                [0.21] + [0.3] * 5,
            )
        ]
        for (k, _, _, _, _, _, _, rates), audits, per_group in _run(pool, false_fail, power):
            low = np.flatnonzero(np.isclose(rates, 0.21))
            share = per_group[low].sum() / (len(low) * reps)
            print(
                f"k={k} ({len(low)} at 0.21): audit FAILs {mc(audits, reps)}; "
                f"a group at 0.21 FAILs {mc(share * reps, reps)}"
            )

        print("\n# 8. the default gate with a true ratio of 0.7 (0.21 against 0.3), two groups")
        gate_tasks = [(n, reps, int(next(seeds))) for n in (50, 200, 1000)]
        for (n, r, _), passed, told in _run(pool, gate, gate_tasks):
            print(
                f"n={n:4d}: result.passed {mc(passed, r)}; the summary says checks could not "
                f"be decided in {mc(told, r)}"
            )

        print("\n# 9. family-wise error of the findings' adjusted p-values, all rates 0.3")
        fwer_tasks = [
            (k, n, 2 * reps, int(next(seeds))) for k, n in ((6, 200), (12, 50), (12, 200))
        ]
        for (k, n, r, _), hits in _run(pool, p_value_fwer, fwer_tasks):
            print(f"k={k:2d} n={n:4d}: some adjusted p < 0.05 in {mc(hits, r)} of audits")

        print("\n# 10. an AUC rule (difference <= 0.05 to the best), every AUC equal")
        score_tasks = [
            (k, 200, reps // 2, int(next(seeds)), fw)
            for k, fw in ((6, "audit"), (12, "audit"), (12, "none"))
        ]
        for (k, n, r, _, fw), hits in _run(pool, score_false_fail, score_tasks):
            print(f"k={k:2d} n={n}, familywise {fw:5s}: audit FAILs {mc(hits, r)}")

        print("\n# 7. weights that go with the outcome (sandwich effective n)")
        weighted_tasks = [(n, 8 * reps, int(next(seeds))) for n in (50, 200, 2000)]
        for (n, r, _), covered, rejected in _run(pool, weighted, weighted_tasks):
            print(
                f"n={n:4d}: Wilson covers {mc(covered[0], r)}, z-test size "
                f"{mc(rejected[0], r)} (Kish's n, 0.1: {mc(covered[1], r)}, {mc(rejected[1], r)})"
            )

    print("\n# 6. exact coverage of 95 % intervals for rare events (minimum over p)")
    grid = np.linspace(0.005, 0.02, 61)
    for n in (10, 30, 100, 1000):
        for method in ("wilson", "clopper-pearson"):
            low = min(exact_coverage(n, p, method) for p in grid)
            print(f"n={n:4d} {method:15s}: minimum coverage {100 * low:5.1f} % (exact)")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
