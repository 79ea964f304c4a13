"""Which observed outcome of a dataset's binary target is favourable.

:func:`fairscope.audit_dataset` takes the same ``outcome="favorable" | "adverse"`` and
``favorable_label=`` as the prediction audits (:mod:`fairscope.audits._outcome`), about
the target's labels: a label of ``two_year_recid = 1`` is a harm, ``approved = 1`` good
news. The direction is recorded in the metadata and the judge reads it, so that rate
rules of a policy (parity of the base rates) are judged on the favourable observed
outcome. A target named like a harm without a direction warns, as for predictions.
"""

from __future__ import annotations

from typing import Any

from fairscope.audits._label_bias import Target
from fairscope.audits._outcome import resolve_outcome


def dataset_direction(
    target: Target | None, outcome: str | None, favorable_label: Any, policy: Any
) -> dict[str, Any]:
    """The outcome direction of a dataset audit, as recorded in its metadata.

    Parameters
    ----------
    target : Target or None
        The decoded target (None without ``target=``).
    outcome : {"favorable", "adverse"} or None
        Whether the positive label of the target is good news or a harm.
    favorable_label : Any
        The label that is good news for the person.
    policy : Policy or None
        The loaded policy; its ``favorable`` key stands for ``favorable_label=``
        when neither is given.

    Returns
    -------
    dict
        ``{}`` for an audit without a binary target; else ``outcome``,
        ``outcome_given``, ``positive_prediction`` (the positive label in words,
        ``"default = 1"``) and ``favorable_label`` when given.

    Raises
    ------
    ValueError
        When a direction is given without a target, or for a target that is not binary,
        or when ``outcome`` contradicts ``favorable_label`` (see
        :func:`fairscope.audits._outcome.resolve_outcome`).
    """
    given = outcome is not None or favorable_label is not None
    if target is None:
        if given:
            raise ValueError(
                "outcome= and favorable_label= say which label of the target is good news; "
                "give target= (a binary column of data) or drop them."
            )
        return {}
    if target.kind != "binary":
        if given:
            raise ValueError(
                f"outcome= and favorable_label= apply to a binary target; target "
                f"{target.name!r} is {target.kind}. Drop them, or audit a binary label."
            )
        return {}
    favourable = getattr(policy, "favorable", None)
    if not given and favourable is not None:
        favorable_label = favourable
    return resolve_outcome(
        outcome, favorable_label, target.pos_label, names=(target.name,), prediction=target.name
    )
