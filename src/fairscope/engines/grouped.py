"""Per-group arrays with summing over features: the shape shared by histograms and moments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairscope.counts import GroupCounts
from fairscope.metrics import CELLS


def marginal_positions(
    groups: pd.Index, features: tuple[str, ...], wanted: list[str]
) -> tuple[pd.Index, np.ndarray]:
    """Groups of a subset of features and, for each group of ``groups``, its position there.

    The groups and their order are those of :meth:`fairscope.GroupCounts.marginal`
    (asked of an empty table over the same groups), so histograms and moments
    summed with these positions line up with the confusion counts' marginals.
    """
    empty = np.zeros((len(groups), len(CELLS)))
    table = GroupCounts(features, groups, empty, empty.astype(np.int64), empty)
    order = table.marginal(wanted).groups
    keys = groups
    if isinstance(groups, pd.MultiIndex):
        keys = groups.droplevel([f for f in features if f not in wanted])
        if len(wanted) > 1:
            keys = keys.reorder_levels(wanted)
    return order, order.get_indexer(keys)


def sum_into(position: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Sum rows of ``values`` into ``size`` slots (exact for integers)."""
    out = np.zeros((size, *values.shape[1:]), dtype=values.dtype)
    np.add.at(out, position, values)
    return out
