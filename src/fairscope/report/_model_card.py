"""Export of an audit as a model card (Model Card Toolkit schema v0.0.2).

The card's ``quantitative_analysis.performance_metrics`` lists every metric of
every group with its ``slice`` and ``confidence_interval``; what the schema has
no field for (thresholds, statuses, the policy, disparities, provenance) goes
under the ``x-fairscope`` key. Values are read from the result, never
recomputed.

References
----------
M. Mitchell et al., Model Cards for Model Reporting, FAT* 2019.
"""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING, Any

from fairscope.report._html import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

SCHEMA_VERSION = "0.0.2"
_OVERALL = "<overall>"


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def _slice(feature: str, group: str) -> str:
    """``"race=Black"``; intersections already carry their features (``"race=B & sex=F"``)."""
    if group == _OVERALL:
        return "overall"
    return group if "=" in group and "&" in feature else f"{feature}={group}"


def _performance_metrics(result: AuditResult) -> list[dict[str, Any]]:
    table = result.tables.get("intervals")
    out: list[dict[str, Any]] = []
    if table is None or not {"feature", "group", "metric", "estimate"} <= set(table.columns):
        return out
    seen_overall: set[str] = set()
    for row in table.itertuples(index=False):
        value = _number(row.estimate)
        if value is None:
            continue  # undefined for this group (0/0): listed under x-fairscope.undefined
        if row.group == _OVERALL:
            if row.metric in seen_overall:
                continue  # the overall value repeats once per feature set
            seen_overall.add(row.metric)
        entry: dict[str, Any] = {
            "type": str(row.metric),
            "value": value,
            "slice": _slice(str(row.feature), str(row.group)),
        }
        lower, upper = _number(getattr(row, "lower", None)), _number(getattr(row, "upper", None))
        if lower is not None and upper is not None:
            entry["confidence_interval"] = {"lower_bound": lower, "upper_bound": upper}
        out.append(entry)
    return out


def _undefined(result: AuditResult) -> list[dict[str, str]]:
    table = result.tables.get("intervals")
    if table is None or "estimate" not in table.columns:
        return []
    rows = table[table["estimate"].isna()]
    return [
        {"type": str(m), "slice": _slice(str(f), str(g))}
        for f, g, m in zip(rows["feature"], rows["group"], rows["metric"], strict=True)
    ]


def _descriptions(value: Any) -> list[dict[str, str]]:
    if value in (None, "", []):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [{"description": str(v)} for v in values]


def _plain(value: Any) -> Any:
    """JSON-safe copy: NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return _plain(value.item())
        except (TypeError, ValueError):
            return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _model_details(result: AuditResult, supplied: dict[str, Any]) -> dict[str, Any]:
    """Name, overview (the verdict when the owners gave none), version and owners."""
    meta = result.metadata
    features = ", ".join(map(str, meta.get("sensitive_features") or []))
    verdict = (
        "no policy applied" if not result.findings else ("passed" if result.passed else "failed")
    )
    overview = supplied.get("overview") or (
        f"Fairness audit ({result.kind}, {result.task}) across {features or 'groups'}: {verdict}."
    )
    details: dict[str, Any] = {
        "name": str(supplied.get("name") or meta.get("model") or "audited model"),
        "overview": str(overview),
    }
    if supplied.get("version"):
        version = supplied["version"]
        details["version"] = version if isinstance(version, dict) else {"name": str(version)}
    if supplied.get("owners"):
        details["owners"] = [
            o if isinstance(o, dict) else {"name": str(o)} for o in supplied["owners"]
        ]
    return details


def _considerations(supplied: dict[str, Any]) -> dict[str, Any]:
    """Users, use cases (and out-of-scope uses), limitations, tradeoffs and risks."""
    ethical = supplied.get("ethical_considerations")
    risks = [
        {k: str(v) for k, v in item.items() if k in ("name", "mitigation_strategy")}
        if isinstance(item, dict)
        else {"name": str(item)}
        for item in (
            ethical if isinstance(ethical, list | tuple) else ([ethical] if ethical else [])
        )
    ]
    considerations: dict[str, Any] = {
        "users": _descriptions(supplied.get("users")),
        "use_cases": _descriptions(supplied.get("use_cases") or supplied.get("intended_use")),
        "limitations": _descriptions(supplied.get("limitations")),
        "tradeoffs": _descriptions(supplied.get("tradeoffs")),
        "ethical_considerations": risks,
    }
    out_of_scope = supplied.get("out_of_scope_uses")
    if out_of_scope:
        considerations["use_cases"] += [
            {"description": f"Out of scope: {d['description']}"}
            for d in _descriptions(out_of_scope)
        ]
    return considerations


def _extension(result: AuditResult) -> Any:
    """fairscope's own record under ``x-fairscope``: verdict, findings, references, provenance."""
    meta = result.metadata
    return _plain(
        {
            "kind": result.kind,
            "task": result.task,
            "passed": result.passed,
            "fail_on": list(result.fail_on),
            "status_counts": result.status_counts,
            "policy": result.policy,
            "findings": [f.to_dict() for f in result.findings],
            "sensitive_features": meta.get("sensitive_features"),
            "reference_groups": meta.get("reference_groups"),
            "n_rows": meta.get("n_rows"),
            "n_dropped": meta.get("n_dropped"),
            "ci": meta.get("ci"),
            "ci_method": meta.get("ci_method"),
            "undefined": _undefined(result),
            "reproducibility": result.reproducibility,
        }
    )


def to_model_card(
    result: AuditResult,
    path: str | os.PathLike[str] | None = None,
    *,
    model_card: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The audit as a Model Card Toolkit (schema v0.0.2) model card.

    Parameters
    ----------
    result : AuditResult
    path : str or path-like, optional
        Write the card there as JSON (atomically).
    model_card : dict, optional
        Fields supplied by the model's owners: ``name``, ``overview``,
        ``version``, ``owners`` (list of ``{"name", "contact"}``),
        ``intended_use``/``use_cases``, ``users``, ``limitations``,
        ``tradeoffs``, ``ethical_considerations`` (strings or lists;
        ethical considerations may be ``{"name", "mitigation_strategy"}``
        dicts). Defaults to ``result.metadata["model_card"]``.

    Returns
    -------
    dict
        The card; fairscope specifics (findings, thresholds, statuses,
        policy, reference groups, reproducibility) under ``"x-fairscope"``.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> card = result.to_model_card()
    >>> card["quantitative_analysis"]["performance_metrics"][0]["slice"]
    'sensitive_feature=a'
    """
    supplied = dict(result.metadata.get("model_card") or {})
    supplied.update(model_card or {})
    considerations = _considerations(supplied)
    card: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model_details": _model_details(result, supplied),
        "quantitative_analysis": {"performance_metrics": _performance_metrics(result)},
        "considerations": {k: v for k, v in considerations.items() if v},
        "x-fairscope": _extension(result),
    }
    if path is not None:
        write_atomic(path, json.dumps(card, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return card
