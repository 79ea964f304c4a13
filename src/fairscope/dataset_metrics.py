"""Bias measures of a labelled dataset, before any model (AIF360's dataset metrics).

Examples
--------
>>> from fairscope.dataset_metrics import class_imbalance
>>> class_imbalance(sensitive_features=["m", "f", "f", "f"], privileged_groups="m")
0.5
"""

from fairscope.compute._dataset_metrics import (
    class_imbalance,
    conditional_demographic_disparity,
    kl_divergence,
    smoothed_empirical_differential_fairness,
)

__all__ = [
    "class_imbalance",
    "conditional_demographic_disparity",
    "kl_divergence",
    "smoothed_empirical_differential_fairness",
]
