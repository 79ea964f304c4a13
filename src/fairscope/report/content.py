"""The content of the transparency report, built from an AuditResult alone.

:func:`build_report` turns an :class:`~fairscope.result.AuditResult` into a
tree of plain Python objects (strings, lists, dicts) that the jinja2 template
lays out. Numbers are read from the result's tables and findings and only
formatted, selected or sorted here; no metric is recomputed, so a report
rebuilt from the saved JSON says the same thing as the direct one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from fairscope.report.formatting import (
    cell,
    fmt_interval,
    fmt_number,
    fmt_p,
    frame_cells,
    is_missing,
    status_cell,
)
from fairscope.result import SEVERITY, AuditResult, Finding, Status

OVERALL = "<overall>"
#: Tables laid out by a metric section (the rest go to their own section or the appendix).
METRIC_TABLES = ("group_metrics", "intervals", "disparities", "counts", "tests")
DATASET_TABLES: dict[str, tuple[str, str]] = {
    "representation": (
        "Representation",
        "How many rows each group and intersection has, and its share of the data. Small or "
        "empty groups cannot be judged reliably; when a reference population was given, the "
        "representation ratio compares the share in the data with the share in that population.",
    ),
    "base_rates": (
        "Base rates (label bias)",
        "The share of each group with the favourable label (or the mean of the target). "
        "Large gaps in the training labels are often reproduced by a model trained on them.",
    ),
    "missingness": (
        "Missingness",
        "How often each feature is missing in each group. A field missing much more often for "
        "one group can hide a biased data-collection process and degrade the model for it.",
    ),
    "proxies": (
        "Proxies of the sensitive features",
        "How well other features predict the sensitive attribute. A strong proxy lets a model "
        "discriminate even when the sensitive feature itself is left out.",
    ),
    "proxy_model": (
        "Proxy model (all features together)",
        "A cross-validated classifier predicting each sensitive feature from all other features "
        "together; an AUC well above 0.5 means the features jointly encode the sensitive "
        "attribute, even when no single feature does.",
    ),
    "feature_shift": (
        "Feature shift across groups",
        "How differently features are distributed across groups (standardized mean difference "
        "for numbers, total variation distance for categories).",
    ),
}
SCORE_TABLES: dict[str, tuple[str, str]] = {
    "score_metrics": (
        "Score-based metrics",
        "Ranking and probability quality per group (ROC AUC, average precision, Brier score, "
        "log loss, calibration error). These do not depend on a decision threshold.",
    ),
    "threshold_sweep": (
        "ROC curves and threshold sweep",
        "True and false positive rates of each group at every threshold. Curves that lie apart "
        "mean that no single threshold treats the groups alike.",
    ),
    "calibration": (
        "Calibration",
        "Observed share of positives against the mean predicted score, per group. A score is "
        "calibrated for a group when its points lie on the diagonal.",
    ),
}
#: Most rows of a table printed in the report (the JSON has them all).
MAX_TABLE_ROWS = 200
MAX_PLOTTED_ROWS = 100
CURVE_TABLES = ("threshold_sweep", "calibration")
_FEATURE_COLUMNS = ("feature", "sensitive_feature", "feature_set")

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Sensitive feature", "An attribute such as sex or race along which fairness is examined."),
    (
        "Group",
        "The rows sharing one value of a sensitive feature, or one combination of values "
        "of several (an intersection, e.g. “race=Black & sex=Female”).",
    ),
    ("Reference group", "The group every other group is compared with (by default the largest)."),
    (
        "Disparity",
        "A group’s metric compared with the reference: a ratio (1 means equal) or a "
        "difference (0 means equal).",
    ),
    (
        "Confidence interval",
        "A range that contains the true value with the stated probability "
        "(95% by default), given the data; wide intervals mean few rows.",
    ),
    (
        "Threshold",
        "The limit a policy rule sets on a disparity, e.g. a selection-rate ratio of "
        "at least 0.8 (the four-fifths rule).",
    ),
    (
        "PASS / FAIL",
        "The disparity, with its whole interval, is on the acceptable / failing side "
        "of the threshold.",
    ),
    (
        "INCONCLUSIVE",
        "The interval straddles the threshold: the data cannot tell whether the rule "
        "holds. More data is needed; it is not a pass.",
    ),
    ("WARN", "Beyond the warning threshold but not the failing one."),
    ("SKIPPED", "The group is smaller than the minimum group size, so no verdict is given."),
    (
        "WAIVED",
        "A failure covered by an approved, unexpired waiver (justification, owner, expiry).",
    ),
    (
        "p-value (adjusted)",
        "How surprising the observed gap would be if the groups were treated "
        "alike, corrected for the number of comparisons made.",
    ),
    ("Selection rate", "Share of a group that the model predicts positive (selects)."),
    (
        "True / false positive rate",
        "Share of truly positive / truly negative rows that the model predicts positive.",
    ),
    ("Suppressed", "A value withheld because its group has too few rows to publish safely."),
)

LIMITATIONS: tuple[str, ...] = (
    "Group fairness metrics describe outcomes across groups; they do not establish causes, "
    "individual fairness, or legal compliance.",
    "Several fairness criteria (e.g. calibration and equal error rates) cannot all hold at once "
    "when base rates differ; which one matters is a decision for the people accountable.",
    "Results hold for the data audited. A different population, time period or decision "
    "threshold can change them.",
    "Sensitive features may be recorded inaccurately or be missing; groups not recorded cannot "
    "be examined.",
)

CARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("intended_use", "Intended use"),
    ("users", "Intended users"),
    ("out_of_scope_uses", "Out-of-scope uses"),
    ("ethical_considerations", "Ethical considerations"),
    ("limitations", "Known limitations"),
    ("tradeoffs", "Trade-offs"),
)

_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def safe_link(value: Any) -> str | None:
    """The value as a link target when it is a plain http(s) URL, else None."""
    if isinstance(value, str) and _SAFE_URL.match(value.strip()):
        return value.strip()
    return None


def slug(text: str, used: set[str]) -> str:
    """A unique, safe HTML id from any text."""
    base = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40] or "s"
    out, i = base, 2
    while out in used:
        out, i = f"{base}-{i}", i + 1
    used.add(out)
    return out


def metric_label(name: str) -> str:
    from fairscope.metrics import REGISTRY

    metric = REGISTRY.get(name)
    return metric.label if metric is not None else str(name).replace("_", " ").capitalize()


def worst(statuses: list[str]) -> str | None:
    """The worst status of a list (None when empty)."""
    known = [Status(s) for s in statuses if s]
    return min(known, key=SEVERITY.get).value if known else None


# -- groups, sizes and suppression ---------------------------------------------------------


class Sizes:
    """Rows per group, read from the result's tables, and which groups are suppressed."""

    def __init__(self, result: AuditResult, suppress_below: int | None) -> None:
        self.k = suppress_below
        self.note = f"suppressed (n < {suppress_below})" if suppress_below else ""
        self.n: dict[tuple[str, str], int] = {}
        from fairscope.plots import SIZE_TABLES

        for name in SIZE_TABLES:
            table = result.tables.get(name)
            if table is None or "group" not in table.columns:
                continue
            size_col = next((c for c in ("n", "count", "rows") if c in table.columns), None)
            fcol = next((c for c in _FEATURE_COLUMNS if c in table.columns), None)
            if size_col is None:
                continue
            for _, row in table.iterrows():
                if is_missing(row[size_col]):
                    continue
                key = (str(row[fcol]) if fcol else "", str(row["group"]))
                self.n.setdefault(key, int(row[size_col]))
        for f in result.findings:
            if f.n is not None:
                self.n.setdefault((f.feature, f.group), int(f.n))
        self.small_labels = {g for (_, g), n in self.n.items() if self.hidden_n(n)}
        self.labels = {g for (_, g) in self.n}

    def hidden_n(self, n: Any) -> bool:
        return self.k is not None and not is_missing(n) and int(n) < self.k

    def hidden(self, feature: str | None, group: Any) -> bool:
        if self.k is None or is_missing(group):
            return False
        group = str(group)
        if feature is not None and (feature, group) in self.n:
            return self.hidden_n(self.n[(feature, group)])
        return group in self.small_labels

    def mask(self, frame: pd.DataFrame) -> list[bool] | None:
        """Which rows of a table belong to a suppressed group (or compare with one)."""
        if self.k is None:
            return None
        fcol = next((c for c in _FEATURE_COLUMNS if c in frame.columns), None)
        out = []
        for _, row in frame.iterrows():
            feature = str(row[fcol]) if fcol else None
            hide = "group" in frame.columns and self.hidden(feature, row["group"])
            if "reference" in frame.columns:
                hide = hide or self.hidden(feature, row["reference"])
            known = "group" in frame.columns and (feature or "", str(row["group"])) in self.n
            if "group" in frame.columns and not known and str(row["group"]) not in self.labels:
                # a group no size table knows: its own row count decides
                size = next((row[c] for c in ("n", "count") if c in frame.columns), None)
                hide = hide or self.hidden_n(size)
            out.append(hide)
        return out


