"""Per-group arrays with summing over features: the shape shared by histograms and moments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairscope.counts import _sort_groups


def marginal_positions(
    groups: pd.Index, features: tuple[str, ...], wanted: list[str]
) -> tuple[pd.Index, np.ndarray]:
    """Groups of a subset of features and, for each group of ``groups``, its position there.

    The order is the one :meth:`fairscope.GroupCounts.marginal` gives, so
    arrays summed with these positions line up with the counts' marginals.
    """
    unknown = [f for f in wanted if f not in features]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} is not a sensitive feature of this audit; choose from {list(features)}"
        )
    keys = (
        groups.droplevel([f for f in features if f not in wanted])
        if isinstance(groups, pd.MultiIndex)
        else groups
    )
    codes, uniques = pd.factorize(keys, sort=False)
    order = _sort_groups(pd.Index(uniques) if len(wanted) == 1 else uniques)
    position = order.get_indexer(uniques)[codes]
    if len(wanted) == 1:
        order = pd.Index(list(order), name=wanted[0], dtype=object)
    else:
        order = order.set_names(wanted)
    return order, position


def sum_into(position: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Sum rows of ``values`` into ``size`` slots (exact for integers)."""
    out = np.zeros((size, *values.shape[1:]), dtype=values.dtype)
    np.add.at(out, position, values)
    return out
