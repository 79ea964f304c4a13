"""Encoding sensitive features into integer group codes.

Group order is stable and documented: within one feature, categories of a
pandas ``Categorical`` keep their declared order; other values are sorted
(numbers numerically, strings lexicographically, booleans False before True);
the missing-value group, labelled :data:`MISSING`, always comes last. For
several features, groups are the observed intersections, ordered
lexicographically by the per-feature order. Labels are shown as strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Label of the group formed by missing values of a sensitive feature.
MISSING = "<missing>"


@dataclass(frozen=True, eq=False)
class EncodedGroups:
    """Integer group codes for every row and the labels of each code.

    Attributes
    ----------
    features : tuple of str
        Names of the sensitive features.
    codes : ndarray of int64, shape (n_rows,)
        Group code of each row, in ``range(len(index))``.
    index : pandas.Index or pandas.MultiIndex
        String labels of the groups, in group order; a MultiIndex named by
        ``features`` when there are several features.
    missing : dict
        Rows with a missing value, per feature.
    """

    features: tuple[str, ...]
    codes: np.ndarray
    index: pd.Index
    missing: dict[str, int]


def _label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        # 1.0 read from a CSV with missing values is the integer group 1
        return str(int(value))
    return str(value)


def encode_feature(values: pd.Series | np.ndarray, name: str) -> tuple[np.ndarray, list[str], int]:
    """Encode one sensitive feature.

    Returns the codes (missing values get their own, last code), the string
    labels and the number of missing rows.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        raw_codes = series.cat.codes.to_numpy()
        used = np.unique(raw_codes[raw_codes >= 0])
        uniques = [series.cat.categories[i] for i in used]
        remap = np.full(len(series.cat.categories) + 1, -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        codes = remap[raw_codes]  # code -1 indexes the last slot, which stays -1
    else:
        try:
            codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
        except TypeError:
            # Mixed types (e.g. numbers and strings) cannot be ordered; order by label.
            as_text = series.map(lambda v: v if pd.isna(v) else _label(v))
            codes, uniques = pd.factorize(as_text, sort=True, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        uniques = list(uniques)
    labels = [_label(v) for v in uniques]
    if len(set(labels)) != len(labels):
        duplicated = sorted({lab for lab in labels if labels.count(lab) > 1})
        raise ValueError(
            f"sensitive feature {name!r} has distinct values that print the same "
            f"({', '.join(map(repr, duplicated))}); convert the column to one type first."
        )
    missing_mask = codes < 0
    n_missing = int(missing_mask.sum())
    if n_missing:
        if MISSING in labels:
            raise ValueError(
                f"sensitive feature {name!r} has a value {MISSING!r}, which fairscope uses to "
                "label missing values; rename that value."
            )
        codes = np.where(missing_mask, len(labels), codes)
        labels.append(MISSING)
    return codes, labels, n_missing


def encode_groups(features: pd.DataFrame) -> EncodedGroups:
    """Encode one or more sensitive feature columns into intersectional groups.

    Parameters
    ----------
    features : pandas.DataFrame
        One column per sensitive feature, one row per data row.

    Returns
    -------
    EncodedGroups
    """
    names = tuple(str(c) for c in features.columns)
    per_feature = [encode_feature(features.iloc[:, j], names[j]) for j in range(len(names))]
    missing = {name: pf[2] for name, pf in zip(names, per_feature, strict=True)}
    if len(per_feature) == 1:
        codes, labels, _ = per_feature[0]
        index = pd.Index(labels, name=names[0], dtype=object)
        return EncodedGroups(names, codes, index, missing)

    sizes = [len(pf[1]) for pf in per_feature]
    combined = np.zeros(len(features), dtype=np.int64)
    for (codes, _, _), size in zip(per_feature, sizes, strict=True):
        combined *= size
        combined += codes
    present = np.flatnonzero(np.bincount(combined, minlength=int(np.prod(sizes))))
    lookup = np.full(int(np.prod(sizes)), -1, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    parts = np.unravel_index(present, sizes)
    index = pd.MultiIndex.from_arrays(
        [
            pd.Index(np.asarray(pf[1], dtype=object)[part], dtype=object)
            for pf, part in zip(per_feature, parts, strict=True)
        ],
        names=list(names),
    )
    return EncodedGroups(names, lookup[combined], index, missing)
