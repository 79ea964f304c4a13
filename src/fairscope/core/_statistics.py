"""The protocol every sufficient-statistics type shares, and the helpers they share.

An audit reduces its rows once to a small table per group: confusion cells
(:class:`~fairscope.core._counts.GroupCounts`), score histograms
(:class:`~fairscope.core._score_statistics.ScoreStatistics`), regression moments
(:class:`~fairscope.core._moments.RegressionMoments`) or K x K confusion cells
(:class:`~fairscope.core._multiclass_counts.MulticlassCounts`). Each type holds
arrays whose first axis is the group, so they all add up the same way: across
partitions of the rows (:meth:`Statistics.combine`) and across the values of the
sensitive features left out (:meth:`Statistics.marginal`). Every metric of the
registry (:mod:`fairscope.core._registry`) is a formula over one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd

from fairscope.core._counts import _level_ranks, _ordered, marginal_positions

__all__ = [
    "Statistics",
    "features_of",
    "groups_from_list",
    "groups_to_list",
    "marginal_positions",
    "sum_into",
    "union_positions",
]


@runtime_checkable
class Statistics(Protocol):
    """What every sufficient-statistics type offers.

    Attributes
    ----------
    features : tuple of str
        Sensitive feature names (the levels of ``groups``).
    groups : pandas.Index or pandas.MultiIndex
        Group labels, one per entry of the first axis of every array.
    has_weights : bool
        Provenance: whether sample weights were summed (else row counts).
    group_rows : ndarray of int
        Provenance: rows (unweighted) per group.
    """

    features: tuple[str, ...]
    groups: pd.Index
    has_weights: bool

    @property
    def group_rows(self) -> np.ndarray:
        """Rows (unweighted) per group."""
        ...

    def combine(self, other: Self) -> Self:
        """Add the statistics of another partition of the same audit."""
        ...

    def marginal(self, features: str | list[str]) -> Self:
        """The statistics of a subset of the features, summed over the others."""
        ...

    def regroup(self, position: np.ndarray, groups: pd.Index) -> Self:
        """Sum groups into coarser ones (``position[i]`` is the new group of group ``i``)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form (lists, numbers, strings) for JSON."""
        ...


def sum_into(position: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Sum the rows of ``values`` into ``size`` slots (exact for integers).

    Examples
    --------
    >>> import numpy as np
    >>> sum_into(np.array([1, 0, 1]), 2, np.array([1, 2, 3])).tolist()
    [2, 4]
    """
    out = np.zeros((size, *values.shape[1:]), dtype=values.dtype)
    np.add.at(out, position, values)
    return out


def features_of(groups: pd.Index) -> tuple[str, ...]:
    """Sensitive feature names of a group index (its level names, as strings)."""
    names = groups.names if isinstance(groups, pd.MultiIndex) else [groups.name]
    return tuple(str(n) for n in names)


def union_positions(
    parts: Sequence[pd.Index],
    features: tuple[str, ...],
    orders: dict[str, tuple[str, ...]],
) -> tuple[pd.Index, list[np.ndarray]]:
    """The ordered union of the groups of several partitions, and where each part's groups go.

    The order is the one :meth:`GroupCounts.combine` documents: each feature's
    values consistent with every part (and any declared categorical order),
    values no part orders by label.
    """
    union = parts[0]
    for part in parts[1:]:
        union = union.append(part)
    union = _ordered(union.unique(), _level_ranks(list(parts), features, orders))
    return union, [union.get_indexer(part) for part in parts]


def groups_to_list(groups: pd.Index) -> list[Any]:
    """Group labels as JSON lists: strings, or lists of strings for several features."""
    if isinstance(groups, pd.MultiIndex):
        return [list(k) for k in groups]
    return [str(k) for k in groups]


def groups_from_list(labels: list[Any], features: Sequence[str]) -> pd.Index:
    """The group index :func:`groups_to_list` wrote."""
    if len(features) == 1:
        return pd.Index([str(g) for g in labels], name=features[0], dtype=object)
    return pd.MultiIndex.from_tuples([tuple(g) for g in labels], names=list(features))


def as_array(values: Any, dtype: str) -> np.ndarray:
    """A nested list from JSON as an array; ``None`` (a NaN written as null) becomes NaN."""
    if dtype.startswith("int"):
        return np.asarray(values, dtype=dtype)
    return np.asarray(_nan_for_none(values), dtype=dtype)


def _nan_for_none(values: Any) -> Any:
    if isinstance(values, list):
        return [_nan_for_none(v) for v in values]
    return np.nan if values is None else values


def plain(array: np.ndarray) -> list[Any]:
    """An array as nested lists of Python numbers (NaN as None) for JSON."""
    arr = np.asarray(array)
    if arr.dtype.kind == "f":
        out = arr.astype(object)
        out[np.isnan(arr)] = None
        return list(out.tolist())
    return list(arr.tolist())
