"""AuditResult to and from JSON (a versioned, lossless layout), and a plain-text summary.

The JSON layout is described by the JSON Schema shipped with the package
(``fairscope/schemas/audit-result.schema.json``, :func:`schema`). Tables keep
their column dtypes, floats keep every bit (NaN is ``null``, infinities are
``"Infinity"``/``"-Infinity"``), findings keep their status and waiver, and the
sufficient statistics are stored as counts, so an HTML report or a policy can
be recomputed from the saved file alone.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fairscope.result._audit_result import SCHEMA_VERSION, SEVERITY, AuditResult, Finding

SCHEMA_ID = "https://fairscope.dev/schemas/audit-result-1.0.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of a serialized AuditResult.

    Examples
    --------
    >>> from fairscope.result._serialize import schema
    >>> schema()["properties"]["schema_version"]["const"]
    '1.0'
    """
    text = resources.files("fairscope").joinpath("schemas", "audit-result.schema.json")
    return json.loads(text.read_text(encoding="utf-8"))


# -- plain values ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
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
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, _dt.datetime | _dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _float(value: Any) -> float:
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
    out: dict[str, Any] = {"name": _plain(series.name), "dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        out["categories"] = [_plain(v) for v in dtype.categories]
        out["ordered"] = bool(dtype.ordered)
        values = series.astype(object).where(series.notna(), None)
        out["values"] = [_plain(v) for v in values]
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        out["values"] = [None if pd.isna(v) else v.isoformat() for v in series]
    elif dtype.kind in "fiub" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        out["values"] = [_plain(v) for v in series.to_numpy().tolist()]
    else:
        out["values"] = [None if _is_missing(v) else _plain(v) for v in series.tolist()]
    return out


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
        return pd.Series(np.array([_float(v) for v in values], dtype=dtype), name=name)
    if dtype.startswith(("int", "uint")) or dtype == "bool":
        return pd.Series(np.array(values, dtype=dtype), name=name)
    if dtype == "object":
        return pd.Series(values, name=name, dtype=object)
    if dtype in ("Float64", "Float32"):
        values = [None if v is None else _float(v) for v in values]
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


def decode_table(table: dict[str, Any]) -> pd.DataFrame:
    """Inverse of :func:`encode_table`."""
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


# -- statistics ------------------------------------------------------------------------------


def _encode_statistics(stats: Any) -> dict[str, Any]:
    from fairscope.core._counts import GroupCounts

    if isinstance(stats, GroupCounts):
        groups = stats.groups
        return {
            "type": "GroupCounts",
            "features": list(stats.features),
            "groups": [list(k) for k in groups]
            if isinstance(groups, pd.MultiIndex)
            else [str(k) for k in groups],
            "weighted": _plain(stats.weighted),
            "rows": _plain(stats.rows),
            "squared_weights": _plain(stats.squared_weights),
            "has_weights": bool(stats.has_weights),
        }
    to_dict = getattr(stats, "to_dict", None)
    if callable(to_dict) and type(stats).__module__.startswith("fairscope."):
        return {
            "type": f"{type(stats).__module__}:{type(stats).__qualname__}",
            "data": _plain(to_dict()),
        }
    raise TypeError(f"cannot serialize statistics of type {type(stats).__name__}")


def _decode_statistics(data: dict[str, Any]) -> Any:
    from fairscope.core._counts import GroupCounts

    kind = data["type"]
    if kind == "GroupCounts":
        features = tuple(data["features"])
        n_groups = len(data["groups"])
        if len(features) == 1:
            groups = pd.Index(data["groups"], name=features[0], dtype=object)
        else:
            groups = pd.MultiIndex.from_tuples(
                [tuple(g) for g in data["groups"]], names=list(features)
            )

        def array(key: str, dtype: str) -> np.ndarray:
            values = np.array([[_float(v) for v in row] for row in data[key]], dtype=float)
            return values.reshape(n_groups, 4).astype(dtype)

        return GroupCounts(
            features,
            groups,
            weighted=array("weighted", "float64"),
            rows=array("rows", "int64"),
            squared_weights=array("squared_weights", "float64"),
            has_weights=bool(data["has_weights"]),
        )
    module, _, qualname = kind.partition(":")
    if not module.startswith("fairscope."):
        raise ValueError(f"statistics type {kind!r} is not a fairscope type; refusing to load it.")
    import importlib

    cls = getattr(importlib.import_module(module), qualname)
    return cls.from_dict(data["data"])


# -- the result ------------------------------------------------------------------------------


def _encode_finding(finding: Finding) -> dict[str, Any]:
    return _plain(finding.to_dict())


def _decode_finding(data: dict[str, Any]) -> Finding:
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
            values[key] = _float(values.get(key))
        elif values.get(key) is not None:
            values[key] = _float(values[key])
    known = set(Finding.__dataclass_fields__)
    return Finding(**{k: v for k, v in values.items() if k in known})


def to_dict(result: AuditResult) -> dict[str, Any]:
    """The result as JSON-compatible Python objects in the versioned layout.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0, 1, 0], [1, 0, 0, 0],
    ...                                      sensitive_features=["a", "a", "b", "b"])
    >>> d = result.to_dict()
    >>> d["schema_version"], d["kind"], sorted(d["statistics"])
    ('1.0', 'predictions', ['sensitive_feature'])
    """
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "kind": result.kind,
        "task": result.task,
        "passed": result.passed,
        "fail_on": list(result.fail_on),
        "status_counts": result.status_counts,
        "findings": [_encode_finding(f) for f in result.findings],
        "tables": {name: encode_table(frame) for name, frame in result.tables.items()},
        "statistics": {
            label: _encode_statistics(stats) for label, stats in result.statistics.items()
        },
        "metadata": _plain(result.metadata),
        "reproducibility": _plain(result.reproducibility),
        "policy": _plain(result.policy),
    }


