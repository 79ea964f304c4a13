"""Per-group arrays with summing over features: the shape shared by histograms and moments."""

from __future__ import annotations

import numpy as np

from fairscope.core._counts import marginal_positions

__all__ = ["marginal_positions", "sum_into"]


def sum_into(position: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Sum rows of ``values`` into ``size`` slots (exact for integers)."""
    out = np.zeros((size, *values.shape[1:]), dtype=values.dtype)
    np.add.at(out, position, values)
    return out
