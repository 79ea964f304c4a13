"""Audits over time: :func:`history` aligns saved audits and tests how their disparities moved.

Each finding (rule, feature set, group) and each headline disparity (a policy
metric, or the selection rate, of a group against its reference) is followed
across the audits, in the order of their timestamps or of the labels given.
Between consecutive audits a z test says whether the value changed more than
its uncertainty allows:

* the standard error of each value comes from its saved interval,
  ``(upper - lower) / (2 z_{(1+ci)/2})``, on the log scale for ratios and the
  linear scale for differences (an interval that the audit computed
  simultaneously, or by bootstrap, gives a larger and so conservative SE);
* for a selection-rate comparison without a usable interval, from the counts
  (delta method: ``p(1-p)/n`` per rate for a difference, ``(1-p)/(np)`` for a
  log ratio);
* ``z = (after - before) / sqrt(se_before^2 + se_after^2)``, which treats the
  two audits as independent samples (new data per release); on overlapping
  data it overstates the SE and errs towards "no change".

The p-values are adjusted over every comparison of the history (Holm by
default). Audits whose policies, feature sets or groups differ are aligned
where they match; everything not shared is listed in the ``differences``
table, never dropped.
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fairscope.compute._proportion_tests import adjust_p_values, check_correction
from fairscope.core._warnings import InputWarning
from fairscope.result._audit_result import AuditResult
from fairscope.result._history import AuditHistory

FINDING_KEY = ("rule_id", "metric", "class_label", "comparison", "feature", "group")
DISPARITY_KEY = ("metric", "kind", "feature", "group", "reference")
#: The columns every ``changes`` table has (findings add their statuses and references).
CHANGE_COLUMNS = ("source", "item", "feature", "group", "metric", "from", "to", "before",
                  "after", "change", "z", "p_value", "p_value_adjusted", "significant",
                  "se_from")  # fmt: skip
CHANGE_TEST = (
    "z = (after - before) / sqrt(se_before^2 + se_after^2), se from each saved interval "
    "((upper - lower) / (2 z), log scale for ratios), or from the counts for selection rates "
    "without an interval; the audits are treated as independent samples"
)


def history(
    audits: Sequence[AuditResult | str | os.PathLike[str]],
    labels: Sequence[str] | None = None,
    *,
    alpha: float = 0.05,
    correction: str | None = "holm",
    metrics: Iterable[str] | None = None,
) -> AuditHistory:
    """Align saved audits over time and test whether their disparities changed.

    Parameters
    ----------
    audits : sequence of AuditResult or path
        Audits (objects or saved JSON files), at least two.
    labels : sequence of str, optional
        One label per audit (e.g. release names); the audits are then kept in
        the order given. Without labels they are ordered by their timestamps
        and labelled by file name (with its folder when names repeat, as in
        ``release-1/audit.json``), or ``"audit 1"``... for objects.
    alpha : float, default 0.05
        Level at which an adjusted p-value marks a change as significant.
    correction : {"holm", "fdr_bh", "bonferroni", None}, default "holm"
        Adjustment over every comparison of the history.
    metrics : iterable of str, optional
        Metrics of the headline disparities; default the metrics of the
        policies' rules and ``selection_rate``.

    Returns
    -------
    AuditHistory
        Tables ``audits``, ``changes``, ``findings``, ``disparities`` and
        ``differences``; ``to_html()`` draws a trend chart per rule.

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.datasets import make_credit_scoring
    >>> audits = [fairscope.audit_predictions(
    ...     "repaid", "approved", sensitive_features="race", policy="four-fifths",
    ...     data=make_credit_scoring(n=3_000, bias=b, random_state=0)) for b in (0.1, 0.9)]
    >>> trend = fairscope.history(audits, labels=["2025.1", "2025.2"])
    >>> black = trend.significant_changes.query("source == 'finding' and group == 'Black'")
    >>> black[["from", "to"]].values.tolist()
    [['2025.1', '2025.2']]
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha!r}.")
    check_correction(correction)
    loaded = _load(audits, labels)
    order = [label for label, _ in loaded]
    wanted = set(metrics) if metrics is not None else _headline_metrics(loaded)
    findings = _findings(loaded)
    disparities = _disparities(loaded, wanted)
    changes = pd.concat(
        [
            _changes(findings, "finding", FINDING_KEY, order),
            _changes(disparities, "disparity", DISPARITY_KEY, order),
        ],
        ignore_index=True,
    )
    if len(changes):
        changes["p_value_adjusted"] = adjust_p_values(changes["p_value"], correction)
        changes["significant"] = changes["p_value_adjusted"] < alpha
    else:  # nothing aligned: an empty table that still has its columns
        changes = pd.DataFrame(columns=list(CHANGE_COLUMNS))
    tables = {
        "audits": _audits_table(loaded),
        "changes": changes,
        "findings": _mark_status_changes(findings, order),
        "disparities": disparities,
        "differences": _differences(loaded, findings, disparities, order),
    }
    metadata = {
        "labels": order,
        "alpha": alpha,
        "correction": correction,
        "change_test": CHANGE_TEST,
        "headline_metrics": sorted(wanted),
    }
    return AuditHistory(tables=tables, metadata=metadata)


