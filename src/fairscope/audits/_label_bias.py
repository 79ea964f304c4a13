"""Label bias: the target's base rate (or mean) per group, against the reference group.

The ``base_rates`` table gives, per feature set and group, the base rate of
each class (binary: the positive class; multiclass: every class) with a Wilson
interval, its MOVER difference and ratio to the reference group and a 2 x 2
test against it; for a continuous target the mean with a t interval, Welch's
difference and test. p-values are Holm-adjusted over the whole table, one
family (:func:`fairscope.compute._significance.adjust_p_values`). With
``reweigh=True`` the ``reweighing`` table shows the base rates before and after
Kamiran-Calders reweighing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._dataset_groups import FeatureSet, aggregate, parent_groups
from fairscope.compute._reweighing import cell_weights
from fairscope.compute._significance import adjust_p_values, mean_comparisons, rate_comparisons
from fairscope.core._groups import OVERALL
from fairscope.core._intervals import wilson_interval

#: A numeric target with more distinct values than this is continuous.
MAX_CLASSES_NUMERIC = 10
TARGET_TYPES = ("binary", "multiclass", "continuous")


@dataclass(eq=False)
class Target:
    """The target column, decoded once for every table."""

    name: str
    kind: str  # "binary", "multiclass" or "continuous"
    known: np.ndarray  # rows with a target value
    classes: list[Any]  # class labels (binary: the positive class only)
    codes: np.ndarray | None  # class code per row (-1 missing); discrete targets
    values: np.ndarray | None  # float values; continuous targets
    positive: np.ndarray | None  # binary: row is the positive class
    pos_label: Any = None
    constant: bool = False

    @property
    def numbers(self) -> np.ndarray:
        """Values of a continuous target (NaN where missing)."""
        if self.values is None:
            raise TypeError(f"target {self.name!r} is {self.kind}; it has no numeric values.")
        return self.values

    @property
    def class_codes(self) -> np.ndarray:
        """Class code per row (-1 where missing) of a discrete target."""
        if self.codes is None:
            raise TypeError(f"target {self.name!r} is continuous; it has no classes.")
        return self.codes

    @property
    def is_positive(self) -> np.ndarray:
        """Whether each row is the positive class, for a binary target."""
        if self.positive is None:
            raise TypeError(f"target {self.name!r} is {self.kind}; it has no positive class.")
        return self.positive


def _is_numeric(series: pd.Series) -> bool:
    return bool(
        pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    )


def detect_target_type(series: pd.Series, uniques: np.ndarray, pos_label: Any) -> str:
    """Two values are binary; numbers with many or non-integer values continuous; else multiclass."""
    if len(uniques) <= 2 and (
        pos_label is not None
        or pd.api.types.is_bool_dtype(series.dtype)
        or set(uniques.tolist()) <= {0, 1}
        or len(uniques) == 2
    ):
        return "binary"
    if _is_numeric(series) and (
        len(uniques) > MAX_CLASSES_NUMERIC or not np.all(np.mod(uniques.astype(float), 1) == 0)
    ):
        return "continuous"
    return "multiclass"


def decode_target(series: pd.Series, name: str, target_type: str | None, pos_label: Any) -> Target:
    """The target column decoded as binary, multiclass or continuous (checked)."""
    known = ~series.isna().to_numpy()
    if not known.any():
        raise ValueError(
            f"target column {name!r} is entirely missing; pass a column with labels or "
            "target=None to audit without labels."
        )
    uniques = pd.unique(series[known])
    if target_type is None:
        target_type = detect_target_type(series, uniques, pos_label)
    if target_type not in TARGET_TYPES:
        raise ValueError(
            f"target_type={target_type!r} is not one of 'binary', 'multiclass', 'continuous'."
        )
    if pos_label is not None and target_type != "binary":
        raise ValueError(
            f"pos_label={pos_label!r} applies to a binary target, but target {name!r} is "
            f"{target_type}; drop pos_label, or pass target_type='binary' for a two-valued target."
        )
    constant = len(uniques) == 1
    if target_type == "continuous":
        if not _is_numeric(series):
            raise ValueError(
                f"target_type='continuous' needs a numeric target; {name!r} has dtype "
                f"{series.dtype}."
            )
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return Target(name, "continuous", known, [], None, values, None, constant=constant)
    codes, classes = pd.factorize(series, sort=True, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    classes = list(classes)
    if target_type == "binary":
        return _binary_target(series, name, known, codes, classes, pos_label, constant)
    return Target(name, "multiclass", known, classes, codes, None, None, constant=constant)


def _binary_target(
    series: pd.Series,
    name: str,
    known: np.ndarray,
    codes: np.ndarray,
    classes: list[Any],
    pos_label: Any,
    constant: bool,
) -> Target:
    if len(classes) > 2:
        raise ValueError(
            f"target_type='binary' but target {name!r} has {len(classes)} classes "
            f"{[str(c) for c in classes[:6]]}; binarize it or use 'multiclass'."
        )
    if pos_label is None:
        if set(classes) <= {0, 1} or set(classes) <= {False, True}:
            pos_label = True if pd.api.types.is_bool_dtype(series.dtype) else 1
        else:
            raise ValueError(
                f"target {name!r} has labels {sorted(map(str, classes))}; pass pos_label= "
                f"naming the positive class, e.g. pos_label={classes[-1]!r}."
            )
    elif pos_label not in classes and not (constant and set(classes) <= {0, 1}):
        raise ValueError(
            f"pos_label={pos_label!r} is not a label of target {name!r}; labels are "
            f"{sorted(map(str, classes))}."
        )
    positive = known & (series.to_numpy() == pos_label)
    return Target(name, "binary", known, [pos_label], codes, None, positive, pos_label, constant)


# -- base rates ----------------------------------------------------------------------------


def comparison_frame(
    fs: FeatureSet, n: np.ndarray, compared: dict[str, np.ndarray], min_group_size: int
) -> pd.DataFrame:
    """Per-group values compared with the reference group, as a tidy frame."""
    frame = pd.DataFrame(
        {"feature": fs.label, "group": fs.labels, "n": n.astype(np.int64), **compared}
    )
    is_ref = np.arange(len(fs.labels)) == fs.ref
    for col in ("difference_lower", "difference_upper", "ratio_lower", "ratio_upper"):
        frame.loc[is_ref, col] = np.nan
    frame.insert(frame.columns.get_loc("difference"), "reference", fs.reference_label)
    frame.insert(frame.columns.get_loc("difference"), "is_reference", is_ref)
    frame["small"] = n < min_group_size
    return frame


def _overall_row(fs_label: str, n: float, value: float, lower: float, upper: float) -> dict:
    return {
        "feature": fs_label,
        "group": OVERALL,
        "n": int(n),
        "value": value,
        "lower": lower,
        "upper": upper,
        "is_reference": False,
        "small": False,
    }


def _mean_rows(fs: FeatureSet, target: Target, min_group_size: int, ci: float) -> list:
    """The mean of a continuous target per group, then over all labelled rows."""
    from scipy import stats

    g = len(fs.labels)
    known = target.known
    n = np.bincount(fs.codes[known], minlength=g).astype(float)
    y = target.numbers[known]
    codes = fs.codes[known]
    sums = np.bincount(codes, weights=y, minlength=g)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums / n
        centred = (y - mean[codes]) ** 2
        var = np.bincount(codes, weights=centred, minlength=g) / (n - 1)
    compared = mean_comparisons(n, mean, var, fs.ref, ci, min_group_size)
    frame = comparison_frame(fs, n, compared, min_group_size)
    frame.insert(2, "statistic", "mean")
    overall_mean = float(y.mean())
    half = (
        float(stats.t.ppf(0.5 + ci / 2, len(y) - 1) * y.std(ddof=1) / np.sqrt(len(y)))
        if len(y) > 1
        else np.nan
    )
    overall = _overall_row(fs.label, len(y), overall_mean, overall_mean - half, overall_mean + half)
    overall["statistic"] = "mean"
    return [frame, pd.DataFrame([overall])]


def _rate_rows(fs: FeatureSet, target: Target, min_group_size: int, ci: float) -> list:
    """The base rate of each class per group, then over all labelled rows."""
    g = len(fs.labels)
    codes = fs.codes.astype(np.intp)  # what bincount reads: widened once, not per count
    known = target.known
    n = np.bincount(codes if known.all() else codes[known], minlength=g).astype(float)
    frames = []
    for k, cls in enumerate(target.classes):
        hits = target.is_positive if target.kind == "binary" else target.class_codes == k
        x = np.bincount(codes, weights=hits, minlength=g)  # counts (exact), no row selection
        compared = rate_comparisons(x, n, fs.ref, ci, min_group_size)
        frame = comparison_frame(fs, n, compared, min_group_size)
        frame.insert(2, "class", str(cls))
        frame.insert(3, "statistic", "base_rate")
        frame.insert(5, "count", x.astype(np.int64))
        lo, hi = wilson_interval(x.sum(), n.sum(), ci)
        overall = _overall_row(fs.label, n.sum(), x.sum() / n.sum(), float(lo), float(hi))
        overall.update({"class": str(cls), "statistic": "base_rate", "count": int(x.sum())})
        frames += [frame, pd.DataFrame([overall])]
    return frames


def base_rates(
    sets: list[FeatureSet], target: Target, min_group_size: int, ci: float
) -> pd.DataFrame:
    """The ``base_rates`` table: every feature set, group and class, Holm-adjusted as one family."""
    rows = _mean_rows if target.kind == "continuous" else _rate_rows
    frames = [frame for fs in sets for frame in rows(fs, target, min_group_size, ci)]
    out = pd.concat(frames, ignore_index=True)
    out["p_value_adjusted"] = adjust_p_values(out["p_value"].to_numpy(dtype=float), "holm")
    out["method"] = "wilson / mover" if target.kind != "continuous" else "t / welch"
    return out


# -- reweighing ----------------------------------------------------------------------------


def reweighing(
    sets: list[FeatureSet], target: Target, intersection: FeatureSet
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Base rates before and after Kamiran-Calders reweighing over the intersection groups."""
    if target.kind == "binary":
        label_codes = np.where(target.known, target.is_positive.astype(np.int64), -1)
        classes = [f"not {target.pos_label}", str(target.pos_label)]
    else:
        label_codes, classes = target.class_codes, [str(c) for c in target.classes]
    weights, counts = cell_weights(
        intersection.codes, label_codes, len(intersection.labels), len(classes)
    )
    # the weight of each row's cell, 0 for unlabelled rows
    cells = intersection.codes.astype(np.intp) * len(classes) + label_codes
    w = np.where(label_codes >= 0, weights.ravel()[np.maximum(cells, 0)], 0.0)
    shown = [1] if target.kind == "binary" else range(len(classes))
    # the weights of each class's rows (0 elsewhere): adding 0.0 leaves every running
    # sum as it was, so per group the same sums as over that class's rows alone
    class_w = {k: np.where(label_codes == k, w, 0.0) for k in shown}
    frames = [
        _weighted_rates(fs, parent_groups(fs, intersection), counts, (w, class_w[k]), k, classes[k])
        for fs in sets
        for k in shown
    ]
    empty = [
        f"{intersection.labels[i]} / {classes[k]}"
        for i, k in zip(*np.nonzero(counts == 0), strict=True)
        if counts[i].sum() > 0
    ]
    finite = np.isfinite(weights).any()
    info = {
        "groups": intersection.label,
        "min_weight": float(np.nanmin(weights)) if finite else None,
        "max_weight": float(np.nanmax(weights)) if finite else None,
        "empty_cells": empty,
    }
    return pd.concat(frames, ignore_index=True), info


def _weighted_rates(
    fs: FeatureSet,
    parent: np.ndarray,
    counts: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray],
    k: int,
    name: str,
) -> pd.DataFrame:
    """Base rates of class ``k`` per group of ``fs``, unweighted and reweighted.

    ``counts`` are the labelled rows per intersection group and class (summed into
    the groups of ``fs``: ``parent``), ``weights`` the weight of every row and the
    weight of the rows of class ``k`` (0 elsewhere).
    """
    g = len(fs.labels)
    codes = fs.codes.astype(np.intp)  # what bincount reads: widened once, not per sum
    n = aggregate(counts.sum(axis=1).astype(float), parent, g)
    x = aggregate(counts[:, k].astype(float), parent, g)
    total_w = np.bincount(codes, weights=weights[0], minlength=g)
    xw = np.bincount(codes, weights=weights[1], minlength=g)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "feature": fs.label,
                "group": fs.labels,
                "class": name,
                "n": n.astype(np.int64),
                "base_rate": x / n,
                "weighted_base_rate": xw / total_w,
                "overall_base_rate": counts[:, k].sum() / counts.sum(),
                "sum_of_weights": total_w,
            }
        )
