"""The decision threshold that turns scores into predictions, checked against the scores."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import InputWarning


def decision_threshold(score: Any, threshold: float | None = None) -> float:
    """The threshold that turns scores into predictions (``score >= threshold``).

    Without one, 0.5 applies to probabilities and anything else is an error.
    Every row on one side of the threshold usually means scores on another
    scale (probabilities against deciles): that warns.

    Parameters
    ----------
    score : array-like of float
        Finite scores of the positive class.
    threshold : float, optional
        The threshold asked for; default 0.5 for probabilities.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If no threshold is given and the scores are not probabilities, or the
        threshold is not finite.

    Examples
    --------
    >>> decision_threshold([0.1, 0.7, 0.4])
    0.5
    >>> decision_threshold([-2.0, 1.5], threshold=0)
    0.0
    """
    values = np.asarray(score, dtype=float)
    low, high = float(np.min(values)), float(np.max(values))
    if threshold is None:
        if low < 0 or high > 1:
            raise ValueError(
                "y_score is not a probability (values outside [0, 1]) and y_pred is not "
                "given; pass threshold= to turn scores into predictions (e.g. threshold=0 "
                "for a decision_function)."
            )
        threshold = 0.5
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}.")
    if low >= threshold or high < threshold:
        side = "positive" if low >= threshold else "negative"
        warnings.warn(
            f"threshold={threshold:g} puts every row on one side (y_score ranges from {low:g} "
            f"to {high:g}), so every prediction is {side}; check the threshold is on the "
            "scale of the scores (e.g. probabilities vs deciles).",
            InputWarning,
            stacklevel=find_stacklevel(),
        )
    return float(threshold)
