"""Per-group regression moments, computed by the engine holding the data.

Regression fairness metrics (mean error, MAE, RMSE, R², mean prediction...) per
group are functions of a few sums per group; this is their sufficient statistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.engines._confusion import check_negative_weights, check_weight_dtype, drop_missing
from fairscope.engines._grouped import marginal_positions, sum_into
from fairscope.engines._reduce import (
    ROWS,
    _key,
    encode_key_groups,
    finite_float,
    prepare,
    reduce_by_keys,
    require_column,
    require_features,
    sensitive_names,
)

#: The moments, in column order. ``residual = y_true - y_pred``. With weights,
#: ``n`` is the sum of weights and every ``sum_*`` is weighted (``sum w * y``...).
MOMENTS = (
    "n",
    "sum_y",
    "sum_y2",
    "sum_yhat",
    "sum_yhat2",
    "sum_residual",
    "sum_residual2",
    "sum_abs_residual",
    "sum_y_yhat",
)


@dataclass(frozen=True, eq=False)
class RegressionMoments:
    """Sums per group from which regression metrics are computed.

    Attributes
    ----------
    features : tuple of str
    groups : pandas.Index or pandas.MultiIndex
        Same labels and order as the binary path's groups.
    sums : ndarray of float, shape (n_groups, len(MOMENTS))
        Columns :data:`MOMENTS`; e.g. the MAE of group ``g`` is
        ``sums[g, 7] / sums[g, 0]``.
    rows : ndarray of int, shape (n_groups,)
        Rows per group (unweighted).
    squared_weights : ndarray of float, shape (n_groups,)
        Sum of squared weights per group (``rows`` without weights), for Kish's
        effective sample size.
    has_weights, n_rows, dropped, n_dropped, missing_sensitive, engine
        As on :class:`fairscope.engines.EngineCounts`.
    """

    features: tuple[str, ...]
    groups: pd.Index
    sums: np.ndarray
    rows: np.ndarray
    squared_weights: np.ndarray
    has_weights: bool = False
    n_rows: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0
    missing_sensitive: dict[str, int] = field(default_factory=dict)
    engine: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The moments as a DataFrame indexed by group, with a ``rows`` column first."""
        frame = pd.DataFrame(self.sums, index=self.groups.copy(), columns=list(MOMENTS))
        frame.insert(0, "rows", self.rows)
        return frame

    def overall(self) -> np.ndarray:
        """Moments over all groups, shape (len(MOMENTS),)."""
        return self.sums.sum(axis=0)

    def marginal(self, feature: str | list[str]) -> RegressionMoments:
        """Moments of one feature (or a subset) on its own, summed over the others."""
        wanted = [feature] if isinstance(feature, str) else list(feature)
        if wanted == list(self.features):
            return self
        order, position = marginal_positions(self.groups, self.features, wanted)
        return RegressionMoments(
            tuple(wanted),
            order,
            sums=sum_into(position, len(order), self.sums),
            rows=sum_into(position, len(order), self.rows),
            squared_weights=sum_into(position, len(order), self.squared_weights),
            has_weights=self.has_weights,
            n_rows=self.n_rows,
            dropped=dict(self.dropped),
            n_dropped=self.n_dropped,
            missing_sensitive={k: v for k, v in self.missing_sensitive.items() if k in wanted},
            engine=self.engine,
        )


def regression_moments(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: str | list[str],
    *,
    sample_weight: str | None = None,
    dropna: bool = False,
    shift: float = 0.0,
) -> RegressionMoments:
    """Per-group regression moments (:data:`MOMENTS`), computed inside the data's engine.

    Parameters
    ----------
    data : any data accepted by :func:`fairscope.engines.confusion_counts` (pandas too).
    y_true, y_pred : str
        Column names of the numeric targets and predictions.
    sensitive_features : str or list of str
    sample_weight : str, optional
    dropna : bool, default False
        Drop (and count) rows with a missing or non-finite target, prediction or
        weight instead of raising.
    shift : float, default 0
        Subtracted from targets and predictions before ``sum_y``, ``sum_y2``,
        ``sum_yhat``, ``sum_yhat2`` and ``sum_y_yhat`` are summed (residuals are
        unchanged); a value near the mean target keeps sums of squares precise
        when targets are large (e.g. prices).

    Returns
    -------
    RegressionMoments

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.engines import regression_moments
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "p": [1.5, 2.0, 2.0], "g": list("aab")})
    >>> m = regression_moments(df, "y", "p", "g").to_frame()
    >>> m[["rows", "n", "sum_abs_residual"]]
       rows    n  sum_abs_residual
    g
    a     2  2.0               0.5
    b     1  1.0               1.0
    """
    import narwhals as nw

    frame, columns, engine = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, columns)
    schema = frame.collect_schema()
    for argument, name in (("y_true", y_true), ("y_pred", y_pred)):
        require_column(name, argument, columns, data)
        if not schema[name].is_numeric() or schema[name] == nw.Boolean:
            raise ValueError(
                f"{argument}={name!r} must be numeric for a regression audit; got dtype "
                f"{schema[name]}."
            )
    y, y_bad = finite_float(y_true)
    yhat, yhat_bad = finite_float(y_pred)
    flags = {"__y_bad": y_bad, "__yhat_bad": yhat_bad}
    r = y - yhat
    if shift:
        y, yhat = y - float(shift), yhat - float(shift)
    values = [nw.lit(1.0), y, y * y, yhat, yhat * yhat, r, r * r, r.abs(), y * yhat]
    sums: dict[str, Any]
    if sample_weight is None:
        sums = {f"__{m}": v for m, v in zip(MOMENTS, values, strict=True)}
    else:
        require_column(sample_weight, "sample_weight", columns, data)
        check_weight_dtype(frame, sample_weight)
        w, w_bad = finite_float(sample_weight)
        flags["__w_bad"] = w_bad
        sums = {f"__{m}": w * v for m, v in zip(MOMENTS, values, strict=True)}
        sums["__w2"] = w * w
        sums["__neg"] = (w < 0).fill_null(False).cast(nw.Float64)
    flagged = frame.with_columns(**flags)
    table = reduce_by_keys(flagged, [*features, *flags], sums, list(sums))
    k = len(features)
    table = table.rename(columns={_key(k + j): name for j, name in enumerate(flags)})
    n_rows = int(table[ROWS].sum())
    if n_rows == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")
    if sample_weight is not None:
        check_negative_weights(table)
    masks = {
        "y_true": table["__y_bad"].astype(bool).to_numpy(),
        "y_pred": table["__yhat_bad"].astype(bool).to_numpy(),
    }
    if sample_weight is not None:
        masks["sample_weight"] = table["__w_bad"].astype(bool).to_numpy()
    table, dropped, n_dropped = drop_missing(table, masks, dropna, "y_true, y_pred or weight")
    groups, missing = encode_key_groups(table, features)
    n_groups = len(groups.index)
    moment_sums = table[[f"__{m}" for m in MOMENTS]].to_numpy(dtype=float)
    rows = sum_into(groups.codes, n_groups, table[ROWS].to_numpy())
    if sample_weight is None:
        squared = rows.astype(float)
    else:
        squared = sum_into(groups.codes, n_groups, table["__w2"].to_numpy())
    return RegressionMoments(
        tuple(features),
        groups.index,
        sums=sum_into(groups.codes, n_groups, moment_sums),
        rows=rows,
        squared_weights=squared,
        has_weights=sample_weight is not None,
        n_rows=n_rows,
        dropped=dropped,
        n_dropped=n_dropped,
        missing_sensitive=missing,
        engine=engine,
    )
