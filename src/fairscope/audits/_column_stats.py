"""The columns of a dataset reduced to counts per group, read once for every table.

Missingness, proxies and feature shift all read the same per-group statistics
of each column: a table of the column's codes (categories or quantile bins,
missing last) by group, and for numeric columns the sums of the centred values
and of their squares. They are computed once per column over the intersection
groups; each sensitive feature's statistics are sums over those
(:meth:`ColumnStats.for_set`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fairscope.audits._dataset_groups import aggregate
from fairscope.core._feature_columns import EncodedColumn

#: Values used to choose the centre of a numeric column (centring keeps one-pass sums exact).
CENTRE_SAMPLE = 100_000


@dataclass(eq=False)
class ColumnStats:
    """One column reduced to counts per group, in one pass per statistic.

    ``table`` counts the column's codes (categories or quantile bins, missing
    last) by group; ``sums`` and ``squares`` hold the sums of the centred
    values and of their squares (numeric columns).
    """

    column: EncodedColumn
    table: np.ndarray  # (n_codes + 1, n_groups)
    sums: np.ndarray | None
    squares: np.ndarray | None
    centre: float

    @classmethod
    def reduce(cls, col: EncodedColumn, codes: np.ndarray, n_groups: int) -> ColumnStats:
        """Reduce ``col`` over the groups ``codes`` (``0 .. n_groups - 1``, one per row)."""
        k = col.n_codes + 1
        x = np.where(col.codes < 0, col.n_codes, col.codes).astype(np.intp, copy=False)
        # in place on the fresh array (wide enough: intp): half the time of two temporaries
        x *= n_groups
        x += codes
        table = np.bincount(x, minlength=k * n_groups).reshape(k, n_groups)
        sums = squares = None
        centre = 0.0
        if col.kind == "numeric" and not col.all_missing:
            observed = ~col.missing
            values = col.numbers[observed]
            # centring first keeps the one-pass variance exact to rounding
            centre = float(values[: min(len(values), CENTRE_SAMPLE)].mean())
            values = values - centre
            g = codes[observed]
            sums = np.bincount(g, weights=values, minlength=n_groups)
            squares = np.bincount(g, weights=values * values, minlength=n_groups)
        return cls(col, table, sums, squares, centre)

    def for_set(self, parent: np.ndarray, n_groups: int) -> ColumnStats:
        """The same statistics for coarser groups (``parent``: set group of each intersection)."""
        return ColumnStats(
            self.column,
            aggregate(self.table, parent, n_groups),
            None if self.sums is None else aggregate(self.sums, parent, n_groups),
            None if self.squares is None else aggregate(self.squares, parent, n_groups),
            self.centre,
        )

    @property
    def missing(self) -> np.ndarray:
        """Missing values per group."""
        return self.table[-1]

    @property
    def observed(self) -> np.ndarray:
        """Observed (non-missing) values per group."""
        return self.table[:-1].sum(axis=0)
