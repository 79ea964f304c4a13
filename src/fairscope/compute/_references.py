"""Reference groups: one rule and one error for every table, finding, chart and text.

A reference is given as

- a strategy: ``"largest"`` (the group with the most weight, never the missing-value
  group unless it is the only one), ``"best"`` (per metric, the most favourable value
  among groups of at least ``min_group_size`` rows, again not the missing-value group
  while a real group has a value) or ``"overall"`` (all rows);
- a group label (``"Caucasian"``, or ``"race=Black & sex=Female"`` / a tuple of values
  for an intersection), used by every feature set that has that group;
- a dict from feature-set label (``"race"``, ``"race & sex"``) to either of the above.

An explicit group that no feature set has is an error naming the available groups.
A single label that only some feature sets have applies to those; the others fall back
to ``"largest"`` with a :class:`~fairscope.ReferenceWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from fairscope.core._groups import MISSING, OVERALL, find_stacklevel, value_label
from fairscope.core._warnings import ReferenceWarning

STRATEGIES: tuple[str, ...] = ("largest", "best", "overall")


def feature_set_label(features: Sequence[str]) -> str:
    """Label of a set of sensitive features: ``"race"`` or ``"race & sex"``.

    Examples
    --------
    >>> feature_set_label(["race", "sex"])
    'race & sex'
    """
    return " & ".join(features)


def is_strategy(reference: Any) -> bool:
    """Whether ``reference`` names a strategy rather than a group."""
    return isinstance(reference, str) and reference in STRATEGIES


def _label_of(choice: Any, features: Sequence[str]) -> str:
    """The display label of an explicit group given as a label or a tuple of values."""
    if isinstance(choice, tuple):
        if len(choice) == 1:
            return value_label(choice[0])
        if len(choice) != len(features):
            raise ValueError(
                f"reference={choice!r}: give {len(features)} values in the order "
                f"{list(features)}, a label such as "
                + repr(" & ".join(f"{f}=<value>" for f in features))
                + ", or a strategy 'largest', 'best', 'overall'."
            )
        return " & ".join(f"{f}={value_label(v)}" for f, v in zip(features, choice, strict=True))
    return value_label(choice)


def _same_set(a: str, b: str) -> bool:
    return {p.strip() for p in a.split("&")} == {p.strip() for p in b.split("&")}


def _describe(labels: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(lab) for lab in labels[:limit])
    more = f", ... ({len(labels)} in all)" if len(labels) > limit else ""
    return shown + more


def choice_for(reference: Any, feature_set: str) -> Any:
    """The reference asked for one feature set (a strategy or an explicit group).

    A dict without an entry for ``feature_set`` gives ``"largest"``.
    """
    if isinstance(reference, Mapping):
        match = [v for k, v in reference.items() if _same_set(str(k), feature_set)]
        return match[0] if match else "largest"
    return reference


def check_reference(reference: Any, groups: Mapping[str, Sequence[str]]) -> None:
    """Validate a reference against the feature sets of an audit, before any work.

    Parameters
    ----------
    reference : str, tuple, dict
        As described in the module docstring.
    groups : mapping of str to list of str
        Group labels of each feature set, by feature-set label.

    Raises
    ------
    ValueError
        If a dict names an unknown feature set, or an explicit group is in no
        feature set (or, inside a dict, not in its own feature set).
    """
    sets = list(groups)
    if isinstance(reference, Mapping):
        for key, choice in reference.items():
            matched = [s for s in sets if _same_set(str(key), s)]
            if not matched:
                raise ValueError(
                    f"reference names the feature set {key!r}, which this audit does not "
                    f"have; feature sets are {_describe(sets)}."
                )
            _check_group(choice, matched[0], groups[matched[0]])
        return
    if is_strategy(reference):
        return
    if reference is None or isinstance(reference, list | dict | set):
        raise ValueError(
            f"reference must be 'largest', 'best', 'overall', a group label or a dict from "
            f"feature set to group; got {reference!r}."
        )
    found = []
    for label, names in groups.items():
        features = [p.strip() for p in label.split("&")]
        try:
            candidate = _label_of(reference, features)
        except ValueError:
            continue
        if candidate in names:
            found.append(label)
    if not found:
        listing = "; ".join(f"{s}: {_describe(list(g))}" for s, g in groups.items())
        raise ValueError(
            f"reference group {reference!r} is not a group of any sensitive feature "
            f"(groups are {listing}); pass one of them, 'largest', 'best' or 'overall'."
            + _intersection_hint(sets)
        )


def _intersection_hint(sets: Sequence[str]) -> str:
    """How to name a group of an intersection, when the audit has one."""
    for label in sets:
        features = [p.strip() for p in label.split("&")]
        if len(features) > 1:
            return (
                " For the intersection give a label such as "
                + repr(" & ".join(f"{f}=<value>" for f in features))
                + f" or a tuple of {len(features)} values in the order {features}."
            )
    return ""


def _check_group(choice: Any, feature_set: str, labels: Sequence[str]) -> None:
    if is_strategy(choice):
        return
    features = [p.strip() for p in feature_set.split("&")]
    label = _label_of(choice, features)
    if label not in labels:
        raise ValueError(
            f"reference group {choice!r} is not a group of {feature_set!r}; groups are "
            f"{_describe(list(labels))}. Pass one of them, 'largest', 'best' or 'overall'."
        )


def _explicit_label(
    reference: Any, choice: Any, feature_set: str, labels: Sequence[str], warn: bool
) -> str | None:
    """The group an explicit reference names here, or None to fall back to "largest".

    A label given for this feature set (in a dict) must exist; a single label given
    for every feature set falls back, with a :class:`ReferenceWarning`, where it is
    not a group.
    """
    features = [p.strip() for p in feature_set.split("&")]
    label = None
    try:
        label = _label_of(choice, features)
    except ValueError:
        if isinstance(reference, Mapping):
            raise
    if label is not None and label in labels:
        return label
    if isinstance(reference, Mapping):
        _check_group(choice, feature_set, labels)
    if warn:
        warnings.warn(
            f"reference group {choice!r} is not a group of {feature_set!r}; its "
            "disparities use the largest group instead. Give a dict from feature set "
            "to group to choose each one.",
            ReferenceWarning,
            stacklevel=find_stacklevel(),
        )
    return None


def resolve_reference(
    reference: Any,
    *,
    feature_set: str,
    labels: Sequence[str],
    sizes: np.ndarray,
    values: np.ndarray | None = None,
    direction: str = "higher",
    rows: np.ndarray | None = None,
    min_group_size: int = 0,
    warn: bool = True,
) -> str:
    """Resolve the reference of one feature set (and one metric, for ``"best"``).

    Parameters
    ----------
    reference : str, tuple or dict
        As described in the module docstring.
    feature_set : str
        Label of the feature set (``"race"`` or ``"race & sex"``).
    labels : sequence of str
        Group labels of the feature set, in table order.
    sizes : ndarray
        Weight (or rows) of each group; ``"largest"`` takes the biggest.
    values : ndarray, optional
        The metric per group, for ``"best"``.
    direction : {"higher", "lower", "neutral", "zero"}, default "higher"
        Which value is best: the highest (also for neutral metrics such as the
        selection rate, as in the four-fifths rule), the lowest, or the closest to 0.
    rows : ndarray, optional
        Rows per group for the ``min_group_size`` eligibility of ``"best"``
        (default ``sizes``).
    min_group_size : int, default 0
    warn : bool, default True
        Warn when a single explicit label is not a group of this feature set and
        ``"largest"`` is used instead.

    Returns
    -------
    str
        A group label, or :data:`~fairscope.core._groups.OVERALL`.

    Examples
    --------
    >>> import numpy as np
    >>> resolve_reference("largest", feature_set="sex", labels=["F", "M"],
    ...                   sizes=np.array([40.0, 60.0]))
    'M'
    """
    choice = choice_for(reference, feature_set)
    sizes = np.asarray(sizes, dtype=float)
    if not is_strategy(choice):
        label = _explicit_label(reference, choice, feature_set, labels, warn)
        if label is not None:
            return label
        choice = "largest"
    if choice == "overall":
        return OVERALL
    if choice == "best" and values is not None:
        picked = _best(
            np.asarray(values, dtype=float),
            direction,
            rows if rows is not None else sizes,
            min_group_size,
            labels,
        )
        if picked is not None:
            return str(labels[picked])
    return str(labels[_largest(labels, sizes)])


def _known(labels: Sequence[str]) -> np.ndarray:
    """Which groups are real: not the missing-value group nor an intersection with it."""
    return np.array([MISSING not in str(lab) for lab in labels], dtype=bool)


def _largest(labels: Sequence[str], sizes: np.ndarray) -> int:
    known = _known(labels)
    if not known.any():
        known[:] = True
    masked = np.where(known, sizes, -np.inf)
    return int(np.argmax(masked))


def _best(
    values: np.ndarray, direction: str, rows: Any, min_group_size: int, labels: Sequence[str]
) -> int | None:
    """The most favourable group: among known groups of ``min_group_size`` rows if any has
    a value, then among large groups, then known ones, then all (as for ``"largest"``, the
    missing-value group is a reference only when no real group can be)."""
    values = values.copy()
    known = _known(labels)
    large = np.asarray(rows, dtype=float) >= min_group_size
    for keep in (known & large, large, known):
        if keep.any() and not np.isnan(values[keep]).all():
            values[~keep] = np.nan
            break
    if np.isnan(values).all():
        return None
    if direction == "lower":
        return int(np.nanargmin(values))
    if direction == "zero":
        return int(np.nanargmin(np.abs(values)))
    return int(np.nanargmax(values))


def choices_for(reference: Any, groups: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Validate a reference up front and give each feature set its choice.

    The choice is a strategy or the label of an explicit group of that feature
    set. A single label that only some feature sets have applies to those; the
    others use ``"largest"``, with one :class:`~fairscope.ReferenceWarning` each.

    Parameters
    ----------
    reference : str, tuple or dict
        As described in the module docstring.
    groups : mapping of str to list of str
        Group labels of each feature set, by feature-set label.

    Returns
    -------
    dict of str to str
        Feature-set label to ``"largest"``, ``"best"``, ``"overall"`` or a group label.

    Raises
    ------
    ValueError
        As :func:`check_reference`.

    Examples
    --------
    >>> choices_for("b", {"g": ["a", "b"]})
    {'g': 'b'}
    """
    check_reference(reference, groups)
    out: dict[str, str] = {}
    for label, names in groups.items():
        choice = choice_for(reference, label)
        if is_strategy(choice):
            out[label] = str(choice)
            continue
        features = [p.strip() for p in label.split("&")]
        try:
            candidate: str | None = _label_of(choice, features)
        except ValueError:
            candidate = None
        if candidate is not None and candidate in names:
            out[label] = candidate
            continue
        warnings.warn(
            f"reference group {choice!r} is not a group of {label!r}; its disparities use "
            "the largest group instead. Give a dict from feature set to group to choose "
            "each one.",
            ReferenceWarning,
            stacklevel=find_stacklevel(),
        )
        out[label] = "largest"
    return out
