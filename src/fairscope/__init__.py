"""fairscope: audit AI systems for bias, with honest uncertainty and transparency reports.

The public API is re-exported here and imported lazily, so ``import fairscope``
stays fast and loads neither matplotlib nor any optional engine.

Examples
--------
>>> import fairscope
>>> gm = fairscope.GroupMetrics(y_true=[1, 0, 1, 0], y_pred=[1, 0, 0, 0],
...                             sensitive_features=["a", "a", "b", "b"])
>>> gm.by_group["selection_rate"].tolist()
[0.5, 0.0]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fairscope._version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "GroupMetrics": "fairscope.group_metrics",
    "GroupCounts": "fairscope.counts",
    "AuditResult": "fairscope.result",
    "Finding": "fairscope.result",
    "Status": "fairscope.result",
    "demographic_parity_difference": "fairscope.fairness",
    "demographic_parity_ratio": "fairscope.fairness",
    "equalized_odds_difference": "fairscope.fairness",
    "equalized_odds_ratio": "fairscope.fairness",
    "equal_opportunity_difference": "fairscope.fairness",
    "equal_opportunity_ratio": "fairscope.fairness",
    "predictive_parity_difference": "fairscope.fairness",
    "interval_verdict": "fairscope.verdicts",
    "get_metric": "fairscope.metrics",
    "audit_predictions": "fairscope.audit",
    # added by their issues:
    "audit_model": "fairscope.model_audit",
    "audit_dataset": "fairscope.dataset_audit",
    "reweighing_weights": "fairscope.reweighing",
    "Policy": "fairscope.policy",
    "load_policy": "fairscope.policy",
    "apply_policy": "fairscope.policy",
    "compare": "fairscope.comparison",
    "counterfactual_flip_test": "fairscope.counterfactual",
}
_SUBMODULES = {"metrics", "datasets", "sklearn", "testing", "mitigate", "engines"}

__all__ = ["__version__", *_EXPORTS, *_SUBMODULES]

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.audit import audit_predictions
    from fairscope.counterfactual import counterfactual_flip_test
    from fairscope.counts import GroupCounts
    from fairscope.fairness import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equal_opportunity_difference,
        equal_opportunity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
        predictive_parity_difference,
    )
    from fairscope.group_metrics import GroupMetrics
    from fairscope.metrics import get_metric
    from fairscope.model_audit import audit_model
    from fairscope.result import AuditResult, Finding, Status
    from fairscope.verdicts import interval_verdict


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"fairscope.{name}")
    raise AttributeError(f"module 'fairscope' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
