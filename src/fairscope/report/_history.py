"""The trend report of an :class:`~fairscope.result._history.AuditHistory`: one self-contained file.

A chart per rule and feature set (each group's value with its interval across
the audits, the rule's limit, the status of each point, a ring where the change
from the previous audit is significant), then the significant changes, the
status changes, the headline disparities, what the audits do not share and how
the change was tested. It reads only the history's tables and metadata.

Like the audit report (``report/_html.py``), the file loads nothing: a
Content-Security-Policy forbids every network load and, since the trend report
needs no script, every script; every string from the data is escaped, and
isolated for bidirectional text in HTML (``<bdi>``).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._history import AuditHistory

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; "
    "base-uri 'none'; form-action 'none'; connect-src 'none'; font-src 'none'; "
    "object-src 'none'; frame-src 'none'"
)
STATUS_COLOURS = {
    "PASS": "#1a7f37",
    "WARN": "#9a6700",
    "FAIL": "#cf222e",
    "INCONCLUSIVE": "#8250df",
    "SKIPPED": "#6e7781",
    "WAIVED": "#0969da",
    "ERROR": "#000000",
}
# twelve colours that stay apart (a chart of sex x race groups has ten lines)
LINE_COLOURS = (
    "#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e",
    "#57606a", "#0a7b83", "#e16f24", "#6639ba", "#4d2d00", "#7d8590",
)  # fmt: skip
_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1f2328}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sig{font-weight:600;color:#cf222e}figure{margin:1rem 0}figcaption{font-size:13px;color:#57606a}
.note{color:#57606a;font-size:13px}
"""
_SHOWN_CHANGE_COLUMNS = (
    "source", "item", "from", "to", "before", "after", "change", "z", "p_value_adjusted",
    "se_from", "status_before", "status_after",
)  # fmt: skip
_AUDIT_COLUMNS = ("label", "timestamp", "policy", "n_rows", "passed", "fail", "inconclusive",
                  "warn", "pass", "skipped", "waived", "error")  # fmt: skip
_MAX_ROWS = 500


def esc(value: Any) -> str:
    """Escape a value from the data for HTML text, isolated for bidirectional text."""
    return f"<bdi>{html.escape(_plain(value))}</bdi>"


def _plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}"
    text = str(value)
    # control characters would be invisible in the page: show them as code points
    return "".join(c if c.isprintable() or c in "\t\n" else f"\\u{ord(c):04x}" for c in text)


