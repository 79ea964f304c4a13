"""Flags of ``fairscope audit`` that say what the audit means: which outcome is
favourable, the reference of each feature set, and the minimum group size of the rules.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from typing import Any

from fairscope.cli._shell import InputError
from fairscope.judge import Policy


def add_meaning_flags(parser: Any) -> None:
    """``--adverse``, ``--favorable-label``, ``--reference`` (repeatable), ``--min-group-size``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``audit`` subcommand's parser.

    Returns
    -------
    None
    """
    parser.add_argument(
        "--adverse",
        action="store_true",
        help="the positive label is a harm (e.g. flagged high risk, will default): rate "
        "rules are judged on the favourable outcome, not being predicted positive",
    )
    parser.add_argument(
        "--favorable-label",
        metavar="V",
        help="the label that is good news for the person (the positive label, or the "
        "other one: then the positive label is adverse, as with --adverse)",
    )
    parser.add_argument(
        "--reference",
        action="append",
        metavar="GROUP|FEATURE=GROUP",
        help="reference group or strategy largest|best|overall (default largest; a "
        "policy's own reference wins); repeat FEATURE=GROUP for one per feature, "
        "e.g. --reference race=Caucasian --reference sex=Male",
    )
    parser.add_argument(
        "--min-group-size",
        type=int,
        metavar="N",
        help="groups smaller than N are SKIPPED (default 30); also replaces the minimum "
        "group size of every policy rule, presets included",
    )


def reference_argument(values: Sequence[str] | None, sensitive: Sequence[str]) -> Any:
    """The ``reference=`` of the audit from the ``--reference`` flags.

    Parameters
    ----------
    values : list of str or None
        Each ``--reference`` given: a group label or strategy, or ``FEATURE=GROUP``.
    sensitive : list of str
        The ``--sensitive`` columns (a ``FEATURE`` of ``FEATURE=GROUP`` names one of
        them, or an intersection such as ``race & sex``).

    Returns
    -------
    str or dict
        ``"largest"`` by default, one label, or a dict from feature set to group.

    Raises
    ------
    InputError
        When per-feature and bare references are mixed, or a feature is repeated.

    Examples
    --------
    >>> reference_argument(["race=Caucasian", "sex=Male"], ["race", "sex"])
    {'race': 'Caucasian', 'sex': 'Male'}
    >>> reference_argument(["Caucasian"], ["race"])
    'Caucasian'
    """
    if not values:
        return "largest"
    keyed: dict[str, str] = {}
    bare: list[str] = []
    for value in values:
        feature, sep, group = value.partition("=")
        parts = {p.strip() for p in feature.split("&")}
        # "race=Black & sex=Female" is an intersection's group label, not FEATURE=GROUP
        if sep and parts <= set(sensitive) and not ("&" in group and "=" in group):
            if feature.strip() in keyed:
                raise InputError(f"--reference gives {feature.strip()!r} twice; give it once.")
            keyed[feature.strip()] = group
        else:
            bare.append(value)
    if bare and (keyed or len(bare) > 1):
        raise InputError(
            f"--reference {bare[0]!r}: give one --reference GROUP for every feature, or one "
            "--reference FEATURE=GROUP per feature (e.g. --reference race=Caucasian "
            "--reference sex=Male), not both."
        )
    return keyed or bare[0]


def outcome_arguments(args: argparse.Namespace, pos_label: Any) -> dict[str, Any]:
    """``outcome=`` and ``favorable_label=`` of the audit from ``--adverse``/``--favorable-label``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.
    pos_label : Any
        The positive label, in the label column's type.

    Returns
    -------
    dict
        Keyword arguments for :func:`fairscope.audit_predictions`.
    """
    out: dict[str, Any] = {}
    if args.adverse:
        out["outcome"] = "adverse"
    if args.favorable_label is not None:
        value = args.favorable_label
        out["favorable_label"] = pos_label if value == str(pos_label) else value
    return out


def with_min_group_size(policy: Policy | None, size: int | None) -> Policy | None:
    """The policy with every rule's minimum group size set to ``--min-group-size``.

    Presets carry their own ``min_group_size``; without this the flag would have no
    effect on them. The policy's hash changes with it, so the result records what
    was really applied.

    Parameters
    ----------
    policy : Policy or None
    size : int or None
        The flag's value; None leaves the policy as it is.

    Returns
    -------
    Policy or None
    """
    if policy is None or size is None:
        return policy
    if size < 1:
        raise InputError(f"--min-group-size must be at least 1; got {size}.")
    rules = tuple(dataclasses.replace(rule, min_group_size=size) for rule in policy.rules)
    return dataclasses.replace(policy, rules=rules)
