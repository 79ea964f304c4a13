"""Metrics evaluated on rows: callables ``f(y_true, y_pred, **sample_params)`` per group.

fairlearn's ``MetricFrame`` accepts any ``f(y_true, y_pred, **sample_params)``.
Such a callable has no sufficient statistics, so it is evaluated on the rows of
each group; registered metrics in the same call still come from the count table.
Bootstrap replicates then resample rows (a callable cannot be recomputed from
counts): :func:`row_bootstrap`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairscope.compute._resampled_intervals import metric_values
from fairscope.core._registry import Metric, get_metric, resolve_metrics

__all__ = ["ROW_LEVEL_NOTE", "RowMetric", "Rows", "needs_rows", "row_bootstrap", "row_values"]

#: What a result computed on the row-level path says about it.
ROW_LEVEL_NOTE = (
    "computed on the row-level path: metric callables were evaluated on the rows of each "
    "group (and of each bootstrap replicate), which is slower than the sufficient-statistics "
    "path of registered metrics"
)


@dataclass(frozen=True)
class RowMetric(Metric):
    """A metric given as a callable ``f(y_true, y_pred, **sample_params)``, evaluated on rows."""

    function: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def undefined_when(self) -> str:
        """Plain words for a NaN value."""
        return "the callable returned NaN for this group"

    def compute(self, cells: Any, rows: np.ndarray | None = None) -> np.ndarray:
        """Refuse: a callable cannot be computed from counts.

        Parameters
        ----------
        cells, rows : Any
            Ignored.

        Returns
        -------
        ndarray
            Never; always raises.
        """
        raise TypeError(
            f"metric {self.name!r} is a callable; it is evaluated on rows, not on a count "
            "table (build a GroupMetrics with the rows to use it)."
        )


def _row_metric(name: str, function: Callable[..., Any]) -> RowMetric:
    return RowMetric(
        name=name,
        label=name,
        definition=f"User-supplied callable {getattr(function, '__name__', repr(function))}.",
        formula_text="f(y_true, y_pred, **sample_params) on the group's rows",
        direction="neutral",
        reference="user-supplied",
        function=function,
        statistic="rows",  # type: ignore[arg-type]
    )


def needs_rows(metrics: Any, sample_params: Any, control_features: Any) -> bool:
    """Whether a GroupMetrics call needs the row-level path.

    Parameters
    ----------
    metrics : Any
        The ``metrics=`` argument.
    sample_params, control_features : Any
        The arguments of the same names.

    Returns
    -------
    bool
        True for callables, a dict of metrics, ``sample_params`` or ``control_features``.

    Examples
    --------
    >>> needs_rows(["tpr"], None, None), needs_rows({"f": len}, None, None)
    (False, True)
    """
    if sample_params is not None or control_features is not None:
        return True
    if callable(metrics) or isinstance(metrics, Mapping):
        return True
    if isinstance(metrics, Iterable) and not isinstance(metrics, str):
        return any(callable(m) and not isinstance(m, Metric) for m in metrics)
    return False


def _named_metrics(metrics: Any) -> list[tuple[str, Any]]:
    """``(column name, name or callable)`` pairs, in the order given."""
    if isinstance(metrics, Mapping):
        return [(str(k), v) for k, v in metrics.items()]
    if metrics is None or isinstance(metrics, str | Metric) or callable(metrics):
        metrics = [metrics] if metrics is not None else None
    if metrics is None:
        return [(m.name, m) for m in resolve_metrics(None)]
    pairs = []
    for m in metrics:
        name = getattr(m, "__name__", None) if callable(m) else get_metric(m).name
        if name is None or name == "<lambda>":
            raise ValueError(
                f"metric {m!r} has no usable name; pass metrics as a dict, e.g. "
                "metrics={'my_metric': f}."
            )
        pairs.append((name, m))
    return pairs


def resolve_row_metrics(metrics: Any) -> list[Metric]:
    resolved: list[Metric] = []
    for name, spec in _named_metrics(metrics):
        if callable(spec) and not isinstance(spec, Metric):
            resolved.append(_row_metric(name, spec))
        else:
            metric = get_metric(spec)
            resolved.append(
                metric if metric.name == name else dataclasses.replace(metric, name=name)
            )
        if resolved[-1].name in [m.name for m in resolved[:-1]]:
            raise ValueError(f"metric name {resolved[-1].name!r} is given twice.")
    return resolved


def split_params(
    metrics: list[Metric], sample_params: Any, n_rows: int, weight: np.ndarray | None
) -> dict[str, dict[str, np.ndarray]]:
    """Per callable, its per-row keyword arguments (MetricFrame's ``sample_params``)."""
    params = dict(sample_params or {})
    names = {m.name for m in metrics}
    if params and not set(params) <= names:
        callables = [m.name for m in metrics if isinstance(m, RowMetric)]
        if len(callables) == 1 and not any(isinstance(v, Mapping) for v in params.values()):
            params = {callables[0]: params}  # one callable: {"sample_weight": w}, as MetricFrame
        else:
            unknown = sorted(set(params) - names)
            raise ValueError(
                f"sample_params names {unknown}, which are not metrics; key it by metric "
                f"name ({sorted(names)}), e.g. sample_params={{'f1': {{'sample_weight': w}}}}."
            )
    out: dict[str, dict[str, np.ndarray]] = {}
    for metric in metrics:
        given = dict(params.get(metric.name, {}))
        if given and not isinstance(metric, RowMetric):
            raise ValueError(
                f"sample_params for {metric.name!r}: a registered metric is weighted by "
                "sample_weight= of GroupMetrics, not by sample_params."
            )
        callable_takes_weight = isinstance(metric, RowMetric) and _accepts(
            metric.function, "sample_weight"
        )
        if weight is not None and callable_takes_weight and "sample_weight" not in given:
            # sample_weight= weights every metric of the call, callables included
            given["sample_weight"] = weight
        for key, value in given.items():
            value = np.asarray(value)
            if value.ndim == 0 or len(value) != n_rows:
                raise ValueError(
                    f"sample_params[{metric.name!r}][{key!r}] must have one value per row "
                    f"({n_rows}); bind other arguments with functools.partial."
                )
            given[key] = value
        out[metric.name] = given
    return out


def _accepts(function: Any, name: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


@dataclass(frozen=True, eq=False)
class Rows:
    """The rows the callables are evaluated on, with each row's group code."""

    y_true: np.ndarray
    y_pred: np.ndarray
    codes: np.ndarray
    n_groups: int
    cells: np.ndarray  # confusion cell of each row (0..3: TN, FP, FN, TP)
    weight: np.ndarray | None
    params: dict[str, dict[str, np.ndarray]]
    strata: np.ndarray | None = None  # stratum (control level) code of each row
    n_strata: int = 0

    def evaluate(self, metric: RowMetric, index: np.ndarray) -> float:
        """The callable on the rows ``index``; NaN on no rows."""
        if len(index) == 0:
            return float("nan")
        kwargs = {k: v[index] for k, v in self.params[metric.name].items()}
        assert metric.function is not None
        return float(metric.function(self.y_true[index], self.y_pred[index], **kwargs))


def _group_members(codes: np.ndarray, n_groups: int) -> list[np.ndarray]:
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def row_values(rows: Rows, metrics: list[Metric], index: np.ndarray) -> np.ndarray:
    """Every metric per group and overall (last) on the rows ``index`` (with repeats).

    Parameters
    ----------
    rows : Rows
    metrics : list of Metric
    index : ndarray of int
        Positions of the rows (a bootstrap draw repeats some).

    Returns
    -------
    ndarray of shape (n_groups + 1, n_metrics)
    """
    codes = rows.codes[index]
    members = [index[m] for m in _group_members(codes, rows.n_groups)]
    weight = np.ones(len(index)) if rows.weight is None else rows.weight[index]
    flat = codes.astype(np.int64) * 4 + rows.cells[index]
    weighted = np.bincount(flat, weights=weight, minlength=rows.n_groups * 4).reshape(-1, 4)
    counted = np.bincount(flat, minlength=rows.n_groups * 4).reshape(-1, 4).astype(float)
    out = np.empty((rows.n_groups + 1, len(metrics)))
    counted_metrics = [j for j, m in enumerate(metrics) if not isinstance(m, RowMetric)]
    if counted_metrics:
        chosen = [metrics[j] for j in counted_metrics]
        out[:, counted_metrics] = metric_values(chosen, weighted, counted)
    for j, metric in enumerate(metrics):
        if isinstance(metric, RowMetric):
            out[:-1, j] = [rows.evaluate(metric, m) for m in members]
            out[-1, j] = rows.evaluate(metric, index)
    return out


def _draw(rows: Rows, scheme: str, rng: np.random.Generator) -> np.ndarray:
    """One bootstrap draw of row positions: all rows, or within each group (stratified)."""
    n = len(rows.codes)
    if scheme != "stratified":
        return rng.integers(0, n, n)
    members = _group_members(rows.codes, rows.n_groups)
    return np.concatenate([m[rng.integers(0, len(m), len(m))] for m in members if len(m)])


def row_bootstrap(
    rows: Rows, metrics: list[Metric], *, n_boot: int, scheme: str, random_state: Any
) -> np.ndarray:
    """Metric values of ``n_boot`` row resamples, shape ``(n_boot, n_groups + 1, n_metrics)``.

    Parameters
    ----------
    rows : Rows
    metrics : list of Metric
    n_boot : int
    scheme : {"multinomial", "stratified"}
        Resample all rows, or the rows of each group (group sizes fixed).
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    ndarray
    """
    rng = np.random.default_rng(random_state)
    return np.stack([row_values(rows, metrics, _draw(rows, scheme, rng)) for _ in range(n_boot)])
