"""Feature shift: how differently each column is distributed in each group.

A group whose features are distributed unlike the reference group's is where
a model's behaviour learned from the majority transfers worst. The
``feature_shift`` table gives, per group and column, the standardized mean
difference to the reference group (numeric columns; flagged from
``|SMD| >= 0.1``, Austin 2009) or the total variation distance between the
category (or quantile-bin) distributions (categorical columns; flagged from
0.1).

References
----------
P. C. Austin, Balance diagnostics for comparing the distribution of baseline
covariates between treatment groups in propensity-score matched samples,
Statistics in Medicine 28 (2009).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._column_stats import ColumnStats
from fairscope.audits._dataset_groups import FeatureSet

SMD_THRESHOLD = 0.1
TVD_THRESHOLD = 0.1
COLUMNS = [
    "feature", "group", "column", "kind", "measure", "value", "n", "n_reference",
    "group_mean", "reference_mean", "reference", "is_reference", "flagged",
]  # fmt: skip


def feature_shift(
    sets: list[FeatureSet], stats_by_set: dict[str, list[ColumnStats]]
) -> pd.DataFrame:
    """The ``feature_shift`` table: every feature set, group and column."""
    frames = [_shift(fs, cs) for fs in sets for cs in stats_by_set[fs.label]]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame({c: np.concatenate([f[c] for f in frames]) for c in COLUMNS})


def _smd(cs: ColumnStats, n: np.ndarray, ref: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardized mean difference to the reference group, and each group's mean."""
    mean_c = cs.sums / n
    var = (cs.squares - n * mean_c * mean_c) / (n - 1)
    var = np.maximum(var, 0.0)
    pooled = np.sqrt((var + var[ref]) / 2)
    diff = mean_c - mean_c[ref]
    value = np.where(pooled > 0, diff / pooled, np.where(diff == 0, 0.0, np.inf * np.sign(diff)))
    return value, mean_c + cs.centre


def _shift(fs: FeatureSet, cs: ColumnStats) -> dict[str, Any]:
    g, ref, col = len(fs.labels), fs.ref, cs.column
    n = cs.observed.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if col.kind == "numeric":
            value, group_value = _smd(cs, n, ref)
            ref_value = np.full(g, group_value[ref])
            measure, flagged = "smd", np.abs(value) >= SMD_THRESHOLD
        else:
            dist = cs.table[:-1].T / n[:, None]
            value = 0.5 * np.abs(dist - dist[ref]).sum(axis=1)
            group_value = ref_value = np.full(g, np.nan)
            measure, flagged = "tvd", value >= TVD_THRESHOLD
    value = np.where(n > 0, value, np.nan)
    if n[ref] == 0:
        value = np.full(g, np.nan)
    return {
        "feature": np.full(g, fs.label, dtype=object),
        "group": np.array(fs.labels, dtype=object),
        "column": np.full(g, col.name, dtype=object),
        "kind": np.full(g, col.kind, dtype=object),
        "measure": np.full(g, measure, dtype=object),
        "value": value,
        "n": n.astype(np.int64),
        "n_reference": np.full(g, int(n[ref])),
        "group_mean": group_value,
        "reference_mean": ref_value,
        "reference": np.full(g, fs.reference_label, dtype=object),
        "is_reference": np.arange(g) == ref,
        "flagged": np.asarray(flagged) & ~np.isnan(value),
    }
