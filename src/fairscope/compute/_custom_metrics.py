"""The row-level path of GroupMetrics: metric callables, sample_params, control features.

fairlearn's ``MetricFrame`` accepts any ``f(y_true, y_pred, **sample_params)``;
such a callable has no sufficient statistics, so it is evaluated on the rows of
each group (:mod:`fairscope.compute._row_metrics`), while registered metrics in
the same call still come from the count table. :func:`init_row_level` fills a
``GroupMetrics`` built that way and gives it the views of
:class:`~fairscope.compute._row_views.RowLevelViews` (bootstrap by resampling
rows, summaries within strata, a note that it took the slower path).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._row_metrics import (
    RowMetric,
    Rows,
    needs_rows,
    resolve_row_metrics,
    row_values,
    split_params,
)
from fairscope.compute._row_views import RowLevelViews, with_row_views
from fairscope.core._counts import reduce_confusion
from fairscope.core._groups import encode_groups
from fairscope.core._inputs import binary_inputs, column, sensitive_frame
from fairscope.core._registry import Metric, get_metric

__all__ = ["init_row_level", "needs_rows"]

#: The arguments of ``GroupMetrics.__init__`` the row-level path reads.
_ARGUMENTS = (
    "y_true",
    "y_pred",
    "sensitive_features",
    "metrics",
    "sample_weight",
    "pos_label",
    "data",
    "dropna",
    "ci",
    "ci_method",
    "n_boot",
    "random_state",
    "bootstrap",
    "min_group_size",
    "sample_params",
    "control_features",
)


def _label_columns(y_true: Any, y_pred: Any, data: Any) -> tuple[np.ndarray, np.ndarray]:
    true = column(y_true, data, "y_true").to_numpy()
    pred = column(y_pred, data, "y_pred").to_numpy()
    return true, pred


def _inputs(args: Mapping[str, Any], features: Any, metrics: list[Metric]) -> Any:
    """Validated inputs, with confusion cells where the labels are binary.

    Callables accept what the binary audit refuses (one class only, regression
    targets, more than two classes): then the rows are validated with a stand-in
    label and the count table keeps the true confusion cells where the labels are
    0/1 (or ``pos_label``), and only the rows per group otherwise (all in TN).
    """
    kwargs = {
        "sample_weight": args["sample_weight"],
        "pos_label": args["pos_label"],
        "data": args["data"],
        "dropna": args["dropna"],
    }
    try:
        return binary_inputs(args["y_true"], args["y_pred"], features, **kwargs)
    except ValueError:
        if not all(isinstance(m, RowMetric) or m.uses_row_counts for m in metrics):
            raise
    true, pred = _label_columns(args["y_true"], args["y_pred"], args["data"])
    stand_in = np.arange(len(true)) % 2
    inputs = binary_inputs(stand_in, stand_in, features, **{**kwargs, "pos_label": 1})
    labels = set(pd.unique(np.concatenate([true.ravel(), pred.ravel()])).tolist())
    pos = args["pos_label"]
    binary = true.ndim == pred.ndim == 1 and labels <= {0, 1, pos}
    if not binary:
        pos = None
    return dataclasses.replace(
        inputs,
        y_true=(true == pos) if binary else np.zeros(len(true), dtype=bool),
        y_pred=(pred == pos) if binary else np.zeros(len(true), dtype=bool),
        pos_label=pos,
    )


def _features(
    sensitive_features: Any, control_features: Any, data: Any
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The grouping columns (control features first, as MetricFrame) and the controls."""
    sensitive = sensitive_frame(sensitive_features, data)
    if control_features is None:
        return sensitive, None
    controls = sensitive_frame(control_features, data)
    # unnamed arrays get the sensitive features' default name; call them control features
    controls.columns = [
        str(c).replace("sensitive_feature", "control_feature", 1)
        if str(c).startswith("sensitive_feature") and not isinstance(control_features, str)
        else str(c)
        for c in controls.columns
    ]
    if set(controls.columns) & set(sensitive.columns):
        raise ValueError(
            f"control_features {list(controls.columns)} share a name with "
            f"sensitive_features {list(sensitive.columns)}; rename one of them."
        )
    both = pd.concat([controls.reset_index(drop=True), sensitive.reset_index(drop=True)], axis=1)
    return both, controls