def _load(
    audits: Sequence[AuditResult | str | os.PathLike[str]], labels: Sequence[str] | None
) -> list[tuple[str, AuditResult]]:
    """The audits with their labels, in the order of the history."""
    if isinstance(audits, str | os.PathLike) or len(audits) < 2:
        raise ValueError("history needs a list of at least two audits (results or JSON files).")
    if labels is not None and len(labels) != len(audits):
        raise ValueError(f"give one label per audit: {len(labels)} labels, {len(audits)} audits.")
    items = []
    for i, audit in enumerate(audits):
        if isinstance(audit, AuditResult):
            items.append((f"audit {i + 1}", audit))
        else:
            path = Path(audit)
            if not path.is_file():
                raise FileNotFoundError(f"audit file {os.fspath(audit)!r} does not exist.")
            items.append((path.stem, AuditResult.from_json(path)))
    stems = [label for label, _ in items]
    if len(set(stems)) < len(stems):
        # release-1/audit.json, release-2/audit.json: the folder tells them apart
        items = [
            (f"{Path(a).parent.name}/{label}" if not isinstance(a, AuditResult) else label, r)
            for a, (label, r) in zip(audits, items, strict=True)
        ]
    if labels is not None:
        named = [(str(label), result) for label, (_, result) in zip(labels, items, strict=True)]
    else:
        stamps = [str(r.reproducibility.get("timestamp_utc") or "") for _, r in items]
        if all(stamps):
            items = [items[i] for i in sorted(range(len(items)), key=stamps.__getitem__)]
        else:
            warnings.warn(
                "some audits have no timestamp; they are kept in the order given (pass "
                "labels= to name them).",
                InputWarning,
                stacklevel=3,
            )
        named = items
    seen = [label for label, _ in named]
    duplicates = sorted({label for label in seen if seen.count(label) > 1})
    if duplicates:
        raise ValueError(f"labels must be unique; {duplicates} repeat. Pass labels=[...].")
    return named


def _headline_metrics(loaded: list[tuple[str, AuditResult]]) -> set[str]:
    wanted = {"selection_rate"}
    for _, result in loaded:
        wanted |= {rule["metric"] for rule in (result.policy or {}).get("rules", [])}
    return wanted


def _audits_table(loaded: list[tuple[str, AuditResult]]) -> pd.DataFrame:
    rows = []
    for position, (label, result) in enumerate(loaded):
        policy = result.policy or {}
        rows.append(
            {
                "label": label,
                "position": position,
                "timestamp": result.reproducibility.get("timestamp_utc"),
                "policy": policy.get("name"),
                "policy_hash": policy.get("hash"),
                "n_rows": result.metadata.get("n_rows"),
                "passed": result.passed if result.findings else None,
                **{k.lower(): v for k, v in result.status_counts.items()},
            }
        )
    return pd.DataFrame(rows)


def _findings(loaded: list[tuple[str, AuditResult]]) -> pd.DataFrame:
    parts = []
    for position, (label, result) in enumerate(loaded):
        frame = result.findings_frame()
        if frame.empty:
            continue
        frame.insert(0, "label", label)
        frame.insert(1, "position", position)
        frame["ci"] = float(result.metadata.get("ci", 0.95))
        frame["scale"] = np.where(frame["comparison"].str.startswith("ratio"), "log", "linear")
        # a per-class finding of a multiclass audit names its class
        of_class = frame["class_label"].map(
            lambda c: "" if c is None or c != c else f" (class {c})"
        )
        frame["item"] = (
            frame["rule_id"] + ": " + frame["feature"].astype(str) + " = "
            + frame["group"].astype(str) + of_class
        )  # fmt: skip
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["label", "position", *FINDING_KEY, "item"])
    return pd.concat(parts, ignore_index=True)


