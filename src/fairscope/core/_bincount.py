"""``numpy.bincount`` in bounded memory: the one pass over rows every reduction makes."""

from __future__ import annotations

import numpy as np

#: Rows processed at a time by the reductions: bounds their temporary memory
#: (a few int64/float64 arrays of this length) whatever the input size.
CHUNK_ROWS = 1 << 20
#: Rows read at a time by passes that make several temporaries per row: a block and its
#: temporaries stay in the processor's cache.
CACHE_ROWS = 1 << 16


def chunked_bincount(
    values: np.ndarray,
    minlength: int,
    weights: np.ndarray | None = None,
    *,
    offset: int = 0,
) -> np.ndarray:
    """``np.bincount(values + offset, weights, minlength)`` in bounded memory.

    ``np.bincount`` casts its input to ``intp``; done on the whole array that
    copy is 8 bytes per row, so the rows are reduced in chunks of
    :data:`CHUNK_ROWS`. The values may have any integer or boolean dtype.
    """
    values = np.asarray(values)
    total = np.zeros(minlength, dtype=np.int64 if weights is None else float)
    for start in range(0, len(values), CHUNK_ROWS):
        part = values[start : start + CHUNK_ROWS].astype(np.intp)
        if offset:
            part += offset
        w = None if weights is None else weights[start : start + CHUNK_ROWS]
        total += np.bincount(part, weights=w, minlength=minlength)[:minlength]
    return total
