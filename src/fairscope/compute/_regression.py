"""Regression fairness from per-group moment sums.

The sufficient statistics of a regression audit are, per group, a handful of
(weighted) sums: :class:`~fairscope.core._moments.RegressionMoments` (weights and
squared weights, targets, predictions, residuals ``target - prediction``,
absolute residuals, and their squares). They are reduced from the rows in one
pass of ``bincount`` calls (:func:`reduce_regression`) or by an engine, add up
across partitions, and give every metric the registry declares over them:

- mean prediction, mean target, mean error (bias; positive = over-prediction),
- MAE, RMSE and R^2 (``1 - SSE / SST`` within the group; NaN when the group's
  targets are constant),

with normal-approximation intervals for the four means (standard error from
the group's weighted variance and Kish's effective sample size) and Wald
intervals for their differences between groups (independent groups).

Targets and predictions are centred on the pooled mean target before squaring,
so sums of squares keep their precision when targets are large (e.g. prices).

Selection-style parity for continuous outputs: at a threshold ``t`` (given,
or a quantile of the pooled predictions) a row is *selected* when its
prediction is at least ``t`` and *truly high* when its target is; the resulting
binary counts get the usual selection rate, TPR and FPR with intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._disparities import KINDS, block_frame, disparity_columns
from fairscope.compute._references import feature_set_label, resolve_reference
from fairscope.core._formulas import safe_divide
from fairscope.core._groups import OVERALL
from fairscope.core._inputs import finite_floats
from fairscope.core._intervals import kish_effective_n
from fairscope.core._moments import RegressionMoments, reduce_moments
from fairscope.core._registry import metrics_for

__all__ = [
    "RegressionMoments",
    "as_numeric",
    "reduce_regression",
    "reference_row",
    "regression_disparities",
    "regression_frame",
    "selection_thresholds",
]


def _directions() -> dict[str, str]:
    """The registry's regression metrics and their favourable direction ("zero": ideal 0)."""
    return {m.name: "zero" if m.ideal == 0 else m.direction for m in metrics_for("moments")}


#: Metric -> (moment summed, moment of its square): the means that get intervals.
_WITH_INTERVAL = {
    "mean_prediction": ("sum_yhat", "sum_yhat2"),
    "mean_target": ("sum_y", "sum_y2"),
    "mean_error": ("sum_residual", "sum_residual2"),
    "mean_absolute_error": ("sum_abs_residual", "sum_residual2"),
}


def as_numeric(values: pd.Series, argument: str) -> np.ndarray:
    """A numeric column as float, with a clear error for text or non-finite values."""
    return finite_floats(
        values,
        argument,
        wrong_dtype=lambda v: (
            f"{argument} must be numeric for a regression audit; got dtype {v.dtype}. "
            "Convert it, or pass task='binary' / 'multiclass' for labels."
        ),
        fix="fix them or pass dropna=True to drop those rows.",
    )


def reduce_regression(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: np.ndarray | None = None,
) -> RegressionMoments:
    """Reduce rows to per-group moments centred on the pooled mean target.

    See :func:`fairscope.core._moments.reduce_moments`.
    """
    return reduce_moments(y_true, y_pred, codes, groups, sample_weight)


