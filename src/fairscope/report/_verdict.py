"""The verdict in words and the executive summary, from the findings and tables of a result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from fairscope.core._findings import Finding, Status
from fairscope.core._verdicts import undecided_sentence
from fairscope.report._formatting import (
    _plural,
    cell,
    fmt_interval,
    fmt_number,
    metric_label,
    status_cell,
    worst,
)
from fairscope.report._privacy import Sizes

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def verdict(result: AuditResult) -> dict[str, Any]:
    """The overall verdict in words, with an icon and a CSS class."""
    counts = result.status_counts
    total = sum(counts.values())
    if total == 0:
        return {
            "key": "none",
            "word": "NOT JUDGED",
            "icon": "○",
            "headline": "No policy was applied",
            "detail": "This report describes disparities between groups but does not judge "
            "them against thresholds. Apply a policy to get a pass/fail verdict.",
        }
    failing = [s for s in counts if counts[s] and s.lower() in {f.lower() for f in result.fail_on}]
    fails_on = f" The audit fails on: {', '.join(result.fail_on)}."
    if not result.passed:
        bad = (
            counts["FAIL"]
            + counts["ERROR"]
            + sum(counts[s] for s in failing if s not in ("FAIL", "ERROR"))
        )
        return {
            "key": "fail",
            "word": "FAIL",
            "icon": "✖",
            "headline": f"{bad} of {_plural(total, 'check', 'checks')} failed",
            "detail": "At least one fairness rule of the policy is violated "
            "(see the findings below)." + fails_on,
        }
    caveats = counts["WARN"] + counts["INCONCLUSIVE"]
    undecided = counts["INCONCLUSIVE"]
    if caveats:
        headline = f"No check failed; {caveats} of {total} need attention"
        if undecided:
            headline = undecided_sentence(undecided).capitalize()
        return {
            "key": "warn",
            "word": "PASS WITH CAVEATS",
            "icon": "⚠",
            "headline": headline,
            "detail": " ".join(
                text
                for count, text in (
                    (counts["WARN"], "Warnings: a disparity is beyond a warning threshold."),
                    (
                        counts["INCONCLUSIVE"],
                        "Inconclusive: an interval straddles the threshold, so the data "
                        "cannot confirm that the rule holds; more data is needed.",
                    ),
                )
                if count
            )
            + fails_on,
        }
    return {
        "key": "pass",
        "word": "PASS",
        "icon": "✔",
        "headline": f"All {total} checks passed",
        "detail": "Every judged disparity is within its threshold, including its interval."
        + fails_on,
    }


def at_a_glance(result: AuditResult) -> dict[str, Any] | None:
    """Worst status per policy rule (rows) and feature set (columns)."""
    if not result.findings:
        return None
    features = list(dict.fromkeys(f.feature for f in result.findings))
    rules: dict[str, list[Finding]] = {}
    for f in result.findings:
        rules.setdefault(f.rule_id, []).append(f)
    rows = []
    for rule, items in rules.items():
        first = items[0]
        threshold = (
            ""
            if first.threshold is None
            else (f" {'≥' if first.bound == 'min' else '≤'} {fmt_number(first.threshold)}")
        )
        cells = [
            cell(
                rule,
                sub=f"{metric_label(first.metric)}, "
                f"{first.comparison.replace('_', ' ')}{threshold}",
            )
        ]
        for feature in features:
            judged = [f for f in items if f.feature == feature]
            if not judged:
                cells.append(cell("—"))
                continue
            status = worst([f.status.value for f in judged])
            bad = sum(f.status.value == status for f in judged)
            cells.append(status_cell(status, f"{bad} of {_plural(len(judged), 'group', 'groups')}"))
        rows.append(cells)
    columns = [{"label": "Rule", "numeric": False}] + [
        {"label": f, "numeric": False} for f in features
    ]
    return {
        "id": "t-glance",
        "caption": "At a glance: the worst status of each rule for each sensitive feature",
        "columns": columns,
        "rows": rows,
        "note": "",
    }


def describe_finding(f: Finding) -> str:
    """A plain-language sentence for a finding (its own message when it has one)."""
    if f.message:
        return f.message
    words = f"{metric_label(f.metric)} {f.comparison.replace('_', ' ')}"
    threshold = "" if f.threshold is None else f" (threshold {fmt_number(f.threshold)})"
    interval = fmt_interval(f.lower, f.upper)
    interval = "" if interval == "—" else f", interval {interval}"
    return (
        f"{f.status.value}: {words} for {f.group} vs {f.reference or 'the reference'} is "
        f"{fmt_number(f.value)}{interval}{threshold}."
    )


def summary(result: AuditResult, sizes: Sizes) -> list[str]:
    """The executive summary: a few plain sentences."""
    meta = result.metadata
    out = []
    what = {
        "model": "a model",
        "predictions": "a model's predictions",
        "dataset": "a dataset",
    }.get(result.kind, result.kind)
    task = f" ({result.task} task)" if result.task and result.task != "dataset" else ""
    rows = meta.get("n_rows")
    features = meta.get("sensitive_features") or []
    sets = meta.get("feature_sets") or []
    groups = meta.get("groups") or {}
    n_groups = sum(len(v) for v in groups.values()) if isinstance(groups, dict) else 0
    sentence = f"This report audits {what}{task}"
    if rows is not None:
        sentence += f" on {fmt_number(rows, count=True)} rows"
    if features:
        sentence += f" for bias across {', '.join(map(str, features))}"
        if len(sets) > len(features):
            sentence += " and their intersections"
    if n_groups:
        sentence += f" ({n_groups} groups in all)"
    out.append(sentence + ".")
    dropped = meta.get("n_dropped") or 0
    if dropped:
        out.append(
            f"{fmt_number(dropped, count=True)} rows were dropped before the audit "
            "(see Scope for why)."
        )
    counts = result.status_counts
    total = sum(counts.values())
    if total:
        name = (result.policy or {}).get("name") or "the policy"
        parts = [f"{v} {k}" for k, v in counts.items() if v]
        out.append(f"{_plural(total, 'check', 'checks')} of {name}: {', '.join(parts)}.")
        for f in result.worst_findings(3):
            if f.status in (Status.PASS, Status.SKIPPED):
                break
            if sizes.hidden(f.feature, f.group):
                out.append(f"{f.status.value}: a suppressed small group ({f.metric}).")
            else:
                text = describe_finding(f)
                prefix = f"{f.status.value}: "
                out.append(text if text.startswith(prefix) else prefix + text)
        if counts["INCONCLUSIVE"]:
            out.append(
                f"{_plural(counts['INCONCLUSIVE'], 'check is', 'checks are')} inconclusive: "
                "the confidence interval straddles the threshold, "
                "so more data is needed before anything can be claimed."
            )
        if counts["SKIPPED"]:
            minimum = meta.get("min_group_size")
            size = f" (fewer than {minimum} rows)" if minimum else ""
            out.append(
                f"{_plural(counts['SKIPPED'], 'check was', 'checks were')} skipped "
                "because the group is too small"
                f"{size}."
            )
    else:
        out.append("No policy was applied, so no disparity was judged against a threshold.")
        largest = largest_gap(result, sizes)
        if largest:
            out.append(largest)
    out += dataset_highlights(result)
    level = meta.get("ci")
    if level:
        method = interval_method(result)
        what = "group mean" if result.task == "regression" else "rate"
        out.append(
            f"Every {what} is shown with a {fmt_number(float(level) * 100, digits=0)}% confidence "
            f"interval{f' ({method})' if method else ''}; a wide interval means few rows."
        )
    return out


def interval_method(result: AuditResult) -> str | None:
    """How the intervals of the report were computed, in words."""
    if result.task == "regression":
        # regression audits give means with normal-approximation intervals whatever ci_method says
        return "Wald: mean ± z × standard error; none for RMSE and R²"
    return result.meta.ci_method


def base_rate_gaps(result: AuditResult) -> list[str]:
    """Per sensitive feature, the widest gap in the label's base rate, as a sentence.

    Label bias is the first thing a reader of a data-set audit needs: a model
    trained on these labels learns the gap. Intersections are left to the table.
    """
    table = result.tables.get("base_rates")
    needed = {"feature", "group", "value", "reference", "ratio"}
    if table is None or not needed <= set(table.columns):
        return []
    out = []
    features = set(map(str, result.metadata.get("sensitive_features") or []))
    for feature, rows in table.groupby("feature", sort=False):
        if features and str(feature) not in features:
            continue
        rows = rows[(rows["group"] != "<overall>") & rows["value"].notna()]
        if "small" in rows.columns:
            rows = rows[~rows["small"].fillna(False).astype(bool)]
        if "is_reference" in rows.columns:
            reference_rows = rows[rows["is_reference"].fillna(False).astype(bool)]
            rows = rows[~rows["is_reference"].fillna(False).astype(bool)]
        else:
            reference_rows = rows.iloc[0:0]
        rows = rows[rows["ratio"].notna()]
        if rows.empty or reference_rows.empty:
            continue
        low = rows.loc[(rows["ratio"] - 1).abs().idxmax()]
        ref = reference_rows.iloc[0]
        label = (
            f" of {low['class']}" if "class" in low.index and low["class"] == low["class"] else ""
        )
        interval = fmt_interval(low.get("ratio_lower"), low.get("ratio_upper"))
        out.append(
            f"Base rate{label} by {feature}: {low['group']} {_percent(low['value'])} vs "
            f"{ref['group']} {_percent(ref['value'])} (ratio {fmt_number(low['ratio'])}"
            + ("" if interval == "—" else f", interval {interval}")
            + "); a model trained on these labels can learn this gap (see “Base rates”)."
        )
    return out


def _percent(value: Any) -> str:
    return f"{float(value) * 100:.0f}%"


def dataset_highlights(result: AuditResult) -> list[str]:
    """Sentences on what the dataset tables flag (base-rate gaps, proxies), read from them."""
    out = base_rate_gaps(result)
    proxies = result.tables.get("proxies")
    if proxies is not None and {"feature", "column", "is_proxy"} <= set(proxies.columns):
        flagged = proxies[proxies["is_proxy"].fillna(False).astype(bool)]
        for feature, rows in flagged.groupby("feature", sort=False):
            columns = ", ".join(map(str, rows["column"]))
            out.append(f"Flagged as proxies of {feature}: {columns} (see “Proxies”).")
    for name, what in (("missingness", "missing-data gap"), ("feature_shift", "feature shift")):
        table = result.tables.get(name)
        if table is not None and "flagged" in table.columns:
            n = int(table["flagged"].fillna(False).astype(bool).sum())
            if n:
                out.append(f"{_plural(n, what, what + 's')} flagged; charted and listed first.")
    return out


def largest_gap(result: AuditResult, sizes: Sizes) -> str | None:
    """The lowest selection-rate ratio in the disparities table, as a sentence."""
    table = result.tables.get("disparities")
    if table is None or not {"metric", "kind", "estimate", "group"} <= set(table.columns):
        return None
    metric = "selection_rate" if (table["metric"] == "selection_rate").any() else None
    if metric is None:
        return None
    rows = table[(table["metric"] == metric) & (table["kind"] == "ratio")]
    if "is_reference" in rows.columns:
        rows = rows[~rows["is_reference"].astype(bool)]
    # a boolean array, not a list: an empty list would select no columns (a single group)
    shown = [not sizes.hidden(f, g) for f, g in zip(rows["feature"], rows["group"], strict=True)]
    rows = rows[np.asarray(shown, dtype=bool)]
    rows = rows[rows["estimate"].notna()]
    if rows.empty:
        return None
    row = rows.loc[rows["estimate"].idxmin()]
    interval = fmt_interval(row.get("lower"), row.get("upper"))
    interval = "" if interval == "—" else f" (interval {interval})"
    of_class = (
        f" (class {row['class']})" if "class" in row.index and row["class"] == row["class"] else ""
    )
    return (
        f"The largest gap in selection rate{of_class}: {row['group']} is selected at "
        f"{fmt_number(row['estimate'])} times the rate of {row['reference']}{interval}; "
        "the four-fifths rule of thumb asks for at least 0.8."
    )
