"""Check that a change leaves every table of ``audit_dataset`` bit-identical.

Speed work on the dataset audit must not change what it finds. This script runs
the audit on the benchmark data (and on a small frame with the awkward columns:
infinities, integers, datetimes, booleans, many categories, missing sensitive
values, weights and strata), saves every table, the metadata, the label counts
(``result.statistics``) and the input digests, and compares them with a saved
run (tables with ``check_exact=True``).

Run the code before the change with ``--save``, the code after with ``--compare``::

    git archive <commit> src benchmarks | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python benchmarks/dataset_tables_identical.py --save /tmp/ref
    PYTHONPATH=src python benchmarks/dataset_tables_identical.py --compare /tmp/ref

``--digests`` also compares the input digests (only meaningful when their
definition did not change between the two commits). ``--proxy-cv 3 --common-columns``
compares the audits with the proxy classifier across the change of its default estimate
(k-fold values are kept to the bit; the columns added since are listed).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import fairscope

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dataset import make_data

#: Metadata keys that differ between two runs of the same audit.
_VOLATILE = ("timestamp_utc", "fairscope", "platform", "python")


def awkward_frame(n_rows: int = 20_000, seed: int = 1) -> pd.DataFrame:
    """Columns that take every branch of the encoding and the reductions."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["f", "m", None], dtype=object), n_rows, p=[0.45, 0.5, 0.05])
    frame = pd.DataFrame({"sex": sex, "grp": rng.integers(0, 3, n_rows)})
    x = rng.normal(size=n_rows)
    x[rng.random(n_rows) < 0.05] = np.inf
    x[rng.random(n_rows) < 0.05] = np.nan
    frame["with_inf"] = x
    frame["ints"] = rng.integers(0, 50, n_rows)
    frame["few_values"] = rng.integers(0, 3, n_rows).astype(float)
    frame["constant"] = 2.5
    frame["all_missing"] = np.nan
    frame["float32"] = rng.normal(size=n_rows).astype(np.float32)
    frame["nullable"] = pd.array(rng.integers(0, 9, n_rows), dtype="Int64")
    frame.loc[rng.random(n_rows) < 0.1, "nullable"] = pd.NA
    frame["when"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(
        rng.integers(0, 1000, n_rows), unit="D"
    )
    frame.loc[rng.random(n_rows) < 0.02, "when"] = pd.NaT
    frame["flag"] = rng.random(n_rows) < 0.3
    frame["many"] = pd.Series([f"id{k}" for k in rng.integers(0, 900, n_rows)], dtype=object)
    frame["category"] = pd.Categorical(rng.choice(["a", "b", "c"], n_rows))
    frame["mixed"] = pd.Series(rng.choice(np.array([1, "1", 2.5], dtype=object), n_rows))
    frame["y"] = rng.integers(0, 2, n_rows).astype(float)
    frame.loc[rng.random(n_rows) < 0.03, "y"] = np.nan  # unlabelled rows
    frame["grade"] = rng.integers(0, 3, n_rows).astype(float)
    frame.loc[rng.random(n_rows) < 0.03, "grade"] = np.nan
    frame["w"] = rng.random(n_rows) * 3
    frame["stratum"] = rng.choice(["s1", "s2", "s3"], n_rows)
    return frame


def audits(proxy_cv: int | None = None) -> dict[str, fairscope.AuditResult]:
    """The audits compared, by name (``proxy_cv`` for those with the proxy classifier)."""
    out = {}
    cv = {} if proxy_cv is None else {"proxy_cv": proxy_cv}
    for rows in (200_000, 1_000_000):
        frame = make_data(rows)
        out[f"bench {rows:,} proxies=False"] = fairscope.audit_dataset(
            frame, target="y", sensitive_features=["sex", "race"], proxies=False, reweigh=True
        )
    out["bench 200,000 full"] = fairscope.audit_dataset(
        make_data(200_000), target="y", sensitive_features=["sex", "race"], reweigh=True, **cv
    )
    awkward = awkward_frame()
    out["awkward weighted"] = fairscope.audit_dataset(
        awkward, target="y", sensitive_features=["sex", "grp"], sample_weight="w",
        strata="stratum", proxies=False,
    )  # fmt: skip
    out["awkward proxies"] = fairscope.audit_dataset(
        awkward.drop(columns=["w", "stratum"]),
        target="y",
        sensitive_features="sex",
        reweigh=True,
        **cv,
    )
    out["awkward multiclass"] = fairscope.audit_dataset(
        awkward, target="grade", sensitive_features=["sex", "grp"], proxies=False, reweigh=True
    )
    out["awkward continuous"] = fairscope.audit_dataset(
        awkward, target="ints", sensitive_features="sex", sample_weight="w", proxies=False
    )
    return out


def snapshot(result: fairscope.AuditResult) -> dict:
    """Tables, metadata and digests of one audit."""
    reproducibility = {k: v for k, v in result.reproducibility.items() if k not in _VOLATILE}
    return {
        "tables": {name: table.copy() for name, table in result.tables.items()},
        "metadata": result.metadata,
        "reproducibility": reproducibility,
        "statistics": {name: stats.to_dict() for name, stats in result.statistics.items()},
    }


def compare(saved: dict, now: dict, digests: bool, common: bool = False) -> list[str]:
    """The differences between two snapshots (empty when identical).

    ``common``: compare the columns both runs have (columns added since are listed, not
    counted as differences).
    """
    problems = []
    for audit, before in saved.items():
        after = now[audit]
        if set(before["tables"]) != set(after["tables"]):
            problems.append(
                f"{audit}: tables {sorted(before['tables'])} != {sorted(after['tables'])}"
            )
        for name in sorted(set(before["tables"]) & set(after["tables"])):
            old, new = before["tables"][name], after["tables"][name]
            if common:
                added = [c for c in new.columns if c not in old.columns]
                if added:
                    print(f"{audit}: table {name}: columns added since: {added}")
                new = new[[c for c in new.columns if c in old.columns]]
            try:
                pd.testing.assert_frame_equal(old, new, check_exact=True)
            except AssertionError as error:
                problems.append(f"{audit}: table {name}: {error}")
        if before["metadata"] != after["metadata"]:
            problems.append(f"{audit}: metadata differ")
        if before["statistics"] != after["statistics"]:
            problems.append(f"{audit}: statistics differ")
        rep_before, rep_after = dict(before["reproducibility"]), dict(after["reproducibility"])
        if not digests:
            for rep in (rep_before, rep_after):
                rep.pop("inputs", None), rep.pop("inputs_sha256", None)
        if rep_before != rep_after:
            problems.append(f"{audit}: reproducibility differs")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="directory to save this run in")
    group.add_argument("--compare", type=Path, help="directory of a saved run")
    parser.add_argument("--digests", action="store_true", help="compare input digests too")
    parser.add_argument(
        "--proxy-cv", type=int, default=None, help="proxy_cv of the audits with the classifier"
    )
    parser.add_argument(
        "--common-columns", action="store_true", help="compare the columns both runs have"
    )
    args = parser.parse_args()
    now = {name: snapshot(result) for name, result in audits(args.proxy_cv).items()}
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "tables.pkl").write_bytes(pickle.dumps(now))
        print(f"saved {len(now)} audits to {args.save}")
        return
    saved = pickle.loads((args.compare / "tables.pkl").read_bytes())
    problems = compare(saved, now, args.digests, args.common_columns)
    for problem in problems:
        print(problem)
    n_tables = sum(len(s["tables"]) for s in saved.values())
    print(f"{len(saved)} audits, {n_tables} tables: " + ("IDENTICAL" if not problems else "DIFFER"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
