"""The compact notebook view of an AuditResult (``_repr_html_``).

Plain HTML with a small stylesheet whose every rule is scoped under a class
unique to the output, so nothing leaks into the notebook; no widgets and no
script, so it renders the same in Jupyter, JupyterLab and VS Code.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from fairscope.core._text_safety import html_escaped as escape
from fairscope.report._formatting import fmt_interval, fmt_number, metric_label
from fairscope.report._metric_sections import metric_names
from fairscope.report._plot_data import metric_classes, metric_rows
from fairscope.report._verdict import describe_finding, verdict
from fairscope.report._wording import outcome_sentence, reference_sentence

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

_COLORS = {
    "fail": ("#a03f00", "#fbe9df"),
    "pass": ("#00634a", "#e3f5ef"),
    "warn": ("#7a5500", "#fdf3dc"),
    "none": ("#4b535c", "#eef0f2"),
}
#: Most rows of the main table shown in a notebook.
MAX_ROWS = 30


def _css(scope: str, key: str) -> str:
    ink, bg = _COLORS[key]
    s = f".{scope}"
    return (
        f"{s}{{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
        f"font-size:13px;line-height:1.45;color:#1b1f24;max-width:980px}}"
        f"{s} .fs-head{{border-left:6px solid {ink};background:{bg};padding:8px 12px;"
        f"margin:0 0 8px}}"
        f"{s} .fs-word{{font-weight:800;font-size:16px;color:{ink}}}"
        f"{s} table{{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums}}"
        f"{s} caption{{text-align:left;font-weight:600;padding:2px 0 4px}}"
        f"{s} th,{s} td{{padding:3px 8px;border-bottom:1px solid #d0d7de;text-align:left}}"
        f"{s} thead th{{background:#f6f8fa}}"
        f"{s} td.num{{text-align:right}}"
        f"{s} .fs-note{{color:#57606a;font-size:12px}}"
        f"{s} td .fs-note{{white-space:nowrap}}"
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def repr_html(result: AuditResult) -> str:
    """A compact HTML summary: the verdict, the worst findings and the main table.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> "NOT JUDGED" in result._repr_html_()
    True
    """

    v = verdict(result)
    parts: list[str] = []
    counts = ", ".join(f"{c} {s}" for s, c in result.status_counts.items() if c)
    parts.append(
        f'<div class="fs-head" role="status"><span class="fs-word">'
        f'<span aria-hidden="true">{_e(v["icon"])}</span> {_e(v["word"])}</span> '
        f"&mdash; {_e(v['headline'])}"
        + (f'<div class="fs-note">{_e(counts)}</div>' if counts else "")
        + "</div>"
    )
    for line in (outcome_sentence(result.metadata), reference_sentence(result.references)):
        if line:  # which outcome is the harm, and the one reference of each feature set
            parts.append(f'<p class="fs-note">{_e(line)}</p>')
    worst = [f for f in result.worst_findings(5) if f.status.value != "PASS"]
    if worst:
        rows = "".join(
            f"<tr><td>{_e(f.status.value)}</td><td>{_e(f.rule_id)}</td><td>{_e(f.group)}</td>"
            f'<td class="num">{_e(fmt_number(f.value))}</td>'
            f'<td class="num">{_e(fmt_interval(f.lower, f.upper))}</td>'
            f"<td>{_e(describe_finding(f))}</td></tr>"
            for f in worst
        )
        parts.append(
            "<table><caption>Worst findings</caption><thead><tr><th>Status</th><th>Rule</th>"
            "<th>Group</th><th>Value</th><th>Interval</th><th>Message</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    parts.append(_main_table(result))
    meta = result.metadata
    if meta.get("n_rows") is not None:
        dropped = meta.get("n_dropped") or 0
        parts.append(
            f'<p class="fs-note">{_e(fmt_number(meta["n_rows"], count=True))} rows'
            + (f", {_e(fmt_number(dropped, count=True))} dropped" if dropped else "")
            + ". Full report: <code>result.to_html(&quot;report.html&quot;)</code>.</p>"
        )
    body = "".join(parts)
    scope = "fairscope-nb-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:10]
    return f'<div class="{scope}"><style>{_css(scope, v["key"])}</style>{body}</div>'


def _main_table(result: AuditResult) -> str:
    """Groups by rows, metrics by columns (value and interval), read from the result's tables."""

    metrics = metric_names(result)[:6]
    features = list(result.meta.feature_sets)
    if not features:
        for name in ("intervals", "disparities"):
            table = result.tables.get(name)
            if table is not None and "feature" in table.columns:
                features = list(dict.fromkeys(map(str, table["feature"])))
                break
    cells: dict[tuple[str, str, str], tuple[Any, Any, Any]] = {}
    keys: list[tuple[str, str]] = []
    sizes: dict[tuple[str, str], Any] = {}  # rows per group: a rate means little without it
    classes: dict[str, object] = {}  # multiclass: the first class is shown
    for feature in features:
        for metric in metrics:
            cls = metric_classes(result, metric, feature)[0]
            if cls is not None:
                classes[metric] = cls
            rows = metric_rows(result, metric, feature, cls)
            if rows is None:
                continue
            counts = rows["n"] if "n" in rows else [None] * len(rows)
            for g, e, lo, hi, n in zip(
                rows["group"], rows["estimate"], rows["lower"], rows["upper"], counts, strict=True
            ):
                if (feature, g) not in keys:
                    keys.append((feature, g))
                sizes.setdefault((feature, g), n)
                cells.setdefault((feature, g, metric), (e, lo, hi))
    if not cells:
        names = ", ".join(_e(n) for n in result.tables)
        return f'<p class="fs-note">Tables: {names or "none"}.</p>'
    metrics = [m for m in metrics if any(k[2] == m for k in cells)]
    head = "".join(
        f"<th>{_e(metric_label(m))}"
        + (f" (class {_e(classes[m])})" if m in classes else "")
        + "</th>"
        for m in metrics
    )
    rows_html = []
    for f, g in keys[:MAX_ROWS]:
        row = "".join(
            f'<td class="num">{_e(fmt_number(cells[(f, g, m)][0]))}'
            f'<br><span class="fs-note">{_e(fmt_interval(*cells[(f, g, m)][1:]))}</span></td>'
            if (f, g, m) in cells
            else "<td></td>"
            for m in metrics
        )
        label = "overall" if g == "<overall>" else g
        if result.references.get(f) == g:
            label += " (reference)"
        n = f'<td class="num">{_e(fmt_number(sizes.get((f, g)), count=True))}</td>'
        rows_html.append(f"<tr><th>{_e(f)}</th><th>{_e(label)}</th>{n}{row}</tr>")
    more = (
        f'<p class="fs-note">{len(keys) - MAX_ROWS} more rows in result.tables.</p>'
        if len(keys) > MAX_ROWS
        else ""
    )
    return (
        "<table><caption>Metrics by group (value, interval)</caption><thead><tr>"
        f"<th>Feature</th><th>Group</th><th>n</th>{head}</tr></thead><tbody>{''.join(rows_html)}</tbody>"
        f"</table>{more}"
    )
