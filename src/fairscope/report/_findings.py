"""The findings section: findings worst first, passing ones apart, and the waivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fairscope.core._findings import Finding, Status
from fairscope.report._formatting import (
    cell,
    fmt_interval,
    fmt_number,
    fmt_p,
    metric_label,
    slug,
    status_cell,
)
from fairscope.report._privacy import Sizes
from fairscope.report._verdict import describe_finding

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def group_and_class(f: Finding) -> str:
    """The group of a finding, with the class of a multiclass audit's per-class finding.

    Without the class a multiclass audit's findings would read as the same row
    repeated once per class.

    Examples
    --------
    >>> from fairscope.core._findings import Finding, Status
    >>> f = Finding("r", "selection_rate", "ratio", "sex", "Female", Status.FAIL,
    ...             class_label="B")
    >>> group_and_class(f)
    'Female [class B]'
    """
    if f.class_label is None:
        return f.group
    return f"{f.group} [class {f.class_label}]"


_COLUMNS = (
    ("Status", False),
    ("Group", False),
    ("What it means", False),
    ("Value (interval)", True),
    ("Threshold", True),
    ("n", True),
    ("Adjusted p-value", True),
)


def _finding_row(f: Finding, sizes: Sizes, links: dict[str, str]) -> list[dict[str, Any]]:
    """One finding's cells; a suppressed small group shows no value, n or p-value."""
    hide = sizes.hidden(f.feature, f.group)
    note = sizes.note
    interval = fmt_interval(f.lower, f.upper)
    return [
        status_cell(f.status.value),
        cell(group_and_class(f), sub=f"{f.feature}; reference {f.reference or '—'}"),
        cell(
            f"{f.status.value}: suppressed small group" if hide else describe_finding(f),
            cls="message",
            sub=f"rule {f.rule_id}: {metric_label(f.metric)}, {f.comparison.replace('_', ' ')}",
            href=f"#{links[f.metric]}" if f.metric in links else "",
        ),
        cell(
            note if hide else fmt_number(f.value),
            sort=None if hide else f.value,
            numeric=True,
            cls="suppressed" if hide else "",
            sub="" if hide or interval == "—" else interval,
        ),
        cell(
            ("≥ " if f.bound == "min" else "≤ ") + fmt_number(f.threshold)
            if f.threshold is not None
            else "—",
            sort=f.threshold,
            numeric=True,
        ),
        cell(
            f"< {sizes.k}" if hide else fmt_number(f.n, count=True),
            sort=None if hide else f.n,
            numeric=True,
        ),
        cell(
            note if hide else fmt_p(f.p_value_adjusted),
            sort=None if hide else f.p_value_adjusted,
            numeric=True,
        ),
    ]


def _waiver_row(f: Finding) -> dict[str, Any]:
    """The waiver a finding carries, active or not."""
    w = f.waiver or {}
    expiry = w.get("expires") or w.get("expiry") or w.get("expires_on")
    active = w.get("state", "active" if f.status == Status.WAIVED else "") == "active"
    return {
        "rule": f.rule_id,
        "group": f.group,
        "feature": f.feature,
        "justification": str(w.get("justification", "—")),
        "owner": str(w.get("owner", "—")),
        "expiry": "—" if expiry is None else str(expiry),
        "state": "active" if active else str(w.get("state") or "not applied"),
        "active": active,
        "status": status_cell(f.status.value),
    }


def _unmatched_expired(result: AuditResult) -> list[dict[str, Any]]:
    """Expired waivers that matched no finding (matched ones are listed with their finding)."""
    return [
        {
            "rule": str(w.get("rule", "—")),
            "group": str(w.get("group", "—")),
            "feature": str(w.get("feature") or "—"),
            "justification": str(w.get("justification", "—")),
            "owner": str(w.get("owner", "—")),
            "expiry": str(w.get("expires", "—")),
            "state": "expired (matched no finding)",
            "active": False,
            "status": status_cell(None),
        }
        for w in result.metadata.get("expired_waivers") or []
        if isinstance(w, dict) and not w.get("matched")
    ]


def findings_tables(
    result: AuditResult, sizes: Sizes, used: set[str], links: dict[str, str] | None = None
) -> dict[str, Any]:
    """Findings worst first (passing ones apart), and the waivers.

    ``links`` maps a metric to the id of its section: each finding links there.
    """
    links = links or {}
    problems: list[list[dict[str, Any]]] = []
    passes: list[list[dict[str, Any]]] = []
    waivers: list[dict[str, Any]] = []
    for f in result.worst_findings(len(result.findings)):
        (passes if f.status == Status.PASS else problems).append(_finding_row(f, sizes, links))
        if f.waiver:
            waivers.append(_waiver_row(f))
    waivers += _unmatched_expired(result)
    cols = [{"label": c, "numeric": n} for c, n in _COLUMNS]
    return {
        "problems": {
            "id": slug("t-findings", used),
            "caption": "Findings that need attention, worst first",
            "columns": cols,
            "rows": problems,
            "note": "",
        },
        "passes": {
            "id": slug("t-findings-pass", used),
            "caption": "Passing findings",
            "columns": cols,
            "rows": passes,
            "note": "",
        },
        "waivers": waivers,
        "total": len(result.findings),
    }
