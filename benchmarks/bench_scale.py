"""Scale benchmark: audit a Parquet data set larger than memory-friendly sizes through DuckDB.

Writes a synthetic prediction log (default 100M rows, written in chunks of
Parquet files into a temporary folder), then audits it in a fresh process
with ``fairscope.audit_predictions(data="<folder>/*.parquet", ...)``: DuckDB
scans the files out of core and only the per-group counts come back. Prints
rows per second, the audit process's CPU time and peak RSS (target: under
512 MiB at 50M and 100M rows, whatever the row count) and the load average
(figures taken with more than 0.5 runnable jobs per core are marked as taken
on a loaded machine: read the CPU times). Then compares in-memory polars with
pandas on the same rows.

Usage::

    PYTHONPATH=src python benchmarks/bench_scale.py              # 100M rows
    PYTHONPATH=src python benchmarks/bench_scale.py --rows 20000000 --compare-rows 5000000
    # write once to a folder, then audit it again (a folder with Parquet files is reused)
    PYTHONPATH=src python benchmarks/bench_scale.py --dir /tmp/scale --compare-rows 0
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

RACES = np.array(["White", "Black", "Hispanic", "Asian", "Other"])
SEXES = np.array(["female", "male"])
AGES = np.array(["<25", "25-60", ">60"])


def make_chunk(n: int, rng: np.random.Generator):
    """One chunk of a prediction log: three sensitive features, labels, predictions, weights."""
    import pyarrow as pa

    race = rng.choice(len(RACES), n, p=[0.6, 0.13, 0.17, 0.06, 0.04]).astype(np.int8)
    sex = rng.integers(0, 2, n, dtype=np.int8)
    age = rng.choice(3, n, p=[0.2, 0.65, 0.15]).astype(np.int8)
    y = (rng.random(n) < 0.45 + 0.05 * (race == 0)).astype(np.int8)
    flip = rng.random(n) < 0.2 + 0.05 * sex
    pred = np.where(flip, 1 - y, y).astype(np.int8)
    weight = rng.integers(1, 5, n).astype(np.float32)
    # a model score makes the files the size of real prediction logs (~8 bytes per row)
    score = np.clip(0.3 * pred + rng.random(n) * 0.7, 0, 1)

    def dictionary(codes, values):
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))

    return pa.table(
        {
            "race": dictionary(race, RACES),
            "sex": dictionary(sex, SEXES),
            "age_group": dictionary(age, AGES),
            "label": y,
            "prediction": pred,
            "weight": weight,
            "score": score,
        }
    )


def write_dataset(folder: str, rows: int, chunk: int, seed: int = 0) -> float:
    """Write ``rows`` rows as Parquet files of ``chunk`` rows; returns the size in bytes."""
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    written, part = 0, 0
    while written < rows:
        n = min(chunk, rows - written)
        pq.write_table(make_chunk(n, rng), os.path.join(folder, f"part-{part:05d}.parquet"))
        written += n
        part += 1
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))


def load_note() -> str:
    """The 1-minute load average, and whether the machine counts as loaded (> 0.5 per core)."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    state = "LOADED machine: wall times inflated" if load > 0.5 * cores else "idle machine"
    return f"load average {load:.2f} on {cores} cores ({state})"


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def audit_only(folder: str) -> None:
    """Run in a fresh process so the peak RSS is the audit's alone."""
    import fairscope
    from fairscope import audit_predictions
    from fairscope.engines import confusion_counts

    files = os.path.join(folder, "*.parquet")
    args = ("label", "prediction", ["race", "sex", "age_group"])
    load_before = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    reduced = confusion_counts(files, *args, sample_weight="weight")
    scan, scan_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    result = audit_predictions(
        args[0], args[1], sensitive_features=args[2], sample_weight="weight", data=files
    )
    audit, audit_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert result.metadata["n_rows"] == reduced.n_rows
    print(
        json.dumps(
            {
                "rows": reduced.n_rows,
                "scan_seconds": scan,
                "scan_cpu_seconds": scan_cpu,
                "audit_seconds": audit,
                "audit_cpu_seconds": audit_cpu,
                "load_before": load_before,
                "load_after": os.getloadavg()[0],
                "groups": reduced.counts.n_groups,
                "fairscope": fairscope.__version__,
                "peak_rss_mib": peak_rss_mib(),
            }
        )
    )


