"""Report charts written as SVG text straight from the chart data, without matplotlib.

Why not matplotlib: the COMPAS report has about forty charts, and matplotlib spent
0.05-0.2 s of CPU on each (figure, layout, SVG backend, then parsing the SVG back to
sanitize it); writing the few rectangles, lines and words directly costs well under
a millisecond each and touches no global state, so reports render the same from
several threads (``benchmarks/bench_report.py`` measures both).

The charts are laid out for a phone first: one row per group with its name on its own
line above the bar (long intersection names are never clipped), the value and the
status in a column of their own at the right (never over an interval whisker), and
every text at least 12 user units in a 440-unit-wide drawing, which is at least 9 CSS
px on a 390 px screen. Status is carried by a word and a hatch as well as a colour, so
the charts read in grayscale. Every string from the data is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from fairscope.core._text_safety import html_escaped as escape

#: Width of every chart in SVG user units; CSS scales it to the column (see report.css).
WIDTH = 440.0
#: Smallest font size used (user units): 9 CSS px at the 366 px a 390 px phone leaves.
FONT = 12.0
_VALUE_COLUMN = 62.0  # right-hand column: the value (the status goes on the name line)
_ROW = 34.0  # one group: its name on one line, its bar on the next
_TOP = 40.0  # title and line labels
_AXIS = 38.0  # tick labels and the axis title
_INK, _MUTED, _GRID = "#1b1f24", "#57606a", "#d0d7de"

#: Okabe-Ito colours (colour-blind safe) by status; the hatch and the word carry it too.
STATUS_FILL: dict[str, str] = {
    "PASS": "#009E73",
    "WARN": "#E69F00",
    "FAIL": "#D55E00",
    "INCONCLUSIVE": "#56B4E9",
    "SKIPPED": "#999999",
    "WAIVED": "#CC79A7",
    "ERROR": "#000000",
    "": "#0072B2",
}
#: Hatch patterns (SVG path data in an 6x6 tile) that tell statuses apart without colour.
_HATCH: dict[str, str] = {
    "FAIL": "M0,0L6,6M6,0L0,6",
    "WARN": "M0,6L6,0",
    "INCONCLUSIVE": "M0,3L6,3",
    "WAIVED": "M0,0L6,6",
}


@dataclass(frozen=True)
class Bar:
    """One group's row of a bar chart."""

    label: str
    value: float
    lower: float = math.nan
    upper: float = math.nan
    status: str = ""
    n: float | None = None
    #: Shown instead of a bar (``"suppressed (n < 20)"``); empty when the bar is drawn.
    hidden: str = ""
    #: Below the audit's minimum group size: drawn faint and outlined, and said so.
    small: bool = False
    is_reference: bool = False


@dataclass(frozen=True)
class Axis:
    """What the horizontal axis of a bar chart shows, and the lines drawn across it."""

    title: str
    baseline: float = 0.0
    signed: bool = False  # differences: values are written with their sign
    threshold: float | None = None
    warn_threshold: float | None = None
    bound: str = "min"  # the failing side of the threshold: below ("min") or above ("max")
    reference_value: float | None = None
    reference_label: str = ""
    #: Two-sided rules: the acceptable range; both sides outside it are shaded.
    band: tuple[float, float] | None = None


def _num(value: float, signed: bool = False) -> str:
    """A chart number: 3 significant decimals, a real minus sign, ``+`` when asked."""
    if value is None or math.isnan(value):
        return "—"
    text = f"{value:+.3f}" if signed else f"{value:.3f}"
    if abs(value) >= 100:
        text = f"{value:+,.0f}" if signed else f"{value:,.0f}"
    return text.replace("-", "−")


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, text: str, *, size: float = FONT, anchor: str = "start", **kw: str
) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in kw.items())
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" text-anchor="{anchor}"{attrs}>'
        f"{escape(text, quote=False)}</text>"
    )


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick positions covering ``[lo, hi]`` (1, 2, 2.5 or 5 times a power of ten)."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _limits(bars: Sequence[Bar], axis: Axis) -> tuple[float, float]:
    """Axis limits showing every drawn bar, whisker and line (small groups do not stretch it)."""
    xs = [axis.baseline]
    for bar in bars:
        if bar.hidden or math.isnan(bar.value):
            continue
        xs.append(bar.value)
        if not bar.small:
            xs += [v for v in (bar.lower, bar.upper) if not math.isnan(v) and math.isfinite(v)]
    for line in (axis.threshold, axis.warn_threshold, axis.reference_value, *(axis.band or ())):
        if line is not None and math.isfinite(line):
            xs.append(line)
    lo, hi = min(xs), max(xs)
    pad = (hi - lo) * 0.06 or 0.1
    return lo - pad, hi + pad


