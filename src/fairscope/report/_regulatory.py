"""The report section of regulated audits: NYC Local Law 144 and EEOC UGESP tables, in words.

Reads the tables ``ll144_impact_ratios``, ``ll144_scoring_rates`` and
``ugesp_adverse_impact`` and the facts in ``metadata["ll144"]`` of a result,
and lays them out the way published bias-audit summaries do (category, number
of applicants, number selected or scored above the median, rate, impact ratio),
each with a paragraph saying what the numbers are and what they do not
establish. Nothing is recomputed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from fairscope.report._formatting import slug
from fairscope.report._privacy import Sizes, generic_table

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

#: The tables this section shows (the appendix leaves them out).
REGULATORY_TABLES = ("ll144_impact_ratios", "ll144_scoring_rates", "ugesp_adverse_impact")

NOT_LEGAL_ADVICE = (
    "These tables apply the arithmetic the rules define to the data given; they do not "
    "establish compliance, discrimination or its absence, and they are not legal advice."
)
_LL144_INTRO = {
    "ll144_impact_ratios": (
        "NYC Local Law 144: impact ratios (selection rates)",
        "Selection rate = selected / applicants of the category; impact ratio = selection rate "
        "/ selection rate of the most selected category (6 RCNY §5-300).",
        ("n_selected", "selection_rate"),
    ),
    "ll144_scoring_rates": (
        "NYC Local Law 144: impact ratios (scoring rates)",
        "Scoring rate = share of the category scoring above the median score of the whole "
        "sample; impact ratio = scoring rate / the highest scoring rate (6 RCNY §5-300).",
        ("n_scored_above_median", "scoring_rate"),
    ),
}
#: Headings in the words of published summaries (the saved tables keep their column names).
_HEADINGS = {
    "n": "number of applicants",
    "n_selected": "number selected",
    "n_scored_above_median": "number scored above the median",
    "selection_rate": "selection rate",
    "scoring_rate": "scoring rate",
    "impact_ratio": "impact ratio",
    "impact_ratio_lower": "impact ratio, interval low",
    "impact_ratio_upper": "impact ratio, interval high",
    "exclusion_reason": "reason",
    "p_value": "p-value against the most selected",
    "fisher_p_value": "Fisher p",
    "test_used": "test used",
    "flip_flop_moves": "flip-flop (moves)",
}
_UGESP_WORDS = (
    "Four fifths: a group selected at less than 80% of the rate of the highest-rate group is "
    "evidence of adverse impact (29 CFR 1607.4(D)).",
    "Statistical significance: the z statistic of the two rates, read as significant beyond "
    "two standard deviations, or Fisher's exact test (p < 0.05) where an expected count is "
    "below 5.",
    "Practical significance: the shortfall is how many more selections of the group would "
    "reach four fifths; the flip-flop check asks whether moving one or two selections between "
    "the group and the highest group reverses the four-fifths conclusion (then it rests on "
    "too few people to be robust).",
    "Conclusion: adverse impact is indicated when the ratio is below four fifths, the "
    "difference is significant and it does not flip-flop; below four fifths without both is "
    "possible adverse impact (not robust); a significant difference above four fifths is also "
    "flagged, since the Guidelines allow smaller differences to count when significant.",
)


def regulatory_sections(result: AuditResult, sizes: Sizes, used: set[str]) -> list[dict[str, Any]]:
    """The report's regulatory sections: title, paragraphs and one table each.

    Parameters
    ----------
    result : AuditResult
    sizes : Sizes
        Small-group suppression of the report.
    used : set of str
        Element ids taken so far (extended).

    Returns
    -------
    list of dict
        Empty when the result holds none of :data:`REGULATORY_TABLES`.
    """
    out = []
    facts = result.metadata.get("ll144") or {}
    for name, (title, intro, (count, rate)) in _LL144_INTRO.items():
        frame = result.tables.get(name)
        if frame is None:
            continue
        paragraphs = [intro, *_ll144_facts(facts, frame), NOT_LEGAL_ADVICE]
        columns = ["feature", "category", "n", count, rate, "impact_ratio", "excluded",
                   "exclusion_reason", "impact_ratio_lower", "impact_ratio_upper", "test",
                   "p_value"]  # fmt: skip
        out.append(_section(name, title, paragraphs, frame, columns, sizes, used))
    frame = result.tables.get("ugesp_adverse_impact")
    if frame is not None:
        columns = ["feature", "group", "n", "n_selected", "selection_rate", "impact_ratio",
                   "z", "fisher_p_value", "test_used", "shortfall", "flip_flop_moves",
                   "conclusion", "explanation"]  # fmt: skip
        title = "EEOC Uniform Guidelines: adverse impact"
        paragraphs = [*_UGESP_WORDS, NOT_LEGAL_ADVICE]
        out.append(_section("ugesp_adverse_impact", title, paragraphs, frame, columns, sizes, used))
    return out


def _ll144_facts(facts: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """The facts a published summary states, and what was excluded and why."""
    lines = []
    labels = (
        ("audit_date", "Date of the audit"),
        ("data_source", "Source of the data"),
        ("data_type", "Historical or test data"),
        ("distribution_date", "Distribution date of the tool"),
        ("tool", "Tool"),
    )
    stated = [f"{label}: {facts[key]}" for key, label in labels if facts.get(key)]
    missing = [label.lower() for key, label in labels[:4] if not facts.get(key)]
    if stated:
        lines.append("; ".join(stated) + ".")
    if missing:
        lines.append(f"Not supplied: {', '.join(missing)}.")
    unknown = frame[frame["category"] == "Unknown"]
    if len(unknown):
        counts = ", ".join(
            f"{f}: {int(n):,}" for f, n in zip(unknown["feature"], unknown["n"], strict=True)
        )
        lines.append(f"Individuals of unknown category, excluded from the impact ratios: {counts}.")
    small = frame[frame["excluded"].astype(bool) & (frame["category"] != "Unknown")]
    if len(small):
        lines.append(
            f"{len(small)} categories below 2% of the data are excluded from the impact ratios "
            "and still listed with their counts and rates (see the reason column)."
        )
    return lines


def _section(
    name: str,
    title: str,
    paragraphs: list[str],
    frame: pd.DataFrame,
    columns: list[str],
    sizes: Sizes,
    used: set[str],
) -> dict[str, Any]:
    shown = frame[[c for c in columns if c in frame.columns]]
    # the suppression of small groups reads "group" and "n": the headings change afterwards
    if "category" in shown.columns:
        shown = shown.rename(columns={"category": "group"})
        headings = {**_HEADINGS, "group": "category"}
    else:
        headings = _HEADINGS
    table = generic_table(shown, f"{title} (table “{name}”)", sizes, slug(f"t-{name}", used))
    for column in table["columns"]:
        column["label"] = headings.get(column["label"], column["label"])
    return {"id": slug(name, used), "name": name, "title": title, "paragraphs": paragraphs,
            "table": table}  # fmt: skip


__all__ = ["NOT_LEGAL_ADVICE", "REGULATORY_TABLES", "regulatory_sections"]
