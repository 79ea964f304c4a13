"""Confusion counts per intersectional group in one pass over the rows.

:func:`fairscope.core._groups.encode_groups` followed by
:func:`fairscope.core._counts.reduce_confusion` walks the rows several times:
it remaps each feature's codes, folds them into one code per row, counts the
observed combinations, renumbers them, and only then counts the cells. Here
the sensitive features are folded straight into the cell index of the
``np.bincount`` that counts the cells, chunk by chunk:

- categorical features give their own codes (``int8`` for a few categories),
  read in place: no remapped or widened copy of the column;
- other features (object or Arrow strings, numbers) are factorized one chunk at
  a time (small chunks hash faster and keep one-byte codes), and each chunk's
  local values are mapped to the final, sorted labels on the reduced table only.

Group order, labels, warnings and errors are those of ``encode_groups``, and
every count is the sum, over the same chunks of rows in the same order, that
``reduce_confusion`` computes, so the counts are identical to the last bit.
When the features could form more combinations than a dense table holds,
:func:`reduce_intersections` returns None and the caller takes the general path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._bincount import CHUNK_ROWS
from fairscope.core._counts import GroupCounts, reduce_confusion
from fairscope.core._groups import (
    MISSING,
    check_labels,
    code_dtype,
    encode_groups,
    sorted_uniques,
    value_label,
    warn_if_continuous,
)
from fairscope.core._registry import CELLS

#: Largest number of (feature value combination, cell) slots counted densely.
DENSE_CELLS = 1 << 22


@dataclass(frozen=True, eq=False)
class _Chunk:
    """The cells of one chunk of rows, by combination of chunk-local feature slots."""

    combos: np.ndarray  # observed local combinations (mixed radix over ``sizes``)
    sizes: tuple[int, ...]  # local slots per feature (slot 0: missing)
    uniques: tuple[Any, ...]  # per feature: the chunk's values (None for a categorical)
    rows: np.ndarray
    weighted: np.ndarray | None
    squared: np.ndarray | None


def _categorical_slots(series: pd.Series) -> Callable[[slice], tuple[np.ndarray, int, None]]:
    codes = series.cat.codes.to_numpy()  # the column's own codes: no copy, no widening
    size = len(series.cat.categories) + 1

    def slots(part: slice) -> tuple[np.ndarray, int, None]:
        return codes[part], size, None

    return slots


def _factorized_slots(series: pd.Series) -> Callable[[slice], tuple[np.ndarray, int, pd.Index]]:
    def slots(part: slice) -> tuple[np.ndarray, int, pd.Index]:
        codes, uniques = pd.factorize(series.iloc[part])
        # one byte per row for a few values: the 8-byte codes are freed before the count
        return codes.astype(code_dtype(len(uniques))), len(uniques) + 1, pd.Index(uniques)

    return slots


def _count_chunk(
    feature_slots: list[Callable[[slice], Any]],
    y_true: np.ndarray,
    y_pred: np.ndarray,
    weight: np.ndarray | None,
    part: slice,
) -> _Chunk | None:
    """Fold the chunk's feature codes into ``((slot0 * s1 + slot1) ...) * 4 + 2 y + p``."""
    encoded = [slots(part) for slots in feature_slots]
    sizes = tuple(size for _, size, _ in encoded)
    n_combos = int(np.prod(sizes))
    if n_combos * len(CELLS) > DENSE_CELLS:
        return None
    size = n_combos * len(CELLS)
    # The cell index fits a byte for a few groups: the arithmetic runs on one byte per row
    # (exact modulo 2**8, and the true index is below 2**8), not on eight.
    cell = np.empty(len(encoded[0][0]), dtype=_cell_dtype(size))
    _add_into(cell, encoded[0][0], first=True)
    cell += 1  # slot = code + 1: missing (-1) is slot 0
    for codes, slots, _ in encoded[1:]:
        cell *= slots
        _add_into(cell, codes)
        cell += 1
    cell *= 2  # (a multiply: numpy shifts small ints ten times slower)
    _add_into(cell, y_true[part])
    cell *= 2  # (a multiply: numpy shifts small ints ten times slower)
    _add_into(cell, y_pred[part])
    if weight is not None:
        cell = cell.astype(np.intp)  # once, not inside each of the three bincounts
    rows = np.bincount(cell, minlength=size).reshape(n_combos, len(CELLS))
    combos = np.flatnonzero(rows.any(axis=1))
    weighted = squared = None
    if weight is not None:
        w = weight[part]
        weighted = np.bincount(cell, weights=w, minlength=size).reshape(n_combos, len(CELLS))
        squared = np.bincount(cell, weights=w * w, minlength=size).reshape(n_combos, len(CELLS))
        weighted, squared = weighted[combos], squared[combos]
    uniques = tuple(u for _, _, u in encoded)
    return _Chunk(combos, sizes, uniques, rows[combos], weighted, squared)


