"""The ``dataset_metrics`` table of a dataset audit: AIF360's dataset measures per group.

For every feature set and group, against all other rows: class imbalance
``(W_rest - W_g) / W``, the KL divergence ``KL(P_g || P_rest)`` of the label
distributions, and with ``strata=`` the conditional demographic disparity of a
binary target; per feature set the smoothed empirical differential fairness of a
binary target (group ``"<all groups>"``). Each is computed from weighted counts of
(group, class) cells, so ``sample_weight=`` weights them (the row counts ``n``
stay unweighted). The same definitions as :mod:`fairscope.dataset_metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._dataset_groups import aggregate, parent_groups
from fairscope.core._groups import encode_groups
from fairscope.core._inputs import column, sensitive_frame

__all__ = [
    "ALL_GROUPS",
    "add_dataset_metrics",
    "dataset_metrics_table",
    "dataset_weights",
    "strata_codes",
]

ALL_GROUPS = "<all groups>"
_COLUMNS = ["feature", "group", "metric", "value", "n", "weight"]


def dataset_weights(data: pd.DataFrame, sample_weight: Any) -> np.ndarray | None:
    """The weight of each row (a column name of ``data`` or values), validated.

    Parameters
    ----------
    data : pandas.DataFrame
    sample_weight : str, array-like or None

    Returns
    -------
    ndarray of float, or None

    Raises
    ------
    ValueError
        Naming the problem: a length that differs from the data, or missing,
        infinite or negative weights.
    """
    if sample_weight is None:
        return None
    values = column(sample_weight, data, "sample_weight").to_numpy()
    try:
        weights = values.astype(float)
    except (TypeError, ValueError):
        raise ValueError("sample_weight must be numeric.") from None
    if len(weights) != len(data):
        raise ValueError(f"sample_weight has {len(weights)} values but data has {len(data)} rows.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError(
            "sample_weight has missing, infinite or negative values; give every row a "
            "finite non-negative weight."
        )
    return weights


def strata_codes(data: pd.DataFrame, strata: Any) -> np.ndarray | None:
    """The stratum code of each row (missing values form their own stratum).

    Parameters
    ----------
    data : pandas.DataFrame
    strata : str, list of str, array-like or None
        Column(s) of ``data``, or values aligned with it.

    Returns
    -------
    ndarray of int, or None
    """
    if strata is None:
        return None
    frame = sensitive_frame(strata, data)
    if len(frame) != len(data):
        raise ValueError(f"strata has {len(frame)} rows but data has {len(data)}.")
    return np.asarray(encode_groups(frame).codes, dtype=np.int64)


def _rows(fs: Any, metric: str, values: np.ndarray, n: np.ndarray, w: np.ndarray) -> list:
    return [
        {
            "feature": fs.label,
            "group": label,
            "metric": metric,
            "value": float(v),
            "n": int(k),
            "weight": float(x),
        }
        for label, v, k, x in zip(fs.labels, values, n, w, strict=True)
    ]


def _kl_rows(fs: Any, cells: np.ndarray, n: np.ndarray) -> list:
    """KL(P_g || P_rest) of each group's label distribution (cells: groups x classes)."""
    totals = cells.sum(axis=1)
    rest = cells.sum(axis=0) - cells
    with np.errstate(divide="ignore", invalid="ignore"):
        p = cells / totals[:, None]
        q = rest / rest.sum(axis=1, keepdims=True)
        terms = np.where(p > 0, p * np.log(p / q), 0.0)
    kl = np.where(totals > 0, terms.sum(axis=1), np.nan)
    return _rows(fs, "kl_divergence", kl, n, totals)


def _cdd_rows(fs: Any, cells: np.ndarray, n: Any) -> list:
    """Conditional demographic disparity per group (cells: strata x groups x (neg, pos))."""
    totals = cells.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, cells / totals, 0.0)
    size = cells.sum(axis=(1, 2))
    cdd = size @ (shares[..., 0] - shares[..., 1]) / size.sum()
    return _rows(fs, "conditional_demographic_disparity", cdd, n, cells.sum(axis=(0, 2)))


def _edf_row(fs: Any, cells: np.ndarray, n: np.ndarray, concentration: float = 1.0) -> dict:
    """Smoothed empirical differential fairness over the groups with rows (binary cells)."""
    totals = cells.sum(axis=1)
    held = totals > 0
    rate = (cells[held, 1] + concentration / 2) / (totals[held] + concentration)
    with np.errstate(divide="ignore"):
        epsilon = max(np.ptp(np.log(rate)), np.ptp(np.log(1 - rate)))
    return {"feature": fs.label, "group": ALL_GROUPS,
            "metric": "smoothed_empirical_differential_fairness", "value": float(epsilon),
            "n": int(n.sum()), "weight": float(totals.sum())}  # fmt: skip


