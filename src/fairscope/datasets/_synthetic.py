"""The synthetic lending data set with tunable bias (:func:`make_credit_scoring`).

Applicants, their repayment and a credit model whose unfairness is
controlled by one number; it needs no files and is what ``fairscope demo``,
the quickstart and the docs use. Re-exported by :mod:`fairscope.datasets`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

RACES = ("White", "Black", "Hispanic", "Asian", "Other")
RACE_SHARES = (0.60, 0.13, 0.18, 0.06, 0.03)
AGE_GROUPS = ("<25", "25-60", ">60")
AGE_SHARES = (0.14, 0.64, 0.22)
EMPLOYMENT = ("employed", "self-employed", "unemployed", "retired")
ZIP_REGIONS = ("north", "south", "east", "west", "central")

# P(zip_region | race): residential segregation makes the region a proxy for race.
_ZIP_GIVEN_RACE = {
    "White": (0.32, 0.12, 0.26, 0.24, 0.06),
    "Black": (0.06, 0.52, 0.08, 0.06, 0.28),
    "Hispanic": (0.08, 0.38, 0.10, 0.12, 0.32),
    "Asian": (0.30, 0.08, 0.22, 0.34, 0.06),
    "Other": (0.20, 0.22, 0.20, 0.20, 0.18),
}
# P(employment | age group) before the race adjustment of unemployment.
_EMPLOYMENT_GIVEN_AGE = {
    "<25": (0.75, 0.05, 0.20, 0.00),
    "25-60": (0.80, 0.11, 0.07, 0.02),
    ">60": (0.26, 0.08, 0.04, 0.62),
}
_UNEMPLOYMENT_FACTOR = {"White": 1.0, "Black": 1.9, "Hispanic": 1.4, "Asian": 0.9, "Other": 1.2}
_INCOME_FACTOR_RACE = {"White": 1.0, "Black": 0.72, "Hispanic": 0.76, "Asian": 1.12, "Other": 0.86}
_INCOME_FACTOR_AGE = {"<25": 0.55, "25-60": 1.0, ">60": 0.78}
_INCOME_FACTOR_EMPLOYMENT = {
    "employed": 1.0,
    "self-employed": 1.05,
    "unemployed": 0.35,
    "retired": 0.62,
}
_MEDIAN_INCOME = 52_000.0

# Penalty (in log-odds, at bias=1) that the biased model adds beyond the true risk.
_PENALTY_RACE = {"White": 0.0, "Black": 1.2, "Hispanic": 0.9, "Asian": 0.0, "Other": 0.3}
_PENALTY_FEMALE = 0.5
_PENALTY_YOUNG = 0.6
_PENALTY_REDLINED = 0.4
_REDLINED_REGIONS = ("south", "central")
_MODEL_NOISE_SD = 0.35


def _legitimate_logit(frame: pd.DataFrame) -> np.ndarray:
    """True log-odds of repaying: a function of the financial features only."""
    income = frame["income"].to_numpy()
    loan = frame["loan_amount"].to_numpy()
    history = frame["credit_history_years"].to_numpy()
    employment = frame["employment"].to_numpy()
    return (
        2.05
        + 0.7 * np.log(income / _MEDIAN_INCOME)
        - 3.0 * (frame["debt_to_income"].to_numpy() - 0.3)
        + 0.04 * (np.minimum(history, 20.0) - 8.0)
        - 0.45 * frame["late_payments"].to_numpy()
        - 0.35 * np.log(loan / (0.35 * income))
        - 0.6 * (employment == "unemployed")
        - 0.1 * (employment == "self-employed")
    )


def _bias_penalty(frame: pd.DataFrame) -> np.ndarray:
    """Log-odds the unfair model removes from each applicant at ``bias=1``."""
    return (
        frame["race"].map(_PENALTY_RACE).to_numpy(dtype=float)
        + _PENALTY_FEMALE * (frame["sex"].to_numpy() == "female")
        + _PENALTY_YOUNG * (frame["age_group"].to_numpy() == "<25")
        + _PENALTY_REDLINED * np.isin(frame["zip_region"].to_numpy(), _REDLINED_REGIONS)
    )


def _choice_by(
    rng: np.random.Generator, keys: np.ndarray, table: dict[str, Any], labels: tuple[str, ...]
) -> np.ndarray:
    """Draw one label per row from the distribution ``table[key]`` of that row's key."""
    out = np.empty(len(keys), dtype=object)
    for key, probs in table.items():
        rows = np.flatnonzero(keys == key)
        p = np.asarray(probs, dtype=float)
        out[rows] = rng.choice(labels, size=len(rows), p=p / p.sum())
    return out


