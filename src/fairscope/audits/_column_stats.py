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
        # cell (code + 1) * n_groups + group puts missing (-1) first with no masking pass;
        # in place on the fresh product, then missing moved last
        cells = col.codes * n_groups
        cells += codes
        cells += n_groups
        table = np.bincount(cells, minlength=k * n_groups).reshape(k, n_groups)
        table = np.concatenate([table[1:], table[:1]])
        sums = squares = None
        centre = 0.0
        if col.kind == "numeric" and not col.all_missing:
            centre = _centre(col.numbers, col.missing)
            # missing rows weigh 0.0: adding 0.0 leaves every running sum as it was, so the
            # sums equal those over the observed rows alone, without selecting them
            centred = col.numbers - centre
            centred[col.missing] = 0.0
            sums = np.bincount(codes, weights=centred, minlength=n_groups)
            centred *= centred
            squares = np.bincount(codes, weights=centred, minlength=n_groups)
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


def _centre(values: np.ndarray, missing: np.ndarray) -> float:
    """Mean of the first :data:`CENTRE_SAMPLE` observed values (centring keeps one-pass
    sums exact to rounding), read from the shortest prefix of rows that holds them."""
    stop = min(len(values), CENTRE_SAMPLE)
    while True:
        observed = values[:stop][~missing[:stop]]
        if len(observed) >= CENTRE_SAMPLE or stop == len(values):
            return float(observed[:CENTRE_SAMPLE].mean())
        stop = min(len(values), stop + 2 * (CENTRE_SAMPLE - len(observed)) + 1024)
