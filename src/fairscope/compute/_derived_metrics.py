"""make_derived_metric: one number from a metric's values per group (fairlearn's contract)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from fairscope.compute._group_metrics import GroupMetrics

__all__ = ["TRANSFORMS", "make_derived_metric"]

#: The summaries a derived metric can take, with whether they accept ``method=``.
TRANSFORMS = {"difference": True, "ratio": True, "group_min": False, "group_max": False}


def make_derived_metric(
    metric: str | Callable[..., Any],
    *,
    transform: str,
    sample_param_names: Iterable[str] = ("sample_weight",),
) -> Callable[..., float]:
    """Turn a metric into a fairness metric: its difference, ratio, min or max over groups.

    The same contract as ``fairlearn.metrics.make_derived_metric``: the
    returned function takes ``(y_true, y_pred, *, sensitive_features,
    method="between_groups", **kwargs)``; keyword arguments named in
    ``sample_param_names`` hold one value per row and are split by group, the
    others are passed to ``metric`` unchanged. A registered metric name stays on
    the sufficient-statistics path; a callable takes the row-level path.

    Parameters
    ----------
    metric : str or callable
        A registered metric name (``"tpr"``) or ``f(y_true, y_pred, **kwargs)``.
    transform : {"difference", "ratio", "group_min", "group_max"}
        The summary over groups (:class:`~fairscope.GroupMetrics` views).
    sample_param_names : iterable of str, default ("sample_weight",)
        Keyword arguments of the derived function that hold one value per row.

    Returns
    -------
    callable
        ``f(y_true, y_pred, *, sensitive_features, method="between_groups", **kwargs) -> float``.

    Raises
    ------
    ValueError
        If ``transform`` is unknown, or ``method`` is given with ``group_min``/``group_max``.

    Examples
    --------
    >>> from sklearn.metrics import recall_score
    >>> from fairscope import make_derived_metric
    >>> recall_difference = make_derived_metric(recall_score, transform="difference")
    >>> recall_difference([1, 1, 1, 1], [1, 0, 1, 1], sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform={transform!r} is unknown; choose one of {list(TRANSFORMS)}.")
    row_params = tuple(sample_param_names)
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")

    def derived(
        y_true: Any,
        y_pred: Any,
        *,
        sensitive_features: Any,
        method: str | None = None,
        **kwargs: Any,
    ) -> float:
        if method is not None and not TRANSFORMS[transform]:
            raise ValueError(f"method= is not used by transform={transform!r}; leave it out.")
        per_row = {k: v for k, v in kwargs.items() if k in row_params}
        fixed = {k: v for k, v in kwargs.items() if k not in row_params}
        if isinstance(metric, str):
            if fixed or set(per_row) - {"sample_weight"}:
                raise ValueError(
                    f"a registered metric ({metric!r}) takes only sample_weight; got "
                    f"{sorted(set(kwargs) - {'sample_weight'})}."
                )
            gm = GroupMetrics(
                y_true,
                y_pred,
                sensitive_features,
                metrics=[metric],
                sample_weight=per_row.get("sample_weight"),
            )
        else:
            function = functools.partial(metric, **fixed) if fixed else metric
            gm = GroupMetrics(
                y_true,
                y_pred,
                sensitive_features,
                metrics={name: function},
                sample_params={name: per_row} if per_row else None,
            )
        view = getattr(gm, transform)
        values = view(method or "between_groups") if TRANSFORMS[transform] else view()
        return float(np.asarray(values)[0])

    derived.__name__ = f"{name}_{transform}"
    derived.__doc__ = f"The {transform} of {name} over the groups of sensitive_features."
    return derived
