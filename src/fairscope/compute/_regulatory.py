"""The tables regulated bias audits publish: NYC Local Law 144 and the EEOC Uniform Guidelines.

Both are computed from counts per category (individuals and selections), the
sufficient statistics of a selection decision, so they are exact whatever
engine counted the rows.

* :func:`ll144_table` follows the rules of the NYC Department of Consumer and
  Worker Protection for automated employment decision tools (6 RCNY §5-300 to
  §5-304): the selection rate (or, for tools that only score, the *scoring
  rate*: the share scoring above the median score of the whole sample) of each
  category, and its *impact ratio* to the most selected category. Individuals
  of unknown category are counted and excluded from the ratios; categories
  below 2 % of the data may be excluded, and stay listed with the auditor's
  justification. Wilson intervals of the rates and MOVER-R intervals of the
  ratios sit beside the legally defined point values and never replace them.
* :func:`ugesp_table` reads 29 CFR 1607.4(D) beyond the bare four-fifths
  ratio: for each group, the two-proportion z statistic against the highest-rate
  group (the "two standard deviations" reading), Fisher's exact test where
  counts are small, the shortfall (selections the group lacks to reach four
  fifths) and the flip-flop check (whether moving one or two selections
  reverses the conclusion), combined into one conclusion with a plain-words
  explanation.

These are arithmetic the rules define; they establish neither compliance nor
discrimination (see ``docs/regulatory.md``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from fairscope.compute._proportion_tests import (
    MIN_EXPECTED,
    compare_proportions,
    fisher_exact_test,
    two_proportion_z_test,
)
from fairscope.core._intervals import mover_ratio, wilson_interval
from fairscope.core._warnings import InputWarning

#: EEO-1 sex categories, the default categories of a Local Law 144 audit.
EEO1_SEX: tuple[str, ...] = ("Male", "Female")
#: EEO-1 race/ethnicity categories (Hispanic or Latino is one of them, as on the EEO-1 form).
EEO1_RACE: tuple[str, ...] = (
    "Hispanic or Latino",
    "White",
    "Black or African American",
    "Native Hawaiian or Pacific Islander",
    "Asian",
    "Native American or Alaska Native",
    "Two or More Races",
)
#: The label of individuals whose category is not known.
UNKNOWN = "Unknown"
#: Categories below this share of the data may be excluded from LL144 impact ratios.
LL144_MIN_SHARE = 0.02
#: The four-fifths line of 29 CFR 1607.4(D).
FOUR_FIFTHS = 0.8
#: The "two standard deviations" reading of statistical significance.
TWO_SD = 2.0
#: Level of Fisher's exact test where counts are too small for the z statistic.
ALPHA = 0.05

_RATE_COLUMNS = {
    "selection": ("n_selected", "selection_rate"),
    "scoring": ("n_scored_above_median", "scoring_rate"),
}
# the comparison is exact in counts; the tolerance absorbs float round-off of x / n
_EPS = 1e-9


def ll144_table(
    counts: pd.DataFrame,
    *,
    rate: str = "selection",
    min_share: float = LL144_MIN_SHARE,
    exclude_small: bool = True,
    justification: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """The Local Law 144 impact-ratio table of each feature from counts per category.

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``feature``, ``category``, ``n`` (individuals) and
        ``n_selected`` (selected, or scored above the sample median). The
        category :data:`UNKNOWN` holds the individuals of unknown category.
    rate : {"selection", "scoring"}, default "selection"
        Names the columns: ``n_selected``/``selection_rate`` or
        ``n_scored_above_median``/``scoring_rate``.
    min_share : float, default 0.02
        Categories with fewer than this share of the feature's individuals
        (unknown ones included) are small.
    exclude_small : bool, default True
        Exclude small categories from the impact ratios (the rules allow it).
    justification : str, optional
        The auditor's reason for excluding small categories, recorded in
        ``exclusion_reason``.
    ci : float, default 0.95
        Level of the intervals shown beside the point values.

    Returns
    -------
    pandas.DataFrame
        One row per feature and category: ``n``, the count, the rate,
        ``impact_ratio`` (NaN where excluded), ``share``, ``is_most_selected``,
        ``excluded``, ``exclusion_reason``, the interval columns
        ``<rate>_lower``/``_upper`` and ``impact_ratio_lower``/``_upper``, and
        ``test``/``p_value``: the two-proportion z test (Fisher's exact test for
        small counts) against the most selected category, unadjusted.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"feature": "sex", "category": ["Male", "Female", "Unknown"],
    ...                        "n": [100, 80, 20], "n_selected": [50, 30, 5]})
    >>> ll144_table(counts)["impact_ratio"].round(3).tolist()
    [1.0, 0.75, nan]
    """
    if rate not in _RATE_COLUMNS:
        raise ValueError(f"rate={rate!r}: choose 'selection' or 'scoring'.")
    count_col, rate_col = _RATE_COLUMNS[rate]
    parts = [
        _ll144_feature(group, count_col, rate_col, min_share, exclude_small, justification, ci)
        for _, group in counts.groupby("feature", sort=False)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _ll144_feature(
    counts: pd.DataFrame,
    count_col: str,
    rate_col: str,
    min_share: float,
    exclude_small: bool,
    justification: str | None,
    ci: float,
) -> pd.DataFrame:
    n = counts["n"].to_numpy(dtype=float)
    x = counts["n_selected"].to_numpy(dtype=float)
    unknown = (counts["category"] == UNKNOWN).to_numpy()
    share = n / n.sum() if n.sum() > 0 else np.zeros_like(n)
    small = ~unknown & (share < min_share)
    excluded = unknown | (small & exclude_small) | (n <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(n > 0, x / n, np.nan)
    lower, upper = wilson_interval(x, n, ci)
    included = np.flatnonzero(~excluded)
    top = int(included[np.nanargmax(rates[included])]) if len(included) else None
    out = pd.DataFrame(
        {
            "feature": counts["feature"].to_numpy(),
            "category": counts["category"].to_numpy(),
            "n": counts["n"].to_numpy(),
            count_col: counts["n_selected"].to_numpy(),
            rate_col: rates,
        }
    )
    ratio = np.full(len(n), np.nan)
    ratio_lower, ratio_upper = ratio.copy(), ratio.copy()
    if top is not None and rates[top] > 0:
        ratio = np.where(excluded, np.nan, rates / rates[top])
        lo, hi = mover_ratio(rates, lower, upper, rates[top], lower[top], upper[top])
        ratio_lower = np.where(excluded, np.nan, lo)
        ratio_upper = np.where(excluded, np.nan, hi)
        ratio_lower[top] = ratio_upper[top] = 1.0  # the ratio of a category to itself
    out["impact_ratio"] = ratio
    out["share"] = share
    out["is_most_selected"] = np.arange(len(n)) == (-1 if top is None else top)
    out["excluded"] = excluded
    out["exclusion_reason"] = [
        _exclusion_reason(u, s and exclude_small, z <= 0, sh, min_share, justification)
        for u, s, z, sh in zip(unknown, small, n, share, strict=True)
    ]
    out[f"{rate_col}_lower"], out[f"{rate_col}_upper"] = lower, upper
    out["impact_ratio_lower"], out["impact_ratio_upper"] = ratio_lower, ratio_upper
    out["test"], out["p_value"] = "none", np.nan
    if top is not None:
        # the audit's test of two proportions (z, or Fisher for small counts) against the
        # most selected category: beside the legal values, never instead of them
        compared = ~excluded & (np.arange(len(n)) != top)
        test, _, p = compare_proportions(x[compared], n[compared], x[top], n[top])
        out.loc[compared, "test"], out.loc[compared, "p_value"] = test, p
    if (small & exclude_small).any() and not justification:
        names = ", ".join(map(str, out.loc[small, "category"]))
        warnings.warn(
            f"feature {out['feature'].iloc[0]!r}: categories below {min_share:.0%} of the data "
            f"({names}) are excluded from the impact ratios without a justification; pass "
            "exclusion_justification='...' (the rules expect the auditor's reason), or "
            "exclude_small=False to keep them.",
            InputWarning,
            stacklevel=4,
        )
    return out


def _exclusion_reason(
    unknown: bool,
    small: bool,
    empty: bool,
    share: float,
    min_share: float,
    justification: str | None,
) -> str:
    if unknown:
        return "unknown category: counted, excluded from the impact ratios"
    if empty:
        return "no individuals"
    if small:
        why = justification or "justification not supplied by the auditor"
        return f"{share:.2%} of the data, below {min_share:.0%}: {why}"
    return ""


def ugesp_table(
    counts: pd.DataFrame,
    *,
    unknown_labels: Iterable[str] = (UNKNOWN, "<missing>"),
) -> pd.DataFrame:
    """Adverse impact per 29 CFR 1607.4(D): ratio, significance, shortfall and flip-flop.

    Each group is compared with the group of the highest selection rate in its
    feature (groups of unknown category are compared but never the
    comparison group).

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``feature``, ``group``, ``n`` (applicants) and ``n_selected``.
    unknown_labels : iterable of str
        Group labels that cannot be the comparison group.

    Returns
    -------
    pandas.DataFrame
        One row per feature and group: ``n``, ``n_selected``,
        ``selection_rate``, ``highest_group``, ``highest_rate``,
        ``impact_ratio``, ``below_four_fifths``, ``z`` and ``z_p_value`` (pooled
        two-proportion z, two-sided), ``fisher_p_value`` (two-sided),
        ``test_used`` (``"z > 2 SD"`` or ``"fisher"`` when an expected cell
        is below 5), ``statistically_significant``, ``shortfall`` (more
        selections of the group that would reach four fifths of the highest
        rate), ``flip_flop_moves`` (1 or 2 when moving that many selections
        between the group and the highest group reverses the four-fifths
        conclusion, else 0), ``flip_flop``, ``conclusion`` and ``explanation``.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"feature": "sex", "group": ["men", "women"],
    ...                        "n": [100, 100], "n_selected": [60, 40]})
    >>> row = ugesp_table(counts).iloc[1]
    >>> round(float(row["impact_ratio"]), 3), int(row["shortfall"]), row["conclusion"]
    (0.667, 8, 'adverse impact indicated')
    """
    unknown = set(unknown_labels)
    parts = [
        _ugesp_feature(group.reset_index(drop=True), unknown)
        for _, group in counts.groupby("feature", sort=False)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _highest(x: np.ndarray, n: np.ndarray, eligible: np.ndarray) -> int | None:
    """Index of the eligible group with the highest selection rate (the first on ties)."""
    candidates = np.flatnonzero(eligible & (n > 0))
    if not len(candidates):
        return None
    rates = x[candidates] / n[candidates]
    return int(candidates[int(np.argmax(rates))])


def _below(x: np.ndarray, n: np.ndarray, eligible: np.ndarray, i: int) -> bool | None:
    """Whether group ``i`` is below four fifths of the highest rate (None: undefined)."""
    top = _highest(x, n, eligible)
    if top is None or n[i] <= 0 or x[top] <= 0:
        return None
    return bool(x[i] / n[i] < FOUR_FIFTHS * x[top] / n[top] - _EPS)


def shortfall(x: float, n: float, highest_rate: float) -> int:
    """Selections a group lacks to reach four fifths of the highest rate (0 when it does).

    Parameters
    ----------
    x, n : float
        Selections and applicants of the group.
    highest_rate : float
        Selection rate of the comparison group, held fixed.

    Returns
    -------
    int
        The smallest ``k >= 0`` with ``(x + k) / n >= 0.8 * highest_rate``.

    Examples
    --------
    >>> shortfall(40, 100, 0.6)
    8
    """
    if n <= 0:
        return 0
    return max(0, math.ceil(FOUR_FIFTHS * highest_rate * n - x - _EPS))


def flip_flop_moves(x: np.ndarray, n: np.ndarray, eligible: np.ndarray, i: int) -> int:
    """Fewest selections (1 or 2) whose move reverses group ``i``'s four-fifths conclusion.

    A move transfers one selection between the group and the current highest
    group (to the group when it is below four fifths, away from it otherwise),
    so the total number of selections is unchanged; 0 when two moves do not
    reverse the conclusion.

    Parameters
    ----------
    x, n : numpy.ndarray
        Selections and applicants of every group of the feature.
    eligible : numpy.ndarray of bool
        Groups that may be the comparison group.
    i : int
        The group examined.

    Returns
    -------
    int
        1, 2 or 0.

    Examples
    --------
    >>> import numpy as np
    >>> flip_flop_moves(np.array([6.0, 4.0]), np.array([10.0, 10.0]), np.array([True, True]), 1)
    1
    """
    before = _below(x, n, eligible, i)
    top = _highest(x, n, eligible)
    if before is None or top is None or top == i:
        return 0
    step = 1 if before else -1  # below: give the group selections; else take them away
    for k in (1, 2):
        moved = x.astype(float).copy()
        moved[i] += step * k
        moved[top] -= step * k
        if moved[i] < 0 or moved[i] > n[i] or moved[top] < 0 or moved[top] > n[top]:
            return 0
        if _below(moved, n, eligible, i) != before:
            return k
    return 0


def _ugesp_feature(counts: pd.DataFrame, unknown: set[str]) -> pd.DataFrame:
    n = counts["n"].to_numpy(dtype=float)
    x = counts["n_selected"].to_numpy(dtype=float)
    eligible = ~counts["group"].astype(str).isin(unknown).to_numpy()
    top = _highest(x, n, eligible)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(n > 0, x / n, np.nan)
    out = counts[["feature", "group", "n", "n_selected"]].copy()
    out["selection_rate"] = rates
    if top is None or x[top] <= 0:
        out["conclusion"] = "not assessed"
        out["explanation"] = (
            "No group with applicants and a known category to compare with."
            if top is None
            else "No group has a selection: there is no rate to compare with."
        )
        return out
    x_top, n_top, top_rate = x[top], n[top], rates[top]
    out["highest_group"] = counts["group"].iloc[top]
    out["highest_rate"] = top_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        out["impact_ratio"] = rates / top_rate if top_rate > 0 else np.nan
    below = [_below(x, n, eligible, i) for i in range(len(n))]
    out["below_four_fifths"] = [bool(b) for b in below]
    z, p_z = two_proportion_z_test(x, n, x_top, n_top)
    _, p_fisher = fisher_exact_test(x, n, np.full_like(x, x_top), np.full_like(n, n_top))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x + x_top) / (n + n_top)
        expected = np.minimum.reduce(
            [n * pooled, n * (1 - pooled), n_top * pooled, n_top * (1 - pooled)]
        )
    small = expected < MIN_EXPECTED
    is_top = np.arange(len(n)) == top
    # the comparison group is not tested against itself
    z, p_z, p_fisher = (np.where(is_top, np.nan, a) for a in (z, p_z, p_fisher))
    out["z"], out["z_p_value"], out["fisher_p_value"] = z, p_z, p_fisher
    out["test_used"] = np.where(is_top, "none", np.where(small, "fisher", "z > 2 SD"))
    significant = np.where(small, p_fisher < ALPHA, np.abs(z) > TWO_SD)
    out["statistically_significant"] = significant & (rates < top_rate)
    out["shortfall"] = [shortfall(xi, ni, top_rate) for xi, ni in zip(x, n, strict=True)]
    moves = [flip_flop_moves(x, n, eligible, i) for i in range(len(n))]
    out["flip_flop_moves"] = moves
    out["flip_flop"] = [m > 0 for m in moves]
    words = [_conclusion(out.iloc[i], i == top) for i in range(len(n))]
    out["conclusion"] = [w[0] for w in words]
    out["explanation"] = [w[1] for w in words]
    return out


def _conclusion(row: pd.Series, is_top: bool) -> tuple[str, str]:
    """The combined conclusion of one group and its explanation in plain words."""
    group, rate = row["group"], row["selection_rate"]
    if is_top:
        return (
            "comparison group",
            f"{group} has the highest selection rate ({rate:.1%}); the others are compared "
            "with it.",
        )
    if row["n"] <= 0:
        return "not assessed", f"{group} has no applicants."
    ratio = row["impact_ratio"]
    test = "Fisher's exact test" if row["test_used"] == "fisher" else "the z statistic"
    stat = (
        f"significant by {test}"
        if row["statistically_significant"]
        else f"not statistically significant by {test}"
    )
    moves = int(row["flip_flop_moves"])
    flip = (
        f"moving {moves} selection{'s' if moves > 1 else ''} would reverse the four-fifths "
        "conclusion"
        if moves
        else "moving one or two selections would not change the four-fifths conclusion"
    )
    head = (
        f"{group} is selected at {rate:.1%}, {ratio:.2f} times the rate of {row['highest_group']}"
    )
    if row["below_four_fifths"]:
        lack = int(row["shortfall"])
        lacking = f"{lack} more selection{'s' if lack != 1 else ''} would reach four fifths"
        text = f"{head}: below four fifths ({lacking}); the difference is {stat}, and {flip}."
        if row["statistically_significant"] and not moves:
            return "adverse impact indicated", text
        return "possible adverse impact (not robust)", text
    text = f"{head}: at least four fifths; the difference is {stat}, and {flip}."
    if row["statistically_significant"]:
        # 1607.4(D): smaller differences may still be adverse impact when significant
        return "possible adverse impact (significant despite four fifths)", text
    return "no adverse impact indicated", text


__all__ = [
    "ALPHA",
    "EEO1_RACE",
    "EEO1_SEX",
    "FOUR_FIFTHS",
    "LL144_MIN_SHARE",
    "TWO_SD",
    "UNKNOWN",
    "flip_flop_moves",
    "ll144_table",
    "shortfall",
    "ugesp_table",
]
