"""Mitigation: hand an unfair model to fairlearn's mitigators, then audit the result again.

fairscope audits; fairlearn mitigates. These are thin adapters that accept the
same inputs as the audits (sensitive features as arrays or as column names of
``X``), validate them once, and return a :class:`MitigatedModel` whose
``predict`` hides the difference between the two fairlearn methods (one needs
the sensitive features at prediction time, the other does not). Compare the
audits before and after with :func:`fairscope.compare`.

Examples
--------
>>> import fairscope
>>> from sklearn.linear_model import LogisticRegression
>>> df = fairscope.datasets.make_credit_scoring(n=2_000, bias=0.8, random_state=0)
>>> X = df[["income", "debt_to_income", "late_payments"]]
>>> fair = fairscope.mitigate.threshold_optimizer(
...     LogisticRegression(max_iter=1000), X, df["approved"], sensitive_features=df["race"],
...     constraint="demographic_parity", random_state=0)
>>> fair.predict(X, sensitive_features=df["race"]).shape
(2000,)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Constraints of fairlearn's ThresholdOptimizer, by the names fairscope accepts.
THRESHOLD_CONSTRAINTS = (
    "demographic_parity",
    "equalized_odds",
    "true_positive_rate_parity",
    "false_positive_rate_parity",
    "true_negative_rate_parity",
    "false_negative_rate_parity",
)
#: Constraints of fairlearn's ExponentiatedGradient, by the names fairscope accepts.
REDUCTION_CONSTRAINTS = (
    "demographic_parity",
    "equalized_odds",
    "true_positive_rate_parity",
    "false_positive_rate_parity",
    "error_rate_parity",
)


@contextmanager
def _quiet_fairlearn() -> Iterator[None]:
    """Hide fairlearn 0.15's pandas-4 deprecation warnings (its internals, not the user's)."""
    with warnings.catch_warnings():
        for message in ("Setting a value on a Series via .at", "Setting an item of incompatible"):
            warnings.filterwarnings("ignore", message=message, module="fairlearn")
        yield


@dataclass
class MitigatedModel:
    """A fitted fairlearn mitigator with one ``predict`` for both methods.

    Attributes
    ----------
    mitigator_ : object
        The fitted ``fairlearn`` ``ThresholdOptimizer`` or ``ExponentiatedGradient``.
    method : str
        ``"threshold_optimizer"`` or ``"exponentiated_gradient"``.
    constraint : str
        The fairness constraint it was fitted under.
    sensitive_columns : list of str
        Columns of ``X`` used as sensitive features (empty when they were passed
        as arrays).
    random_state : int or None
        Seed of the randomized predictions (both methods randomize between
        classifiers or thresholds); fixed so that predictions are reproducible.
    """

    mitigator_: Any
    method: str
    constraint: str
    sensitive_columns: list[str] = field(default_factory=list)
    random_state: int | None = 0

    @property
    def needs_sensitive_features(self) -> bool:
        """Whether :meth:`predict` needs the sensitive features (ThresholdOptimizer)."""
        return self.method == "threshold_optimizer"

    def predict(self, X: Any, sensitive_features: Any = None) -> np.ndarray:
        """Predicted labels (0/1) of the mitigated model.

        Parameters
        ----------
        X : array-like or DataFrame
            Features, as in ``fit``.
        sensitive_features : array-like, optional
            Needed by a threshold optimizer unless it was fitted with column
            names of ``X``; ignored by exponentiated gradient.
        """
        if self.method == "exponentiated_gradient":
            with _quiet_fairlearn():
                return np.asarray(self.mitigator_.predict(X, random_state=self.random_state))
        sf = _sensitive(X, sensitive_features, self.sensitive_columns, required=True)
        return np.asarray(
            self.mitigator_.predict(X, sensitive_features=sf, random_state=self.random_state)
        )


def _sensitive(X: Any, sensitive_features: Any, columns: list[str], *, required: bool) -> Any:
    if sensitive_features is None and columns:
        return X[columns] if len(columns) > 1 else X[columns[0]]
    if sensitive_features is None:
        if required:
            raise ValueError(
                "sensitive_features is required: a threshold optimizer chooses a threshold "
                "per group, so it needs each row's group at prediction time."
            )
        return None
    return sensitive_features


def _resolve_sensitive(X: Any, sensitive_features: Any) -> tuple[Any, list[str]]:
    """Sensitive features as values, and the column names of ``X`` they came from."""
    names = [sensitive_features] if isinstance(sensitive_features, str) else sensitive_features
    if isinstance(names, list | tuple) and names and all(isinstance(n, str) for n in names):
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"sensitive_features={sensitive_features!r} names columns, but X is not a "
                "DataFrame; pass the sensitive features as arrays instead."
            )
        missing = [n for n in names if n not in X.columns]
        if missing:
            raise ValueError(
                f"sensitive_features names columns {missing} that X does not have; "
                f"X has {list(X.columns)}."
            )
        names = list(names)
        return (X[names] if len(names) > 1 else X[names[0]]), names
    if sensitive_features is None:
        raise ValueError("sensitive_features is required (arrays or column names of X).")
    return sensitive_features, []


def _check_labels(y: Any, method: str) -> None:
    """fairlearn's mitigators take 0/1 labels only; say how to get them."""
    values = pd.unique(pd.Series(np.asarray(y).ravel()).dropna())
    numeric = (int, np.integer, bool, np.bool_, float, np.floating)
    if all(isinstance(v, numeric) for v in values) and set(map(float, values)) <= {0.0, 1.0}:
        return
    shown = sorted(map(str, values))[:6]
    example = shown[-1] if shown else "yes"
    raise ValueError(
        f"{method} needs y with labels 0/1 (1 = the positive class), but y has the labels "
        f"{shown}. Binarize it first, e.g. y = (y == {example!r}).astype(int), and fit the "
        "estimator on the same 0/1 labels."
    )


