"""The sufficient-statistics table: weighted confusion counts per group.

Every binary fairness metric is a function of four numbers per group (TN, FP,
FN, TP). :class:`GroupCounts` holds them, reduced from the rows in one
vectorized pass (:func:`reduce_confusion`), and everything else is computed from
it. Counts from partitions of the data add up (:meth:`GroupCounts.combine`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from fairscope.core._bincount import CHUNK_ROWS, chunked_bincount
from fairscope.core._group_order import marginal_positions
from fairscope.core._registry import CELLS
from fairscope.core._statistics import (
    GroupedStatistics,
    as_array,
    features_of,
    groups_from_list,
    groups_to_list,
)

__all__ = [
    "CHUNK_ROWS",
    "GroupCounts",
    "chunked_bincount",
    "counts_from_cells",
    "marginal_positions",
    "reduce_confusion",
]


@dataclass(frozen=True, eq=False)
class GroupCounts(GroupedStatistics):
    """Confusion counts per group: the sufficient statistics of a binary audit.

    Attributes
    ----------
    features : tuple of str
        Sensitive feature names.
    groups : pandas.Index or pandas.MultiIndex
        Group labels (strings), one per row of the arrays.
    weighted : ndarray of float, shape (n_groups, 4)
        Sum of sample weights per group and cell ``TN, FP, FN, TP`` (row
        counts when there are no weights).
    rows : ndarray of int, shape (n_groups, 4)
        Number of rows per group and cell.
    squared_weights : ndarray of float, shape (n_groups, 4)
        Sum of squared sample weights per group and cell, for Kish's effective
        sample size (equal to ``rows`` without weights).
    has_weights : bool
        Whether sample weights were given.
    orders : dict, optional
        Declared order of the values of categorical features (labels), used
        to order the groups when partitions are combined.

    Examples
    --------
    >>> import numpy as np
    >>> from fairscope.core._counts import reduce_confusion
    >>> import pandas as pd
    >>> c = reduce_confusion([0, 1, 1], [0, 1, 0], np.array([0, 0, 1]), pd.Index(["a", "b"]))
    >>> c.to_frame()[["tn", "fp", "fn", "tp"]].to_numpy().tolist()
    [[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0]]
    """

    features: tuple[str, ...]
    groups: pd.Index
    weighted: np.ndarray
    rows: np.ndarray
    squared_weights: np.ndarray
    has_weights: bool = False
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    PER_GROUP: ClassVar[tuple[str, ...]] = ("weighted", "rows", "squared_weights")
    NOUN: ClassVar[str] = "counts"

    def __post_init__(self) -> None:
        shape = (len(self.groups), len(CELLS))
        for name in ("weighted", "rows", "squared_weights"):
            if getattr(self, name).shape != shape:
                raise ValueError(f"GroupCounts.{name} must have shape {shape}")

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.groups)

    @property
    def group_rows(self) -> np.ndarray:
        """Rows per group (unweighted)."""
        return np.asarray(self.rows.sum(axis=1))

    @property
    def overall_weighted(self) -> np.ndarray:
        """Weighted counts summed over all groups, shape (4,)."""
        return np.asarray(self.weighted.sum(axis=0))

    @property
    def overall_rows(self) -> np.ndarray:
        """Row counts summed over all groups, shape (4,)."""
        return np.asarray(self.rows.sum(axis=0))

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame: ``n`` rows and weighted ``tn, fp, fn, tp``.

        With sample weights, ``weight`` (sum of weights) and the unweighted
        ``rows_tn, ...`` columns are added.
        """
        frame = pd.DataFrame(self.weighted, index=self.groups.copy(), columns=list(CELLS))
        frame.insert(0, "n", self.group_rows)
        if self.has_weights:
            frame.insert(1, "weight", self.weighted.sum(axis=1))
            for j, cell in enumerate(CELLS):
                frame[f"rows_{cell}"] = self.rows[:, j]
        return frame

    def combine(self, other: GroupCounts) -> GroupCounts:
        """Add the counts of another partition of the same audit.

        Groups are matched by label; a group seen in only one partition keeps
        its counts. Groups keep the documented order (see
        :mod:`fairscope.core._groups`): each feature's values are ordered consistently
        with both partitions (so a categorical order survives), and values whose
        relative order neither partition shows are ordered by label. The result
        does not depend on the order of partitions.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from fairscope.core._counts import reduce_confusion
        >>> a = reduce_confusion([1, 0], [1, 0], np.array([0, 1]), pd.Index(["x", "y"], name="g"))
        >>> b = reduce_confusion([1], [0], np.array([0]), pd.Index(["z"], name="g"))
        >>> a.combine(b).to_frame()
           n   tn   fp   fn   tp
        g
        x  1  0.0  0.0  0.0  1.0
        y  1  1.0  0.0  0.0  0.0
        z  1  0.0  0.0  1.0  0.0
        """
        return replace(self, **self._summed_with(other), **self._provenance_with(other))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON: the layout saved audits use (see :meth:`from_dict`)."""
        return {
            "features": list(self.features),
            "groups": groups_to_list(self.groups),
            "weighted": self.weighted.tolist(),
            "rows": self.rows.tolist(),
            "squared_weights": self.squared_weights.tolist(),
            "has_weights": bool(self.has_weights),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupCounts:
        """The counts :meth:`to_dict` (or a saved audit) wrote."""
        features = tuple(data["features"])
        shape = (len(data["groups"]), len(CELLS))
        return cls(
            features,
            groups_from_list(data["groups"], features),
            weighted=as_array(data["weighted"], "float64").reshape(shape),
            rows=as_array(data["rows"], "int64").reshape(shape),
            squared_weights=as_array(data["squared_weights"], "float64").reshape(shape),
            has_weights=bool(data["has_weights"]),
        )


def reduce_confusion(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    codes: np.ndarray,
    groups: pd.Index,
    sample_weight: np.ndarray | None = None,
    orders: dict[str, tuple[str, ...]] | None = None,
) -> GroupCounts:
    """Reduce rows to weighted confusion counts per group in one vectorized pass.

    The pass runs over chunks of :data:`CHUNK_ROWS` rows so that its temporary
    memory does not grow with the input.

    Parameters
    ----------
    y_true, y_pred : array-like of bool or {0, 1}
        Binarized labels and predictions (1 = positive).
    codes : ndarray of int
        Group code of each row, in ``range(len(groups))``.
    groups : pandas.Index
        Group labels.
    sample_weight : ndarray of float, optional
        Non-negative weight of each row.
    orders : dict, optional
        Declared order of categorical features (:attr:`EncodedGroups.orders`).

    Returns
    -------
    GroupCounts
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    codes = np.asarray(codes)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    n_groups = len(groups)
    size = n_groups * len(CELLS)
    rows_flat = np.zeros(size, dtype=np.int64)
    weighted_flat = np.zeros(size)
    squared_flat = np.zeros(size)
    for start in range(0, len(codes), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        # One integer per row: group * 4 + 2 * label + prediction, the cell order TN, FP, FN, TP.
        cell = codes[part].astype(np.intp)
        cell *= 4
        cell += 2 * y_true[part].astype(np.intp)
        cell += y_pred[part].astype(np.intp)
        rows_flat += np.bincount(cell, minlength=size)
        if w is not None:
            chunk_w = w[part]
            weighted_flat += np.bincount(cell, weights=chunk_w, minlength=size)
            squared_flat += np.bincount(cell, weights=chunk_w * chunk_w, minlength=size)
    rows = rows_flat.reshape(n_groups, len(CELLS))
    if w is None:
        weighted = rows.astype(float)
        squared = weighted.copy()
    else:
        weighted = weighted_flat.reshape(n_groups, len(CELLS))
        squared = squared_flat.reshape(n_groups, len(CELLS))
    features = tuple(groups.names) if isinstance(groups, pd.MultiIndex) else (groups.name,)
    return GroupCounts(
        tuple(str(f) for f in features),
        groups,
        weighted=weighted,
        rows=rows,
        squared_weights=squared,
        has_weights=sample_weight is not None,
        orders=dict(orders or {}),
    )


def counts_from_cells(
    codes: np.ndarray,
    true_bin: np.ndarray,
    pred_bin: np.ndarray,
    groups: pd.Index,
    rows: np.ndarray,
    weighted: np.ndarray | None = None,
    squared_weights: np.ndarray | None = None,
) -> GroupCounts:
    """Confusion counts from rows already grouped into cells (e.g. by an engine's group-by).

    Each entry stands for ``rows[i]`` rows of group ``codes[i]`` with binarized
    label and prediction ``true_bin[i]``, ``pred_bin[i]``, whose weights sum to
    ``weighted[i]`` (and squared weights to ``squared_weights[i]``); without
    weights the counts are the rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> c = counts_from_cells(np.array([0, 0]), np.array([1, 0]), np.array([1, 1]),
    ...                       pd.Index(["a"], name="g"), np.array([3, 2]))
    >>> c.rows.tolist()
    [[0, 2, 0, 3]]
    """
    n_groups = len(groups)
    size = n_groups * len(CELLS)
    cell = (
        np.asarray(codes, dtype=np.int64) * 4
        + np.asarray(true_bin).astype(np.int64) * 2
        + np.asarray(pred_bin).astype(np.int64)
    )

    def table(values: np.ndarray) -> np.ndarray:
        out = np.zeros(size, dtype=values.dtype)
        np.add.at(out, cell, values)
        return out.reshape(n_groups, len(CELLS))

    counted = table(np.asarray(rows, dtype=np.int64))
    if weighted is None:
        summed = counted.astype(float)
        squared = summed.copy()
    else:
        summed = table(np.asarray(weighted, dtype=float))
        squared = table(np.asarray(squared_weights, dtype=float))
    return GroupCounts(
        features_of(groups),
        groups,
        weighted=summed,
        rows=counted,
        squared_weights=squared,
        has_weights=weighted is not None,
    )
