"""Engines: the reduce step (rows -> small per-group tables) run where the data lives.

fairscope computes every audit from sufficient statistics. This package pushes
the one pass over the rows into the engine holding them (polars, pyarrow,
DuckDB, Spark, pandas, via narwhals) so only a small table per group returns to
Python; everything downstream (:meth:`fairscope.GroupMetrics.from_counts`, audit
tables, reports) is unchanged. Files (Parquet/CSV paths and globs) are scanned
by DuckDB out of core.

Each reduction returns the one sufficient-statistics type of its task, the
type the numpy path reduces too (see :mod:`fairscope.core._statistics`):
:func:`confusion_counts` a ``GroupCounts`` (in :class:`EngineCounts`),
:func:`score_histograms` a ``ScoreStatistics`` (alias ``ScoreHistograms``),
:func:`regression_moments` a ``RegressionMoments``, :func:`multiclass_counts` a
``MulticlassCounts``. Engines know nothing about metrics.

Engines are imported lazily: importing this package loads none of them.

Examples
--------
>>> import pyarrow as pa
>>> from fairscope.engines import confusion_counts
>>> table = pa.table({"y": [1, 0, 1, 0], "p": [1, 0, 0, 0], "g": ["a", "a", "b", "b"]})
>>> confusion_counts(table, "y", "p", "g").counts.rows.tolist()
[[1, 0, 0, 1], [1, 0, 1, 0]]
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "confusion_counts": "fairscope.engines._confusion",
    "EngineCounts": "fairscope.engines._confusion",
    "score_histograms": "fairscope.engines._histograms",
    "ScoreHistograms": "fairscope.engines._histograms",
    "regression_moments": "fairscope.engines._moments",
    "RegressionMoments": "fairscope.engines._moments",
    "MOMENTS": "fairscope.engines._moments",
    "multiclass_counts": "fairscope.engines._multiclass",
    "MulticlassCounts": "fairscope.core._multiclass_counts",
    "group_value_counts": "fairscope.engines._values",
    "open_table": "fairscope.engines._sources",
    "choose_engine": "fairscope.engines._sources",
    "collect_columns": "fairscope.engines._audit_data",
    "distinct_values": "fairscope.engines._audit_data",
    "to_narwhals": "fairscope.engines._sources",
    "is_engine_data": "fairscope.engines._sources",
    "ENGINES": "fairscope.engines._sources",
    "DUCKDB_CONFIG": "fairscope.engines._sources",
    "duckdb_connection": "fairscope.engines._sources",
    "read_table": "fairscope.engines._files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'fairscope.engines' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
