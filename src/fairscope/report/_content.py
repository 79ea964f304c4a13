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
    column_label,
    fmt_number,
    metric_label,
    safe_link,
    slug,
    status_cell,
)
from fairscope.report._guide import metric_guide
from fairscope.report._header import header_facts
from fairscope.report._headlines import multiclass_headline, regression_headline
from fairscope.report._metric_sections import metric_sections
from fairscope.report._overview import overview_chart
from fairscope.report._privacy import Sizes, generic_table
from fairscope.report._regulatory import REGULATORY_TABLES, regulatory_sections
from fairscope.report._table_sections import DATASET_PLOTTERS, SCORE_PLOTTERS, table_sections
from fairscope.report._verdict import at_a_glance, interval_method, summary, verdict
from fairscope.report._wording import (
    CARD_FIELDS,
    GLOSSARY,
    LIMITATIONS,
    outcome_sentence,
)

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


Terms = list[tuple[str, Any]]


def _rows_terms(meta: dict[str, Any]) -> Terms:
    """Rows audited, dropped (with reasons) and missing sensitive values."""
    terms: Terms = []
    if "n_rows" in meta:
        terms.append(("Rows", fmt_number(meta.pop("n_rows"), count=True)))
    dropped = meta.pop("n_dropped", None)
    reasons = meta.pop("dropped", None)
    if dropped is not None:
        why = ""
        if reasons and isinstance(reasons, dict):
            why = (
                " ("
                + "; ".join(f"{k}: {fmt_number(v, count=True)}" for k, v in reasons.items())
                + ")"
            )
        terms.append(("Dropped rows", f"{fmt_number(dropped, count=True)}{why}"))
    missing = meta.pop("missing_sensitive", None)
    if isinstance(missing, dict) and any(missing.values()):
        text = "; ".join(
            f"{k}: {fmt_number(v, count=True)} rows (kept as the group “<missing>”)"
            for k, v in missing.items()
            if v
        )
        terms.append(("Missing sensitive values", text))
    return terms


def _group_terms(meta: dict[str, Any], sizes: Sizes) -> Terms:
    """The sensitive features, feature sets and groups with their sizes (or n < k)."""
    terms: Terms = [
        ("Sensitive features", meta.pop("sensitive_features", None)),
        ("Feature sets audited", meta.pop("feature_sets", None)),
    ]
    groups = meta.pop("groups", None)
    if not isinstance(groups, dict):
        return terms
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
        terms.append((f"Groups of {label}", shown))
    return terms


def _reference_text(record: Any) -> str:
    """One feature set's reference: one name when every metric and class agrees."""
    if isinstance(record, dict) and any(isinstance(v, dict) for v in record.values()):
        # multiclass: {class: {metric: group}}
        leaves = {str(g) for v in record.values() if isinstance(v, dict) for g in v.values()}
        if len(leaves) == 1:
            return leaves.pop()
        return "; ".join(
            f"class {c}: " + ", ".join(f"{metric_label(m)} {g}" for m, g in v.items())
            for c, v in record.items()
            if isinstance(v, dict)
        )
    if isinstance(record, dict):
        unique = sorted({str(v) for v in record.values()})
        if len(unique) == 1:
            return unique[0]
        return "; ".join(f"{metric_label(m)}: {g}" for m, g in record.items() if m != "count")
    return str(record)


def _reference_terms(meta: dict[str, Any]) -> Terms:
    records = meta.pop("reference_groups", None)
    strategy = meta.pop("reference", None)
    if not isinstance(records, dict):
        return []
    suffix = f" (strategy: {strategy})" if isinstance(strategy, str) else ""
    return [
        (f"Reference group of {label}", _reference_text(record) + suffix)
        for label, record in records.items()
    ]


def _policy_terms(result: AuditResult) -> Terms:
    if not result.policy:
        return [("Policy", "none (nothing judged)")]
    policy = result.policy
    name = policy.get("name") or "custom policy"
    version = f" version {policy['version']}" if policy.get("version") else ""
    rules = policy.get("rules") or []
    digest = policy.get("hash") or policy.get("sha256")
    return [
        (
            "Policy",
            f"{name}{version}: {_plural(len(rules), 'rule', 'rules')}"
            + (f" (SHA-256 {digest})" if digest else ""),
        ),
        ("Policy description", policy.get("description")),
        ("Policy source", policy.get("source")),
    ]


