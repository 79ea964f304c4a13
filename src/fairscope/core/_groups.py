"""Encoding sensitive features into integer group codes.

Group order is stable and documented: within one feature, categories of a
pandas ``Categorical`` keep their declared order; other values are sorted
(numbers numerically, strings lexicographically, numbers before strings in a
column that mixes them, booleans False before True);
the missing-value group, labelled :data:`MISSING`, always comes last. For
several features, groups are the observed intersections, ordered
lexicographically by the per-feature order. Labels are shown as strings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._bincount import CHUNK_ROWS, chunked_bincount
from fairscope.core._warnings import InputWarning

#: Label of the group formed by missing values of a sensitive feature.
MISSING = "<missing>"

#: A numeric sensitive feature with more distinct values than this is most likely
#: continuous (age, income): every value would be its own, mostly tiny, group.
MAX_NUMERIC_GROUPS = 20


@dataclass(frozen=True, eq=False)
class EncodedGroups:
    """Integer group codes for every row and the labels of each code.

    Attributes
    ----------
    features : tuple of str
        Names of the sensitive features.
    codes : ndarray of int, shape (n_rows,)
        Group code of each row, in ``range(len(index))`` (the smallest integer
        dtype that holds them).
    index : pandas.Index or pandas.MultiIndex
        String labels of the groups, in group order; a MultiIndex named by
        ``features`` when there are several features.
    missing : dict
        Rows with a missing value, per feature.
    orders : dict
        Declared order of every category (as labels) of the features that
        are pandas ``Categorical``, so that tables of partitions in which only
        some categories occur can be merged in that order.
    """

    features: tuple[str, ...]
    codes: np.ndarray
    index: pd.Index
    missing: dict[str, int]
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)


def value_label(value: object) -> str:
    """The string label of a sensitive-feature value (``1.0`` is shown as ``"1"``)."""
    if isinstance(value, float) and value.is_integer():
        # 1.0 read from a CSV with missing values is the integer group 1
        return str(int(value))
    return str(value)


def code_dtype(n_codes: int) -> np.dtype:
    """The smallest signed integer dtype holding codes ``0 .. n_codes - 1`` (and -1)."""
    for dtype in (np.int8, np.int16, np.int32):
        if n_codes <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def encode_feature(values: pd.Series | np.ndarray, name: str) -> tuple[np.ndarray, list[str], int]:
    """Encode one sensitive feature.

    Returns the codes (missing values get their own, last code), the string
    labels and the number of missing rows. Codes use the smallest integer
    dtype that holds them, so millions of rows cost a byte each.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        raw_codes = series.cat.codes.to_numpy()
        n_categories = len(series.cat.categories)
        # slot 0 counts the missing values (code -1)
        present = chunked_bincount(raw_codes, n_categories + 1, offset=1)
        used = np.flatnonzero(present[1:])
        n_missing = int(present[0])
        uniques = [series.cat.categories[i] for i in used]
        dtype = code_dtype(len(used) + 1)
        remap = np.full(n_categories + 1, len(used), dtype=dtype)  # last slot: code -1
        remap[used] = np.arange(len(used))
        codes = remap[raw_codes]
    else:
        codes, uniques = _factorize_sorted(series)
        missing_mask = codes < 0
        n_missing = int(np.count_nonzero(missing_mask))
        if n_missing:
            codes[missing_mask] = len(uniques)
    labels = [value_label(v) for v in uniques]
    warn_if_continuous(series, name, len(labels))
    check_labels(labels, name, n_missing > 0)
    if n_missing:
        labels.append(MISSING)
    return codes, labels, n_missing


