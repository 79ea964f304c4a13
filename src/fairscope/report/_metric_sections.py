"""One report section per metric: per-group tables and plots, from the result's tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fairscope.core._findings import SEVERITY, Finding
from fairscope.core._registry import REGISTRY
from fairscope.report._charts import metric_chart
from fairscope.report._formatting import (
    OVERALL,
    cell,
    fmt_interval,
    fmt_number,
    fmt_p,
    is_missing,
    metric_label,
    slug,
    status_cell,
    worst,
)
from fairscope.report._plot_data import metric_classes, metric_rows
from fairscope.report._privacy import Sizes

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def _findings_index(result: AuditResult) -> dict[tuple[str, str, str], list[Finding]]:
    index: dict[tuple[str, str, str], list[Finding]] = {}
    for f in result.findings:
        index.setdefault((f.metric, f.feature, f.group), []).append(f)
    return index


def _tests_index(result: AuditResult) -> dict[tuple[str, str, str], Any]:
    table = result.tables.get("tests")
    out: dict[tuple[str, str, str], Any] = {}
    if table is None or not {"feature", "group", "metric"} <= set(table.columns):
        return out
    column = next(
        (c for c in ("p_value_adjusted", "p_adjusted", "adjusted_p_value") if c in table.columns),
        None,
    )
    if column is None:
        return out
    for _, row in table.iterrows():
        key = (str(row["metric"]), str(row["feature"]), str(row["group"]))
        if key not in out or is_missing(out[key]):
            out[key] = row[column]
    return out


def metric_names(result: AuditResult) -> list[str]:
    """Metrics with per-group rows in the result, judged ones (worst first) before the rest."""
    names: list[str] = []
    for name in ("intervals", "disparities"):
        table = result.tables.get(name)
        if table is not None and "metric" in table.columns:
            names += [str(m) for m in dict.fromkeys(table["metric"]) if str(m) not in names]
    for f in result.findings:
        if f.metric not in names:
            names.append(f.metric)
    rank: dict[str, int] = {}
    for f in result.findings:
        rank[f.metric] = min(rank.get(f.metric, 99), SEVERITY[f.status])
    return sorted(names, key=lambda m: (rank.get(m, 99), names.index(m)))


def _disparities_of(
    result: AuditResult, metric: str, feature: str, cls: Any
) -> tuple[dict[tuple[str, str], Any], Any]:
    """The disparity rows of one metric by (kind, group), and the reference they name."""
    table = result.tables.get("disparities")
    out: dict[tuple[str, str], Any] = {}
    reference = None
    if table is None or not {"feature", "metric", "kind", "group"} <= set(table.columns):
        return out, reference
    sub = table[(table["feature"] == feature) & (table["metric"] == metric)]
    if cls is not None and "class" in sub.columns:
        sub = sub[sub["class"].astype(str) == str(cls)]
    for row in sub.to_dict("records"):  # plain dicts: iterrows is slow on Arrow strings
        out[(str(row["kind"]), str(row["group"]))] = row
        reference = row.get("reference", reference)
    return out, reference


def _disparity_cell(d: Any) -> dict[str, Any]:
    if d is None:
        return cell("—", sort="", numeric=True)
    if bool(d.get("is_reference", False)):
        return cell("reference", sort="", numeric=True)
    interval = fmt_interval(d.get("lower"), d.get("upper"))
    return cell(
        fmt_number(d["estimate"]),
        sort=d["estimate"],
        numeric=True,
        sub="" if interval == "—" else interval,
    )


def _value_cells(
    row: Any, n: Any, disp: dict[tuple[str, str], Any], is_overall: bool, p: Any
) -> list[dict[str, Any]]:
    """n, the value with its interval, the two disparities and the adjusted p-value."""
    group = str(row["group"])
    interval = fmt_interval(row["lower"], row["upper"])
    cells = [
        cell(fmt_number(n, count=True), sort=n, numeric=True),
        cell(
            fmt_number(row["estimate"]),
            sort=row["estimate"],
            numeric=True,
            sub="" if interval == "—" else interval,
        ),
    ]
    for kind in ("difference", "ratio"):
        cells.append(_disparity_cell(None if is_overall else disp.get((kind, group))))
    cells.append(cell(fmt_p(p), sort=p, numeric=True))
    return cells


def _columns(result: AuditResult, metric: str, has_interval: bool = True) -> list[dict[str, Any]]:
    level = result.meta.ci
    pct = f"{fmt_number(float(level) * 100, digits=0)}% " if level else ""
    # a header promises an interval only where the table has one (Brier, log loss: none)
    value = f"{metric_label(metric)} ({pct}interval)" if has_interval else metric_label(metric)
    columns = [
        ("Group", False),
        ("n", True),
        (value, True),
        ("Difference vs ref.", True),
        ("Ratio vs ref.", True),
        ("Adj. p-value", True),
        ("Status", False),
    ]
    return [{"label": c, "numeric": num} for c, num in columns]


def metric_table(
    result: AuditResult,
    metric: str,
    feature: str,
    sizes: Sizes,
    findings: dict[tuple[str, str, str], list[Finding]],
    tests: dict[tuple[str, str, str], Any],
    table_id: str,
    cls: Any = None,
) -> dict[str, Any] | None:
    """Group, n, value, interval, disparities, adjusted p-value and status of one metric."""
    rows = metric_rows(result, metric, feature, cls)
    if rows is None:
        return None
    disp, reference = _disparities_of(result, metric, feature, cls)
    groups_in_findings = [
        g for (m, f, g) in findings if m == metric and f == feature and g not in set(rows["group"])
    ]
    meta = result.meta
    total_rows = None if meta.n_rows is None else meta.n_rows - meta.n_dropped
    body = []
    for row in rows.to_dict("records"):
        group = str(row["group"])
        is_overall = group == OVERALL
        is_reference = not is_overall and reference is not None and group == str(reference)
        group_findings = findings.get((metric, feature, group), [])
        label = "overall" if is_overall else group + (" (reference)" if is_reference else "")
        cells = [cell(label, cls="overall" if is_overall else "")]
        if not is_overall and sizes.hidden(feature, group):
            cells.append(cell(f"< {sizes.k}", sort=0, numeric=True))
            cells += [cell(sizes.note, sort="", numeric=True, cls="suppressed")] * 4
        else:
            n = total_rows if is_overall else sizes.n.get((feature, group), row.get("n"))
            p = next(
                (f.p_value_adjusted for f in group_findings if f.p_value_adjusted is not None),
                tests.get((metric, feature, group)),
            )
            cells += _value_cells(row, n, disp, is_overall, p)
        status = worst([f.status.value for f in group_findings])
        rules = ", ".join(dict.fromkeys(f.rule_id for f in group_findings))
        if is_overall:
            cells.append(cell(""))
        elif status is None and is_reference:
            cells.append(cell("reference", cls="muted"))
        else:
            cells.append(status_cell(status, rules))
        body.append(cells)
    for group in groups_in_findings:  # findings on groups without an interval row
        status = worst([f.status.value for f in findings[(metric, feature, group)]])
        body.append([cell(group), *[cell("—", numeric=True)] * 5, status_cell(status)])
    if not body:
        return None
    return {
        "id": table_id,
        "caption": f"{metric_label(metric)} by {feature}{_class_words(cls)}"
        + ("" if reference is None else f", compared with the reference group {reference}"),
        "columns": _columns(result, metric, _has_interval(rows)),
        "rows": body,
        "note": "",
    }


def _has_interval(rows: Any) -> bool:
    """Whether any row of a metric has both interval bounds."""
    if not {"lower", "upper"} <= set(rows.columns):
        return False
    return bool((rows["lower"].notna() & rows["upper"].notna()).any())


def _class_words(cls: Any) -> str:
    return "" if cls is None else f", class {cls}"


def _rule_texts(judged: list[Finding], policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The rules that judged a metric, in words, with the policy's description of each."""
    by_id = {
        str(r.get("id")): r
        for r in (policy or {}).get("rules", [])
        if isinstance(r, dict) and r.get("id") is not None
    }
    rules = sorted(
        {(f.rule_id, f.comparison, f.threshold, f.warn_threshold, f.bound) for f in judged},
        key=str,
    )
    return [
        {
            "id": rule,
            "text": f"{comparison.replace('_', ' ')} must be "
            f"{'at least' if bound == 'min' else 'at most'} {fmt_number(threshold)}"
            + ("" if warn is None else f" (warn beyond {fmt_number(warn)})"),
            "description": by_id.get(rule, {}).get("description") or "",
            "direction": by_id.get(rule, {}).get("direction") or "",
        }
        for rule, comparison, threshold, warn, bound in rules
        if threshold is not None
    ]


