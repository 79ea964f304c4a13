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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, cast, runtime_checkable

import numpy as np
import pandas as pd

from fairscope.core._group_order import marginal_positions, ordered_union

__all__ = [
    "EngineProvenance",
    "GroupedStatistics",
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


class GroupedStatistics:
    """What every statistics type does the same way, written once.

    A base for frozen dataclasses whose per-group arrays (named in
    ``PER_GROUP``) have the group as their first axis. It gives them
    :meth:`marginal` and :meth:`regroup`, and :meth:`combine` the shared steps
    (:meth:`_check_features`, :meth:`_summed_with`, :meth:`_provenance_with`),
    so each type holds only what differs: its arrays, and what else a
    partition must agree on before two are added.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from fairscope.core._counts import reduce_confusion
    >>> g = pd.MultiIndex.from_tuples([("a", "x"), ("b", "x")], names=["f", "s"])
    >>> c = reduce_confusion([1, 0], [1, 1], np.array([0, 1]), g)
    >>> c.marginal("s").rows.tolist()
    [[0, 1, 0, 1]]
    """

    #: The arrays indexed by group (first axis), summed by regroup and combine.
    PER_GROUP: ClassVar[tuple[str, ...]]
    #: What the type holds, as error messages name it.
    NOUN: ClassVar[str] = "statistics"

    groups: pd.Index
    orders: dict[str, tuple[str, ...]]

    if TYPE_CHECKING:
        # declared for type checkers only: a class attribute here would become the
        # default of the subclasses' dataclass field of the same name
        @property
        def features(self) -> tuple[str, ...]:
            """Sensitive feature names (the levels of ``groups``)."""

    def marginal(self, features: str | list[str]) -> Self:
        """The statistics of one feature (or a subset) on its own, summed over the others.

        The groups are in the order a direct audit of those features gives.
        """
        wanted = [features] if isinstance(features, str) else list(features)
        if wanted == list(self.features):
            return self
        order, position = marginal_positions(self.groups, self.features, wanted, self.orders)
        return self.regroup(position, order)

    def regroup(self, position: np.ndarray, groups: pd.Index) -> Self:
        """Sum groups into coarser ones (``position[i]`` is the new group of group ``i``)."""
        kept = features_of(groups)
        changes: dict[str, Any] = {
            name: sum_into(position, len(groups), getattr(self, name)) for name in self.PER_GROUP
        }
        changes["groups"] = groups
        changes["orders"] = {f: o for f, o in self.orders.items() if f in kept}
        values = vars(self)
        if "features" in values:
            changes["features"] = kept
        if "missing_sensitive" in values:
            missing: dict[str, int] = values["missing_sensitive"]
            changes["missing_sensitive"] = {k: v for k, v in missing.items() if k in kept}
        return cast(Self, replace(cast(Any, self), **changes))

    def _check_features(self, other: GroupedStatistics) -> None:
        if self.features != other.features:
            raise ValueError(
                f"cannot combine {self.NOUN} over features {self.features} and {other.features}"
            )

    def _union_with(
        self, other: GroupedStatistics
    ) -> tuple[pd.Index, dict[str, tuple[str, ...]], list[np.ndarray]]:
        """The ordered union of both partitions' groups, the merged orders, where each goes."""
        self._check_features(other)
        orders = {**other.orders, **self.orders}
        union, where = union_positions([self.groups, other.groups], self.features, orders)
        return union, orders, where

    def _summed_with(self, other: GroupedStatistics) -> dict[str, Any]:
        """The fields of the sum of two partitions: groups, orders and every per-group array.

        Each group's entries are added in partition order (``0 + self + other``),
        so sums are the same whichever way the arrays are laid out.
        """
        union, orders, (mine, theirs) = self._union_with(other)
        out: dict[str, Any] = {"groups": union, "orders": orders}
        for name in self.PER_GROUP:
            a, b = getattr(self, name), getattr(other, name)
            total = np.zeros((len(union), *a.shape[1:]), dtype=np.result_type(a, b))
            total[mine] += a
            total[theirs] += b
            out[name] = total
        return out

    def _provenance_with(self, other: GroupedStatistics) -> dict[str, Any]:
        """Provenance of the sum of two partitions: rows, drops and missing values add up."""
        # every type has has_weights; engines' provenance (n_rows...) only some
        a, b = vars(self), vars(other)
        out: dict[str, Any] = {"has_weights": bool(a["has_weights"] or b["has_weights"])}
        if "n_rows" not in a:
            return out
        out["n_rows"] = a["n_rows"] + b["n_rows"]
        out["n_dropped"] = a["n_dropped"] + b["n_dropped"]
        for name in ("dropped", "missing_sensitive"):
            mine, theirs = a[name], b[name]
            out[name] = {k: mine.get(k, 0) + theirs.get(k, 0) for k in {**mine, **theirs}}
        return out


@dataclass(frozen=True, eq=False, kw_only=True)
class EngineProvenance(GroupedStatistics):
    """Statistics with the provenance of the pass that reduced them (set by engines).

    Keyword-only fields, so each type's own fields keep their positions.

    Attributes
    ----------
    n_rows : int
        Rows read (before any were dropped).
    dropped : dict of str to int
        Rows dropped per reason (a missing label, prediction, score or weight).
    n_dropped : int
        Rows dropped in all.
    missing_sensitive : dict of str to int
        Rows in the ``"<missing>"`` group, per sensitive feature.
    engine : str
        The engine that reduced the rows (``""`` for the numpy path).
    """

    n_rows: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0
    missing_sensitive: dict[str, int] = field(default_factory=dict)
    engine: str = ""


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
    union = ordered_union(list(parts), features, orders)
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