def _setting_terms(result: AuditResult, meta: dict[str, Any]) -> Terms:
    """Metrics, favourable label, minimum size, weights, intervals and the waiver date."""
    fails = " or ".join(str(s).upper() for s in result.fail_on)
    terms: Terms = [("The audit fails on", f"any {fails} finding" if fails else "nothing")]
    outcome = outcome_sentence(meta)
    if outcome is not None:  # which outcome is the harm, in words (adverse or favourable)
        terms.append(("Outcome", outcome.removeprefix("Outcome: ")))
        for key in ("outcome", "outcome_given", "favorable_label", "positive_prediction"):
            meta.pop(key, None)
    positive = "Positive (favourable) label" if outcome is None else "Positive label"
    for key, term in (
        ("metrics", "Metrics"),
        ("pos_label", positive),
        ("min_group_size", "Minimum group size for a verdict"),
        ("weighted", "Sample weights"),
    ):
        if key in meta:
            value = meta.pop(key)
            if key == "metrics":
                value = [metric_label(m) for m in value if m != "count"]
            terms.append((term, value))
    ci = meta.pop("ci", None)
    meta.pop("ci_method", None)
    if ci is not None:
        method = interval_method(result)
        terms.append(
            (
                "Intervals",
                f"{fmt_number(float(ci) * 100, digits=0)}%" + (f" ({method})" if method else ""),
            )
        )
    terms.append(("Waivers checked on", meta.pop("policy_checked_on", None)))
    meta.pop("expired_waivers", None)  # listed with the waivers, under Findings
    meta.pop("task", None)
    return terms


def scope(result: AuditResult, sizes: Sizes) -> list[dict[str, Any]]:
    """Terms and values describing what was audited."""
    meta = dict(result.metadata)
    audit = result.kind if result.kind == result.task else f"{result.kind} ({result.task})"
    terms: Terms = [("Audit", audit)]
    terms += [(term, _source(key, meta.pop(key, None))) for key, term in _SOURCE_TERMS]
    terms += _rows_terms(meta)
    terms += _group_terms(meta, sizes)
    terms += _reference_terms(meta)
    terms += _policy_terms(result)
    terms += _setting_terms(result, meta)
    items: list[dict[str, Any]] = [
        {"term": term, "value": _text(value)}
        for term, value in terms
        if not (value is None or value == "" or value == [] or value == {})
    ]
    for key, value in meta.items():
        if key == "model_card":
            continue
        if key == "warnings" and isinstance(value, list | tuple) and value:
            # sentences: one per line, not run together with commas
            items.append({"term": "Warnings", "value": "", "lines": [_text(v) for v in value]})
        elif key == "scores" and isinstance(value, dict):
            items.append({"term": "Scores", "value": _scores_text(value)})
        elif key in _SHOWN_ELSEWHERE:
            continue
        elif not (value is None or value == "" or value == [] or value == {}):
            term = column_label(str(key).removeprefix("n_"))
            items.append({"term": term, "value": _text(_readable_keys(value))})
    return items


#: Metadata the scope already shows under another term (group sizes with the groups).
_SHOWN_ELSEWHERE = {"group_sizes"}


def _readable_keys(value: Any) -> Any:
    """Nested settings with their keys in words (``sample_size`` -> ``sample size``)."""
    if isinstance(value, dict):
        return {str(k).replace("_", " "): _readable_keys(v) for k, v in value.items()}
    return value


def _source(key: str, value: Any) -> Any:
    """The model as its class and module; its parameters stay in the saved JSON."""
    if key != "model" or not isinstance(value, dict) or "class" not in value:
        return value
    module = f" ({value['module']})" if value.get("module") else ""
    return f"{value['class']}{module}; its parameters are in the saved JSON result"


_AUC_METHODS = {"hanley-mcneil": "Hanley–McNeil", "delong": "DeLong", "bootstrap": "bootstrap"}


def _scores_text(scores: dict[str, Any]) -> str:
    """How the scores were read, in words (no internal names such as n_bins)."""
    parts = []
    if "probabilities" in scores:
        parts.append("probabilities" if scores["probabilities"] else "scores (not probabilities)")
    if scores.get("exact"):
        parts.append("ROC from every distinct score")
    elif scores.get("n_bins"):
        parts.append(f"ROC from {fmt_number(scores['n_bins'], count=True)} score bins")
    if scores.get("calibration_bins"):
        parts.append(f"{scores['calibration_bins']} calibration bins")
    if scores.get("n_thresholds"):
        parts.append(f"{scores['n_thresholds']} thresholds swept")
    if scores.get("auc_interval"):
        method = str(scores["auc_interval"])
        parts.append(f"ROC AUC interval: {_AUC_METHODS.get(method, method)}")
    return "; ".join(parts) or _text(_readable_keys(scores))


_SOURCE_TERMS = (("model", "Model"), ("data", "Data"), ("source", "Source"))


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
    rows += _dataset_measures(result)
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