def _blocks(
    result: AuditResult,
    metric: str,
    feature_sets: list[str],
    indexes: tuple[dict[tuple[str, str, str], list[Finding]], dict[tuple[str, str, str], Any]],
    sizes: Sizes,
    used: set[str],
    plots: bool,
) -> list[dict[str, Any]]:
    """One table (and plot) per feature set and class of one metric."""
    findings, tests = indexes
    judged = {f.feature for f in result.findings if f.metric == metric}
    blocks = []
    for feature in feature_sets:
        for cls in metric_classes(result, metric, feature):
            table_id = slug(f"t-{metric}-{feature}-{cls}", used)
            table = metric_table(result, metric, feature, sizes, findings, tests, table_id, cls)
            if table is None:
                continue
            svg = ""
            if plots:
                disparity = feature in judged and cls is None
                words = f"{feature}{_class_words(cls)}"
                svg = metric_chart(result, metric, feature, sizes, used, disparity, cls, words)
            blocks.append({"feature": f"{feature}{_class_words(cls)}", "table": table, "svg": svg})
    return blocks


def metric_sections(
    result: AuditResult, sizes: Sizes, used: set[str], plots: bool
) -> list[dict[str, Any]]:
    """One section per metric, one block (table and plot) per feature set."""
    source = next(
        (
            result.tables[name]
            for name in ("intervals", "disparities")
            if name in result.tables
            and {"feature", "group", "metric"} <= set(result.tables[name].columns)
        ),
        None,
    )
    if source is None:
        return []
    feature_sets = list(result.meta.feature_sets) or list(dict.fromkeys(source["feature"]))
    indexes = (_findings_index(result), _tests_index(result))
    sections = []
    for metric in metric_names(result):
        sid = slug(f"metric-{metric}", used)
        judged = [f for f in result.findings if f.metric == metric]
        blocks = _blocks(result, metric, feature_sets, indexes, sizes, used, plots)
        if not blocks:
            continue
        entry = REGISTRY.get(metric)
        sections.append(
            {
                "id": sid,
                "metric": metric,
                "title": metric_label(metric),
                "definition": entry.definition if entry else "",
                "formula": entry.formula_text if entry else "",
                "direction": entry.direction if entry else "",
                "status": status_cell(worst([f.status.value for f in judged])) if judged else None,
                "judged": bool(judged),
                "rules": _rule_texts(judged, result.policy),
                "blocks": blocks,
            }
        )
    return sections
