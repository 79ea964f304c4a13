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
from collections.abc import Sequence

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
    differ: dict[str, tuple[str, str]] = {}
    for f in findings:
        if f.reference is None or f.comparison.endswith(("between_groups", "to_overall")):
            continue
        tabled = result.reference_for(f.feature, f.metric)
        if tabled is not None and tabled != f.reference:
            differ.setdefault(f.feature, (tabled, f.reference))
    if differ:
        listing = "; ".join(f"{k}: tables {a!r}, findings {b!r}" for k, (a, b) in differ.items())
        warnings.warn(
            f"the policy compares with other reference groups than the audit's tables "
            f"({listing}). Audit with policy= (fairscope.audit_predictions(..., policy=...)) "
            "so that every table, finding and chart uses the policy's reference.",
            ReferenceWarning,
            stacklevel=find_stacklevel(),
        )
