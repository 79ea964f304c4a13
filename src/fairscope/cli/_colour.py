"""Colour for the command's summary: on a terminal only, never with ``NO_COLOR`` set.

Statuses and the verdict are coloured (red FAIL/ERROR/FAILED, yellow WARN,
green PASS/PASSED, dim SKIPPED); piped output, CI logs and ``NO_COLOR=1``
(https://no-color.org) stay plain. Labels in the summary were made
terminal-safe first, so the only escape sequences are these.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

_CODES = {
    "FAIL": "31",
    "ERROR": "31",
    "FAILED": "1;31",
    "WARN": "33",
    "INCONCLUSIVE": "35",
    "PASS": "32",
    "PASSED": "1;32",
    "SKIPPED": "2",
    "WAIVED": "36",
}
#: A status at the start of a table row, or the verdict word of the first line.
_ROW_STATUS = re.compile(r"^(FAIL|ERROR|WARN|INCONCLUSIVE|PASS|SKIPPED|WAIVED)\b")
_VERDICT = re.compile(r": (PASSED|FAILED)\b")


def use_colour(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream``: a terminal, and ``NO_COLOR`` unset or empty.

    Parameters
    ----------
    stream : file object
        Where the text is printed.

    Returns
    -------
    bool
        True only for an interactive terminal without ``NO_COLOR``.

    Examples
    --------
    >>> import io
    >>> use_colour(io.StringIO())
    False
    """
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def coloured(summary: str) -> str:
    """The summary with its verdict and statuses in colour (ANSI SGR codes).

    Parameters
    ----------
    summary : str
        Text of :meth:`fairscope.AuditResult.summary`.

    Returns
    -------
    str
        The same text with colour codes around the status words.

    Examples
    --------
    >>> coloured("audit: FAILED\\nFAIL  rule").splitlines()[1] == "\\x1b[31mFAIL\\x1b[0m  rule"
    True
    """
    lines = summary.split("\n")
    if lines:
        lines[0] = _VERDICT.sub(lambda m: f": {_paint(m.group(1))}", lines[0], count=1)
    for i in range(1, len(lines)):
        lines[i] = _ROW_STATUS.sub(lambda m: _paint(m.group(1)), lines[i], count=1)
    return "\n".join(lines)


def _paint(word: str) -> str:
    return f"\x1b[{_CODES[word]}m{word}\x1b[0m"
