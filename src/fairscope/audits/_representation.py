"""Representation: how many rows each group and intersection has, against a population.

The ``representation`` table gives the rows and share of every group (Wilson
interval on the share), marks groups below ``min_group_size`` as ``"small"``
and lists the value combinations that never occur as ``"empty"``. With a
reference population it adds the representation ratio (share among rows with a
known value / population share, with an interval) and the
``representation_tests`` table: Pearson's chi-square goodness of fit of the
observed counts to the population shares.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._dataset_groups import FeatureSet
from fairscope.core._groups import MISSING, group_label
from fairscope.core._intervals import wilson_interval

#: Unobserved intersections are listed one by one up to this many combinations.
MAX_LISTED_COMBINATIONS = 10_000
#: Reference population shares must sum to 1 within this tolerance.
SHARE_TOLERANCE = 0.01
TEST_COLUMNS = ["feature", "statistic", "df", "p_value", "n", "groups_absent_from_data", "test"]


def empty_combinations(fs: FeatureSet, singles: dict[str, FeatureSet]) -> tuple[list[str], int]:
    """Labels of the value combinations that never occur (listed up to a cap) and their count."""
    levels = [singles[f].labels for f in fs.features]
    total = int(np.prod([len(lv) for lv in levels]))
    n_empty = total - len(fs.labels)
    if n_empty == 0 or total > MAX_LISTED_COMBINATIONS:
        return [], n_empty
    observed = set(fs.labels)
    empty = []
    for key in itertools.product(*levels):
        lab = group_label(key, fs.features)
        if lab not in observed:
            empty.append(lab)
    return empty, n_empty


def validate_population(
    reference_population: Mapping[str, Mapping[Any, float]], sets: dict[str, FeatureSet]
) -> dict[str, dict[str, float]]:
    """Population shares per feature set, checked and normalized to sum to 1."""
    out = {}
    for key, shares in reference_population.items():
        if key not in sets:
            raise ValueError(
                f"reference_population names {key!r}, which is not a sensitive feature "
                f"(set); choose from {list(sets)}."
            )
        clean = {str(g): float(v) for g, v in shares.items()}
        bad = {g: v for g, v in clean.items() if not (np.isfinite(v) and v >= 0)}
        if bad:
            raise ValueError(
                f"reference_population[{key!r}] has invalid shares {bad}; shares are "
                "fractions between 0 and 1."
            )
        total = sum(clean.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(
                f"reference_population[{key!r}] shares sum to {total:.4f}, not 1; give "
                "the share of every group in the population (fractions summing to 1)."
            )
        observed = [g for g in sets[key].labels if MISSING not in g]
        absent = [g for g in observed if g not in clean]
        if absent:
            raise ValueError(
                f"reference_population[{key!r}] has no share for the group(s) {absent} "
                f"found in the data; add them (a share of 0 is allowed)."
            )
        out[key] = {g: v / total for g, v in clean.items()}
    return out


def representation(
    sets: list[FeatureSet],
    population: dict[str, dict[str, float]],
    n_rows: int,
    min_group_size: int,
    ci: float,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """The ``representation`` and ``representation_tests`` tables, and empty intersections.

    Returns
    -------
    representation : pandas.DataFrame
    tests : pandas.DataFrame
        One goodness-of-fit test per feature set with a population.
    n_empty : dict
        Number of value combinations never observed, per intersection.
    """
    singles = {s.label: s for s in sets if len(s.features) == 1}
    frames, tests, n_empty_by_set = [], [], {}
    for fs in sets:
        frame, n_empty = _group_shares(fs, singles, n_rows, min_group_size, ci)
        if n_empty is not None:
            n_empty_by_set[fs.label] = n_empty
        if fs.label in population:
            shares = population[fs.label]
            absent = [g for g in shares if g not in set(frame["group"])]
            frame = pd.concat([frame, _absent_rows(fs.label, absent)], ignore_index=True)
            frame, test = _against_population(frame, shares, ci)
            tests.append(
                {"feature": fs.label, **test, "groups_absent_from_data": ", ".join(absent)}
            )
        frames.append(frame)
    test_frame = pd.DataFrame(tests, columns=TEST_COLUMNS)
    return pd.concat(frames, ignore_index=True), test_frame, n_empty_by_set


def _group_shares(
    fs: FeatureSet, singles: dict[str, FeatureSet], n_rows: int, min_group_size: int, ci: float
) -> tuple[pd.DataFrame, int | None]:
    """Rows and share of each group (and of each unobserved combination of an intersection)."""
    labels = list(fs.labels)
    sizes = fs.sizes.astype(float)
    status = np.where(sizes < min_group_size, "small", "ok").astype(object)
    n_empty = None
    if len(fs.features) > 1:
        empty, n_empty = empty_combinations(fs, singles)
        labels += empty
        sizes = np.concatenate([sizes, np.zeros(len(empty))])
        status = np.concatenate([status, np.full(len(empty), "empty", dtype=object)])
    lower, upper = wilson_interval(sizes, np.full(len(sizes), float(n_rows)), ci)
    frame = pd.DataFrame(
        {
            "feature": fs.label,
            "group": labels,
            "n": sizes.astype(np.int64),
            "share": sizes / n_rows,
            "lower": lower,
            "upper": upper,
            "status": status,
        }
    )
    return frame, n_empty


def _absent_rows(feature: str, groups: list[str]) -> pd.DataFrame:
    """Rows for population groups that the data do not have."""
    return pd.DataFrame(
        {
            "feature": feature,
            "group": groups,
            "n": 0,
            "share": 0.0,
            "lower": 0.0,
            "upper": np.nan,
            "status": "empty",
        }
    )


def _against_population(
    frame: pd.DataFrame, shares: dict[str, float], ci: float
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Representation ratio columns and the chi-square goodness-of-fit test of one feature set."""
    from scipy import stats

    ref_share = frame["group"].map(shares).to_numpy(dtype=float)
    # the population has no "<missing>" group: compare the rows with a known value
    known = ~frame["group"].str.contains(MISSING, regex=False).to_numpy()
    n_known = float(frame.loc[known, "n"].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        known_share = np.where(known, frame["n"] / n_known, np.nan)
        k_lo, k_hi = wilson_interval(frame["n"].to_numpy(float), np.full(len(frame), n_known), ci)
        frame["reference_share"] = ref_share
        frame["representation_ratio"] = known_share / ref_share
        frame["ratio_lower"] = np.where(known, k_lo / ref_share, np.nan)
        frame["ratio_upper"] = np.where(known, k_hi / ref_share, np.nan)
    observed = frame.loc[known, "n"].to_numpy(float)
    expected = ref_share[known] * n_known
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (observed - expected) ** 2 / expected, 0.0)
    # a group observed although its population share is 0 contradicts the population
    impossible = bool(((expected == 0) & (observed > 0)).any())
    statistic = np.inf if impossible else float(terms.sum())
    df = int((expected > 0).sum()) - 1
    test = {
        "statistic": statistic,
        "df": df,
        "p_value": float(stats.chi2.sf(statistic, df)) if df > 0 else np.nan,
        "n": int(n_known),
        "test": "chi-square goodness of fit",
    }
    return frame, test
