"""Benchmark: the row-level path (metric callables) against fairlearn's MetricFrame.

For each size N, times (best of ``--repeats``) the same work in both libraries:
sklearn's ``f1_score`` and ``recall_score`` with per-row ``sample_weight`` on 10
intersectional groups, then ``by_group``, ``overall``, ``difference()`` and
``ratio()``; and the same with ``control_features`` (5 strata). Target (issue 16):
the row-level path is not slower than MetricFrame ("ratio" = MetricFrame / fairscope,
so above 1 means fairscope is faster).

Then the row bootstrap: ``ci_method="bootstrap"`` with ``--n-boot`` replicates
against ``MetricFrame(n_boot=...)`` (fairlearn >= 0.13), also resampling rows.

Usage::

    PYTHONPATH=src python benchmarks/bench_custom_metrics.py
    PYTHONPATH=src python benchmarks/bench_custom_metrics.py --sizes 1e4 1e5 1e6 --repeats 3
"""

from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from sklearn.metrics import f1_score, recall_score

from fairscope import GroupMetrics

METRICS = {"f1": f1_score, "recall": recall_score}


def make_data(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Labels, predictions, weights, two sensitive features (5 x 2 groups) and a stratum."""
    rng = np.random.default_rng(seed)
    race = rng.choice(np.array(["White", "Black", "Hispanic", "Asian", "Other"]), n,
                      p=[0.6, 0.13, 0.17, 0.06, 0.04])  # fmt: skip
    sex = rng.choice(np.array(["female", "male"]), n)
    site = rng.choice(np.array(["s1", "s2", "s3", "s4", "s5"]), n)
    y_true = (rng.random(n) < 0.4).astype(np.int8)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.75, 0.2)).astype(np.int8)
    return {"y_true": y_true, "y_pred": y_pred, "race": race, "sex": sex, "site": site,
            "w": rng.random(n)}  # fmt: skip


def best_of(repeats: int, work: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def _views(frame: object) -> None:
    frame.by_group  # noqa: B018 - the views are what a user reads
    frame.overall  # noqa: B018
    frame.difference()
    frame.ratio()


def fairscope_run(data: dict[str, np.ndarray], controls: bool) -> None:
    params = {name: {"sample_weight": data["w"]} for name in METRICS}
    gm = GroupMetrics(
        data["y_true"],
        data["y_pred"],
        {"race": data["race"], "sex": data["sex"]},
        metrics=METRICS,
        sample_params=params,
        control_features={"site": data["site"]} if controls else None,
    )
    _views(gm)


def fairlearn_run(data: dict[str, np.ndarray], controls: bool) -> None:
    params = {name: {"sample_weight": data["w"]} for name in METRICS}
    mf = MetricFrame(
        metrics=METRICS,
        y_true=data["y_true"],
        y_pred=data["y_pred"],
        sensitive_features=pd.DataFrame({"race": data["race"], "sex": data["sex"]}),
        control_features=pd.Series(data["site"], name="site") if controls else None,
        sample_params=params,
    )
    _views(mf)


def bootstrap_times(n: int, n_boot: int) -> tuple[float, float | None]:
    data = make_data(n, seed=1)
    features = {"race": data["race"], "sex": data["sex"]}
    start = time.perf_counter()
    gm = GroupMetrics(data["y_true"], data["y_pred"], features, metrics=METRICS,
                      ci_method="bootstrap", n_boot=n_boot, random_state=0)  # fmt: skip
    gm.confidence_intervals()
    ours = time.perf_counter() - start
    if "n_boot" not in inspect.signature(MetricFrame).parameters:
        return ours, None
    start = time.perf_counter()
    mf = MetricFrame(metrics=METRICS, y_true=data["y_true"], y_pred=data["y_pred"],
                     sensitive_features=pd.DataFrame(features), n_boot=n_boot,
                     ci_quantiles=[0.025, 0.975], random_state=0)  # fmt: skip
    mf.by_group_ci  # noqa: B018 - computed lazily in some versions
    return ours, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e4, 1e5, 1e6])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-boot", type=int, default=50)
    parser.add_argument("--boot-rows", type=float, default=1e4)
    args = parser.parse_args()
    print(f"{'rows':>10} {'controls':>8} {'fairscope s':>12} {'MetricFrame s':>14} {'ratio':>7}")
    for size in args.sizes:
        data = make_data(int(size))
        for controls in (False, True):
            ours = best_of(args.repeats, fairscope_run, data, controls)
            theirs = best_of(args.repeats, fairlearn_run, data, controls)
            print(f"{int(size):>10} {controls!s:>8} {ours:>12.4f} {theirs:>14.4f} "
                  f"{theirs / ours:>7.2f}")  # fmt: skip
    ours, theirs = bootstrap_times(int(args.boot_rows), args.n_boot)
    line = f"row bootstrap, {int(args.boot_rows)} rows, {args.n_boot} replicates: fairscope {ours:.3f} s"
    if theirs is not None:
        line += f", MetricFrame {theirs:.3f} s, ratio {theirs / ours:.2f}"
    print(line)


if __name__ == "__main__":
    main()
