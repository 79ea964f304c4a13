"""The metadata of a dataset audit (:func:`fairscope.audit_dataset`), keys in the order of
the saved JSON: rows, groups and their references, target, outcome direction, proxy
subsampling, thresholds and warnings.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fairscope.audits import _proxies
from fairscope.audits._dataset_state import DatasetAudit
from fairscope.audits._feature_shift import SMD_THRESHOLD, TVD_THRESHOLD
from fairscope.audits._missingness import (
    ALPHA,
    LARGE_MISSING_DIFFERENCE,
    MIN_MISSING_DIFFERENCE,
    MISSING_RATIO,
)


def proxy_metadata(
    audit: DatasetAudit, proxies: bool, proxy_sample: int, proxy_cv: int | None, random_state: Any
) -> dict[str, Any]:
    """What the proxy classifier was given: its sample, folds and seed, and the rows used."""
    model = audit.tables["proxy_model"]
    return {
        "classifier": bool(proxies),
        "sample_size": int(proxy_sample),
        "subsampled": bool(model["subsampled"].any()) if len(model) else False,
        "rows_used": {r["feature"]: int(r["n_rows"]) for r in model.to_dict("records")},
        "cv_folds": int(proxy_cv) if proxy_cv is not None else _resolved_folds(model),
        "random_state": random_state,
    }


def _resolved_folds(model: pd.DataFrame) -> int | None:
    """The folds ``proxy_cv=None`` stood for (the same for every feature: one sample size)."""
    if "cv_folds" not in model or model["cv_folds"].dropna().empty:
        return None
    return int(model["cv_folds"].max())


def _thresholds() -> dict[str, dict[str, float]]:
    """The thresholds that flag missingness, shift and proxies, recorded with the audit."""
    return {
        "missingness": {
            "alpha": ALPHA,
            "min_difference": MIN_MISSING_DIFFERENCE,
            "ratio": MISSING_RATIO,
            "large_difference": LARGE_MISSING_DIFFERENCE,
        },
        "feature_shift": {"smd": SMD_THRESHOLD, "tvd": TVD_THRESHOLD},
        "proxies": {
            "strong_uncertainty_coefficient": _proxies.STRONG_U,
            "moderate_uncertainty_coefficient": _proxies.MODERATE_U,
            "strong_importance": _proxies.STRONG_IMPORTANCE,
            "moderate_importance": _proxies.MODERATE_IMPORTANCE,
        },
    }


def dataset_metadata(
    audit: DatasetAudit,
    sens: pd.DataFrame,
    feature_names: list[Any],
    reference: Any,
    **facts: Any,
) -> dict[str, Any]:
    """The audit's metadata, keys in the order of the saved JSON.

    ``facts``: ``missing_sensitive``, ``empty_intersections``, ``reference_population``,
    ``proxies``, ``reweighing`` and ``direction`` (the outcome direction, empty without a
    binary target).
    """
    sets, target = audit.sets, audit.target
    discrete = target is not None and target.kind != "continuous"
    return {
        "task": "dataset",
        "n_rows": len(audit.data),
        "n_columns": len(feature_names),
        "sensitive_features": [str(c) for c in sens.columns],
        "feature_sets": [s.label for s in sets],
        "groups": {s.label: list(s.labels) for s in sets},
        "group_sizes": {s.label: dict(zip(s.labels, s.sizes.tolist(), strict=True)) for s in sets},
        "reference": reference if isinstance(reference, str | dict) else str(reference),
        "reference_groups": {s.label: s.reference_label for s in sets},
        "missing_sensitive": facts["missing_sensitive"],
        "empty_intersections": facts["empty_intersections"],
        "features": {c.name: c.kind for c in audit.encoded},
        "target": None if target is None else target.name,
        "target_type": None if target is None else target.kind,
        "pos_label": None if target is None or target.pos_label is None else str(target.pos_label),
        **facts["direction"],
        "classes": [str(c) for c in target.classes] if discrete and target else None,
        "missing_target": None if target is None else int((~target.known).sum()),
        "reference_population": facts["reference_population"],
        "proxies": facts["proxies"],
        "reweighing": facts["reweighing"],
        "ci": audit.ci,
        "min_group_size": audit.min_group_size,
        "thresholds": _thresholds(),
        "warnings": audit.warnings,
    }