def _defs(element_id: str) -> str:
    patterns = "".join(
        f'<pattern id="{element_id}-h-{status.lower()}" width="6" height="6" '
        f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{STATUS_FILL[status]}"/>'
        f'<path d="{path}" stroke="#1b1f24" stroke-width="0.8"/></pattern>'
        for status, path in _HATCH.items()
    )
    return f"<defs>{patterns}</defs>"


def _fill(status: str, element_id: str) -> str:
    if status in _HATCH:
        return f"url(#{element_id}-h-{status.lower()})"
    return STATUS_FILL.get(status, STATUS_FILL[""])


class _Scale:
    def __init__(self, lo: float, hi: float, left: float, right: float) -> None:
        self.lo, self.hi, self.left, self.right = lo, hi, left, right

    def __call__(self, value: float) -> float:
        value = min(max(value, self.lo), self.hi)  # a whisker to infinity stops at the edge
        return self.left + (value - self.lo) / (self.hi - self.lo) * (self.right - self.left)


def _row(bar: Bar, y: float, x: _Scale, axis: Axis, element_id: str) -> list[str]:
    """A group's name line and bar line, starting at ``y``."""
    size = "" if bar.n is None or math.isnan(bar.n) else f"n = {bar.n:,.0f}"
    status = "reference" if bar.is_reference else ("small group" if bar.small else bar.status)
    out = [_text(0, y + 13, bar.label, font_weight="600")]
    right = " · ".join(w for w in (status, size) if w)
    if right:
        out.append(_text(WIDTH, y + 13, right, anchor="end", fill=_INK if status else _MUTED))
    mid = y + 25
    if bar.hidden or math.isnan(bar.value):
        out.append(
            _text(x.left, mid + 4, bar.hidden or "undefined", fill=_MUTED, font_style="italic")
        )
        return out
    start, end = sorted((x(axis.baseline), x(bar.value)))
    opacity = ' fill-opacity="0.25" stroke="#57606a" stroke-dasharray="3 2"' if bar.small else ""
    out.append(
        f'<rect x="{_f(start)}" y="{_f(mid - 6)}" width="{_f(max(end - start, 0.8))}" '
        f'height="12" fill="{_fill(bar.status, element_id)}"{opacity}/>'
    )
    if not (math.isnan(bar.lower) or math.isnan(bar.upper)) and not bar.small:
        lo, hi = x(bar.lower), x(bar.upper)
        out.append(
            f'<path d="M{_f(lo)},{_f(mid)}H{_f(hi)}M{_f(lo)},{_f(mid - 5)}V{_f(mid + 5)}'
            f'M{_f(hi)},{_f(mid - 5)}V{_f(mid + 5)}" stroke="{_INK}" stroke-width="1.3"/>'
        )
    out.append(_text(WIDTH, mid + 4, _num(bar.value, axis.signed), anchor="end", font_weight="600"))
    return out


def _lines(axis: Axis, x: _Scale, top: float, bottom: float) -> list[str]:
    """Baseline, threshold (failing side shaded), warning and reference lines with labels."""
    out = [
        f'<path d="M{_f(x(axis.baseline))},{_f(top)}V{_f(bottom)}" stroke="#444" stroke-width="1"/>'
    ]
    if axis.threshold is not None and math.isfinite(axis.threshold):
        t = x(axis.threshold)
        left, right = (t, x.right) if axis.bound == "max" else (x.left, t)
        out.append(
            f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(right - left)}" '
            f'height="{_f(bottom - top)}" fill="{STATUS_FILL["FAIL"]}" fill-opacity="0.10"/>'
            f'<path d="M{_f(t)},{_f(top)}V{_f(bottom)}" stroke="#8a3300" stroke-width="1.3" '
            'stroke-dasharray="5 3"/>'
        )
        out.append(
            _text(t, top - 4, f"threshold {axis.threshold:g}", anchor="middle", fill="#8a3300")
        )
    if axis.band is not None:
        out += _band(axis.band, x, top, bottom)
    if axis.warn_threshold is not None and math.isfinite(axis.warn_threshold):
        w = x(axis.warn_threshold)
        out.append(
            f'<path d="M{_f(w)},{_f(top)}V{_f(bottom)}" stroke="#8a6100" stroke-width="1.2" '
            'stroke-dasharray="1.5 2.5"/>'
        )
    if axis.reference_value is not None and math.isfinite(axis.reference_value):
        r = x(axis.reference_value)
        out.append(
            f'<path d="M{_f(r)},{_f(top)}V{_f(bottom)}" stroke="#0072B2" stroke-width="1.2" '
            'stroke-dasharray="6 2 1.5 2"/>'
        )
        if axis.threshold is None:
            out.append(_text(r, top - 4, axis.reference_label, anchor="middle", fill="#005a8c"))
    return out


