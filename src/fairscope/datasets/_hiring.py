"""A synthetic hiring data set for regulated bias audits (NYC Local Law 144, EEOC UGESP).

:func:`make_hiring` simulates applicants screened by an automated employment
decision tool: EEO-1 sex and race/ethnicity categories (some unknown), a job
qualification the tool should measure, the tool's score, and who it selected.
The tool's unfairness is one number, so worked examples and tests can plant a
known disparity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairscope.compute._regulatory import EEO1_RACE, EEO1_SEX
from fairscope.datasets._synthetic import _check_bias, _check_n

#: Shares of the EEO-1 race/ethnicity categories among applicants (order of ``EEO1_RACE``);
#: Native Hawaiian or Pacific Islander is deliberately below 2 %, the LL144 exclusion line.
RACE_SHARES_HIRING: tuple[float, ...] = (0.19, 0.52, 0.16, 0.012, 0.09, 0.018, 0.01)
#: Share of female applicants.
FEMALE_SHARE = 0.46
#: Score penalty at ``bias=1``, in standard deviations of the qualification.
HIRING_PENALTY: dict[str, float] = {
    "Female": 0.35,
    "Black or African American": 0.6,
    "Hispanic or Latino": 0.45,
    "Native American or Alaska Native": 0.3,
    "Two or More Races": 0.15,
}
#: Scores are on a 0-100 scale: 50 + 15 * (qualification + error - bias * penalty).
SELECTION_CUTOFF = 60.0


def make_hiring(
    n: int = 5_000,
    bias: float = 0.5,
    unknown_share: float = 0.05,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Simulate applicants, an automated screening tool's scores and who it selected.

    Parameters
    ----------
    n : int, default 5_000
        Number of applicants (rows), at least 1.
    bias : float, default 0.5
        Unfairness of the tool, in [0, 1]. The score is the qualification plus
        noise minus ``bias`` times a per-category penalty (in standard
        deviations: women 0.35; Black or African American 0.6, Hispanic or
        Latino 0.45, Native American or Alaska Native 0.3, Two or More Races
        0.15). At 0 every category has the same score distribution.
    unknown_share : float, default 0.05
        Share of applicants whose sex is unknown, and (independently) whose
        race/ethnicity is unknown (missing values, as when applicants decline to
        self-identify), in [0, 1).
    random_state : int, numpy.random.Generator or None
        Seed; the same seed gives the same applicants whatever ``bias`` is.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows: ``sex`` (EEO-1 "Male"/"Female", or missing), ``race``
        (the seven EEO-1 race/ethnicity categories, or missing),
        ``qualification`` (standard normal, what the tool should measure),
        ``score`` (0-100) and ``selected`` (int 0/1, ``score >= 60``).

    Notes
    -----
    Qualification is independent of sex and race/ethnicity, so every
    difference in selection comes from the planted penalty. Native Hawaiian or
    Pacific Islander applicants are 1.2 % and Two or More Races 1 % of the rows:
    below the 2 % of the data under which Local Law 144 audits may exclude a
    category.

    Examples
    --------
    >>> from fairscope.datasets import make_hiring
    >>> df = make_hiring(n=1_000, bias=0.5, random_state=0)
    >>> df.shape
    (1000, 5)
    >>> bool(((df["score"] >= 60).astype(int) == df["selected"]).all())
    True
    """
    n = _check_n(n)
    bias = _check_bias(bias)
    try:
        unknown = float(unknown_share)
    except (TypeError, ValueError):
        unknown = float("nan")
    if not 0.0 <= unknown < 1.0:
        raise ValueError(f"unknown_share must be a number in [0, 1); got {unknown_share!r}.")
    rng = np.random.default_rng(random_state)
    sex = np.where(rng.random(n) < FEMALE_SHARE, EEO1_SEX[1], EEO1_SEX[0]).astype(object)
    race = rng.choice(np.array(EEO1_RACE, dtype=object), size=n, p=RACE_SHARES_HIRING)
    qualification = rng.normal(0.0, 1.0, n)
    error = rng.normal(0.0, 0.5, n)
    penalty = pd.Series(sex).map(HIRING_PENALTY).fillna(0.0).to_numpy() + pd.Series(race).map(
        HIRING_PENALTY
    ).fillna(0.0).to_numpy(dtype=float)
    score = np.clip(50.0 + 15.0 * (qualification + error - bias * penalty), 0.0, 100.0)
    # unknown categories are drawn after the scores: declining to self-identify changes no score
    sex[rng.random(n) < unknown] = None
    race[rng.random(n) < unknown] = None
    return pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "qualification": qualification,
            "score": np.round(score, 2),
            "selected": (np.round(score, 2) >= SELECTION_CUTOFF).astype(np.int64),
        }
    )


__all__ = [
    "FEMALE_SHARE",
    "HIRING_PENALTY",
    "RACE_SHARES_HIRING",
    "SELECTION_CUTOFF",
    "make_hiring",
]
