"""Benchmark: the multinomial bootstrap on count tables against the point estimate and fairlearn.

For each size N, times (best of ``--repeats``):

- point: ``GroupMetrics(...)`` with Wilson intervals, then ``confidence_intervals()`` and
  ``disparity_intervals()`` (one pass over the rows plus tiny table work);
- bootstrap: the same with ``ci_method="bootstrap", n_boot=1000``, plus
  ``difference_intervals()``;
- bootstrap alone: the replicates and all intervals from the count table
  (``GroupMetrics.from_counts``), i.e. what the bootstrap adds; "added %" is it over
  the point time (the direct difference of the first two columns is noisier).

Then fairlearn's ``MetricFrame(n_boot=...)`` at ``--fairlearn-rows`` rows with a few
replicates (it resamples rows, about 2 s per replicate at 100k rows), extrapolated per
replicate, and the ratio to fairscope's per-replicate cost at the same size.

Target (issue 3): 1,000 replicates add at most 50% to the point-estimate time at 5M rows.

Usage::

    PYTHONPATH=src python benchmarks/bench_bootstrap.py
    PYTHONPATH=src python benchmarks/bench_bootstrap.py --sizes 1e6 5e6 1e7 --fairlearn-boot 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from fairscope import GroupMetrics

METRICS = ["selection_rate", "true_positive_rate", "false_positive_rate", "precision", "f1"]


def make_data(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Labels, predictions and two sensitive features (5 x 2 = 10 intersections)."""
    rng = np.random.default_rng(seed)
    race = rng.choice(np.array(["White", "Black", "Hispanic", "Asian", "Other"]), n,
                      p=[0.6, 0.13, 0.17, 0.06, 0.04])  # fmt: skip
    sex = rng.choice(np.array(["female", "male"]), n)
    y_true = (rng.random(n) < 0.4).astype(np.int8)
    shift = np.where(race == "Black", -0.08, 0.0)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.75, 0.2) + shift).astype(np.int8)
    return {"y_true": y_true, "y_pred": y_pred, "race": race, "sex": sex}


def run_fairscope(
    data: dict[str, np.ndarray], n_boot: int, repeats: int
) -> tuple[float, float, float]:
    """Point-estimate time, with-bootstrap time, and the bootstrap alone on the counts."""
    features = {"race": data["race"], "sex": data["sex"]}

    def point() -> GroupMetrics:
        gm = GroupMetrics(data["y_true"], data["y_pred"], features, metrics=METRICS)
        gm.confidence_intervals()
        gm.disparity_intervals("ratio")
        return gm

    def intervals(gm: GroupMetrics) -> None:
        gm.confidence_intervals()
        gm.disparity_intervals("ratio")
        gm.difference_intervals()

    def boot() -> None:
        gm = GroupMetrics(
            data["y_true"], data["y_pred"], features, metrics=METRICS,
            ci_method="bootstrap", n_boot=n_boot, random_state=0,
        )  # fmt: skip
        intervals(gm)

    counts = point().statistics

    def boot_only() -> None:
        gm = GroupMetrics.from_counts(
            counts, METRICS, ci_method="bootstrap", n_boot=n_boot, random_state=0
        )
        intervals(gm)

    times = {"point": [], "boot": [], "boot_only": []}
    for _ in range(repeats):  # interleaved, so load changes hit both alike
        for name, fn in (("point", point), ("boot", boot), ("boot_only", boot_only)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return min(times["point"]), min(times["boot"]), min(times["boot_only"])


def run_fairlearn(data: dict[str, np.ndarray], n_boot: int) -> float:
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import f1_score, precision_score

    metrics = {
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
        "f1": f1_score,
    }
    start = time.perf_counter()
    MetricFrame(
        metrics=metrics, y_true=data["y_true"], y_pred=data["y_pred"],
        sensitive_features={"race": data["race"], "sex": data["sex"]},
        n_boot=n_boot, ci_quantiles=[0.025, 0.975], random_state=0,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 5e6, 1e7])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--fairlearn-rows", type=float, default=1e5)
    parser.add_argument("--fairlearn-boot", type=int, default=3)
    args = parser.parse_args()

    print(f"fairscope, {args.n_boot} bootstrap replicates, 2 features, 10 intersectional groups,")
    print(f"{len(METRICS)} metrics; best of {args.repeats}")
    print(f"{'rows':>12} {'point s':>9} {'with boot s':>12} {'boot alone s':>13} {'added %':>8}")
    for size in args.sizes:
        n = int(size)
        data = make_data(n)
        point, boot, alone = run_fairscope(data, args.n_boot, args.repeats)
        print(f"{n:>12,} {point:>9.3f} {boot:>12.3f} {alone:>13.3f} {100 * alone / point:>7.1f}%")
        del data

    n = int(args.fairlearn_rows)
    data = make_data(n)
    point, boot, alone = run_fairscope(data, args.n_boot, args.repeats)
    fairscope_per_rep = alone / args.n_boot
    fairlearn = run_fairlearn(data, args.fairlearn_boot)
    fairlearn_per_rep = fairlearn / (args.fairlearn_boot + 1)  # the full data + n_boot samples
    print()
    print(f"at {n:,} rows:")
    print(f"  fairlearn MetricFrame(n_boot={args.fairlearn_boot}): {fairlearn:.2f} s "
          f"(~{fairlearn_per_rep:.2f} s per replicate; 1,000 replicates ~ "
          f"{1000 * fairlearn_per_rep / 60:.0f} min)")  # fmt: skip
    print(f"  fairscope n_boot={args.n_boot}: {boot:.3f} s in all, "
          f"{1000 * fairscope_per_rep:.3f} ms per replicate")  # fmt: skip
    print(f"  per-replicate speed-up: {fairlearn_per_rep / fairscope_per_rep:,.0f}x; "
          f"1,000 fairscope replicates vs {args.fairlearn_boot} fairlearn replicates: "
          f"{fairlearn / boot:,.1f}x faster")  # fmt: skip


if __name__ == "__main__":
    main()
