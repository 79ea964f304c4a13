"""Audits of predictions: from rows to an :class:`~fairscope.result._audit_result.AuditResult`."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._group_metrics import GroupMetrics, group_label
from fairscope.compute._multiclass import (
    class_frames,
    confusion_frame,
    criteria_frame,
    metrics_frame,
    reduce_multiclass,
)
from fairscope.compute._regression import (
    as_numeric,
    reduce_regression,
    regression_disparities,
    regression_frame,
    selection_thresholds,
)
from fairscope.compute._scores import (
    CALIBRATION_BINS,
    DEFAULT_BINS,
    _as_scores,
    calibration_frame,
    default_thresholds,
    reduce_scores,
    score_disparities,
    score_metrics_frame,
    threshold_sweep_frame,
)
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import encode_groups, find_stacklevel
from fairscope.core._inputs import (
    _binarize,
    _choose_pos_label,
    check_aligned,
    column,
    sensitive_frame,
)
from fairscope.core._registry import DEFAULT_METRICS
from fairscope.core._tasks import check_task, detect_task
from fairscope.core._warnings import InputWarning
from fairscope.result._audit_result import AuditResult
from fairscope.result._provenance import reproducibility


def feature_set_label(features: Iterable[str]) -> str:
    """Label of a set of sensitive features: ``"race"`` or ``"race & sex"``."""
    return " & ".join(features)


def feature_sets(gm: GroupMetrics) -> dict[str, GroupMetrics]:
    """Each sensitive feature on its own, then their intersection (when several)."""
    features = gm.sensitive_features
    out = {f: gm.for_feature(f) for f in features} if len(features) > 1 else {}
    out[feature_set_label(features)] = gm
    return out


def _with_group_columns(frame: pd.DataFrame, label: str, gm: GroupMetrics) -> pd.DataFrame:
    """Replace the per-feature columns of a tidy table by ``feature`` and ``group``."""
    features = list(gm.sensitive_features)
    keys = frame[features].itertuples(index=False, name=None)
    groups = [
        "<overall>" if key[0] == "<overall>" else group_label(key, gm.sensitive_features)
        for key in keys
    ]
    # one construction instead of drop + insert: much faster with pandas' arrow strings
    columns = {"feature": np.full(len(groups), label, dtype=object), "group": groups}
    columns.update({c: frame[c].to_numpy() for c in frame.columns if c not in features})
    return pd.DataFrame(columns)


def reference_for(reference: Any, label: str, gm: GroupMetrics) -> Any:
    """The reference of one feature set.

    ``reference`` is a strategy (``"largest"``, ``"best"``, ``"overall"``) used
    everywhere, a dict from feature-set label (``"race"``) to a group label or
    strategy, or one group label, used for the feature sets that have such a
    group (``"largest"`` elsewhere).
    """
    if isinstance(reference, dict):
        return reference.get(label, "largest")
    if isinstance(reference, str) and reference in ("largest", "best", "overall"):
        return reference
    try:
        gm.reference_groups(reference)
    except ValueError:
        return "largest"
    return reference


def binary_tables(
    sets: dict[str, GroupMetrics], reference: Any = "largest"
) -> dict[str, pd.DataFrame]:
    """The standard tables of a binary audit, one block of rows per feature set."""
    group_metrics, counts, intervals, disparities, tests = [], [], [], [], []
    references: dict[str, dict[str, str]] = {}
    for label, gm in sets.items():
        by_group = gm.by_group
        by_group.index = [group_label(k, gm.sensitive_features) for k in by_group.index]
        by_group.insert(0, "n", gm.group_sizes.to_numpy())
        group_metrics.append(by_group.rename_axis("group").reset_index().assign(feature=label))
        frame = gm.counts
        frame.index = [group_label(k, gm.sensitive_features) for k in frame.index]
        counts.append(frame.rename_axis("group").reset_index().assign(feature=label))
        intervals.append(_with_group_columns(gm.confidence_intervals(), label, gm))
        ref = reference_for(reference, label, gm)
        for kind in ("difference", "ratio"):
            disparities.append(
                _with_group_columns(gm.disparity_intervals(kind, reference=ref), label, gm)
            )
        references[label] = dict(gm.reference_)
        tests.append(_tests_table(gm, label, ref))

    def tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
        out = pd.concat(frames, ignore_index=True)
        return out[["feature", *[c for c in out.columns if c != "feature"]]]

    return {
        "group_metrics": tidy(group_metrics),
        "counts": tidy(counts),
        "intervals": tidy(intervals),
        "disparities": tidy(disparities),
        "tests": tidy(tests),
    }, references


def _tests_table(gm: GroupMetrics, label: str, reference: Any) -> pd.DataFrame:
    """Tests of each group against the reference (Holm-adjusted), with feature/group columns."""
    from fairscope.compute._significance import ALL_GROUPS

    frame = gm.tests(reference=reference)
    features = list(gm.sensitive_features)
    groups = [
        ALL_GROUPS if key[0] == ALL_GROUPS else group_label(key, gm.sensitive_features)
        for key in frame[features].itertuples(index=False, name=None)
    ]
    out = frame.drop(columns=features)
    out.insert(0, "group", groups)
    out.insert(0, "feature", label)
    return out


def environment() -> dict[str, Any]:
    """Versions of fairscope and the libraries that computed the audit, and a UTC timestamp.

    See :mod:`fairscope.result._provenance` for the full reproducibility block.
    """
    from fairscope.result._provenance import environment as _environment

    return _environment()


def audit_predictions(
    y_true: Any,
    y_pred: Any = None,
    *,
    sensitive_features: Any,
    y_score: Any = None,
    threshold: float | None = None,
    task: str | None = None,
    policy: Any = None,
    data: Any = None,
    sample_weight: Any = None,
    pos_label: Any = 1,
    labels: Any = None,
    metrics: str | Iterable[str] | None = None,
    reference: Any = "largest",
    ci: float = 0.95,
    ci_method: str = "wilson",
    n_boot: int = 1000,
    random_state: Any = None,
    bootstrap: str = "multinomial",
    min_group_size: int = 30,
    dropna: bool = False,
    exact: bool = False,
    n_bins: int = DEFAULT_BINS,
    thresholds: Any = None,
    calibration_bins: int = CALIBRATION_BINS,
    selection_threshold: Any = None,
    selection_quantile: Any = None,
    fail_on: Iterable[str] = ("fail",),
    estimator: Any = None,
) -> AuditResult:
    """Audit predictions computed elsewhere (the CI case).

    Binary classifiers get the group table of confusion-matrix metrics with
    intervals and disparities; with ``y_score`` also score-based metrics (ROC
    AUC, average precision, Brier, log loss, calibration, a threshold sweep).
    Multiclass classifiers get per-group K x K confusion counts, one-vs-rest
    rates per class and criteria generalised across classes; regressors get
    per-group error metrics and selection-style parity.

    Parameters
    ----------
    y_true : array-like or str
        Labels (or targets), or a column name of ``data``. Inputs are paired
        by position, not by pandas index (as in scikit-learn); two Series
        whose index holds the same labels in different orders are refused,
        since pairing them by position would mix up rows.
    y_pred : array-like or str, optional
        Predictions, or a column name of ``data``. May be omitted for a binary
        audit when ``y_score`` is given: predictions are then
        ``y_score >= threshold``.
    sensitive_features : array-like, DataFrame, dict, str or list of str
        Sensitive features; each is audited on its own and, when several, their
        intersection too.
    y_score : array-like or str, optional
        Scores of the positive class (probabilities or decision values) for the
        score-based metrics (binary only).
    threshold : float, optional
        Binarizes ``y_score`` when ``y_pred`` is None (default 0.5 for
        probabilities; required for other scores).
    task : {"binary", "multiclass", "regression"}, optional
        Detected from ``y_true``, ``y_pred`` and ``estimator`` when None (see
        :func:`fairscope.core._tasks.detect_task`); a clear error when ambiguous.
    policy : str, dict or Policy, optional
        A policy (preset name, file path or object) whose rules judge the
        disparities; adds findings to the result.
    data : pandas.DataFrame or engine data, optional
        Engine data (polars, Arrow, DuckDB, Spark, Parquet/CSV paths): binary
        audits (with scores: when at most ``n_bins`` distinct scores) and
        regression audits (without selection thresholds) are reduced inside
        the engine; other audits collect only the audited columns (see
        :mod:`fairscope.engines`). ``metadata["engine"]`` records which.
    sample_weight : array-like or str, optional
    pos_label : default 1
        Positive label of a binary audit.
    labels : list, optional
        Class order of a multiclass audit (default: sorted values).
    metrics : list of str, optional
        Metrics of the binary group table; default :data:`fairscope.core._registry.DEFAULT_METRICS`.
    reference : group label, dict or {"largest", "best", "overall"}, default "largest"
        Reference group of disparities; see :func:`reference_for`.
    ci : float, default 0.95
    ci_method : {"wilson", "clopper-pearson", "bootstrap", "bca"}, default "wilson"
    n_boot, random_state, bootstrap
        Bootstrap settings, see :class:`~fairscope.GroupMetrics`.
    min_group_size : int, default 30
    dropna : bool, default False
        Drop rows with a missing label, prediction, score or weight (counted in
        ``metadata["dropped"]``) instead of raising.
    exact : bool, default False
        Score metrics from one histogram bin per distinct score (exact, more memory).
    n_bins : int, default 10000
        Score histogram bins when there are more distinct scores than this.
    thresholds : array-like, optional
        Thresholds of the ``"threshold_sweep"`` table (default 0, 0.01, ..., 1
        for probabilities, else 101 score quantiles).
    calibration_bins : int, default 10
        Equal-width bins of the ``"calibration"`` table.
    selection_threshold, selection_quantile : float or list of float, optional
        Regression: audit ``prediction >= t`` as a selection, at these
        thresholds or at these quantiles of the predictions.
    fail_on : iterable of str, default ("fail",)
        Statuses that make :attr:`AuditResult.passed` false.
    estimator : scikit-learn estimator, optional
        Used only to detect the task.

    Returns
    -------
    AuditResult
        Tables by task. Binary: ``"group_metrics"``, ``"counts"``,
        ``"intervals"``, ``"disparities"``; with scores also
        ``"score_metrics"``, ``"calibration"``, ``"threshold_sweep"``.
        Multiclass: ``"multiclass_confusion"``, ``"multiclass_metrics"``,
        ``"intervals"``, ``"disparities"``, ``"fairness_criteria"``.
        Regression: ``"regression_metrics"``, ``"disparities"`` and, with a
        selection threshold, ``"selection_metrics"``.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> sorted(result.tables)
    ['counts', 'disparities', 'group_metrics', 'intervals', 'tests']
    >>> scored = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], y_score=[0.9, 0.2, 0.4, 0.3, 0.8, 0.6],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> scored.tables["score_metrics"][["group", "roc_auc"]].round(3).values.tolist()
    [['a', 1.0], ['b', 1.0], ['<overall>', 0.889]]
    """
    task = check_task(task)
    if y_pred is None and y_score is None:
        raise ValueError("give y_pred (predictions), or y_score (scores) with threshold=.")
    engine = None
    if data is not None and not isinstance(data, pd.DataFrame):
        # polars, Arrow, DuckDB, Spark or files: see fairscope.engines
        from fairscope.engines._audit_data import prepare_audit_data

        data, task, engine = prepare_audit_data(
            data, task, y_true=y_true, y_pred=y_pred, y_score=y_score, threshold=threshold,
            sensitive_features=sensitive_features, sample_weight=sample_weight,
            estimator=estimator,
            selection=selection_threshold is not None or selection_quantile is not None,
        )  # fmt: skip
    if task is None:
        task = detect_task(
            column(y_true, data, "y_true"),
            None if y_pred is None else column(y_pred, data, "y_pred"),
            has_score=y_score is not None,
            estimator=estimator,
        )
    if task != "binary" and (y_score is not None or threshold is not None):
        raise ValueError(
            f"y_score and threshold apply to binary audits; this is a {task} audit. "
            "Drop them, or pass task='binary'."
        )
    options = {
        "reference": reference,
        "ci": ci,
        "ci_method": ci_method,
        "min_group_size": min_group_size,
        "fail_on": tuple(fail_on),
        "n_boot": n_boot,
        "random_state": random_state,
        "bootstrap": bootstrap,
    }
    result = None
    pushed_down = engine is not None and not isinstance(data, pd.DataFrame)
    if task == "binary" and y_score is None and threshold is None:
        result = _binary_audit(
            y_true,
            y_pred,
            sensitive_features=sensitive_features,
            data=data,
            sample_weight=sample_weight,
            pos_label=pos_label,
            metrics=metrics,
            dropna=dropna,
            **options,
        )
    elif task == "regression" and pushed_down:
        result = _engine_regression_audit(
            data, y_true, y_pred, sensitive_features, sample_weight, dropna, **options
        )
    elif task == "binary" and pushed_down:
        result = _engine_scored_audit(
            data, y_true, y_pred, y_score, sensitive_features, sample_weight, dropna,
            threshold=threshold, pos_label=pos_label, metrics=metrics, exact=exact,
            n_bins=n_bins, thresholds=thresholds, calibration_bins=calibration_bins, **options,
        )  # fmt: skip
        if result is None:  # more distinct scores than bins: the pandas path bins the rows
            from fairscope.engines._audit_data import collect_audited

            data = collect_audited(
                data, [y_true, y_pred, y_score, sample_weight], sensitive_features
            )
            engine = f"{engine} -> pandas"
    if result is None:
        rows = _resolve_rows(
            y_true, y_pred, y_score, sensitive_features, sample_weight, data, dropna
        )
        if task == "binary":
            result = _scored_binary_audit(
                rows,
                threshold=threshold,
                pos_label=pos_label,
                metrics=metrics,
                exact=exact,
                n_bins=n_bins,
                thresholds=thresholds,
                calibration_bins=calibration_bins,
                **options,
            )
        elif task == "multiclass":
            result = _multiclass_audit(rows, labels=labels, **options)
        else:
            result = _regression_audit(
                rows,
                selection_threshold=selection_threshold,
                selection_quantile=selection_quantile,
                **options,
            )
    result.reproducibility = reproducibility(
        result.metadata,
        {"y_true": y_true, "y_pred": y_pred, "y_score": y_score, "sample_weight": sample_weight},
        sensitive_features,
        data,
        random_seed=random_state if isinstance(random_state, int) else None,
    )
    if engine is not None:
        result.metadata["engine"] = engine
    if policy is not None:
        from fairscope.judge._policy import apply_policy

        result = apply_policy(result, policy)
    return result


def _binary_audit(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    data: Any,
    sample_weight: Any,
    pos_label: Any,
    metrics: Any,
    reference: Any,
    ci: float,
    ci_method: str,
    min_group_size: int,
    dropna: bool,
    fail_on: tuple[str, ...],
    n_boot: int,
    random_state: Any,
    bootstrap: str,
) -> AuditResult:
    gm = GroupMetrics(
        y_true,
        y_pred,
        sensitive_features,
        metrics=DEFAULT_METRICS if metrics is None else metrics,
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
        dropna=dropna,
        ci=ci,
        ci_method=ci_method,
        n_boot=n_boot,
        random_state=random_state,
        bootstrap=bootstrap,
        min_group_size=min_group_size,
    )
    sets = feature_sets(gm)
    tables, references = binary_tables(sets, reference)
    statistics: dict[str, GroupCounts] = {label: s.statistics for label, s in sets.items()}
    metadata = {
        "task": "binary",
        "sensitive_features": list(gm.sensitive_features),
        "feature_sets": list(sets),
        "groups": {
            label: [group_label(k, s.sensitive_features) for k in s.statistics.groups]
            for label, s in sets.items()
        },
        "reference": reference if isinstance(reference, str | dict) else str(reference),
        "reference_groups": references,
        "n_rows": gm.n_rows,
        "n_dropped": gm.n_dropped,
        "dropped": gm.dropped,
        "missing_sensitive": gm.missing_sensitive,
        "pos_label": str(gm.pos_label),
        "metrics": gm.metrics,
        "ci": gm.ci,
        "ci_method": gm.ci_method,
        **(
            {"n_boot": gm.n_boot, "bootstrap": gm.bootstrap, "random_state": random_state}
            if ci_method in ("bootstrap", "bca") and isinstance(random_state, int | None)
            else {}
        ),
        "min_group_size": gm.min_group_size,
        "weighted": gm.statistics.has_weights,
    }
    return AuditResult(
        kind="predictions",
        task="binary",
        tables=tables,
        metadata=metadata,
        fail_on=tuple(fail_on),
        statistics=statistics,
    )


# -- scored binary, multiclass and regression audits ------------------------------------


@dataclass
class _Rows:
    """Inputs resolved to aligned columns, rows with missing values dropped (dropna) or refused."""

    y_true: pd.Series
    y_pred: pd.Series | None
    y_score: pd.Series | None
    sensitive: pd.DataFrame
    weight: np.ndarray | None
    n_rows: int
    dropped: dict[str, int]

    @property
    def n_dropped(self) -> int:
        return self.n_rows - len(self.y_true)


def _resolve_rows(
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    sensitive_features: Any,
    sample_weight: Any,
    data: Any,
    dropna: bool,
) -> _Rows:
    check_aligned(
        data,
        y_true=y_true,
        y_pred=y_pred,
        y_score=y_score,
        sensitive_features=sensitive_features,
        sample_weight=sample_weight,
    )
    true = column(y_true, data, "y_true")
    pred = None if y_pred is None else column(y_pred, data, "y_pred")
    score = None if y_score is None else column(y_score, data, "y_score")
    sens = sensitive_frame(sensitive_features, data)
    weight = None if sample_weight is None else column(sample_weight, data, "sample_weight")
    parts = {"y_true": true, "y_pred": pred, "y_score": score, "sample_weight": weight}
    parts = {k: v for k, v in parts.items() if v is not None}
    lengths = {k: len(v) for k, v in parts.items()}
    lengths["sensitive_features"] = len(sens)
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(
            f"inputs have different lengths ({listed}); every input needs one value per row."
        )
    if len(true) == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")
    if score is not None:
        if dropna and pd.api.types.is_numeric_dtype(score):
            finite = np.isfinite(score.to_numpy(dtype=float, na_value=np.nan))
            _as_scores(score[finite])  # non-finite scores are dropped below
        else:
            _as_scores(score)
    if weight is not None:
        if not (pd.api.types.is_numeric_dtype(weight) and not pd.api.types.is_bool_dtype(weight)):
            raise ValueError(
                f"sample_weight must be numeric; got dtype {weight.dtype}. Convert it to float."
            )
        negative = int((weight < 0).sum())
        if negative:
            raise ValueError(f"sample_weight has {negative} negative values; weights must be >= 0.")
    masks = {}
    for name, values in parts.items():
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            masks[name] = ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        else:
            masks[name] = values.isna().to_numpy()
    bad = {k: int(m.sum()) for k, m in masks.items() if m.any()}
    n = len(true)
    if bad and not dropna:
        listed = ", ".join(f"{k} has {v} missing or non-finite" for k, v in bad.items())
        raise ValueError(
            f"{listed} value(s); fix the data or pass dropna=True to drop those rows "
            "(the dropped count is recorded on the result)."
        )
    if bad:
        keep = ~np.logical_or.reduce(list(masks.values()))
        if not keep.any():
            raise ValueError("every row has a missing label, prediction, score or weight.")
        true, sens = true[keep].reset_index(drop=True), sens[keep].reset_index(drop=True)
        pred = None if pred is None else pred[keep].reset_index(drop=True)
        score = None if score is None else score[keep].reset_index(drop=True)
        weight = None if weight is None else weight[keep].reset_index(drop=True)
    return _Rows(
        y_true=true,
        y_pred=pred,
        y_score=score,
        sensitive=sens,
        weight=None if weight is None else weight.to_numpy(dtype=float),
        n_rows=n,
        dropped={f"missing {k}": v for k, v in bad.items()},
    )


def _marginals(groups: pd.Index) -> dict[str, tuple[np.ndarray, pd.Index]]:
    """For each feature set: the position of each intersection group in it, and its groups.

    Uses the group order of :meth:`GroupCounts.marginal`, so tables of every
    task list groups as the binary tables do.
    """
    features = (
        tuple(str(n) for n in groups.names)
        if isinstance(groups, pd.MultiIndex)
        else (str(groups.name),)
    )
    zeros = np.zeros((len(groups), 4))
    counts = GroupCounts(features, groups, zeros, zeros.astype(np.int64), zeros)
    out = {}
    wanted = [[f] for f in features] if len(features) > 1 else []
    for subset in [*wanted, list(features)]:
        marginal = counts.marginal(subset if len(subset) > 1 else subset[0])
        if len(subset) == len(features):
            out[feature_set_label(subset)] = (np.arange(len(groups)), groups)
            continue
        keys = groups.get_level_values(subset[0])
        out[feature_set_label(subset)] = (marginal.groups.get_indexer(keys), marginal.groups)
    return out


def _labels(groups: pd.Index) -> list[str]:
    features = (
        tuple(str(n) for n in groups.names)
        if isinstance(groups, pd.MultiIndex)
        else (str(groups.name),)
    )
    return [group_label(k, features) for k in groups]


def _tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    return out[["feature", *[c for c in out.columns if c != "feature"]]]


def _with_feature(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(0, "feature", label)
    return frame


def _common_metadata(rows: _Rows, task: str, encoded: Any, sets: dict, options: dict) -> dict:
    reference = options["reference"]
    return {
        "task": task,
        "sensitive_features": list(encoded.features),
        "feature_sets": list(sets),
        "groups": {label: _labels(groups) for label, (_, groups) in sets.items()},
        "reference": reference if isinstance(reference, str | dict) else str(reference),
        "n_rows": rows.n_rows,
        "n_dropped": rows.n_dropped,
        "dropped": rows.dropped,
        "missing_sensitive": dict(encoded.missing),
        "ci": options["ci"],
        "ci_method": options["ci_method"],
        "min_group_size": options["min_group_size"],
        "weighted": rows.weight is not None,
    }


def _scored_binary_audit(
    rows: _Rows,
    *,
    threshold: float | None,
    pos_label: Any,
    metrics: Any,
    exact: bool,
    n_bins: int,
    thresholds: Any,
    calibration_bins: int,
    **options: Any,
) -> AuditResult:
    score = None if rows.y_score is None else _as_scores(rows.y_score)
    true_labels = set(pd.unique(rows.y_true))
    if rows.y_pred is None or threshold is not None:
        if score is None:
            raise ValueError("threshold= binarizes y_score; give y_score= too.")
        threshold = _decision_threshold(score, threshold)
        chosen = _choose_pos_label(true_labels, pos_label, "values of y_true")
        y_true_bin = _binarize(rows.y_true, chosen)
        y_pred_in: Any = (score >= threshold).astype(np.int64)
        gm_true: Any = y_true_bin.astype(np.int64)
        gm_pos: Any = 1
        source = "y_score >= threshold"
    else:
        gm_true, y_pred_in, gm_pos, chosen = rows.y_true, rows.y_pred, pos_label, None
        source = "y_pred"
    gm = GroupMetrics(
        gm_true,
        y_pred_in,
        rows.sensitive,
        metrics=DEFAULT_METRICS if metrics is None else metrics,
        sample_weight=rows.weight,
        pos_label=gm_pos,
        ci=options["ci"],
        ci_method=options["ci_method"],
        n_boot=options["n_boot"],
        random_state=options["random_state"],
        bootstrap=options["bootstrap"],
        min_group_size=options["min_group_size"],
    )
    pos = gm.pos_label if chosen is None else chosen
    encoded = encode_groups(rows.sensitive)
    base = sweep = None
    if score is not None:
        y_true_bin = _binarize(rows.y_true, pos)
        if np.isscalar(thresholds) or thresholds is None:
            sweep = thresholds
        else:
            sweep = np.asarray(thresholds, dtype=float)
        base = reduce_scores(
            y_true_bin,
            score,
            encoded.codes,
            encoded.index,
            rows.weight,
            exact=exact,
            n_bins=n_bins,
            thresholds=sweep,
            calibration_bins=calibration_bins,
        )
        sweep = (
            default_thresholds(score, base.probabilities)
            if thresholds is None
            else np.unique(np.atleast_1d(np.asarray(thresholds, dtype=float)))
        )
    return _scored_result(
        gm, pos, base, sweep, rows, encoded, source, threshold, calibration_bins, options
    )


def _decision_threshold(score: np.ndarray, threshold: float | None) -> float:
    """The threshold that turns scores into predictions, checked against the scores.

    Without one, 0.5 applies to probabilities and anything else is an error. Every
    row on one side of the threshold usually means scores on another scale: warn.
    """
    low, high = float(np.min(score)), float(np.max(score))
    if threshold is None:
        if low < 0 or high > 1:
            raise ValueError(
                "y_score is not a probability (values outside [0, 1]) and y_pred is not "
                "given; pass threshold= to turn scores into predictions (e.g. threshold=0 "
                "for a decision_function)."
            )
        threshold = 0.5
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}.")
    if low >= threshold or high < threshold:
        side = "positive" if low >= threshold else "negative"
        warnings.warn(
            f"threshold={threshold:g} puts every row on one side (y_score ranges from {low:g} "
            f"to {high:g}), so every prediction is {side}; check the threshold is on the "
            "scale of the scores (e.g. probabilities vs deciles).",
            InputWarning,
            stacklevel=find_stacklevel(),
        )
    return float(threshold)


def _scored_result(
    gm: GroupMetrics,
    pos: Any,
    base: Any,
    sweep: Any,
    rows: Any,
    encoded: Any,
    source: str,
    threshold: Any,
    calibration_bins: int,
    options: dict,
) -> AuditResult:
    """The tables of a scored binary audit from its reduced statistics (rows or engine cells)."""
    sets = feature_sets(gm)
    tables, references = binary_tables(sets, options["reference"])
    metadata = _common_metadata(rows, "binary", encoded, _marginals(encoded.index), options)
    metadata.update(
        {
            "reference_groups": references,
            "pos_label": str(pos),
            "metrics": gm.metrics,
            "predictions": source,
            "threshold": None if threshold is None else float(threshold),
        }
    )
    if base is not None:
        score_tables: dict[str, list[pd.DataFrame]] = {
            "score_metrics": [],
            "calibration": [],
            "threshold_sweep": [],
        }
        score_disp = []
        for label, (position, groups) in _marginals(base.groups).items():
            st = base.regroup(position, groups)
            names = _labels(groups)
            frame = score_metrics_frame(st, names, options["ci"])
            score_tables["score_metrics"].append(_with_feature(frame, label))
            score_tables["calibration"].append(_with_feature(calibration_frame(st, names), label))
            score_tables["threshold_sweep"].append(
                _with_feature(threshold_sweep_frame(st, names, sweep), label)
            )
            ref = _score_reference(
                frame, options["reference"], references.get(label, {}), options["min_group_size"]
            )
            score_disp.append(_with_feature(score_disparities(frame, ref), label))
        for name, frames in score_tables.items():
            tables[name] = _tidy(frames)
        tables["disparities"] = pd.concat(
            [tables["disparities"], _tidy(score_disp)], ignore_index=True
        )
        metadata["scores"] = {
            "probabilities": base.probabilities,
            "exact": base.exact,
            "n_bins": len(base.cuts) + 1,
            "calibration_bins": int(calibration_bins),
            "n_thresholds": len(sweep),
            "auc_interval": "hanley-mcneil",
        }
    return AuditResult(
        kind="predictions",
        task="binary",
        tables=tables,
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
        statistics={label: s.statistics for label, s in sets.items()},
    )


def _engine_scored_audit(
    data: Any,
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    sensitive_features: Any,
    sample_weight: Any,
    dropna: bool,
    *,
    threshold: float | None,
    pos_label: Any,
    metrics: Any,
    exact: bool,
    n_bins: int,
    thresholds: Any,
    calibration_bins: int,
    **options: Any,
) -> AuditResult | None:
    """A scored binary audit of engine data from cells of equal score; None if too many scores.

    The engine groups rows by (groups, label, prediction, score); with at most
    ``n_bins`` distinct scores the pandas path bins one score per bin, so the
    cells give every table exactly. With more, None: the caller collects rows.
    """
    from fairscope.engines import _prediction_audits as pa

    if y_score is None:
        raise ValueError("threshold= binarizes y_score; give y_score= too.")
    if int(n_bins) < 2:
        raise ValueError(f"n_bins must be at least 2; got {n_bins!r}.")
    if int(calibration_bins) < 1:
        raise ValueError(f"calibration_bins must be at least 1; got {calibration_bins!r}.")
    use_score = y_pred is None or threshold is not None
    cells = pa.score_cells(
        data, y_true, None if use_score else y_pred, y_score, sensitive_features,
        sample_weight=sample_weight, dropna=dropna, max_scores=int(n_bins),
    )  # fmt: skip
    if cells is None:
        return None
    true_labels = set(pd.unique(cells.y_true))
    if use_score:
        # the cells hold every observed score, so their range is the rows' range
        threshold = _decision_threshold(cells.score, threshold)
        pos = _choose_pos_label(true_labels, pos_label, "values of y_true")
        true_bin = _binarize(cells.y_true, pos)
        pred_bin = cells.score >= threshold
        gm_pos, source = 1, "y_score >= threshold"
    else:
        labels = true_labels | set(pd.unique(cells.y_pred))
        if len(labels) > 2:
            shown = sorted(map(str, labels))[:6]
            raise ValueError(
                f"y_true and y_pred together have {len(labels)} distinct values {shown}; a "
                "binary audit needs two. Binarize them first (e.g. y_pred = score >= threshold)."
            )
        pos = gm_pos = _choose_pos_label(labels, pos_label, "values of y_true and y_pred")
        true_bin = _binarize(cells.y_true, pos)
        pred_bin = _binarize(cells.y_pred, pos)
        source = "y_pred"
    true_bin = np.asarray(true_bin, dtype=bool)
    if true_bin.all() or not true_bin.any():
        only = "positive" if true_bin.all() else "negative"
        raise ValueError(
            f"y_true contains a single class (every row is {only}); rates conditional on the "
            "other class are undefined. Audit data that contains both classes."
        )
    reduced = cells.reduced
    gm = GroupMetrics.from_counts(
        pa.cell_counts(cells, true_bin, np.asarray(pred_bin, dtype=bool)),
        DEFAULT_METRICS if metrics is None else metrics,
        ci=options["ci"],
        ci_method=options["ci_method"],
        n_boot=options["n_boot"],
        random_state=options["random_state"],
        bootstrap=options["bootstrap"],
        min_group_size=options["min_group_size"],
        n_rows=reduced.n_rows - reduced.n_dropped,
        missing_sensitive=reduced.missing,
        pos_label=gm_pos,
    )
    if thresholds is None:
        distinct = np.unique(cells.score)
        if distinct[0] >= 0.0 and distinct[-1] <= 1.0:
            sweep = default_thresholds(distinct, True)
        else:
            sweep = np.unique(pa.row_quantiles(cells.score, cells.rows, np.linspace(0.0, 1.0, 101)))
    else:
        sweep = np.unique(np.atleast_1d(np.asarray(thresholds, dtype=float)))
    base = pa.cell_score_statistics(
        cells, true_bin, thresholds=sweep, calibration_bins=calibration_bins
    )
    return _scored_result(
        gm, pos, base, sweep, reduced, reduced, source, threshold, calibration_bins, options
    )


def _score_reference(
    frame: pd.DataFrame, reference: Any, binary_refs: dict[str, str], min_group_size: int
) -> str:
    """Reference group of the score metrics: as the binary tables, or the best AUC for 'best'."""
    if isinstance(reference, str) and reference == "overall":
        return "<overall>"
    if isinstance(reference, str) and reference == "best":
        groups = frame.iloc[:-1]
        auc = groups["roc_auc"].to_numpy(dtype=float).copy()
        auc[groups["n"].to_numpy() < min_group_size] = np.nan
        if np.isnan(auc).all():
            auc = groups["roc_auc"].to_numpy(dtype=float)
        return str(
            groups["group"].iloc[int(np.nanargmax(auc))]
            if not np.isnan(auc).all()
            else groups["group"].iloc[0]
        )
    if binary_refs:
        return next(iter(binary_refs.values()))
    return str(frame["group"].iloc[0])


def _multiclass_audit(rows: _Rows, *, labels: Any, **options: Any) -> AuditResult:
    if rows.y_pred is None:
        raise ValueError("a multiclass audit needs y_pred (the predicted classes).")
    encoded = encode_groups(rows.sensitive)
    base = reduce_multiclass(
        rows.y_true, rows.y_pred, encoded.codes, encoded.index, rows.weight, labels
    )
    if len(base.classes) < 2:
        raise ValueError(
            f"y_true and y_pred hold a single class {base.classes}; a classification audit "
            "needs at least two."
        )
    sets = _marginals(encoded.index)
    parts: dict[str, list[pd.DataFrame]] = {
        k: []
        for k in (
            "multiclass_confusion",
            "multiclass_metrics",
            "intervals",
            "disparities",
            "fairness_criteria",
        )
    }
    references: dict[str, dict[str, dict[str, str]]] = {}
    for label, (position, groups) in sets.items():
        counts = base.regroup(position, groups)
        names = _labels(groups)
        frames = class_frames(
            counts,
            ci=options["ci"],
            ci_method=options["ci_method"],
            min_group_size=options["min_group_size"],
        )
        parts["multiclass_confusion"].append(_with_feature(confusion_frame(counts, names), label))
        parts["multiclass_metrics"].append(
            _with_feature(metrics_frame(counts, frames, names), label)
        )
        parts["fairness_criteria"].append(_with_feature(criteria_frame(counts, frames), label))
        references[label] = {}
        for cls, gm in zip(counts.classes, frames, strict=True):
            ci_frame = _with_group_columns(gm.confidence_intervals(), label, gm)
            ci_frame.insert(2, "class", cls)
            parts["intervals"].append(ci_frame)
            ref = reference_for(options["reference"], label, gm)
            for kind in ("difference", "ratio"):
                disp = _with_group_columns(gm.disparity_intervals(kind, reference=ref), label, gm)
                disp.insert(2, "class", cls)
                parts["disparities"].append(disp)
            references[label][cls] = dict(gm.reference_)
    metadata = _common_metadata(rows, "multiclass", encoded, sets, options)
    metadata.update({"classes": base.classes, "reference_groups": references})
    return AuditResult(
        kind="predictions",
        task="multiclass",
        tables={name: _tidy(frames) for name, frames in parts.items()},
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
    )


def _regression_audit(
    rows: _Rows, *, selection_threshold: Any, selection_quantile: Any, **options: Any
) -> AuditResult:
    if rows.y_pred is None:
        raise ValueError("a regression audit needs y_pred (the predictions).")
    y = as_numeric(rows.y_true, "y_true")
    p = as_numeric(rows.y_pred, "y_pred")
    encoded = encode_groups(rows.sensitive)
    base = reduce_regression(y, p, encoded.codes, encoded.index, rows.weight)
    tables, metadata = _regression_tables(base, rows, encoded, options)
    statistics: dict[str, GroupCounts] = {}
    cuts = selection_thresholds(p, selection_threshold, selection_quantile)
    if cuts:
        selection, disparities = [], [tables["disparities"]]
        for t, how in cuts:
            gm = GroupMetrics(
                (y >= t).astype(np.int64),
                (p >= t).astype(np.int64),
                rows.sensitive,
                metrics=[
                    "count",
                    "selection_rate",
                    "base_rate",
                    "true_positive_rate",
                    "false_positive_rate",
                ],
                sample_weight=rows.weight,
                ci=options["ci"],
                ci_method=options["ci_method"],
                min_group_size=options["min_group_size"],
            )
            sel_sets = feature_sets(gm)
            sel_tables, _ = binary_tables(sel_sets, options["reference"])
            for name, target in (("group_metrics", selection), ("disparities", disparities)):
                frame = sel_tables[name]
                frame.insert(2, "threshold", t)
                frame.insert(3, "selection", how)
                target.append(frame)
            if len(cuts) == 1:
                statistics = {label: s.statistics for label, s in sel_sets.items()}
        tables["selection_metrics"] = pd.concat(selection, ignore_index=True)
        tables["disparities"] = pd.concat(disparities, ignore_index=True)
        metadata["selection_thresholds"] = [{"threshold": t, "chosen_by": how} for t, how in cuts]
    return _regression_result(tables, metadata, statistics, options)


def _engine_regression_audit(
    data: Any,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    sample_weight: Any,
    dropna: bool,
    **options: Any,
) -> AuditResult:
    """A regression audit of engine data: the engine returns per-group moments only."""
    from fairscope.engines._prediction_audits import regression_statistics

    if y_pred is None:
        raise ValueError("a regression audit needs y_pred (the predictions).")
    base, reduced = regression_statistics(
        data, y_true, y_pred, sensitive_features, sample_weight=sample_weight, dropna=dropna
    )
    tables, metadata = _regression_tables(base, reduced, reduced, options)
    return _regression_result(tables, metadata, {}, options)


def _regression_result(
    tables: dict[str, pd.DataFrame], metadata: dict, statistics: dict, options: dict
) -> AuditResult:
    metadata["reference_groups"] = {
        label: dict(zip(sub["metric"], sub["reference"], strict=False))
        for label, sub in tables["disparities"].groupby("feature", sort=False)
    }
    return AuditResult(
        kind="predictions",
        task="regression",
        tables=tables,
        metadata=metadata,
        reproducibility=environment(),
        fail_on=options["fail_on"],
        statistics=statistics,
    )


def _regression_tables(
    base: Any, rows: Any, encoded: Any, options: dict
) -> tuple[dict[str, pd.DataFrame], dict]:
    """The regression metric and disparity tables of every feature set, and the metadata."""
    sets = _marginals(base.groups)
    metric_frames, disparity_frames = [], []
    for label, (position, groups) in sets.items():
        frame = regression_frame(base.regroup(position, groups), _labels(groups), options["ci"])
        metric_frames.append(_with_feature(frame, label))
        disparity_frames.append(
            _with_feature(
                regression_disparities(
                    frame,
                    _regression_reference(options["reference"], label),
                    options["min_group_size"],
                    options["ci"],
                ),
                label,
            )
        )
    tables = {
        "regression_metrics": _tidy(metric_frames),
        "disparities": _tidy(disparity_frames),
    }
    return tables, _common_metadata(rows, "regression", encoded, sets, options)


def _regression_reference(reference: Any, label: str) -> Any:
    if isinstance(reference, dict):
        return reference.get(label, "largest")
    return reference
