"""The output files of a command: their flags, their checks before any work, their writing.

Every output location is checked before the audit runs (folder exists and is
writable, not an input, not another output); afterwards each output is
written on its own, so one that fails does not stop the others nor cost the
verdict.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from fairscope.core import check_destination, same_file


class InputError(ValueError):
    """A problem with the command's inputs (exit code 2)."""


#: Output flags, in the order their files are written.
OUTPUT_FLAGS = ("json", "junit", "markdown", "html")
_NO_HTML = (
    "--html needs the HTML report module fairscope.report, which this installation "
    "does not have; use --json/--markdown, or upgrade fairscope."
)
#: Arguments that name input files, which no output may overwrite.
INPUT_ARGS = {
    "path": "data file",
    "policy": "--policy",
    "audit": "saved audit",
    "base": "baseline audit",
    "new": "new audit",
}


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
    group = parser.add_argument_group(
        "outputs (each checked before the audit runs; files written atomically, devices and "
        "pipes such as /dev/stdout written into; a failed output keeps the verdict)"
    )
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


# -- writing --------------------------------------------------------------------------------


def html_available() -> bool:
    """Whether this installation has the HTML report module."""
    return importlib.util.find_spec("fairscope.report") is not None


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work is done, an output that cannot be written or would destroy a file.

    Each output's folder must exist and be writable; an output may not be one
    of the inputs (data file, policy, saved audit) nor another output.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of any command (flags it does not have are skipped).

    Raises
    ------
    InputError
        Naming the flag, the path and the fix.
    """
    outputs = [(f, getattr(args, f)) for f in OUTPUT_FLAGS if getattr(args, f, None)]
    inputs = [
        (label, str(getattr(args, name)))
        for name, label in INPUT_ARGS.items()
        if getattr(args, name, None) and Path(str(getattr(args, name))).exists()
    ]
    if getattr(args, "html", None) and not html_available():
        raise InputError(_NO_HTML)
    for index, (flag, path) in enumerate(outputs):
        try:
            check_destination(path)
        except OSError as exc:
            raise InputError(f"--{flag} {path}: {exc}") from None
        for label, source in inputs:
            if same_file(path, source):
                raise InputError(
                    f"--{flag} {path} is the {label} {source!r}; writing it would destroy "
                    "the input. Give another output path."
                )
        for other, other_path in outputs[:index]:
            if same_file(path, other_path):
                raise InputError(
                    f"--{flag} {path} and --{other} {other_path} are the same file; one "
                    "would overwrite the other. Give each output its own path."
                )


def write_outputs(result: Any, args: argparse.Namespace, progress: Any) -> list[str]:
    """Write every output file asked for; returns ``"kind: path"`` lines.

    Raises :class:`InputError` naming the flag of the first output that failed
    (after trying the others).
    """
    written, failed = write_each_output(result, args, progress)
    if failed:
        raise InputError(failed[0])
    return written


def write_each_output(
    result: Any, args: argparse.Namespace, progress: Any
) -> tuple[list[str], list[str]]:
    """Try every output file asked for, one failure not stopping the others.

    Returns ``"kind: path"`` lines of the files written and one message per
    output that failed, naming its flag.
    """
    written, failed = [], []
    for flag, write in (
        ("json", lambda p: result.to_json(p)),
        ("junit", lambda p: result.to_junit(p)),
        ("markdown", lambda p: result.to_markdown(p)),
        ("html", lambda p: _write_html(result, p, args)),
    ):
        path = getattr(args, flag, None)
        if not path:
            continue
        progress(f"writing {flag} to {path}")
        try:
            write(path)
        except InputError as exc:
            failed.append(str(exc))
        except (OSError, ValueError) as exc:
            failed.append(f"--{flag} {path}: {' '.join(str(exc).split())}")
        else:
            written.append(f"{flag}: {path}")
    return written, failed


def _write_html(result: Any, path: str, args: argparse.Namespace) -> None:
    if not html_available():
        raise InputError(_NO_HTML)
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
