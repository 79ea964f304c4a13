"""Plain-text formatting of numbers, statuses and tables for the report views.

Everything here returns plain strings or dicts of plain strings; escaping is
left to the jinja2 templates (autoescape on), so no function builds markup.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from fairscope.core._findings import SEVERITY, Status

#: Status -> (icon, short explanation). The icon and word always travel with the colour.
from fairscope.core._registry import REGISTRY

STATUS_ICONS: dict[str, tuple[str, str]] = {
    "PASS": ("✔", "meets the threshold"),
    "WARN": ("⚠", "beyond the warning threshold"),
    "FAIL": ("✖", "violates the threshold"),
    "INCONCLUSIVE": ("?", "interval straddles the threshold: more data needed"),
    "SKIPPED": ("–", "group too small to judge"),
    "WAIVED": ("⊘", "failure covered by an active waiver"),
    "ERROR": ("‼", "the rule could not be evaluated"),
    "NOT JUDGED": ("○", "no policy rule covers this"),
}
#: Sort order of statuses, worst first.
SEVERITY_ORDER = {
    s: i
    for i, s in enumerate(
        ("ERROR", "FAIL", "INCONCLUSIVE", "WARN", "WAIVED", "SKIPPED", "PASS", "NOT JUDGED")
    )
}
#: Columns whose values are counts of rows (formatted as integers).
COUNT_COLUMNS = {"n", "n_reference", "count", "rows", "tn", "fp", "fn", "tp", "n_missing"}


def is_missing(value: Any) -> bool:
    """Whether a value is None or NaN."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, *, count: bool = False, digits: int = 3) -> str:
    """A number for a reader: ``"0.489"``, ``"1,209"``; ``"—"`` when missing."""
    if is_missing(value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if count or (x.is_integer() and abs(x) >= 1000):
        return f"{x:,.0f}"
    if x != 0 and abs(x) < 0.0005:
        # one style for every number (3 decimals): no scientific notation for tiny values
        return "< 0.001" if x > 0 else "> -0.001"
    if abs(x) >= 1000:
        return f"{x:,.1f}"
    return f"{x:.{digits}f}"


def fmt_interval(lower: Any, upper: Any) -> str:
    """``"0.461 – 0.517"``, or ``"—"`` when the interval is not available."""
    if is_missing(lower) or is_missing(upper):
        return "—"
    return f"{fmt_number(lower)} – {fmt_number(upper)}"


def fmt_p(value: Any) -> str:
    """A p-value: three significant digits, ``"< 0.001"`` below that."""
    if is_missing(value):
        return "—"
    x = float(value)
    return "< 0.001" if x < 0.001 else f"{x:.3g}"


def sort_key(value: Any) -> str:
    """A key for the table-sorting script: numbers as numbers, the rest as text."""
    if is_missing(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.8g}"
    return str(value)


def cell(
    text: Any,
    sort: Any = None,
    *,
    numeric: bool = False,
    cls: str = "",
    sub: str = "",
    href: str = "",
) -> dict[str, Any]:
    """One table cell; ``sub`` is a second, smaller line (e.g. an interval).

    ``href`` (an in-page ``#id`` only) links the second line, e.g. a finding to its
    metric's section.
    """
    return {
        "text": str(text),
        "sub": sub,
        "href": href if href.startswith("#") else "",
        "sort": sort_key(text if sort is None else sort),
        "numeric": numeric,
        "cls": cls,
        "status": None,
        "extra": "",
    }


def status_cell(status: str | None, extra: str = "") -> dict[str, Any]:
    """A status cell: icon, word and a CSS class (colour), never colour alone."""
    word = status or "NOT JUDGED"
    icon, meaning = STATUS_ICONS.get(word, ("•", ""))
    out = cell(word, sort=SEVERITY_ORDER.get(word, 99))
    out.update(
        icon=icon,
        status=word,
        title=meaning,
        extra=extra,
        badge="st st-" + word.lower().replace(" ", "-"),
    )
    return out


def frame_cells(
    frame: pd.DataFrame, suppressed_rows: Any = None, note: str = ""
) -> list[list[dict[str, Any]]]:
    """Rows of cells of a DataFrame; numeric cells of suppressed rows are replaced by ``note``."""
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns}
    whole = {
        c: numeric[c]
        and not pd.api.types.is_bool_dtype(frame[c])
        and bool(((frame[c].dropna() % 1) == 0).all())
        and frame[c].notna().any()
        for c in frame.columns
    }
    out = []
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        hide = suppressed_rows is not None and bool(suppressed_rows[i])
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if numeric[column] and not isinstance(value, bool):
                if hide:
                    cells.append(cell(note, sort="", numeric=True, cls="suppressed"))
                else:
                    count = (
                        whole[column]
                        or str(column) in COUNT_COLUMNS
                        or str(column).startswith("n_")
                    )
                    text = fmt_number(value, count=count)
                    cells.append(cell(text, sort=value, numeric=True))
            else:
                cells.append(cell("—" if is_missing(value) else value))
        out.append(cells)
    return out


