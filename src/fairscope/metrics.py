"""The metric registry, public view: every metric fairscope knows, declared once.

The registry lives in :mod:`fairscope.core` (formulas over sufficient
statistics); this module is its stable public address.

Examples
--------
>>> from fairscope.metrics import REGISTRY, get_metric
>>> get_metric("fpr").name
'false_positive_rate'
>>> "selection_rate" in REGISTRY
True
"""

from fairscope.compute._derived_metrics import make_derived_metric
from fairscope.compute._generalized_rates import generalized_confusion_rates
from fairscope.compute._group_cutoffs import predict_with_group_cutoffs
from fairscope.compute._group_summaries import jain_index, parity_loss
from fairscope.compute._two_groups import (
    average_odds_difference,
    cohens_d,
    correlation_difference,
    disparate_impact_at_quantile,
    disparate_impact_ratio,
    statistical_parity_auc,
    statistical_parity_difference,
    top_quantile_mask,
    z_score_difference,
    z_test_difference,
    z_test_ratio,
)
from fairscope.core._registry import (
    CELLS,
    DEFAULT_METRICS,
    REGISTRY,
    Metric,
    fbeta_metric,
    get_metric,
    metrics_table,
    resolve_metrics,
)

__all__ = [
    "CELLS",
    "DEFAULT_METRICS",
    "REGISTRY",
    "Metric",
    "get_metric",
    "metrics_table",
    "resolve_metrics",
]
# issue 16: the peers' measures under their names
__all__ += [
    "average_odds_difference",
    "cohens_d",
    "correlation_difference",
    "disparate_impact_at_quantile",
    "disparate_impact_ratio",
    "fbeta_metric",
    "generalized_confusion_rates",
    "jain_index",
    "make_derived_metric",
    "parity_loss",
    "predict_with_group_cutoffs",
    "statistical_parity_auc",
    "statistical_parity_difference",
    "top_quantile_mask",
    "z_score_difference",
    "z_test_difference",
    "z_test_ratio",
]
