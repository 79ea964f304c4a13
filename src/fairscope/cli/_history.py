"""``fairscope history A1.json A2.json ...``: findings and disparities across saved audits.

One call of :func:`fairscope.history`: the audits are ordered by their
timestamps (or kept in the order of ``--label``), each finding and headline
disparity is followed across them with a test of each change, and the trend
report (``--html``) and the history (``--json``) are written. Exit code 0; with
``--fail-on-significant`` 1 when a change is significant (a CI gate on drift).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import fairscope
from fairscope.cli._shell import EXIT_FAILED, EXIT_OK, InputError, Progress


def add_parser(sub: Any) -> None:
    """The ``history`` subcommand and its flags."""
    command = sub.add_parser(
        "history",
        help="follow findings and disparities across saved audits (trend report)",
        description="Align saved audit JSON files (ordered by timestamp, or as labelled), test "
        "whether each disparity changed between consecutive audits, and write a trend report.",
    )
    command.add_argument("audits", nargs="+", help="audit JSON files (at least two)")
    command.add_argument(
        "--label",
        action="append",
        metavar="NAME",
        help="label of each audit, in the order given (repeat once per audit); keeps that order",
    )
    command.add_argument("--html", metavar="F", help="write the trend report (HTML)")
    command.add_argument("--json", metavar="F", help="write the history (JSON)")
    command.add_argument(
        "--alpha", type=float, default=0.05, help="level of the change tests (default 0.05)"
    )
    command.add_argument(
        "--fail-on-significant",
        action="store_true",
        help="exit 1 when a change between consecutive audits is significant",
    )
    command.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Print the history; write the outputs; exit code 0 (or 1, see --fail-on-significant)."""
    for name in args.audits:
        if not Path(name).is_file():
            raise InputError(f"audit file {name!r} does not exist.")
    if args.label is not None and len(args.label) != len(args.audits):
        raise InputError(
            f"give --label once per audit: {len(args.label)} labels for {len(args.audits)} files."
        )
    progress(f"reading {len(args.audits)} audits")
    trend = fairscope.history(args.audits, labels=args.label, alpha=args.alpha)
    # files first: a closed stdout must not cost the outputs
    if args.json:
        trend.to_json(args.json)
    if args.html:
        trend.to_html(args.html)
    print(trend.summary())
    for flag, path in (("json", args.json), ("html", args.html)):
        if path:
            print(f"wrote {flag}: {path}")
    if args.fail_on_significant and len(trend.significant_changes):
        return EXIT_FAILED
    return EXIT_OK
