"""The one-chart overview: every group against every judged metric, with its status.

A grid of marks, one row per group (of every feature set) and one column per
metric a policy judged. Each mark is coloured by the worst status of that group's
findings on that metric, carries the status's symbol (so it reads in grayscale and
for colour-blind readers) and is sized by the group's number of rows, so a FAIL of
a large group stands out from a SKIPPED small one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from fairscope.core._text_safety import html_escaped as escape
from fairscope.report._formatting import SEVERITY_ORDER, STATUS_ICONS, metric_label
from fairscope.report._svg_charts import FONT, STATUS_FILL, WIDTH, _f, _text, svg_document

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.report._privacy import Sizes
    from fairscope.result._audit_result import AuditResult

_LABELS = 190.0  # the group names' column
_ROW = 24.0
#: Most groups in the overview; the metric sections have every one.
MAX_GROUPS = 40


def _cells(result: AuditResult) -> dict[tuple[str, str, str], str]:
    """Worst status per (feature set, group, metric)."""
    worst: dict[tuple[str, str, str], str] = {}
    for f in result.findings:
        key = (f.feature, f.group, f.metric)
        status = f.status.value
        if key not in worst or SEVERITY_ORDER.get(status, 99) < SEVERITY_ORDER.get(worst[key], 99):
            worst[key] = status
    return worst


def _mark(x: float, y: float, status: str, radius: float) -> str:
    fill = STATUS_FILL.get(status, STATUS_FILL[""])
    icon = STATUS_ICONS.get(status, ("•", ""))[0]
    ink = "#ffffff" if status in ("FAIL", "PASS", "ERROR") else "#1b1f24"
    circle = (
        f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(radius)}" fill="{fill}" stroke="#1b1f24" '
        'stroke-width="0.6"/>'
    )
    if radius < 7:  # too small to hold its symbol: the symbol goes beside it
        return circle + _text(x + radius + 2, y + 4, icon, size=FONT, fill="#1b1f24")
    return circle + _text(x, y + 4, icon, size=FONT, anchor="middle", fill=ink)


def overview_chart(result: AuditResult, sizes: Sizes, element_id: str) -> str:
    """Groups x judged metrics, status-coloured and sized by n; ``""`` when nothing was judged."""
    cells = _cells(result)
    if not cells:
        return ""
    metrics = list(dict.fromkeys(m for _, _, m in cells))
    groups = list(dict.fromkeys((f, g) for f, g, _ in cells))[:MAX_GROUPS]
    largest = max((sizes.n.get(k, 0) for k in groups), default=0) or 1
    step = (WIDTH - _LABELS) / max(len(metrics), 1)
    radius_max = min(step / 2 - 2, _ROW / 2 - 1)
    # room for the metric names, written upwards (about 0.6 em per character)
    head = 30 + 0.6 * FONT * max(len(metric_label(m)) for m in metrics)
    body = [_text(0, 15, "Every judged check at a glance", size=13.5, font_weight="700")]
    for j, metric in enumerate(metrics):
        x = _LABELS + step * (j + 0.5)
        body.append(
            f'<text x="{_f(x + 4)}" y="{_f(head - 6)}" font-size="{_f(FONT)}" '
            f'transform="rotate(-90 {_f(x + 4)} {_f(head - 6)})">{escape(metric_label(metric), quote=False)}</text>'
        )
    for i, (feature, group) in enumerate(groups):
        y = head + _ROW * (i + 0.5)
        n = sizes.n.get((feature, group))
        # "race=Black & sex=Male" -> "Black & Male": the column says the feature set
        name = " & ".join(part.split("=", 1)[-1] for part in group.split(" & "))
        name = name if len(name) <= 28 else name[:27] + "…"
        body.append(_text(0, y + 4, name, fill="#1b1f24"))
        if i % 2:
            body.insert(
                1,
                f'<rect x="0" y="{_f(y - _ROW / 2)}" width="{_f(WIDTH)}" height="{_f(_ROW)}" fill="#f6f8fa"/>',
            )
        for j, metric in enumerate(metrics):
            status = cells.get((feature, group, metric))
            if status is None:
                continue
            share = math.sqrt(n / largest) if n else 0.3
            body.append(
                _mark(_LABELS + step * (j + 0.5), y, status, 3.5 + (radius_max - 3.5) * share)
            )
    bottom = head + _ROW * len(groups)
    key = "  ".join(
        f"{icon} {word}" for word, (icon, _) in STATUS_ICONS.items() if word in set(cells.values())
    )
    body.append(_text(0, bottom + 18, key, fill="#57606a"))
    body.append(_text(0, bottom + 36, "Mark size: the group's number of rows.", fill="#57606a"))
    description = (
        f"Grid of {len(groups)} groups by {len(metrics)} judged metrics; each mark shows the "
        "worst status of that group's checks of that metric by colour and symbol, and its size "
        "grows with the group's number of rows. Every check is listed under Findings."
    )
    return svg_document(
        body,
        bottom + 44,
        title="Every judged check at a glance",
        description=description,
        element_id=element_id,
    )


__all__ = ["MAX_GROUPS", "overview_chart"]