def _mean_and_se(
    sum_x: np.ndarray, sum_xx: np.ndarray, w: np.ndarray, n_eff: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    mean = safe_divide(sum_x, w)
    var = np.maximum(safe_divide(sum_xx, w) - mean * mean, 0.0)
    # unbiased (effective-n) variance of the mean
    se = np.sqrt(safe_divide(var, n_eff - 1))
    return mean, se


def regression_frame(
    moments: RegressionMoments, labels: list[str], ci: float = 0.95
) -> pd.DataFrame:
    """Per-group and overall regression metrics, with intervals for the means.

    Every metric is the registry's formula over the moments
    (:func:`fairscope.core._registry.metrics_for`); the means get normal
    intervals from the group's weighted variance and Kish's effective size.
    """
    from scipy import stats

    total = moments.with_total(OVERALL)
    w = total.column("n")
    n_eff = kish_effective_n(w, total.squared_weights)
    z = float(stats.norm.ppf(0.5 + ci / 2))
    frame = pd.DataFrame({"group": [*labels, OVERALL], "n": total.rows.astype(np.int64)})
    frame["weight"] = w
    for metric in metrics_for("moments"):
        frame[metric.name] = metric.compute(total)
    for name, (first, second) in _WITH_INTERVAL.items():
        # the spread of y - yhat and yhat - y is the same: only the first moment's sign differs
        _, se = _mean_and_se(total.column(first), total.column(second), w, n_eff)
        frame[f"{name}_se"] = se
        frame[f"{name}_lower"] = frame[name] - z * se
        frame[f"{name}_upper"] = frame[name] + z * se
    return frame


def reference_row(
    frame: pd.DataFrame,
    reference: Any,
    metric: str,
    min_group_size: int,
    feature_set: str | None = None,
) -> int:
    """Index (in ``frame``, overall row last) of the reference for one metric.

    The one rule of :func:`fairscope.compute._references.resolve_reference`;
    ``"largest"`` is the group with the most weight (never the missing-value
    group unless it is the only one).
    """
    groups = frame.iloc[:-1]
    labels = [str(g) for g in groups["group"]]
    label = resolve_reference(
        reference,
        feature_set=feature_set or _feature_set_of(labels),
        labels=labels,
        sizes=groups["weight"].to_numpy(dtype=float),
        values=groups[metric].to_numpy(dtype=float),
        direction=_directions()[metric],
        rows=groups["n"].to_numpy(),
        min_group_size=min_group_size,
        warn=False,
    )
    return len(frame) - 1 if label == OVERALL else labels.index(label)


def _feature_set_of(labels: list[str]) -> str:
    """The feature set of intersection labels (``"a=x & b=y"``), or a one-feature stand-in."""
    if labels and " & " in labels[0] and "=" in labels[0]:
        return feature_set_label([part.split("=", 1)[0] for part in labels[0].split(" & ")])
    return "<feature>"


def regression_disparities(
    frame: pd.DataFrame,
    reference: Any = "largest",
    min_group_size: int = 30,
    ci: float = 0.95,
    feature_set: str | None = None,
) -> pd.DataFrame:
    """Differences (Wald intervals for the means) and ratios of each metric to the reference."""
    from scipy import stats

    groups = frame.iloc[:-1]
    z = float(stats.norm.ppf(0.5 + ci / 2))
    blocks = []
    for metric in _directions():
        r = reference_row(frame, reference, metric, min_group_size, feature_set)
        ref = frame.iloc[r]
        value = groups[metric].to_numpy(dtype=float)
        ref_value = float(ref[metric])
        is_ref = np.arange(len(groups)) == r
        for kind in KINDS:
            lower = upper = np.full(len(groups), np.nan)
            method = "none"
            if kind == "difference" and metric in _WITH_INTERVAL:
                with np.errstate(divide="ignore", invalid="ignore"):
                    estimate = value - ref_value
                se = np.sqrt(groups[f"{metric}_se"].to_numpy() ** 2 + ref[f"{metric}_se"] ** 2)
                lower, upper = estimate - z * se, estimate + z * se
                method = "wald"
            blocks.append(
                disparity_columns(
                    metric=metric,
                    kind=kind,
                    reference=str(ref["group"]),
                    value=value,
                    reference_value=ref_value,
                    is_reference=is_ref,
                    lower=lower,
                    upper=upper,
                    n=groups["n"].to_numpy(),
                    n_reference=int(ref["n"]),
                    method=method,
                )
            )
    return block_frame(groups["group"].to_numpy(), blocks)


def selection_thresholds(
    y_pred: np.ndarray, selection_threshold: Any = None, selection_quantile: Any = None
) -> list[tuple[float, str]]:
    """Thresholds of the selection-style parity and how each was chosen."""
    out: list[tuple[float, str]] = []
    if selection_threshold is not None:
        for t in np.atleast_1d(np.asarray(selection_threshold, dtype=float)):
            if not np.isfinite(t):
                raise ValueError(f"selection_threshold must be finite numbers; got {t!r}.")
            out.append((float(t), f"threshold {t:g}"))
    if selection_quantile is not None:
        for q in np.atleast_1d(np.asarray(selection_quantile, dtype=float)):
            if not 0 < q < 1:
                raise ValueError(
                    f"selection_quantile must be between 0 and 1 (e.g. 0.8 selects the top 20%); "
                    f"got {q!r}."
                )
            out.append((float(np.quantile(y_pred, q)), f"quantile {q:g} of predictions"))
    return out