def _disparities(loaded: list[tuple[str, AuditResult]], wanted: set[str]) -> pd.DataFrame:
    parts = []
    for position, (label, result) in enumerate(loaded):
        table = result.tables.get("disparities")
        if table is None or table.empty:
            continue
        keep = table["metric"].isin(wanted) & (table["group"] != table["reference"])
        if "class" in table:
            keep &= table["class"].isna()  # per-class disparities are followed by findings
        frame = table.loc[keep].copy()
        frame.insert(0, "label", label)
        frame.insert(1, "position", position)
        frame["ci"] = float(result.metadata.get("ci", 0.95))
        frame["scale"] = np.where(frame["kind"] == "ratio", "log", "linear")
        frame["item"] = (
            frame["metric"] + " " + frame["kind"] + ": " + frame["feature"].astype(str) + " = "
            + frame["group"].astype(str) + " vs " + frame["reference"].astype(str)
        )  # fmt: skip
        parts.append(frame.rename(columns={"estimate": "value_judged"}))
    if not parts:
        return pd.DataFrame(columns=["label", "position", *DISPARITY_KEY, "item"])
    out = pd.concat(parts, ignore_index=True)
    # one name for the disparity across sources: findings call it "value"
    return out.rename(columns={"value": "group_value"}).rename(columns={"value_judged": "value"})


