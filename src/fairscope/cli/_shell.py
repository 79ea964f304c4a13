"""What every ``fairscope`` command shares: exit codes, progress, flags, outputs.

A command reads its arguments, makes one public library call, then hands the
result to :func:`deliver`, which writes the requested files, prints the summary
and gives the exit code: 0 passed, 1 the policy (or baseline comparison)
failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from fairscope.engines import choose_engine, read_table

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FILE_FORMATS = ["csv", "tsv", "parquet", "jsonl"]
ENGINES = ["auto", "pandas", "duckdb", "spark"]
ENGINE_HELP = (
    "what reads the rows: auto (DuckDB for globs, folders and Parquet/CSV files over "
    "256 MiB, streamed out of core; else pandas), pandas, duckdb or spark"
)
#: Columns of the group table printed when an audit has no findings.
SHOWN_RATES = (
    "feature",
    "group",
    "n",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "accuracy",
)


class InputError(ValueError):
    """A problem with the command's inputs (exit code 2)."""


class Progress:
    """Progress lines on stderr, only when a person is watching (a terminal) or asked."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


def file_size(path: Path) -> str:
    """The size of a file for people (``"1.5 MB"``)."""
    size = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def read_file(
    path: Any,
    columns: Sequence[str] | None,
    fmt: str | None = None,
    *,
    required: Sequence[str] = (),
) -> Any:
    """:func:`fairscope.read_table` with its former positional order (``fairscope.cli.read_table``)."""
    return read_table(path, columns=columns, format=fmt, required=required)


def engine_for(args: argparse.Namespace) -> str:
    """The engine that reads ``args.path`` (``--engine``, or chosen from the file)."""
    try:
        return str(choose_engine(args.path, args.engine, args.format))
    except ValueError as exc:
        raise InputError(str(exc)) from None


def pos_label_for(value: str | None, values: Any) -> Any:
    """The ``--pos-label`` text converted to the type of the label column (default 1)."""
    if value is None:
        return 1
    if pd.api.types.is_bool_dtype(values):
        return value.lower() in ("1", "true", "yes")
    if pd.api.types.is_numeric_dtype(values):
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"--pos-label {value!r} is not a number, but the label column is numeric."
            ) from None
        return int(number) if number.is_integer() else number
    return value


def fail_on_statuses(values: Sequence[str] | None) -> tuple[str, ...]:
    """The statuses that fail the command: ``fail`` plus each ``--fail-on`` value."""
    statuses = ["fail"]
    for value in values or []:
        for part in value.split(","):
            part = part.strip().lower()
            if part not in ("fail", "warn", "inconclusive"):
                raise InputError(f"--fail-on {part!r} is unknown; use fail, warn or inconclusive.")
            if part not in statuses:
                statuses.append(part)
    return tuple(statuses)


# -- flags ----------------------------------------------------------------------------------


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


#: The HTML report's header block (``to_html(owner=..., model_name=...)``), as CLI flags.
HEADER_FLAGS = (
    ("--owner", "who owns the audited system"),
    ("--model-name", "name of the audited model"),
    ("--model-version", "version of the audited model"),
    ("--data-name", "name of the audited data"),
    ("--data-version", "version of the audited data"),
    ("--audit-date", "date of the audit (default: the day it ran)"),
)


def add_outputs(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    """The output flags: --json, --html (with --title, --suppress-below), --junit, --markdown."""
    group = parser.add_argument_group("outputs (written atomically)")
    if json_flag:
        group.add_argument("--json", metavar="F", help="save the audit as JSON (lossless)")
    group.add_argument("--html", metavar="F", help="write the HTML transparency report")
    group.add_argument("--title", metavar="TEXT", help="title of the HTML report")
    for flag, what in HEADER_FLAGS:
        group.add_argument(flag, metavar="TEXT", help=f"{what}, shown in the HTML report's header")
    group.add_argument(
        "--suppress-below",
        type=non_negative_int,
        metavar="K",
        help="in the HTML report, hide every value of a group with fewer than K rows (privacy)",
    )
    group.add_argument("--junit", metavar="F", help="write JUnit XML (one testcase per finding)")
    group.add_argument("--markdown", metavar="F", help="write Markdown for a PR comment")


def add_reading(parser: argparse.ArgumentParser) -> None:
    """The flags saying how the input file is read: --format and --engine."""
    parser.add_argument("--format", choices=FILE_FORMATS)
    parser.add_argument("--engine", choices=ENGINES, default="auto", help=ENGINE_HELP)


# -- outputs --------------------------------------------------------------------------------


def html_available() -> bool:
    """Whether this installation has the HTML report module."""
    return importlib.util.find_spec("fairscope.report") is not None


def write_outputs(result: Any, args: argparse.Namespace, progress: Progress) -> list[str]:
    """Write every output file asked for; returns ``"kind: path"`` lines."""
    written = []
    for flag, write in (
        ("json", lambda p: result.to_json(p)),
        ("junit", lambda p: result.to_junit(p)),
        ("markdown", lambda p: result.to_markdown(p)),
        ("html", lambda p: _write_html(result, p, args)),
    ):
        path = getattr(args, flag, None)
        if path:
            progress(f"writing {flag} to {path}")
            try:
                write(path)
            except FileNotFoundError as exc:
                raise InputError(f"--{flag} {path}: {exc}") from None
            written.append(f"{flag}: {path}")
    return written


def _write_html(result: Any, path: str, args: argparse.Namespace) -> None:
    if not html_available():
        raise InputError(
            "--html needs the HTML report module fairscope.report, which this installation "
            "does not have; use --json/--markdown, or upgrade fairscope."
        )
    options = {}
    if getattr(args, "title", None):
        options["title"] = args.title
    if getattr(args, "suppress_below", None) is not None:
        options["suppress_below"] = args.suppress_below
    for flag, _ in HEADER_FLAGS:
        name = flag[2:].replace("-", "_")
        if getattr(args, name, None):
            options[name] = getattr(args, name)
    result.to_html(path, **options)


def print_result(result: Any, quiet: bool) -> None:
    """The summary of an audit on stdout, with the group rates when nothing was judged."""
    if quiet:
        return
    print(result.summary(limit=25))
    if not result.findings and "group_metrics" in result.tables:
        table = result.tables["group_metrics"]
        keep = [c for c in SHOWN_RATES if c in table]
        print()
        print(table[keep].to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def exit_code(result: Any) -> int:
    """0 when passed or not judged, 1 when the policy failed."""
    if result.policy is None and not result.findings:
        return EXIT_OK
    return EXIT_OK if result.passed else EXIT_FAILED


def deliver(result: Any, args: argparse.Namespace, progress: Progress) -> int:
    """Write the output files, then print the findings and what was written; the exit code.

    Files come first so that a closed stdout (``fairscope audit ... | head``)
    cannot cost the user the JSON, JUnit or HTML they asked for.
    """
    written = write_outputs(result, args, progress)
    print_result(result, args.quiet)
    if not args.quiet:
        for line in written:
            print(f"wrote {line}")
    return exit_code(result)