#: The measures of a data-set audit, by the table that holds them (the registry holds metrics
#: of predictions; these describe the data itself).
_DATASET_MEASURES = {
    "representation": (
        "Share of rows",
        "Each group's share of the rows, with its confidence interval.",
        "n_group / n",
        "—",
    ),
    "base_rates": (
        "Base rate",
        "Share of a group's rows with the positive label: label bias a model can learn.",
        "positives / n",
        "Kamiran & Calders (2012), Knowl. Inf. Syst. 33",
    ),
    "missingness": (
        "Share missing",
        "Share of a group's rows missing a column, compared with the reference group.",
        "missing / n; difference with the MOVER interval",
        "Newcombe (1998), Stat. Med. 17",
    ),
    "proxies": (
        "Uncertainty coefficient",
        "How much of the sensitive feature's entropy a column explains (Theil's U).",
        "I(S; X) / H(S)",
        "Theil (1970), Am. J. Sociol. 76",
    ),
    "feature_shift": (
        "Standardized mean difference; total variation distance",
        "How far a column's distribution in a group is from the reference group's.",
        "(mean_g − mean_ref) / √((var_g + var_ref) / 2); ½ Σ |p_g − p_ref|",
        "Austin (2009), Stat. Med. 28",
    ),
}


def _dataset_measures(result: AuditResult) -> list[dict[str, Any]]:
    """Methodology rows for the data-set tables the result has."""
    return [
        {
            "name": name,
            "label": label,
            "definition": definition,
            "formula": formula,
            "direction": "—",
            "reference": reference,
        }
        for name, (label, definition, formula, reference) in _DATASET_MEASURES.items()
        if name in result.tables
    ]


def considerations(result: AuditResult, model_card: dict[str, Any] | None) -> list[dict[str, Any]]:
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


#: Section ids of the template; tables and figures get other ids.
_RESERVED_IDS = (
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
    "regulatory",
    "guide",
)


def _check_options(
    suppress_below: int | None, metadata: dict[str, Any] | None, model_card: dict[str, Any] | None
) -> None:
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


def _appendix(
    result: AuditResult,
    sections: list[dict[str, Any]],
    sizes: Sizes,
    used: set[str],
    up_front: set[str],
) -> list[dict[str, Any]]:
    """Every table no section shows (nor the summary, ``up_front``), as a plain table."""
    shown = {name for name, spec in result.table_specs.items() if spec.section in TITLED}
    shown |= set(REGULATORY_TABLES)  # shown by their own section
    shown |= up_front
    if sections:
        shown |= {"intervals", "disparities", "group_metrics"}
        if "intervals" not in result.tables:
            shown.discard("disparities")  # its intervals are not in the metric tables
    return [
        generic_table(table, f"Table “{name}”", sizes, slug(f"t-{name}", used))
        for name, table in result.tables.items()
        if name not in shown
    ]


#: Report sections with a titled part per table (the others go to the appendix).
TITLED = ("dataset", "scores")


def build_report(
    result: AuditResult,
    *,
    title: str | None = None,
    suppress_below: int | None = None,
    metadata: dict[str, Any] | None = None,
    model_card: dict[str, Any] | None = None,
    plots: bool = True,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the report template shows, as plain Python objects."""
    _check_options(suppress_below, metadata, model_card)
    sizes = Sizes(result, suppress_below)
    used: set[str] = set(_RESERVED_IDS)
    sections = metric_sections(result, sizes, used, plots)
    dataset = table_sections(result, "dataset", sizes, used, plots, DATASET_PLOTTERS)
    scores = table_sections(result, "scores", sizes, used, plots, SCORE_PLOTTERS)
    headline = multiclass_headline(result, sizes, used)
    appendix = _appendix(
        result, sections, sizes, used, {"fairness_criteria"} if headline else set()
    )
    lines = summary(result, sizes)
    regression = regression_headline(result, sizes)
    if regression:
        lines.insert(1, regression)
    default_title = {
        "dataset": "Dataset fairness audit",
        "model": "Model fairness audit",
    }.get(result.kind, "Fairness audit")
    return {
        "title": title or str(result.metadata.get("title") or default_title),
        "header": header_facts(result, {k: v for k, v in (header or {}).items() if v is not None}),
        "verdict": verdict(result),
        "status_counts": [
            {**status_cell(s), "count": c} for s, c in result.status_counts.items() if c
        ],
        "summary": lines,
        "headline": headline,
        "overview": overview_chart(result, sizes, slug("p-overview", used)) if plots else "",
        "glance": at_a_glance(result),
        "about": user_metadata(metadata),
        "scope": scope(result, sizes),
        "metric_sections": sections,
        "dataset_sections": dataset,
        "score_sections": scores,
        "regulatory_sections": regulatory_sections(result, sizes, used),
        "findings": (
            findings_tables(result, sizes, used, {s["metric"]: s["id"] for s in sections})
            if result.findings
            else None
        ),
        "methodology": methodology(result, [s["metric"] for s in sections]),
        "guide": metric_guide([s["metric"] for s in sections]),
        "considerations": considerations(result, model_card),
        "limitations": list(LIMITATIONS),
        "reproducibility": reproducibility(result),
        "glossary": [{"term": t, "text": d} for t, d in GLOSSARY],
        "appendix": appendix,
        "suppress_below": suppress_below,
        "fairscope_version": str(result.reproducibility.get("fairscope", "")),
    }
