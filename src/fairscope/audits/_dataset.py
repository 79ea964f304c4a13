"""Dataset audits: bias that enters through the data before any model is trained.

:func:`audit_dataset` audits a training set per sensitive feature, and per
intersection when there are several, and returns an
:class:`~fairscope.result._audit_result.AuditResult` (``kind="dataset"``) with these tables,
tidy with ``feature`` (the sensitive feature set, ``"race"`` or
``"race & sex"``) and ``group`` columns:

``representation`` and ``representation_tests``
    Rows and share of every group and intersection, against a reference
    population when given (:mod:`fairscope.audits._representation`).
``base_rates``
    With a ``target``: the base rate (binary; per class for multiclass) or the
    mean (continuous) per group, compared with the reference group
    (:mod:`fairscope.audits._label_bias`).
``missingness``
    For every column (and the target), the missing rate per group compared with
    the reference group, and a ``flagged`` column (:mod:`fairscope.audits._missingness`).
``proxies`` and ``proxy_model``
    How well each column reveals each sensitive feature (:mod:`fairscope.audits._proxies`).
``feature_shift``
    Standardized mean difference (numeric columns) or total variation distance
    (categorical columns) of each group against the reference group
    (:mod:`fairscope.audits._feature_shift`).
``reweighing``
    With ``reweigh=True`` and a discrete target: base rates before and after
    Kamiran-Calders reweighing (see :func:`fairscope.reweighing_weights`).
``dataset_metrics``
    AIF360's dataset measures per group (class imbalance, KL divergence, CDD
    with ``strata=``, smoothed EDF), the only table ``sample_weight=`` weights
    (:mod:`fairscope.audits._dataset_peers`).

Every column is reduced to per-group counts once (:mod:`fairscope.audits._column_stats`)
and every table reads those counts; the groups and their reference come from
:mod:`fairscope.audits._dataset_groups`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._column_stats import reduce_columns
from fairscope.audits._dataset_groups import (
    aggregate,
    choose_references,
    encode_feature_sets,
    parent_groups,
)
from fairscope.audits._dataset_metadata import dataset_metadata, proxy_metadata
from fairscope.audits._dataset_options import check_options, check_target_options
from fairscope.audits._dataset_outcome import dataset_direction
from fairscope.audits._dataset_peers import add_dataset_metrics
from fairscope.audits._dataset_policy import adopt_policy_references
from fairscope.audits._dataset_state import DatasetAudit, with_declared_columns
from fairscope.audits._feature_shift import SMD_THRESHOLD, TVD_THRESHOLD, feature_shift
from fairscope.audits._label_bias import MAX_CLASSES_NUMERIC, Target, base_rates, decode_target
from fairscope.audits._label_bias import reweighing as reweighing_table
from fairscope.audits._missingness import (
    ALPHA,
    LARGE_MISSING_DIFFERENCE,
    MIN_MISSING_DIFFERENCE,
    MISSING_RATIO,
    missingness,
)
from fairscope.audits._proxies import DEFAULT_PROXY_SAMPLE, proxy_tables
from fairscope.audits._representation import (
    MAX_LISTED_COMBINATIONS,
    SHARE_TOLERANCE,
    representation,
    validate_population,
)
from fairscope.core._column_digest import column_digest
from fairscope.core._counts import reduce_confusion
from fairscope.core._feature_columns import encode_column
from fairscope.core._groups import MISSING
from fairscope.core._inputs import check_aligned, column, sensitive_frame
from fairscope.core._sensitive_checks import group_limit
from fairscope.engines._audit_data import dataset_columns
from fairscope.judge import apply_policy, load_policy
from fairscope.result._audit_result import AuditResult
from fairscope.result._provenance import reproducibility as provenance

__all__ = [
    "ALPHA",
    "LARGE_MISSING_DIFFERENCE",
    "MAX_CLASSES_NUMERIC",
    "MAX_LISTED_COMBINATIONS",
    "MIN_MISSING_DIFFERENCE",
    "MISSING_RATIO",
    "SHARE_TOLERANCE",
    "SMD_THRESHOLD",
    "TVD_THRESHOLD",
    "audit_dataset",
]


def audit_dataset(
    data: Any,
    *,
    target: str | None = None,
    sensitive_features: Any,
    features: Iterable[str] | None = None,
    reference_population: Mapping[str, Mapping[Any, float]] | None = None,
    policy: Any = None,
    reference: Any = "largest",
    pos_label: Any = None,
    favorable_label: Any = None,
    outcome: str | None = None,
    target_type: str | None = None,
    sample_weight: Any = None,
    strata: Any = None,
    ci: float = 0.95,
    min_group_size: int = 30,
    proxies: bool = True,
    proxy_sample: int = DEFAULT_PROXY_SAMPLE,
    proxy_cv: int | None = None,
    reweigh: bool = False,
    random_state: int | None = 0,
    fail_on: Iterable[str] = ("fail",),
    max_groups: int | None = None,
) -> AuditResult:
    """Audit a dataset for representation, label bias, missingness, proxies and feature shift.

    Parameters
    ----------
    data : pandas.DataFrame or engine data
        The dataset, one row per individual. polars, Arrow, DuckDB, Spark data
        or Parquet/CSV paths are accepted too (then ``target``,
        ``sensitive_features`` and ``features`` are column names): only those
        columns are collected into pandas (every column without ``features``),
        recorded in ``metadata["engine"]`` (see :mod:`fairscope.engines`).
    target : str, optional
        Column of the label: binary, multiclass or continuous (see ``target_type``).
        The target is audited for label bias and is never a feature or a proxy.
    sensitive_features : str, list of str, or array-like / DataFrame / dict
        Sensitive feature column(s) of ``data`` (or values aligned with it).
        Each is audited on its own and, with several, their intersection too.
        Missing values form the group ``"<missing>"``.
    features : list of str, optional
        Columns audited for missingness, proxies and shift; default every
        column other than the sensitive features and the target.
    reference_population : dict, optional
        Population shares per group, per sensitive feature (set), e.g.
        ``{"sex": {"Male": 0.49, "Female": 0.51}}``; must sum to 1 (within
        0.01) and name every group in the data. Adds the representation ratio
        and a chi-square goodness-of-fit test (rows with a missing value are
        left out of the comparison).
    policy : str, dict or Policy, optional
        Policy judged by :func:`fairscope.apply_policy`. For a binary
        target, ``result.statistics`` holds label-only counts (the label
        stands in for the prediction), so only rules on the selection rate /
        base rate (e.g. demographic parity of the labels) are meaningful for a
        dataset audit; error-rate rules see perfect predictions.
    reference : "largest", group label or dict, default "largest"
        Reference group of every disparity: the largest group with a known
        value, a group label (used for the feature sets that have it; the
        others use the largest group, with a :class:`~fairscope.ReferenceWarning`),
        or a dict from feature-set label to group label. The same rule and the
        same errors as every other audit (:mod:`fairscope.compute._references`);
        an unknown group is an error naming the groups. ``"best"`` and
        ``"overall"`` are for prediction audits and are refused here.
    pos_label : optional
        Positive class of a binary target (needed unless the labels are 0/1
        or booleans).
    favorable_label : optional
        The label of a binary target that is good news for the person. When it is
        not the positive label, the positive label is adverse, as with
        ``outcome="adverse"``.
    outcome : {"favorable", "adverse"}, optional
        Whether the positive label of a binary target is good news (approved) or a
        harm (reoffended, defaulted). With ``"adverse"``, rate rules of a policy are
        judged on the favourable observed outcome (the share of each group *not*
        labelled positive) and findings say so; recorded in ``metadata["outcome"]``.
        A policy's ``favorable`` key sets it when neither is given; a target named
        like a harm (``"two_year_recid"``, ``"default"``) without a direction warns
        (:class:`~fairscope.InputWarning`). Refused without a binary target.
    target_type : {"binary", "multiclass", "continuous"}, optional
        Default: two values are binary; numbers with more than 10 distinct
        values or non-integer values are continuous; otherwise multiclass.
    sample_weight : str or array-like, optional
        Row weights (a column of ``data`` or values): they weight the
        ``dataset_metrics`` table only; the other tables count rows (who is in the
        data), as ``metadata["warnings"]`` says.
    strata : str, list of str or array-like, optional
        Column(s) to condition on for the conditional demographic disparity.
    ci : float, default 0.95
        Confidence level of every interval.
    min_group_size : int, default 30
        Groups with fewer rows are marked ``small`` / ``status="small"``.
    proxies : bool, default True
        Fit the proxy classifier (mutual information is always computed).
    proxy_sample : int, default 20_000
        Rows the proxy classifier is trained on (a random subsample beyond;
        recorded in ``metadata["proxies"]`` and the ``proxy_model`` table).
    proxy_cv : int or None, default None
        1: the proxy classifier is fitted once and its AUC and importances are
        measured, with standard errors, on a held-out third of its sample;
        ``k >= 2``: ``k``-fold cross-validation (the estimate before issue 19,
        about three times the cost), with fold-to-fold standard deviations.
        None: 1 from 6,000 sampled rows, else 3 (recorded in ``proxy_model``).
    reweigh : bool, default False
        Add the ``"reweighing"`` table (discrete targets only).
    random_state : int or None, default 0
        Seed of the proxy subsample, folds and permutations. Fixed by default so
        that the same data always give the same audit (an audit is evidence);
        pass None for fresh randomness.
    fail_on : iterable of str, default ("fail",)
        Statuses that make :attr:`AuditResult.passed` false.
    max_groups : int, optional
        Most groups a sensitive feature or intersection may have (default 5,000).

    Returns
    -------
    AuditResult
        ``kind="dataset"``, ``task="dataset"``, tables as listed in the
        module docstring, metadata (rows, sensitive features, groups,
        reference groups, target type, proxy subsampling, warnings) and
        reproducibility.

    Raises
    ------
    ValueError
        When a named column is absent, lengths differ, the data are empty,
        the target is entirely missing, or a reference is invalid. Degenerate
        but valid data (a constant target, a sensitive feature with one value,
        entirely missing columns) are reported in ``metadata["warnings"]``.

    See Also
    --------
    fairscope.reweighing_weights : weights that equalize base rates.

    Examples
    --------
    >>> import pandas as pd
    >>> import fairscope
    >>> df = pd.DataFrame({"sex": ["f", "m"] * 50, "y": [0, 1, 1, 1] * 25,
    ...                    "x": [float(i % 7) for i in range(100)]})
    >>> result = fairscope.audit_dataset(df, target="y", sensitive_features="sex",
    ...                                  proxies=False)
    >>> result.tables["base_rates"][["group", "value"]].head(2).to_numpy().tolist()
    [['f', 0.5], ['m', 1.0]]
    """
    engine = None
    if not isinstance(data, pd.DataFrame):
        # polars, Arrow, DuckDB, Spark or files: only the audited columns leave the engine
        data, engine = dataset_columns(data, target, sensitive_features, features)
    check_options(data, min_group_size, proxy_sample, proxy_cv, ci)
    check_target_options(target, pos_label, target_type)
    loaded_policy = None if policy is None else load_policy(policy)  # early: a bad file fails fast
    with group_limit(max_groups):
        sens, target_series = _sensitive_and_target(data, sensitive_features, target)
    sets = encode_feature_sets(sens)
    reference_warnings = choose_references(reference, sets)
    audit = DatasetAudit(data, sets, min_group_size, ci, warnings=reference_warnings)
    missing_sensitive = _group_warnings(audit, sens)

    population = validate_population(reference_population or {}, {s.label: s for s in sets})
    n_empty = _representation_tables(audit, sets, population, len(data))

    feature_names = _resolve_features(data, features, sens, target, (sample_weight, strata))
    _encode_features(audit, feature_names)
    _label_tables(audit, target_series, target, target_type, pos_label)
    direction = dataset_direction(audit.target, outcome, favorable_label, loaded_policy)
    # one reference per feature set: the policy's, in every table computed from here on
    adopt_policy_references(audit, loaded_policy, reference, direction)
    add_dataset_metrics(audit, sample_weight, strata)
    if reweigh:
        _check_reweighable(audit.target)  # before the proxies, the costly part
    _column_tables(audit, proxies, int(proxy_sample), proxy_cv, random_state)
    reweighing_info = _reweighing(audit) if reweigh else None

    metadata = dataset_metadata(
        audit, sens, feature_names, reference, missing_sensitive=missing_sensitive,
        empty_intersections=n_empty, reference_population=population or None,
        proxies=proxy_metadata(audit, proxies, proxy_sample, proxy_cv, random_state),
        reweighing=reweighing_info, direction=direction,
    )  # fmt: skip
    if engine is not None:
        metadata["engine"] = engine
    columns = {"target": target} if target is not None else {}
    columns.update({f"feature:{name}": name for name in feature_names})
    digests = _feature_digests(audit, feature_names)
    result = AuditResult(
        kind="dataset",
        task="dataset",
        tables=with_declared_columns(audit.tables),
        metadata=metadata,
        reproducibility=provenance(
            metadata, columns, sens, data, random_seed=random_state, digests=digests
        ),
        fail_on=tuple(fail_on),
        statistics=audit.statistics,
    )
    if policy is not None:
        result = apply_policy(result, policy)
    return result


def _representation_tables(
    audit: DatasetAudit, sets: Any, population: Any, n_rows: int
) -> dict[str, int]:
    """Add the representation tables (and their warnings); empty combinations per intersection."""
    table, tests, n_empty = representation(sets, population, n_rows, audit.min_group_size, audit.ci)
    audit.tables["representation"] = table
    if population:
        audit.tables["representation_tests"] = tests
    _small_group_warning(audit, table)
    return n_empty


# -- inputs --------------------------------------------------------------------------------


def _sensitive_and_target(
    data: pd.DataFrame, sensitive_features: Any, target: Any
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The sensitive features as a frame aligned with ``data``, and the target column."""
    check_aligned(None, data=data, sensitive_features=sensitive_features)
    sens = sensitive_frame(sensitive_features, data)
    if len(sens) != len(data):
        raise ValueError(
            f"sensitive_features has {len(sens)} rows but data has {len(data)}; give one value "
            "per row (or name columns of data)."
        )
    if target is None:
        return sens, None
    if not isinstance(target, str):
        raise ValueError(f"target must be a column name of data; got {type(target).__name__}.")
    series = column(target, data, "target")
    if target in [str(c) for c in sens.columns]:
        raise ValueError(
            f"target={target!r} is also a sensitive feature; audit it as one or the other."
        )
    return sens, series


