"""Curves per group (ROC, calibration) as small multiples, written as SVG text.

Ten or twelve coloured lines on one set of axes cannot be told apart, least of all
in grayscale; so each group gets its own small panel where its curve is drawn dark
over the other groups' curves in light grey. The panels share their axes, so shapes
compare at a glance, and each panel is named in words, never by a colour legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fairscope.report._svg_charts import FONT, WIDTH, _f, _text, _ticks, svg_document

_COLUMNS = 2
_PANEL_W = WIDTH / _COLUMNS
_PANEL_H = 196.0
_INSET = (38.0, 40.0, 10.0, 26.0)  # left, top, right, bottom margins inside a panel
#: Most panels in one chart; the others are named in a note (the table has them all).
MAX_PANELS = 12


@dataclass(frozen=True)
class Curve:
    """One group's curve: points sorted by x, its size and how it is shown."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    n: float | None = None
    hidden: str = ""  # e.g. "suppressed (n < 20)": no curve drawn, only the words
    small: bool = False  # below the minimum group size: dashed, and said so


@dataclass(frozen=True)
class Panels:
    """What the panels share: the axes' words, the diagonal, the limits."""

    x_title: str
    y_title: str
    diagonal: bool = True
    limits: tuple[float, float] = (0.0, 1.0)
    notes: list[str] = field(default_factory=list)


def _path(xs: Sequence[float], ys: Sequence[float], sx: object, sy: object) -> str:
    points = [
        (sx(x), sy(y))  # type: ignore[operator]
        for x, y in zip(xs, ys, strict=True)
        if math.isfinite(x) and math.isfinite(y)
    ]
    if not points:
        return ""
    return "M" + "L".join(f"{_f(px)},{_f(py)}" for px, py in points)


def _name_lines(curve: Curve) -> list[str]:
    """The panel's name, on two lines when long (split at an intersection's ``&``)."""
    size = "" if curve.n is None else f" (n = {curve.n:,.0f})"
    name = curve.label
    if len(name) + len(size) <= 26 or " & " not in name:
        return [name + size]
    head, tail = name.split(" & ", 1)
    return [head + " &", tail + size]


def _scales(panels: Panels, left: float, top: float) -> tuple[Any, Any]:
    """Data to drawing coordinates inside the panel whose corner is (left, top)."""
    lo, hi = panels.limits
    x0, y0 = left + _INSET[0], top + _INSET[1]
    x1, y1 = left + _PANEL_W - _INSET[2], top + _PANEL_H - _INSET[3]

    def sx(v: float) -> float:
        return x0 + (min(max(v, lo), hi) - lo) / (hi - lo) * (x1 - x0)

    def sy(v: float) -> float:
        return y1 - (min(max(v, lo), hi) - lo) / (hi - lo) * (y1 - y0)

    return sx, sy


def _context(curves: Sequence[Curve], panels: Panels, element_id: str) -> str:
    """All groups' curves in light grey, as a <defs> entry in panel coordinates."""
    sx, sy = _scales(panels, 0.0, 0.0)
    paths = [_path(c.x, c.y, sx, sy) for c in curves if not (c.hidden or c.small)]
    d = "".join(p for p in paths if p)
    if not d:
        return ""
    return (
        f'<defs><path id="{element_id}-ctx" d="{d}" fill="none" stroke="#c3c8cf" '
        'stroke-width="1"/></defs>'
    )


def _panel(curve: Curve, context: str, panels: Panels, left: float, top: float) -> list[str]:
    lo, hi = panels.limits
    x0, y0 = left + _INSET[0], top + _INSET[1]
    x1, y1 = left + _PANEL_W - _INSET[2], top + _PANEL_H - _INSET[3]
    sx, sy = _scales(panels, left, top)
    lines = _name_lines(curve)
    out = [_text(left + 4, top + 14 + 14 * i, t, font_weight="600") for i, t in enumerate(lines)]
    out.append(
        f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(x1 - x0)}" height="{_f(y1 - y0)}" '
        'fill="none" stroke="#d0d7de"/>'
    )
    for tick in _ticks(lo, hi, 2):
        out.append(_text(sx(tick), y1 + 14, f"{tick:g}", anchor="middle", fill="#57606a"))
        out.append(_text(x0 - 4, sy(tick) + 4, f"{tick:g}", anchor="end", fill="#57606a"))
    if panels.diagonal:
        out.append(
            f'<path d="M{_f(sx(lo))},{_f(sy(lo))}L{_f(sx(hi))},{_f(sy(hi))}" stroke="#999" '
            'stroke-dasharray="2 3"/>'
        )
    if context:
        # every group's curve in grey, drawn once in <defs> and placed in each panel
        out.append(f'<use href="#{context}" transform="translate({_f(left)} {_f(top)})"/>')
    if curve.hidden:
        out.append(_text(x0 + 6, (y0 + y1) / 2, curve.hidden, fill="#57606a", font_style="italic"))
        return out
    d = _path(curve.x, curve.y, sx, sy)
    dash = ' stroke-dasharray="5 3"' if curve.small else ""
    if d:
        out.append(f'<path d="{d}" fill="none" stroke="#0b3c6e" stroke-width="2.2"{dash}/>')
    if curve.small:
        out.append(_text(x1 - 4, y1 - 6, "few rows: read with care", anchor="end", fill="#57606a"))
    return out


def small_multiples(
    curves: Sequence[Curve], panels: Panels, *, title: str, description: str, element_id: str
) -> str:
    """One panel per group, each curve dark over the others in grey, as an inline SVG."""
    drawn = list(curves)[:MAX_PANELS]
    notes = list(panels.notes)
    if len(curves) > MAX_PANELS:
        notes.append(f"{len(curves) - MAX_PANELS} more groups not drawn (see the table)")
    rows = math.ceil(len(drawn) / _COLUMNS) or 1
    body = [_text(0, 15, title, size=13.5, font_weight="700")]
    body.append(_text(0, 33, f"Across: {panels.x_title}. Up: {panels.y_title}.", fill="#57606a"))
    defs = _context(drawn, panels, element_id)
    body.append(defs)
    context = f"{element_id}-ctx" if defs else ""
    top = 42.0
    for i, curve in enumerate(drawn):
        left = (i % _COLUMNS) * _PANEL_W
        body += _panel(curve, context, panels, left, top + (i // _COLUMNS) * _PANEL_H)
    bottom = top + rows * _PANEL_H
    for j, note in enumerate(notes):
        body.append(_text(0, bottom + 14 + 16 * j, note, size=FONT, fill="#57606a"))
    height = bottom + 16 * len(notes) + 8
    return svg_document(body, height, title=title, description=description, element_id=element_id)


__all__ = ["MAX_PANELS", "Curve", "Panels", "small_multiples"]
