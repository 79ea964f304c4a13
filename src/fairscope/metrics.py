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

from fairscope.core._registry import (
    CELLS,
    DEFAULT_METRICS,
    REGISTRY,
    Metric,
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
