"""The JSON codec of an AuditResult's parts: plain values, tables, statistics, findings.

Floats keep every bit (NaN is ``null``, infinities are ``"Infinity"`` and
``"-Infinity"``), tables keep their column dtypes and index, and sufficient
statistics are stored as counts. This module knows the parts, not the
:class:`~fairscope.result._audit_result.AuditResult` that holds them, so the
result class can use it without an import cycle.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import math
import os
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._counts import GroupCounts
from fairscope.core._findings import Finding

# -- plain values ----------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """JSON-compatible Python objects; NaN becomes None and infinities strings."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, _dt.datetime | _dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def as_float(value: Any) -> float:
    """Inverse of :func:`plain` for one number (``None`` is NaN)."""
    if value is None:
        return math.nan
    if value == "Infinity":
        return math.inf
    if value == "-Infinity":
        return -math.inf
    return float(value)


# -- tables ----------------------------------------------------------------------------------


def _default_index(frame: pd.DataFrame) -> bool:
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _encode_column(series: pd.Series) -> dict[str, Any]:
    dtype = series.dtype
    out: dict[str, Any] = {"name": plain(series.name), "dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        out["categories"] = [plain(v) for v in dtype.categories]
        out["ordered"] = bool(dtype.ordered)
        values = series.astype(object).where(series.notna(), None)
        out["values"] = [plain(v) for v in values]
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        out["values"] = [None if pd.isna(v) else v.isoformat() for v in series]
    elif dtype.kind in "iub" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        out["values"] = series.to_numpy().tolist()  # Python ints and bools already
    elif dtype.kind == "f" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        out["values"] = _plain_floats(series.to_numpy())
    else:
        # one isna pass for the column, then plain() only for what is not already text
        missing = series.isna().to_numpy()
        out["values"] = [
            None if gone else (v if type(v) is str else plain(v))
            for v, gone in zip(series.tolist(), missing, strict=True)
        ]
    return out


def _plain_floats(values: np.ndarray) -> list[Any]:
    """:func:`plain` of a float array, vectorized (tables of many groups have millions)."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    out[values == np.inf] = "Infinity"
    out[values == -np.inf] = "-Infinity"
    result: list[Any] = out.tolist()
    return result


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def _decode_column(column: dict[str, Any]) -> pd.Series:
    dtype, values, name = column["dtype"], column["values"], column["name"]
    if dtype == "category":
        cat = pd.CategoricalDtype(column.get("categories", []), ordered=column.get("ordered"))
        return pd.Series(values, name=name, dtype=object).astype(cat)
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(values, format="ISO8601"), name=name).astype(dtype)
    if dtype.startswith(("float", "complex")):
        return pd.Series(np.array([as_float(v) for v in values], dtype=dtype), name=name)
    if dtype.startswith(("int", "uint")) or dtype == "bool":
        return pd.Series(np.array(values, dtype=dtype), name=name)
    if dtype == "object":
        return pd.Series(values, name=name, dtype=object)
    if dtype in ("Float64", "Float32"):
        values = [None if v is None else as_float(v) for v in values]
    return pd.Series(values, name=name, dtype=object).astype(dtype)


def encode_table(frame: pd.DataFrame) -> dict[str, Any]:
    """One DataFrame as a column-oriented JSON object that keeps dtypes."""
    index: list[Any] | None = None
    if not _default_index(frame):
        names = [
            n if n is not None else ("index" if frame.index.nlevels == 1 else f"level_{i}")
            for i, n in enumerate(frame.index.names)
        ]
        frame = frame.rename_axis(names).reset_index()
        index = names
    return {
        "n_rows": len(frame),
        "index": index,
        "columns": [_encode_column(frame.iloc[:, j]) for j in range(frame.shape[1])],
    }


#: Columns that hold counts of rows: never negative in a real audit.
COUNT_COLUMNS = frozenset({"n", "tp", "fp", "fn", "tn", "count", "n_positive", "n_negative"})


def decode_table(table: dict[str, Any], name: str = "table") -> pd.DataFrame:
    """Inverse of :func:`encode_table`; a tampered table (columns of different lengths,
    negative counts) is refused with a ``ValueError`` naming ``name`` and the column."""
    _check_table(table, name)
    columns = [_decode_column(c) for c in table["columns"]]
    if columns:
        frame = pd.concat(columns, axis=1)
        frame.columns = [c["name"] for c in table["columns"]]
    else:
        frame = pd.DataFrame(index=pd.RangeIndex(table.get("n_rows", 0)))
    if table.get("index"):
        frame = frame.set_index(table["index"])
        if frame.index.nlevels == 1 and frame.index.name == "index":
            frame.index.name = None
    return frame


def _check_table(table: Any, name: str) -> None:
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list):
        raise ValueError(f"saved table {name!r} is not an encoded table (no 'columns' list).")
    lengths = {len(c.get("values") or []) for c in table["columns"] if isinstance(c, dict)}
    expected = table.get("n_rows")
    if len(lengths) > 1 or (lengths and expected is not None and lengths != {expected}):
        raise ValueError(
            f"saved table {name!r} has columns of different lengths ({sorted(lengths)}, "
            f"n_rows {expected}); the file was truncated or edited."
        )
    for column in table["columns"]:
        if column.get("name") in COUNT_COLUMNS:
            values = column.get("values") or []
            if any(isinstance(v, int | float) and v < 0 for v in values):
                raise ValueError(
                    f"saved table {name!r} has a negative count in column "
                    f"{column['name']!r}; the file was edited."
                )


# -- statistics ------------------------------------------------------------------------------


def encode_statistics(stats: Any) -> dict[str, Any]:
    """Sufficient statistics as counts, written by the type's own ``to_dict``.

    A :class:`GroupCounts` keeps the flat layout saved audits have always used
    (``{"type": "GroupCounts", "features": ..., ...}``); every other fairscope
    statistics type is stored as ``{"type": "module:qualname", "data": ...}``.
    """
    to_dict = getattr(stats, "to_dict", None)
    if not callable(to_dict) or not type(stats).__module__.startswith("fairscope."):
        raise TypeError(f"cannot serialize statistics of type {type(stats).__name__}")
    if isinstance(stats, GroupCounts):
        return {"type": "GroupCounts", **plain(to_dict())}
    return {
        "type": f"{type(stats).__module__}:{type(stats).__qualname__}",
        "data": plain(to_dict()),
    }


def decode_statistics(data: dict[str, Any]) -> Any:
    """Inverse of :func:`encode_statistics`; only fairscope types are loaded."""
    kind = data["type"]
    if kind == "GroupCounts":
        return GroupCounts.from_dict(data)
    module, _, qualname = kind.partition(":")
    if not module.startswith("fairscope."):
        raise ValueError(f"statistics type {kind!r} is not a fairscope type; refusing to load it.")
    cls = getattr(importlib.import_module(module), qualname)
    return cls.from_dict(data["data"])


# -- findings ----------------------------------------------------------------------------


def encode_finding(finding: Finding) -> dict[str, Any]:
    """One finding as JSON-compatible objects."""
    encoded: dict[str, Any] = plain(finding.to_dict())
    return encoded


def decode_finding(data: dict[str, Any]) -> Finding:
    """Inverse of :func:`encode_finding`; fields a newer fairscope added are ignored."""
    values = dict(data)
    for key in (
        "value",
        "lower",
        "upper",
        "threshold",
        "warn_threshold",
        "group_value",
        "reference_value",
        "p_value",
        "p_value_adjusted",
    ):
        if key == "value":
            values[key] = as_float(values.get(key))
        elif values.get(key) is not None:
            values[key] = as_float(values[key])
    known = set(Finding.__dataclass_fields__)
    return Finding(**{k: v for k, v in values.items() if k in known})


__all__ = [
    "as_float",
    "decode_finding",
    "decode_statistics",
    "decode_table",
    "encode_finding",
    "encode_statistics",
    "encode_table",
    "plain",
]
