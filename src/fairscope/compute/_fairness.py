"""Named fairness criteria with fairlearn-compatible semantics and values.

Each function is a thin view over :class:`fairscope.GroupMetrics`, so they share
one implementation (one pass over the rows, formulas from the registry).
"""

from __future__ import annotations

from typing import Any, Literal

from fairscope.compute._group_metrics import GroupMetrics

Method = Literal["between_groups", "to_overall"]
Agg = Literal["worst_case", "mean"]


def _frame(y_true: Any, y_pred: Any, sensitive_features: Any, metrics, **kwargs) -> GroupMetrics:
    return GroupMetrics(
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sensitive_features,
        metrics=metrics,
        **kwargs,
    )


def _check_agg(agg: str) -> None:
    if agg not in ("worst_case", "mean"):
        raise ValueError(f"agg={agg!r} is unknown; choose 'worst_case' or 'mean'.")


def demographic_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """Largest difference in selection rate between groups.

    Zero means every group is selected at the same rate.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The difference in selection rate; 0 is parity, NaN when undefined.

    Examples
    --------
    >>> from fairscope import demographic_parity_difference
    >>> demographic_parity_difference([0, 1, 0, 1], [1, 1, 0, 1],
    ...                               sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["selection_rate"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    return float(gm.difference(method)["selection_rate"])


def demographic_parity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """Smallest ratio of selection rates between groups (1 means parity).

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The ratio of selection rates, between 0 and 1; 1 is parity.

    Examples
    --------
    >>> from fairscope import demographic_parity_ratio
    >>> demographic_parity_ratio([0, 1, 0, 1], [1, 1, 0, 1],
    ...                          sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["selection_rate"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    return float(gm.ratio(method)["selection_rate"])


def equalized_odds_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    agg: Agg = "worst_case",
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """The larger (``agg="worst_case"``) or mean of the TPR and FPR differences.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    agg : {"worst_case", "mean"}, default "worst_case"
        Combine the true and false positive rate differences by their maximum, or
        by their mean.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The combined difference; 0 is parity.

    Examples
    --------
    >>> from fairscope import equalized_odds_difference
    >>> equalized_odds_difference([1, 0, 1, 0], [1, 1, 0, 0],
    ...                           sensitive_features=["a", "a", "b", "b"])
    1.0
    """
    _check_agg(agg)
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["tpr", "fpr"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    diffs = gm.difference(method)
    return float(diffs.max() if agg == "worst_case" else diffs.mean())


def equalized_odds_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    agg: Agg = "worst_case",
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """The smaller (``agg="worst_case"``) or mean of the TPR and FPR ratios.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    agg : {"worst_case", "mean"}, default "worst_case"
        Combine the true and false positive rate ratios by their minimum, or
        by their mean.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The combined ratio, between 0 and 1; 1 is parity.

    Examples
    --------
    >>> from fairscope import equalized_odds_ratio
    >>> equalized_odds_ratio([1, 0, 1, 0, 1, 0], [1, 1, 1, 0, 0, 0],
    ...                      sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.0
    """
    _check_agg(agg)
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["tpr", "fpr"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    ratios = gm.ratio(method)
    return float(ratios.min() if agg == "worst_case" else ratios.mean())


def equal_opportunity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """Largest difference in true positive rate between groups.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The difference in true positive rate; 0 is parity.

    Examples
    --------
    >>> from fairscope import equal_opportunity_difference
    >>> equal_opportunity_difference([1, 1, 0, 1, 1, 0], [1, 1, 0, 1, 0, 0],
    ...                              sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.5
    """
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["tpr"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    return float(gm.difference(method)["true_positive_rate"])


def equal_opportunity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """Smallest ratio of true positive rates between groups.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The ratio of true positive rates, between 0 and 1; 1 is parity.

    Examples
    --------
    >>> from fairscope import equal_opportunity_ratio
    >>> equal_opportunity_ratio([1, 1, 0, 1, 1, 0], [1, 1, 0, 1, 0, 0],
    ...                         sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.5
    """
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["tpr"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    return float(gm.ratio(method)["true_positive_rate"])


def predictive_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
) -> float:
    """Largest difference in precision (positive predictive value) between groups.

    Parameters
    ----------
    y_true : array-like or str
        True labels (or a column of ``data``).
    y_pred : array-like or str
        Predicted labels (or a column of ``data``).
    sensitive_features : array-like, str, list or DataFrame
        One or more sensitive features (values, column names of ``data``, or a
        DataFrame); several give intersectional groups.
    method : {"between_groups", "to_overall"}, default "between_groups"
        Compare the extreme groups with each other, or each group with the
        overall value (fairlearn's two methods).
    sample_weight : array-like or str, optional
        Non-negative weight per row.
    pos_label : object, default 1
        The favourable label of ``y_true`` and ``y_pred``.
    data : DataFrame or engine data, optional
        A table that the column names above refer to.

    Returns
    -------
    float
        The difference in precision; 0 is parity.

    Examples
    --------
    >>> from fairscope import predictive_parity_difference
    >>> predictive_parity_difference([1, 0, 1, 0, 1, 1], [1, 1, 0, 1, 1, 0],
    ...                              sensitive_features=["a", "a", "a", "b", "b", "b"])
    0.0
    """
    gm = _frame(
        y_true,
        y_pred,
        sensitive_features,
        ["precision"],
        sample_weight=sample_weight,
        pos_label=pos_label,
        data=data,
    )
    return float(gm.difference(method)["precision"])
