"""Horizontal bar charts with interval whiskers, thresholds and status marks.

The one drawing primitive of fairscope's figures. It draws on a
:class:`matplotlib.axes.Axes` it is given and knows nothing about audits;
:mod:`fairscope.report._plots` decides what to draw. Figures are created
without pyplot, so no GUI backend is touched and nothing is kept in global
state; matplotlib is imported only when a figure is made.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from fairscope.report._svg_charts import STATUS_FILL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe-Ito palette (colour-blind safe), by status: the report's SVG charts' own.
STATUS_COLORS: dict[str, str] = STATUS_FILL
#: Hatch per status, so that the status does not rest on colour alone.
STATUS_HATCHES: dict[str, str] = {
    "FAIL": "xx",
    "WARN": "//",
    "INCONCLUSIVE": "--",  # dotted hatches would cost ~50 kB of SVG circles per bar group
    "SKIPPED": "",
    "WAIVED": "\\\\",
    "ERROR": "xx",
}
#: Most groups drawn in one figure; the rest are named in a note.
MAX_BARS = 40
_GREY = "#555555"


def as_number(value: Any) -> float:
    """``value`` as a float; NaN when it is None or not a number."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def plain(text: Any) -> str:
    """Text shown literally by matplotlib (a ``$`` in a group label is no math)."""
    return str(text).replace("$", r"\$")


def _bar(
    ax: Axes,
    y: float,
    value: float,
    interval: tuple[float, float],
    *,
    status: str,
    note: str,
    baseline: float,
) -> list[float]:
    """One group's bar, whisker and note; returns the x positions it occupies."""
    color = STATUS_COLORS.get(status, STATUS_COLORS[""])
    ax.barh(
        y,
        value - baseline,
        left=baseline,
        height=0.6,
        color=color,
        alpha=0.85,
        hatch=STATUS_HATCHES.get(status, ""),
        edgecolor="white" if status not in STATUS_HATCHES else "#333333",
        linewidth=0.5,
    )
    used = [value]
    lo, hi = interval
    if not (math.isnan(lo) or math.isnan(hi)):
        used += [lo, hi]
        # drawn as a line with caps: an interval need not contain its estimate
        ax.plot([lo, hi], [y, y], color="#222222", linewidth=1.2, marker="|", markersize=7)
    if note:
        # in a column right of the axes: never over a whisker, never clipped by the limits
        ax.text(
            1.01,
            y,
            note,
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color="#222222",
            clip_on=False,
        )
    return used


def _line_label(ax: Axes, x: float, text: str, color: str, size: float) -> None:
    ax.text(
        x,
        1.01,
        text,
        transform=ax.get_xaxis_transform(),
        fontsize=size,
        ha="center",
        va="bottom",
        color=color,
    )


def _threshold(ax: Axes, threshold: float, bound: str) -> None:
    """The threshold line, with the failing side shaded."""
    left, right = ax.get_xlim()
    if bound == "max":
        ax.axvspan(threshold, right, color=STATUS_COLORS["FAIL"], alpha=0.10, lw=0)
    else:
        ax.axvspan(left, threshold, color=STATUS_COLORS["FAIL"], alpha=0.10, lw=0)
    ax.axvline(threshold, color=STATUS_COLORS["FAIL"], linestyle="--", linewidth=1.2)
    _line_label(ax, threshold, f"threshold {threshold:g}", "#8a3300", 8)
    ax.set_xlim(left, right)


def _frame(
    ax: Axes, labels: Sequence[str], ys: list[int], xs: list[float], baseline: float
) -> None:
    """Ticks, axis limits that show every bar, whisker, note and line."""
    ax.set_yticks(ys, [plain(label) for label in labels[: len(ys)]])
    ax.axvline(baseline, color="#444444", linewidth=0.8)
    finite = [v for v in xs if not math.isnan(v)] or [baseline, baseline + 1]
    lo_x, hi_x = min(*finite, baseline), max(*finite, baseline)
    pad = (hi_x - lo_x) * 0.18 or 0.1
    ax.set_xlim(lo_x - pad * 0.3, hi_x + pad)