# -- generic tables --------------------------------------------------------------------------


def generic_table(
    frame: pd.DataFrame, caption: str, sizes: Sizes, table_id: str, max_rows: int = MAX_TABLE_ROWS
) -> dict[str, Any]:
    """Any DataFrame as a report table (suppression applied, long tables cut with a note)."""
    note = ""
    if len(frame) > max_rows:
        note = (
            f"The first {max_rows:,} of {len(frame):,} rows are shown; the saved JSON result "
            "holds them all."
        )
        frame = frame.iloc[:max_rows]
    frame = frame.reset_index(drop=not _has_named_index(frame))
    columns = [
        {"label": str(c), "numeric": pd.api.types.is_numeric_dtype(frame[c])} for c in frame.columns
    ]
    return {
        "id": table_id,
        "caption": caption,
        "columns": columns,
        "rows": frame_cells(frame, sizes.mask(frame), sizes.note),
        "note": note,
    }


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(name is not None for name in frame.index.names)


# -- the verdict and the summary ----------------------------------------------------------------


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
            "(see the findings below).",
        }
    caveats = counts["WARN"] + counts["INCONCLUSIVE"]
    if caveats:
        return {
            "key": "warn",
            "word": "PASS WITH CAVEATS",
            "icon": "⚠",
            "headline": f"No check failed; {caveats} of {total} need attention",
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
            ),
        }
    return {
        "key": "pass",
        "word": "PASS",
        "icon": "✔",
        "headline": f"All {total} checks passed",
        "detail": "Every judged disparity is within its threshold, including its interval.",
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
            cells.append(status_cell(status, f"{bad} of {len(judged)} groups"))
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
        method = meta.get("ci_method")
        out.append(
            f"Every rate is shown with a {fmt_number(float(level) * 100, digits=0)}% confidence "
            f"interval{f' ({method})' if method else ''}; a wide interval means few rows."
        )
    return out


def dataset_highlights(result: AuditResult) -> list[str]:
    """Sentences on what the dataset tables flag (strong proxies), read from their flags."""
    out = []
    proxies = result.tables.get("proxies")
    if proxies is not None and {"feature", "column", "is_proxy"} <= set(proxies.columns):
        flagged = proxies[proxies["is_proxy"].fillna(False).astype(bool)]
        for feature, rows in flagged.groupby("feature", sort=False):
            columns = ", ".join(map(str, rows["column"]))
            out.append(f"Flagged as proxies of {feature}: {columns} (see “Proxies”).")
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


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
    rows = rows[
        [not sizes.hidden(f, g) for f, g in zip(rows["feature"], rows["group"], strict=True)]
    ]
    rows = rows[rows["estimate"].notna()]
    if rows.empty:
        return None
    row = rows.loc[rows["estimate"].idxmin()]
    interval = fmt_interval(row.get("lower"), row.get("upper"))
    interval = "" if interval == "—" else f" (interval {interval})"
    return (
        f"The largest gap in selection rate: {row['group']} is selected at "
        f"{fmt_number(row['estimate'])} times the rate of {row['reference']}{interval}; "
        "the four-fifths rule of thumb asks for at least 0.8."
    )


# -- scope ---------------------------------------------------------------------------------------


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
            if isinstance(per_metric, dict):
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
        add(str(key).replace("_", " ").capitalize(), value)
    return items


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def user_metadata(metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
    """User-supplied metadata: text, with links only for http(s) URLs."""
    out = []
    for key, value in (metadata or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        parts = [{"text": _text(v), "href": safe_link(v)} for v in values]
        out.append({"term": str(key), "parts": parts})
    return out


# -- metric sections ---------------------------------------------------------------------------


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
    rank = {}
    for f in result.findings:
        rank[f.metric] = min(rank.get(f.metric, 99), SEVERITY[f.status])
    return sorted(names, key=lambda m: (rank.get(m, 99), names.index(m)))


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
    from fairscope.plots import metric_rows

    rows = metric_rows(result, metric, feature, cls)
    if rows is None:
        return None
    disparities = result.tables.get("disparities")
    disp: dict[tuple[str, str], Any] = {}
    reference = None
    if disparities is not None and {"feature", "metric", "kind", "group"} <= set(
        disparities.columns
    ):
        sub = disparities[(disparities["feature"] == feature) & (disparities["metric"] == metric)]
        if cls is not None and "class" in sub.columns:
            sub = sub[sub["class"].astype(str) == str(cls)]
        for _, row in sub.iterrows():
            disp[(str(row["kind"]), str(row["group"]))] = row
            reference = row.get("reference", reference)
    groups_in_findings = [
        g for (m, f, g) in findings if m == metric and f == feature and g not in set(rows["group"])
    ]
    meta = result.metadata
    total_rows = None
    if meta.get("n_rows") is not None:
        total_rows = int(meta["n_rows"]) - int(meta.get("n_dropped") or 0)
    body = []
    for _, row in rows.iterrows():
        group = str(row["group"])
        is_overall = group == OVERALL
        n = total_rows if is_overall else sizes.n.get((feature, group), row.get("n"))
        hide = not is_overall and sizes.hidden(feature, group)
        label = "overall" if is_overall else group
        if not is_overall and reference is not None and group == str(reference):
            label += " (reference)"
        cells = [cell(label, cls="overall" if is_overall else "")]
        if hide:
            cells.append(cell(f"< {sizes.k}", sort=0, numeric=True))
            cells += [cell(sizes.note, sort="", numeric=True, cls="suppressed")] * 4
        else:
            cells.append(cell(fmt_number(n, count=True), sort=n, numeric=True))
            interval = fmt_interval(row["lower"], row["upper"])
            cells.append(
                cell(
                    fmt_number(row["estimate"]),
                    sort=row["estimate"],
                    numeric=True,
                    sub="" if interval == "—" else interval,
                )
            )
            for kind in ("difference", "ratio"):
                d = disp.get((kind, group))
                if d is None or is_overall:
                    cells.append(cell("—", sort="", numeric=True))
                elif bool(d.get("is_reference", False)):
                    cells.append(cell("reference", sort="", numeric=True))
                else:
                    interval = fmt_interval(d.get("lower"), d.get("upper"))
                    cells.append(
                        cell(
                            fmt_number(d["estimate"]),
                            sort=d["estimate"],
                            numeric=True,
                            sub="" if interval == "—" else interval,
                        )
                    )
            group_findings = findings.get((metric, feature, group), [])
            p = next(
                (f.p_value_adjusted for f in group_findings if f.p_value_adjusted is not None),
                tests.get((metric, feature, group)),
            )
            cells.append(cell(fmt_p(p), sort=p, numeric=True))
        group_findings = findings.get((metric, feature, group), [])
        status = worst([f.status.value for f in group_findings])
        rules = ", ".join(dict.fromkeys(f.rule_id for f in group_findings))
        if is_overall:
            cells.append(cell(""))
        elif status is None and reference is not None and group == str(reference):
            cells.append(cell("reference", cls="muted"))
        else:
            cells.append(status_cell(status, rules))
        body.append(cells)
    for group in groups_in_findings:  # findings on groups without an interval row
        group_findings = findings[(metric, feature, group)]
        status = worst([f.status.value for f in group_findings])
        body.append([cell(group), *[cell("—", numeric=True)] * 5, status_cell(status)])
    if not body:
        return None
    level = result.metadata.get("ci")
    pct = f"{fmt_number(float(level) * 100, digits=0)}% " if level else ""
    columns = [
        ("Group", False),
        ("n", True),
        (f"{metric_label(metric)} ({pct}interval)", True),
        ("Difference vs ref.", True),
        ("Ratio vs ref.", True),
        ("Adj. p-value", True),
        ("Status", False),
    ]
    return {
        "id": table_id,
        "caption": f"{metric_label(metric)} by {feature}{_class_words(cls)}",
        "columns": [{"label": c, "numeric": num} for c, num in columns],
        "rows": body,
        "note": "",
    }


def _class_words(cls: Any) -> str:
    return "" if cls is None else f", class {cls}"


def metric_sections(
    result: AuditResult, sizes: Sizes, used: set[str], plots: bool
) -> list[dict[str, Any]]:
    """One section per metric, one block (table and plot) per feature set."""
    from fairscope.metrics import REGISTRY
    from fairscope.plots import metric_classes

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
    findings = _findings_index(result)
    tests = _tests_index(result)
    feature_sets = list(result.metadata.get("feature_sets") or dict.fromkeys(source["feature"]))
    policy_rules = {
        str(r.get("id")): r
        for r in (result.policy or {}).get("rules", [])
        if isinstance(r, dict) and r.get("id") is not None
    }
    sections = []
    for metric in metric_names(result):
        sid = slug(f"metric-{metric}", used)
        judged = [f for f in result.findings if f.metric == metric]
        blocks = []
        for feature in feature_sets:
            for cls in metric_classes(result, metric, feature):
                table = metric_table(
                    result,
                    metric,
                    feature,
                    sizes,
                    findings,
                    tests,
                    slug(f"t-{metric}-{feature}-{cls}", used),
                    cls,
                )
                if table is None:
                    continue
                svg = ""
                if plots:
                    svg = _metric_plot(
                        result,
                        metric,
                        feature,
                        sizes,
                        used,
                        bool([f for f in judged if f.feature == feature]) and cls is None,
                        cls,
                    )
                blocks.append(
                    {"feature": f"{feature}{_class_words(cls)}", "table": table, "svg": svg}
                )
        if not blocks:
            continue
        entry = REGISTRY.get(metric)
        status = worst([f.status.value for f in judged])
        rules = sorted(
            {(f.rule_id, f.comparison, f.threshold, f.warn_threshold, f.bound) for f in judged},
            key=str,
        )
        sections.append(
            {
                "id": sid,
                "metric": metric,
                "title": metric_label(metric),
                "definition": entry.definition if entry else "",
                "formula": entry.formula_text if entry else "",
                "direction": entry.direction if entry else "",
                "status": status_cell(status) if judged else None,
                "judged": bool(judged),
                "rules": [
                    {
                        "id": r[0],
                        "text": f"{r[1].replace('_', ' ')} must be "
                        f"{'at least' if r[4] == 'min' else 'at most'} {fmt_number(r[2])}"
                        + ("" if r[3] is None else f" (warn beyond {fmt_number(r[3])})"),
                        "description": policy_rules.get(r[0], {}).get("description") or "",
                        "direction": policy_rules.get(r[0], {}).get("direction") or "",
                    }
                    for r in rules
                    if r[2] is not None
                ],
                "blocks": blocks,
            }
        )
    return sections


def _metric_plot(
    result: AuditResult,
    metric: str,
    feature: str,
    sizes: Sizes,
    used: set[str],
    judged: bool,
    cls: Any = None,
) -> str:
    from fairscope import plots
    from fairscope.report.svg import figure_to_svg

    kind = "disparity" if judged else "value"
    try:
        if kind == "value":
            series = plots.value_series(result, metric, feature, cls)
        else:
            series = plots.disparity_series(result, metric, feature)
    except (ValueError, KeyError):
        return ""
    if sizes.k is not None:
        series["n"] = [
            sizes.n.get((feature, g), n) for g, n in zip(series["groups"], series["n"], strict=True)
        ]
    fig = plots.new_figure(len(series["groups"]), labels=series["groups"])
    ax = fig.add_subplot()
    plots.draw_series(
        ax,
        series,
        kind=kind,
        metric=metric,
        feature=f"{feature}{_class_words(cls)}",
        suppress_below=sizes.k,
    )
    label = metric_label(metric)
    if kind == "value":
        desc = (
            f"Horizontal bar chart of {label} for each group of {feature}, with "
            f"confidence-interval whiskers and a line at the reference group's value. "
            "The values are listed in the table above."
        )
    else:
        threshold = series.get("threshold")
        desc = (
            f"Horizontal bar chart of the {plots.comparison_words(series['comparison'])} of "
            f"{label} for each group of {feature}, with confidence-interval whiskers"
            + (
                ""
                if threshold is None
                else f", a dashed line at the threshold {threshold:g} with the failing side shaded"
            )
            + ", and each group's status written next to its bar. The values are listed in "
            "the table above."
        )
    return figure_to_svg(
        fig,
        title=f"{label} by {feature}{_class_words(cls)}",
        description=desc,
        element_id=slug(f"p-{metric}-{feature}-{cls}", used),
    )


# -- findings ------------------------------------------------------------------------------------


def findings_tables(result: AuditResult, sizes: Sizes, used: set[str]) -> dict[str, Any]:
    """Findings worst first (passing ones apart), and the waivers."""
    columns = [
        ("Status", False),
        ("Group", False),
        ("What it means", False),
        ("Value (interval)", True),
        ("Threshold", True),
        ("n", True),
        ("Adjusted p-value", True),
    ]
    problems, passes, waivers = [], [], []
    for f in result.worst_findings(len(result.findings)):
        hide = sizes.hidden(f.feature, f.group)
        note = sizes.note
        interval = fmt_interval(f.lower, f.upper)
        row = [
            status_cell(f.status.value),
            cell(f.group, sub=f"{f.feature}; reference {f.reference or '—'}"),
            cell(
                f"{f.status.value}: suppressed small group" if hide else describe_finding(f),
                cls="message",
                sub=f"rule {f.rule_id}: {metric_label(f.metric)}, {f.comparison.replace('_', ' ')}",
            ),
            cell(
                note if hide else fmt_number(f.value),
                sort=None if hide else f.value,
                numeric=True,
                cls="suppressed" if hide else "",
                sub="" if hide or interval == "—" else interval,
            ),
            cell(
                ("≥ " if f.bound == "min" else "≤ ") + fmt_number(f.threshold)
                if f.threshold is not None
                else "—",
                sort=f.threshold,
                numeric=True,
            ),
            cell(
                f"< {sizes.k}" if hide else fmt_number(f.n, count=True),
                sort=None if hide else f.n,
                numeric=True,
            ),
            cell(
                note if hide else fmt_p(f.p_value_adjusted),
                sort=None if hide else f.p_value_adjusted,
                numeric=True,
            ),
        ]
        (passes if f.status == Status.PASS else problems).append(row)
        if f.waiver:
            w = f.waiver
            expiry = w.get("expires") or w.get("expiry") or w.get("expires_on")
            active = w.get("state", "active" if f.status == Status.WAIVED else "") == "active"
            waivers.append(
                {
                    "rule": f.rule_id,
                    "group": f.group,
                    "feature": f.feature,
                    "justification": str(w.get("justification", "—")),
                    "owner": str(w.get("owner", "—")),
                    "expiry": "—" if expiry is None else str(expiry),
                    "state": "active" if active else str(w.get("state") or "not applied"),
                    "active": active,
                    "status": status_cell(f.status.value),
                }
            )
    for w in result.metadata.get("expired_waivers") or []:
        if not isinstance(w, dict) or w.get("matched"):
            continue  # matched ones are listed with their finding above
        waivers.append(
            {
                "rule": str(w.get("rule", "—")),
                "group": str(w.get("group", "—")),
                "feature": str(w.get("feature") or "—"),
                "justification": str(w.get("justification", "—")),
                "owner": str(w.get("owner", "—")),
                "expiry": str(w.get("expires", "—")),
                "state": "expired (matched no finding)",
                "active": False,
                "status": status_cell(None),
            }
        )
    cols = [{"label": c, "numeric": n} for c, n in columns]
    return {
        "problems": {
            "id": slug("t-findings", used),
            "caption": "Findings that need attention, worst first",
            "columns": cols,
            "rows": problems,
            "note": "",
        },
        "passes": {
            "id": slug("t-findings-pass", used),
            "caption": "Passing findings",
            "columns": cols,
            "rows": passes,
            "note": "",
        },
        "waivers": waivers,
        "total": len(result.findings),
    }


# -- dataset, score and other tables ----------------------------------------------------------


def table_sections(
    result: AuditResult,
    names: dict[str, tuple[str, str]],
    sizes: Sizes,
    used: set[str],
    plots: bool,
    plotters: dict[str, Callable[..., list[str]]],
) -> list[dict[str, Any]]:
    sections = []
    for name, (title, intro) in names.items():
        table = result.tables.get(name)
        if table is None:
            continue
        svgs: list[str] = []
        if plots and name in plotters:
            try:
                svgs = plotters[name](table, sizes, used)
            except (KeyError, ValueError, TypeError):
                svgs = []  # an unexpected layout: the table below still shows the data
        sections.append(
            {
                "id": slug(name, used),
                "name": name,
                "title": title,
                "intro": intro,
                "svgs": svgs,
                "table": generic_table(
                    table,
                    f"{title} (table “{name}”)",
                    sizes,
                    slug(f"t-{name}", used),
                    # curves drawn above need fewer printed rows; the JSON keeps them all
                    max_rows=MAX_PLOTTED_ROWS if name in CURVE_TABLES and svgs else MAX_TABLE_ROWS,
                ),
                "collapsed": len(table) > 60,
                "grid": name in CURVE_TABLES,
            }
        )
    return sections


def _first(columns: Any, candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if c in columns), None)


def _bar_plotter(value_candidates: tuple[str, ...]) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str]) -> list[str]:
        from fairscope import plots
        from fairscope.report.svg import figure_to_svg

        value = _first(table.columns, value_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if value is None or "group" not in table.columns:
            return []
        lower = _first(table.columns, (f"{value}_lower", "lower"))
        upper = _first(table.columns, (f"{value}_upper", "upper"))
        keys = [c for c in (fcol, "class") if c and c in table.columns]
        out = []
        for key, rows in table.groupby(keys, sort=False) if keys else [((), table)]:
            key = key if isinstance(key, tuple) else (key,)
            feature = " ".join(
                str(k) if c != "class" else f"(class {k})" for c, k in zip(keys, key, strict=True)
            )
            rows = rows[rows["group"] != OVERALL]
            if rows.empty or len(out) >= 8:
                continue
            groups = [str(g) for g in rows["group"]]
            fig = plots.new_figure(len(groups), labels=groups)
            ax = fig.add_subplot()
            plots.draw_bars(
                ax,
                groups,
                rows[value].tolist(),
                rows[lower].tolist() if lower else None,
                rows[upper].tolist() if upper else None,
                suppressed=[sizes.hidden(str(key[0]) if fcol else None, g) for g in groups],
                suppress_note=sizes.note or "suppressed",
                xlabel=value.replace("_", " "),
                title=f"{value.replace('_', ' ')} by {feature}".strip(),
            )
            out.append(
                figure_to_svg(
                    fig,
                    title=f"{value.replace('_', ' ')} by {feature}",
                    description=f"Bar chart of {value} per group of {feature}"
                    + (" with interval whiskers" if lower else "")
                    + "; values in the table below.",
                    element_id=slug(f"p-{value}-{feature}", used),
                )
            )
        return out

    return plot


def _curve_plotter(
    x_candidates: tuple[str, ...], y_candidates: tuple[str, ...], what: str, diagonal: bool
) -> Callable[..., list[str]]:
    def plot(table: pd.DataFrame, sizes: Sizes, used: set[str]) -> list[str]:
        from matplotlib.figure import Figure

        from fairscope.plots import plain
        from fairscope.report.svg import figure_to_svg

        x, y = _first(table.columns, x_candidates), _first(table.columns, y_candidates)
        fcol = _first(table.columns, _FEATURE_COLUMNS)
        if x is None or y is None or "group" not in table.columns:
            return []
        palette = [
            "#0072B2",
            "#D55E00",
            "#009E73",
            "#CC79A7",
            "#E69F00",
            "#56B4E9",
            "#000000",
            "#F0E442",
        ]
        styles = ["-", "--", "-.", ":"]
        out = []
        for feature, rows in table.groupby(fcol, sort=False) if fcol else [("", table)]:
            if len(out) >= 6:
                break
            fig = Figure(figsize=(5.2, 4.2), layout="constrained")
            ax = fig.add_subplot()
            if diagonal:
                ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle=":")
            hidden = []
            for i, (group, g_rows) in enumerate(rows.groupby("group", sort=False)):
                if str(group) == OVERALL:
                    continue
                if sizes.hidden(str(feature) if fcol else None, group):
                    hidden.append(str(group))
                    continue
                if i >= 12:
                    break
                g_rows = g_rows.sort_values(x)
                ax.plot(
                    g_rows[x],
                    g_rows[y],
                    color=palette[i % len(palette)],
                    linestyle=styles[(i // len(palette)) % len(styles)],
                    marker="o" if len(g_rows) <= 20 else None,
                    markersize=3,
                    label=plain(group),
                )
            if hidden:
                ax.text(
                    0.02,
                    0.98,
                    plain(f"not drawn, {sizes.note}: " + ", ".join(hidden)),
                    transform=ax.transAxes,
                    fontsize=7,
                    va="top",
                )
            ax.set_xlabel(plain(x.replace("_", " ")))
            ax.set_ylabel(plain(y.replace("_", " ")))
            ax.set_title(plain(f"{what} by {feature}".strip()), fontsize=10, loc="left")
            ax.legend(fontsize=7, loc="lower right", frameon=False)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(color="#eeeeee", linewidth=0.6)
            out.append(
                figure_to_svg(
                    fig,
                    title=f"{what} by {feature}",
                    description=f"Line chart of {y} against {x}, one line per group of {feature}; "
                    "values in the table below.",
                    element_id=slug(f"p-{what}-{feature}", used),
                )
            )
        return out

    return plot


DATASET_PLOTTERS = {
    "representation": _bar_plotter(("share", "proportion", "fraction")),
    "base_rates": _bar_plotter(("base_rate", "estimate", "rate", "mean", "value")),
}
SCORE_PLOTTERS = {
    "threshold_sweep": _curve_plotter(
        ("false_positive_rate", "fpr"), ("true_positive_rate", "tpr"), "ROC curve", True
    ),
    "calibration": _curve_plotter(
        ("mean_predicted", "mean_score", "prob_pred", "predicted", "mean_predicted_probability"),
        (
            "fraction_positive",
            "observed",
            "prob_true",
            "observed_rate",
            "fraction_of_positives",
            "observed_positive_rate",
        ),
        "Calibration",
        True,
    ),
    "score_metrics": _bar_plotter(("roc_auc", "auc")),
}


# -- methodology, considerations, reproducibility ---------------------------------------------


def methodology(result: AuditResult, metrics: list[str]) -> dict[str, Any]:
    """Definitions and references of the metrics from the registry, and the statistics used."""
    from fairscope.metrics import REGISTRY

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


# -- the whole report ----------------------------------------------------------------------------


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