def _standard_errors(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values on the test scale, their SEs and how each SE was obtained."""
    value = frame["value"].to_numpy(dtype=float)
    lower = pd.to_numeric(frame.get("lower"), errors="coerce").to_numpy(dtype=float)
    upper = pd.to_numeric(frame.get("upper"), errors="coerce").to_numpy(dtype=float)
    log = (frame["scale"] == "log").to_numpy()
    z = stats.norm.ppf(0.5 + frame["ci"].to_numpy(dtype=float) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(log, np.log(value), value)
        width = np.where(log, np.log(upper) - np.log(lower), upper - lower)
        se = width / (2 * z)
        usable = np.isfinite(se) & (se > 0)
        counted = _count_se(frame, log)
    se = np.where(usable, se, counted)
    method = np.where(usable, "interval", np.where(np.isfinite(counted), "counts", "none"))
    return scaled, se, method


def _count_se(frame: pd.DataFrame, log: np.ndarray) -> np.ndarray:
    """Delta-method SEs of selection-rate comparisons from the rates and group sizes."""
    columns = ("group_value", "reference_value", "n", "n_reference")
    if not all(c in frame for c in columns):
        return np.full(len(frame), np.nan)
    p1, p2, n1, n2 = (pd.to_numeric(frame[c], errors="coerce").to_numpy(float) for c in columns)
    var_diff = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    var_log = (1 - p1) / (n1 * p1) + (1 - p2) / (n2 * p2)
    se = np.sqrt(np.where(log, var_log, var_diff))
    return np.where((frame["metric"] == "selection_rate").to_numpy(), se, np.nan)


def _changes(
    frame: pd.DataFrame, source: str, key: tuple[str, ...], order: list[str]
) -> pd.DataFrame:
    """One row per aligned item and pair of consecutive audits, with the z test of the change."""
    if frame.empty:
        return pd.DataFrame()
    scaled, se, method = _standard_errors(frame)
    frame = frame.assign(_scaled=scaled, _se=se, _method=method)
    keep = [*key, "item", "value", "lower", "upper", "_scaled", "_se", "_method", "scale"]
    # a finding's reference may move between audits (the largest or best group): show both
    keep += [c for c in ("status", "reference") if c in frame and c not in key]
    parts = []
    for before_label, after_label in itertools.pairwise(order):
        before = frame.loc[frame["label"] == before_label, keep]
        after = frame.loc[frame["label"] == after_label, keep]
        pair = before.merge(after, on=[*key, "item", "scale"], suffixes=("_before", "_after"))
        if pair.empty:
            continue
        pair.insert(0, "source", source)
        pair.insert(1, "from", before_label)
        pair.insert(2, "to", after_label)
        parts.append(pair)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = out["_scaled_after"] - out["_scaled_before"]
        se = np.sqrt(out["_se_before"] ** 2 + out["_se_after"] ** 2)
        z = diff / se
    out["change"] = out["value_after"] - out["value_before"]
    out["z"] = z
    out["p_value"] = 2 * stats.norm.sf(np.abs(z))
    out["se_from"] = out["_method_before"] + " / " + out["_method_after"]
    if "status_before" in out:
        out["status_changed"] = out["status_before"] != out["status_after"]
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])
    return out.rename(columns={"value_before": "before", "value_after": "after"})


def _mark_status_changes(findings: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Add ``status_change`` (e.g. ``"PASS -> FAIL"``) against the previous audit."""
    if findings.empty:
        return findings
    out = findings.copy()
    previous = {label: order[i - 1] for i, label in enumerate(order) if i}
    earlier = out[[*FINDING_KEY, "label", "status"]].rename(
        columns={"label": "_previous", "status": "_previous_status"}
    )
    out["_previous"] = out["label"].map(previous)
    out = out.merge(earlier, on=[*FINDING_KEY, "_previous"], how="left")
    changed = out["_previous_status"].notna() & (out["_previous_status"] != out["status"])
    out["status_change"] = np.where(
        changed, out["_previous_status"].astype(str) + " -> " + out["status"].astype(str), ""
    )
    return out.drop(columns=["_previous", "_previous_status"])


def _presence(
    items_by_label: dict[str, set[str]], kind: str, order: list[str]
) -> list[dict[str, Any]]:
    """Rows for the items some audits have and others lack."""
    every = set().union(*items_by_label.values()) if items_by_label else set()
    rows = []
    for item in sorted(every):
        present = [label for label in order if item in items_by_label.get(label, set())]
        if len(present) < len(order):
            absent = [label for label in order if label not in present]
            rows.append(
                {"kind": kind, "item": item, "present_in": ", ".join(present),
                 "absent_from": ", ".join(absent), "detail": ""}
            )  # fmt: skip
    return rows


def _differences(
    loaded: list[tuple[str, AuditResult]],
    findings: pd.DataFrame,
    disparities: pd.DataFrame,
    order: list[str],
) -> pd.DataFrame:
    """Everything the audits do not share: policies, rules, feature sets, groups, items."""
    policies: dict[str, set[str]] = {}
    rules: dict[str, set[str]] = {}
    feature_sets: dict[str, set[str]] = {}
    groups: dict[str, set[str]] = {}
    definitions: dict[str, dict[str, str]] = {}
    for label, result in loaded:
        policy = result.policy or {}
        policies[label] = {
            f"{policy.get('name', 'no policy')} ({str(policy.get('hash', ''))[:12]})"
        }
        rules[label] = set()
        for rule in policy.get("rules", []):
            rules[label].add(rule["id"])
            text = ", ".join(f"{k}={rule[k]}" for k in sorted(rule) if k != "description")
            definitions.setdefault(rule["id"], {})[label] = text
        feature_sets[label] = set(result.metadata.get("feature_sets") or [])
        groups[label] = {
            f"{fs}: {g}" for fs, members in (result.metadata.get("groups") or {}).items()
            for g in members
        }  # fmt: skip
    rows = _presence(policies, "policy", order) + _presence(rules, "rule", order)
    for rule_id, texts in sorted(definitions.items()):
        if len(set(texts.values())) > 1:
            detail = "; ".join(f"{label}: {text}" for label, text in texts.items())
            rows.append(
                {"kind": "rule definition", "item": rule_id, "present_in": ", ".join(texts),
                 "absent_from": "", "detail": detail}
            )  # fmt: skip
    rows += _presence(feature_sets, "feature set", order) + _presence(groups, "group", order)
    for kind, frame in (("finding", findings), ("disparity", disparities)):
        by_label = {label: set(frame.loc[frame["label"] == label, "item"]) for label in order}
        rows += _presence(by_label, kind, order)
    columns = ["kind", "item", "present_in", "absent_from", "detail"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["CHANGE_TEST", "history"]
