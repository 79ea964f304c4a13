"""Reading a saved audit: only JSON text, a dict or the path of an existing file, within bounds.

A saved audit may come from anywhere (a CI artifact, an e-mail), so
:meth:`AuditResult.from_json <fairscope.result._audit_result.AuditResult.from_json>`
reads it defensively: a string is JSON text only when it starts with ``{``,
otherwise it must name an existing file (an empty string is not the current
folder); nesting deeper than :data:`MAX_DEPTH` is refused before Python's
recursion limit is reached; tables are checked by
:func:`fairscope.result._codec.decode_table` (equal column lengths,
non-negative counts).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

#: Deepest nesting of objects and arrays a saved audit may have (real ones stay under 10).
MAX_DEPTH = 64


class AuditFileError(FileNotFoundError, ValueError):
    """``from_json`` was given a string that is neither JSON text nor an existing file."""


def read_audit_json(source: Any) -> dict[str, Any]:
    """The decoded JSON object of a saved audit (text, bytes, a dict or a path).

    Parameters
    ----------
    source : str, bytes, os.PathLike or dict
        JSON text (starting with ``{``), its UTF-8 bytes, the path of a file
        holding it, or the already decoded dict.

    Returns
    -------
    dict
        The audit's JSON object, nested at most :data:`MAX_DEPTH` deep.

    Raises
    ------
    AuditFileError
        A string that is neither JSON text nor an existing file (a
        ``FileNotFoundError`` and a ``ValueError``).
    ValueError
        Invalid JSON, not an object, or nested too deeply.

    Examples
    --------
    >>> read_audit_json('{"kind": "predictions"}')
    {'kind': 'predictions'}
    """
    if isinstance(source, Mapping):
        data: Any = dict(source)
        where = "the dict"
    else:
        text, where = _text_of(source)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"AuditResult.from_json: {where} is not valid JSON (line {exc.lineno}, column "
                f"{exc.colno}): {exc.msg}."
            ) from None
        except RecursionError:
            data = None
            _too_deep(where)
    if not isinstance(data, dict):
        raise ValueError(
            f"AuditResult.from_json: {where} holds a {type(data).__name__}, not an audit "
            "object; give a file written by AuditResult.to_json."
        )
    if _depth(data) > MAX_DEPTH:
        _too_deep(where)
    return data


def _text_of(source: Any) -> tuple[str, str]:
    if isinstance(source, bytes | bytearray):
        source = bytes(source).decode("utf-8")
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return source, "the JSON text"
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "AuditResult.from_json takes JSON text, bytes, a dict or a path; got "
            f"{type(source).__name__}."
        )
    path = os.fspath(source)
    if not path.strip() or not os.path.isfile(path):
        shown = path if len(path) <= 200 else path[:200] + "…"
        raise AuditFileError(
            f"AuditResult.from_json: {shown!r} is neither JSON text (which starts with '{{') "
            "nor an existing audit file."
        )
    with open(path, encoding="utf-8") as handle:
        return handle.read(), path


def _depth(data: Any) -> int:
    """Nesting depth, counted without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in value.values() if isinstance(v, dict | list)]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value if isinstance(v, dict | list)]
    return deepest


def _too_deep(where: str) -> None:
    raise ValueError(
        f"AuditResult.from_json: {where} nests objects or arrays more than {MAX_DEPTH} deep; "
        "a saved audit never does."
    )
