"""``fairscope compare BASE.json NEW.json``: fail when a disparity got worse than in a baseline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import fairscope
from fairscope.cli._shell import EXIT_FAILED, EXIT_OK, InputError, Progress


def add_parser(sub: Any) -> None:
    """The ``compare`` subcommand and its flags."""
    compare = sub.add_parser(
        "compare", help="fail when a disparity got worse than in a baseline audit"
    )
    compare.add_argument("base", help="baseline audit JSON")
    compare.add_argument("new", help="new audit JSON")
    compare.add_argument(
        "--tolerance", type=float, default=0.0, metavar="X", help="allowed worsening (default 0)"
    )
    compare.add_argument(
        "--allow-missing",
        action="store_true",
        help="accept checks of the baseline that vanished or cannot be compared "
        "(default: they fail the comparison, listed)",
    )
    compare.add_argument(
        "--allow-policy-change",
        action="store_true",
        help="accept audits judged by different policies (default: a changed hash fails)",
    )
    compare.add_argument("--json", metavar="F", help="write the comparison table as JSON")
    compare.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Print the comparison; exit code 0 when nothing got worse and nothing vanished, else 1."""
    for name in (args.base, args.new):
        if not Path(name).is_file():
            raise InputError(f"audit file {name!r} does not exist.")
    comparison = fairscope.compare_baseline(
        args.base,
        args.new,
        tolerance=args.tolerance,
        allow_missing=args.allow_missing,
        allow_policy_change=args.allow_policy_change,
    )
    print(comparison.summary())
    if args.json:
        comparison.to_json(args.json)
        print(f"wrote json: {args.json}")
    return EXIT_OK if comparison.passed else EXIT_FAILED
