"""Benchmark: audits of high-cardinality sensitive features (issue 15, "Scale").

Each case runs in its own Python process, so its peak resident memory (RSS) is
its own:

- ``policy``: a policy audit (``four-fifths``) of ``--groups`` groups
  (default 10,000; ``max_groups`` raised to allow them), timed in three parts:
  the audit without a policy, :func:`fairscope.apply_policy`, and ``to_json``;
- ``reject``: ``--big`` groups (default 100,000) with the default ``max_groups``:
  refused before any statistic is computed (time to the error, peak RSS);
- ``big``: the same ``--big`` groups audited with ``max_groups`` raised, without
  a policy (peak RSS; ``--skip-big`` leaves it out).

Targets (issue 15): the 10,000-group policy audit under 5 s; 100,000 groups
rejected or audited within 2 GB peak RSS. The machine's load average is
printed before and after: on a shared machine the times are upper bounds.

Usage::

    PYTHONPATH=src python benchmarks/bench_groups.py
    PYTHONPATH=src python benchmarks/bench_groups.py --groups 2000 4000 10000 --profile
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CASE = r"""
import json, resource, sys, time
import numpy as np
import fairscope

case, groups, rows_per_group, profile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
fairscope.audit_predictions([1, 0], [1, 0], sensitive_features=["a", "b"])  # imports outside the timing
rng = np.random.default_rng(0)
n = groups * rows_per_group
group = np.char.add("g", rng.integers(0, groups, n).astype(str))
y = rng.integers(0, 2, n)
p = (rng.random(n) < 0.4 + 0.2 * y).astype(int)
out = {"case": case, "groups": groups, "rows": n}
if profile:
    import cProfile, pstats, io
    profiler = cProfile.Profile(); profiler.enable()
start = time.perf_counter()
if case == "reject":
    try:
        fairscope.audit_predictions(y, p, sensitive_features={"user_id": group})
        out["outcome"] = "audited"
    except ValueError as exc:
        out["outcome"] = "rejected: " + str(exc)[:90]
    out["seconds"] = time.perf_counter() - start
else:
    result = fairscope.audit_predictions(y, p, sensitive_features={"g": group}, max_groups=groups)
    out["audit_s"] = time.perf_counter() - start
    out["rss_after_audit_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["n_groups"] = int(result.tables["group_metrics"]["group"].nunique())
    if case == "policy":
        t = time.perf_counter()
        judged = fairscope.apply_policy(result, "four-fifths")
        out["policy_s"] = time.perf_counter() - t
        out["findings"] = len(judged.findings)
        result = judged
    out["rss_before_json_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    out["json_mb"] = len(result.to_json()) / 1e6
    out["json_s"] = time.perf_counter() - t
    out["seconds"] = out["audit_s"] + out.get("policy_s", 0.0)
if profile:
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(18)
    out["profile"] = text.getvalue()
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_case(case: str, groups: int, rows_per_group: int, profile: bool) -> dict:
    """Run one case in a fresh interpreter; its JSON line of figures."""
    completed = subprocess.run(
        [sys.executable, "-c", CASE, case, str(groups), str(rows_per_group), str(int(profile))],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"case": case, "groups": groups, "error": completed.stderr.strip()[-500:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the cases and print one line each (and the profiles when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, nargs="+", default=[10_000])
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--rows-per-group", type=int, default=20)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}  cpus: {os.cpu_count()}")
    cases = [("policy", g) for g in args.groups] + [("reject", args.big)]
    if not args.skip_big:
        cases.append(("big", args.big))
    for case, groups in cases:
        out = run_case(case, groups, args.rows_per_group, args.profile)
        profile = out.pop("profile", None)
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}))
        if profile:
            print(profile)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
