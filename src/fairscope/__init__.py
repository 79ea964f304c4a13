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

from fairscope._moved import install as _serve_moved_modules
from fairscope._version import __version__

_serve_moved_modules()

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "GroupMetrics": "fairscope.compute._group_metrics",
    "GroupCounts": "fairscope.core._counts",
    "AuditResult": "fairscope.result._audit_result",
    "Finding": "fairscope.core._findings",
    "Status": "fairscope.core._findings",
    "demographic_parity_difference": "fairscope.compute._fairness",
    "demographic_parity_ratio": "fairscope.compute._fairness",
    "equalized_odds_difference": "fairscope.compute._fairness",
    "equalized_odds_ratio": "fairscope.compute._fairness",
    "equal_opportunity_difference": "fairscope.compute._fairness",
    "equal_opportunity_ratio": "fairscope.compute._fairness",
    "predictive_parity_difference": "fairscope.compute._fairness",
    "interval_verdict": "fairscope.core._verdicts",
    "get_metric": "fairscope.core._registry",
    "audit_predictions": "fairscope.audits._predictions",
    "ScoreOptions": "fairscope.audits._options",
    "RegressionOptions": "fairscope.audits._options",
    # added by their issues:
    "audit_model": "fairscope.audits._model",
    "audit_dataset": "fairscope.audits._dataset",
    "reweighing_weights": "fairscope.compute._reweighing",
    "Policy": "fairscope.judge",
    "load_policy": "fairscope.judge",
    "apply_policy": "fairscope.judge",
    "compare": "fairscope.audits._comparison",
    "compare_baseline": "fairscope.audits._baseline",
    "counterfactual_flip_test": "fairscope.audits._counterfactual",
    "plot_tradeoff": "fairscope.audits._comparison",
    "AuditMetadata": "fairscope.result._metadata",
    "TableSpec": "fairscope.result._tables",
    "FairscopeWarning": "fairscope.core._warnings",
    "InputWarning": "fairscope.core._warnings",
    "ReferenceWarning": "fairscope.core._warnings",
    "StatisticsWarning": "fairscope.core._warnings",
    "PolicyWarning": "fairscope.core._warnings",
    "FairscopeDeprecationWarning": "fairscope.core._warnings",
    "read_table": "fairscope.engines._files",
    "audit_ll144": "fairscope.audits._regulatory",
    "audit_ugesp": "fairscope.audits._regulatory",
    "history": "fairscope.audits._history",
    "AuditHistory": "fairscope.result._history",
    "make_derived_metric": "fairscope.compute._derived_metrics",
    "disparate_impact_ratio": "fairscope.compute._two_groups",
    "statistical_parity_difference": "fairscope.compute._two_groups",
    "average_odds_difference": "fairscope.compute._two_groups",
}
_SUBMODULES = {"metrics", "datasets", "sklearn", "testing", "mitigate", "engines"}
_SUBMODULES |= {"inequality", "individual", "dataset_metrics"}  # issue 16: the peers' measures

__all__ = ["__version__", *_EXPORTS, *_SUBMODULES]

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.audits._comparison import compare, plot_tradeoff
    from fairscope.audits._counterfactual import counterfactual_flip_test
    from fairscope.audits._dataset import audit_dataset
    from fairscope.audits._history import history
    from fairscope.audits._model import audit_model
    from fairscope.audits._options import RegressionOptions, ScoreOptions
    from fairscope.audits._predictions import audit_predictions
    from fairscope.audits._regulatory import audit_ll144, audit_ugesp
    from fairscope.compute._derived_metrics import make_derived_metric
    from fairscope.compute._fairness import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equal_opportunity_difference,
        equal_opportunity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
        predictive_parity_difference,
    )
    from fairscope.compute._group_metrics import GroupMetrics
    from fairscope.compute._reweighing import reweighing_weights
    from fairscope.compute._two_groups import (
        average_odds_difference,
        disparate_impact_ratio,
        statistical_parity_difference,
    )
    from fairscope.core._counts import GroupCounts
    from fairscope.core._findings import Finding, Status
    from fairscope.core._registry import get_metric
    from fairscope.core._verdicts import interval_verdict
    from fairscope.core._warnings import (
        FairscopeDeprecationWarning,
        FairscopeWarning,
        InputWarning,
        PolicyWarning,
        ReferenceWarning,
        StatisticsWarning,
    )
    from fairscope.judge import Policy, apply_policy, load_policy
    from fairscope.result._audit_result import AuditResult
    from fairscope.result._history import AuditHistory
    from fairscope.result._metadata import AuditMetadata
    from fairscope.result._tables import TableSpec


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
