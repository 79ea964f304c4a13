"""The tables an AuditResult may hold: their names, declared columns, titles and meaning.

An audit stores its numbers as named pandas tables. This module is the one
list of the tables fairscope produces and of the columns each declares, so
that loading a saved result (:func:`check_table`), the renderers (titles and
descriptions, through :meth:`AuditResult.table_spec
<fairscope.result._audit_result.AuditResult.table_spec>`) and the docs agree
on what a table holds. A table that is not listed here (one added by a user or
by a newer fairscope) is still kept and shown, as a plain table.

Columns marked optional appear only in some audits (``class`` in a multiclass
audit, ``reference_share`` when a reference population was given). Tables
whose ``open`` flag is set carry one further column per metric of the
registry (``group_metrics`` has ``selection_rate``, ``precision``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class TableSpec:
    """What one named table of an :class:`~fairscope.AuditResult` holds.

    Attributes
    ----------
    name : str
        The key in ``AuditResult.tables``.
    title : str
        A heading for reports.
    description : str
        One or two sentences saying what the table shows.
    required : tuple of str
        Columns every table of this name has, in this order.
    optional : tuple of str
        Columns that only some audits add.
    open : bool
        Whether further columns (one per metric) are expected.
    section : str
        Where a report shows the table: ``"metrics"`` (the per-metric
        sections), ``"scores"`` or ``"dataset"`` (a titled section each), or
        ``"appendix"`` (as a plain table).
    """

    name: str
    title: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    open: bool = False
    section: str = "metrics"

    @property
    def columns(self) -> tuple[str, ...]:
        """Every declared column, required first."""
        return self.required + self.optional


_GROUP = ("feature", "group")
_INTERVAL = ("estimate", "lower", "upper")
_VERSUS = (
    "reference",
    "is_reference",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
    "p_value",
    "test",
    "small",
    "p_value_adjusted",
)

# The order is the order of a report's sections.
_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "group_metrics",
        "Metrics per group",
        "Each group's size and the value of every metric of the audit.",
        (*_GROUP, "n"),
        ("threshold", "selection"),
        open=True,
    ),
    TableSpec(
        "counts",
        "Confusion counts per group",
        "The sufficient statistics of a binary audit: true negatives, false positives, "
        "false negatives and true positives of each group (weighted sums with weights), "
        "predicted positives (pp = FP + TP) and negatives (pn = TN + FN), and a last row "
        "<overall> with the counts of every row.",
        (*_GROUP, "n", "tn", "fp", "fn", "tp"),
        ("pp", "pn", "weight", "rows_tn", "rows_fp", "rows_fn", "rows_tp"),
        section="appendix",
    ),
    TableSpec(
        "intervals",
        "Intervals per group",
        "Each group's metric with its confidence interval and the method that gave it.",
        (*_GROUP, "metric", *_INTERVAL, "n", "method"),
        ("class",),
    ),
    TableSpec(
        "disparities",
        "Disparities to the reference group",
        "Each group's metric compared with its feature set's reference group, as a ratio "
        "or a difference, with an interval for the comparison.",
        (*_GROUP, "metric", "kind", "reference", *_INTERVAL, "value", "reference_value", "n"),
        ("class", "threshold", "selection", "n_reference", "is_reference", "method"),
    ),
    TableSpec(
        "tests",
        "Tests of group differences",
        "A test of each group against the reference, with its p-value and the p-value "
        "adjusted for multiple comparisons over the audit's declared family.",
        (*_GROUP, "metric", "reference", "test", "p_value", "p_value_adjusted", "correction"),
        (
            "statistic",
            "dof",
            "value",
            "reference_value",
            "n",
            "n_reference",
            "n_tested",
            "n_tested_reference",
        ),
        section="appendix",
    ),
    TableSpec(
        "score_metrics",
        "Score-based metrics",
        "Ranking and probability quality per group (ROC AUC, average precision, Brier score, "
        "log loss, calibration error). These do not depend on a decision threshold.",
        (*_GROUP, "n"),
        ("n_positive", "n_negative", "roc_auc", "roc_auc_lower", "roc_auc_upper", "roc_auc_se"),
        open=True,
        section="scores",
    ),
    TableSpec(
        "threshold_sweep",
        "ROC curves and threshold sweep",
        "True and false positive rates of each group at every threshold. Curves that lie apart "
        "mean that no single threshold treats the groups alike.",
        (*_GROUP, "threshold", "selection_rate", "true_positive_rate", "false_positive_rate"),
        section="scores",
    ),
    TableSpec(
        "calibration",
        "Calibration",
        "Observed share of positives against the mean predicted score, per group. A score is "
        "calibrated for a group when its points lie on the diagonal.",
        (*_GROUP, "bin", "n", "mean_score", "fraction_positive"),
        ("bin_lower", "bin_upper", "weight"),
        section="scores",
    ),
    TableSpec(
        "multiclass_confusion",
        "Confusion matrix per group",
        "The K x K confusion counts of each group: rows of one true label and one predicted "
        "label, weighted and as rows.",
        (*_GROUP, "true_label", "predicted_label", "count"),
        ("rows",),
        section="appendix",
    ),
    TableSpec(
        "multiclass_metrics",
        "Per-class metrics per group",
        "One-vs-rest rates of every class for each group.",
        (*_GROUP, "n", "class"),
        open=True,
        section="appendix",
    ),
    TableSpec(
        "fairness_criteria",
        "Fairness criteria",
        "Each criterion's worst gap over classes and groups of a feature set.",
        ("feature", "criterion", "value"),
        ("worst_class", "definition"),
        section="appendix",
    ),
    TableSpec(
        "regression_metrics",
        "Regression metrics per group",
        "Mean prediction, mean target, errors and R² of each group, with standard errors "
        "and intervals of the means.",
        (*_GROUP, "n"),
        ("weight",),
        open=True,
        section="appendix",
    ),
    TableSpec(
        "selection_metrics",
        "Selection at a threshold",
        "Binary metrics of a regression audit whose predictions are turned into selections "
        "at a threshold.",
        (*_GROUP, "threshold", "selection", "n"),
        open=True,
        section="appendix",
    ),
    TableSpec(
        "representation",
        "Representation",
        "How many rows each group and intersection has, and its share of the data. Small or "
        "empty groups cannot be judged reliably; when a reference population was given, the "
        "representation ratio compares the share in the data with the share in that population.",
        (*_GROUP, "n", "share", "lower", "upper"),
        ("status", "reference_share", "representation_ratio", "ratio_lower", "ratio_upper"),
        section="dataset",
    ),
    TableSpec(
        "representation_tests",
        "Representation tests",
        "A goodness-of-fit test of each feature's group shares against the reference population.",
        ("feature", "statistic", "p_value"),
        ("df", "n", "groups_absent_from_data", "test"),
        section="appendix",
    ),
    TableSpec(
        "base_rates",
        "Base rates (label bias)",
        "The share of each group with the favourable label (or the mean of the target). "
        "Large gaps in the training labels are often reproduced by a model trained on them.",
        (*_GROUP, "statistic", "n", "value", "lower", "upper"),
        ("class", "count", *_VERSUS, "method"),
        section="dataset",
    ),
    TableSpec(
        "missingness",
        "Missingness",
        "How often each feature is missing in each group. A field missing much more often for "
        "one group can hide a biased data-collection process and degrade the model for it.",
        (*_GROUP, "column", "n", "n_missing", "missing_rate"),
        ("role", "lower", "upper", *_VERSUS, "flagged"),
        section="dataset",
    ),
    TableSpec(
        "proxies",
        "Proxies of the sensitive features",
        "How well other features predict the sensitive attribute. A strong proxy lets a model "
        "discriminate even when the sensitive feature itself is left out.",
        ("feature", "column"),
        (
            "rank",
            "kind",
            "mutual_information",
            "nmi",
            "uncertainty_coefficient",
            "importance",
            "importance_std",
            "importance_rows",
            "strength",
            "status",
            "is_proxy",
        ),
        section="dataset",
    ),
    TableSpec(
        "proxy_model",
        "Proxy model (all features together)",
        "A classifier (fitted once, or cross-validated) predicting each sensitive feature from all other features "
        "together; an AUC well above 0.5 means the features jointly encode the sensitive "
        "attribute, even when no single feature does.",
        ("feature", "auc"),
        (
            "auc_std",
            "auc_se",
            "n_rows",
            "n_groups",
            "n_features",
            "cv_folds",
            "validation",
            "subsampled",
            "sample_size",
            "excluded_groups",
            "classifier",
            "status",
        ),
        section="dataset",
    ),
    TableSpec(
        "feature_shift",
        "Feature shift across groups",
        "How differently features are distributed across groups (standardized mean difference "
        "for numbers, total variation distance for categories).",
        (*_GROUP, "column", "measure", "value"),
        (
            "kind",
            "n",
            "n_reference",
            "group_mean",
            "reference_mean",
            "reference",
            "is_reference",
            "flagged",
        ),
        section="dataset",
    ),
    TableSpec(
        "reweighing",
        "Reweighing",
        "Weights that make the label independent of the group (Kamiran and Calders, 2012), "
        "and the base rates they give.",
        (*_GROUP, "n"),
        ("class", "base_rate", "weighted_base_rate", "overall_base_rate", "sum_of_weights"),
        section="appendix",
    ),
    TableSpec(
        "comparison",
        "Comparison of two audits",
        "Per feature set and metric: the overall value, the largest difference and the "
        "smallest ratio between groups in both audits, the change, and which is better.",
        ("feature", "metric", "measure", "before", "after", "change", "better"),
        section="appendix",
    ),
    TableSpec(
        "tradeoff",
        "Fairness against performance",
        "Each audit's largest disparity against its overall performance, per feature set.",
        ("audit", "feature", "fairness", "performance"),
        ("fairness_metric", "fairness_measure", "performance_metric"),
        section="appendix",
    ),
    TableSpec(
        "cv_folds",
        "Disparities across cross-validation folds",
        "The pooled disparity of each group and its value in every fold (one column per "
        "fold), with their mean, spread and range.",
        (*_GROUP, "metric", "kind", "reference", "pooled"),
        ("mean", "std", "min", "max"),
        open=True,
        section="appendix",
    ),
)

# issue 16: AIF360's dataset measures in audit_dataset (fairscope.audits._dataset_peers)
_SPECS += (
    TableSpec(
        "dataset_metrics",
        "Dataset measures of the peers",
        "Per group against all other rows: class imbalance, KL divergence of the label "
        "distributions and conditional demographic disparity; per feature set the smoothed "
        "empirical differential fairness. The only dataset table sample_weight weights.",
        (*_GROUP, "metric", "value", "n", "weight"),
        section="appendix",
    ),
)

#: The known tables by name, in the order of a report's sections.
TABLES: Mapping[str, TableSpec] = {spec.name: spec for spec in _SPECS}


def table_spec(name: str) -> TableSpec | None:
    """The declared layout of a known table, or None for a table fairscope does not know.

    Parameters
    ----------
    name : str
        A key of ``AuditResult.tables``.

    Returns
    -------
    TableSpec or None

    Examples
    --------
    >>> from fairscope.result._tables import table_spec
    >>> table_spec("counts").required
    ('feature', 'group', 'n', 'tn', 'fp', 'fn', 'tp')
    >>> table_spec("my_table") is None
    True
    """
    return TABLES.get(name)


def check_table(name: str, frame: pd.DataFrame) -> None:
    """Refuse a known table that lacks a column it declares as required.

    Unknown tables pass unchecked: they are kept as they are.

    Parameters
    ----------
    name : str
        The table's name.
    frame : pandas.DataFrame
        The table (its index counts as columns, as saved by ``to_json``).

    Raises
    ------
    ValueError
        Naming the table and the missing columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.result._tables import check_table
    >>> check_table("counts", pd.DataFrame({"feature": ["race"]}))
    Traceback (most recent call last):
    ...
    ValueError: table 'counts' lacks the columns ['group', 'n', 'tn', 'fp', 'fn', 'tp'] it declares.
    """
    spec = TABLES.get(name)
    if spec is None:
        return
    present = {*map(str, frame.columns), *(str(n) for n in frame.index.names if n is not None)}
    missing = [c for c in spec.required if c not in present]
    if missing:
        raise ValueError(f"table {name!r} lacks the columns {missing} it declares.")


__all__ = ["TABLES", "TableSpec", "check_table", "table_spec"]
