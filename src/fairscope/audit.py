"""Audits of predictions: from rows to an :class:`~fairscope.result.AuditResult`."""

from __future__ import annotations

import datetime as _dt
import platform
from collections.abc import Iterable
from typing import Any

import pandas as pd

from fairscope.counts import GroupCounts
from fairscope.group_metrics import GroupMetrics, group_label
from fairscope.metrics import DEFAULT_METRICS
from fairscope.result import AuditResult


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
    out = frame.drop(columns=features)
    out.insert(0, "group", groups)
    out.insert(0, "feature", label)
    return out


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
    from fairscope.significance import ALL_GROUPS

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
    """Versions of fairscope and the libraries that computed the audit, and a UTC timestamp."""
    import numpy
    import scipy
    import sklearn

    from fairscope import __version__

    return {
        "fairscope": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "timestamp_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def audit_predictions(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    y_score: Any = None,
    policy: Any = None,
    data: Any = None,
    sample_weight: Any = None,
    pos_label: Any = 1,
    metrics: str | Iterable[str] | None = None,
    reference: Any = "largest",
    ci: float = 0.95,
    ci_method: str = "wilson",
    n_boot: int = 1000,
    random_state: Any = None,
    bootstrap: str = "multinomial",
    min_group_size: int = 30,
    dropna: bool = False,
    fail_on: Iterable[str] = ("fail",),
) -> AuditResult:
    """Audit predictions computed elsewhere (the CI case).

    Parameters
    ----------
    y_true, y_pred : array-like or str
        Labels and predictions, or column names of ``data``.
    sensitive_features : array-like, DataFrame, dict, str or list of str
        Sensitive features; each is audited on its own and, when several, their
        intersection too.
    y_score : array-like or str, optional
        Scores for score-based metrics.
    policy : str, dict or Policy, optional
        A policy (preset name, file path or object) whose rules judge the
        disparities; adds findings to the result.
    data : pandas.DataFrame, optional
    sample_weight : array-like or str, optional
    pos_label : default 1
    metrics : list of str, optional
        Metrics of the group table; default :data:`fairscope.metrics.DEFAULT_METRICS`.
    reference : group label, dict or {"largest", "best", "overall"}, default "largest"
        Reference group of disparities; see :func:`reference_for`.
    ci : float, default 0.95
    ci_method : {"wilson", "clopper-pearson", "bootstrap", "bca"}, default "wilson"
    n_boot, random_state, bootstrap
        Bootstrap settings, see :class:`~fairscope.GroupMetrics`.
    min_group_size : int, default 30
    dropna : bool, default False
    fail_on : iterable of str, default ("fail",)
        Statuses that make :attr:`AuditResult.passed` false.

    Returns
    -------
    AuditResult

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> sorted(result.tables)
    ['counts', 'disparities', 'group_metrics', 'intervals', 'tests']
    """
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
    result = AuditResult(
        kind="predictions",
        task="binary",
        tables=tables,
        metadata=metadata,
        reproducibility=environment(),
        fail_on=tuple(fail_on),
        statistics=statistics,
    )
    if policy is not None:
        from fairscope.policy import apply_policy

        apply_policy(result, policy)
    return result