OVERALL = "<overall>"

#: Most rows of a table printed in the report (the JSON has them all).
MAX_TABLE_ROWS = 200

MAX_PLOTTED_ROWS = 100

CURVE_TABLES = ("threshold_sweep", "calibration")

_FEATURE_COLUMNS = ("feature", "sensitive_feature", "feature_set")

_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def safe_link(value: Any) -> str | None:
    """The value as a link target when it is a plain http(s) URL, else None."""
    if isinstance(value, str) and _SAFE_URL.match(value.strip()):
        return value.strip()
    return None


def slug(text: str, used: set[str]) -> str:
    """A unique, safe HTML id from any text."""
    base = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40] or "s"
    out, i = base, 2
    while out in used:
        out, i = f"{base}-{i}", i + 1
    used.add(out)
    return out


def metric_label(name: str) -> str:
    metric = REGISTRY.get(name)
    return metric.label if metric is not None else str(name).replace("_", " ").capitalize()


#: Column names of the result's tables in a reader's words (the registry names metrics).
_COLUMN_WORDS = {
    "n": "n",
    "count": "Count",
    "share": "Share of rows",
    "base_rate": "Base rate",
    "roc_auc": "ROC AUC",
    "auc": "ROC AUC",
    "missing_rate": "Share missing",
    "n_missing": "Missing",
    "nmi": "Normalized mutual information",
    "mutual_information": "Mutual information",
    "uncertainty_coefficient": "Uncertainty coefficient",
    "p_value": "p-value",
    "p_value_adjusted": "Adjusted p-value",
    "is_reference": "Is reference",
    "is_proxy": "Flagged as proxy",
    "n_reference": "n (reference)",
    "n_positive": "Positives",
    "n_negative": "Negatives",
    "smd": "Standardized mean difference",
    "tvd": "Total variation distance",
    "ece": "Expected calibration error",
    "auc_binning_error_bound": "ROC AUC: most error from binning",
    "mean_score": "Mean score",
    "fraction_positive": "Share positive",
    "bin_lower": "Bin from",
    "bin_upper": "Bin to",
    "cv_folds": "Cross-validation folds",
    # the proxy classifier's: a standard error (one held-out fit) or a fold-to-fold SD
    "importance_std": "Importance: standard error (SD across folds if cross-validated)",
    "importance_rows": "Importance measured on rows",
    "lower": "Lower bound",
    "upper": "Upper bound",
}


def column_label(column: str) -> str:
    """A table column as a reader's words: the registry label, else the name in words."""
    entry = REGISTRY.get(column)
    if entry is not None:
        return str(entry.label)
    text = str(column)
    if text in _COLUMN_WORDS:
        return _COLUMN_WORDS[text]
    for suffix, words in (
        ("_lower", "lower bound"),
        ("_upper", "upper bound"),
        ("_se", "standard error"),
        ("_std", "standard deviation"),
    ):
        if text.endswith(suffix) and text != suffix:
            return f"{column_label(text[: -len(suffix)])}: {words}"
    return text.replace("_", " ").capitalize()


def worst(statuses: list[str]) -> str | None:
    """The worst status of a list (None when empty)."""
    known = [Status(s) for s in statuses if s]
    return min(known, key=SEVERITY.__getitem__).value if known else None


def _text(value: Any) -> str:
    if value is None:
        return "—"  # as in the tables: a reader should not see Python's None
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
