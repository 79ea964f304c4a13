"""The metric registry: every metric fairscope knows is declared here, once.

Each metric names the sufficient statistics it reads (:attr:`Metric.statistic`)
and gives its formula over them:

- ``"confusion"``: the four confusion cells of a group, ``TN, FP, FN, TP``
  (weighted sums when there are sample weights), on the last axis of an array
  in that order, so every formula works unchanged on one group, on all
  groups, and on a leading axis of bootstrap replicates;
- ``"score"``: a :class:`~fairscope.core._score_statistics.ScoreStatistics`
  (score histograms by label);
- ``"moments"``: a :class:`~fairscope.core._moments.RegressionMoments`.

Formulas over statistics objects return one value per group. Tables, plots,
policies, the CLI's help and the docs read this registry; nothing else lists
metrics. Adding a metric is adding one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from fairscope.core._formulas import (  # noqa: F401 - TN, FP, FN, TP re-exported
    FN,
    FP,
    TN,
    TP,
    auc_from_histograms,
    average_precision_from_histograms,
    balanced_accuracy,
    expected_calibration_error,
    f1,
    moment_mean,
    multiclass_accuracy,
    per_weight,
    r2,
    rmse,
    safe_divide,
    treatment_equality,
)
from fairscope.core._formulas_peers import (
    f_beta,
    jain_index_of_errors,
    prediction_target_correlation,
)
from fairscope.core._formulas_pooled import (
    average_odds_difference_vs_rest,
    cohens_d_vs_rest,
    disparate_impact_ratio_vs_rest,
    parity_loss_contributions,
    parity_loss_total,
    statistical_parity_auc_vs_rest,
    statistical_parity_difference_vs_rest,
    z_score_difference_vs_rest,
)
from fairscope.core._shares import predicted_positive_share

#: Order of the confusion cells on the last axis of a counts array.
CELLS: tuple[str, ...] = ("tn", "fp", "fn", "tp")
_CELL_INDEX = {name: i for i, name in enumerate(CELLS)}

Direction = Literal["higher", "lower", "neutral"]
#: The sufficient statistics a metric is computed from.
Statistic = Literal["confusion", "score", "moments", "multiclass"]

if TYPE_CHECKING:
    import pandas as pd

_FAIRLEARN = (
    "Weerts et al., Fairlearn: Assessing and Improving Fairness of AI Systems, JMLR 24 (2023)"
)
_SALEIRO = "P. Saleiro et al., Aequitas: A Bias and Fairness Audit Toolkit, arXiv:1811.05577"
_FAWCETT = "T. Fawcett, An introduction to ROC analysis, Pattern Recognition Letters 27 (2006)"
_VERMA = "S. Verma and J. Rubin, Fairness Definitions Explained, FairWare 2018"
_BRODERSEN = (
    "K. H. Brodersen et al., The balanced accuracy and its posterior distribution, ICPR 2010"
)
_BERK = (
    "R. Berk et al., Fairness in Criminal Justice Risk Assessments: The State of the Art, "
    "Sociological Methods & Research 50 (2021)"
)


_safe_divide = safe_divide


@dataclass(frozen=True)
class Metric:
    """One metric: its names, the statistics it reads, its formula, and documentation.

    ``statistic`` names the sufficient statistics (``"confusion"`` cells,
    ``"score"`` histograms, regression ``"moments"``); ``formula`` maps them to
    one value per group. ``ideal`` is the value a group should have when it is
    neither "higher" nor "lower" is better (0 for the mean error).

    A *proportion* metric is ``sum(numerator cells) / sum(denominator cells)``:
    a share of one population of rows (for example the false positive rate is
    the share of predicted positives among rows whose label is negative). These
    get binomial intervals and two-proportion tests on their own denominator.
    Other metrics (F1, balanced accuracy, treatment equality) give a ``formula``.
    """

    name: str
    label: str
    definition: str
    formula_text: str
    direction: Direction
    reference: str
    aliases: tuple[str, ...] = ()
    numerator: tuple[str, ...] | None = None
    denominator: tuple[str, ...] | None = None
    formula: Callable[[Any], np.ndarray] | None = field(default=None, repr=False)
    uses_row_counts: bool = False
    task: str = "binary"
    statistic: Statistic = "confusion"
    ideal: float | None = None
    #: Value over all rows from the groups' statistics, when it is not the formula of the
    #: summed cells (dalex's parity loss: the sum of the groups' terms).
    overall_formula: Callable[[Any], np.ndarray] | None = field(default=None, repr=False)

    @property
    def is_proportion(self) -> bool:
        """Whether the metric is a share of a population of rows (binomial)."""
        return self.numerator is not None

    @property
    def undefined_when(self) -> str:
        """Plain words for the case in which the metric is 0/0."""
        if self.denominator is None:
            return "its denominator is 0"
        cells = " + ".join(c.upper() for c in self.denominator)
        return f"{cells} is 0 in this group"

    def numerator_denominator(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the numerator and denominator sums of a proportion metric."""
        if not self.is_proportion:
            raise TypeError(f"metric {self.name!r} is not a proportion")
        num = _sum_cells(cells, self.numerator)
        den = _sum_cells(cells, self.denominator)
        return num, den

    def compute(self, cells: Any, rows: np.ndarray | None = None) -> np.ndarray:
        """Compute the metric from its sufficient statistics.

        Parameters
        ----------
        cells : ndarray of shape (..., 4), or a statistics object
            For ``statistic="confusion"``: weighted confusion counts ``TN, FP,
            FN, TP`` on the last axis. Otherwise the statistics object the
            metric reads (e.g. :class:`~fairscope.core._moments.RegressionMoments`).
        rows : ndarray of shape (..., 4), optional
            Unweighted row counts; used by metrics that count rows (``count``).

        Returns
        -------
        ndarray
            The metric (one value per group), NaN where it is undefined (0/0).

        Examples
        --------
        >>> import numpy as np
        >>> float(get_metric("fpr").compute(np.array([3.0, 1.0, 0.0, 2.0])))
        0.25
        """
        if self.statistic != "confusion":
            if isinstance(cells, np.ndarray | list | tuple):
                raise ValueError(
                    f"metric {self.name!r} is a {self.task} metric computed from "
                    f"{_SOURCES[self.statistic]}, not from confusion counts; it cannot be used "
                    "in GroupMetrics."
                )
            assert self.formula is not None
            return self.formula(cells)
        cells = np.asarray(cells, dtype=float)
        if self.uses_row_counts:
            source = cells if rows is None else np.asarray(rows, dtype=float)
            return np.asarray(source.sum(axis=-1))
        if self.is_proportion:
            num, den = self.numerator_denominator(cells)
            return _safe_divide(num, den)
        assert self.formula is not None
        return self.formula(cells)

    def compute_overall(self, cells: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Compute the metric over all rows from the groups' confusion counts.

        Parameters
        ----------
        cells : ndarray of shape (..., n_groups, 4)
            Weighted confusion counts per group.
        rows : ndarray of shape (..., n_groups, 4), optional
            Unweighted row counts per group.

        Returns
        -------
        ndarray of shape (...)
            The metric of the summed counts, or :attr:`overall_formula` of the groups.

        Examples
        --------
        >>> import numpy as np
        >>> cells = np.array([[3.0, 1.0, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0]])
        >>> float(get_metric("fpr").compute_overall(cells))
        0.3333333333333333
        """
        cells = np.asarray(cells, dtype=float)
        if self.overall_formula is not None:
            return np.asarray(self.overall_formula(cells))
        summed_rows = None if rows is None else np.asarray(rows).sum(axis=-2, keepdims=True)
        return np.asarray(self.compute(cells.sum(axis=-2, keepdims=True), summed_rows)[..., 0])


_SOURCES = {
    "score": "scores (fairscope.audit_predictions(..., y_score=...))",
    "moments": "targets and predictions (fairscope.audit_predictions(..., task='regression'))",
    "multiclass": "class labels (fairscope.audit_predictions(..., task='multiclass'))",
}


def _sum_cells(cells: np.ndarray, names: Iterable[str] | None) -> np.ndarray:
    idx = [_CELL_INDEX[n] for n in names or ()]
    return np.asarray(np.asarray(cells, dtype=float)[..., idx].sum(axis=-1))


def _proportion(
    name: str,
    label: str,
    numerator: tuple[str, ...],
    denominator: tuple[str, ...],
    direction: Direction,
    definition: str,
    reference: str,
    aliases: tuple[str, ...] = (),
) -> Metric:
    num = " + ".join(c.upper() for c in numerator)
    den = " + ".join(c.upper() for c in denominator)
    if len(denominator) == 4:
        den = "N"
    return Metric(
        name=name,
        label=label,
        definition=definition,
        formula_text=f"({num}) / ({den})" if len(numerator) > 1 else f"{num} / ({den})",
        direction=direction,
        reference=reference,
        aliases=aliases,
        numerator=numerator,
        denominator=denominator,
    )


_ALL = ("tn", "fp", "fn", "tp")

_METRICS: tuple[Metric, ...] = (
    Metric(
        name="count",
        label="Count",
        definition="Number of rows in the group (unweighted).",
        formula_text="N",
        direction="neutral",
        reference=_FAIRLEARN,
        aliases=("n", "size"),
        uses_row_counts=True,
    ),
    _proportion(
        "selection_rate",
        "Selection rate",
        ("fp", "tp"),
        _ALL,
        "neutral",
        "Share of the group that the model predicts positive (is selected).",
        _FAIRLEARN,
        ("sr", "positive_rate", "demographic_parity"),
    ),
    Metric(
        name="predicted_positive_share",
        label="Predicted positive share",
        definition=(
            "Share of all predicted positives that fall in the group (Aequitas' ppr); "
            "the groups' shares add up to 1."
        ),
        formula_text="(FP + TP) / sum over groups of (FP + TP)",
        direction="neutral",
        reference=_SALEIRO,
        aliases=("ppr",),
        formula=predicted_positive_share,
    ),
    _proportion(
        "base_rate",
        "Base rate",
        ("fn", "tp"),
        _ALL,
        "neutral",
        "Share of the group whose true label is positive (prevalence).",
        _VERMA,
        ("prevalence", "br"),
    ),
    _proportion(
        "true_positive_rate",
        "True positive rate",
        ("tp",),
        ("tp", "fn"),
        "higher",
        "Share of truly positive rows that the model predicts positive (recall, sensitivity).",
        _FAWCETT,
        ("tpr", "recall", "sensitivity", "equal_opportunity"),
    ),
    _proportion(
        "false_positive_rate",
        "False positive rate",
        ("fp",),
        ("fp", "tn"),
        "lower",
        "Share of truly negative rows that the model predicts positive.",
        _FAWCETT,
        ("fpr", "fall_out"),
    ),
    _proportion(
        "true_negative_rate",
        "True negative rate",
        ("tn",),
        ("tn", "fp"),
        "higher",
        "Share of truly negative rows that the model predicts negative (specificity).",
        _FAWCETT,
        ("tnr", "specificity", "selectivity"),
    ),
    _proportion(
        "false_negative_rate",
        "False negative rate",
        ("fn",),
        ("fn", "tp"),
        "lower",
        "Share of truly positive rows that the model predicts negative (miss rate).",
        _FAWCETT,
        ("fnr", "miss_rate"),
    ),
    _proportion(
        "precision",
        "Precision",
        ("tp",),
        ("tp", "fp"),
        "higher",
        "Share of predicted positives that are truly positive (positive predictive value).",
        _FAWCETT,
        ("ppv", "positive_predictive_value", "predictive_parity"),
    ),
    _proportion(
        "negative_predictive_value",
        "Negative predictive value",
        ("tn",),
        ("tn", "fn"),
        "higher",
        "Share of predicted negatives that are truly negative.",
        _FAWCETT,
        ("npv",),
    ),
    _proportion(
        "false_discovery_rate",
        "False discovery rate",
        ("fp",),
        ("fp", "tp"),
        "lower",
        "Share of predicted positives that are truly negative (1 - precision).",
        _BERK,
        ("fdr",),
    ),
    _proportion(
        "false_omission_rate",
        "False omission rate",
        ("fn",),
        ("fn", "tn"),
        "lower",
        "Share of predicted negatives that are truly positive (1 - NPV).",
        _BERK,
        ("for",),
    ),
    _proportion(
        "accuracy",
        "Accuracy",
        ("tn", "tp"),
        _ALL,
        "higher",
        "Share of rows whose prediction equals the true label.",
        _FAWCETT,
        ("acc", "accuracy_score"),
    ),
    _proportion(
        "error_rate",
        "Error rate",
        ("fp", "fn"),
        _ALL,
        "lower",
        "Share of rows whose prediction differs from the true label (1 - accuracy).",
        _FAWCETT,
        ("err", "zero_one_loss"),
    ),
    Metric(
        name="balanced_accuracy",
        label="Balanced accuracy",
        definition="Mean of the true positive rate and the true negative rate.",
        formula_text="(TP / (TP + FN) + TN / (TN + FP)) / 2",
        direction="higher",
        reference=_BRODERSEN,
        aliases=("bacc", "balanced_accuracy_score"),
        formula=balanced_accuracy,
    ),
    Metric(
        name="f1",
        label="F1 score",
        definition="Harmonic mean of precision and recall.",
        formula_text="2 TP / (2 TP + FP + FN)",
        direction="higher",
        reference=_FAWCETT,
        aliases=("f1_score", "f_score"),
        formula=f1,
    ),
    Metric(
        name="treatment_equality",
        label="Treatment equality",
        definition="Ratio of false negatives to false positives (Berk et al.).",
        formula_text="FN / FP",
        direction="neutral",
        reference=_BERK,
        aliases=("te", "fn_fp_ratio"),
        formula=treatment_equality,
    ),
)


# -- metrics of other tasks (issue 4): computed from score histograms or moment sums,
# not from the four confusion cells; ``task`` keeps them out of binary listings.
_HANLEY = (
    "J. A. Hanley and B. J. McNeil, The meaning and use of the area under a receiver "
    "operating characteristic (ROC) curve, Radiology 143 (1982)"
)
_NAEINI = (
    "M. P. Naeini, G. Cooper and M. Hauskrecht, Obtaining well calibrated probabilities "
    "using Bayesian binning, AAAI 2015"
)
_BRIER = "G. W. Brier, Verification of forecasts expressed in terms of probability, MWR 78 (1950)"
_REGRESSION_REF = (
    "R. Berk et al., A convex framework for fair regression, FAT/ML 2017; "
    "A. Agarwal, M. Dudik and Z. S. Wu, Fair regression, ICML 2019"
)


_SCORE_FORMULAS: dict[str, Callable[[Any], np.ndarray]] = {
    "roc_auc": lambda s: auc_from_histograms(s.positives, s.negatives),
    "average_precision": lambda s: average_precision_from_histograms(s.positives, s.negatives),
    "brier_score": per_weight("brier"),
    "log_loss": per_weight("log_loss"),
    "expected_calibration_error": lambda s: expected_calibration_error(s.calibration),
    "mean_prediction": moment_mean("sum_yhat", centred=True),
    "mean_target": moment_mean("sum_y", centred=True),
    "mean_error": moment_mean("sum_residual", sign=-1.0),
    "mean_absolute_error": moment_mean("sum_abs_residual"),
    "root_mean_squared_error": rmse,
    "r2": r2,
}


def _task_metric(
    name: str,
    label: str,
    task: str,
    direction: Direction,
    definition: str,
    formula_text: str,
    reference: str,
    aliases: tuple[str, ...] = (),
    ideal: float | None = None,
) -> Metric:
    return Metric(
        name=name,
        label=label,
        definition=definition,
        formula_text=formula_text,
        direction=direction,
        reference=reference,
        aliases=aliases,
        formula=_SCORE_FORMULAS[name],
        task=task,
        statistic="score" if task == "score" else "moments",
        ideal=ideal,
    )


_TASK_METRICS: tuple[Metric, ...] = (
    _task_metric(
        "roc_auc",
        "ROC AUC",
        "score",
        "higher",
        "Probability that a random positive row scores higher than a random negative row "
        "(ties count half).",
        "P(s+ > s-) + P(s+ = s-) / 2",
        _HANLEY,
        ("auc", "roc_auc_score"),
    ),
    _task_metric(
        "average_precision",
        "Average precision",
        "score",
        "higher",
        "Precision averaged over recall levels (area under the step-wise precision-recall curve).",
        "sum_k (R_k - R_k-1) P_k",
        _FAWCETT,
        ("ap", "average_precision_score"),
    ),
    _task_metric(
        "brier_score",
        "Brier score",
        "score",
        "lower",
        "Mean squared difference between the predicted probability and the label.",
        "mean((p - y)^2)",
        _BRIER,
        ("brier", "brier_score_loss"),
    ),
    _task_metric(
        "log_loss",
        "Log loss",
        "score",
        "lower",
        "Mean negative log-likelihood of the labels under the predicted probabilities.",
        "-mean(y log p + (1 - y) log(1 - p))",
        _BRIER,
        ("cross_entropy",),
    ),
    _task_metric(
        "expected_calibration_error",
        "Expected calibration error",
        "score",
        "lower",
        "Weighted mean, over equal-width score bins, of |mean score - share of positives|.",
        "sum_b (n_b / N) |mean(p)_b - mean(y)_b|",
        _NAEINI,
        ("ece",),
    ),
    _task_metric(
        "mean_prediction",
        "Mean prediction",
        "regression",
        "neutral",
        "Mean predicted value in the group (the regression analogue of the selection rate).",
        "mean(y_pred)",
        _REGRESSION_REF,
        ("average_prediction",),
    ),
    _task_metric(
        "mean_target",
        "Mean target",
        "regression",
        "neutral",
        "Mean true value in the group (the regression analogue of the base rate).",
        "mean(y_true)",
        _REGRESSION_REF,
        ("average_target",),
    ),
    _task_metric(
        "mean_error",
        "Mean error (bias)",
        "regression",
        "neutral",
        "Mean of prediction minus target; positive means the group is over-predicted.",
        "mean(y_pred - y_true)",
        _REGRESSION_REF,
        ("bias", "mean_signed_error"),
        ideal=0.0,
    ),
    _task_metric(
        "mean_absolute_error",
        "Mean absolute error",
        "regression",
        "lower",
        "Mean absolute difference between prediction and target.",
        "mean(|y_pred - y_true|)",
        _REGRESSION_REF,
        ("mae",),
    ),
    _task_metric(
        "root_mean_squared_error",
        "Root mean squared error",
        "regression",
        "lower",
        "Square root of the mean squared difference between prediction and target.",
        "sqrt(mean((y_pred - y_true)^2))",
        _REGRESSION_REF,
        ("rmse",),
    ),
    _task_metric(
        "r2",
        "R squared",
        "regression",
        "higher",
        "Share of the group's target variance explained by the predictions.",
        "1 - SSE / SST",
        _REGRESSION_REF,
        ("r2_score", "r_squared"),
    ),
)
_MULTICLASS_METRICS: tuple[Metric, ...] = (
    Metric(
        name="multiclass_accuracy",
        label="Multiclass accuracy",
        definition="Share of rows whose predicted class is the true class.",
        formula_text="trace(C) / sum(C)",
        direction="higher",
        reference=_FAWCETT,
        aliases=("accuracy_multiclass",),
        formula=multiclass_accuracy,
        task="multiclass",
        statistic="multiclass",
    ),
)
_METRICS = _METRICS + _TASK_METRICS + _MULTICLASS_METRICS

# -- issue 16: metrics the peers measure per group (fairlearn's F-beta; holisticai's Jain
# index and correlation of regression predictions). Summaries between two groups under the
# peers' names (disparate_impact_ratio, cohens_d, parity_loss, ...) are functions in
# fairscope.compute._two_groups and fairscope.compute._group_summaries.
_JAIN = (
    "R. Jain, D.-M. Chiu and W. Hawe, A Quantitative Measure of Fairness and Discrimination "
    "for Resource Allocation in Shared Computer Systems, DEC-TR-301 (1984)"
)


def fbeta_metric(beta: float) -> Metric:
    """The F-beta score as a metric, for any ``beta`` (F0.5 and F2 are registered).

    Parameters
    ----------
    beta : float
        Weight of recall relative to precision.

    Returns
    -------
    Metric
        Usable wherever a metric name is (``GroupMetrics(metrics=[fbeta_metric(3)])``).

    Examples
    --------
    >>> fbeta_metric(0.5).name
    'f0_5'
    """
    name = f"f{beta:g}".replace(".", "_")  # a dot would break anchors and column names
    return Metric(
        name=name,
        label=f"F{beta:g} score",
        definition=f"Weighted harmonic mean of precision and recall, recall weighted {beta:g}x.",
        formula_text=f"(1 + {beta:g}^2) TP / ((1 + {beta:g}^2) TP + {beta:g}^2 FN + FP)",
        direction="higher",
        reference=_FAWCETT,
        aliases=tuple(
            a
            for a in dict.fromkeys((f"f{beta:g}", f"{name}_score", f"fbeta_{name[1:]}"))
            if a != name
        ),
        formula=f_beta(beta),
    )


_PEER_METRICS: tuple[Metric, ...] = (
    fbeta_metric(0.5),
    fbeta_metric(2.0),
    Metric(
        name="jain_index",
        label="Jain's index of errors",
        definition="Equality of the absolute errors over the group's rows (1: all equal).",
        formula_text="(sum |e|)^2 / (n sum e^2)",
        direction="higher",
        reference=_JAIN,
        aliases=("jain", "jain_fairness_index"),
        formula=jain_index_of_errors,
        task="regression",
        statistic="moments",
    ),
    Metric(
        name="prediction_target_correlation",
        label="Correlation of prediction and target",
        definition="Pearson correlation of predictions and targets within the group.",
        formula_text="cov(y_pred, y_true) / (sd(y_pred) sd(y_true))",
        direction="higher",
        reference=_REGRESSION_REF,
        aliases=("correlation", "pearson_r"),
        formula=prediction_target_correlation,
        task="regression",
        statistic="moments",
    ),
)
_AIF360 = "R. K. E. Bellamy et al., AI Fairness 360, IBM J. Res. Dev. 63 (2019)"
_HOLISTIC = "holisticai (Holistic AI), bias metrics: cohen_d, zscore_diff, statistical_parity_auc"
_DALEX = "H. Baniecki et al., dalex: Responsible Machine Learning, JMLR 22 (2021)"
_VS_REST = (
    " Each group against all other rows pooled (AIF360's unprivileged vs privileged); "
    "parity when there are no other rows (the overall row)."
)


def _vs_rest(
    name: str,
    label: str,
    definition: str,
    formula_text: str,
    ideal: float,
    reference: str,
    aliases: tuple[str, ...],
    formula: Callable[[Any], np.ndarray],
    task: str = "binary",
) -> Metric:
    statistics: dict[str, Statistic] = {
        "binary": "confusion",
        "score": "score",
        "regression": "moments",
    }
    return Metric(
        name=name,
        label=label,
        definition=definition + _VS_REST,
        formula_text=formula_text,
        direction="neutral",
        reference=reference,
        aliases=aliases,
        formula=formula,
        task=task,
        statistic=statistics[task],
        ideal=ideal,
    )


# The peers' two-sided comparisons as per-group metrics: group g is the unprivileged side,
# every other row the privileged side (formulas in core/_formulas_pooled.py).
_PEER_VS_REST: tuple[Metric, ...] = (
    _vs_rest(
        "disparate_impact_ratio",
        "Disparate impact (vs rest)",
        "Selection rate of the group over that of all other rows (AIF360's disparate impact).",
        "SR_g / SR_rest",
        1.0,
        _AIF360,
        ("disparate_impact",),
        disparate_impact_ratio_vs_rest,
    ),
    _vs_rest(
        "statistical_parity_difference",
        "Statistical parity difference (vs rest)",
        "Selection rate of the group minus that of all other rows (AIF360).",
        "SR_g - SR_rest",
        0.0,
        _AIF360,
        ("spd",),
        statistical_parity_difference_vs_rest,
    ),
    _vs_rest(
        "average_odds_difference",
        "Average odds difference (vs rest)",
        "Mean of the FPR and TPR differences between the group and all other rows (AIF360).",
        "((FPR_g - FPR_rest) + (TPR_g - TPR_rest)) / 2",
        0.0,
        _AIF360,
        ("aod",),
        average_odds_difference_vs_rest,
    ),
    _vs_rest(
        "cohens_d",
        "Cohen's d of predictions (vs rest)",
        "Standardized difference of the 0/1 predictions' means, group minus rest (holisticai).",
        "(SR_g - SR_rest) / s, s^2 = ((n_g - 1) v_g + (n_r - 1) v_r) / (n_g + n_r - 2), "
        "v = SR (1 - SR)",
        0.0,
        _HOLISTIC,
        ("cohen_d",),
        cohens_d_vs_rest,
    ),
    _vs_rest(
        "z_score_difference",
        "z-score difference of predictions (vs rest)",
        "Cohen's d of the regression predictions, group minus rest (holisticai's zscore_diff).",
        "(mean_g - mean_rest) / s, s^2 = ((n_g - 1) v_g + (n_r - 1) v_r) / (n_g + n_r - 2)",
        0.0,
        _HOLISTIC,
        ("zscore_diff",),
        z_score_difference_vs_rest,
        task="regression",
    ),
    _vs_rest(
        "statistical_parity_auc",
        "Statistical parity AUC (vs rest)",
        "Mean over 150 score quantile cut-offs of |pass rate of the group - of the rest| "
        "(holisticai; below 0.075 is acceptable there).",
        "mean_c |P(s >= c | g) - P(s >= c | rest)|, c = quantiles linspace(1, 0, 150)",
        0.0,
        _HOLISTIC,
        ("sp_auc",),
        statistical_parity_auc_vs_rest,
        task="score",
    ),
    Metric(
        name="parity_loss",
        label="Parity loss term (TPR)",
        definition=(
            "The group's term of dalex's parity loss on the true positive rate, against the "
            "group with the most weight; the overall value is the loss, the sum of the terms."
        ),
        formula_text="|ln(TPR_g / TPR_largest)|; overall: sum over groups",
        direction="lower",
        reference=_DALEX,
        aliases=("parity_loss_tpr",),
        formula=parity_loss_contributions,
        ideal=0.0,
        overall_formula=parity_loss_total,
    ),
)
_METRICS = _METRICS + _PEER_METRICS + _PEER_VS_REST

#: The peers' comparisons between groups (not per-group metrics), where they live.
PEER_COMPARISONS: dict[str, str] = {
    name: f"fairscope.metrics.{name}"
    for name in (
        "z_test_difference",
        "z_test_ratio",
        "disparate_impact_at_quantile",
        "correlation_difference",
    )
}
PEER_COMPARISONS["generalized_entropy_index"] = "fairscope.inequality.generalized_entropy_index"
PEER_COMPARISONS["theil_index"] = "fairscope.inequality.theil_index"
PEER_COMPARISONS["consistency"] = "fairscope.individual.consistency_score"
# -- end of issue 16 block

#: Metrics by canonical name, in declaration order.
REGISTRY: dict[str, Metric] = {m.name: m for m in _METRICS}

_LOOKUP: dict[str, str] = {}
for _m in _METRICS:
    for _key in (_m.name, *_m.aliases):
        if _key in _LOOKUP:  # pragma: no cover - guards the table above
            raise RuntimeError(f"metric name {_key!r} declared twice")
        _LOOKUP[_key] = _m.name

#: The default audit set of :class:`fairscope.GroupMetrics`.
DEFAULT_METRICS: tuple[str, ...] = (
    "count",
    "selection_rate",
    "base_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
    "accuracy",
)


#: The per-class (one-vs-rest) confusion metrics of a multiclass audit's tables.
CLASS_METRICS: tuple[str, ...] = (
    "selection_rate",
    "base_rate",
    "true_positive_rate",
    "false_positive_rate",
    "precision",
    "accuracy",
)


def metrics_for(statistic: Statistic) -> tuple[Metric, ...]:
    """The registered metrics computed from one kind of statistics, in declaration order.

    Examples
    --------
    >>> [m.name for m in metrics_for("moments")][:2]
    ['mean_prediction', 'mean_target']
    """
    return tuple(m for m in REGISTRY.values() if m.statistic == statistic)


def get_metric(name: str) -> Metric:
    """Return the registered metric for a canonical name or alias.

    Parameters
    ----------
    name : str
        Canonical name (``"false_positive_rate"``) or alias (``"fpr"``); case and
        hyphens are ignored.

    Returns
    -------
    Metric

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.

    Examples
    --------
    >>> from fairscope.core._registry import get_metric
    >>> get_metric("fpr").name
    'false_positive_rate'
    """
    if isinstance(name, Metric):
        return name
    if not isinstance(name, str):
        raise TypeError(f"metric names must be strings, got {type(name).__name__}: {name!r}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return REGISTRY[_LOOKUP[key]]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(_LOOKUP), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        if key in PEER_COMPARISONS:
            hint = (
                f" {name!r} compares groups, it is not a per-group metric: call "
                f"{PEER_COMPARISONS[key]}(...)."
            )
        raise ValueError(
            f"unknown metric {name!r}.{hint} Known metrics: {', '.join(REGISTRY)} "
            "(run `fairscope metrics` or see fairscope.core._registry.REGISTRY for aliases)."
        ) from None


def resolve_metrics(metrics: str | Iterable[str] | None) -> list[Metric]:
    """Resolve a metric name, a list of names, or None (the default set) to metrics.

    Parameters
    ----------
    metrics : str, iterable of str, or None
        Names or aliases; None gives :data:`DEFAULT_METRICS`.

    Returns
    -------
    list of Metric
        In the order given, without duplicates.

    Raises
    ------
    ValueError
        If a name is unknown or the list is empty.

    Examples
    --------
    >>> [m.name for m in resolve_metrics(["fpr", "tpr", "fpr"])]
    ['false_positive_rate', 'true_positive_rate']
    """
    if metrics is None:
        metrics = DEFAULT_METRICS
    if isinstance(metrics, str | Metric):
        metrics = [metrics]
    resolved: list[Metric] = []
    for name in metrics:
        metric = get_metric(name)
        if metric not in resolved:
            resolved.append(metric)
    if not resolved:
        raise ValueError("metrics is empty; pass at least one metric name, or None for defaults")
    return resolved


def metrics_table() -> pd.DataFrame:
    """Return the registry as a DataFrame (one row per metric), for docs and the CLI.

    Returns
    -------
    pandas.DataFrame
        Indexed by canonical name, with label, aliases, formula, direction, definition,
        reference, task and the statistics each metric reads.

    Examples
    --------
    >>> from fairscope.core._registry import metrics_table
    >>> "false_positive_rate" in metrics_table().index
    True
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "name": m.name,
                "label": m.label,
                "aliases": ", ".join(m.aliases),
                "formula": m.formula_text,
                "direction": m.direction,
                "proportion": m.is_proportion,
                "definition": m.definition,
                "reference": m.reference,
                "task": m.task,
                "statistic": m.statistic,
            }
            for m in REGISTRY.values()
        ]
    ).set_index("name")
