"""Audits of predictions: from rows to an :class:`~fairscope.result._audit_result.AuditResult`.

:func:`audit_predictions` detects the task, refuses options that do not apply
to it, and hands the rows to the audit of the task: binary
(:mod:`._binary_audit`), scored binary (:mod:`._scored_audit`), multiclass
(:mod:`._multiclass_audit`) or regression (:mod:`._regression_audit`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd

from fairscope.audits._binary_audit import binary_audit, binary_tables, reference_for
from fairscope.audits._engine_vocabulary import engine_task
from fairscope.audits._multiclass_audit import engine_multiclass_audit, multiclass_audit
from fairscope.audits._options import (
    RegressionOptions,
    ScoreOptions,
    merge_options,
    refuse,
    resolve_seed,
)
from fairscope.audits._outcome import refuse_outcome, resolve_outcome
from fairscope.audits._regression_audit import engine_regression_audit, regression_audit
from fairscope.audits._regulatory import add_regulatory_tables
from fairscope.audits._rows import (
    environment,
    feature_sets,
    resolve_rows,
)
from fairscope.audits._scored_audit import engine_scored_audit, scored_binary_audit
from fairscope.audits._silent import check_label_vocabularies, refuse_all_missing
from fairscope.compute._references import choice_for, feature_set_label, is_strategy
from fairscope.core._groups import find_stacklevel
from fairscope.core._inputs import column
from fairscope.core._sensitive_checks import group_limit
from fairscope.core._tasks import check_task, detect_task
from fairscope.core._warnings import ReferenceWarning
from fairscope.engines._audit_data import collect_audited, prepare_audit_data
from fairscope.judge import apply_policy, load_policy
from fairscope.judge._rule_references import policy_references, policy_strategy
from fairscope.result._audit_result import AuditResult
from fairscope.result._provenance import reproducibility

__all__ = [
    "RegressionOptions",
    "ScoreOptions",
    "audit_predictions",
    "binary_tables",
    "environment",
    "feature_set_label",
    "feature_sets",
    "reference_for",
]


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
    favorable_label: Any = None,
    outcome: str | None = None,
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
    score_options: ScoreOptions | None = None,
    regression_options: RegressionOptions | None = None,
    exact: bool | None = None,
    n_bins: int | None = None,
    thresholds: Any = None,
    calibration_bins: int | None = None,
    selection_threshold: Any = None,
    selection_quantile: Any = None,
    fail_on: Iterable[str] = ("fail",),
    estimator: Any = None,
    max_groups: int | None = None,
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
        disparities; adds findings to the result. The presets ``"nyc-ll144"``
        and ``"eeoc-ugesp"`` also add the tables ``"ll144_impact_ratios"`` and
        ``"ugesp_adverse_impact"`` (see :func:`fairscope.audit_ll144`).
    data : pandas.DataFrame or engine data, optional
        Engine data (polars, Arrow, DuckDB, Spark, Parquet/CSV paths): binary
        audits (with scores: when at most ``n_bins`` distinct scores) and
        regression audits (without selection thresholds) are reduced inside
        the engine; other audits collect only the audited columns (see
        :mod:`fairscope.engines`). ``metadata["engine"]`` records which.
    sample_weight : array-like or str, optional
    pos_label : default 1
        Positive label of a binary audit.
    favorable_label : optional
        The label that is good news for the person (binary audits). When it is not
        ``pos_label``, the positive label is adverse, as with ``outcome="adverse"``.
    outcome : {"favorable", "adverse"}, optional
        Whether the positive label is good news (approved) or a harm (flagged high
        risk, will default). With ``"adverse"``, rate rules of a policy are judged on
        the favourable outcome (the share *not* predicted positive; the true negative
        rate for equal opportunity), so the groups flagged most are the ones a
        four-fifths rule protects. Recorded in ``metadata["outcome"]``. When neither
        is given and the positive label or a label column is named like a harm
        (``"two_year_recid"``, ``"default"``, ``"fraud"``), an InputWarning says so.
    labels : list, optional
        Class order of a multiclass audit (default: sorted values); refused for
        other tasks.
    metrics : list of str, optional
        Metrics of the binary group table; default
        :data:`fairscope.core._registry.DEFAULT_METRICS`. Refused for other tasks.
    reference : group label, dict or {"largest", "best", "overall"}, default "largest"
        Reference group of disparities, one rule for every task (see
        :mod:`fairscope.compute._references`): ``"largest"`` never picks the
        missing-value group unless it is the only one, and a group that no
        feature set has is a ``ValueError`` naming the groups.
    ci : float, default 0.95
    ci_method : {"wilson", "clopper-pearson", "bootstrap", "bca"}, default "wilson"
    n_boot, random_state, bootstrap
        Bootstrap settings, see :class:`~fairscope.GroupMetrics`.
    min_group_size : int, default 30
    dropna : bool, default False
        Drop rows with a missing label, prediction, score or weight (counted in
        ``metadata["dropped"]``) instead of raising.
    score_options : ScoreOptions, optional
        Options of the score metrics (binary audits with ``y_score`` only).
    regression_options : RegressionOptions, optional
        Options of a regression audit (selection-style parity).
    exact, n_bins, thresholds, calibration_bins
        Shortcuts for the fields of :class:`ScoreOptions` (default False,
        10000, None, 10); refused without ``y_score``.
    selection_threshold, selection_quantile : float or list of float, optional
        Shortcuts for the fields of :class:`RegressionOptions`: audit
        ``prediction >= t`` as a selection, at these thresholds or at these
        quantiles of the predictions; refused for classifiers.
    fail_on : iterable of str, default ("fail",)
        Statuses that make :attr:`AuditResult.passed` false.
    estimator : scikit-learn estimator, optional
        Used only to detect the task.
    max_groups : int, optional
        Most groups a sensitive feature or intersection may have (default
        5,000, :data:`fairscope.core._sensitive_checks.DEFAULT_MAX_GROUPS`);
        more is refused with an error naming the column, before any
        statistic is computed. Raise it to audit a feature with more groups.

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
    task = _checked_task(task, y_pred, y_score)
    score, score_given = merge_options(
        score_options, ScoreOptions,
        {"exact": exact, "n_bins": n_bins, "thresholds": thresholds,
         "calibration_bins": calibration_bins},
    )  # fmt: skip
    regression, regression_given = merge_options(
        regression_options, RegressionOptions,
        {"selection_threshold": selection_threshold, "selection_quantile": selection_quantile},
    )  # fmt: skip
    engine = None
    if data is not None and not isinstance(data, pd.DataFrame):
        # polars, Arrow, DuckDB, Spark or files: see fairscope.engines
        task = task or engine_task(data, task, y_true, y_pred, y_score is not None, estimator)
        data, task, engine = prepare_audit_data(
            data, task, y_true=y_true, y_pred=y_pred, y_score=y_score, threshold=threshold,
            sensitive_features=sensitive_features, sample_weight=sample_weight,
            estimator=estimator, selection=regression.selects,
        )  # fmt: skip
    task = task or _detected_task(y_true, y_pred, data, y_score is not None, estimator)
    policy, direction = _direction(task, policy, outcome, favorable_label, pos_label, (y_true, y_pred))  # fmt: skip
    _check_task_options(
        task, y_score=y_score, threshold=threshold, labels=labels, metrics=metrics,
        score_given=score_given, regression_given=regression_given,
    )  # fmt: skip
    options = {
        "reference": reference, "ci": ci, "ci_method": ci_method,
        "min_group_size": min_group_size, "fail_on": tuple(fail_on), "n_boot": n_boot,
        "random_state": resolve_seed(random_state), "bootstrap": bootstrap,
    }  # fmt: skip
    inputs = {
        "y_true": y_true, "y_pred": y_pred, "y_score": y_score,
        "sensitive_features": sensitive_features, "sample_weight": sample_weight,
    }  # fmt: skip
    run_kw = {
        "dropna": dropna, "threshold": threshold, "pos_label": pos_label, "metrics": metrics,
        "labels": labels, "score": score, "regression": regression,
    }  # fmt: skip
    with group_limit(max_groups):
        result, used = _run_once_per_reference(task, data, engine, inputs, options, run_kw, policy, direction)  # fmt: skip
        _record_provenance(result, inputs, data, used, options["random_state"])
    return result if policy is None else add_regulatory_tables(apply_policy(result, policy))


def _checked_task(task: Any, y_pred: Any, y_score: Any) -> str | None:
    """The ``task=`` argument validated, once predictions or scores are known to be given."""
    if y_pred is None and y_score is None:
        raise ValueError("give y_pred (predictions), or y_score (scores) with threshold=.")
    return check_task(task)


def _detected_task(y_true: Any, y_pred: Any, data: Any, has_score: bool, estimator: Any) -> str:
    """The task the labels and predictions call for, their vocabularies checked."""
    predicted = None if y_pred is None else column(y_pred, data, "y_pred")
    labels_true = column(y_true, data, "y_true")
    task = detect_task(labels_true, predicted, has_score=has_score, estimator=estimator)
    check_label_vocabularies(labels_true, predicted, task)
    return task


def _direction(
    task: str, policy: Any, outcome: Any, favorable_label: Any, pos_label: Any, names: tuple
) -> tuple[Any, dict[str, Any]]:
    """The loaded policy and the outcome direction recorded in the metadata.

    A policy's ``favorable`` key stands for ``favorable_label=`` when neither
    ``outcome=`` nor ``favorable_label=`` is given.
    """
    refuse_outcome(task, outcome, favorable_label)
    if policy is not None:
        policy = load_policy(policy)
        if outcome is None and favorable_label is None and policy.favorable is not None:
            favorable_label = policy.favorable
    if task != "binary":
        return policy, {}
    prediction = names[1] if isinstance(names[1], str) else None
    direction = resolve_outcome(
        outcome, favorable_label, pos_label, names=names, prediction=prediction
    )
    return policy, direction


def _run_once_per_reference(
    task: str,
    data: Any,
    engine: str | None,
    inputs: dict[str, Any],
    options: dict[str, Any],
    run_kw: dict[str, Any],
    policy: Any,
    direction: dict[str, Any],
) -> tuple[AuditResult, str | None]:
    """The audit's tables, against the policy's reference of each feature set when it
    differs from the one asked for (the audit then runs a second time)."""
    result, used = _run(task, data, engine, inputs, options=options, **run_kw)
    refuse_all_missing(result.metadata)
    result.metadata.update(direction)
    if policy is None:
        return result, used
    wanted = _policy_reference(result, policy, options["reference"])
    if wanted is not None:  # one reference per feature set: the policy's
        result, used = _run(
            task, data, engine, inputs, options={**options, "reference": wanted}, **run_kw
        )
        result.metadata.update(direction)
    return result, used


def _policy_reference(result: AuditResult, policy: Any, reference: Any) -> dict[str, str] | None:
    """The audit's reference made the policy's, or None when the tables already use it.

    A reference the user chose that the policy overrides is named in a ReferenceWarning.
    """
    wanted = policy_references(result, policy)
    current = result.references
    changed = {k: v for k, v in wanted.items() if current.get(k) != v}
    if not changed:
        return None
    sets = list(result.metadata.get("feature_sets", current))
    given = {label: choice_for(reference, label) for label in sets}
    overridden = {
        k: given[k] for k in changed if k in given and given[k] != "largest" and not (
            is_strategy(given[k]) and given[k] == policy_strategy(policy, k))
    }  # fmt: skip
    if overridden:
        listing = "; ".join(f"{k}: {v!r} -> {changed[k]!r}" for k, v in overridden.items())
        warnings.warn(
            f"policy {policy.name!r} compares with its own reference groups, so every table, "
            f"finding and chart of this audit uses them instead of the reference given "
            f"({listing}). Change the policy's rule reference to compare with another group.",
            ReferenceWarning,
            stacklevel=find_stacklevel(),
        )
    return {**given, **wanted}


def _record_provenance(
    result: AuditResult, inputs: dict[str, Any], data: Any, engine: str | None, random_state: Any
) -> None:
    """Record how the result was made: the inputs' fingerprints, the seed, the engine."""
    result.reproducibility = reproducibility(
        result.metadata,
        {k: inputs[k] for k in ("y_true", "y_pred", "y_score", "sample_weight")},
        inputs["sensitive_features"],
        data,
        random_seed=random_state if isinstance(random_state, int) else None,
    )
    if engine is not None:
        result.metadata["engine"] = engine


