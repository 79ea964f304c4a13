"""The ``fairscope`` command: fairness audits as a CI gate.

A thin shell over the Python API: each command (one module each, ``_audit``,
``_dataset``, ``_report``, ``_compare``, ``_metrics``, ``_policies``, ``_demo``)
is one call a notebook user can make too. Exit codes: 0 passed, 1 the policy
(or baseline comparison) failed, 2 usage or input error (the verdict could not
be computed), 130 interrupted (Ctrl-C). Every output location is checked
before any work; an output that fails later is named by its flag on stderr
and the verdict (summary and exit code) is kept. Errors go to stderr
as one line naming the column, file or key; ``--debug`` shows the traceback.
Library warnings go to stderr as one ``fairscope: warning:`` line each.
Output files are written atomically.

Examples
--------
>>> from fairscope.cli._main import main
>>> main(["policies"])  # doctest: +ELLIPSIS
demographic-parity ...
0
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
import warnings
from collections.abc import Sequence

from fairscope import __version__
from fairscope.cli import (
    _audit,
    _compare,
    _dataset,
    _demo,
    _history,
    _metrics,
    _policies,
    _regulatory,
    _report,
)
from fairscope.cli._shell import EXIT_INTERRUPTED, EXIT_USAGE, Progress, check_outputs
from fairscope.cli._shell import read_file as read_table
from fairscope.core import terminal_safe

__all__ = [
    "build_parser",
    "main",
    "read_table",
]

#: The commands, in the order ``fairscope --help`` lists them.
COMMANDS = (
    _audit, _dataset, _report, _compare, _history, _regulatory, _metrics, _policies, _demo,
)  # fmt: skip

#: Library keywords whose hints should name the command-line flag instead.
_FLAG_OF = {
    "pos_label": "--pos-label",
    "task": "--task",
    "min_group_size": "--min-group-size",
    "reference": "--reference",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fairscope`` command.

    Returns
    -------
    argparse.ArgumentParser
        With one subcommand per module of :data:`COMMANDS`.

    Examples
    --------
    >>> build_parser().parse_args(["metrics", "--json"]).json
    True
    """
    parser = argparse.ArgumentParser(
        prog="fairscope",
        description="Audit AI systems for bias. Exit codes: 0 passed, 1 policy failed, "
        "2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"fairscope {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _cli_wording(message: str) -> str:
    """Library hints (``pass pos_label='yes'``, ``dropna=True``) in command-line terms."""
    message = message.replace("dropna=True", "--dropna")

    def flag(match: re.Match[str]) -> str:
        value = match.group(3) if match.group(3) is not None else match.group(4)
        return f"{_FLAG_OF[match.group(1)]} {value}".rstrip() if value else _FLAG_OF[match.group(1)]

    keys = "|".join(_FLAG_OF)
    return re.sub(rf"\b({keys})=('([^']*)'|([^\s,;)]*?))(?=[\s,;)]|\.(?:\s|$)|$)", flag, message)


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Library warnings as one ``fairscope: warning:`` line each (not Python's two-line form)."""
    seen: set[str] = set()
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning | PendingDeprecationWarning):
            continue
        message = terminal_safe(" ".join(str(warning.message).split()), limit=1000)
        if message not in seen:
            seen.add(message)
            print(f"fairscope: warning: {message}", file=sys.stderr)


def _print_error(exc: Exception, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    message = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError):
        message = f"missing key {message}"
    # one line, whatever the data put in the message (escape sequences, a 100 KB column name)
    message = terminal_safe(_cli_wording(" ".join(message.split())), limit=1000)
    print(f"fairscope: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fairscope`` command; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 passed (or nothing judged), 1 the policy or baseline comparison
        failed, 2 usage or input error, 130 interrupted.

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    fairscope ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else [str(a) for a in argv])
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    verbose = getattr(args, "verbose", False) or (
        sys.stderr.isatty() and not getattr(args, "quiet", False)
    )
    progress = Progress(bool(verbose) and os.environ.get("FAIRSCOPE_NO_PROGRESS") is None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                check_outputs(args)
                return int(args.handler(args, progress))
            finally:
                _print_warnings(caught)
    except KeyboardInterrupt:
        print("fairscope: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # one clear line; the traceback only on request
        _print_error(exc, args.debug)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
