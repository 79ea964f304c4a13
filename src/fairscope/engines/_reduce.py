"""The reduce step pushed into the engine: one group-by, a small table back to Python.

Each reduction selects the key columns (sensitive features and, for a binary
audit, the raw labels and predictions) plus a few derived numeric columns, groups
by the keys and sums. The engine (polars, pyarrow, DuckDB, Spark, pandas) does
that work where the data lives; what returns is one row per distinct key
combination. Group labels and their order are then produced by
:func:`fairscope.core._groups.encode_groups` on that small table, the very code of the
pandas path, so labels (including ``"<missing>"``) and order are identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import EncodedGroups, encode_groups
from fairscope.core._sensitive_checks import check_sensitive_frame
from fairscope.engines._sources import column_names, engine_name, to_narwhals

#: Column of the reduced table holding row counts.
ROWS = "__rows"


def _key(i: int) -> str:
    return f"__key{i}"


def sensitive_names(sensitive_features: Any, data: Any) -> list[str]:
    """Sensitive feature column names; engines need names, not arrays."""
    sf = sensitive_features
    if sf is None:
        raise ValueError(
            "sensitive_features is required: a column name of data=, or a list of column names."
        )
    names = [sf] if isinstance(sf, str) else sf
    if not (
        isinstance(names, Sequence) and len(names) > 0 and all(isinstance(s, str) for s in names)
    ):
        raise ValueError(
            f"with data= a {type(data).__name__}, sensitive_features must be a column name or a "
            f"list of column names; got {type(sf).__name__}. Add the values as a column of data."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"sensitive_features names a column twice: {list(names)!r}.")
    return list(names)


def require_features(features: list[str], columns: list[str]) -> None:
    """Check that every sensitive feature names a column, with the pandas path's message."""
    for f in features:
        if f not in columns:
            raise ValueError(
                f"sensitive_features names {f!r}, which is not a column of data; "
                f"columns are {columns}."
            )


def require_column(value: Any, argument: str, columns: list[str], data: Any) -> str:
    """Check that an argument names a column of ``data`` (engines need names, not arrays)."""
    if not isinstance(value, str):
        raise ValueError(
            f"with data= a {type(data).__name__}, {argument} must be a column name; got "
            f"{type(value).__name__}. Add the values as a column of data, or pass pandas data."
        )
    if value not in columns:
        raise ValueError(f"{argument}={value!r} is not a column of data; columns are {columns}.")
    return value


def finite_float(column: str) -> Any:
    """Expression: the column as float; and a flag for missing or non-finite values."""
    import narwhals as nw

    value = nw.col(column).cast(nw.Float64)
    return value, (~value.is_finite()).fill_null(True)


def reduce_by_keys(
    frame: Any, keys: Sequence[str], derived: dict[str, Any], sums: Sequence[str]
) -> pd.DataFrame:
    """Group a narwhals frame by the key columns and sum columns, inside its engine.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
    keys : column names to group by; they are renamed ``__key0, __key1, ...``
        (so one column may serve as several keys).
    derived : alias -> narwhals expression computed per row before grouping
        (aggregations must be elementary for every backend).
    sums : aliases (from ``derived``) to sum per group.

    Returns
    -------
    pandas.DataFrame
        ``__key0...`` columns, :data:`ROWS` (int64) and the sums (float64): one
        row per observed key combination; null keys are kept.
    """
    import narwhals as nw

    selected = frame.select(
        *[nw.col(k).alias(_key(i)) for i, k in enumerate(keys)],
        *[expr.alias(name) for name, expr in derived.items()],
    )
    key_names = [_key(i) for i in range(len(keys))]
    grouped = selected.group_by(*key_names, drop_null_keys=False).agg(
        nw.len().alias(ROWS), *[nw.col(s).sum().alias(s) for s in sums]
    )
    if isinstance(grouped, nw.LazyFrame):
        grouped = grouped.collect()
    table = grouped.to_pandas()
    table[ROWS] = table[ROWS].astype(np.int64)
    for s in sums:
        table[s] = table[s].astype(np.float64)
    return table


def encode_key_groups(
    table: pd.DataFrame, features: Sequence[str], first_key: int = 0
) -> tuple[EncodedGroups, dict[str, int]]:
    """Encode the sensitive-feature keys of a reduced table with the pandas-path encoder.

    Returns the encoded groups (one code per reduced row) and the number of data
    rows with a missing value, per feature.
    """
    keys = pd.DataFrame(
        {name: table[_key(first_key + j)].reset_index(drop=True) for j, name in enumerate(features)}
    )
    keys = check_sensitive_frame(keys)  # the group limit and names, as on the pandas path
    groups = encode_groups(keys)
    rows = table[ROWS].to_numpy()
    missing = {name: int(rows[keys[name].isna().to_numpy()].sum()) for name in features}
    return groups, missing


def prepare(data: Any) -> tuple[Any, list[str], str]:
    """The narwhals frame of ``data``, its columns and its engine name."""
    frame = to_narwhals(data)
    return frame, column_names(frame), engine_name(frame)
