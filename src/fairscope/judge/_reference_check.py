"""A judged result whose findings and tables compare with different reference groups says so.

:func:`fairscope.audit_predictions` with ``policy=`` tabulates against the policy's
reference groups (:mod:`fairscope.judge._rule_references`), so its report has one
reference per feature set. A saved result judged later by :func:`~fairscope.apply_policy`
keeps the tables it has; when a rule compares with another group, a
:class:`~fairscope.ReferenceWarning` names both rather than letting a report show two
references silently.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from fairscope.core._findings import Finding
from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import ReferenceWarning
from fairscope.result._audit_result import AuditResult


def warn_if_references_differ(result: AuditResult, findings: Sequence[Finding]) -> None:
    """Warn when findings compare a feature set with another group than the audit's tables.

    :func:`fairscope.audit_predictions` with ``policy=`` tabulates against the policy's
    reference; judging a saved result (``apply_policy``) cannot, so a reader is told
    that the report would show two references for that feature set.

    Parameters
    ----------
    result : AuditResult
        The audit judged.
    findings : sequence of Finding
        Its findings.

    Returns
    -------
    None
    """
    tabled_by_set: dict[str, str] = {}
    rules_by_set: dict[str, dict[str, list[str]]] = {}  # feature set -> reference -> rule ids
    for f in findings:
        if f.reference is None or f.comparison.endswith(("between_groups", "to_overall")):
            continue
        tabled = result.reference_for(f.feature, f.metric)
        if tabled is None:
            continue
        tabled_by_set.setdefault(f.feature, tabled)
        rules = rules_by_set.setdefault(f.feature, {}).setdefault(f.reference, [])
        if f.rule_id not in rules:
            rules.append(f.rule_id)
    disagree = {k: v for k, v in rules_by_set.items() if len(v) > 1}
    if disagree:
        _warn_rules_disagree(disagree, tabled_by_set)
    differ = {
        k: (tabled_by_set[k], next(iter(v)))
        for k, v in rules_by_set.items()
        if k not in disagree and next(iter(v)) != tabled_by_set[k]
    }
    if differ:
        listing = "; ".join(f"{k}: tables {a!r}, findings {b!r}" for k, (a, b) in differ.items())
        warnings.warn(
            f"the policy compares with other reference groups than the audit's tables "
            f"({listing}). Audit with policy= (fairscope.audit_predictions(..., policy=...) "
            "or fairscope.audit_dataset(..., policy=...)) so that every table, finding and "
            "chart uses the policy's reference.",
            ReferenceWarning,
            stacklevel=find_stacklevel(),
        )


def _warn_rules_disagree(
    disagree: Mapping[str, Mapping[str, list[str]]], tabled: Mapping[str, str]
) -> None:
    """One reference per feature set: rules of one policy that pick different groups are named.

    Each finding keeps its own rule's reference (and names it); the tables, charts and
    text can show one, the reference of the policy's first rule for that feature set.
    """
    parts = []
    for feature, by_reference in disagree.items():
        rules = ", ".join(
            f"{'rule' if len(ids) == 1 else 'rules'} {', '.join(repr(i) for i in ids)} "
            f"with {reference!r}"
            for reference, ids in by_reference.items()
        )
        parts.append(f"{feature}: {rules}; the tables use {tabled[feature]!r}")
    warnings.warn(
        f"the policy's rules compare a feature set with different reference groups "
        f"({' | '.join(parts)}). Each finding names its own rule's reference, but the "
        "tables, charts and text of a report show one per feature set. Give the rules one "
        "reference (e.g. a named group, or reference: {race: Caucasian}) so that they agree.",
        ReferenceWarning,
        stacklevel=find_stacklevel(),
    )
