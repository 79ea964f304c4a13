"""Markdown of an audit for pull-request comments: verdict, compact table, worst first."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from fairscope.core._findings import SEVERITY, Finding, Status
from fairscope.core._text_safety import markdown_safe
from fairscope.report._findings import group_and_class
from fairscope.report._wording import outcome_sentence, reference_sentence

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

_ICON = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.INCONCLUSIVE: "❔",
    Status.SKIPPED: "⏭️",
    Status.WAIVED: "📝",
    Status.ERROR: "💥",
}


def _cell(text: Any, limit: int | None = 200) -> str:
    """A table cell or list item: data (labels, names, policy fields) cannot break or inject
    Markdown/HTML: one line, markup escaped, right-to-left text isolated, long text cut."""
    return markdown_safe(text, limit=limit)


def _digest(value: Any) -> str:
    """A hash in a code span when it is one; anything else (a tampered file) escaped."""
    text = str(value)[:12]
    return f"`{text}`" if re.fullmatch(r"[0-9a-fA-F]+", text) else _cell(text)


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.3g}"


def _row(f: Finding) -> str:
    interval = (
        f"{_number(f.lower)} – {_number(f.upper)}"
        if f.lower is not None and f.upper is not None
        else "–"
    )
    limit = "–" if f.threshold is None else f"{'≥' if f.bound == 'min' else '≤'} {f.threshold:g}"
    cells = [
        f"{_ICON[f.status]} {f.status.value}",
        _cell(f.rule_id),
        _cell(f.feature),
        _cell(group_and_class(f)),
        _cell(f.reference or "–"),
        _number(f.value),
        interval,
        limit,
        "–" if f.n is None else f"{f.n:,}",
    ]
    return "| " + " | ".join(cells) + " |"


def to_markdown(result: AuditResult, *, max_rows: int = 20) -> str:
    """Markdown for a pull-request comment.

    A heading with the verdict, a one-line count per status, a table of the
    findings (worst first, at most ``max_rows``; the rest in a collapsed
    section), the messages of failing findings, expired waivers and the
    provenance (fairscope version, input digest, policy hash).

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
    ...     sensitive_features=["a"] * 50 + ["b"] * 50, policy="four-fifths")
    >>> print(result.to_markdown().splitlines()[0])
    ## ❌ Fairness audit failed: policy four-fifths 1.0
    """
    policy = result.policy or {}
    if not result.findings and not policy:
        title = "## Fairness audit: no policy given"
    else:
        word = "passed" if result.passed else "failed"
        icon = "✅" if result.passed else "❌"
        title = f"## {icon} Fairness audit {word}: policy {_cell(policy.get('name', '?'))} "
        title += _cell(policy.get("version", ""))
    lines = [title.rstrip(), ""]
    meta = result.metadata
    if "n_rows" in meta:
        lines.append(
            f"{meta['n_rows']:,} rows ({meta.get('n_dropped', 0):,} dropped), sensitive "
            f"features: {_cell(', '.join(meta.get('sensitive_features', [])))}; fails on: "
            f"{_cell(', '.join(result.fail_on))}."
        )
    for line in (outcome_sentence(meta), reference_sentence(result.references)):
        if line:
            lines.append(_cell(line))
    if result.findings:
        counts = " · ".join(
            f"{_ICON[Status(s)]} {n} {s}" for s, n in result.status_counts.items() if n
        )
        lines += [counts, ""]
        header = "| status | rule | feature | group | reference | value | interval | limit | n |"
        rule = "|---|---|---|---|---|---:|---|---|---:|"
        findings = sorted(result.findings, key=lambda f: SEVERITY[f.status])
        lines += [header, rule, *(_row(f) for f in findings[:max_rows])]
        if len(findings) > max_rows:
            lines += [
                "",
                f"<details><summary>{len(findings) - max_rows} more findings</summary>",
                "",
                header,
                rule,
                *(_row(f) for f in findings[max_rows:]),
                "",
                "</details>",
            ]
        bad = [f for f in findings if f.status in (Status.FAIL, Status.ERROR)][:5]
        if bad:
            lines += ["", "**Worst findings**", ""]
            lines += [
                f"- **{_cell(f.rule_id)}**, {_cell(group_and_class(f))}: {_cell(f.message, 1000)}"
                for f in bad
            ]
    expired = meta.get("expired_waivers") or []
    if expired:
        lines += ["", "**Expired waivers** (no longer applied)", ""]
        lines += [
            f"- rule {_cell(w['rule'])}, group {_cell(w['group'])}: owner {_cell(w['owner'])}, "
            f"expired {_cell(w['expires'])}"
            for w in expired
        ]
    rep = result.reproducibility
    prov = [f"fairscope {_cell(rep.get('fairscope', '?'))}"]
    if rep.get("inputs_sha256"):
        prov.append(f"inputs sha256 {_digest(rep['inputs_sha256'])}")
    if policy.get("hash"):
        prov.append(f"policy sha256 {_digest(policy['hash'])}")
    if rep.get("timestamp_utc"):
        prov.append(_cell(rep["timestamp_utc"]))
    lines += ["", f"<sub>{' · '.join(prov)}</sub>"]
    return "\n".join(lines) + "\n"
