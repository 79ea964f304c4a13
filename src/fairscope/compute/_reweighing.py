"""Reweighing (Kamiran and Calders, 2012): sample weights that make label and group independent.

Each row of group ``g`` with label ``y`` gets the weight

    w(g, y) = P(g) P(y) / P(g, y)

(the count expected if label and group were independent, divided by the count
observed). Under these weights every group has the overall label distribution,
the total weight equals the number of rows, and the weights plug into any
scikit-learn ``fit(X, y, sample_weight=...)``.

References
----------
F. Kamiran and T. Calders, Data preprocessing techniques for classification
without discrimination, Knowledge and Information Systems 33 (2012) 1-33.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import encode_groups
from fairscope.core._inputs import check_aligned, column, sensitive_frame

#: A numeric target with more distinct values than this is treated as continuous.
MAX_TARGET_CLASSES = 50


def target_codes(target: pd.Series, argument: str = "target") -> tuple[np.ndarray, list[Any]]:
    """Integer codes of a discrete target (-1 where missing) and its sorted classes."""
    codes, classes = pd.factorize(target, sort=True, use_na_sentinel=True)
    if len(classes) > MAX_TARGET_CLASSES and pd.api.types.is_float_dtype(target):
        raise ValueError(
            f"{argument} {target.name!r} looks continuous ({len(classes)} distinct float values); "
            "reweighing needs discrete labels. Binarize it first (e.g. target > threshold)."
        )
    return np.asarray(codes, dtype=np.int64), list(classes)


def cell_weights(
    group_codes: np.ndarray, label_codes: np.ndarray, n_groups: int, n_classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Kamiran-Calders weight of every (group, class) cell and the observed cell counts.

    Rows with a missing label (code -1) are left out of every probability.
    Returns ``(weights, counts)``, both of shape ``(n_groups, n_classes)``;
    empty cells get weight NaN (no row carries them).
    """
    known = label_codes >= 0
    cell = group_codes[known] * n_classes + label_codes[known]
    counts = np.bincount(cell, minlength=n_groups * n_classes).reshape(n_groups, n_classes)
    total = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / total if total else counts * 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(counts > 0, expected / counts, np.nan)
    return weights, counts


def reweighing_weights(
    data: pd.DataFrame | None = None,
    *,
    target: Any,
    sensitive_features: Any,
) -> pd.Series:
    """Kamiran-Calders reweighing: weights that make the target independent of the groups.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The training data, when ``target`` and ``sensitive_features`` name its columns.
    target : str or array-like
        The label (binary or multiclass), or its column name.
    sensitive_features : str, list of str, array-like, DataFrame or dict
        Sensitive feature(s); with several, their intersection defines the
        groups (which also makes the label independent of each feature alone).
        Missing values form their own group.

    Returns
    -------
    pandas.Series
        One weight per row, named ``"weight"``, aligned with ``data`` (its
        index) when given. Rows with a missing target get NaN: they carry no
        label to train on. The weights of the other rows sum to their number.

    Raises
    ------
    ValueError
        When a column is absent, lengths differ, or the target is continuous.

    See Also
    --------
    fairscope.audit_dataset : its ``"reweighing"`` table shows the weighted base rates.

    References
    ----------
    F. Kamiran and T. Calders, Data preprocessing techniques for classification
    without discrimination, Knowledge and Information Systems 33 (2012) 1-33.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "y": [1, 1, 0, 1, 0, 0]})
    >>> w = reweighing_weights(df, target="y", sensitive_features="g")
    >>> w.round(3).tolist()
    [0.75, 0.75, 1.5, 1.5, 0.75, 0.75]
    >>> float((w * df["y"]).groupby(df["g"]).sum().iloc[0] / w.groupby(df["g"]).sum().iloc[0])
    0.5
    """
    if data is not None and not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    check_aligned(data, target=target, sensitive_features=sensitive_features)
    y = column(target, data, "target")
    sens = sensitive_frame(sensitive_features, data)
    if len(y) != len(sens):
        raise ValueError(
            f"target has {len(y)} rows but sensitive_features has {len(sens)}; "
            "give one value per row."
        )
    if len(y) == 0:
        raise ValueError("the data are empty (0 rows); reweighing needs rows.")
    groups = encode_groups(sens)
    label_codes, classes = target_codes(y)
    weights, _ = cell_weights(groups.codes, label_codes, len(groups.index), max(len(classes), 1))
    known = label_codes >= 0
    out = np.full(len(y), np.nan)
    out[known] = weights[groups.codes[known], label_codes[known]]
    index = data.index if data is not None else None
    return pd.Series(out, index=index, name="weight")
