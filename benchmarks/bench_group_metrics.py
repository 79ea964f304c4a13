"""Time fairscope's GroupMetrics against fairlearn's MetricFrame on the same data.

Synthetic binary-classification data with realistic dtypes: ``sex`` as a pandas
Categorical, ``race`` as strings (object dtype), labels and predictions as int8,
float sample weights. Five metrics over the sex x race intersection.

Run::

    PYTHONPATH=src python benchmarks/bench_group_metrics.py
    PYTHONPATH=src python benchmarks/bench_group_metrics.py --sizes 100000 --skip-fairlearn

Times are wall-clock seconds (best of ``--repeat`` runs for fairscope, one run
for fairlearn); ``cpu s`` is fairscope's CPU time, which stays meaningful on a
machine shared with other jobs. fairscope's peak extra memory is measured two
ways and compared with the bytes of the input arrays: with tracemalloc (numpy
and pandas report their buffers to it) and, on Linux, as the growth of the
process's peak resident set size (``VmHWM``, reset through
``/proc/self/clear_refs``), which also sees Arrow's own allocations.

Two more tables, measured in the same process:

- **the floor**: fairscope's reduce (rows -> weighted confusion counts per
  intersectional group, :func:`fairscope.core._intersections.reduce_groups_confusion`)
  against the least numpy can do for the same counts: the features' codes
  (categorical codes as they are; ``pd.factorize`` for strings), one combined
  cell index per row and ``np.bincount`` of rows, weights and squared weights.
  Measured for categorical, Arrow-string and object columns (``--floor-kinds``),
  CPU time, best of ``--repeat``.
- **peers**: with ``--peers-python /tmp/peers/bin/python`` (or the environment
  variable ``FAIRSCOPE_PEERS_PYTHON``), Aequitas and AIF360 run on the same
  rows in that interpreter (see ``benchmarks/peers_group_metrics.py``; their
  pins conflict with ours, so they live in a separate environment).

The 1-minute load average is printed with every table; on a machine with more
than 0.5 runnable jobs per core, wall-clock times are inflated: read the CPU times.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

FAIRSCOPE_METRICS = [
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "precision",
    "accuracy",
]
RACES = np.array(["White", "Black", "Hispanic", "Asian", "Other"], dtype=object)


def make_data(n: int, seed: int = 0) -> dict:
    """Synthetic audit inputs of ``n`` rows with realistic pandas dtypes."""
    rng = np.random.default_rng(seed)
    race = pd.Series(RACES[rng.choice(5, size=n, p=[0.6, 0.15, 0.12, 0.08, 0.05])], name="race")
    sex = pd.Series(
        pd.Categorical.from_codes(rng.integers(0, 2, size=n), ["female", "male"]), name="sex"
    )
    y_true = (rng.random(n) < 0.3).astype(np.int8)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.7, 0.2)).astype(np.int8)
    weight = rng.uniform(0.5, 2.0, size=n)
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sensitive": pd.DataFrame({"sex": sex, "race": race}),
        "sample_weight": weight,
    }


def input_bytes(data: dict) -> int:
    """Bytes held by the input arrays (including Python string objects)."""
    return int(
        data["y_true"].nbytes
        + data["y_pred"].nbytes
        + data["sample_weight"].nbytes
        + data["sensitive"].memory_usage(deep=True, index=False).sum()
    )


def run_fairscope(data: dict):
    from fairscope import GroupMetrics

    gm = GroupMetrics(
        data["y_true"],
        data["y_pred"],
        data["sensitive"],
        metrics=FAIRSCOPE_METRICS,
        sample_weight=data["sample_weight"],
    )
    gm.difference()
    gm.ratio()
    return gm


def run_fairlearn(data: dict):
    import functools

    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
            "precision": functools.partial(precision_score, zero_division=np.nan),
            "accuracy": accuracy_score,
        },
        y_true=data["y_true"],
        y_pred=data["y_pred"],
        sensitive_features=data["sensitive"],
        sample_params={
            k: {"sample_weight": data["sample_weight"]}
            for k in [
                "selection_rate",
                "true_positive_rate",
                "false_positive_rate",
                "precision",
                "accuracy",
            ]
        },
    )
    mf.difference()
    mf.ratio()
    return mf


def best_time(func, data: dict, repeat: int) -> tuple[float, object]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = func(data)
        best = min(best, time.perf_counter() - start)
    return best, out


def cpu_time(func, data, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        func(data)
        best = min(best, time.process_time() - start)
    return best


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def rss_peak_growth(func, data: dict) -> int | None:
    """Growth of the peak resident set size during one call (Linux), else None."""
    try:
        gc.collect()
        base = _status_bytes("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        func(data)
        return max(_status_bytes("VmHWM") - base, 0)
    except (OSError, KeyError):
        return None


def peak_extra_memory(func, data: dict) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    func(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base


def load_note() -> str:
    """The 1-minute load average, flagged when the machine is loaded (> 0.5 per core)."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    flag = "LOADED machine: wall times inflated, read CPU" if load > 0.5 * cores else "idle"
    return f"load average {load:.2f} on {cores} cores ({flag})"