def make_credit_scoring(
    n: int = 10_000, bias: float = 0.5, random_state: int | np.random.Generator | None = None
) -> pd.DataFrame:
    """Simulate loan applicants, whether they repaid, and a credit model with tunable bias.

    Each row is one applicant. The financial features are drawn from
    distributions shaped like those of consumer lending data, and they differ
    between groups the way structural inequality makes them differ (lower
    median incomes for Black and Hispanic applicants and for women, shorter
    credit histories for the young). Repayment depends on the financial
    features only. The credit model's score is the true risk, estimated with
    noise, minus a penalty for the disadvantaged groups scaled by ``bias``.

    Parameters
    ----------
    n : int, default 10_000
        Number of applicants (rows), at least 1.
    bias : float, default 0.5
        Unfairness of the model, in [0, 1]. At 0 the score depends on the
        sensitive features only through the legitimate financial features
        (the remaining group differences in approval are those of the
        features). At 1 the model removes, in log-odds, 1.2 from Black,
        0.9 from Hispanic and 0.3 from "Other" applicants, 0.5 from women,
        0.6 from applicants under 25 and 0.4 from the "south" and "central"
        regions (redlining), beyond their true risk; ``bias`` scales all of
        these linearly.
    random_state : int, numpy.random.Generator or None
        Seed for reproducible data; the same seed gives the same applicants
        and repayments whatever ``bias`` is, so data sets that differ only in
        ``bias`` can be compared row by row.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows and these columns:

        - sensitive features: ``sex`` ("female"/"male"), ``race`` ("White",
          "Black", "Hispanic", "Asian", "Other"), ``age_group`` ("<25", "25-60",
          ">60");
        - features: ``income`` (yearly, float), ``debt_to_income`` (float in
          [0, 0.95]), ``credit_history_years`` (float), ``late_payments`` (int,
          last 24 months), ``loan_amount`` (float), ``employment`` ("employed",
          "self-employed", "unemployed", "retired"), ``zip_region`` ("north",
          "south", "east", "west", "central"; a proxy correlated with race, not
          used by the true repayment model);
        - target: ``repaid`` (int 0/1; 1 = repaid, the favourable outcome);
        - model outputs: ``score`` (float in [0, 1], predicted probability of
          repaying) and ``approved`` (int 0/1, ``score >= 0.5``).

    Notes
    -----
    The generative model, in order:

    1. ``sex`` is female with probability 0.48; ``race`` has shares White 0.60,
       Black 0.13, Hispanic 0.18, Asian 0.06, Other 0.03; ``age_group`` has
       shares 0.14 (<25), 0.64 (25-60), 0.22 (>60), with the age uniform
       within the group (18-24, 25-60, 61-80).
    2. ``zip_region`` is drawn from a distribution that depends on race
       (residential segregation), ``employment`` from one that depends on the
       age group, with unemployment 1.9 times as likely for Black and 1.4 times
       for Hispanic applicants.
    3. ``income`` is log-normal (sigma 0.5) around a median of 52,000 scaled by
       factors for sex (women 0.82), race, age group and employment.
    4. ``credit_history_years`` is ``(age - 18) * Beta(4, 2)``;
       ``debt_to_income`` is ``Beta(2.5, 5.5)`` scaled up for low incomes and
       capped at 0.95; ``late_payments`` is Poisson with a rate that rises with
       the debt-to-income ratio and unemployment and falls with income;
       ``loan_amount`` is log-normal around 35% of income (1,000 to 500,000).
    5. The true log-odds of repaying, :math:`\\eta`, is linear in the log
       income, debt-to-income, capped credit history, late payments, log loan
       to income and employment; ``repaid`` is Bernoulli(logistic(:math:`\\eta`)).
       No sensitive feature and not ``zip_region`` enter :math:`\\eta`.
    6. ``score = logistic(eta + e - bias * penalty)``, with model error
       ``e ~ Normal(0, 0.35)`` independent of everything else, and ``penalty``
       the per-group log-odds listed under ``bias``.

    About 78% of applicants repay. At ``bias=0`` about 89% are approved and
    the approval ratio of Black to White applicants is about 0.91 (from the
    financial features alone); it is about 0.72 at ``bias=0.5``, 0.56 at
    ``bias=0.8`` and 0.43 at ``bias=1`` (200,000 rows, ``random_state=1``).

    Examples
    --------
    >>> from fairscope.datasets import make_credit_scoring
    >>> df = make_credit_scoring(n=1_000, bias=0.5, random_state=0)
    >>> df.shape
    (1000, 13)
    >>> sorted(df["race"].unique())
    ['Asian', 'Black', 'Hispanic', 'Other', 'White']
    >>> bool(((df["score"] >= 0.5).astype(int) == df["approved"]).all())
    True
    """
    n = _check_n(n)
    bias = _check_bias(bias)
    rng = np.random.default_rng(random_state)

    sex = np.where(rng.random(n) < 0.48, "female", "male")
    race = rng.choice(RACES, size=n, p=RACE_SHARES)
    age_group = rng.choice(AGE_GROUPS, size=n, p=AGE_SHARES)
    low = np.select([age_group == "<25", age_group == "25-60"], [18, 25], 61)
    high = np.select([age_group == "<25", age_group == "25-60"], [24, 60], 80)
    age = rng.integers(low, high + 1)

    zip_region = _choice_by(rng, race, _ZIP_GIVEN_RACE, ZIP_REGIONS)
    employment = np.empty(n, dtype=object)
    for group, probs in _EMPLOYMENT_GIVEN_AGE.items():
        for r, factor in _UNEMPLOYMENT_FACTOR.items():
            rows = np.flatnonzero((age_group == group) & (race == r))
            p = np.array(probs, dtype=float)
            p[2] *= factor
            employment[rows] = rng.choice(EMPLOYMENT, size=len(rows), p=p / p.sum())

    factor = (
        np.where(sex == "female", 0.82, 1.0)
        * pd.Series(race).map(_INCOME_FACTOR_RACE).to_numpy(dtype=float)
        * pd.Series(age_group).map(_INCOME_FACTOR_AGE).to_numpy(dtype=float)
        * pd.Series(employment).map(_INCOME_FACTOR_EMPLOYMENT).to_numpy(dtype=float)
    )
    income = np.round(_MEDIAN_INCOME * factor * np.exp(rng.normal(0.0, 0.5, n)), -1)
    income = np.maximum(income, 3_000.0)
    history = np.round((age - 18) * rng.beta(4.0, 2.0, n), 1)
    dti = rng.beta(2.5, 5.5, n) * (_MEDIAN_INCOME / income) ** 0.25
    dti = np.round(np.minimum(dti, 0.95), 3)
    rate = np.exp(
        -1.6
        + 2.5 * (dti - 0.3)
        - 0.5 * np.log(income / _MEDIAN_INCOME)
        + 0.6 * (employment == "unemployed")
    )
    late = rng.poisson(rate).astype(np.int64)
    loan = np.round(np.clip(0.35 * income * np.exp(rng.normal(0.0, 0.5, n)), 1_000, 500_000), -2)

    frame = pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "age_group": age_group,
            "income": income,
            "debt_to_income": dti,
            "credit_history_years": history,
            "late_payments": late,
            "loan_amount": loan,
            "employment": employment.astype(str),
            "zip_region": zip_region.astype(str),
        }
    )
    eta = _legitimate_logit(frame)
    repaid = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)
    model_error = rng.normal(0.0, _MODEL_NOISE_SD, n)
    score = 1.0 / (1.0 + np.exp(-(eta + model_error - bias * _bias_penalty(frame))))
    frame["repaid"] = repaid
    frame["score"] = score
    frame["approved"] = (score >= 0.5).astype(np.int64)
    return frame


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer (number of rows); got {n!r}.")
    return int(n)


def _check_bias(bias: Any) -> float:
    try:
        value = float(bias)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"bias must be a number in [0, 1] (0 = no unfairness beyond the features, "
            f"1 = strongest); got {bias!r}."
        )
    return value
