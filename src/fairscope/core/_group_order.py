"""The documented order of groups, kept when statistics are marginalised or combined.

Group tables list each feature's values in a consistent order: a declared
(categorical) order when there is one, else the order the tables themselves
show, with values no table orders sorted by label (numbers, text, then the
missing-value group). These functions run over groups, never rows.
"""

from __future__ import annotations

import heapq
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import MISSING

__all__ = ["marginal_positions", "ordered_union"]


def marginal_positions(
    groups: pd.Index,
    features: tuple[str, ...],
    wanted: list[str],
    orders: dict[str, tuple[str, ...]] | None = None,
) -> tuple[pd.Index, np.ndarray]:
    """Groups of a subset of features and, for each group of ``groups``, its position there.

    The order is the one a direct audit of ``wanted`` gives (each feature's own
    order, as read from ``groups``), with levels in the order of ``wanted``.
    Anything per group (counts, histograms, moments) summed with these
    positions lines up with :meth:`GroupCounts.marginal`.
    """
    unknown = [f for f in wanted if f not in features]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} is not a sensitive feature of this audit; choose from {list(features)}"
        )
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"feature names a sensitive feature twice: {wanted!r}")
    ranks = _level_ranks([groups], features, orders or {})
    ranks = [ranks[features.index(f)] for f in wanted]
    keys = groups
    if isinstance(groups, pd.MultiIndex):
        dropped = [f for f in features if f not in wanted]
        keys = groups.droplevel(dropped) if dropped else groups
        if len(wanted) > 1:
            keys = keys.reorder_levels(wanted)
    codes, uniques = pd.factorize(keys, sort=False)
    uniques = pd.Index(uniques) if len(wanted) == 1 else uniques
    order = _ordered(uniques, ranks)
    position = order.get_indexer(uniques)[codes]
    if len(wanted) == 1:
        order = pd.Index(list(order), name=wanted[0], dtype=object)
    else:
        order = order.set_names(wanted)
    return order, position


def _sort_key(label: str) -> tuple[int, float, str]:
    """Order of labels whose relative order no table shows: numbers, text, missing."""
    if label == MISSING:
        return (2, 0.0, "")
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)


def _tuples(index: pd.Index) -> list[tuple[Any, ...]]:
    return [key if isinstance(key, tuple) else (key,) for key in index]


def _level_ranks(
    indexes: list[pd.Index], features: tuple[str, ...], orders: dict[str, tuple[str, ...]]
) -> list[dict[str, int]]:
    """Rank of each value of each feature, consistent with the order of every index.

    A feature with a declared (categorical) order in ``orders`` follows it.
    Otherwise: group tables are ordered lexicographically by the per-feature
    order, so within a run of groups sharing the values of the earlier
    features, the values of the next feature ascend. Those pairs are merged
    with a topological sort; ties (and any contradiction) fall back to label
    order. This runs over groups, never rows.
    """
    keyed = [_tuples(index) for index in indexes]
    ranks = []
    for level in range(indexes[0].nlevels):
        values = {key[level] for keys in keyed for key in keys}
        after: dict[str, set[str]] = {v: set() for v in values}
        declared = [v for v in orders.get(features[level], ()) if v in values]
        for a, b in pairwise(declared):
            after[a].add(b)
        for keys in keyed:
            for first, second in pairwise(keys):
                if first[:level] == second[:level] and first[level] != second[level]:
                    after[first[level]].add(second[level])
        ranks.append(_topological_ranks(values, after))
    return ranks


def _topological_ranks(values: set[str], after: dict[str, set[str]]) -> dict[str, int]:
    before_count = dict.fromkeys(values, 0)
    for successors in after.values():
        for b in successors:
            before_count[b] += 1
    ready = [(_sort_key(v), v) for v in values if before_count[v] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, value = heapq.heappop(ready)
        order.append(value)
        for b in after[value]:
            before_count[b] -= 1
            if before_count[b] == 0:
                heapq.heappush(ready, (_sort_key(b), b))
    if len(order) < len(values):  # the tables disagree: order by label
        order = sorted(values, key=_sort_key)
    return {v: i for i, v in enumerate(order)}


def _ordered(index: pd.Index, ranks: list[dict[str, int]]) -> pd.Index:
    """The groups of ``index`` sorted lexicographically by per-feature rank."""
    keys = _tuples(index)
    order = sorted(
        range(len(keys)), key=lambda i: tuple(r[v] for r, v in zip(ranks, keys[i], strict=True))
    )
    return index[order]


def ordered_union(
    parts: list[pd.Index], features: tuple[str, ...], orders: dict[str, tuple[str, ...]]
) -> pd.Index:
    """The union of the groups of several partitions, in the documented order."""
    union = parts[0]
    for part in parts[1:]:
        union = union.append(part)
    return _ordered(union.unique(), _level_ranks(list(parts), features, orders))
