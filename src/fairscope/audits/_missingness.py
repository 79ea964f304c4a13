"""Missingness: the missing rate of every column (and the target) per group.

A column missing more often for one group biases whatever is learned from it
(imputation, complete-case training). The ``missingness`` table gives each
group's missing rate with a Wilson interval, its difference and ratio to the
reference group (MOVER intervals) and a 2 x 2 test, Holm-adjusted over the
whole table as one family. A disparity is ``flagged`` when it is significant
(adjusted p below :data:`ALPHA`), at least :data:`MIN_MISSING_DIFFERENCE`
apart, and either a ratio of at least :data:`MISSING_RATIO` (or at most its
inverse) or a difference of at least :data:`LARGE_MISSING_DIFFERENCE`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairscope.audits._dataset_groups import FeatureSet
from fairscope.compute._significance import adjust_p_values, rate_comparisons
from fairscope.core._groups import OVERALL
from fairscope.core._intervals import wilson_interval

ALPHA = 0.05
MIN_MISSING_DIFFERENCE = 0.01
MISSING_RATIO = 2.0
LARGE_MISSING_DIFFERENCE = 0.05
EMPTY_COLUMNS = ["feature", "group", "column", "missing_rate"]
#: No reference on the overall rows (a 0-d object array, so that np.where keeps None).
_NONE = np.array(None, dtype=object)


def missingness(
    sets: list[FeatureSet],
    missing_counts: dict[str, np.ndarray],
    roles: dict[str, str],
    min_group_size: int,
    ci: float,
) -> pd.DataFrame:
    """The ``missingness`` table; ``missing_counts[fs.label]`` is (columns x groups)."""
    if not roles:
        return pd.DataFrame(columns=EMPTY_COLUMNS)
    frames = [_set_frame(fs, missing_counts[fs.label], roles, min_group_size, ci) for fs in sets]
    out = pd.concat(frames, ignore_index=True)
    out["p_value_adjusted"] = adjust_p_values(out["p_value"].to_numpy(dtype=float), "holm")
    diff = out["difference"].abs()
    ratio = out["ratio"]
    out["flagged"] = (
        (out["p_value_adjusted"] < ALPHA)
        & (diff >= MIN_MISSING_DIFFERENCE)
        & (
            (ratio >= MISSING_RATIO)
            | (ratio <= 1 / MISSING_RATIO)
            | (diff >= LARGE_MISSING_DIFFERENCE)
        )
    ).fillna(False)
    return out


def _with_overall(
    fs: FeatureSet, x: np.ndarray, p: int, min_group_size: int, ci: float
) -> dict[str, np.ndarray]:
    """Comparisons with the reference, each column followed by its overall rate (flattened)."""
    n = np.broadcast_to(fs.sizes.astype(float), x.shape)
    compared = rate_comparisons(x, n, fs.ref, ci, min_group_size)
    lo, hi = wilson_interval(x.sum(axis=1), n.sum(axis=1), ci)
    overall = {"value": x.sum(axis=1) / n.sum(axis=1), "lower": lo, "upper": hi}
    block = {}
    for key, arr in compared.items():
        extra = overall.get(key, np.full(p, None if key == "test" else np.nan))
        block[key] = np.concatenate([arr, np.asarray(extra)[:, None]], axis=1).ravel()
    return block


def _set_frame(
    fs: FeatureSet,
    x: np.ndarray,
    roles: dict[str, str],
    min_group_size: int,
    ci: float,
) -> pd.DataFrame:
    names = list(roles)
    g, p = len(fs.labels), len(names)
    block = _with_overall(fs, x, p, min_group_size, ci)
    labels = np.tile(np.array([*fs.labels, OVERALL], dtype=object), p)
    is_ref = np.tile(np.r_[np.arange(g) == fs.ref, False], p)
    sizes = np.tile(np.r_[fs.sizes, fs.sizes.sum()], p)
    reference = np.asarray(fs.reference_label, dtype=object)
    frame = pd.DataFrame(
        {
            "feature": fs.label,
            "group": labels,
            "column": np.repeat(np.array(names, dtype=object), g + 1),
            "role": np.repeat(np.array([roles[c] for c in names], dtype=object), g + 1),
            "n": sizes.astype(np.int64),
            "n_missing": np.concatenate([x, x.sum(axis=1)[:, None]], axis=1)
            .ravel()
            .astype(np.int64),
            "missing_rate": block.pop("value"),
            "lower": block.pop("lower"),
            "upper": block.pop("upper"),
            "reference": np.where(is_ref | (labels != OVERALL), reference, _NONE),
            "is_reference": is_ref,
            **block,
            "small": (sizes < min_group_size) & (labels != OVERALL),
        }
    )
    for col in ("difference", "ratio"):
        frame.loc[is_ref, col] = 0.0 if col == "difference" else 1.0
    for col in ("difference_lower", "difference_upper", "ratio_lower", "ratio_upper"):
        frame.loc[is_ref, col] = np.nan
    return frame
