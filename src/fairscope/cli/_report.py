"""``fairscope report AUDIT.json``: re-render a saved audit as HTML, Markdown or JUnit XML.

The renderers read only the saved :class:`~fairscope.AuditResult`, so a report
rebuilt from the JSON is the one the audit would have written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import fairscope
from fairscope.cli._shell import EXIT_OK, InputError, Progress, add_outputs, write_outputs


def add_parser(sub: Any) -> None:
    """The ``report`` subcommand and its flags."""
    report = sub.add_parser("report", help="re-render a saved audit (JSON) as HTML/Markdown/JUnit")
    report.add_argument("audit", help="audit JSON written by --json")
    add_outputs(report, json_flag=False)
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Write the requested renderings of the saved audit; exit code 0."""
    if not (args.html or args.markdown or args.junit):
        raise InputError("fairscope report needs an output: --html F, --markdown F or --junit F.")
    path = Path(args.audit)
    if not path.is_file():
        raise InputError(f"audit file {str(path)!r} does not exist.")
    result = fairscope.AuditResult.from_json(path)
    args.json = None
    for line in write_outputs(result, args, progress):
        print(f"wrote {line}")
    return EXIT_OK
