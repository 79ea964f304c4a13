"""``fairscope audit FILE``: audit predictions stored in a file.

One call of :func:`fairscope.audit_predictions`, on the rows read by pandas
(:func:`fairscope.read_table`) or on the file opened by DuckDB or Spark
(:func:`fairscope.engines.open_table`, only per-group counts reach Python).
Both readers pass the same arguments, ``--task`` and ``--threshold`` included:
the library derives predictions from scores, and records that it did.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import fairscope
from fairscope.cli._audit_flags import (
    add_meaning_flags,
    outcome_arguments,
    reference_argument,
    with_min_group_size,
)
from fairscope.cli._shell import (
    InputError,
    Progress,
    add_outputs,
    add_reading,
    deliver,
    engine_for,
    fail_on_statuses,
    file_size,
    pos_label_for,
)
from fairscope.engines import distinct_values, open_table, read_table


def add_parser(sub: Any) -> None:
    """The ``audit`` subcommand and its flags."""
    audit = sub.add_parser(
        "audit",
        help="audit predictions in a CSV/Parquet/JSON Lines file",
        description="Audit predictions stored in a file (binary by default; multiclass and "
        "regression are detected from the labels, or set with --task).",
    )
    audit.add_argument("path", help="CSV, TSV, Parquet or JSON Lines file")
    audit.add_argument("--y-true", required=True, metavar="COL", help="true label column")
    audit.add_argument("--y-pred", metavar="COL", help="prediction column")
    audit.add_argument("--y-score", metavar="COL", help="score column (probability)")
    audit.add_argument(
        "--threshold", type=float, metavar="T", help="predict positive when score >= T"
    )
    audit.add_argument(
        "--sensitive",
        action="append",
        required=True,
        metavar="COL",
        help="sensitive feature column (repeat for several; intersections are audited too)",
    )
    audit.add_argument(
        "--task",
        choices=["binary", "multiclass", "regression"],
        help="type of prediction (default: detected from the labels)",
    )
    audit.add_argument("--sample-weight", metavar="COL", help="row weight column")
    audit.add_argument("--pos-label", metavar="V", help="positive label (default 1)")
    audit.add_argument("--policy", metavar="FILE|PRESET", help="policy file or preset name")
    audit.add_argument(
        "--fail-on",
        action="append",
        metavar="STATUS",
        help="also fail on warn and/or inconclusive findings (fail always fails)",
    )
    add_meaning_flags(audit)
    audit.add_argument(
        "--dropna",
        action="store_true",
        help="drop rows with a missing label, prediction or score (counted in the report)",
    )
    add_reading(audit)
    audit.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    audit.add_argument("-v", "--verbose", action="store_true", help="show progress")
    add_outputs(audit)
    audit.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Audit the file; exit code 0 passed, 1 the policy failed."""
    _check_prediction_flags(args)
    fail_on = fail_on_statuses(args.fail_on)
    # a bad policy fails before the data are read
    policy = fairscope.load_policy(args.policy) if args.policy else None
    policy = with_min_group_size(policy, args.min_group_size)
    engine = engine_for(args)
    if engine == "pandas":
        data, pos_label = _read_with_pandas(args, progress)
    else:
        progress(f"opening {args.path} with {engine}")
        data = open_table(args.path, engine=engine)
        pos_label = pos_label_for(args.pos_label, distinct_values(data, args.y_true))
    progress(f"auditing {args.path} over {', '.join(args.sensitive)}")
    result = fairscope.audit_predictions(
        args.y_true,
        args.y_pred,
        sensitive_features=list(args.sensitive),
        y_score=args.y_score,
        threshold=args.threshold,
        task=args.task,
        data=data,
        sample_weight=args.sample_weight,
        pos_label=pos_label,
        reference=reference_argument(args.reference, args.sensitive),
        min_group_size=30 if args.min_group_size is None else args.min_group_size,
        dropna=args.dropna,
        fail_on=fail_on,
        policy=policy,
        **outcome_arguments(args, pos_label),
    )
    result.metadata["input_file"] = str(args.path)
    if engine != "pandas":
        result.metadata["engine"] = engine
    progress("audit done")
    return deliver(result, args, progress)


def _check_prediction_flags(args: argparse.Namespace) -> None:
    if args.y_pred is None and (args.y_score is None or args.threshold is None):
        raise InputError(
            "give --y-pred COL, or --y-score COL with --threshold T to derive predictions."
        )
    if args.y_pred is not None and args.threshold is not None:
        raise InputError("--threshold derives predictions from --y-score; drop it or --y-pred.")
    if args.threshold is not None and not np.isfinite(args.threshold):
        raise InputError(f"--threshold must be a finite number; got {args.threshold}.")


def _read_with_pandas(args: argparse.Namespace, progress: Progress) -> tuple[Any, Any]:
    """The rows (scores checked) and the positive label in the label column's type."""
    path = Path(args.path)
    progress(f"reading {path} ({file_size(path) if path.exists() else '?'})")
    columns = [args.y_true, *args.sensitive]
    columns += [c for c in (args.y_pred, args.y_score, args.sample_weight) if c]
    frame = read_table(path, columns=columns, format=args.format)
    progress(f"read {len(frame):,} rows")
    if args.y_score is not None:
        _check_scores(frame[args.y_score], args)
    return frame, pos_label_for(args.pos_label, frame[args.y_true])


def _check_scores(score: Any, args: argparse.Namespace) -> None:
    """Scores must be numbers; missing ones are refused unless --dropna (then counted)."""
    if not pd.api.types.is_numeric_dtype(score) or pd.api.types.is_bool_dtype(score):
        raise InputError(f"--y-score column {args.y_score!r} must be numeric; got {score.dtype}.")
    missing = int(score.isna().sum())
    if missing and not args.dropna:
        raise InputError(
            f"--y-score column {args.y_score!r} has {missing:,} missing (NaN) values; fix the "
            "data or pass --dropna to drop those rows (the count is reported)."
        )
