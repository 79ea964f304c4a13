"""Preparing engine data for :func:`fairscope.audit_predictions`.

Binary audits (of predictions, or of scores with few enough distinct values),
multiclass audits and regression audits reduce inside the engine (one group-by). The task is
detected from the distinct label values, which the engine returns (at most a
thousand of them). Audits that need row-level values in Python (regression
selection thresholds, scores with more distinct values than bins)
get only the audited columns collected into a pandas DataFrame, so every audit
works whatever engine holds the data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fairscope.core._tasks import detect_task
from fairscope.engines._reduce import prepare, require_column, require_features, sensitive_names
from fairscope.engines._sources import in_file_order

#: Distinct label values fetched to detect the task; more mean "many".
DISTINCT_LIMIT = 1001


def distinct_values(data: Any, column: str, limit: int = DISTINCT_LIMIT) -> pd.Series:
    """Up to ``limit`` distinct values of a column (nulls left out), computed by the engine.

    Parameters
    ----------
    data : engine data
        polars, Arrow, DuckDB, Spark data, or Parquet/CSV paths.
    column : str
        The column.
    limit : int
        At most this many values are returned.

    Returns
    -------
    pandas.Series
        The distinct values, in the engine's order.

    Examples
    --------
    >>> import polars as pl
    >>> sorted(distinct_values(pl.DataFrame({"y": [1, 0, 1]}), "y").tolist())
    [0, 1]
    """
    return distinct_columns(data, [column], limit)[column]


#: Rows read first: a column with more distinct values than the limit among them
#: (a regression target, a score) is told without hashing every row.
PROBE_ROWS = 100_000


def distinct_columns(
    data: Any, columns: list[str], limit: int = DISTINCT_LIMIT
) -> dict[str, pd.Series]:
    """Up to ``limit`` distinct values of each column (nulls left out), in one engine pass.

    The first :data:`PROBE_ROWS` rows are grouped first; when every column
    already has ``limit`` values there, those rows answer and the full pass is
    skipped (each column has "many values" either way). Otherwise one group-by over
    all the columns runs in the engine: a hash aggregate that streams the scan,
    where narwhals' ``unique()`` would materialize the column in DuckDB.

    Parameters
    ----------
    data : engine data
        polars, Arrow, DuckDB, Spark data, or Parquet/CSV paths.
    columns : list of str
        The columns (e.g. labels and predictions).
    limit : int
        At most this many values are returned per column.

    Returns
    -------
    dict of str to pandas.Series
        The distinct values of each column, in the engine's order.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"y": [1, 0, 1], "p": [1, 1, 1]})
    >>> {k: sorted(v.tolist()) for k, v in distinct_columns(frame, ["y", "p"]).items()}
    {'y': [0, 1], 'p': [1]}
    """
    import narwhals as nw

    frame, names, _ = prepare(data)
    unique = list(dict.fromkeys(columns))
    for name in unique:
        require_column(name, name, names, data)
    # with every column within the limit, the combinations are at most this many
    bound = limit * (limit + 1) ** (len(unique) - 1)
    values: dict[str, pd.Series] = {}
    for rows in (frame.head(PROBE_ROWS), frame):
        grouped = rows.group_by(*unique, drop_null_keys=False).agg(nw.len().alias("__n"))
        grouped = grouped.head(bound)
        if isinstance(grouped, nw.LazyFrame):
            grouped = grouped.collect()
        table = grouped.to_pandas()
        values = {
            name: pd.Series(table[name].dropna().unique(), name=name).head(limit) for name in unique
        }
        if all(len(v) >= limit for v in values.values()):
            break  # every column has many values already in the first rows
    return values


def collect_columns(data: Any, names: list[str]) -> pd.DataFrame:
    """The named columns of engine data, collected into a pandas DataFrame.

    Parameters
    ----------
    data : engine data
        polars, Arrow, DuckDB, Spark data, or Parquet/CSV paths.
    names : list of str
        Columns to collect (duplicates are collected once).

    Returns
    -------
    pandas.DataFrame
        Only those columns, with every row.
    """
    import narwhals as nw

    frame, columns, _ = prepare(data)
    unique = list(dict.fromkeys(names))
    for name in unique:
        require_column(name, name, columns, data)
    selected = frame.select(*[nw.col(n) for n in unique])
    with in_file_order(frame.to_native()):
        if isinstance(selected, nw.LazyFrame):
            selected = selected.collect()
        return selected.to_pandas()


def prepare_audit_data(
    data: Any,
    task: str | None,
    *,
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    threshold: Any,
    sensitive_features: Any,
    sample_weight: Any,
    estimator: Any = None,
    selection: bool = False,
) -> tuple[Any, str, str]:
    """The data, task and engine description for an audit of engine data.

    Returns ``data`` unchanged for audits reduced in the engine (described as
    e.g. ``"duckdb"``): binary audits (with scores, the audit collects the rows
    itself when there are too many distinct scores), multiclass audits, and
    regression audits without ``selection`` thresholds; else a pandas DataFrame of the audited
    columns (described as ``"duckdb -> pandas"``).
    """
    _, columns, engine = prepare(data)
    names = {"y_true": y_true, "y_pred": y_pred, "y_score": y_score, "sample_weight": sample_weight}
    for argument, value in names.items():
        if value is not None:
            require_column(value, argument, columns, data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    if task is None:
        distinct = distinct_columns(data, [y_true] if y_pred is None else [y_true, y_pred])
        task = detect_task(
            distinct[y_true],
            None if y_pred is None else distinct[y_pred],
            has_score=y_score is not None,
            estimator=estimator,
        )
    if task == "binary":
        # scored audits reduce to cells of equal score when there are few enough scores
        return data, task, engine
    if task == "regression" and not selection and y_score is None and threshold is None:
        return data, task, engine
    if task == "multiclass" and y_score is None and threshold is None:
        # K x K cells per group: reduced by the engine (fairscope.engines.multiclass_counts)
        return data, task, engine
    audited = [y_true, y_pred, y_score, sample_weight]
    return collect_audited(data, audited, sensitive_features), task, f"{engine} -> pandas"


def collect_audited(data: Any, names: list[Any], sensitive_features: Any) -> pd.DataFrame:
    """The named columns (None skipped) and the sensitive features, collected into pandas."""
    features = sensitive_names(sensitive_features, data)
    return collect_columns(data, [*[n for n in names if n is not None], *features])


def dataset_columns(
    data: Any, target: Any, sensitive_features: Any, features: Any
) -> tuple[pd.DataFrame, str]:
    """The columns a dataset audit reads, collected from engine data into pandas.

    Only the target, the sensitive features and the audited features leave the
    engine (every column when ``features`` is None, as the pandas path audits
    them all). Returns the pandas DataFrame and the engine description
    (``"duckdb -> pandas"``).
    """
    _, columns, engine = prepare(data)
    sensitive = sensitive_names(sensitive_features, data)
    require_features(sensitive, columns)
    if target is not None:
        require_column(target, "target", columns, data)
    if features is None:
        names = columns
    else:
        wanted = [features] if isinstance(features, str) else list(features)
        for name in wanted:
            if name not in columns:
                raise ValueError(
                    f"features names {name!r}, which is not a column of data; columns are "
                    f"{columns}."
                )
        names = [*([] if target is None else [target]), *sensitive, *wanted]
    return collect_columns(data, names), f"{engine} -> pandas"
