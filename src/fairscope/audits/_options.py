"""Task options of :func:`fairscope.audit_predictions`, grouped, and the check that they apply.

Options that only make sense for one task are grouped (:class:`ScoreOptions`
for scores of a binary classifier, :class:`RegressionOptions` for regressors).
The flat keywords of :func:`~fairscope.audit_predictions` (``n_bins=``,
``selection_quantile=``, ...) are shortcuts for the same fields. An option
given for a task it does not apply to is refused with a clear error rather
than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from fairscope.compute._scores import CALIBRATION_BINS, DEFAULT_BINS


@dataclass(frozen=True)
class ScoreOptions:
    """Options of the score-based metrics of a binary audit (with ``y_score``).

    Parameters
    ----------
    exact : bool, default False
        Score metrics from one histogram bin per distinct score (exact, more memory).
    n_bins : int, default 10000
        Score histogram bins when there are more distinct scores than this.
    thresholds : array-like, optional
        Thresholds of the ``"threshold_sweep"`` table (default 0, 0.01, ..., 1
        for probabilities, else 101 score quantiles).
    calibration_bins : int, default 10
        Equal-width bins of the ``"calibration"`` table.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0], y_score=[0.9, 0.2, 0.6, 0.4], sensitive_features=list("aabb"),
    ...     score_options=fairscope.ScoreOptions(calibration_bins=5))
    >>> result.metadata["scores"]["calibration_bins"]
    5
    """

    exact: bool = False
    n_bins: int = DEFAULT_BINS
    thresholds: Any = None
    calibration_bins: int = CALIBRATION_BINS


@dataclass(frozen=True)
class RegressionOptions:
    """Options of a regression audit: selection-style parity at thresholds.

    Parameters
    ----------
    selection_threshold : float or list of float, optional
        Audit ``prediction >= t`` as a selection at these thresholds.
    selection_quantile : float or list of float, optional
        ... or at these quantiles of the predictions (0.8 selects the top 20%).

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1.0, 2.0, 3.0, 4.0], [1.5, 2.0, 2.5, 4.5], sensitive_features=list("abab"),
    ...     regression_options=fairscope.RegressionOptions(selection_threshold=2.5))
    >>> "selection_metrics" in result.tables
    True
    """

    selection_threshold: Any = None
    selection_quantile: Any = None

    @property
    def selects(self) -> bool:
        """Whether a selection threshold or quantile is asked for."""
        return self.selection_threshold is not None or self.selection_quantile is not None


def merge_options(group: Any, kind: Any, shortcuts: dict[str, Any]) -> tuple[Any, list[str]]:
    """The options of ``group`` (a ``kind`` or None) with the flat shortcuts given.

    Returns the options and the names set by the caller (for :func:`refuse`).
    A field given both ways is an error.
    """
    if group is not None and not isinstance(group, kind):
        raise TypeError(f"expected a {kind.__name__}; got {type(group).__name__}.")
    base = group if group is not None else kind()
    given = {k: v for k, v in shortcuts.items() if v is not None}
    defaults = kind()
    chosen = [
        f.name for f in fields(kind) if _changed(getattr(base, f.name), getattr(defaults, f.name))
    ]
    both = sorted(set(given) & set(chosen))
    if both:
        raise ValueError(
            f"{', '.join(both)} given both as a keyword and in {kind.__name__}; give it once."
        )
    return replace(base, **given), sorted({*given, *chosen})


def _changed(value: Any, default: Any) -> bool:
    if default is None:
        return value is not None
    return bool(value != default)


def refuse(task: str, names: list[str], applies_to: str) -> None:
    """Refuse options that do not apply to the audit's task, naming them."""
    if names:
        listed = ", ".join(f"{n}=" for n in names)
        raise ValueError(
            f"{listed} apply to {applies_to}; this is a {task} audit. Drop them, or pass "
            "the task= the options are for."
        )


def resolve_seed(random_state: Any) -> Any:
    """The seed of an audit's resampling: ``random_state``, or a fresh one when none is given.

    A bootstrap without a seed could not be reproduced; drawing the seed here
    (from the operating system's entropy, as numpy would) and recording it in
    the result's ``reproducibility["random_seed"]`` makes every audit
    repeatable while keeping ``random_state=None`` random.

    Parameters
    ----------
    random_state : None, int or numpy Generator/RandomState
        As given by the user.

    Returns
    -------
    int or object
        A whole number when ``random_state`` was ``None``, else ``random_state``.

    Examples
    --------
    >>> resolve_seed(7)
    7
    >>> isinstance(resolve_seed(None), int)
    True
    """
    if random_state is not None:
        return random_state
    import numpy as np

    # 63 bits: fits JSON numbers read as int64 everywhere
    entropy = np.random.SeedSequence().entropy
    return int(entropy) % (2**63) if isinstance(entropy, int) else 0