def _resolve_features(
    data: pd.DataFrame, features: Any, sens: pd.DataFrame, target: str | None, others: tuple
) -> list[Any]:
    """The audited features: ``features``, or every column but the sensitive features, the
    target and the ``others`` given by name (weights, strata)."""
    excluded = {str(c) for c in sens.columns} | {c for c in (target, *others) if isinstance(c, str)}
    if features is None:
        # the original labels, so that non-string column names still index the data
        return [c for c in data.columns if str(c) not in excluded]
    names = [features] if isinstance(features, str) else list(features)
    for name in names:
        if name not in data.columns:
            raise ValueError(
                f"features names {name!r}, which is not a column of data; columns are "
                f"{list(data.columns)}."
            )
        if target is not None and name == target:
            raise ValueError(
                f"features includes the target {name!r}; the target is audited as a label, "
                "never as a feature or proxy. Remove it from features."
            )
        if name in excluded:
            raise ValueError(
                f"features includes the sensitive feature {name!r}; sensitive features are "
                "audited as groups. Remove it from features."
            )
    return names


# -- warnings recorded in the result --------------------------------------------------------


def _group_warnings(audit: DatasetAudit, sens: pd.DataFrame) -> dict[str, int]:
    """Warn of single-valued and missing sensitive features; the missing count of each."""
    for fs in audit.sets:
        if len(fs.features) == 1 and len(fs.labels) == 1:
            audit.warnings.append(
                f"sensitive feature {fs.label!r} has a single value ({fs.labels[0]!r}): no "
                "group comparison is possible for it."
            )
    missing = {str(n): int(sens[n].isna().sum()) for n in sens.columns if sens[n].isna().any()}
    for name, count in missing.items():
        audit.warnings.append(
            f"sensitive feature {name!r} is missing in {count} rows; they form the group "
            f"{MISSING!r}."
        )
    return missing


