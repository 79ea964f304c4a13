"""AuditResult to and from JSON (a versioned, lossless layout), and a plain-text summary.

The JSON layout is described by the JSON Schema shipped with the package
(``fairscope/schemas/audit-result.schema.json``, :func:`schema`). Tables keep
their column dtypes, floats keep every bit (NaN is ``null``, infinities are
``"Infinity"``/``"-Infinity"``), findings keep their status and waiver, and the
sufficient statistics are stored as counts, so an HTML report or a policy can
be recomputed from the saved file alone.

The work is done by :class:`~fairscope.result._audit_result.AuditResult`
(``to_dict``/``from_dict``/``to_json``/``from_json``), :mod:`fairscope.result._codec`
(the parts) and :mod:`fairscope.result._text` (the text); this module keeps the
functional spelling of each.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from fairscope.result._audit_result import SCHEMA_ID, SCHEMA_VERSION, AuditResult, PathArg
from fairscope.result._codec import (
    as_float,
    decode_finding,
    decode_statistics,
    decode_table,
    encode_finding,
    encode_statistics,
    encode_table,
    plain,
)
from fairscope.result._text import findings_table, summary, verdict


def schema() -> dict[str, Any]:
    """The JSON Schema of a serialized AuditResult.

    Returns
    -------
    dict
        The schema document.

    Examples
    --------
    >>> from fairscope.result._serialize import schema
    >>> schema()["properties"]["schema_version"]["const"]
    '1.0'
    """
    text = resources.files("fairscope").joinpath("schemas", "audit-result.schema.json")
    document: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return document


def to_dict(result: AuditResult) -> dict[str, Any]:
    """The result as JSON-compatible Python objects in the versioned layout.

    Parameters
    ----------
    result : AuditResult

    Returns
    -------
    dict

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0, 1, 0], [1, 0, 0, 0],
    ...                                      sensitive_features=["a", "a", "b", "b"])
    >>> d = result.to_dict()
    >>> d["schema_version"], d["kind"], sorted(d["statistics"])
    ('1.0', 'predictions', ['sensitive_feature'])
    """
    return result.to_dict()


def from_dict(data: dict[str, Any]) -> AuditResult:
    """Inverse of :func:`to_dict`.

    Parameters
    ----------
    data : dict
        A decoded JSON document.

    Returns
    -------
    AuditResult
    """
    return AuditResult.from_dict(data)


def to_json(result: AuditResult, path: PathArg | None = None, *, indent: int | None = 1) -> str:
    """Serialize ``result`` to JSON text; write it atomically to ``path`` when given.

    Parameters
    ----------
    result : AuditResult
    path : str or os.PathLike, optional
    indent : int or None, default 1

    Returns
    -------
    str
        The JSON text.
    """
    return result.to_json(path, indent=indent)


def from_json(source: str | bytes | PathArg) -> AuditResult:
    """Load a result saved by :func:`to_json` from a path or from the JSON text.

    Parameters
    ----------
    source : str, bytes or os.PathLike

    Returns
    -------
    AuditResult

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.result._serialize import from_json, to_json
    >>> result = fairscope.audit_predictions([1, 0, 1, 0], [1, 0, 0, 0],
    ...                                      sensitive_features=["a", "a", "b", "b"])
    >>> again = from_json(to_json(result))
    >>> again.tables["group_metrics"].equals(result.tables["group_metrics"])
    True
    """
    return AuditResult.from_json(source)


# The names these helpers had before the codec moved to _codec.py; tests and other
# modules import them from here.
_plain = plain
_float = as_float
_encode_statistics = encode_statistics
_decode_statistics = decode_statistics
_encode_finding = encode_finding
_decode_finding = decode_finding

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "decode_table",
    "encode_table",
    "findings_table",
    "from_dict",
    "from_json",
    "schema",
    "summary",
    "to_dict",
    "to_json",
    "verdict",
]
