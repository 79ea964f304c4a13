"""The steps every engine reduction shares: weights, one flagged group-by, missing values.

Each reducer (confusion cells, K x K cells, score histograms and cells,
regression moments) asks the engine for one group-by over the sensitive
features, its own keys and flags of bad values, with sums beside the rows.
The weights' sums and checks, the group-by itself and the pandas path's
errors for missing values are written here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.engines._reduce import (
    ROWS,
    _key,
    finite_float,
    prepare,
    reduce_by_keys,
    require_column,
    require_features,
    sensitive_names,
)

__all__ = [
    "LabelTable",
    "check_negative_weights",
    "check_weight_dtype",
    "drop_missing",
    "flagged_reduce",
    "label_table",
    "weight_mask",
    "weight_terms",
]


def _plural(v: int) -> str:
    return "s" if v != 1 else ""


def drop_missing(
    table: pd.DataFrame, masks: dict[str, np.ndarray], dropna: bool, what: str
) -> tuple[pd.DataFrame, dict[str, int], int]:
    """Rows of the reduced table without missing values, or the pandas path's error.

    ``masks`` flags reduced rows by reason; counts are data rows (``ROWS``).
    """
    rows = table[ROWS].to_numpy()
    bad = {k: int(rows[m].sum()) for k, m in masks.items() if m.any()}
    if not bad:
        return table, {}, 0
    parts = ", ".join(
        f"{k} has {v} missing{' or non-finite' if k == 'sample_weight' else ''} value{_plural(v)}"
        for k, v in bad.items()
    )
    if not dropna:
        raise ValueError(
            f"{parts}; fix the data or pass dropna=True to drop those rows "
            "(the dropped count is recorded on the result)."
        )
    any_bad = np.logical_or.reduce(list(masks.values()))
    kept = table[~any_bad].reset_index(drop=True)
    if len(kept) == 0:
        raise ValueError(
            f"every row has a missing {what} ({parts}); nothing is left to audit after dropna=True."
        )
    return kept, {f"missing {k}": v for k, v in bad.items()}, int(rows[any_bad].sum())


def check_negative_weights(table: pd.DataFrame, column: str = "__neg") -> None:
    """Negative weights raise, as in the pandas path (the engine counted them in ``column``)."""
    negative = int(table[column].sum())
    if negative:
        raise ValueError(
            f"sample_weight has {negative} negative value{_plural(negative)}; weights must be >= 0."
        )


def check_weight_dtype(frame: Any, column: str) -> None:
    """Weights must be numeric (not boolean), as in the pandas path."""
    dtype = frame.collect_schema()[column]
    if not dtype.is_numeric() or dtype == __import__("narwhals").Boolean:
        raise ValueError(f"sample_weight must be numeric; got dtype {dtype}. Convert it to float.")


def weight_terms(
    frame: Any, sample_weight: str, columns: list[str], data: Any
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The weight expression, its bad-value flag, and the sums every weighted reduction needs.

    Validates the column first (present, numeric). The sums are the weight
    ``__w``, its square ``__w2`` (for Kish's effective sample size) and
    ``__neg``, the rows with a negative weight (which :func:`flagged_reduce`
    refuses).
    """
    import narwhals as nw

    require_column(sample_weight, "sample_weight", columns, data)
    check_weight_dtype(frame, sample_weight)
    w, bad = finite_float(sample_weight)
    sums = {"__w": w, "__w2": w * w, "__neg": (w < 0).fill_null(False).cast(nw.Float64)}
    return w, {"__w_bad": bad}, sums


def flagged_reduce(
    frame: Any,
    keys: list[str],
    flags: dict[str, Any],
    sums: dict[str, Any],
) -> tuple[pd.DataFrame, int]:
    """One group-by in the engine over ``keys`` and the ``flags``, summing ``sums``.

    Returns the reduced table (keys as ``__key0...``, flags under their own
    names) and the number of rows read. Empty data raises, and so do negative
    weights when ``sums`` counted them (``__neg``), as in the pandas path.
    """
    flagged = frame.with_columns(**flags) if flags else frame
    table = reduce_by_keys(flagged, [*keys, *flags], sums, list(sums))
    table = table.rename(columns={_key(len(keys) + j): name for j, name in enumerate(flags)})
    n_rows = int(table[ROWS].sum())
    if n_rows == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")
    if "__neg" in sums:
        check_negative_weights(table)
    return table, n_rows


def weight_mask(table: pd.DataFrame) -> np.ndarray:
    """The reduced rows whose weight is missing or not finite (flag of :func:`weight_terms`)."""
    return np.asarray(table["__w_bad"].astype(bool).to_numpy())


@dataclass(frozen=True, eq=False)
class LabelTable:
    """Rows reduced to one entry per (groups, label, prediction), missing values handled.

    ``table`` holds the sensitive features as ``__key0...``, the label and the
    prediction in the columns named ``y_true`` and ``y_pred`` here, the rows
    (:data:`ROWS`) and, with weights, ``__w`` and ``__w2``.
    """

    table: pd.DataFrame
    features: list[str]
    y_true: str
    y_pred: str
    n_rows: int
    dropped: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0
    engine: str = ""


def label_table(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: Any,
    *,
    sample_weight: str | None,
    dropna: bool,
    what: str,
) -> LabelTable:
    """One engine pass over (sensitive features, label, prediction): the classification reduce.

    Missing labels, predictions or weights raise the pandas path's error (``what``
    names them), or are dropped and counted with ``dropna=True``.
    """
    frame, columns, engine = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    true_col = require_column(y_true, "y_true", columns, data)
    pred_col = require_column(y_pred, "y_pred", columns, data)
    flags: dict[str, Any] = {}
    sums: dict[str, Any] = {}
    if sample_weight is not None:
        _, flags, sums = weight_terms(frame, sample_weight, columns, data)
    table, n_rows = flagged_reduce(frame, [*features, true_col, pred_col], flags, sums)
    yt, yp = _key(len(features)), _key(len(features) + 1)
    masks = {"y_true": table[yt].isna().to_numpy(), "y_pred": table[yp].isna().to_numpy()}
    if sample_weight is not None:
        masks["sample_weight"] = weight_mask(table)
    table, dropped, n_dropped = drop_missing(table, masks, dropna, what)
    return LabelTable(table, list(features), yt, yp, n_rows, dropped, n_dropped, engine)
