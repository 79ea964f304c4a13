"""Which outcome is favourable: the positive prediction, or the other one.

A positive prediction is not always good news for the person it is about: in COMPAS
the positive class is "high risk of reoffending", in credit it may be "will default".
Each audit entry point takes ``outcome="favorable" | "adverse"`` (is the positive
label favourable or harmful?) or ``favorable_label=`` (the label that is good news),
records the answer in ``metadata["outcome"]`` and ``metadata["favorable_label"]``,
and the judge reads it: rate rules are judged on the rate of the favourable outcome
(:mod:`fairscope.judge._outcome`). When neither is given and the positive label or
the label columns are named like a harm ("recid", "default", "fraud", ...), the
audit warns instead of guessing.
"""

from __future__ import annotations

import warnings
from typing import Any

from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import InputWarning

OUTCOMES: tuple[str, ...] = ("favorable", "adverse")

#: Parts of a name that suggest the positive label is a harm (lower case).
ADVERSE_NAME_PARTS: tuple[str, ...] = (
    "recid",
    "reoffend",
    "default",
    "high_risk",
    "high risk",
    "highrisk",
    "fraud",
    "arrest",
    "reject",
    "denied",
    "deny",
    "churn",
    "delinquen",
    "bad_credit",
)


def looks_adverse(*names: Any) -> str | None:
    """The first name that reads like a harm (``"two_year_recid"``), or None.

    Parameters
    ----------
    *names : Any
        Column names and labels; non-strings are ignored.

    Returns
    -------
    str or None
        The first name containing one of :data:`ADVERSE_NAME_PARTS`.

    Examples
    --------
    >>> looks_adverse("two_year_recid", 1)
    'two_year_recid'
    >>> looks_adverse("approved", 1) is None
    True
    """
    for name in names:
        if isinstance(name, str):
            lowered = name.lower().replace("-", "_")
            if any(part in lowered for part in ADVERSE_NAME_PARTS):
                return name
    return None


def _same_label(a: Any, b: Any) -> bool:
    return bool(a == b) or str(a) == str(b)


def resolve_outcome(
    outcome: str | None,
    favorable_label: Any,
    pos_label: Any,
    *,
    names: tuple[Any, ...] = (),
    prediction: str | None = None,
) -> dict[str, Any]:
    """The audit's outcome direction, as recorded in its metadata.

    Parameters
    ----------
    outcome : {"favorable", "adverse"} or None
        Whether the positive label is favourable or adverse.
    favorable_label : Any
        The label that is good news; the positive label (favourable) or another one
        (adverse).
    pos_label : Any
        The positive label of the audit.
    names : tuple
        Column names to read for a harm-like name when no direction is given
        (``y_true``, ``y_pred`` when they are names).
    prediction : str, optional
        The prediction column's name, for the wording (``"high_risk = 1"``).

    Returns
    -------
    dict
        ``{"outcome": "favorable" | "adverse", "outcome_given": bool,
        "positive_prediction": str}`` plus ``"favorable_label"`` when one was given.

    Raises
    ------
    ValueError
        For an unknown ``outcome``, or an ``outcome`` that contradicts ``favorable_label``.

    Examples
    --------
    >>> resolve_outcome("adverse", None, 1)["outcome"]
    'adverse'
    >>> resolve_outcome(None, 0, 1)["outcome"]
    'adverse'
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(
            f"outcome={outcome!r} is unknown; pass 'favorable' (the positive label "
            f"{pos_label!r} is good news, e.g. approved) or 'adverse' (it is a harm, e.g. "
            "flagged high risk)."
        )
    from_label = None
    if favorable_label is not None:
        from_label = "favorable" if _same_label(favorable_label, pos_label) else "adverse"
        if outcome is not None and outcome != from_label:
            raise ValueError(
                f"outcome={outcome!r} contradicts favorable_label={favorable_label!r} with "
                f"pos_label={pos_label!r}; give one of them."
            )
    chosen = outcome or from_label
    if chosen is None:
        _warn_if_adverse_name(pos_label, names)
    out: dict[str, Any] = {
        "outcome": chosen or "favorable",
        "outcome_given": chosen is not None,
        "positive_prediction": f"{prediction} = {pos_label!r}" if prediction else repr(pos_label),
    }
    if favorable_label is not None:
        out["favorable_label"] = str(favorable_label)
    return out


def _warn_if_adverse_name(pos_label: Any, names: tuple[Any, ...]) -> None:
    name = looks_adverse(pos_label, *names)
    if name is None:
        return
    warnings.warn(
        f"the positive label {pos_label!r} of {name!r} looks like a harm (bad news for the "
        "person it is about), but the audit treats it as the favourable outcome, "
        "so rate rules such as four-fifths would protect the groups flagged least. Pass "
        "outcome='adverse' (CLI: --adverse) if the positive label is a harm, or "
        "outcome='favorable' to confirm it is good news.",
        InputWarning,
        stacklevel=find_stacklevel(),
    )


def refuse_outcome(task: str, outcome: str | None, favorable_label: Any) -> None:
    """Refuse an outcome direction on a task whose judge does not read it.

    Parameters
    ----------
    task : str
        The audit's task.
    outcome, favorable_label : Any
        As given to the entry point.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        For a multiclass or regression audit given a direction.
    """
    if task != "binary" and (outcome is not None or favorable_label is not None):
        raise ValueError(
            f"outcome= and favorable_label= apply to binary audits (the rates of a positive "
            f"label); this is a {task} audit. Drop them, or audit a binary label."
        )
