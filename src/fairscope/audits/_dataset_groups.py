"""The groups of a dataset audit: each sensitive feature, their intersection, the reference.

Every table of :func:`fairscope.audit_dataset` is per feature set (``"race"``,
``"sex"``, ``"race & sex"``). Each set is encoded once; per-feature statistics
are sums over the intersection's groups (:func:`aggregate`), so rows are read
once. The reference group of each set follows the one rule of
:mod:`fairscope.compute._references`, as in every other audit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._predictions import feature_set_label
from fairscope.compute._references import check_reference, choice_for, resolve_reference
from fairscope.core._groups import EncodedGroups, encode_groups, find_stacklevel, group_label
from fairscope.core._warnings import InputWarning, ReferenceWarning

#: Strategies that choose a reference per metric or compare with all rows: prediction audits
#: have them; a dataset audit compares every table with one group per feature set.
UNSUPPORTED_STRATEGIES = ("best", "overall")


@dataclass(eq=False)
class FeatureSet:
    """One sensitive feature, or the intersection of all of them, encoded."""

    label: str
    features: tuple[str, ...]
    codes: np.ndarray
    index: pd.Index
    labels: list[str]
    sizes: np.ndarray
    ref: int

    @property
    def reference_label(self) -> str:
        """Label of the reference group."""
        return self.labels[self.ref]


def encode_feature_sets(sens: pd.DataFrame) -> list[FeatureSet]:
    """Each sensitive feature on its own (when several), then their intersection, last.

    The reference is not chosen yet (``ref`` is 0): see :func:`choose_references`.
    """
    names = [str(c) for c in sens.columns]
    encoded: list[tuple[str, tuple[str, ...], EncodedGroups]] = []
    if len(names) > 1:
        encoded = [(n, (n,), encode_groups(sens[[n]])) for n in names]
    with warnings.catch_warnings():
        if encoded:
            # each feature was encoded (and any continuous one warned about) just above
            warnings.simplefilter("ignore", InputWarning)
        encoded.append((feature_set_label(names), tuple(names), encode_groups(sens)))
    sets = []
    for label, features, enc in encoded:
        labels = [group_label(k, features) for k in enc.index]
        sizes = np.bincount(enc.codes, minlength=len(labels))
        sets.append(FeatureSet(label, features, enc.codes, enc.index, labels, sizes, 0))
    return sets


def choose_references(reference: Any, sets: list[FeatureSet]) -> list[str]:
    """Set the reference group of every feature set, after checking ``reference`` once.

    Returns
    -------
    list of str
        The :class:`~fairscope.ReferenceWarning` messages (a label that some
        feature sets lack, so they use their largest group), also warned, for
        the result's metadata.

    Raises
    ------
    ValueError
        For an unknown group or feature set (naming the available ones), or a
        strategy a dataset audit does not have (``"best"``, ``"overall"``).
    """
    for fs in sets:
        choice = choice_for(reference, fs.label)
        if isinstance(choice, str) and choice in UNSUPPORTED_STRATEGIES:
            raise ValueError(
                f"reference={choice!r} is not available in a dataset audit, which compares "
                "every group with one reference group per feature set; pass 'largest', a "
                "group label or a dict from feature set to group."
            )
    check_reference(reference, {fs.label: fs.labels for fs in sets})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReferenceWarning)
        for fs in sets:
            label = resolve_reference(
                reference, feature_set=fs.label, labels=fs.labels, sizes=fs.sizes.astype(float)
            )
            fs.ref = fs.labels.index(label)
    messages = [str(w.message) for w in caught if issubclass(w.category, ReferenceWarning)]
    for message in messages:
        warnings.warn(message, ReferenceWarning, stacklevel=find_stacklevel())
    return messages


def parent_groups(fs: FeatureSet, intersection: FeatureSet) -> np.ndarray:
    """The group of ``fs`` that each intersection group belongs to."""
    if fs is intersection:
        return np.arange(len(fs.labels))
    position = intersection.features.index(fs.features[0])
    lookup = {label: i for i, label in enumerate(fs.index)}
    return np.array([lookup[key[position]] for key in intersection.index], dtype=np.int64)


def aggregate(values: np.ndarray, parent: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the last axis (intersection groups) into ``n_groups`` coarser groups."""
    if len(parent) == n_groups and (parent == np.arange(n_groups)).all():
        return values
    rows = values.reshape(-1, values.shape[-1])
    index = parent[None, :] + n_groups * np.arange(len(rows))[:, None]
    out = np.bincount(index.ravel(), weights=rows.ravel(), minlength=len(rows) * n_groups)
    return out.reshape(*values.shape[:-1], n_groups)