def compare_in_memory(rows: int) -> None:
    """GroupMetrics on the same rows held by pandas and by polars."""
    import polars as pl
    import pyarrow as pa

    from fairscope import GroupMetrics

    table = pa.concat_tables(
        [
            make_chunk(min(5_000_000, rows - i), np.random.default_rng(i))
            for i in range(0, rows, 5_000_000)
        ]
    )
    frames = {"pandas": table.to_pandas(), "polars": pl.from_arrow(table)}
    del table
    args = ("label", "prediction", ["race", "sex", "age_group"])
    print(load_note())
    timings = {}
    for name, frame in frames.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            gm = GroupMetrics(*args, sample_weight="weight", data=frame)
            best = min(best, time.perf_counter() - start)
        timings[name] = best
        print(
            f"in-memory {name:7s}: {rows:,} rows in {best:.2f} s = {rows / best / 1e6:.1f} M rows/s"
        )
    assert gm.statistics.n_groups > 0
    print(
        f"polars / pandas time ratio: {timings['polars'] / timings['pandas']:.2f} (<= 1: polars as fast or faster)"
    )


def audit_in_fresh_process(folder: str) -> dict:
    """Run :func:`audit_only` in a new interpreter (its peak RSS is the audit's alone)."""
    out = subprocess.run(
        [sys.executable, __file__, "--audit-only", folder],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(stats: dict) -> None:
    """Print the figures of one fresh-process audit, with the load average around it."""
    rows = stats["rows"]
    cores = os.cpu_count() or 1
    load = max(stats["load_before"], stats["load_after"])
    state = "LOADED machine: wall times inflated" if load > 0.5 * cores else "idle machine"
    print(
        f"load average {stats['load_before']:.2f} before, {stats['load_after']:.2f} after, "
        f"{cores} cores ({state})"
    )
    print(
        f"DuckDB reduce (one scan -> GroupCounts): {rows:,} rows, {stats['groups']} "
        f"intersectional groups, {stats['scan_seconds']:.1f} s wall, "
        f"{stats['scan_cpu_seconds']:.1f} s CPU = {rows / stats['scan_seconds'] / 1e6:.1f} M rows/s"
    )
    print(
        "full audit_predictions (task detection, scan, tables for 7 feature sets): "
        f"{stats['audit_seconds']:.1f} s wall, {stats['audit_cpu_seconds']:.1f} s CPU "
        f"= {rows / stats['audit_seconds'] / 1e6:.1f} M rows/s"
    )
    verdict = "under" if stats["peak_rss_mib"] < 512 else "OVER"
    print(f"peak RSS of the audit process: {stats['peak_rss_mib']:.0f} MiB ({verdict} 512 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--chunk", type=int, default=5_000_000, help="rows per Parquet file")
    parser.add_argument("--dir", help="folder for the data set (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the written data set")
    parser.add_argument(
        "--compare-rows",
        type=int,
        default=10_000_000,
        help="rows for the in-memory polars vs pandas comparison (0 to skip)",
    )
    parser.add_argument("--audit-only", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.audit_only:
        audit_only(args.audit_only)
        return

    folder = args.dir or tempfile.mkdtemp(prefix="fairscope-scale-")
    os.makedirs(folder, exist_ok=True)
    try:
        if not any(f.endswith(".parquet") for f in os.listdir(folder)):
            start = time.perf_counter()
            size = write_dataset(folder, args.rows, args.chunk)
            print(
                f"wrote {args.rows:,} rows ({size / 2**30:.2f} GiB Parquet) in "
                f"{time.perf_counter() - start:.0f} s to {folder}"
            )
        report(audit_in_fresh_process(folder))
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    if args.compare_rows:
        compare_in_memory(args.compare_rows)


if __name__ == "__main__":
    main()