def _cell_dtype(size: int) -> np.dtype:
    for dtype in (np.uint8, np.uint16, np.uint32):
        if size <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    return np.dtype(np.intp)


def _add_into(cell: np.ndarray, values: np.ndarray, first: bool = False) -> None:
    """``cell += values`` (or ``cell[:] = values``), wrapping modulo the width of ``cell``.

    Codes of the same width are read as unsigned (a view, no copy); other widths are
    cast in the ufunc's buffers. Either way the result is exact modulo ``2**bits``.
    """
    if values.dtype.itemsize == cell.dtype.itemsize and values.dtype.kind in "biu":
        values = values.view(cell.dtype)
        if first:
            np.copyto(cell, values)
        else:
            cell += values
    elif first:
        np.copyto(cell, values, casting="unsafe")
    else:
        np.add(cell, values, out=cell, casting="unsafe")


def reduce_intersections(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    features: pd.DataFrame,
    sample_weight: np.ndarray | None = None,
) -> tuple[GroupCounts, dict[str, int]] | None:
    """Weighted confusion counts of the intersectional groups, in one pass over the rows.

    Parameters
    ----------
    y_true, y_pred : ndarray of bool or {0, 1}
        Binarized labels and predictions.
    features : pandas.DataFrame
        One column per sensitive feature.
    sample_weight : ndarray of float, optional
        Non-negative weight of each row.

    Returns
    -------
    (GroupCounts, dict) or None
        The counts (as ``reduce_confusion(..., encode_groups(features))``
        gives them) and the rows with a missing value per feature; None when
        the features have too many values for a dense table.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> features = pd.DataFrame({"sex": ["F", "M", "F", None], "age": [30, 30, 20, 30]})
    >>> counts, missing = reduce_intersections(
    ...     np.array([1, 0, 1, 1]), np.array([1, 1, 0, 1]), features
    ... )
    >>> counts.groups.tolist(), counts.rows.tolist(), missing
    ([('F', '20'), ('F', '30'), ('M', '30'), ('<missing>', '30')], [[0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 1]], {'sex': 1, 'age': 0})
    """
    names = tuple(str(c) for c in features.columns)
    if len(features) == 0 or not names:
        return None
    columns = [features.iloc[:, j] for j in range(len(names))]
    feature_slots = [
        _categorical_slots(s) if isinstance(s.dtype, pd.CategoricalDtype) else _factorized_slots(s)
        for s in columns
    ]
    y_true, y_pred = _as_bits(y_true), _as_bits(y_pred)
    weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    chunks = []
    for start in range(0, len(features), CHUNK_ROWS):
        chunk = _count_chunk(
            feature_slots, y_true, y_pred, weight, slice(start, start + CHUNK_ROWS)
        )
        if chunk is None:
            return None
        chunks.append(chunk)
    labels, maps = _final_labels(columns, names, chunks)
    final_sizes = [len(lab) + 1 for lab in labels]  # + the missing slot, placed last
    if int(np.prod(final_sizes)) * len(CELLS) > DENSE_CELLS:
        return None
    return _assemble(chunks, maps, labels, final_sizes, names, columns, weight is not None)


