"""Former home of the dataset audit's group comparisons: now :mod:`._significance`.

Kept as a thin compatibility layer for the dataset audit, which still imports
these names and reports the pooled z-test under the name of its equal twin,
Pearson's chi-square test of the 2 x 2 table (``"chi-square"``), and Fisher's
test as ``"fisher exact"``. New code should call
:func:`fairscope.compute._significance.rate_comparisons`,
:func:`~fairscope.compute._significance.mean_comparisons` and
:func:`~fairscope.compute._significance.adjust_p_values` directly.
"""

from __future__ import annotations

import numpy as np

from fairscope.compute._significance import (
    MIN_EXPECTED,
    adjust_p_values,
    mean_comparisons,
    rate_comparisons,
)

__all__ = ["MIN_EXPECTED", "compare_means", "compare_proportions", "holm", "two_by_two_tests"]

# the dataset tables' names of the one proportion test's outcomes
_DATASET_NAMES = {"z-test": "chi-square", "fisher": "fisher exact"}


def _renamed(test: np.ndarray) -> np.ndarray:
    out = np.asarray(test, dtype=object).copy()
    for old, new in _DATASET_NAMES.items():
        out[out == old] = new
    return out


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (NaN entries are left out and stay NaN)."""
    return adjust_p_values(p_values, "holm")


def two_by_two_tests(
    x: np.ndarray, n: np.ndarray, x_ref: np.ndarray, n_ref: np.ndarray, min_n: float = 0
) -> tuple[np.ndarray, np.ndarray]:
    """p-values and test names of each group's proportion against the reference's."""
    x, n, x_ref, n_ref = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x, n, x_ref, n_ref))
    )
    stacked_x = np.stack([x, x_ref], axis=-1)
    stacked_n = np.stack([n, n_ref], axis=-1)
    out = rate_comparisons(stacked_x, stacked_n, ref=1, min_n=min_n)
    return out["p_value"][..., 0], _renamed(out["test"][..., 0])


def compare_proportions(
    x: np.ndarray, n: np.ndarray, ref: int, confidence: float = 0.95, min_n: float = 0
) -> dict[str, np.ndarray]:
    """:func:`~fairscope.compute._significance.rate_comparisons` with the dataset's test names."""
    out = rate_comparisons(x, n, ref, confidence, min_n)
    out["test"] = _renamed(out["test"])
    return out


compare_means = mean_comparisons