def table(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> str:
    """An escaped HTML table of some columns of a frame (at most 500 rows)."""
    if frame is None or frame.empty:
        return "<p class='note'>None.</p>"
    shown = [c for c in (columns or tuple(frame.columns)) if c in frame.columns]
    head = "".join(f"<th>{esc(c)}</th>" for c in shown)
    rows = []
    for record in frame[shown].head(_MAX_ROWS).to_dict("records"):
        cells = []
        for c in shown:
            value = record[c]
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(f"<td{' class=num' if numeric else ''}>{esc(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(frame) - _MAX_ROWS
    note = f"<p class='note'>{more} more rows in the JSON.</p>" if more > 0 else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def _scale(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.08 or 0.05
    return low - pad, high + pad


def trend_chart(points: pd.DataFrame, labels: list[str], title: str, limit: float | None) -> str:
    """An SVG line chart: one line per group across the audits, intervals, limit, statuses."""
    width, height, left, right, top, bottom = 760, 300, 56, 250, 28, 44
    values = [*points["value"], *points["lower"].dropna(), *points["upper"].dropna()]
    low, high = _scale([float(v) for v in values] + ([limit] if limit is not None else []))
    span_x = max(len(labels) - 1, 1)

    def x(position: float) -> float:
        return left + (width - left - right) * position / span_x

    def y(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' role='img' "
        f"width='{width}' height='{height}'><title>{html.escape(title)}</title>",
        f"<rect x='{left}' y='{top}' width='{width - left - right}' "
        f"height='{height - top - bottom}' fill='none' stroke='#d0d7de'/>",
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' font-size='11' text-anchor='end'>"
            f"{tick:.2f}</text>"
        )
    for position, label in enumerate(labels):
        parts.append(
            f"<text x='{x(position):.1f}' y='{height - bottom + 16}' font-size='11' "
            f"text-anchor='middle'>{html.escape(_plain(label)[:24])}</text>"
        )
    if limit is not None and low <= limit <= high:
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y(limit):.1f}' y2='{y(limit):.1f}' "
            "stroke='#cf222e' stroke-dasharray='5 4'/>"
        )
    for index, (group, rows) in enumerate(points.groupby("group", sort=False)):
        parts.append(_series(rows, LINE_COLOURS[index % len(LINE_COLOURS)], x, y))
        legend_y = top + 14 * index + 8
        parts.append(
            f"<rect x='{width - right + 10}' y='{legend_y - 8}' width='10' height='10' "
            f"fill='{LINE_COLOURS[index % len(LINE_COLOURS)]}'/><text x='{width - right + 24}' "
            f"y='{legend_y + 1}' font-size='11'>{html.escape(_plain(group)[:38])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _series(rows: pd.DataFrame, colour: str, x: Any, y: Any) -> str:
    rows = rows.sort_values("position")
    coords = [
        (x(p), y(v))
        for p, v in zip(rows["position"], rows["value"], strict=True)
        if math.isfinite(v)
    ]
    out = []
    if len(coords) > 1:
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
        out.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
    for record in rows.to_dict("records"):
        value = float(record["value"])
        if not math.isfinite(value):
            continue
        cx, cy = x(record["position"]), y(value)
        lower, upper = record.get("lower"), record.get("upper")
        if (
            lower is not None
            and upper is not None
            and math.isfinite(lower)
            and math.isfinite(upper)
        ):
            out.append(
                f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{y(lower):.1f}' y2='{y(upper):.1f}' "
                f"stroke='{colour}' stroke-opacity='.55' stroke-width='3'/>"
            )
        fill = STATUS_COLOURS.get(str(record.get("status")), colour)
        out.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='4.5' fill='{fill}'/>")
        if record.get("significant"):
            out.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='8' fill='none' stroke='#1f2328'/>")
    return "".join(out)


def _flag_significant(frame: pd.DataFrame, changes: pd.DataFrame, source: str) -> pd.DataFrame:
    """Numeric values, and whether the change into each point was significant."""
    flagged: set[tuple[str, str]] = set()
    if len(changes):
        hits = changes[(changes["source"] == source) & changes["significant"].astype(bool)]
        flagged = set(zip(hits["item"], hits["to"], strict=True))
    return frame.assign(
        significant=[
            (item, label) in flagged
            for item, label in zip(frame["item"], frame["label"], strict=True)
        ],
        lower=pd.to_numeric(frame["lower"], errors="coerce"),
        upper=pd.to_numeric(frame["upper"], errors="coerce"),
        value=pd.to_numeric(frame["value"], errors="coerce"),
    )


def _figure(
    rows: pd.DataFrame, labels: list[str], title: str, limit: float | None, how: str
) -> str:
    caption = (
        f"{esc(title)}. Dots: each audit's value{how}; bars: intervals; ring: the change from "
        "the previous audit is significant."
    )
    return (
        f"<figure>{trend_chart(rows, labels, title, limit)}"
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _charts(history: AuditHistory) -> list[str]:
    """A chart per rule and feature set; without findings, per headline ratio and feature set."""
    findings = history.tables.get("findings", pd.DataFrame())
    changes = history.tables.get("changes", pd.DataFrame())
    out = []
    if findings.empty:
        disparities = history.tables.get("disparities", pd.DataFrame())
        if disparities.empty:
            return ["<p class='note'>The audits have no findings and no headline disparities.</p>"]
        ratios = _flag_significant(
            disparities[disparities["kind"] == "ratio"], changes, "disparity"
        )
        out.append(
            "<p class='note'>No policy was applied: the charts follow the headline ratios.</p>"
        )
        for (metric, feature), rows in ratios.groupby(["metric", "feature"], sort=False):
            title = f"{metric} ratio to the reference, {feature}"
            out.append(_figure(rows, history.labels, title, None, ""))
        return out
    findings = _flag_significant(findings, changes, "finding")
    for (rule_id, feature), rows in findings.groupby(["rule_id", "feature"], sort=False):
        limits = pd.to_numeric(rows["threshold"], errors="coerce").dropna().unique()
        limit = float(limits[0]) if len(limits) == 1 else None
        title = (
            f"Rule {rule_id}, {feature}: {rows['comparison'].iloc[0]} of {rows['metric'].iloc[0]}"
        )
        how = ", coloured by status; dashed line: the rule's limit"
        out.append(_figure(rows, history.labels, title, limit, how))
    return out


def render(history: AuditHistory, *, title: str | None = None) -> str:
    """The trend report as one HTML document.

    Parameters
    ----------
    history : AuditHistory
    title : str, optional

    Returns
    -------
    str
    """
    meta = history.metadata
    tables = history.tables
    heading = title or f"Fairness audits over time: {' → '.join(map(str, history.labels))}"
    significant = history.significant_changes
    status = history.status_changes
    differences = tables.get("differences", pd.DataFrame())
    summary = (
        f"<ul><li>{len(history.labels)} audits, in this order: "
        f"{', '.join(esc(label) for label in history.labels)}.</li>"
        f"<li><span class='{'sig' if len(significant) else ''}'>{len(significant)} significant "
        f"changes</span> between consecutive audits (adjusted p &lt; {esc(meta.get('alpha'))}).</li>"
        f"<li>{len(status)} status changes of findings.</li>"
        f"<li>{len(differences)} items not shared by every audit (listed below, never dropped)."
        "</li></ul>"
    )
    body = [
        f"<h1>{esc(heading)}</h1>",
        "<section id='summary'><h2>Summary</h2>", summary,
        table(tables.get("audits", pd.DataFrame()), _AUDIT_COLUMNS), "</section>",
        "<section id='trends'><h2>Trend per rule</h2>", *_charts(history), "</section>",
        "<section id='significant'><h2>Significant changes</h2>",
        table(significant, _SHOWN_CHANGE_COLUMNS), "</section>",
        "<section id='status'><h2>Status changes</h2>",
        table(status, _SHOWN_CHANGE_COLUMNS), "</section>",
        "<section id='disparities'><h2>Headline disparities: every change</h2>",
        table(_disparity_changes(tables.get("changes", pd.DataFrame())), _SHOWN_CHANGE_COLUMNS),
        "</section>",
        "<section id='differences'><h2>What the audits do not share</h2>",
        table(differences), "</section>",
        "<section id='method'><h2>How a change is tested</h2>",
        f"<p>{esc(meta.get('change_test'))}. P-values are adjusted over every comparison of the "
        f"history ({esc(meta.get('correction') or 'no correction')}).</p></section>",
    ]  # fmt: skip
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(_plain(heading))}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def _disparity_changes(changes: pd.DataFrame) -> pd.DataFrame:
    if changes.empty:
        return changes
    return changes[changes["source"] == "disparity"]


__all__ = ["CSP", "esc", "render", "table", "trend_chart"]