def _band(band: tuple[float, float], x: _Scale, top: float, bottom: float) -> list[str]:
    """A two-sided rule's limits: dashed lines, the failing sides outside them shaded."""
    out = []
    low, high = band
    for edge, (start, end) in ((low, (x.left, x(low))), (high, (x(high), x.right))):
        if not math.isfinite(edge):
            continue
        out.append(
            f'<rect x="{_f(start)}" y="{_f(top)}" width="{_f(max(end - start, 0))}" '
            f'height="{_f(bottom - top)}" fill="{STATUS_FILL["FAIL"]}" fill-opacity="0.10"/>'
            f'<path d="M{_f(x(edge))},{_f(top)}V{_f(bottom)}" stroke="#8a3300" '
            'stroke-width="1.3" stroke-dasharray="5 3"/>'
        )
    words = f"limits {low:+g} and {high:+g}" if low < 0 else f"limits {low:.3g} and {high:.3g}"
    out.append(
        _text(
            (x(low) + x(high)) / 2,
            top - 4,
            words.replace("-", "−"),
            anchor="middle",
            fill="#8a3300",
        )
    )
    return out


def _axis(axis: Axis, x: _Scale, bottom: float) -> list[str]:
    out = []
    for tick in _ticks(x.lo, x.hi):
        px = x(tick)
        out.append(
            f'<path d="M{_f(px)},{_f(_TOP)}V{_f(bottom)}" stroke="{_GRID}" stroke-width="0.6"/>'
        )
        label = f"{tick:+g}" if axis.signed and tick else f"{tick:g}"
        out.append(_text(px, bottom + 14, label.replace("-", "−"), anchor="middle", fill=_MUTED))
    out.append(_text(x.left, bottom + 31, axis.title, fill=_INK))
    return out


def svg_document(
    body: list[str], height: float, *, title: str, description: str, element_id: str
) -> str:
    """Wrap chart elements in an accessible inline ``<svg>`` (role, title and description)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(WIDTH)} {_f(height)}" '
        f'role="img" class="fs-plot fs-chart" aria-labelledby="{element_id}-title {element_id}-desc">'
        f'<title id="{element_id}-title">{escape(title, quote=False)}</title>'
        f'<desc id="{element_id}-desc">{escape(description, quote=False)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    bars: Sequence[Bar],
    axis: Axis,
    *,
    title: str,
    description: str,
    element_id: str,
    note: str = "",
) -> str:
    """Horizontal bars with interval whiskers, one row per group, as an inline SVG.

    ``axis.threshold`` draws a dashed line and shades the failing side; the value
    (signed for differences) and the status are written in a column of their own.
    """
    rows = list(bars)
    lo, hi = _limits(rows, axis)
    x = _Scale(lo, hi, 4.0, WIDTH - _VALUE_COLUMN)
    bottom = _TOP + _ROW * len(rows)
    body = [_defs(element_id), _text(0, 15, title, size=13.5, font_weight="700")]
    body += _axis(axis, x, bottom)
    body += _lines(axis, x, _TOP, bottom)
    for i, bar in enumerate(rows):
        body += _row(bar, _TOP + _ROW * i, x, axis, element_id)
    height = bottom + _AXIS
    if note:
        body.append(_text(0, height + 6, note, fill=_MUTED))
        height += 16
    return svg_document(body, height, title=title, description=description, element_id=element_id)


__all__ = ["FONT", "STATUS_FILL", "WIDTH", "Axis", "Bar", "bar_chart", "svg_document"]
