"""``fairscope metrics``: the metric registry with definitions, formulas and directions."""

from __future__ import annotations

import argparse
from typing import Any

from fairscope.cli._shell import EXIT_OK, Progress
from fairscope.metrics import metrics_table


def add_parser(sub: Any) -> None:
    """The ``metrics`` subcommand and its flags."""
    metrics = sub.add_parser("metrics", help="list the metric registry with definitions")
    metrics.add_argument("--json", action="store_true", help="print JSON")
    metrics.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Print every registered metric (as text, or JSON with ``--json``); exit code 0."""
    table = metrics_table()
    if args.json:
        print(table.reset_index().to_json(orient="records", indent=1))
        return EXIT_OK
    for name, row in table.iterrows():
        aliases = f" (aliases: {row['aliases']})" if row["aliases"] else ""
        print(f"{name}{aliases}")
        print(f"    {row['definition']}")
        print(f"    formula: {row['formula']}; favourable: {row['direction']}; task: {row['task']}")
    return EXIT_OK
