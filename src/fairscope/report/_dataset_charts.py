"""Charts of a data-set audit's flagged findings: missing-data gaps, proxies, feature shift.

Each chart shows what the audit flagged (never every row of a long table), largest
first, with the group and the column named on each row; the tables below the charts
hold every row. Values are read from the result's tables, never recomputed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from fairscope.report._bars import as_number
from fairscope.report._formatting import column_label, slug
from fairscope.report._svg_charts import Axis, Bar, bar_chart

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.report._privacy import Sizes

#: Most rows in one chart; the rest are counted in a note under it.
MAX_ROWS = 12


def _flagged(table: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in table.columns:
        return table.iloc[0:0]
    return table[table[column].fillna(False).astype(bool)]


def _note(total: int) -> str:
    return f"{total - MAX_ROWS} more flagged rows in the table below" if total > MAX_ROWS else ""


def _bars(
    rows: pd.DataFrame, value: str, lower: str | None, upper: str | None, sizes: Sizes
) -> list[Bar]:
    out = []
    for _, row in rows.iterrows():
        feature, group = str(row.get("feature", "")), str(row.get("group", ""))
        n = as_number(row.get("n"))
        out.append(
            Bar(
                label=f"{group} · {row['column']}" if group else str(row["column"]),
                value=as_number(row[value]),
                lower=as_number(row[lower]) if lower else math.nan,
                upper=as_number(row[upper]) if upper else math.nan,
                status=str(row.get("strength") or "") if "strength" in rows else "",
                n=None if math.isnan(n) else n,
                hidden=sizes.note if group and sizes.hidden(feature, group) else "",
            )
        )
    return out


def missingness_charts(
    table: pd.DataFrame, sizes: Sizes, used: set[str], minimum: int | None
) -> list[str]:
    """Per feature set: the flagged gaps in the share of missing values, largest first."""
    flagged = _flagged(table, "flagged")
    out = []
    for feature, rows in flagged.groupby("feature", sort=False):
        rows = rows.reindex(rows["difference"].abs().sort_values(ascending=False).index)
        reference = str(rows["reference"].iloc[0]) if "reference" in rows else "the reference"
        out.append(
            bar_chart(
                _bars(
                    rows.head(MAX_ROWS), "difference", "difference_lower", "difference_upper", sizes
                ),
                Axis(title=f"Share missing: difference to {reference}", signed=True),
                title=f"Flagged missing-data gaps by {feature}",
                description=f"Bar chart of the flagged differences in the share of missing "
                f"values between each group of {feature} and {reference}, per column, with "
                "interval whiskers; every row is in the table below.",
                element_id=slug(f"p-missing-{feature}", used),
                note=_note(len(rows)),
            )
        )
    return out


def proxy_charts(
    table: pd.DataFrame, sizes: Sizes, used: set[str], minimum: int | None
) -> list[str]:
    """Per sensitive feature: how much each column tells about it, strongest first."""
    value = next(
        (c for c in ("uncertainty_coefficient", "nmi", "mutual_information") if c in table), None
    )
    if value is None or "column" not in table.columns:
        return []
    out = []
    for feature, rows in table.groupby("feature", sort=False):
        rows = rows.sort_values(value, ascending=False)
        label = column_label(value)
        out.append(
            bar_chart(
                _bars(rows.head(MAX_ROWS), value, None, None, sizes),
                Axis(title=f"{label} with {feature}"),
                title=f"Proxies of {feature}",
                description=f"Bar chart of the {label.lower()} between each column and "
                f"{feature}, strongest first, with the strength the audit assigned; every "
                "column is in the table below.",
                element_id=slug(f"p-proxy-{feature}", used),
                note=_note(len(rows)),
            )
        )
    return out


_SHIFT_MEASURES = {
    "smd": ("Standardized mean difference", True),
    "tvd": ("Total variation distance", False),
}


def feature_shift_charts(
    table: pd.DataFrame, sizes: Sizes, used: set[str], minimum: int | None
) -> list[str]:
    """Per feature set and measure: the flagged shifts of feature distributions, largest first."""
    flagged = _flagged(table, "flagged")
    if "measure" not in flagged.columns:
        return []
    out = []
    for (feature, measure), rows in flagged.groupby(["feature", "measure"], sort=False):
        label, signed = _SHIFT_MEASURES.get(str(measure), (column_label(str(measure)), False))
        rows = rows.reindex(rows["value"].abs().sort_values(ascending=False).index)
        reference = str(rows["reference"].iloc[0]) if "reference" in rows else "the reference"
        out.append(
            bar_chart(
                _bars(rows.head(MAX_ROWS), "value", None, None, sizes),
                Axis(title=f"{label} to {reference}", signed=signed),
                title=f"Flagged feature shifts by {feature} ({label.lower()})",
                description=f"Bar chart of the flagged {label.lower()} of each column's "
                f"distribution between groups of {feature} and {reference}; every row is in "
                "the table below.",
                element_id=slug(f"p-shift-{feature}-{measure}", used),
                note=_note(len(rows)),
            )
        )
    return out


def flagged_first(table: pd.DataFrame) -> pd.DataFrame:
    """Flagged rows first (stable), so no flagged row falls past a table's row cut-off."""
    for column in ("flagged", "is_proxy"):
        if column in table.columns:
            order = ~table[column].fillna(False).astype(bool)
            return table.iloc[order.argsort(kind="stable")]
    return table


__all__ = [
    "feature_shift_charts",
    "flagged_first",
    "missingness_charts",
    "proxy_charts",
]