def _check_constraint(constraint: Any, allowed: tuple[str, ...], method: str) -> str:
    if constraint not in allowed:
        raise ValueError(
            f"constraint={constraint!r} is not supported by {method}; use one of "
            f"{', '.join(allowed)}."
        )
    return constraint


def threshold_optimizer(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    sensitive_features: Any,
    constraint: str = "demographic_parity",
    objective: str = "accuracy_score",
    prefit: bool = False,
    predict_method: str = "auto",
    grid_size: int = 1000,
    random_state: int | None = 0,
) -> MitigatedModel:
    """Post-process a classifier with group-specific thresholds (Hardt et al., 2016).

    Fits fairlearn's :class:`~fairlearn.postprocessing.ThresholdOptimizer`:
    per group, a (randomized) threshold on the model's score that maximizes
    ``objective`` subject to ``constraint``.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Fitted first unless ``prefit=True``.
    X : array-like or DataFrame
    y : array-like
        Binary labels.
    sensitive_features : array-like, str or list of str
        The groups, or column names of ``X`` holding them (then ``predict``
        reads them from ``X`` too).
    constraint : str, default "demographic_parity"
        One of :data:`THRESHOLD_CONSTRAINTS`.
    objective : str, default "accuracy_score"
        What to maximize: "accuracy_score", "balanced_accuracy_score",
        "selection_rate", "true_positive_rate" or "true_negative_rate".
    prefit : bool, default False
        Use ``estimator`` as already fitted.
    predict_method : str, default "auto"
        Which method of ``estimator`` gives the score.
    grid_size : int, default 1000
    random_state : int or None, default 0
        Seed of the randomized thresholds at prediction time.

    Returns
    -------
    MitigatedModel

    References
    ----------
    M. Hardt, E. Price, N. Srebro, "Equality of Opportunity in Supervised
    Learning", NeurIPS 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from fairscope.mitigate import threshold_optimizer
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["a", "b"], 400)
    >>> X = np.c_[rng.normal(size=400) + (group == "a")]
    >>> y = (X[:, 0] + rng.normal(size=400) > 0.5).astype(int)
    >>> fair = threshold_optimizer(LogisticRegression(), X, y, sensitive_features=group)
    >>> sorted(set(fair.predict(X, group).tolist()))
    [0, 1]
    """
    from fairlearn.postprocessing import ThresholdOptimizer

    constraint = _check_constraint(constraint, THRESHOLD_CONSTRAINTS, "threshold_optimizer")
    _check_labels(y, "threshold_optimizer")
    sf, columns = _resolve_sensitive(X, sensitive_features)
    mitigator = ThresholdOptimizer(
        estimator=estimator,
        constraints=constraint,
        objective=objective,
        grid_size=grid_size,
        prefit=prefit,
        predict_method=predict_method,
    )
    mitigator.fit(X, y, sensitive_features=sf)
    return MitigatedModel(mitigator, "threshold_optimizer", constraint, columns, random_state)


