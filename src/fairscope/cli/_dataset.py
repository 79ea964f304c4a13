"""``fairscope dataset FILE``: audit a training data set before any model is trained.

One call of :func:`fairscope.audit_dataset` on the file's columns, read by
pandas (:func:`fairscope.read_table`) or by DuckDB/Spark
(:func:`fairscope.engines.open_table`, then only the audited columns are collected).
"""

from __future__ import annotations

import argparse
from typing import Any

import fairscope
from fairscope.cli._audit_flags import with_min_group_size
from fairscope.cli._shell import (
    Progress,
    add_outputs,
    add_reading,
    deliver,
    engine_for,
    fail_on_statuses,
    pos_label_for,
)
from fairscope.engines import collect_columns, open_table, read_table


def add_parser(sub: Any) -> None:
    """The ``dataset`` subcommand and its flags."""
    dataset = sub.add_parser(
        "dataset", help="audit a training data set (representation, label bias, proxies)"
    )
    dataset.add_argument("path", help="CSV, TSV, Parquet or JSON Lines file of the data set")
    dataset.add_argument("--target", required=True, metavar="COL", help="label column")
    dataset.add_argument(
        "--sensitive",
        action="append",
        required=True,
        metavar="COL",
        help="sensitive feature column (repeat for several; intersections are audited too)",
    )
    dataset.add_argument(
        "--feature",
        action="append",
        metavar="COL",
        help="feature column to audit (default: all other columns)",
    )
    dataset.add_argument(
        "--pos-label", metavar="V", help="positive class of a binary target (default: 1 or True)"
    )
    dataset.add_argument(
        "--adverse",
        action="store_true",
        help="the positive label of the target is a harm (e.g. reoffended, defaulted): rate "
        "rules are judged on the favourable observed outcome, not being labelled positive",
    )
    dataset.add_argument(
        "--favorable-label",
        metavar="V",
        help="the label of the target that is good news for the person (the positive label, "
        "or the other one: then the positive label is adverse, as with --adverse)",
    )
    dataset.add_argument(
        "--reference",
        default="largest",
        help="reference group, or largest (default: the largest group with a known value)",
    )
    dataset.add_argument(
        "--min-group-size",
        type=int,
        metavar="N",
        help="groups smaller than N are marked small and not tested (default 30); also "
        "replaces the minimum group size of every policy rule, presets included",
    )
    dataset.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed of the proxy classifier's subsample and folds (default 0: the same data "
        "give the same audit)",
    )
    dataset.add_argument("--policy", metavar="FILE|PRESET", help="policy file or preset name")
    dataset.add_argument(
        "--fail-on",
        action="append",
        metavar="STATUS",
        help="also fail on warn and/or inconclusive findings (fail always fails)",
    )
    add_reading(dataset)
    dataset.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    dataset.add_argument("-v", "--verbose", action="store_true", help="show progress")
    add_outputs(dataset)
    dataset.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Audit the data set; exit code 0 passed, 1 the policy failed."""
    fail_on = fail_on_statuses(args.fail_on)
    policy = fairscope.load_policy(args.policy) if args.policy else None
    policy = with_min_group_size(policy, args.min_group_size)
    progress(f"reading {args.path}")
    # without --feature every column is audited (proxies, missingness, shift)
    columns = [args.target, *args.sensitive, *args.feature] if args.feature else None
    engine = engine_for(args)
    if engine == "pandas":
        required = [args.target, *args.sensitive]
        frame = read_table(args.path, columns=columns, format=args.format, required=required)
    else:  # the engine reads (only the needed columns); the dataset audit runs on them
        data = open_table(args.path, engine=engine)
        frame = collect_columns(data, columns or list(data.columns))
    progress(f"auditing {len(frame):,} rows")
    # without --pos-label the audit detects 0/1 and boolean targets itself
    pos_label = (
        None if args.pos_label is None else pos_label_for(args.pos_label, frame[args.target])
    )
    result = fairscope.audit_dataset(
        frame,
        target=args.target,
        sensitive_features=list(args.sensitive),
        features=list(args.feature) if args.feature else None,
        policy=policy,
        reference=args.reference,
        pos_label=pos_label,
        **_outcome_arguments(args, frame[args.target]),
        min_group_size=30 if args.min_group_size is None else args.min_group_size,
        random_state=args.random_state,
        fail_on=fail_on,
    )
    result.metadata["input_file"] = str(args.path)
    # the engine read the columns; the dataset audit itself ran on pandas
    result.metadata["engine"] = "pandas" if engine == "pandas" else f"{engine} -> pandas"
    return deliver(result, args, progress)


def _outcome_arguments(args: argparse.Namespace, labels: Any) -> dict[str, Any]:
    """``outcome=`` / ``favorable_label=`` of the audit, the label in the column's type."""
    out: dict[str, Any] = {}
    if args.adverse:
        out["outcome"] = "adverse"
    if args.favorable_label is not None:
        out["favorable_label"] = pos_label_for(args.favorable_label, labels, "--favorable-label")
    return out