def init_row_level(gm: Any, args: Mapping[str, Any]) -> None:
    """Fill a GroupMetrics on the row-level path (its ``__init__`` arguments in ``args``).

    Parameters
    ----------
    gm : GroupMetrics
        The instance being built; it gets the views of :class:`RowLevelViews`.
    args : mapping
        The arguments of ``GroupMetrics.__init__`` by name.

    Returns
    -------
    None
    """
    data = args["data"]
    if args["y_true"] is None or args["y_pred"] is None:
        raise ValueError("y_true and y_pred are required (arrays, or column names of data=).")
    if data is not None and not isinstance(data, pd.DataFrame):
        raise TypeError(
            "metric callables, sample_params and control_features need the rows in memory: "
            "pass arrays or a pandas DataFrame as data=, not an engine's table."
        )
    metrics = resolve_row_metrics(args["metrics"])
    sensitive, controls = _features(args["sensitive_features"], args["control_features"], data)
    inputs = _inputs(args, sensitive, metrics)
    if inputs.n_dropped:
        raise ValueError(
            f"{inputs.n_dropped} rows have missing labels or weights; dropna=True is not "
            "supported with metric callables: drop those rows before the call."
        )
    if args["ci_method"] == "bca" and any(isinstance(m, RowMetric) for m in metrics):
        raise ValueError(
            "ci_method='bca' needs a jackknife over every row for metric callables; "
            "use ci_method='bootstrap' (percentile) on the row-level path."
        )
    groups = encode_groups(inputs.sensitive)
    counts = reduce_confusion(
        inputs.y_true,
        inputs.y_pred,
        groups.codes,
        groups.index,
        inputs.sample_weight,
        orders=groups.orders,
    )
    true, pred = _label_columns(args["y_true"], args["y_pred"], data)
    rows = Rows(
        y_true=true,
        y_pred=pred,
        codes=groups.codes.astype(np.int64),
        n_groups=counts.n_groups,
        cells=(2 * inputs.y_true.astype(np.int64) + inputs.y_pred.astype(np.int64)),
        weight=inputs.sample_weight,
        params=split_params(metrics, args["sample_params"], len(true), inputs.sample_weight),
    )
    _fill(gm, args, metrics, rows, counts)
    gm.control_features = () if controls is None else tuple(controls.columns)
    gm.pos_label = inputs.pos_label
    gm.n_rows = inputs.n_input_rows
    gm.dropped = dict(inputs.dropped)
    gm.n_dropped = inputs.n_dropped
    gm.missing_sensitive = dict(groups.missing)
    if not isinstance(gm, RowLevelViews):
        # the views differ only in this path; swapping the class keeps GroupMetrics' own
        # code free of row-level branches, and the instance an instance of GroupMetrics
        base: Any = type(gm)
        gm.__class__ = with_row_views(base)
    if controls is not None:
        gm._init_strata(inputs.sensitive[list(controls.columns)])


def _fill(gm: Any, args: Mapping[str, Any], metrics: list[Metric], rows: Rows, counts: Any) -> None:
    """The state of GroupMetrics: counted metrics from the table, callables from the rows."""
    counted = [m for m in metrics if not isinstance(m, RowMetric)]
    gm._metrics = counted or [get_metric("count")]
    gm._init_from_counts(
        counts, ci=args["ci"], ci_method=args["ci_method"], min_group_size=args["min_group_size"]
    )
    gm._init_inference(args["n_boot"], args["random_state"], args["bootstrap"])
    values = row_values(rows, metrics, np.arange(len(rows.codes)))
    gm._metrics = metrics
    gm._by_group = pd.DataFrame(
        values[:-1], index=counts.groups.copy(), columns=[m.name for m in metrics]
    )
    gm._overall = pd.Series(values[-1], index=[m.name for m in metrics], dtype=float)
    gm._rows = rows
    gm._row_args = {k: v for k, v in args.items() if k in _ARGUMENTS}
