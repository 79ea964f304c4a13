"""Regression moments: the sufficient statistics of a regression audit.

Per group, a handful of (weighted) sums of targets ``y``, predictions ``yhat``
and residuals ``y - yhat`` give every regression metric (mean prediction, mean
target, mean error, MAE, RMSE, R^2) and the standard errors of the means. The
numpy path reduces rows with one ``bincount`` per moment
(:func:`reduce_moments`); engines sum the same moments in one group-by
(:func:`fairscope.engines.regression_moments`). Both give this one type.

Targets and predictions are summed after subtracting :attr:`RegressionMoments.center`
(residuals are unchanged), so sums of squares keep their precision when targets
are large (prices); :meth:`RegressionMoments.centred` moves the centre to the
pooled mean target, as the regression tables use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fairscope.core._statistics import (
    EngineProvenance,
    as_array,
    features_of,
    groups_from_list,
    groups_to_list,
    plain,
)

#: The moments, in column order of :attr:`RegressionMoments.sums`. ``residual =
#: y_true - y_pred``; ``y`` and ``yhat`` are centred on :attr:`RegressionMoments.center`.
#: With weights, ``n`` is the sum of weights and every ``sum_*`` is weighted.
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
(
    N,
    SUM_Y,
    SUM_Y2,
    SUM_YHAT,
    SUM_YHAT2,
    SUM_RESIDUAL,
    SUM_RESIDUAL2,
    SUM_ABS_RESIDUAL,
    SUM_Y_YHAT,
) = range(len(MOMENTS))


@dataclass(frozen=True, eq=False)
class RegressionMoments(EngineProvenance):
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
    center : float, default 0
        Subtracted from targets and predictions before they were summed.
    has_weights, orders
        Whether weights were summed; declared order of categorical features.
    n_rows, dropped, n_dropped, missing_sensitive, engine
        Keyword-only provenance (see :class:`~fairscope.core._statistics.EngineProvenance`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> m = reduce_moments([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], np.array([0, 0, 1]),
    ...                    pd.Index(["a", "b"], name="g"))
    >>> m.to_frame()[["rows", "n", "sum_abs_residual"]]
       rows    n  sum_abs_residual
    g
    a     2  2.0               0.5
    b     1  1.0               1.0
    """

    features: tuple[str, ...]
    groups: pd.Index
    sums: np.ndarray
    rows: np.ndarray
    squared_weights: np.ndarray
    center: float = 0.0
    has_weights: bool = False
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    PER_GROUP: ClassVar[tuple[str, ...]] = ("sums", "rows", "squared_weights")
    NOUN: ClassVar[str] = "moments"

    def __post_init__(self) -> None:
        if self.sums.shape != (len(self.groups), len(MOMENTS)):
            raise ValueError(
                f"RegressionMoments.sums must have shape {(len(self.groups), len(MOMENTS))}"
            )

    @property
    def group_rows(self) -> np.ndarray:
        """Rows per group (unweighted)."""
        return self.rows

    def column(self, name: str) -> np.ndarray:
        """One moment per group, by name (see :data:`MOMENTS`)."""
        return self.sums[:, MOMENTS.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """The moments as a DataFrame indexed by group, with a ``rows`` column first."""
        frame = pd.DataFrame(self.sums, index=self.groups.copy(), columns=list(MOMENTS))
        frame.insert(0, "rows", self.rows)
        return frame

    def overall(self) -> np.ndarray:
        """Moments over all groups, shape (len(MOMENTS),)."""
        return np.asarray(self.sums.sum(axis=0))

    def with_total(self, label: str) -> RegressionMoments:
        """These moments with one more group, ``label``, holding the sums over all groups.

        The groups become one flat ``group`` level of string labels (tables' order).
        """
        labels = [*map(str, self.groups), label]
        return replace(
            self,
            features=("group",),
            groups=pd.Index(labels, name="group", dtype=object),
            sums=np.vstack([self.sums, self.sums.sum(axis=0)]),
            rows=np.r_[self.rows, self.rows.sum()],
            squared_weights=np.r_[self.squared_weights, self.squared_weights.sum()],
        )

    def recentred(self, center: float) -> RegressionMoments:
        """The same moments with targets and predictions centred on ``center`` instead."""
        w, sy, syy, sp, spp, _, _, _, syp = self.sums.T
        d = center - self.center
        sums = self.sums.copy()
        sums[:, SUM_Y] = sy - d * w
        sums[:, SUM_YHAT] = sp - d * w
        sums[:, SUM_Y2] = syy - 2 * d * sy + d * d * w
        sums[:, SUM_YHAT2] = spp - 2 * d * sp + d * d * w
        sums[:, SUM_Y_YHAT] = syp - d * (sy + sp) + d * d * w
        return replace(self, sums=sums, center=float(center))

    def centred(self) -> RegressionMoments:
        """The same moments centred on the pooled (weighted) mean target."""
        w, sy = self.sums[:, N], self.sums[:, SUM_Y]
        total = w.sum()
        center = float(self.center + sy.sum() / total) if total > 0 else 0.0
        return self.recentred(center)

    def combine(self, other: RegressionMoments) -> RegressionMoments:
        """Add the moments of another partition (centred on this one's centre).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> g = pd.Index(["a"], name="g")
        >>> a = reduce_moments([1.0, 3.0], [1.0, 2.0], np.array([0, 0]), g)
        >>> b = reduce_moments([5.0], [4.0], np.array([0]), g)
        >>> float(a.combine(b).centred().column("sum_y")[0])
        0.0
        """
        other = other.recentred(self.center)
        return replace(self, **self._summed_with(other), **self._provenance_with(other))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (see :meth:`from_dict`)."""
        return {
            "features": list(self.features),
            "groups": groups_to_list(self.groups),
            "sums": plain(self.sums),
            "rows": plain(self.rows),
            "squared_weights": plain(self.squared_weights),
            "center": float(self.center),
            "has_weights": bool(self.has_weights),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegressionMoments:
        """The moments :meth:`to_dict` wrote."""
        features = tuple(data["features"])
        n_groups = len(data["groups"])
        return cls(
            features,
            groups_from_list(data["groups"], features),
            sums=as_array(data["sums"], "float64").reshape(n_groups, len(MOMENTS)),
            rows=as_array(data["rows"], "int64").reshape(n_groups),
            squared_weights=as_array(data["squared_weights"], "float64").reshape(n_groups),
            center=float(data["center"]),
            has_weights=bool(data["has_weights"]),
        )


def reduce_moments(
    y_true: Any,
    y_pred: Any,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: Any = None,
    *,
    center: float | None = None,
    orders: dict[str, tuple[str, ...]] | None = None,
) -> RegressionMoments:
    """Reduce rows to per-group regression moments, one ``bincount`` per moment.

    Parameters
    ----------
    y_true, y_pred : array-like of float
        Finite targets and predictions.
    codes : ndarray of int
        Group code of each row, in ``range(len(groups))``.
    groups : pandas.Index
        Group labels.
    sample_weight : array-like of float, optional
        Non-negative weight of each row.
    center : float, optional
        Subtracted from targets and predictions before summing; default the
        pooled (weighted) mean target.
    orders : dict, optional
        Declared order of categorical features.

    Returns
    -------
    RegressionMoments

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> m = reduce_moments([1.0, 3.0], [2.0, 2.0], np.array([0, 1]), pd.Index(["a", "b"]))
    >>> m.center, m.column("sum_residual").tolist()
    (2.0, [-1.0, 1.0])
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if center is None:
        total = w.sum()
        center = float((w * y).sum() / total) if total > 0 else 0.0
    yc, pc = y - center, p - center
    r = y - p
    codes = np.asarray(codes, dtype=np.int64)
    g = len(groups)
    columns = (w, w * yc, w * yc * yc, w * pc, w * pc * pc, w * r, w * r * r, w * np.abs(r))
    sums = np.column_stack(
        [np.bincount(codes, weights=v, minlength=g) for v in columns]
        + [np.bincount(codes, weights=w * yc * pc, minlength=g)]
    )
    rows = np.bincount(codes, minlength=g).astype(np.int64)
    squared = np.bincount(codes, weights=w * w, minlength=g)
    return RegressionMoments(
        features_of(groups),
        groups,
        sums=sums,
        rows=rows,
        squared_weights=squared,
        center=float(center),
        has_weights=sample_weight is not None,
        orders=dict(orders or {}),
        n_rows=len(y),
    )