def _moment(constraint: str, difference_bound: float | None, ratio_bound: float | None) -> Any:
    from fairlearn import reductions

    classes = {
        "demographic_parity": reductions.DemographicParity,
        "equalized_odds": reductions.EqualizedOdds,
        "true_positive_rate_parity": reductions.TruePositiveRateParity,
        "false_positive_rate_parity": reductions.FalsePositiveRateParity,
        "error_rate_parity": reductions.ErrorRateParity,
    }
    return classes[constraint](difference_bound=difference_bound, ratio_bound=ratio_bound)


def exponentiated_gradient(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    sensitive_features: Any,
    constraint: str = "demographic_parity",
    difference_bound: float | None = None,
    ratio_bound: float | None = None,
    eps: float = 0.01,
    max_iter: int = 50,
    sample_weight: Any = None,
    random_state: int | None = 0,
) -> MitigatedModel:
    """Retrain a classifier under a fairness constraint (Agarwal et al., 2018).

    Fits fairlearn's :class:`~fairlearn.reductions.ExponentiatedGradient`: a
    randomized mixture of ``estimator`` fits, reweighted until the constraint
    holds within ``eps`` on the training data. The sensitive features are not
    needed at prediction time.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Must accept ``sample_weight`` in ``fit``.
    X : array-like or DataFrame
    y : array-like
        Binary labels.
    sensitive_features : array-like, str or list of str
        The groups, or column names of ``X`` holding them.
    constraint : str, default "demographic_parity"
        One of :data:`REDUCTION_CONSTRAINTS`.
    difference_bound, ratio_bound : float, optional
        Bounds of the constraint (fairlearn's defaults when both are None).
    eps : float, default 0.01
        Allowed violation of the constraint.
    max_iter : int, default 50
    sample_weight : array-like, optional
        Passed to ``estimator.fit`` through fairlearn.
    random_state : int or None, default 0
        Seed of the randomized predictions.

    Returns
    -------
    MitigatedModel

    References
    ----------
    A. Agarwal, A. Beygelzimer, M. Dudík, J. Langford, H. Wallach, "A
    Reductions Approach to Fair Classification", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from fairscope.mitigate import exponentiated_gradient
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["a", "b"], 400)
    >>> X = np.c_[rng.normal(size=400) + (group == "a")]
    >>> y = (X[:, 0] + rng.normal(size=400) > 0.5).astype(int)
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> fair = exponentiated_gradient(DecisionTreeClassifier(max_depth=2), X, y,
    ...                               sensitive_features=group, max_iter=10)
    >>> fair.predict(X).shape
    (400,)
    """
    from fairlearn.reductions import ExponentiatedGradient

    constraint = _check_constraint(constraint, REDUCTION_CONSTRAINTS, "exponentiated_gradient")
    _check_labels(y, "exponentiated_gradient")
    sf, columns = _resolve_sensitive(X, sensitive_features)
    mitigator = ExponentiatedGradient(
        estimator,
        constraints=_moment(constraint, difference_bound, ratio_bound),
        eps=eps,
        max_iter=max_iter,
    )
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    with _quiet_fairlearn():
        mitigator.fit(X, y, sensitive_features=sf, **kwargs)
    return MitigatedModel(mitigator, "exponentiated_gradient", constraint, columns, random_state)