def check_labels(labels: list[str], name: str, has_missing: bool) -> None:
    """Refuse labels that collide: two values that print the same, or a value named like MISSING.

    Parameters
    ----------
    labels : list of str
        The labels of the observed values of one feature (without the missing group).
    name : str
        The feature, named in the error.
    has_missing : bool
        Whether the feature has missing values (labelled :data:`MISSING`).

    Returns
    -------
    None

    Examples
    --------
    >>> check_labels(["F", "M"], "sex", has_missing=True)
    """
    if len(set(labels)) != len(labels):
        duplicated = sorted({lab for lab in labels if labels.count(lab) > 1})
        raise ValueError(
            f"sensitive feature {name!r} has distinct values that print the same "
            f"({', '.join(map(repr, duplicated))}); convert the column to one type first."
        )
    if has_missing and MISSING in labels:
        raise ValueError(
            f"sensitive feature {name!r} has a value {MISSING!r}, which fairscope uses to "
            "label missing values; rename that value."
        )


def warn_if_continuous(series: pd.Series, name: str, n_values: int) -> None:
    """Warn about a feature with a single value, or a numeric one with too many values.

    Parameters
    ----------
    series : pandas.Series
        The feature's column.
    name : str
        The feature, named in the warning.
    n_values : int
        Its number of observed (non-missing) values.

    Returns
    -------
    None

    Examples
    --------
    >>> import pandas as pd
    >>> warn_if_continuous(pd.Series(["F", "M"]), "sex", 2)
    """
    if n_values == 1 and not series.isna().any():
        warnings.warn(
            f"sensitive feature {name!r} has a single value, so every row is in one group and "
            "no disparity can be measured; check that the right column was passed.",
            InputWarning,
            stacklevel=find_stacklevel(),
        )
        return
    if n_values <= MAX_NUMERIC_GROUPS or isinstance(series.dtype, pd.CategoricalDtype):
        return
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return
    warnings.warn(
        f"sensitive feature {name!r} is numeric with {n_values} distinct values, so each value "
        "forms its own group and most groups are too small to compare. Bin it first with "
        "pandas.cut (e.g. bins=[0, 25, 45, 65, 120] for an age), or convert it to a "
        "categorical column if every value really is a group.",
        InputWarning,
        stacklevel=find_stacklevel(),
    )


def find_stacklevel() -> int:
    """The stack level of the first frame outside fairscope (warnings point at user code)."""
    import inspect
    from pathlib import Path

    package = str(Path(__file__).parents[1])
    frame = inspect.currentframe()
    level = 0
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
        level += 1
    return level


