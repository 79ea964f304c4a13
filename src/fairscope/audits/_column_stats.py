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
from fairscope.core._bincount import CACHE_ROWS
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
        return reduce_columns([col], codes, n_groups)[0]

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


def reduce_columns(
    columns: list[EncodedColumn], codes: np.ndarray, n_groups: int
) -> list[ColumnStats]:
    """Each column reduced over the groups ``codes`` (``0 .. n_groups - 1``, one per row).

    The rows are read block by block (a block stays in the processor's cache) into
    buffers shared by every column; the group codes are widened once for all columns.
    """
    rows = _Rows(codes, n_groups)
    return [_reduce(col, rows) for col in columns]


class _Rows:
    """The group of each row, as the reductions read it, and buffers they share."""

    def __init__(self, codes: np.ndarray, n_groups: int) -> None:
        self.n_groups = n_groups
        self.n = len(codes)
        self.groups = codes.astype(np.intp)  # what bincount reads (it would widen each time)
        # cell (code + 1) * n_groups + group: the missing code -1 counts first, unmasked
        shifted_type = np.int16 if 2 * n_groups < np.iinfo(np.int16).max else np.intp
        self.shifted = (self.groups + n_groups).astype(shifted_type)
        self.cells = np.empty(min(CACHE_ROWS, self.n), dtype=np.intp)
        self._centred: np.ndarray | None = None

    def centred_buffers(self) -> tuple[np.ndarray, np.ndarray]:
        """Two row-length float buffers, allocated once for every numeric column."""
        if self._centred is None:
            self._centred = np.empty((2, self.n))
        return self._centred[0], self._centred[1]


def _reduce(col: EncodedColumn, rows: _Rows) -> ColumnStats:
    k, n_groups = col.n_codes + 1, rows.n_groups
    counts = np.zeros(k * n_groups, dtype=np.intp)
    codes = col.codes if col.narrow_codes is None else col.narrow_codes
    for start in range(0, rows.n, CACHE_ROWS):
        cells = rows.cells[: min(CACHE_ROWS, rows.n - start)]
        np.multiply(codes[start : start + CACHE_ROWS], n_groups, out=cells, dtype=np.intp)
        np.add(cells, rows.shifted[start : start + CACHE_ROWS], out=cells)
        counts += np.bincount(cells, minlength=k * n_groups)
    table = counts.reshape(k, n_groups)
    table = np.concatenate([table[1:], table[:1]])  # missing last
    if col.kind != "numeric" or col.all_missing:
        return ColumnStats(col, table, None, None, 0.0)
    values, missing = col.numbers, col.missing
    centre = _centre(values, missing)
    centred, squares = rows.centred_buffers()
    for start in range(0, rows.n, CACHE_ROWS):
        block = slice(start, start + CACHE_ROWS)
        np.subtract(values[block], centre, out=centred[block])
        # missing rows weigh 0.0: adding 0.0 leaves every running sum as it was, so the
        # sums equal those over the observed rows alone, without selecting them
        np.putmask(centred[block], missing[block], 0.0)
        np.multiply(centred[block], centred[block], out=squares[block])
    # one bincount over all rows: per group, the values are summed in row order
    sums = np.bincount(rows.groups, weights=centred, minlength=n_groups)
    sum_squares = np.bincount(rows.groups, weights=squares, minlength=n_groups)
    return ColumnStats(col, table, sums, sum_squares, centre)


def _centre(values: np.ndarray, missing: np.ndarray) -> float:
    """Mean of the first :data:`CENTRE_SAMPLE` observed values (centring keeps one-pass
    sums exact to rounding), read from the shortest prefix of rows that holds them."""
    stop = min(len(values), CENTRE_SAMPLE)
    while True:
        observed = values[:stop][~missing[:stop]]
        if len(observed) >= CENTRE_SAMPLE or stop == len(values):
            return float(observed[:CENTRE_SAMPLE].mean())
        stop = min(len(values), stop + 2 * (CENTRE_SAMPLE - len(observed)) + 1024)
