"""The SHA-256 digest of one input column, as the reproducibility block records it.

A digest must change when any value, the order of the values or the dtype
changes, be the same on every run and platform, and cost little next to the
audit itself. So the hash covers, after a header with the dtype and the length:

- numbers, booleans and datetimes held in a numpy array: their bytes,
  little-endian (no conversion, no copy on little-endian machines);
- numbers of a nullable or Arrow dtype: the missing mask, then the values with
  0 where missing, little-endian;
- anything else (text, categories, objects): the codes of
  ``pandas.factorize(values, sort=False)`` (the order in which values first
  appear, -1 where missing) in the narrowest integer that holds them, then each
  distinct value as its type name and text, length-prefixed. Codes and labels
  determine the values in order, and a caller that has factorized the column
  already (the dataset audit's encoding) passes that factorization instead of
  doing it twice.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import code_dtype

#: numpy kinds hashed by their bytes: bool, integers, floats, complex, timedelta, datetime.
_RAW_KINDS = "biufcmM"


def _bytes(values: np.ndarray) -> memoryview:
    """The bytes of the array, little-endian and contiguous (a view when it already is)."""
    values = values.astype(values.dtype.newbyteorder("<"), copy=False)
    # viewed as bytes, which hashlib reads in place (datetimes have no buffer of their own)
    return np.ascontiguousarray(values).reshape(-1).view(np.uint8).data


def narrow_codes(codes: np.ndarray, n_labels: int) -> np.ndarray:
    """Codes (-1 for missing) in the narrowest signed integer type that holds them.

    Parameters
    ----------
    codes : ndarray of int
        Codes ``0 .. n_labels - 1``, -1 where missing.
    n_labels : int
        Number of distinct codes.

    Returns
    -------
    ndarray
        The same codes as int8, int16, int32 or int64 (no copy when already narrow).
    """
    return codes.astype(code_dtype(n_labels), copy=False)


def _label_bytes(uniques: Any) -> tuple[bytes, bytes]:
    """Lengths (int64, little-endian) and the UTF-8 text of ``type:value`` of each label."""
    encoded = [f"{type(u).__qualname__}:{u}".encode("utf-8", "surrogatepass") for u in uniques]
    lengths = np.fromiter((len(e) for e in encoded), dtype="<i8", count=len(encoded))
    return lengths.tobytes(), b"".join(encoded)


def _factorize(series: pd.Series) -> tuple[np.ndarray, Any]:
    try:
        codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
    except TypeError:  # unhashable objects (lists, dicts): factorize their text form
        codes, uniques = pd.factorize(series.astype(str), sort=False, use_na_sentinel=True)
    return np.asarray(codes), uniques


def column_digest(values: Any, factorized: tuple[np.ndarray, Any] | None = None) -> str:
    """SHA-256 of one column: its dtype, length and values in order.

    Parameters
    ----------
    values : pandas.Series or array-like
        The column.
    factorized : tuple of (ndarray, array-like), optional
        ``pandas.factorize(values, sort=False, use_na_sentinel=True)`` when the
        caller has it already (its codes in any integer type); used only for
        columns hashed by their codes (text, categories, objects), and must be
        exactly that factorization.

    Returns
    -------
    str
        The hexadecimal digest.

    Examples
    --------
    >>> from fairscope.core._column_digest import column_digest
    >>> column_digest([1, 2, 3]) == column_digest([1, 2, 3])
    True
    >>> column_digest([1, 2, 3]) == column_digest([1, 3, 2])
    False
    >>> column_digest(["a", "b"]) == column_digest(["a", "c"])
    False
    """
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    digest = hashlib.sha256(f"{series.dtype}|{len(series)}|".encode())
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _RAW_KINDS:
        digest.update(b"raw|")
        digest.update(_bytes(series.to_numpy()))
        return digest.hexdigest()
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "biufc":
        missing = series.isna().to_numpy()
        filled = series.to_numpy(dtype=numpy_dtype, na_value=0)
        digest.update(b"masked|")
        digest.update(_bytes(missing))
        digest.update(_bytes(filled))
        return digest.hexdigest()
    codes, uniques = factorized if factorized is not None else _factorize(series)
    lengths, text = _label_bytes(uniques)
    digest.update(b"codes|")
    digest.update(_bytes(narrow_codes(np.asarray(codes), len(uniques))))
    digest.update(b"|labels|")
    digest.update(lengths)
    digest.update(text)
    return digest.hexdigest()
