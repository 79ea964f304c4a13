"""Per-group arrays with summing over features: the helpers shared by every statistics type.

Kept as an address for engine code; the helpers live in :mod:`fairscope.core._statistics`.
"""

from __future__ import annotations

from fairscope.core._statistics import marginal_positions, sum_into

__all__ = ["marginal_positions", "sum_into"]
