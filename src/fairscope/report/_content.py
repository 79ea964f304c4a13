"""The content of the transparency report, built from an AuditResult alone.

:func:`build_report` turns an :class:`~fairscope.result._audit_result.AuditResult` into a
tree of plain Python objects (strings, lists, dicts) that the jinja2 template
lays out. Numbers are read from the result's tables and findings and only
formatted, selected or sorted here; no metric is recomputed, so a report
rebuilt from the saved JSON says the same thing as the direct one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fairscope.core._registry import REGISTRY
from fairscope.report._findings import findings_tables
from fairscope.report._formatting import (
    _plural,
    _text,
    fmt_number,
    metric_label,
    safe_link,
    slug,
    status_cell,
)
from fairscope.report._metric_sections import metric_sections
from fairscope.report._privacy import Sizes, generic_table
from fairscope.report._table_sections import DATASET_PLOTTERS, SCORE_PLOTTERS, table_sections
from fairscope.report._verdict import at_a_glance, interval_method, summary, verdict
from fairscope.report._wording import (
    CARD_FIELDS,
    DATASET_TABLES,
    GLOSSARY,
    LIMITATIONS,
    SCORE_TABLES,
)

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def scope(result: AuditResult, sizes: Sizes) -> list[dict[str, Any]]:
    """Terms and values describing what was audited."""
    meta = dict(result.metadata)
    items: list[dict[str, Any]] = []

    def add(term: str, value: Any) -> None:
        if value is None or value == "" or value == [] or value == {}:
            return
        items.append({"term": term, "value": _text(value)})

    add("Audit", result.kind if result.kind == result.task else f"{result.kind} ({result.task})")
    for key, term in (("model", "Model"), ("data", "Data"), ("source", "Source")):
        add(term, meta.pop(key, None))
    add("Rows", fmt_number(meta.pop("n_rows", None), count=True) if "n_rows" in meta else None)
    dropped = meta.pop("n_dropped", None)
    reasons = meta.pop("dropped", None)
    if dropped is not None:
        why = ""
        if reasons:
            why = (
                " ("
                + "; ".join(f"{k}: {fmt_number(v, count=True)}" for k, v in reasons.items())
                + ")"
                if isinstance(reasons, dict)
                else ""
            )
        add("Dropped rows", f"{fmt_number(dropped, count=True)}{why}")
    missing = meta.pop("missing_sensitive", None)
    if isinstance(missing, dict) and any(missing.values()):
        add(
            "Missing sensitive values",
            "; ".join(
                f"{k}: {fmt_number(v, count=True)} rows (kept as the group “<missing>”)"
                for k, v in missing.items()
                if v
            ),
        )
    add("Sensitive features", meta.pop("sensitive_features", None))
    add("Feature sets audited", meta.pop("feature_sets", None))
    groups = meta.pop("groups", None)
    if isinstance(groups, dict):
        for label, members in groups.items():
            shown = []
            for g in members:
                n = sizes.n.get((label, str(g)))
                if n is None:
                    shown.append(str(g))
                elif sizes.hidden_n(n):
                    shown.append(f"{g} (n < {sizes.k})")
                else:
                    shown.append(f"{g} (n = {fmt_number(n, count=True)})")
            add(f"Groups of {label}", shown)
    refs = meta.pop("reference_groups", None)
    strategy = meta.pop("reference", None)
    if isinstance(refs, dict):
        for label, per_metric in refs.items():
            if isinstance(per_metric, dict) and any(
                isinstance(v, dict) for v in per_metric.values()
            ):
                # multiclass: {class: {metric: group}}; one name when every class agrees
                leaves = {
                    str(g) for v in per_metric.values() if isinstance(v, dict) for g in v.values()
                }
                value = (
                    leaves.pop()
                    if len(leaves) == 1
                    else "; ".join(
                        f"class {c}: " + ", ".join(f"{metric_label(m)} {g}" for m, g in v.items())
                        for c, v in per_metric.items()
                        if isinstance(v, dict)
                    )
                )
            elif isinstance(per_metric, dict):
                unique = sorted({str(v) for v in per_metric.values()})
                value = (
                    unique[0]
                    if len(unique) == 1
                    else "; ".join(
                        f"{metric_label(m)}: {g}" for m, g in per_metric.items() if m != "count"
                    )
                )
            else:
                value = str(per_metric)
            add(
                f"Reference group of {label}",
                value + (f" (strategy: {strategy})" if isinstance(strategy, str) else ""),
            )
    if result.policy:
        policy = result.policy
        name = policy.get("name") or "custom policy"
        version = f" version {policy['version']}" if policy.get("version") else ""
        rules = policy.get("rules") or []
        digest = policy.get("hash") or policy.get("sha256")
        add(
            "Policy",
            f"{name}{version}: {_plural(len(rules), 'rule', 'rules')}"
            + (f" (SHA-256 {digest})" if digest else ""),
        )
        add("Policy description", policy.get("description"))
        add("Policy source", policy.get("source"))
    else:
        add("Policy", "none (nothing judged)")
    add("Fails on", ", ".join(result.fail_on))
    for key, term in (
        ("metrics", "Metrics"),
        ("pos_label", "Positive (favourable) label"),
        ("min_group_size", "Minimum group size for a verdict"),
        ("weighted", "Sample weights"),
    ):
        if key in meta:
            value = meta.pop(key)
            if key == "metrics":
                value = [metric_label(m) for m in value]
            add(term, value)
    ci, method = meta.pop("ci", None), meta.pop("ci_method", None)
    if ci is not None:
        method = interval_method(result)
    if ci is not None:
        add(
            "Intervals",
            f"{fmt_number(float(ci) * 100, digits=0)}%" + (f" ({method})" if method else ""),
        )
    add("Waivers checked on", meta.pop("policy_checked_on", None))
    meta.pop("expired_waivers", None)  # listed with the waivers, under Findings
    meta.pop("task", None)
    for key, value in meta.items():
        if key == "model_card":
            continue
        if key == "warnings" and isinstance(value, list | tuple) and value:
            # sentences: one per line, not run together with commas
            items.append({"term": "Warnings", "value": "", "lines": [_text(v) for v in value]})
            continue
        add(str(key).replace("_", " ").capitalize(), value)
    return items


def user_metadata(metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
    """User-supplied metadata: text, with links only for http(s) URLs."""
    out = []
    for key, value in (metadata or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        parts = [{"text": _text(v), "href": safe_link(v)} for v in values]
        out.append({"term": str(key), "parts": parts})
    return out


def methodology(result: AuditResult, metrics: list[str]) -> dict[str, Any]:
    """Definitions and references of the metrics from the registry, and the statistics used."""

    rows = []
    for name in dict.fromkeys([*result.metadata.get("metrics", []), *metrics]):
        m = REGISTRY.get(name)
        if m is None:
            rows.append(
                {
                    "name": name,
                    "label": metric_label(name),
                    "definition": "not in fairscope's metric registry",
                    "formula": "—",
                    "direction": "—",
                    "reference": "—",
                }
            )
            continue
        rows.append(
            {
                "name": m.name,
                "label": m.label,
                "definition": m.definition,
                "formula": m.formula_text,
                "direction": {
                    "higher": "higher is better",
                    "lower": "lower is better",
                    "neutral": "neither",
                }[m.direction],
                "reference": m.reference,
            }
        )
    meta = result.metadata
    tests = sorted({f.test for f in result.findings if f.test})
    table = result.tables.get("tests")
    if table is not None and "test" in table.columns:
        tests = sorted({*tests, *map(str, table["test"].dropna())})
    correction = None
    for source in (result.policy or {}, meta):
        for key in ("correction", "multiple_comparisons", "p_adjust", "adjustment"):
            if source.get(key):
                correction = str(source[key])
    if correction is None and table is not None:
        for key in ("correction", "adjustment", "p_adjust"):
            if key in table.columns and table[key].notna().any():
                correction = ", ".join(sorted(set(map(str, table[key].dropna()))))
    methods = []
    for name in ("intervals", "disparities"):
        t = result.tables.get(name)
        if t is not None and "method" in t.columns:
            methods += [str(v) for v in t["method"].dropna().unique() if v != "none"]
    decide = sorted(
        {
            str(r.get("decide_on"))
            for r in (result.policy or {}).get("rules", [])
            if isinstance(r, dict) and r.get("decide_on")
        }
    )
    return {
        "metrics": rows,
        "ci": meta.get("ci"),
        "ci_method": meta.get("ci_method"),
        "methods": sorted(set(methods)),
        "regression": result.task == "regression",
        "tests": tests,
        "correction": correction,
        "decide_on": decide,
        "min_group_size": meta.get("min_group_size"),
    }


def considerations(result: AuditResult, model_card: dict[str, Any] | None) -> list[dict]:
    """Model-card fields supplied by the user (a placeholder for each missing one)."""
    card = dict(result.metadata.get("model_card") or {})
    card.update(model_card or {})
    out = []
    for key, label in CARD_FIELDS:
        value = card.get(key)
        values = (
            []
            if value in (None, "", [])
            else ([_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)])
        )
        out.append({"key": key, "label": label, "entries": values})
    return out


def reproducibility(result: AuditResult) -> list[dict[str, str]]:
    """Flattened key/value pairs of the reproducibility block."""
    out = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            out.append({"key": prefix, "value": _text(value)})

    walk("", result.reproducibility)
    return out


def build_report(
    result: AuditResult,
    *,
    title: str | None = None,
    suppress_below: int | None = None,
    metadata: dict[str, Any] | None = None,
    model_card: dict[str, Any] | None = None,
    plots: bool = True,
) -> dict[str, Any]:
    """Everything the report template shows, as plain Python objects."""
    if suppress_below is not None and (
        isinstance(suppress_below, bool)
        or not isinstance(suppress_below, int)
        or suppress_below < 1
    ):
        raise ValueError(
            f"suppress_below={suppress_below!r} must be a positive integer (the smallest group "
            "size whose values may be shown), or None."
        )
    for name, value in (("metadata", metadata), ("model_card", model_card)):
        if value is not None and not isinstance(value, dict):
            raise ValueError(
                f"{name} must be a dict of field name to value, got {type(value).__name__}."
            )
    sizes = Sizes(result, suppress_below)
    used: set[str] = set()
    for reserved in (
        "verdict",
        "summary",
        "scope",
        "findings",
        "methodology",
        "considerations",
        "reproducibility",
        "glossary",
        "appendix",
        "metrics",
        "data",
        "scores",
    ):
        used.add(reserved)
    sections = metric_sections(result, sizes, used, plots)
    dataset = table_sections(result, DATASET_TABLES, sizes, used, plots, DATASET_PLOTTERS)
    scores = table_sections(result, SCORE_TABLES, sizes, used, plots, SCORE_PLOTTERS)
    shown = {*DATASET_TABLES, *SCORE_TABLES}
    if sections:
        shown |= {"intervals", "disparities", "group_metrics"}
        if "intervals" not in result.tables:
            shown.discard("disparities")  # its intervals are not in the metric tables
    appendix = [
        generic_table(table, f"Table “{name}”", sizes, slug(f"t-{name}", used))
        for name, table in result.tables.items()
        if name not in shown
    ]
    default_title = {
        "dataset": "Dataset fairness audit",
        "model": "Model fairness audit",
    }.get(result.kind, "Fairness audit")
    return {
        "title": title or str(result.metadata.get("title") or default_title),
        "verdict": verdict(result),
        "status_counts": [
            {**status_cell(s), "count": c} for s, c in result.status_counts.items() if c
        ],
        "summary": summary(result, sizes),
        "glance": at_a_glance(result),
        "about": user_metadata(metadata),
        "scope": scope(result, sizes),
        "metric_sections": sections,
        "dataset_sections": dataset,
        "score_sections": scores,
        "findings": findings_tables(result, sizes, used) if result.findings else None,
        "methodology": methodology(result, [s["metric"] for s in sections]),
        "considerations": considerations(result, model_card),
        "limitations": list(LIMITATIONS),
        "reproducibility": reproducibility(result),
        "glossary": [{"term": t, "text": d} for t, d in GLOSSARY],
        "appendix": appendix,
        "suppress_below": suppress_below,
        "fairscope_version": str(result.reproducibility.get("fairscope", "")),
    }
