"""``fairscope ll144 FILE`` and ``fairscope ugesp FILE``: the tables regulated audits publish.

One call each of :func:`fairscope.audit_ll144` and :func:`fairscope.audit_ugesp`
on the rows of a file: no labels are needed, only who was selected (or the
tool's score) and the categories. The table is printed and the usual outputs
(``--json``, ``--html``, ``--markdown``) are written. Exit code 0: these
audits report numbers, they judge nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

import fairscope
from fairscope.cli._shell import EXIT_OK, Progress, add_outputs, write_outputs
from fairscope.engines import read_table

_LL144_COLUMNS = ("feature", "category", "n", "n_selected", "n_scored_above_median",
                  "selection_rate", "scoring_rate", "impact_ratio", "excluded")  # fmt: skip
_UGESP_COLUMNS = ("feature", "group", "n", "n_selected", "impact_ratio", "z", "shortfall",
                  "flip_flop_moves", "conclusion")  # fmt: skip


def add_parser(sub: Any) -> None:
    """The ``ll144`` and ``ugesp`` subcommands and their flags."""
    ll144 = sub.add_parser(
        "ll144",
        help="NYC Local Law 144 impact ratios of a hiring tool (selection or scoring rates)",
        description="Selection (or scoring) rate and impact ratio per sex, race/ethnicity and "
        "intersection category (EEO-1), unknown categories counted, categories under 2%% "
        "excludable with a justification. Not legal advice.",
    )
    ll144.add_argument("path", help="CSV, TSV, Parquet or JSON Lines file")
    ll144.add_argument("--selected", metavar="COL", help="1/0 column: selected by the tool")
    ll144.add_argument("--score", metavar="COL", help="the tool's score (scoring-rate table)")
    ll144.add_argument("--sex", default="sex", metavar="COL", help="sex column (default sex)")
    ll144.add_argument("--race", default="race", metavar="COL", help="race/ethnicity column")
    ll144.add_argument(
        "--as-is", action="store_true", help="report the categories as they are (not EEO-1)"
    )
    ll144.add_argument(
        "--keep-small", action="store_true", help="keep categories under 2%% in the ratios"
    )
    ll144.add_argument(
        "--exclusion-justification", metavar="TEXT", help="why small categories are excluded"
    )
    ll144.add_argument("--data-source", metavar="TEXT", help="where the data come from")
    ll144.add_argument(
        "--data-type", choices=("historical", "test"), default="historical",
        help="historical data of the tool's use, or test data (default historical)",
    )  # fmt: skip
    ll144.add_argument(
        "--distribution-date", metavar="DATE", help="date the tool was first distributed"
    )
    ll144.add_argument("--tool", metavar="NAME", help="name of the tool")
    _common(ll144, run_ll144)
    ugesp = sub.add_parser(
        "ugesp",
        help="EEOC Uniform Guidelines adverse impact: four fifths, significance, shortfall",
        description="Four-fifths ratio to the highest-rate group with the z statistic (two "
        "standard deviations), Fisher's exact test, the shortfall and the flip-flop check, "
        "and a combined conclusion per group. Not legal advice.",
    )
    ugesp.add_argument("path", help="CSV, TSV, Parquet or JSON Lines file")
    ugesp.add_argument("--selected", required=True, metavar="COL", help="1/0 column: selected")
    ugesp.add_argument(
        "--sensitive", action="append", required=True, metavar="COL",
        help="group column (repeat for several; their intersection is compared too)",
    )  # fmt: skip
    _common(ugesp, run_ugesp)


def _common(parser: argparse.ArgumentParser, handler: Any) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress")
    add_outputs(parser)
    parser.set_defaults(handler=handler)


def run_ll144(args: argparse.Namespace, progress: Progress) -> int:
    """Compute and print the LL144 tables; write the outputs; exit code 0."""
    columns = [c for c in (args.selected, args.score, args.sex, args.race) if c]
    progress(f"reading {args.path}")
    frame = read_table(args.path, columns=columns)
    result = fairscope.audit_ll144(
        frame, selected=args.selected, score=args.score, sex=args.sex, race=args.race,
        categories=None if args.as_is else "eeo1", exclude_small=not args.keep_small,
        exclusion_justification=args.exclusion_justification, audit_date=args.audit_date,
        data_source=args.data_source or str(args.path), data_type=args.data_type,
        distribution_date=args.distribution_date, tool=args.tool,
    )  # fmt: skip
    tables = [
        result.tables[n]
        for n in ("ll144_impact_ratios", "ll144_scoring_rates")
        if n in result.tables
    ]
    return _deliver(result, tables, _LL144_COLUMNS, args, progress)


def run_ugesp(args: argparse.Namespace, progress: Progress) -> int:
    """Compute and print the UGESP table; write the outputs; exit code 0."""
    progress(f"reading {args.path}")
    frame = read_table(args.path, columns=[args.selected, *args.sensitive])
    result = fairscope.audit_ugesp(
        frame, selected=args.selected, sensitive_features=list(args.sensitive)
    )
    return _deliver(result, [result.tables["ugesp_adverse_impact"]], _UGESP_COLUMNS, args, progress)


def _deliver(
    result: Any,
    tables: list[pd.DataFrame],
    columns: tuple[str, ...],
    args: argparse.Namespace,
    progress: Progress,
) -> int:
    # files first: a closed stdout must not cost the outputs
    written = write_outputs(result, args, progress)
    if not args.quiet:
        for table in tables:
            shown = table[[c for c in columns if c in table.columns]]
            print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            print()
        for line in written:
            print(f"wrote {line}")
    return EXIT_OK