def from_dict(data: dict[str, Any]) -> AuditResult:
    """Inverse of :func:`to_dict`."""
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ValueError("not a fairscope audit: the JSON has no 'schema_version' key.")
    version = str(data["schema_version"])
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ValueError(
            f"audit JSON has schema_version {version!r}; this fairscope reads "
            f"{SCHEMA_VERSION.split('.')[0]}.x. Re-run the audit or upgrade fairscope."
        )
    return AuditResult(
        kind=data["kind"],
        task=data["task"],
        tables={name: decode_table(t) for name, t in data.get("tables", {}).items()},
        findings=[_decode_finding(f) for f in data.get("findings", [])],
        metadata=dict(data.get("metadata") or {}),
        reproducibility=dict(data.get("reproducibility") or {}),
        policy=data.get("policy"),
        fail_on=tuple(data.get("fail_on", ("fail",))),
        statistics={
            label: _decode_statistics(s) for label, s in (data.get("statistics") or {}).items()
        },
    )


def to_json(result: AuditResult, path: Any = None, *, indent: int | None = 1) -> str:
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
    text = json.dumps(to_dict(result), indent=indent, allow_nan=False, ensure_ascii=False)
    if path is not None:
        from fairscope.core._atomic import write_text

        write_text(path, text + "\n")
    return text


def from_json(source: Any) -> AuditResult:
    """Load a result saved by :func:`to_json` from a path or from the JSON text.

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
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text, where = source, "JSON text"
    else:
        path = Path(os.fspath(source))
        if not path.is_file():
            raise FileNotFoundError(f"audit file {str(path)!r} does not exist.")
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}."
        ) from None
    return from_dict(data)


# -- text ------------------------------------------------------------------------------------


def _interval(f: Finding) -> str:
    if f.lower is None or f.upper is None:
        return ""
    return f"[{f.lower:.3g}, {f.upper:.3g}]"


def _limit(f: Finding) -> str:
    if f.threshold is None:
        return ""
    return f"{'>=' if f.bound == 'min' else '<='} {f.threshold:g}"


def _value(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.3g}"


def verdict(result: AuditResult) -> str:
    """``"PASSED"``, ``"FAILED"``, or ``"NO POLICY"`` when there are no findings."""
    if not result.findings and not result.policy:
        return "NO POLICY"
    return "PASSED" if result.passed else "FAILED"


def findings_table(result: AuditResult, limit: int | None = None, width: int | None = None) -> str:
    """The findings as an aligned text table, worst first, fitted to ``width`` characters
    (default: the terminal's width, at least 100)."""
    if width is None:
        import shutil

        width = max(100, shutil.get_terminal_size((120, 24)).columns)
    findings = sorted(result.findings, key=lambda f: SEVERITY[f.status])
    if limit is not None:
        findings = findings[:limit]
    header = ("status", "rule", "feature", "group", "value", "interval", "limit", "n")
    rows = [
        (
            f.status.value,
            f.rule_id,
            f.feature,
            f.group,
            _value(f.value),
            _interval(f),
            _limit(f),
            "-" if f.n is None else f"{f.n:,}",
        )
        for f in findings
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    # long labels (intersections) are cut so a row fits a terminal: the feature set first
    # (it repeats on every row), then the group
    for column, floor in ((2, 10), (3, 16), (1, 12)):
        spare = width - sum(widths) - 2 * (len(widths) - 1)
        if spare < 0:
            widths[column] = max(floor, widths[column] + spare)
    lines = []
    for row in [header, *rows]:
        cells = [
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w) if i < 4 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def summary(result: AuditResult, limit: int = 10) -> str:
    """A few lines of plain text: verdict, counts per status, worst findings.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
    ...     sensitive_features=["a"] * 50 + ["b"] * 50, policy="four-fifths")
    >>> print(result.summary().splitlines()[0])
    fairscope predictions audit (binary): FAILED under policy four-fifths 1.0
    """
    meta = result.metadata
    head = f"fairscope {result.kind} audit ({result.task}): {verdict(result)}"
    if result.policy:
        head += f" under policy {result.policy.get('name')} {result.policy.get('version', '')}"
    lines = [head.rstrip()]
    if "n_rows" in meta:
        dropped = meta.get("n_dropped", 0)
        lines.append(
            f"{meta['n_rows']:,} rows ({dropped:,} dropped); sensitive features: "
            f"{', '.join(meta.get('sensitive_features', []))}"
        )
    if result.findings:
        counts = ", ".join(f"{n} {s}" for s, n in result.status_counts.items() if n)
        lines.append(f"findings: {counts}; fail on: {', '.join(result.fail_on)}")
        lines.append("")
        lines.append(findings_table(result, limit=limit))
        if len(result.findings) > limit:
            lines.append(f"... and {len(result.findings) - limit} more findings")
    elif result.policy:
        lines.append("the policy produced no findings")
    else:
        lines.append("no policy given: no verdicts (pass policy=, e.g. 'four-fifths')")
    expired = meta.get("expired_waivers") or []
    for w in expired:
        lines.append(
            f"expired waiver: rule {w['rule']} group {w['group']} (owner {w['owner']}, "
            f"expired {w['expires']})"
        )
    return "\n".join(lines)


__all__ = [
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