def _factorize_sorted(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes of each row (-1 if missing) into the sorted distinct values.

    Equivalent to ``pd.factorize(series, sort=True)``, but done chunk by chunk:
    each chunk's codes are kept in the smallest dtype (the 8-byte codes of a
    whole-column factorize would cost more memory than the column), and small
    chunks hash faster.
    """
    parts = []
    for start in range(0, len(series), CHUNK_ROWS):
        codes, uniques = pd.factorize(series.iloc[start : start + CHUNK_ROWS])
        parts.append((codes.astype(code_dtype(len(uniques))), pd.Index(uniques)))
    if not parts:
        return np.empty(0, dtype=np.int8), []
    seen = parts[0][1].append([u for _, u in parts[1:]]) if len(parts) > 1 else parts[0][1]
    ordered = sorted_uniques(seen)
    out = np.empty(len(series), dtype=code_dtype(len(ordered) + 1))
    start = 0
    for codes, uniques in parts:
        # the appended -1 maps the missing-value code -1 to itself
        mapping = np.append(ordered.get_indexer(uniques), -1).astype(out.dtype)
        out[start : start + len(codes)] = mapping[codes]
        start += len(codes)
    return out, list(ordered)


def sorted_uniques(seen: pd.Index) -> pd.Index:
    """The distinct values of ``seen`` (which holds no missing value) in group order.

    Parameters
    ----------
    seen : pandas.Index
        Values (the distinct values of each chunk of a column, appended).

    Returns
    -------
    pandas.Index
        Sorted values; a column mixing types that cannot be compared (numbers
        and strings) is ordered by label.

    Examples
    --------
    >>> import pandas as pd
    >>> sorted_uniques(pd.Index(["b", "a", "b"])).tolist()
    ['a', 'b']
    """
    try:
        _, ordered = pd.factorize(seen, sort=True)
    except TypeError:
        # Mixed types (e.g. numbers and strings) cannot be ordered; order by label.
        ordered = sorted(pd.unique(seen.to_numpy(dtype=object)), key=value_label)
    return pd.Index(ordered, tupleize_cols=False)


#: Above this many possible combinations of feature values, observed
#: intersections are found by sorting rather than by a dense count table.
_DENSE_LIMIT = 1 << 22


def encode_groups(features: pd.DataFrame) -> EncodedGroups:
    """Encode one or more sensitive feature columns into intersectional groups.

    Parameters
    ----------
    features : pandas.DataFrame
        One column per sensitive feature, one row per data row.

    Returns
    -------
    EncodedGroups

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.core._groups import encode_groups
    >>> g = encode_groups(pd.DataFrame({"sex": ["M", "F", None], "age": [30, 20, 30]}))
    >>> g.codes.tolist()
    [1, 0, 2]
    >>> g.index.tolist()
    [('F', '20'), ('M', '30'), ('<missing>', '30')]
    """
    names = tuple(str(c) for c in features.columns)
    per_feature = [encode_feature(features.iloc[:, j], names[j]) for j in range(len(names))]
    missing = {name: pf[2] for name, pf in zip(names, per_feature, strict=True)}
    orders = {
        name: tuple(value_label(c) for c in features.iloc[:, j].cat.categories)
        for j, name in enumerate(names)
        if isinstance(features.iloc[:, j].dtype, pd.CategoricalDtype)
    }
    if len(per_feature) == 1:
        codes, labels, _ = per_feature[0]
        index = pd.Index(labels, name=names[0], dtype=object)
        return EncodedGroups(names, codes, index, missing, orders)

    # Fold the features into one mixed-radix code per row. When the number of
    # possible combinations would get large, compact to the observed ones first
    # (sorting keeps the lexicographic order), so the codes never overflow.
    combined, _, _ = per_feature[0]
    size = len(per_feature[0][1])
    steps: list[tuple[str, Any]] = []
    for codes, labels, _ in per_feature[1:]:
        if size * len(labels) > _DENSE_LIMIT:
            combined, size = _compact(combined, steps)
        folded = combined.astype(code_dtype(size * len(labels)))
        folded *= len(labels)
        folded += codes
        combined, size = folded, size * len(labels)
        steps.append(("radix", len(labels)))
    if size <= _DENSE_LIMIT:
        present = np.flatnonzero(chunked_bincount(combined, size))
        lookup = np.zeros(size, dtype=code_dtype(len(present)))
        lookup[present] = np.arange(len(present))
        group_codes = lookup[combined]
    else:
        inverse, present = pd.factorize(combined, sort=True)
        group_codes = inverse.astype(code_dtype(len(present)))
    # Decode each observed combination back to one code per feature.
    parts = []
    key = np.asarray(present, dtype=np.int64)
    for kind, value in reversed(steps):
        if kind == "radix":
            parts.append(key % value)
            key = key // value
        else:
            key = value[key]
    parts.append(key)
    parts.reverse()
    index = pd.MultiIndex.from_arrays(
        [
            pd.Index(np.asarray(pf[1], dtype=object)[part], dtype=object)
            for pf, part in zip(per_feature, parts, strict=True)
        ],
        names=list(names),
    )
    return EncodedGroups(names, group_codes, index, missing, orders)


def _compact(combined: np.ndarray, steps: list[tuple[str, Any]]) -> tuple[np.ndarray, int]:
    """Renumber combined codes to the observed ones, in order; record the mapping."""
    inverse, present = pd.factorize(combined, sort=True)
    steps.append(("compact", np.asarray(present, dtype=np.int64)))
    return inverse.astype(code_dtype(len(present))), len(present)


#: Label of the row of all groups together in tidy tables.
OVERALL = "<overall>"


def group_label(key: Any, features: tuple[str, ...]) -> str:
    """Human-readable label of a group: ``"Black"`` or ``"race=Black & sex=Female"``."""
    if len(features) == 1:
        return str(key[0] if isinstance(key, tuple) else key)
    return " & ".join(f"{f}={v}" for f, v in zip(features, key, strict=True))