def _small_group_warning(audit: DatasetAudit, table: pd.DataFrame) -> None:
    small = table[table["status"] == "small"]
    if not len(small):
        return
    named = [f"{f}: {g}" for f, g in zip(small["feature"], small["group"], strict=True)]
    more = f" and {len(named) - 10} more" if len(named) > 10 else ""
    audit.warnings.append(
        f"{len(small)} group(s) have fewer than {audit.min_group_size} rows (not tested against "
        f"the reference): {', '.join(named[:10])}{more}."
    )


def _encode_features(audit: DatasetAudit, names: list[Any]) -> None:
    audit.encoded = [encode_column(audit.data[name], str(name)) for name in names]
    for col in audit.encoded:
        if col.all_missing:
            audit.warnings.append(f"column {col.name!r} is entirely missing.")
        elif col.constant:
            audit.warnings.append(f"column {col.name!r} is constant: it carries no information.")
        if col.n_pooled:
            audit.warnings.append(
                f"column {col.name!r} has many categories; {col.n_pooled} rare ones are pooled "
                "into '<other>'."
            )


def _feature_digests(audit: DatasetAudit, names: list[Any]) -> dict[str, str]:
    """Input digests of the feature columns, from the codes their encoding found."""
    return {
        f"feature:{name}": column_digest(audit.data[name], col.factorized)
        for name, col in zip(names, audit.encoded, strict=True)
    }


