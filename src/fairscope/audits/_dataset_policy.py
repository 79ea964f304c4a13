"""A dataset audit under a policy tabulates against the policy's reference groups.

One reference per feature set (issue 14): when :func:`fairscope.audit_dataset` is given
a policy whose rules compare with another group than ``reference=`` picks (e.g. the
``"best"`` group of four-fifths), the base rates, missingness, shift and dataset metrics
are computed against the policy's group, found from the label-only counts by the
judge's own rule (:func:`fairscope.judge._rule_references.policy_references`), so that
every table, finding and line of the report names the same reference.
"""

from __future__ import annotations

import warnings
from typing import Any

from fairscope.audits._dataset_state import DatasetAudit
from fairscope.audits._label_bias import base_rates
from fairscope.compute._references import choice_for
from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import ReferenceWarning
from fairscope.judge._rule_references import policy_references
from fairscope.result._audit_result import AuditResult


def adopt_policy_references(
    audit: DatasetAudit, policy: Any, reference: Any, direction: dict[str, Any]
) -> list[str]:
    """Make each feature set's reference the policy's; the feature sets changed.

    The base rates, already computed, are computed again against the new references;
    the tables computed after this call (missingness, shift, dataset metrics) use them.

    Parameters
    ----------
    audit : DatasetAudit
        The audit, its label-only counts (``statistics``) computed and its references
        chosen from ``reference``.
    policy : Policy or None
        The loaded policy (None: nothing changes).
    reference : Any
        The ``reference=`` given; a group the user named that the policy overrides is
        named in a :class:`~fairscope.ReferenceWarning`.
    direction : dict
        The outcome direction (the policy judges rates of the favourable outcome).

    Returns
    -------
    list of str
        Labels of the feature sets whose reference changed (their reference-dependent
        tables other than the base rates must be computed after this call).
    """
    if policy is None or audit.target is None or not audit.statistics:
        return []  # no binary target: no rule can be judged on the labels
    probe = AuditResult(
        kind="dataset",
        task="dataset",
        tables={},
        metadata={
            "task": "dataset",
            "pos_label": None if audit.target is None else str(audit.target.pos_label),
            "min_group_size": audit.min_group_size,
            "ci": audit.ci,
            "feature_sets": [fs.label for fs in audit.sets],
            "reference_groups": {fs.label: fs.reference_label for fs in audit.sets},
            **direction,
        },
        statistics=audit.statistics,
    )
    wanted = policy_references(probe, policy)
    changed = []
    for fs in audit.sets:
        group = wanted.get(fs.label)
        if group is None or group not in fs.labels or group == fs.reference_label:
            continue  # "overall" has no row to tabulate against: the tables keep theirs
        given = choice_for(reference, fs.label)
        if isinstance(given, str) and given != "largest":
            warnings.warn(
                f"policy {policy.name!r} compares {fs.label!r} with {group!r}, so every table "
                f"and finding of this dataset audit uses it instead of reference={given!r}. "
                "Change the policy's rule reference to compare with another group.",
                ReferenceWarning,
                stacklevel=find_stacklevel(),
            )
        fs.ref = fs.labels.index(group)
        changed.append(fs.label)
    if changed:
        audit.tables["base_rates"] = base_rates(
            audit.sets, audit.target, audit.min_group_size, audit.ci
        )
    return changed
