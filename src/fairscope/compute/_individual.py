"""Individual fairness: similar rows should get similar predictions (kNN consistency)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["consistency_score"]


def consistency_score(X: Any, y_pred: Any, *, n_neighbors: int = 5) -> float:
    """Consistency of predictions among nearest neighbours (Zemel et al. 2013).

    ``1 - mean_i |yhat_i - mean_{j in kNN(x_i)} yhat_j|``, with the neighbours
    found by scikit-learn's ``NearestNeighbors`` (ball tree, Euclidean) on ``X``,
    each row counting among its own neighbours: AIF360's ``consistency_score``
    and ``BinaryLabelDatasetMetric.consistency``. 1 when every neighbourhood
    agrees. This needs the rows (a neighbour search), so it is the slower path.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
        Numeric features that define similarity (scale them first if their
        units differ: the distance is Euclidean).
    y_pred : array-like of shape (n_rows,)
        Predictions (or labels) to compare among neighbours.
    n_neighbors : int, default 5
        Neighbours per row, the row itself included.

    Returns
    -------
    float

    References
    ----------
    R. Zemel, Y. Wu, K. Swersky, T. Pitassi and C. Dwork, Learning Fair
    Representations, ICML 2013.

    Examples
    --------
    Two tight clusters; in each, one of three rows disagrees. With 3 neighbours
    every row's neighbourhood is its cluster (mean 2/3 or 1/3):
    1 - (2 * (1/3 + 1/3 + 2/3)) / 6 = 5/9.

    >>> X = [[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]]
    >>> round(consistency_score(X, [1, 1, 0, 0, 0, 1], n_neighbors=3), 6)
    0.555556
    """
    from sklearn.neighbors import NearestNeighbors

    features = np.asarray(X, dtype=float)
    if features.ndim == 1:
        features = features.reshape(-1, 1)
    predictions = np.asarray(y_pred, dtype=float)
    if predictions.ndim != 1 or len(predictions) != len(features):
        raise ValueError(
            f"y_pred must have one value per row of X ({len(features)}); got shape "
            f"{predictions.shape}."
        )
    if not 1 <= int(n_neighbors) <= len(features):
        raise ValueError(
            f"n_neighbors must be between 1 and the number of rows ({len(features)}); "
            f"got {n_neighbors!r}."
        )
    if not np.isfinite(features).all():
        raise ValueError("X has missing or infinite values; impute or drop them first.")
    search = NearestNeighbors(n_neighbors=int(n_neighbors), algorithm="ball_tree").fit(features)
    neighbours = search.kneighbors(features, return_distance=False)
    return float(1 - np.abs(predictions - predictions[neighbours].mean(axis=1)).mean())
