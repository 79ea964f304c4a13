"""K x K confusion counts per group: the sufficient statistics of a multiclass audit.

Per group, the (weighted) confusion matrix of true against predicted class,
reduced from the rows with one ``bincount`` (:func:`reduce_multiclass`). Each
class ``k`` gives a one-vs-rest binary table
(:meth:`MulticlassCounts.one_vs_rest`), an ordinary
:class:`~fairscope.core._counts.GroupCounts`, so every binary metric applies per class.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fairscope.core._counts import GroupCounts
from fairscope.core._statistics import (
    EngineProvenance,
    as_array,
    features_of,
    groups_from_list,
    groups_to_list,
    plain,
)


@dataclass(frozen=True, eq=False)
class MulticlassCounts(EngineProvenance):
    """Weighted and row K x K confusion counts per group.

    Attributes
    ----------
    groups : pandas.Index or pandas.MultiIndex
    classes : list of str
        Class labels (rows = true class, columns = predicted class).
    weighted, rows, squared_weights : ndarray of shape (n_groups, K, K)
    has_weights, orders
        Whether weights were summed; declared order of categorical features.
    n_rows, dropped, n_dropped, missing_sensitive, engine
        Keyword-only provenance (see :class:`~fairscope.core._statistics.EngineProvenance`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> m = reduce_multiclass(pd.Series(["a", "b", "c"]), pd.Series(["a", "c", "c"]),
    ...                       np.array([0, 0, 1]), pd.Index(["x", "y"], name="g"))
    >>> m.one_vs_rest(2).rows.tolist()
    [[1, 1, 0, 0], [0, 0, 0, 1]]
    """

    groups: pd.Index
    classes: list[str]
    weighted: np.ndarray
    rows: np.ndarray
    squared_weights: np.ndarray
    has_weights: bool = False
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    PER_GROUP: ClassVar[tuple[str, ...]] = ("weighted", "rows", "squared_weights")
    NOUN: ClassVar[str] = "counts"

    @property
    def features(self) -> tuple[str, ...]:
        """Sensitive feature names."""
        return features_of(self.groups)

    @property
    def group_rows(self) -> np.ndarray:
        """Rows per group (unweighted)."""
        return np.asarray(self.rows.sum(axis=(1, 2)))

    def one_vs_rest(self, k: int) -> GroupCounts:
        """The binary counts (TN, FP, FN, TP per group) of class ``k`` against the rest."""

        def cells(m: np.ndarray) -> np.ndarray:
            total = m.sum(axis=(1, 2))
            tp = m[:, k, k]
            fn = m[:, k, :].sum(axis=1) - tp
            fp = m[:, :, k].sum(axis=1) - tp
            return np.column_stack([total - tp - fn - fp, fp, fn, tp])

        return GroupCounts(
            self.features,
            self.groups,
            weighted=cells(self.weighted),
            rows=cells(self.rows).astype(np.int64),
            squared_weights=cells(self.squared_weights),
            has_weights=self.has_weights,
            orders=dict(self.orders),
        )

    def combine(self, other: MulticlassCounts) -> MulticlassCounts:
        """Add the counts of another partition; classes are matched by label."""
        union, orders, (mine, theirs) = self._union_with(other)
        classes = list(self.classes) + [c for c in other.classes if c not in self.classes]
        k = len(classes)
        summed: dict[str, Any] = {}
        for name in self.PER_GROUP:
            total = np.zeros((len(union), k, k), dtype=getattr(self, name).dtype)
            for part, where in ((self, mine), (other, theirs)):
                at = np.array([classes.index(c) for c in part.classes], dtype=np.intp)
                total[np.ix_(where, at, at)] += getattr(part, name)
            summed[name] = total
        return replace(
            self,
            groups=union,
            classes=classes,
            orders=orders,
            **summed,
            **self._provenance_with(other),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON (see :meth:`from_dict`)."""
        return {
            "features": list(self.features),
            "groups": groups_to_list(self.groups),
            "classes": list(self.classes),
            "weighted": plain(self.weighted),
            "rows": plain(self.rows),
            "squared_weights": plain(self.squared_weights),
            "has_weights": bool(self.has_weights),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MulticlassCounts:
        """The counts :meth:`to_dict` wrote."""
        shape = (len(data["groups"]), len(data["classes"]), len(data["classes"]))
        return cls(
            groups_from_list(data["groups"], data["features"]),
            [str(c) for c in data["classes"]],
            as_array(data["weighted"], "float64").reshape(shape),
            as_array(data["rows"], "int64").reshape(shape),
            as_array(data["squared_weights"], "float64").reshape(shape),
            bool(data["has_weights"]),
        )


def class_labels(y_true: pd.Series, y_pred: pd.Series, labels: Any = None) -> list[Any]:
    """The classes: ``labels`` if given (checked), else the sorted union of values."""
    seen = pd.unique(pd.concat([y_true, y_pred], ignore_index=True))
    if labels is not None:
        labels = list(labels)
        unknown = sorted({str(v) for v in seen} - {str(v) for v in labels})
        if unknown:
            raise ValueError(
                f"y_true/y_pred contain values {unknown[:5]} that are not in labels={labels}; "
                "add them to labels or leave labels=None."
            )
        return list(labels)
    try:
        return sorted(seen)
    except TypeError:
        return sorted(seen, key=str)


def reduce_multiclass(
    y_true: pd.Series,
    y_pred: pd.Series,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: np.ndarray | None = None,
    labels: Any = None,
    *,
    orders: dict[str, tuple[str, ...]] | None = None,
) -> MulticlassCounts:
    """Reduce rows to K x K confusion counts per group with one bincount.

    Parameters
    ----------
    y_true, y_pred : pandas.Series
        True and predicted classes.
    codes : ndarray of int
        Group code of each row, in ``range(len(groups))``.
    groups : pandas.Index
    sample_weight : ndarray, optional
    labels : sequence, optional
        The classes, in order; default the sorted union of values.
    orders : dict, optional
        Declared order of categorical features.

    Returns
    -------
    MulticlassCounts
    """
    classes = class_labels(y_true, y_pred, labels)
    k = len(classes)
    index = pd.Index(classes)
    t = index.get_indexer(y_true)
    p = index.get_indexer(y_pred)
    cell = (np.asarray(codes, dtype=np.int64) * k + t) * k + p
    size = len(groups) * k * k
    rows = np.bincount(cell, minlength=size).reshape(len(groups), k, k)
    if sample_weight is None:
        weighted = rows.astype(float)
        squared = weighted.copy()
    else:
        w = np.asarray(sample_weight, dtype=float)
        weighted = np.bincount(cell, weights=w, minlength=size).reshape(len(groups), k, k)
        squared = np.bincount(cell, weights=w * w, minlength=size).reshape(len(groups), k, k)
    return MulticlassCounts(
        groups,
        [str(c) for c in classes],
        weighted,
        rows,
        squared,
        sample_weight is not None,
        orders=dict(orders or {}),
        n_rows=len(codes),
    )