def _as_bits(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    return values.view(np.uint8) if values.dtype == np.bool_ else values


def _final_labels(
    columns: list[pd.Series], names: tuple[str, ...], chunks: list[_Chunk]
) -> tuple[list[list[Any]], list[list[np.ndarray]]]:
    """Each feature's values in group order, and each chunk's local slot -> final position.

    Final positions index the values in order; ``len(values)`` is the missing slot.
    """
    labels: list[list[Any]] = []
    maps: list[list[np.ndarray]] = []
    for j, series in enumerate(columns):
        if isinstance(series.dtype, pd.CategoricalDtype):
            values = list(series.cat.categories)
            local = np.append(len(values), np.arange(len(values)))  # slot 0 is missing
            maps.append([local for _ in chunks])
        else:
            seen = [c.uniques[j] for c in chunks]
            ordered = sorted_uniques(seen[0].append(seen[1:]) if len(seen) > 1 else seen[0])
            values = list(ordered)
            maps.append(
                [np.append(len(values), ordered.get_indexer(u)).astype(np.int64) for u in seen]
            )
        labels.append(values)
    return labels, maps


def _assemble(
    chunks: list[_Chunk],
    maps: list[list[np.ndarray]],
    labels: list[list[Any]],
    final_sizes: list[int],
    names: tuple[str, ...],
    columns: list[pd.Series],
    weighted: bool,
) -> tuple[GroupCounts, dict[str, int]]:
    """Add the chunks' cells into one dense table over the final slots, in chunk order."""
    n_final = int(np.prod(final_sizes))
    rows = np.zeros((n_final, len(CELLS)), dtype=np.int64)
    weights = np.zeros((n_final, len(CELLS))) if weighted else None
    squares = np.zeros((n_final, len(CELLS))) if weighted else None
    for i, chunk in enumerate(chunks):
        local = np.unravel_index(chunk.combos, chunk.sizes)
        final = np.zeros(len(chunk.combos), dtype=np.int64)
        for j, size in enumerate(final_sizes):
            final = final * size + maps[j][i][local[j]]
        # each combination occurs once per chunk: these are plain elementwise additions
        rows[final] += chunk.rows
        if weights is not None and squares is not None:
            assert chunk.weighted is not None and chunk.squared is not None
            weights[final] += chunk.weighted
            squares[final] += chunk.squared
    present = np.flatnonzero(rows.any(axis=1))
    positions = np.unravel_index(present, final_sizes)
    group_rows = rows[present].sum(axis=1)
    missing: dict[str, int] = {}
    parts = []
    for j, name in enumerate(names):
        observed = np.unique(positions[j])
        used = [labels[j][k] for k in observed if k < len(labels[j])]
        text = [value_label(v) for v in used]
        has_missing = bool(len(observed)) and observed[-1] == len(labels[j])
        warn_if_continuous(columns[j], name, len(text))
        check_labels(text, name, has_missing)
        missing[name] = int(group_rows[positions[j] == len(labels[j])].sum())
        lookup = np.asarray([*[value_label(v) for v in labels[j]], MISSING], dtype=object)
        parts.append(lookup[positions[j]])
    if len(names) == 1:
        index: pd.Index = pd.Index(parts[0], name=names[0], dtype=object)
    else:
        index = pd.MultiIndex.from_arrays(
            [pd.Index(p, dtype=object) for p in parts], names=list(names)
        )
    orders = {
        name: tuple(value_label(c) for c in columns[j].cat.categories)
        for j, name in enumerate(names)
        if isinstance(columns[j].dtype, pd.CategoricalDtype)
    }
    counts = rows[present]
    return (
        GroupCounts(
            names,
            index,
            weighted=weights[present] if weights is not None else counts.astype(float),
            rows=counts,
            squared_weights=squares[present] if squares is not None else counts.astype(float),
            has_weights=weighted,
            orders=orders,
        ),
        missing,
    )


def reduce_groups_confusion(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    features: pd.DataFrame,
    sample_weight: np.ndarray | None = None,
) -> tuple[GroupCounts, dict[str, int]]:
    """Confusion counts per intersectional group: the one-pass reduce, else the general path.

    Parameters
    ----------
    y_true, y_pred : ndarray of bool or {0, 1}
        Binarized labels and predictions.
    features : pandas.DataFrame
        One column per sensitive feature.
    sample_weight : ndarray of float, optional
        Non-negative weight of each row.

    Returns
    -------
    GroupCounts, dict
        The counts and the rows with a missing value per feature.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> counts, _ = reduce_groups_confusion(
    ...     np.array([1, 0]), np.array([1, 1]), pd.DataFrame({"g": ["a", "b"]})
    ... )
    >>> counts.rows.tolist()
    [[0, 0, 0, 1], [0, 1, 0, 0]]
    """
    fused = reduce_intersections(y_true, y_pred, features, sample_weight)
    if fused is not None:
        return fused
    groups = encode_groups(features)
    counts = reduce_confusion(
        y_true, y_pred, groups.codes, groups.index, sample_weight, orders=groups.orders
    )
    return counts, dict(groups.missing)
