"""What every ``fairscope`` command shares: exit codes, progress, flags, outputs.

A command reads its arguments, makes one public library call, then hands the
result to :func:`deliver`, which writes the requested files, prints the summary
and gives the exit code: 0 passed, 1 the policy (or baseline comparison)
failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from fairscope.cli._colour import coloured, use_colour
from fairscope.cli._outputs import InputError as InputError
from fairscope.cli._outputs import add_outputs as add_outputs
from fairscope.cli._outputs import check_outputs as check_outputs
from fairscope.cli._outputs import html_available as html_available
from fairscope.cli._outputs import non_negative_int as non_negative_int
from fairscope.cli._outputs import write_each_output
from fairscope.cli._outputs import write_outputs as write_outputs
from fairscope.core import terminal_safe
from fairscope.engines import choose_engine, read_table

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FILE_FORMATS = ["csv", "tsv", "parquet", "jsonl"]
ENGINES = ["auto", "pandas", "duckdb", "spark"]
ENGINE_HELP = (
    "what reads the rows: auto (DuckDB for globs, folders and Parquet/CSV files over "
    "256 MiB, streamed out of core; else pandas), pandas, duckdb or spark"
)
#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
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


def pos_label_for(value: str | None, values: Any, flag: str = "--pos-label") -> Any:
    """The ``--pos-label`` (or ``flag``) text converted to the type of the label column.

    Without a value the label is 1; an error names ``flag``.
    """
    if value is None:
        return 1
    if pd.api.types.is_bool_dtype(values):
        return value.lower() in ("1", "true", "yes")
    if pd.api.types.is_numeric_dtype(values):
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"{flag} {value!r} is not a number, but the label column is numeric."
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


def add_reading(parser: argparse.ArgumentParser) -> None:
    """The flags saying how the input file is read: --format and --engine."""
    parser.add_argument(
        "--format", choices=FILE_FORMATS, help="file format (default: from the file's extension)"
    )
    parser.add_argument("--engine", choices=ENGINES, default="auto", help=ENGINE_HELP)


def print_result(result: Any, quiet: bool) -> None:
    """The summary of an audit on stdout, with the group rates when nothing was judged."""
    if quiet:
        return
    summary = result.summary(limit=25)
    print(coloured(summary) if use_colour(sys.stdout) else summary)
    if not result.findings and "group_metrics" in result.tables:
        table = result.tables["group_metrics"]
        keep = [c for c in SHOWN_RATES if c in table]
        shown = table[keep].copy()
        for column in ("feature", "group"):  # labels from the data: no escape sequences
            if column in shown:
                shown[column] = shown[column].map(terminal_safe)
        print()
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def exit_code(result: Any) -> int:
    """0 when passed or not judged, 1 when the policy failed."""
    if result.policy is None and not result.findings:
        return EXIT_OK
    return EXIT_OK if result.passed else EXIT_FAILED


def deliver(result: Any, args: argparse.Namespace, progress: Progress) -> int:
    """Write the output files, then print the findings and what was written; the exit code.

    Files come first so that a closed stdout (``fairscope audit ... | head``)
    cannot cost the user the JSON, JUnit or HTML they asked for. An output that
    fails (disk full, a device refusing the write) does not cost the verdict:
    the summary is still printed, each failed output is named by its flag on
    stderr, and a failed audit still exits 1. A passing audit whose output
    could not be written exits 2, so that a pipeline does not go on without
    the report it asked for.
    """
    written, failed = write_each_output(result, args, progress)
    print_result(result, args.quiet)
    if not args.quiet:
        for line in written:
            print(f"wrote {line}")
    for message in failed:
        print(f"fairscope: error: {message} (not written)", file=sys.stderr)
    code = exit_code(result)
    return EXIT_USAGE if failed and code == 0 else code
