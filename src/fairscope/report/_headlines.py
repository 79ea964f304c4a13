"""Headline findings of the tasks without a selection rate: regression and multiclass.

A binary audit's summary leads with its largest selection-rate gap; a regression
audit leads with its largest gap in error between groups, and a multiclass audit
with its fairness criteria over all classes (a small table, shown in the summary
rather than in the appendix). Values are read from the result's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fairscope.report._formatting import fmt_interval, fmt_number, metric_label, slug
from fairscope.report._privacy import Sizes, generic_table

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

#: The regression metrics a headline may name, in order of preference.
_ERROR_METRICS = ("mean_absolute_error", "root_mean_squared_error", "mean_error")


def regression_headline(result: AuditResult, sizes: Sizes) -> str | None:
    """The largest between-group difference in error, as a sentence (``None`` if there is none)."""
    table = result.tables.get("disparities")
    if result.task != "regression" or table is None:
        return None
    needed = {"metric", "kind", "group", "estimate", "value", "reference_value", "reference"}
    if not needed <= set(table.columns):
        return None
    for metric in _ERROR_METRICS:
        rows = table[(table["metric"] == metric) & (table["kind"] == "difference")]
        rows = rows[(rows["group"] != rows["reference"]) & rows["estimate"].notna()]
        keep = [
            not sizes.hidden(str(f), g) for f, g in zip(rows["feature"], rows["group"], strict=True)
        ]
        rows = rows[keep] if len(rows) else rows
        if rows.empty:
            continue
        row = rows.loc[rows["estimate"].abs().idxmax()]
        interval = fmt_interval(row.get("lower"), row.get("upper"))
        return (
            f"The largest gap in {metric_label(metric).lower()}: {row['group']} "
            f"{fmt_number(row['value'])} vs {row['reference']} {fmt_number(row['reference_value'])} "
            f"(difference {_signed(row['estimate'])}"
            + ("" if interval == "—" else f", interval {interval}")
            + ")."
        )
    return None


def _signed(value: Any) -> str:
    text = fmt_number(value)
    return text if text.startswith("-") or text == "—" else f"+{text}"


def multiclass_headline(result: AuditResult, sizes: Sizes, used: set[str]) -> dict[str, Any] | None:
    """The multiclass fairness criteria (largest gap over the classes) as a summary table."""
    table = result.tables.get("fairness_criteria")
    if result.task != "multiclass" or table is None or table.empty:
        return None
    if (
        "criterion" in table.columns
    ):  # demographic_parity_difference -> Demographic parity difference
        table = table.assign(
            criterion=table["criterion"].astype(str).str.replace("_", " ").str.capitalize()
        )
    return generic_table(
        table, "Fairness criteria over all classes (headline)", sizes, slug("t-headline", used)
    )


__all__ = ["multiclass_headline", "regression_headline"]
