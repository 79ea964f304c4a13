"""Group sizes read from the result, suppression of small groups, and tables with it applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from fairscope.report._formatting import (
    _FEATURE_COLUMNS,
    MAX_TABLE_ROWS,
    column_label,
    frame_cells,
    is_missing,
)
from fairscope.report._plot_data import SIZE_TABLES

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


class Sizes:
    """Rows per group, read from the result's tables, and which groups are suppressed."""

    def __init__(self, result: AuditResult, suppress_below: int | None) -> None:
        self.k = suppress_below
        self.note = f"suppressed (n < {suppress_below})" if suppress_below else ""
        self.n: dict[tuple[str, str], int] = {}

        for name in SIZE_TABLES:
            table = result.tables.get(name)
            if table is None or "group" not in table.columns:
                continue
            size_col = next((c for c in ("n", "count", "rows") if c in table.columns), None)
            fcol = next((c for c in _FEATURE_COLUMNS if c in table.columns), None)
            if size_col is None:
                continue
            for _, row in table.iterrows():
                if is_missing(row[size_col]):
                    continue
                key = (str(row[fcol]) if fcol else "", str(row["group"]))
                self.n.setdefault(key, int(row[size_col]))
        for f in result.findings:
            if f.n is not None:
                self.n.setdefault((f.feature, f.group), int(f.n))
        self.small_labels = {g for (_, g), n in self.n.items() if self.hidden_n(n)}
        self.labels = {g for (_, g) in self.n}

    def hidden_n(self, n: Any) -> bool:
        return self.k is not None and not is_missing(n) and int(n) < self.k

    def hidden(self, feature: str | None, group: Any) -> bool:
        if self.k is None or is_missing(group):
            return False
        group = str(group)
        if feature is not None and (feature, group) in self.n:
            return self.hidden_n(self.n[(feature, group)])
        return group in self.small_labels

    def mask(self, frame: pd.DataFrame) -> list[bool] | None:
        """Which rows of a table belong to a suppressed group (or compare with one)."""
        if self.k is None:
            return None
        fcol = next((c for c in _FEATURE_COLUMNS if c in frame.columns), None)
        out = []
        for _, row in frame.iterrows():
            feature = str(row[fcol]) if fcol else None
            hide = "group" in frame.columns and self.hidden(feature, row["group"])
            if "reference" in frame.columns:
                hide = hide or self.hidden(feature, row["reference"])
            known = "group" in frame.columns and (feature or "", str(row["group"])) in self.n
            if "group" in frame.columns and not known and str(row["group"]) not in self.labels:
                # a group no size table knows: its own row count decides
                size = next((row[c] for c in ("n", "count") if c in frame.columns), None)
                hide = hide or self.hidden_n(size)
            out.append(hide)
        return out


def generic_table(
    frame: pd.DataFrame, caption: str, sizes: Sizes, table_id: str, max_rows: int = MAX_TABLE_ROWS
) -> dict[str, Any]:
    """Any DataFrame as a report table (suppression applied, long tables cut with a note)."""
    note = ""
    if len(frame) > max_rows:
        note = (
            f"The first {max_rows:,} of {len(frame):,} rows are shown; the saved JSON result "
            "holds them all."
        )
        frame = frame.iloc[:max_rows]
    frame = frame.reset_index(drop=not _has_named_index(frame))
    if {"n", "count"} <= set(frame.columns) and frame["n"].equals(frame["count"]):
        frame = frame.drop(columns="count")  # the same number twice under two names
    columns = [
        {"label": column_label(c), "numeric": pd.api.types.is_numeric_dtype(frame[c])}
        for c in frame.columns
    ]
    return {
        "id": table_id,
        "caption": caption,
        "columns": columns,
        "rows": frame_cells(frame, sizes.mask(frame), sizes.note),
        "note": note,
    }


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(name is not None for name in frame.index.names)
