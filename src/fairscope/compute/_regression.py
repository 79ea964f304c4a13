"""Regression fairness from per-group moment sums.

The sufficient statistics of a regression audit are, per group, a handful of
(weighted) sums: of weights and squared weights, of targets, predictions,
errors (prediction - target), absolute errors, and of their squares. They are
reduced from the rows in one pass of ``bincount`` calls (:func:`reduce_regression`),
add up across partitions, and give every metric:

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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fairscope.compute._disparities import KINDS, block_frame, disparity_columns
from fairscope.compute._references import feature_set_label, resolve_reference
from fairscope.core._groups import OVERALL
from fairscope.core._intervals import kish_effective_n

# columns of RegressionMoments.sums
_W, _W2, _Y, _P, _E, _AE, _EE, _YY, _PP, _ROWS = range(10)

#: Regression metrics of the group table, with their favourable direction.
REGRESSION_METRICS: dict[str, str] = {
    "mean_prediction": "neutral",
    "mean_target": "neutral",
    "mean_error": "zero",
    "mean_absolute_error": "lower",
    "root_mean_squared_error": "lower",
    "r2": "higher",
}
_WITH_INTERVAL = ("mean_prediction", "mean_target", "mean_error", "mean_absolute_error")


@dataclass(frozen=True, eq=False)
class RegressionMoments:
    """Per-group moment sums of a regression audit.

    Attributes
    ----------
    groups : pandas.Index or pandas.MultiIndex
    sums : ndarray of shape (n_groups, 10)
        Weighted sums of 1, w, y, p, e, |e|, e^2, y^2, p^2 (y and p centred
        on ``center``) and the row count.
    center : float
        The pooled mean target subtracted from targets and predictions.
    """

    groups: pd.Index
    sums: np.ndarray
    center: float

    def regroup(self, position: np.ndarray, groups: pd.Index) -> RegressionMoments:
        """Sum groups into coarser ones (``position[i]`` is the new group of group ``i``)."""
        out = np.zeros((len(groups), self.sums.shape[1]))
        np.add.at(out, position, self.sums)
        return RegressionMoments(groups, out, self.center)


def as_numeric(values: pd.Series, argument: str) -> np.ndarray:
    """A numeric column as float, with a clear error for text or non-finite values."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(
            f"{argument} must be numeric for a regression audit; got dtype {values.dtype}. "
            "Convert it, or pass task='binary' / 'multiclass' for labels."
        )
    out = values.to_numpy(dtype=float, na_value=np.nan)
    bad = int((~np.isfinite(out)).sum())
    if bad:
        raise ValueError(
            f"{argument} has {bad} missing or infinite value{'s' if bad != 1 else ''}; fix them "
            "or pass dropna=True to drop those rows."
        )
    return out


def reduce_regression(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: np.ndarray | None = None,
) -> RegressionMoments:
    """Reduce rows to per-group moment sums (one bincount per moment)."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    total = w.sum()
    center = float((w * y).sum() / total) if total > 0 else 0.0
    yc, pc = y - center, p - center
    e = p - y
    codes = np.asarray(codes, dtype=np.int64)
    g = len(groups)
    sums = np.column_stack(
        [
            np.bincount(codes, weights=v, minlength=g)
            for v in (
                w,
                w * w,
                w * yc,
                w * pc,
                w * e,
                w * np.abs(e),
                w * e * e,
                w * yc * yc,
                w * pc * pc,
            )
        ]
        + [np.bincount(codes, minlength=g).astype(float)]
    )
    return RegressionMoments(groups, sums, center)


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, float), np.asarray(b, float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _mean_and_se(sum_x: np.ndarray, sum_xx: np.ndarray, w: np.ndarray, n_eff: np.ndarray):
    mean = _divide(sum_x, w)
    var = np.maximum(_divide(sum_xx, w) - mean * mean, 0.0)
    # unbiased (effective-n) variance of the mean
    se = np.sqrt(_divide(var, n_eff - 1))
    return mean, se


def regression_frame(
    moments: RegressionMoments, labels: list[str], ci: float = 0.95
) -> pd.DataFrame:
    """Per-group and overall regression metrics, with intervals for the means."""
    s = np.vstack([moments.sums, moments.sums.sum(axis=0)])
    w = s[:, _W]
    n_eff = kish_effective_n(w, s[:, _W2])
    z = float(stats.norm.ppf(0.5 + ci / 2))
    mean_pred, se_pred = _mean_and_se(s[:, _P], s[:, _PP], w, n_eff)
    mean_target, se_target = _mean_and_se(s[:, _Y], s[:, _YY], w, n_eff)
    mean_error, se_error = _mean_and_se(s[:, _E], s[:, _EE], w, n_eff)
    mae, se_mae = _mean_and_se(s[:, _AE], s[:, _EE], w, n_eff)
    sst = s[:, _YY] - _divide(s[:, _Y] ** 2, w)
    # SST is 0 for a constant target; a relative tolerance keeps round-off from faking a value
    sst = np.where(sst > 1e-12 * np.maximum(s[:, _YY], 1e-300), sst, 0.0)
    frame = pd.DataFrame(
        {
            "group": [*labels, "<overall>"],
            "n": s[:, _ROWS].astype(np.int64),
            "weight": w,
            "mean_prediction": mean_pred + moments.center,
            "mean_target": mean_target + moments.center,
            "mean_error": mean_error,
            "mean_absolute_error": mae,
            "root_mean_squared_error": np.sqrt(_divide(s[:, _EE], w)),
            "r2": 1 - _divide(s[:, _EE], sst),
        }
    )
    for name, se in (
        ("mean_prediction", se_pred),
        ("mean_target", se_target),
        ("mean_error", se_error),
        ("mean_absolute_error", se_mae),
    ):
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
        direction=REGRESSION_METRICS[metric],
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
    groups = frame.iloc[:-1]
    z = float(stats.norm.ppf(0.5 + ci / 2))
    blocks = []
    for metric in REGRESSION_METRICS:
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
