"""Sufficient statistics of regression and scored binary audits, reduced by the engine.

:func:`fairscope.audit_predictions` calls these for engine data so only per-group
tables come back to Python: regression moments (:func:`regression_statistics`)
and score histograms by label (:func:`score_statistics`). What they return is
what the pandas path reduces from its rows, so the audit tables are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairscope.engines.moments import regression_moments
from fairscope.engines.reduce import finite_float, prepare


@dataclass(frozen=True, eq=False)
class Reduced:
    """What an audit's metadata records about the rows an engine reduced.

    Stands in for the pandas path's resolved rows and encoded groups:
    ``n_rows``, ``n_dropped``, ``dropped``, ``weight`` (None without weights),
    ``features`` and ``missing`` (rows in the ``"<missing>"`` group per feature).
    """

    n_rows: int
    n_dropped: int
    dropped: dict[str, int]
    weight: Any
    features: tuple[str, ...]
    missing: dict[str, int] = field(default_factory=dict)


def first_finite(data: Any, column: str) -> float:
    """One finite value of a numeric column (0 if none), read from the first rows only."""
    import narwhals as nw

    frame, _, _ = prepare(data)
    value, bad = finite_float(column)
    head = frame.select(value.alias("v"), bad.alias("bad")).filter(~nw.col("bad")).head(1)
    if isinstance(head, nw.LazyFrame):
        head = head.collect()
    values = head.to_pandas()["v"].to_numpy(dtype=float)
    return float(values[0]) if len(values) else 0.0


def regression_statistics(
    data: Any,
    y_true: str,
    y_pred: str,
    sensitive_features: Any,
    *,
    sample_weight: str | None,
    dropna: bool,
) -> tuple[Any, Reduced]:
    """The :class:`fairscope.regression.RegressionMoments` of engine data, in one engine pass.

    The engine sums moments of targets and predictions shifted by one observed
    target (so squares keep their precision); they are then re-centred on the
    pooled mean target exactly as :func:`fairscope.regression.reduce_regression`
    centres them.
    """
    from fairscope.regression import RegressionMoments

    shift = first_finite(data, y_true)
    m = regression_moments(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna,
        shift=shift,
    )  # fmt: skip
    (w, sy, syy, sp, spp, sr, srr, sar, _) = m.sums.T
    total = w.sum()
    centre = float(shift + sy.sum() / total) if total > 0 else 0.0
    d = centre - shift
    sums = np.column_stack(
        [
            w,
            m.squared_weights,
            sy - d * w,
            sp - d * w,
            -sr,  # the regression module's error is prediction - target
            sar,
            srr,
            syy - 2 * d * sy + d * d * w,
            spp - 2 * d * sp + d * d * w,
            m.rows.astype(float),
        ]
    )
    reduced = Reduced(
        n_rows=m.n_rows,
        n_dropped=m.n_dropped,
        dropped=dict(m.dropped),
        weight=True if m.has_weights else None,
        features=m.features,
        missing=dict(m.missing_sensitive),
    )
    return RegressionMoments(m.groups, sums, centre), reduced
