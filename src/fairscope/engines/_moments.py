"""Per-group regression moments, computed by the engine holding the data.

Regression fairness metrics (mean error, MAE, RMSE, R², mean prediction...) per
group are functions of a few sums per group; this is their sufficient statistic,
:class:`~fairscope.core._moments.RegressionMoments` (the one type the numpy path
reduces too; ``fairscope.engines.RegressionMoments`` and ``MOMENTS`` are that
class and its columns).
"""

from __future__ import annotations

from typing import Any

from fairscope.core._moments import MOMENTS, RegressionMoments
from fairscope.core._statistics import sum_into
from fairscope.engines._passes import drop_missing, flagged_reduce, weight_mask, weight_terms
from fairscope.engines._reduce import (
    ROWS,
    encode_key_groups,
    finite_float,
    prepare,
    require_column,
    require_features,
    sensitive_names,
)

__all__ = ["MOMENTS", "RegressionMoments", "regression_moments"]


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
        w, w_flags, w_sums = weight_terms(frame, sample_weight, columns, data)
        flags.update(w_flags)
        # the weight itself is the moment "n"; only its square and sign are added
        sums = {f"__{m}": w * v for m, v in zip(MOMENTS, values, strict=True)}
        sums.update({name: w_sums[name] for name in ("__w2", "__neg")})
    table, n_rows = flagged_reduce(frame, features, flags, sums)
    masks = {
        "y_true": table["__y_bad"].astype(bool).to_numpy(),
        "y_pred": table["__yhat_bad"].astype(bool).to_numpy(),
    }
    if sample_weight is not None:
        masks["sample_weight"] = weight_mask(table)
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
        center=float(shift),
        has_weights=sample_weight is not None,
        n_rows=n_rows,
        dropped=dropped,
        n_dropped=n_dropped,
        missing_sensitive=missing,
        engine=engine,
    )
