"""Old module paths of fairscope 0.1, served with a deprecation warning.

0.1 kept every module flat (``fairscope.policy``, ``fairscope.verdicts``, ...);
0.2 groups them by layer. Importing an old path still works: the module is
forwarded to its new home and a :class:`~fairscope.FairscopeDeprecationWarning`
names the public replacement.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

from fairscope.core._warnings import FairscopeDeprecationWarning

#: old module -> (new module, what to use instead)
MOVED: dict[str, tuple[str, str]] = {
    "fairscope.audit": ("fairscope.audits._predictions", "fairscope.audit_predictions"),
    "fairscope.model_audit": ("fairscope.audits._model", "fairscope.audit_model"),
    "fairscope.dataset_audit": ("fairscope.audits._dataset", "fairscope.audit_dataset"),
    "fairscope.policy": (
        "fairscope.judge._policy",
        "fairscope.load_policy / fairscope.apply_policy",
    ),
    "fairscope.verdicts": ("fairscope.core._verdicts", "fairscope.interval_verdict"),
    "fairscope.group_metrics": ("fairscope.compute._group_metrics", "fairscope.GroupMetrics"),
    "fairscope.counts": ("fairscope.core._counts", "fairscope.GroupCounts"),
    "fairscope.fairness": ("fairscope.compute._fairness", "fairscope.<metric function>"),
    "fairscope.groups": ("fairscope.core._groups", "fairscope.GroupMetrics"),
    "fairscope.scores": ("fairscope.compute._scores", "fairscope.audit_predictions(y_score=...)"),
    "fairscope.comparison": ("fairscope.audits._comparison", "fairscope.compare"),
    "fairscope.counterfactual": (
        "fairscope.audits._counterfactual",
        "fairscope.counterfactual_flip_test",
    ),
    "fairscope.reweighing": ("fairscope.compute._reweighing", "fairscope.reweighing_weights"),
    "fairscope.serialize": ("fairscope.result._serialize", "fairscope.AuditResult.from_json"),
    "fairscope.plots": ("fairscope.report._plots", "AuditResult.plot / GroupMetrics.plot"),
    "fairscope.markdown": ("fairscope.report._markdown", "AuditResult.to_markdown"),
    "fairscope.junit": ("fairscope.report._junit", "AuditResult.to_junit"),
    "fairscope.model_card": ("fairscope.report._model_card", "AuditResult.to_model_card"),
    "fairscope.engines.histograms": ("fairscope.engines._histograms", "fairscope.engines"),
    "fairscope.engines.confusion": ("fairscope.engines._confusion", "fairscope.engines"),
    "fairscope.engines.moments": ("fairscope.engines._moments", "fairscope.engines"),
    "fairscope.engines.sources": ("fairscope.engines._sources", "fairscope.engines"),
}


class _Forward(types.ModuleType):
    """A module object that forwards attribute access to the module's new home."""

    def __getattr__(self, name: str) -> Any:
        target, _ = MOVED[self.__name__]
        return getattr(importlib.import_module(target), name)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _Forward(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        target, instead = MOVED[module.__name__]
        warnings.warn(
            f"{module.__name__} moved in fairscope 0.2; use {instead} (the module is now "
            f"{target}, a private path).",
            FairscopeDeprecationWarning,
            stacklevel=3,
        )


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


def install() -> None:
    """Serve the old module paths (idempotent)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
