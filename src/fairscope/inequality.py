"""Inequality indices of individual benefits (AIF360's generalized entropy family).

The benefit of a row is ``b = yhat - y + 1`` (0 for a false negative, 1 for a
correct prediction, 2 for a false positive); the indices are computed from the
counts of those three values, overall or per group.

Examples
--------
>>> from fairscope.inequality import generalized_entropy_index, theil_index
>>> generalized_entropy_index([1, 0, 1, 0], [0, 0, 1, 1])
0.25
>>> round(theil_index([1, 0, 1, 0], [0, 0, 1, 1]), 4)
0.3466
"""

from fairscope.compute._inequality import (
    between_group_generalized_entropy_index,
    between_group_theil_index,
    coefficient_of_variation,
    generalized_entropy_index,
    theil_index,
)

__all__ = [
    "between_group_generalized_entropy_index",
    "between_group_theil_index",
    "coefficient_of_variation",
    "generalized_entropy_index",
    "theil_index",
]