def with_kind(sensitive: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Both sensitive columns as ``categorical``, ``arrow`` (``string[pyarrow]``),
    ``str`` (pandas' default string dtype: Arrow-backed from pandas 3) or ``object`` columns."""
    if kind == "categorical":
        return sensitive.astype("category")
    if kind == "arrow":
        return sensitive.astype(str).astype("string[pyarrow]")
    if kind == "str":
        return sensitive.astype(str)
    # dtype=object explicitly: pandas 3 would infer its str dtype from an object array
    return pd.DataFrame(
        {
            c: pd.Series(sensitive[c].astype(str).to_numpy(dtype=object), dtype=object)
            for c in sensitive
        }
    )


def numpy_floor(y_true, y_pred, sensitive: pd.DataFrame, weight) -> np.ndarray:
    """The least work numpy does for the same counts: codes, one cell index, bincount."""
    codes, sizes = [], []
    for name in sensitive.columns:
        column = sensitive[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes.append(column.cat.codes.to_numpy())
            sizes.append(len(column.cat.categories))
        else:
            c, uniques = pd.factorize(column)
            codes.append(c)
            sizes.append(len(uniques))
    cell = codes[0].astype(np.intp)
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        cell *= size
        cell += c
    cell *= 4
    cell += 2 * y_true
    cell += y_pred
    n_cells = int(np.prod(sizes)) * 4
    rows = np.bincount(cell, minlength=n_cells)
    if weight is not None:
        np.bincount(cell, weights=weight, minlength=n_cells)
        np.bincount(cell, weights=weight * weight, minlength=n_cells)
    return rows


def floor_table(sizes: list[int], kinds: list[str], repeat: int) -> None:
    """fairscope's reduce against the numpy floor, per input kind, CPU seconds."""
    try:
        from fairscope.core._intersections import reduce_groups_confusion
    except ImportError:  # a version before the one-pass reduce
        print("\nreduce vs numpy floor: not available in this version of fairscope")
        return
    print(f"\nreduce vs numpy floor (CPU s, best of {repeat}, weighted); {load_note()}")
    header = f"{'rows':>11} {'columns':>12} {'floor s':>8} {'fairscope s':>12} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for n in sizes:
        data = make_data(n)
        y, p, w = data["y_true"], data["y_pred"], data["sample_weight"]
        for kind in kinds:
            sensitive = with_kind(data["sensitive"], kind)
            args = (y, p, sensitive, w)
            floor = cpu_time(lambda a: numpy_floor(*a), args, repeat)
            ours = cpu_time(lambda a: reduce_groups_confusion(*a), args, repeat)
            counts, _ = reduce_groups_confusion(y, p, sensitive, w)
            assert counts.rows.sum() == n
            print(f"{n:>11,} {kind:>12} {floor:8.4f} {ours:12.4f} {ours / floor:5.2f}x", flush=True)


def run_peers(python: str, data: dict, gm, repeat: int) -> dict:
    """Aequitas and AIF360 in their own interpreter; their selection rates checked against ours."""
    sensitive = data["sensitive"]
    sex = sensitive["sex"].astype(str).to_numpy()
    race = sensitive["race"].astype(str).to_numpy()
    sex_code, sex_names = pd.factorize(sex, sort=True)
    race_code, race_names = pd.factorize(race, sort=True)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.npz")
        np.savez(
            path,
            y_true=data["y_true"],
            y_pred=data["y_pred"],
            sample_weight=data["sample_weight"],
            group_name=np.char.add(np.char.add(sex.astype(str), ","), race.astype(str)),
            sex_code=sex_code,
            race_code=race_code,
            repeat=repeat,
        )
        script = str(Path(__file__).with_name("peers_group_metrics.py"))
        out = subprocess.run(
            [python, script, path], check=True, capture_output=True, text=True
        ).stdout
    peers = json.loads(out.strip().splitlines()[-1])
    by_group = gm.by_group["selection_rate"]
    y_pred = data["y_pred"].astype(float)
    for name, result in peers.items():
        if "error" in result:
            continue
        for label, rate in result["selection_rate"].items():
            if name == "aif360":
                s, r = (int(v) for v in label.split(","))
                key = (str(sex_names[s]), str(race_names[r]))
                assert np.isclose(rate, by_group.loc[key], rtol=1e-9), (name, key)
            else:  # unweighted: checked against the rows
                s, r = label.split(",")
                mask = (sex == s) & (race == r)
                assert np.isclose(rate, y_pred[mask].mean(), rtol=1e-9), (name, label)
    return peers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(float(x)) for x in s.split(",")],
        default=[100_000, 1_000_000, 10_000_000],
        help="comma-separated row counts (default 100000,1000000,10000000)",
    )
    parser.add_argument(
        "--fairlearn-max",
        type=int,
        default=1_000_000,
        help="largest size at which fairlearn also runs (default 1000000)",
    )
    parser.add_argument("--skip-fairlearn", action="store_true", help="time fairscope only")
    parser.add_argument("--repeat", type=int, default=3, help="fairscope repeats (best is kept)")
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("FAIRSCOPE_PEERS_PYTHON"),
        help="interpreter with aequitas and aif360 installed (default: $FAIRSCOPE_PEERS_PYTHON)",
    )
    parser.add_argument(
        "--peers-max", type=int, default=1_000_000, help="largest size the peers run at"
    )
    parser.add_argument(
        "--floor-kinds",
        default="categorical,arrow,str,object",
        help="column kinds of the floor table: categorical, arrow, str, object ('' to skip)",
    )
    args = parser.parse_args()

    run_fairscope(make_data(1000))  # import and warm up outside the timings
    header = (
        f"{'rows':>11} {'fairscope s':>12} {'cpu s':>7} {'fairlearn s':>12} {'speed-up':>9} "
        f"{'input MB':>9} {'traced MB':>10} {'RSS MB':>7} {'extra/input':>12}"
    )
    print(load_note())
    print(header)
    print("-" * len(header))
    peer_lines = []
    for n in args.sizes:
        data = make_data(n)
        fs_time, gm = best_time(run_fairscope, data, args.repeat)
        cpu = cpu_time(run_fairscope, data, args.repeat)
        rss = rss_peak_growth(run_fairscope, data)
        peak = peak_extra_memory(run_fairscope, data)
        size = input_bytes(data)
        worst = max(peak, rss or 0)
        fl = "-"
        ratio = "-"
        if not args.skip_fairlearn and n <= args.fairlearn_max:
            fl_time, mf = best_time(run_fairlearn, data, 1)
            np.testing.assert_allclose(
                gm.overall.to_numpy(), mf.overall.to_numpy(dtype=float), rtol=1e-9
            )
            fl = f"{fl_time:12.3f}"
            ratio = f"{fl_time / fs_time:8.0f}x"
        if args.peers_python and n <= args.peers_max:
            peers = run_peers(args.peers_python, data, gm, args.repeat)
            for name, result in peers.items():
                if "error" in result:
                    peer_lines.append(f"{n:>11,} {name:>9}: not run ({result['error']})")
                    continue
                peer_lines.append(
                    f"{n:>11,} {name:>9}: wall {result['wall']:.3f} s, cpu {result['cpu']:.3f} s "
                    f"= {result['cpu'] / cpu:.1f}x fairscope's CPU"
                    f"{'' if result['weighted'] else ' (no sample weights)'}"
                )
        rss_text = "-" if rss is None else f"{rss / 1e6:.1f}"
        print(
            f"{n:>11,} {fs_time:12.3f} {cpu:7.3f} {fl:>12} {ratio:>9} {size / 1e6:9.1f} "
            f"{peak / 1e6:10.1f} {rss_text:>7} {worst / size:12.2f}",
            flush=True,
        )
    if peer_lines:
        print(f"\npeers on the same rows, best of {args.repeat}; {load_note()}")
        print("\n".join(peer_lines))
    if args.floor_kinds:
        floor_table(args.sizes, args.floor_kinds.split(","), args.repeat)


if __name__ == "__main__":
    main()
