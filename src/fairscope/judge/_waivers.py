"""Waivers: accepted violations of a rule for a group, until an expiry date.

An active waiver turns a FAIL, WARN or INCONCLUSIVE finding into WAIVED and keeps the
finding visible with the waiver's owner and justification; an expired waiver no longer
applies, is noted on the finding it would have covered and listed in the result. A
waiver that covers no finding (a group, rule or feature set the audit does not have, a
typo) is a :class:`~fairscope.PolicyWarning` naming it, never ignored silently.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from fairscope.core._findings import Finding, Status
from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import PolicyWarning
from fairscope.judge._model import Waiver

#: Statuses an active waiver accepts; PASS, SKIPPED and ERROR are never waived.
WAIVABLE = frozenset({Status.FAIL, Status.WARN, Status.INCONCLUSIVE})


def _waived(finding: Finding, waiver: Waiver, today: _dt.date) -> Finding:
    record: dict[str, Any] = waiver.to_dict()
    if not waiver.active(today):
        record["state"] = "expired"
        note = (
            f" A waiver by {waiver.owner} expired on {waiver.expires.isoformat()} and "
            "no longer applies."
        )
        return dataclasses.replace(finding, waiver=record, message=finding.message + note)
    record["state"] = "active"
    if finding.status not in WAIVABLE:
        return dataclasses.replace(finding, waiver=record)
    record["waived_status"] = finding.status.value
    note = f" Waived until {waiver.expires.isoformat()} by {waiver.owner}: {waiver.justification}"
    return dataclasses.replace(
        finding, status=Status.WAIVED, waiver=record, message=finding.message + note
    )


def _warn_unmatched(waiver: Waiver, findings: Sequence[Finding]) -> None:
    """A waiver that covers no finding names a rule, group or feature set the audit lacks."""
    own = [f for f in findings if f.rule_id == waiver.rule]
    if not own:
        rules = sorted({f.rule_id for f in findings})
        what = f"rule {waiver.rule!r}, which no finding has (rules: {_listing(rules)})"
    elif waiver.group != "*" and waiver.group not in {f.group for f in own}:
        groups = sorted({f.group for f in own})
        what = (
            f"group {waiver.group!r}, which is not a group of this audit for rule "
            f"{waiver.rule!r} (groups: {_listing(groups)})"
        )
    else:
        features = sorted({f.feature for f in own})
        what = f"feature set {waiver.feature!r} (feature sets: {_listing(features)})"
    warnings.warn(
        f"a waiver (owner {waiver.owner}) names {what}, so it waives nothing. Fix the "
        "waiver's rule, group or feature, or remove it.",
        PolicyWarning,
        stacklevel=find_stacklevel(),
    )


def _listing(values: Sequence[str], limit: int = 10) -> str:
    more = f", ... ({len(values)} in all)" if len(values) > limit else ""
    return ", ".join(repr(v) for v in values[:limit]) + more


def apply_waivers(
    findings: Sequence[Finding], waivers: Iterable[Waiver], today: _dt.date
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Apply the first waiver naming each finding; list the expired waivers.

    Parameters
    ----------
    findings : sequence of Finding
        Findings of a policy (not modified).
    waivers : iterable of Waiver
    today : datetime.date
        The day waivers are checked against (the expiry day still applies).

    Returns
    -------
    findings : list of Finding
        New findings, WAIVED where an active waiver covers them.
    expired : list of dict
        Every expired waiver, with ``state="expired"`` and whether it ``matched``
        a finding.

    Examples
    --------
    >>> import datetime as dt
    >>> f = Finding("sr", "selection_rate", "ratio_to_reference", "g", "b", "FAIL")
    >>> w = Waiver("sr", "b", "legacy model", "risk team", dt.date(2030, 1, 1))
    >>> apply_waivers([f], [w], dt.date(2029, 1, 1))[0][0].status
    <Status.WAIVED: 'WAIVED'>
    """
    waivers = list(waivers)
    used: set[int] = set()
    out = []
    for finding in findings:
        match = next((i for i, w in enumerate(waivers) if w.applies_to(finding)), None)
        if match is None:
            out.append(finding)
            continue
        used.add(match)
        out.append(_waived(finding, waivers[match], today))
    for i, waiver in enumerate(waivers):
        if i not in used:
            _warn_unmatched(waiver, findings)
    expired = [
        {**waiver.to_dict(), "state": "expired", "matched": i in used}
        for i, waiver in enumerate(waivers)
        if not waiver.active(today)
    ]
    return out, expired