def _finish(ax: Axes, n: int, xlabel: str, title: str) -> None:
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(plain(xlabel))
    if title:
        ax.set_title(plain(title), fontsize=10, loc="left", pad=14)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def draw_bars(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[float],
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    *,
    statuses: Sequence[str] | None = None,
    suppressed: Sequence[bool] | None = None,
    suppress_note: str = "suppressed",
    reference_line: float | None = None,
    reference_label: str = "reference",
    reference_group: str | None = None,
    threshold: float | None = None,
    warn_threshold: float | None = None,
    bound: str = "min",
    baseline: float = 0.0,
    xlabel: str = "",
    title: str = "",
) -> None:
    """Horizontal bars (one per group) with interval whiskers, on ``ax``.

    Bars start at ``baseline`` (1 for ratios); ``threshold`` draws a line and
    shades the failing side (below it when ``bound="min"``, above when
    ``"max"``), ``warn_threshold`` a dotted line. Statuses colour and hatch the
    bars and are written next to them, so colour is never the only cue.
    Suppressed groups get no bar, only the note.
    """
    n = len(labels)
    if n > MAX_BARS:
        note = f"{n - MAX_BARS} more groups not drawn (see the table)"
        ax.text(0.0, -0.08, note, transform=ax.transAxes, fontsize=8, va="top")
        n = MAX_BARS
    statuses = list(statuses) if statuses is not None else [""] * n
    suppressed = list(suppressed) if suppressed is not None else [False] * n
    ys = list(range(n))[::-1]
    xs: list[float] = []
    for i, y in enumerate(ys):
        value = as_number(values[i])
        if suppressed[i] or math.isnan(value):
            text = suppress_note if suppressed[i] else "undefined"
            ax.text(baseline, y, f"  {text}", va="center", fontsize=8, color=_GREY)
            continue
        interval = (
            as_number(lower[i]) if lower is not None else math.nan,
            as_number(upper[i]) if upper is not None else math.nan,
        )
        status = statuses[i] or ""
        note = "reference" if labels[i] == reference_group else status
        xs += _bar(ax, y, value, interval, status=status, note=note, baseline=baseline)
    lines = [v for v in (threshold, warn_threshold, reference_line) if v is not None]
    _frame(ax, labels, ys, xs + [as_number(v) for v in lines], baseline)
    if threshold is not None and not math.isnan(as_number(threshold)):
        _threshold(ax, threshold, bound)
    if warn_threshold is not None and not math.isnan(as_number(warn_threshold)):
        ax.axvline(warn_threshold, color="#8a6100", linestyle=":", linewidth=1.2)
    if reference_line is not None and not math.isnan(as_number(reference_line)):
        ax.axvline(reference_line, color="#0072B2", linestyle="-.", linewidth=1)
        _line_label(ax, reference_line, plain(reference_label), "#0072B2", 7.5)
    _finish(ax, n, xlabel, title)


@cache
def _figure_class() -> type[Figure]:
    """A matplotlib Figure that shows itself in Jupyter (a PNG rich repr).

    Figures are made without pyplot (no GUI backend, no global list of figures),
    so IPython's pyplot display hook never sees them: without ``%matplotlib
    inline`` a notebook would print ``<Figure size ...>``. IPython shows any
    object with ``_repr_png_`` as an image, whatever the backend.
    """
    # matplotlib is optional and slow to import: loaded only when a figure is drawn
    from matplotlib.figure import Figure

    class AuditFigure(Figure):
        """A figure of an audit; displays itself as an image in notebooks."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
            return buffer.getvalue()

    # pickle finds the class by name through this module's __getattr__
    AuditFigure.__qualname__ = "AuditFigure"
    AuditFigure.__module__ = __name__
    return AuditFigure


def __getattr__(name: str) -> Any:
    if name == "AuditFigure":
        return _figure_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_figure(n_bars: int, width: float = 7.0, labels: Sequence[str] = ()) -> Figure:
    """A pyplot-free figure sized for ``n_bars`` horizontal bars labelled ``labels``.

    Margins are set from the label lengths instead of a layout engine, which
    would draw every figure twice.
    """
    height = 1.25 + 0.3 * min(max(n_bars, 1), MAX_BARS)
    fig = _figure_class()(figsize=(width, height))
    longest = max((len(str(label)) for label in labels), default=8)
    left = min(0.55, (0.3 + 0.085 * longest) / width)
    # the right margin holds the status words (up to "INCONCLUSIVE")
    fig.subplots_adjust(
        left=left, right=1 - 1.0 / width, top=1 - 0.5 / height, bottom=0.5 / height + 0.02
    )
    return fig


__all__ = [
    "MAX_BARS",
    "STATUS_COLORS",
    "STATUS_HATCHES",
    "as_number",
    "draw_bars",
    "new_figure",
    "plain",
]