def dataset_metrics_table(
    sets: list[Any], target: Any, weights: np.ndarray | None, strata: np.ndarray | None
) -> pd.DataFrame:
    """The tidy ``dataset_metrics`` table of a dataset audit.

    Parameters
    ----------
    sets : list of FeatureSet
        The audit's feature sets (:mod:`fairscope.audits._dataset_groups`).
    target : Target or None
        The decoded target (:mod:`fairscope.audits._label_bias`); label metrics
        need a discrete one (CDD and EDF a binary one).
    weights : ndarray or None
        Row weights.
    strata : ndarray of int or None
        Stratum code per row, for the conditional demographic disparity.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature, group, metric, value, n, weight``.
    """
    if weights is None and len(sets) > 1:
        # counts of the intersection groups, summed into each feature's groups: exact
        # (integers), so the same numbers as counting every feature set's rows again
        inter = sets[-1]
        whole = _count(inter, target, None, strata)
        counted = [_summed(whole, parent_groups(fs, inter), len(fs.labels)) for fs in sets[:-1]]
        counted.append(whole)
    else:
        counted = [_count(fs, target, weights, strata) for fs in sets]
    rows: list[dict[str, Any]] = []
    for fs, cells in zip(sets, counted, strict=True):
        weight = cells.weight
        imbalance = (weight.sum() - 2 * weight) / weight.sum()
        rows += _rows(fs, "class_imbalance", imbalance, cells.n, weight)
        if cells.labels is None or cells.n_known is None:
            continue
        rows += _kl_rows(fs, cells.labels, cells.n_known)
        if cells.binary is not None:
            rows.append(_edf_row(fs, cells.binary, cells.n_known))
        if cells.strata is not None:
            rows += _cdd_rows(fs, cells.strata, cells.n_known)
    return pd.DataFrame(rows, columns=_COLUMNS)


@dataclass(eq=False)
class _GroupCells:
    """The weighted counts of one feature set's groups that the table reads."""

    n: np.ndarray  # rows per group
    weight: np.ndarray  # weighted rows per group
    n_known: np.ndarray | None = None  # labelled rows per group (discrete target)
    labels: np.ndarray | None = None  # groups x classes (discrete target)
    binary: np.ndarray | None = None  # groups x (negative, positive) (binary target)
    strata: np.ndarray | None = None  # strata x groups x (negative, positive) (with strata)


def _count(fs: Any, target: Any, weights: np.ndarray | None, strata: Any) -> _GroupCells:
    """The weighted counts of ``fs``'s groups, one pass over the rows per count."""
    n_groups = len(fs.labels)
    codes = fs.codes.astype(np.intp)  # stored in the smallest integer type
    n = np.bincount(codes, minlength=n_groups)
    out = _GroupCells(n, _sums(codes, weights, n_groups))
    if target is None or target.kind == "continuous":
        return out
    labelled = _LabelledRows(codes, target, weights)
    classes = labelled.of(target.class_codes)
    n_classes = int(classes.max()) + 1 if len(classes) else 1
    flat = labelled.of(codes) * n_classes + classes
    cells = _sums(flat, labelled.weights, n_groups * n_classes)
    out.labels = cells.reshape(n_groups, n_classes)
    out.n_known = n if labelled.all_known else np.bincount(labelled.of(codes), minlength=n_groups)
    if labelled.positive is None:
        return out
    binary = _sums(labelled.of(codes) * 2 + labelled.positive, labelled.weights, n_groups * 2)
    out.binary = binary.reshape(n_groups, 2)
    if strata is not None:
        n_strata = int(strata.max()) + 1
        flat = (labelled.of(strata) * n_groups + labelled.of(codes)) * 2 + labelled.positive
        cells = _sums(flat, labelled.weights, n_strata * n_groups * 2)
        out.strata = cells.reshape(n_strata, n_groups, 2)
    return out


def _summed(cells: _GroupCells, parent: np.ndarray, n_groups: int) -> _GroupCells:
    """Counts of intersection groups summed into coarser groups (``parent`` of each)."""

    def over(values: np.ndarray, axis: int = 0) -> np.ndarray:
        moved = np.moveaxis(values, axis, -1).astype(float)
        return np.moveaxis(aggregate(moved, parent, n_groups), -1, axis)

    def maybe(values: np.ndarray | None, axis: int = 0) -> np.ndarray | None:
        return None if values is None else over(values, axis)

    n_known = None if cells.n_known is None else over(cells.n_known).astype(np.int64)
    return _GroupCells(
        over(cells.n).astype(np.int64), over(cells.weight), n_known,
        maybe(cells.labels), maybe(cells.binary), maybe(cells.strata, axis=1),
    )  # fmt: skip


def _sums(index: np.ndarray, weights: np.ndarray | None, length: int) -> np.ndarray:
    """Weighted counts of each value of ``index``: row counts as floats without weights.

    Counts are exact integers, so they equal the sums of unit weights bit for bit.
    """
    if weights is None:
        return np.bincount(index, minlength=length).astype(float)
    return np.bincount(index, weights=weights, minlength=length)


class _LabelledRows:
    """The rows with a target value of one feature set: their weights and positive flags."""

    def __init__(self, codes: np.ndarray, target: Any, weights: np.ndarray | None) -> None:
        self.codes = codes
        self.known = target.known
        # no selection when every row is labelled (the usual case): the arrays as they are
        self.all_known = bool(self.known.all())
        self.weights = None if weights is None else self.of(weights)
        self.positive = (
            self.of(target.is_positive).astype(np.intp) if target.kind == "binary" else None
        )

    def of(self, values: np.ndarray) -> np.ndarray:
        """``values`` of the labelled rows."""
        return values if self.all_known else values[self.known]


def add_dataset_metrics(audit: Any, sample_weight: Any, strata: Any) -> None:
    """Add the ``dataset_metrics`` table to a dataset audit, and say what the weights weight.

    Parameters
    ----------
    audit : fairscope.audits._dataset_state.DatasetAudit
        The audit being built (its data, feature sets, decoded target, tables, warnings).
    sample_weight, strata : optional
        The arguments of :func:`fairscope.audit_dataset`.

    Returns
    -------
    None
    """
    weights = dataset_weights(audit.data, sample_weight)
    codes = strata_codes(audit.data, strata)
    audit.tables["dataset_metrics"] = dataset_metrics_table(
        audit.sets, audit.target, weights, codes
    )
    if weights is not None:
        audit.warnings.append(
            "sample_weight weights the dataset_metrics table only; representation, base "
            "rates, missingness, proxies and feature shift count rows."
        )
