"""Plain-text views of an AuditResult: the verdict, a findings table and a short summary.

These are what the CLI prints and what :meth:`AuditResult.summary
<fairscope.result._audit_result.AuditResult.summary>` returns.
"""

from __future__ import annotations

import math
import shutil
from typing import TYPE_CHECKING, Any

from fairscope.core._findings import SEVERITY, Finding
from fairscope.core._text_safety import shorten, shorten_words, terminal_safe
from fairscope.core._verdicts import undecided_sentence
from fairscope.report._findings import group_and_class
from fairscope.report._wording import outcome_sentence, reference_sentence

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


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
        width = max(100, shutil.get_terminal_size((120, 24)).columns)
    findings = sorted(result.findings, key=lambda f: SEVERITY[f.status])
    if limit is not None:
        findings = findings[:limit]
    header = ("status", "rule", "feature", "group", "reference", "value", "interval", "limit", "n")
    # labels come from the data: escape sequences and line breaks are shown, never sent
    rows = [
        (
            f.status.value,
            terminal_safe(f.rule_id),
            terminal_safe(f.feature),
            terminal_safe(group_and_class(f)),
            terminal_safe(f.reference or "-"),
            _value(f.value),
            _interval(f),
            _limit(f),
            "-" if f.n is None else f"{f.n:,}",
        )
        for f in findings
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    # long labels (intersections) are shortened in the middle so a row fits a terminal: the
    # feature set first (it repeats on every row), then the group, then the reference; never
    # so far that two different labels would print the same
    for column, floor in ((2, 10), (3, 16), (4, 12), (1, 12)):
        spare = width - sum(widths) - 2 * (len(widths) - 1)
        if spare < 0:
            narrowest = max(floor, widths[column] + spare)
            widths[column] = _distinct_width([r[column] for r in rows], narrowest)
    lines = []
    for row in [header, *rows]:
        cells = [
            shorten(c, w).ljust(w) if i < 5 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _distinct_width(labels: list[str], width: int) -> int:
    """The smallest width >= ``width`` at which the shortened labels stay as distinct as the labels."""
    distinct = len(set(labels))
    longest = max((len(label) for label in labels), default=width)
    while width < longest and len({shorten(label, width) for label in labels}) < distinct:
        width += 1
    return width


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
        name, version = result.policy.get("name"), result.policy.get("version", "")
        head += f" under policy {terminal_safe(name)} {terminal_safe(version)}"
    lines = [head.rstrip()]
    if "n_rows" in meta:
        dropped = meta.get("n_dropped", 0)
        lines.append(
            f"{meta['n_rows']:,} rows ({dropped:,} dropped); sensitive features: "
            f"{terminal_safe(', '.join(map(str, meta.get('sensitive_features', []))))}"
        )
    for line in (outcome_sentence(meta), reference_sentence(result.references)):
        if line:  # names the groups and labels, which come from the data
            lines.append(shorten_words(terminal_safe(line, limit=None)))
    if result.findings:
        counts = ", ".join(f"{n} {s}" for s, n in result.status_counts.items() if n)
        lines.append(f"findings: {counts}; fail on: {terminal_safe(', '.join(result.fail_on))}")
        undecided = result.status_counts.get("INCONCLUSIVE", 0)
        if result.passed and undecided:
            lines.append(
                f"{undecided_sentence(undecided)} (--fail-on inconclusive requires them to "
                "be shown to hold)"
            )
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
            f"expired waiver: rule {terminal_safe(w['rule'])} group {terminal_safe(w['group'])} "
            f"(owner {terminal_safe(w['owner'])}, expired {terminal_safe(w['expires'])})"
        )
    return "\n".join(lines)


__all__ = ["findings_table", "summary", "verdict"]