def _check_task_options(
    task: str,
    *,
    y_score: Any,
    threshold: Any,
    labels: Any,
    metrics: Any,
    score_given: list[str],
    regression_given: list[str],
) -> None:
    """Refuse the options that do not apply to the task, rather than ignore them."""
    if task != "binary" and (y_score is not None or threshold is not None):
        raise ValueError(
            f"y_score and threshold apply to binary audits; this is a {task} audit. "
            "Drop them, or pass task='binary'."
        )
    if task == "binary" and y_score is None:
        refuse(task, score_given, "scores (give y_score=, or drop them)")
    if task != "binary":
        refuse(task, score_given, "binary audits with y_score")
        refuse(task, ["metrics"] if metrics is not None else [], "binary audits")
    if task != "regression":
        refuse(task, regression_given, "regression audits")
    if task != "multiclass":
        refuse(task, ["labels"] if labels is not None else [], "multiclass audits")


def _run(
    task: str,
    data: Any,
    engine: str | None,
    inputs: dict[str, Any],
    *,
    dropna: bool,
    threshold: Any,
    pos_label: Any,
    metrics: Any,
    labels: Any,
    score: ScoreOptions,
    regression: RegressionOptions,
    options: dict[str, Any],
) -> tuple[AuditResult, str | None]:
    """Dispatch to the audit of the task, in the engine when it can reduce the rows itself."""
    y_true, y_pred, y_score = inputs["y_true"], inputs["y_pred"], inputs["y_score"]
    sensitive_features, sample_weight = inputs["sensitive_features"], inputs["sample_weight"]
    score_kw = {
        "threshold": threshold, "pos_label": pos_label, "metrics": metrics,
        "exact": score.exact, "n_bins": score.n_bins, "thresholds": score.thresholds,
        "calibration_bins": score.calibration_bins,
    }  # fmt: skip
    pushed_down = engine is not None and not isinstance(data, pd.DataFrame)
    if task == "binary" and y_score is None and threshold is None:
        result = binary_audit(
            y_true, y_pred, sensitive_features=sensitive_features, data=data,
            sample_weight=sample_weight, pos_label=pos_label, metrics=metrics, dropna=dropna,
            **options,
        )  # fmt: skip
        return result, engine
    if task == "regression" and pushed_down:
        result = engine_regression_audit(
            data, y_true, y_pred, sensitive_features, sample_weight, dropna, **options
        )
        return result, engine
    if task == "multiclass" and pushed_down:
        result = engine_multiclass_audit(
            data, y_true, y_pred, sensitive_features, sample_weight, dropna,
            labels=labels, **options,
        )  # fmt: skip
        return result, engine
    if task == "binary" and pushed_down:
        scored = engine_scored_audit(
            data, y_true, y_pred, y_score, sensitive_features, sample_weight, dropna,
            **score_kw, **options,
        )  # fmt: skip
        if scored is not None:
            return scored, engine
        # more distinct scores than bins: the pandas path bins the rows
        data = collect_audited(data, [y_true, y_pred, y_score, sample_weight], sensitive_features)
        engine = f"{engine} -> pandas"
    rows = resolve_rows(y_true, y_pred, y_score, sensitive_features, sample_weight, data, dropna)
    if task == "binary":
        return scored_binary_audit(rows, **score_kw, **options), engine
    if task == "multiclass":
        return multiclass_audit(rows, labels=labels, **options), engine
    result = regression_audit(
        rows,
        selection_threshold=regression.selection_threshold,
        selection_quantile=regression.selection_quantile,
        **options,
    )
    return result, engine