# -- tables --------------------------------------------------------------------------------


def _label_tables(
    audit: DatasetAudit,
    series: pd.Series | None,
    name: str | None,
    target_type: Any,
    pos_label: Any,
) -> None:
    """``base_rates`` and, for a binary target, label-only counts a policy can judge."""
    if series is None or name is None:
        audit.tables["base_rates"] = pd.DataFrame(columns=["feature", "group", "n", "value"])
        return
    target = audit.target = decode_target(series, name, target_type, pos_label)
    n_missing = int((~target.known).sum())
    if n_missing:
        audit.warnings.append(
            f"target {name!r} is missing in {n_missing} rows; base rates use the rows with a label."
        )
    if target.constant:
        audit.warnings.append(
            f"target {name!r} is constant (one value in every labelled row): base "
            "rates are equal by construction."
        )
    audit.tables["base_rates"] = base_rates(audit.sets, target, audit.min_group_size, audit.ci)
    if target.kind == "binary":
        labelled = slice(None) if target.known.all() else target.known  # no copy when all are
        y = target.is_positive[labelled]
        for fs in audit.sets:
            audit.statistics[fs.label] = reduce_confusion(y, y, fs.codes[labelled], fs.index)


def _column_tables(
    audit: DatasetAudit, proxies: bool, proxy_sample: int, proxy_cv: Any, random_state: Any
) -> None:
    """``missingness``, ``proxies``, ``proxy_model`` and ``feature_shift`` from one reduction."""
    inter = audit.intersection
    n_inter = len(inter.labels)
    parents = {fs.label: parent_groups(fs, inter) for fs in audit.sets}
    reduced = reduce_columns(audit.encoded, inter.codes, n_inter)
    stats_by_set = {
        fs.label: [cs.for_set(parents[fs.label], len(fs.labels)) for cs in reduced]
        for fs in audit.sets
    }
    roles = {c.name: "feature" for c in audit.encoded}
    missing_counts = {
        fs.label: np.array([cs.missing for cs in stats_by_set[fs.label]]).reshape(
            len(audit.encoded), len(fs.labels)
        )
        for fs in audit.sets
    }
    if audit.target is not None:
        roles[audit.target.name] = "target"
        rows = inter.codes[~audit.target.known]
        target_missing = np.bincount(rows, minlength=n_inter).astype(float)
        for fs in audit.sets:
            row = aggregate(target_missing, parents[fs.label], len(fs.labels))[None, :]
            missing_counts[fs.label] = np.vstack([missing_counts[fs.label], row])
    audit.tables["missingness"] = missingness(
        audit.sets, missing_counts, roles, audit.min_group_size, audit.ci
    )
    singles = {s.label: (s.codes, s.labels) for s in audit.sets if len(s.features) == 1}
    contingency = {
        (label, cs.column.name): cs.table for label in singles for cs in stats_by_set[label]
    }
    audit.tables["proxies"], audit.tables["proxy_model"] = proxy_tables(
        audit.encoded,
        singles,
        contingency,
        sample=proxy_sample,
        cv=proxy_cv,
        random_state=random_state,
        model=proxies,
    )
    observed = {
        label: [cs for cs in css if not cs.column.all_missing]
        for label, css in stats_by_set.items()
    }
    audit.tables["feature_shift"] = feature_shift(audit.sets, observed)


def _check_reweighable(target: Target | None) -> Target:
    if target is None or target.kind == "continuous":
        raise ValueError(
            "reweigh=True needs a binary or multiclass target=; reweighing equalizes "
            "label rates across groups."
        )
    return target


def _reweighing(audit: DatasetAudit) -> dict[str, Any]:
    target = _check_reweighable(audit.target)
    table, info = reweighing_table(audit.sets, target, audit.intersection)
    audit.tables["reweighing"] = table
    return info
