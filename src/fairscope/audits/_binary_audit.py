"""The binary audit: confusion-count tables of every feature set."""

from __future__ import annotations

from typing import Any

import pandas as pd

from fairscope.audits._rows import feature_sets, reference_choices, with_group_columns
from fairscope.compute._disparities import KINDS, declare
from fairscope.compute._group_metrics import GroupMetrics
from fairscope.compute._references import choice_for, is_strategy
from fairscope.compute._significance import FAMILY, with_group_column
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._registry import DEFAULT_METRICS
from fairscope.result._audit_result import AuditResult


def set_groups(sets: dict[str, GroupMetrics]) -> dict[str, list[str]]:
    """Group labels of each feature set, for the up-front check of the reference."""
    return {label: list(gm.group_labels) for label, gm in sets.items()}


def reference_for(reference: Any, label: str, gm: GroupMetrics) -> Any:
    """The reference of one feature set: a strategy or a group label of that set.

    ``reference`` is a strategy (``"largest"``, ``"best"``, ``"overall"``) used
    everywhere, a dict from feature-set label (``"race"``) to a group label or
    strategy, or one group label, used for the feature sets that have such a
    group (``"largest"`` elsewhere, with a ReferenceWarning). An unknown group
    is a ``ValueError`` naming the groups.
    """
    choice = choice_for(reference, label)
    if is_strategy(choice):
        return choice
    return reference_choices(reference, {label: list(gm.group_labels)})[label]


def binary_tables(
    sets: dict[str, GroupMetrics], reference: Any = "largest"
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, str]]]:
    """The standard tables of a binary audit, one block of rows per feature set.

    Returns the tables and the reference group of each feature set and metric.
    """
    choices = reference_choices(reference, set_groups(sets))
    group_metrics, counts, intervals, disparities, tests = [], [], [], [], []
    references: dict[str, dict[str, str]] = {}
    for label, gm in sets.items():
        names = gm.group_labels
        by_group = gm.by_group
        by_group.index = names
        by_group.insert(0, "n", gm.group_sizes.to_numpy())
        group_metrics.append(by_group.rename_axis("group").reset_index().assign(feature=label))
        counts.append(counts_table(gm, label))
        intervals.append(with_group_columns(gm.confidence_intervals(), label, gm))
        ref = choices[label]
        for kind in KINDS:
            disparities.append(
                declare(with_group_columns(gm.disparity_intervals(kind, reference=ref), label, gm))
            )
        references[label] = dict(gm.reference_)
        tests.append(tests_table(gm, label, ref))
    return {
        "group_metrics": _tidy(group_metrics),
        "counts": _tidy(counts),
        "intervals": _tidy(intervals),
        "disparities": _tidy(disparities),
        "tests": _tidy(tests),
    }, references


def counts_table(gm: GroupMetrics, label: str) -> pd.DataFrame:
    """Confusion counts of each group with predicted positives and negatives, and overall.

    ``pp = FP + TP`` and ``pn = TN + FN`` (Aequitas' counts), weighted with sample
    weights; the last row, ``<overall>``, holds the counts of all rows of the feature set.

    Parameters
    ----------
    gm : GroupMetrics
        The metrics of one feature set.
    label : str
        The feature-set label.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``n``, (``weight``), ``tn``, ``fp``, ``fn``, ``tp``, ``pp``,
        ``pn`` (and the unweighted ``rows_*`` with weights), then ``feature``.
    """
    frame = gm.counts
    frame.index = gm.group_labels
    overall = frame.sum(axis=0, numeric_only=True).to_frame(OVERALL).T
    frame = pd.concat([frame, overall])
    frame.insert(frame.columns.get_loc("tp") + 1, "pp", frame["fp"] + frame["tp"])
    frame.insert(frame.columns.get_loc("pp") + 1, "pn", frame["tn"] + frame["fn"])
    frame["n"] = frame["n"].astype("int64")
    return frame.rename_axis("group").reset_index().assign(feature=label)


def _tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    return out[["feature", *[c for c in out.columns if c != "feature"]]]


def tests_table(gm: GroupMetrics, label: str, reference: Any) -> pd.DataFrame:
    """Tests of each group against the reference (Holm within each metric), with feature/group."""
    out = with_group_column(gm.tests(reference=reference), gm.sensitive_features)
    out.insert(0, "feature", label)
    return out


def binary_audit(
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
    """A binary audit of predictions (no scores): GroupMetrics of every feature set."""
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
        "tests_family": FAMILY,
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
