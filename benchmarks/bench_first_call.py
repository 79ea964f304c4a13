"""First call against warm call: what a fresh process pays for imports.

Audits the COMPAS data (ProPublica's two-year file, 7,214 rows: label
``two_year_recid``, prediction ``decile_score >= 5``, sex × race) with
``audit_predictions(..., policy="four-fifths")`` in a fresh Python process, twice.
The first call includes ``import fairscope`` and whatever the call imports on
its way; the second is the warm time. pandas is imported and the CSV read
before the clock starts (a user has their data loaded already). Target: the
first call at most 3× the warm call.

Run: ``PYTHONPATH=src FAIRSCOPE_DATA_DIR=/work/shared/data python benchmarks/bench_first_call.py``
(``--repeat R`` fresh processes, best and median reported).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HEAVY = [
    "scipy.stats",
    "scipy.special",
    "scipy.optimize",
    "sklearn",
    "statsmodels",
    "matplotlib",
    "jinja2",
    "yaml",
    "polars",
    "duckdb",
    "pyarrow",
]

CHILD = """
import json, sys, time
import pandas as pd
frame = pd.read_csv(sys.argv[1])
frame["high_risk"] = (frame["decile_score"] >= 5).astype(int)
args = dict(sensitive_features=["race", "sex"], data=frame, policy="four-fifths")
wall, cpu = time.perf_counter(), time.process_time()
import fairscope
first = fairscope.audit_predictions("two_year_recid", "high_risk", **args)
first_wall, first_cpu = time.perf_counter() - wall, time.process_time() - cpu
wall, cpu = time.perf_counter(), time.process_time()
warm = fairscope.audit_predictions("two_year_recid", "high_risk", **args)
warm_wall, warm_cpu = time.perf_counter() - wall, time.process_time() - cpu
assert first.to_dict()["findings"] == warm.to_dict()["findings"]
print(json.dumps({
    "first_wall": first_wall, "first_cpu": first_cpu,
    "warm_wall": warm_wall, "warm_cpu": warm_cpu,
    "loaded": [m for m in HEAVY if m in sys.modules],
}))
"""


def compas_csv() -> Path:
    """The COMPAS file under ``FAIRSCOPE_DATA_DIR`` (default /work/shared/data)."""
    root = Path(os.environ.get("FAIRSCOPE_DATA_DIR", "/work/shared/data"))
    return root / "compas" / "compas-scores-two-years.csv"


def one_fresh_process(csv: Path) -> dict:
    code = f"HEAVY = {HEAVY!r}\n{CHILD}"
    out = subprocess.run(
        [sys.executable, "-c", code, str(csv)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes")
    args = parser.parse_args()
    csv = compas_csv()
    if not csv.exists():
        sys.exit(f"COMPAS data not found at {csv}; set FAIRSCOPE_DATA_DIR.")
    load_before = os.getloadavg()[0]
    runs = [one_fresh_process(csv) for _ in range(args.repeat)]
    load_after = os.getloadavg()[0]
    print(
        f"load average (1 min) {load_before:.2f} before, {load_after:.2f} after, "
        f"{os.cpu_count()} cores{loaded_note(max(load_before, load_after))}"
    )
    for key in ("wall", "cpu"):
        first = [r[f"first_{key}"] for r in runs]
        warm = [r[f"warm_{key}"] for r in runs]
        print(
            f"{key:4s}: first call best {min(first):.3f} s, median {statistics.median(first):.3f} s;"
            f" warm best {min(warm):.3f} s, median {statistics.median(warm):.3f} s;"
            f" ratio of medians {statistics.median(first) / statistics.median(warm):.1f}x"
            " (target <= 3x)"
        )
    print("heavy modules loaded by the audit:", ", ".join(runs[-1]["loaded"]) or "none")


def loaded_note(load: float) -> str:
    """A warning when the figures were taken on a loaded machine (> 0.5 per core)."""
    if load > 0.5 * (os.cpu_count() or 1):
        return " -- LOADED machine: wall times are inflated, prefer the CPU times"
    return " (idle)"


if __name__ == "__main__":
    main()
