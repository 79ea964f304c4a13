"""Judging an audit: every rule on every feature set (and class) it applies to.

:func:`apply_policy` reads what the audit produced: its typed disparity records
(:func:`fairscope.compute._disparities.disparity_records`), per-group estimates for comparisons its tables do
not hold (:mod:`fairscope.judge._estimates`, from the sufficient statistics or the
task's tables), and its tests (:mod:`fairscope.judge._tests`). It never recomputes
from rows and returns a new result; the one given is left as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._disparities import DisparityRecord, disparity_records, qualifier_column
from fairscope.compute._references import check_reference
from fairscope.core._counts import GroupCounts
from fairscope.core._findings import Finding, Status
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._registry import Metric, get_metric
from fairscope.judge import _family as family
from fairscope.judge import _messages as say
from fairscope.judge import _resampling as resample
from fairscope.judge._compare import between_groups, to_reference
from fairscope.judge._estimates import (
    WIDE_TABLES,
    GroupEstimates,
    from_counts,
    from_tables,
    reference_in,
)
from fairscope.judge._loading import load_policy
from fairscope.judge._model import Policy, Rule, policy_record, same_feature_set
from fairscope.judge._outcome import favourable_view, with_adverse_rates, with_policy_outcome
from fairscope.judge._reference_check import warn_if_references_differ
from fairscope.judge._schema import as_date
from fairscope.judge._tests import TestBook, declared_family, with_family
from fairscope.judge._undefined import undefined_reason
from fairscope.judge._verdict_math import _none_if_nan, judged, rule_status
from fairscope.judge._waivers import apply_waivers
from fairscope.result._audit_result import AuditResult

RecordKey = tuple[str, str, str, str, str | None]


def _ordered(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


class _Audit:
    """What the judge reads of one result, indexed once for every rule."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        meta = result.metadata
        self.ci = float(meta.get("ci", 0.95))
        self.ci_method = str(meta.get("ci_method", "wilson"))
        self.min_size = int(meta.get("min_group_size", 30))
        self.tests = TestBook(result.tables)
        # records are read per (metric, kind) when a rule first asks: a table of 10,000
        # groups holds 140,000 rows, and a policy reads a few of its metrics
        self.records: dict[RecordKey, list[DisparityRecord]] = {}
        self._disparities = result.tables.get("disparities")
        self._read: set[tuple[str, str]] = set()
        self.groups = self._groups()
        self.resampling = resample.resampling(meta)
        self.family = family.Family()
        self._estimates: dict[tuple[str, str, str, str | None], GroupEstimates | None] = {}

    def _groups(self) -> dict[str, list[str]]:
        """Group labels of every feature set the audit has, statistics first."""
        out: dict[str, list[str]] = {}
        for label, counts in self.result.statistics.items():
            if isinstance(counts, GroupCounts):
                out[label] = [group_label(k, counts.features) for k in counts.groups]
        for name in ("disparities", *WIDE_TABLES):
            table = self.result.tables.get(name)
            if table is None or "feature" not in table or "group" not in table:
                continue
            for feature, rows in table.groupby("feature", sort=False):
                labels = [g for g in rows["group"].astype(str) if g != OVERALL]
                out.setdefault(str(feature), _ordered(labels))
        return out

    def classes(self, feature: str, metric: Metric) -> list[str | None]:
        """The classes (or selections) a metric is split into in this feature set."""
        for name in ("disparities", *WIDE_TABLES):
            table = self.result.tables.get(name)
            column = None if table is None else qualifier_column(table)
            if table is None or column is None or "feature" not in table:
                continue
            rows = table[table["feature"].astype(str) == feature]
            if "metric" in rows:
                rows = rows[rows["metric"] == metric.name]
            elif metric.name not in rows:
                continue
            found = _ordered([str(v) for v in rows[column].dropna()])
            if found:
                return list(found)
        return [None]

    def estimates(self, feature: str, metric: Metric, cls: str | None) -> GroupEstimates | None:
        """The metric in every group of ``feature``, or None when the audit lacks it."""
        # a favourable-outcome view keeps its metric's name: its label tells them apart
        key = (feature, metric.name, metric.label, cls)
        if key not in self._estimates:
            counts = self.result.statistics.get(feature)
            if isinstance(counts, GroupCounts) and metric.task == "binary" and cls is None:
                est: GroupEstimates | None = from_counts(
                    counts, metric, feature, ci=self.ci, ci_method=self.ci_method
                )
            else:
                est = from_tables(self.result.tables, metric, feature, cls)
            self._estimates[key] = est
        return self._estimates[key]

    def family_size(self, rule: Rule, est: GroupEstimates) -> int:
        """Units of the declared family this rule's comparisons in ``est`` belong to."""
        return self.family.size((rule.id, est.feature, est.class_label))

    def tested(
        self, rec: DisparityRecord, est: GroupEstimates, family: Sequence[int] | None = None
    ) -> DisparityRecord:
        """The record with its test: the tests table's, or one made in ``family``."""
        if rec.class_label is not None:  # per-class rates are not tested
            return rec
        key = (rec.feature, rec.metric, rec.group, rec.reference)
        p, adjusted, test = self.tests.p_values(key, est.counts, est.metric, family)
        return dataclasses.replace(rec, p_value=p, p_value_adjusted=adjusted, test=test)

    def table_records(self, key: RecordKey) -> list[DisparityRecord]:
        """The audit's own records for (feature, metric, kind, reference, class)."""
        table, wanted = self._disparities, (key[1], key[2])
        if wanted not in self._read and table is not None and len(table):
            self._read.add(wanted)
            rows = table[(table["metric"] == wanted[0]) & (table["kind"] == wanted[1])]
            for rec in disparity_records(rows):
                if not rec.is_reference:
                    at = (rec.feature, rec.metric, rec.kind, rec.reference, rec.class_label)
                    self.records.setdefault(at, []).append(rec)
        return self.records.get(key, [])


# -- verdicts ------------------------------------------------------------------------------


def _error(rule: Rule, feature: str, group: str, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        metric=rule.metric,
        comparison=rule.full_comparison,
        feature=feature,
        group=group,
        status=Status.ERROR,
        threshold=rule.fail,
        warn_threshold=rule.warn,
        bound=rule.bound,
        message=message,
    )


def _finding(
    rule: Rule,
    metric: Metric,
    rec: DisparityRecord,
    *,
    direction: str,
    min_size: int,
    ci: float,
    fail_bound: float | None = None,
    pass_bound: float | None = None,
) -> Finding:
    """The finding of one record (``direction`` may differ from the rule's: between groups).

    ``fail_bound`` is the FAIL side of the comparison's simultaneous interval in the
    policy's declared family, ``pass_bound`` the least favourable PASS side over the
    pairs against a data-chosen best (None: the record's own interval decides).
    """
    value, own_lower, own_upper = judged(rec.kind, direction, rec.estimate, rec.lower, rec.upper)
    lower, upper = family.widened(rule.bound, own_lower, own_upper, fail_bound, pass_bound)
    interval = not (math.isnan(lower) or math.isnan(upper))
    raw = (rec.estimate, rec.lower, rec.upper)
    if rule.method == "between_groups" and rec.kind == "difference":
        # described from the low group's side: "0.2 lower than"
        raw = (-rec.estimate, -rec.upper, -rec.lower)
    j = say.Judged(
        group=rec.group,
        reference=rec.reference,
        n=rec.n,
        n_reference=rec.n_reference,
        group_value=_none_if_nan(rec.value),
        reference_value=_none_if_nan(rec.reference_value),
        raw=_none_if_nan(raw[0]),
        raw_lower=_none_if_nan(raw[1]) if rec.has_interval else None,
        raw_upper=_none_if_nan(raw[2]) if rec.has_interval else None,
        value=_none_if_nan(value),
        lower=lower if interval else None,
        upper=upper if interval else None,
        min_size=min_size,
        ci=ci,
        class_label=rec.class_label,
    )
    # the whole population is never too small; only the group's size matters
    n_reference = max(rec.n_reference, min_size) if rec.reference == OVERALL else rec.n_reference
    if rec.n < min_size or n_reference < min_size:
        status, message = (
            Status.SKIPPED,
            say.skipped(rule, dataclasses.replace(j, n_reference=n_reference)),
        )
    elif j.value is None:  # 0/0: not judged, with the true reason
        status, message = Status.SKIPPED, undefined_reason(rule, metric, j)
    else:
        status = rule_status(rule, value, lower, upper)
        message = say.verdict(rule, metric, status, j)
        if status != Status.FAIL and rule_status(rule, value, own_lower, own_upper) == Status.FAIL:
            message += family.adjusted_note(upper if rule.bound == "min" else lower)
    return Finding(
        rule_id=rule.id,
        metric=metric.name,
        comparison=rule.full_comparison,
        feature=rec.feature,
        group=rec.group,
        status=status,
        value=math.nan if j.value is None else j.value,
        lower=j.lower,
        upper=j.upper,
        threshold=rule.fail,
        warn_threshold=rule.warn,
        bound=rule.bound,
        reference=rec.reference,
        group_value=j.group_value,
        reference_value=j.reference_value,
        n=rec.n,
        n_reference=rec.n_reference,
        p_value=rec.p_value,
        p_value_adjusted=rec.p_value_adjusted,
        test=rec.test,
        message=message,
        class_label=rec.class_label,
    )


# -- rules ---------------------------------------------------------------------------------


def _effective_sizes(records: list[DisparityRecord], est: GroupEstimates) -> list[DisparityRecord]:
    """Records whose group sizes are the estimates' rows (Kish's effective rows when weighted).

    The audit's tables count rows; under sample weights ``min_group_size`` is judged on the
    effective size, so a group whose weight sits on a few rows is not judged as if it had many.
    """
    rows = dict(zip(est.labels, est.rows.tolist(), strict=True))

    def smaller(label: str, n: int) -> int:
        return int(min(n, rows[label])) if label in rows else n

    return [
        dataclasses.replace(
            rec, n=smaller(rec.group, rec.n), n_reference=smaller(rec.reference, rec.n_reference)
        )
        for rec in records
    ]


def _per_group(
    audit: _Audit, rule: Rule, metric: Metric, est: GroupEstimates, min_size: int
) -> list[Finding]:
    if rule.method == "to_overall":
        reference = OVERALL
    else:
        try:
            reference = reference_in(rule, est, metric.direction, min_size)
        except ValueError as exc:  # the reference names no group of this feature set
            return [_error(rule, est.feature, "<all>", f"rule {rule.id}: {exc}")]
    key = (est.feature, metric.name, rule.comparison, reference, est.class_label)
    # a favourable-outcome view of a rate is not in the audit's tables: computed here
    own = audit.table_records(key) if metric is get_metric(metric.name) else []
    records = own or resample.records(
        audit.resampling, est, to_reference(est, rule.comparison, reference)
    )
    records = family.analytic_fallback(audit.resampling is not None, est, records, reference)
    records = _effective_sizes(records, est)
    if rule.method == "to_reference":
        records = [audit.tested(rec, est) for rec in records]
    sides: dict[str, float] = {}
    passes: dict[str, float] = {}
    units = audit.family_size(rule, est)
    tail = None
    if family.takes_part(rule, est):
        tail = family.fail_tail(
            rule, est, ci=audit.ci, units=units, min_size=min_size, reference=reference
        )
    if tail is not None and audit.family.scope != "none":
        bounds = family.reference_fail_sides(
            rule, est, reference, ci=audit.ci, tail=tail, min_size=min_size
        )
        sides = dict(zip(est.labels, bounds.tolist(), strict=True))
        least = family.reference_pass_sides(rule, est, reference, min_size=min_size)
        if least is not None:
            passes = dict(zip(est.labels, least.tolist(), strict=True))
    found = [
        _finding(
            rule,
            metric,
            rec,
            direction=rule.direction,
            min_size=min_size,
            ci=audit.ci,
            fail_bound=sides.get(rec.group),
            pass_bound=passes.get(rec.group),
        )
        for rec in records
    ]
    if tail is None or not family.from_rate_counts(est):
        return found  # the detectable disparity is worked out for rates
    return family.explain_undecided(found, rule, ci=audit.ci, units=units, tail=tail)


def _between(
    audit: _Audit, rule: Rule, metric: Metric, est: GroupEstimates, min_size: int
) -> list[Finding]:
    """The lowest against the highest group, among groups large enough for a verdict.

    Small groups are left out before the extremes are found: otherwise a group of three
    rows would decide the verdict (fairlearn's ``between_groups`` keeps them).
    """
    eligible = (est.rows >= min_size) & ~np.isnan(est.values)
    if eligible.sum() < 2:
        return [
            Finding(
                rule_id=rule.id,
                metric=metric.name,
                comparison=rule.full_comparison,
                feature=est.feature,
                group="<between groups>",
                status=Status.SKIPPED,
                threshold=rule.fail,
                warn_threshold=rule.warn,
                bound=rule.bound,
                n=int(est.rows[eligible].sum()),
                message=(
                    f"Fewer than two groups of {est.feature} have at least {min_size} rows and "
                    f"a defined {metric.label.lower()}, so {rule.id} is not judged."
                ),
                class_label=est.class_label,
            )
        ]
    rec = between_groups(est, rule.comparison, eligible)
    if family.takes_part(rule, est):
        # no bootstrap of an extreme: per-group intervals that hold together bound the gap
        scope_none = audit.family.scope == "none"
        units = int(eligible.sum()) if scope_none else audit.family_size(rule, est)
        low, high = family.between_interval(rule, est, eligible, ci=audit.ci, units=units)
        rec = dataclasses.replace(
            rec, lower=low, upper=high, method=family.simultaneous_method(est)
        )
    else:
        rec = resample.between_record(audit.resampling, est, rec, eligible)
    top = est.labels.index(rec.reference)
    rec = audit.tested(rec, est, [int(i) for i in np.flatnonzero(eligible) if i != top])
    # the summary is already a size: max - min (>= 0) or min / max (<= 1)
    direction = "higher" if rule.comparison == "difference" else "lower"
    return [_finding(rule, metric, rec, direction=direction, min_size=min_size, ci=audit.ci)]


def _feature_sets(rule: Rule, known: Sequence[str]) -> list[tuple[str, str | None]]:
    """(feature label in the audit, or the rule's label, and an error or None)."""
    if rule.features is None:
        return [(label, None) for label in known]
    out: list[tuple[str, str | None]] = []
    for wanted in rule.features:
        match = next((lab for lab in known if same_feature_set(lab, wanted)), None)
        if match is None:
            listing = ", ".join(repr(s) for s in known) or "none"
            out.append(
                (
                    wanted,
                    f"rule {rule.id} applies to feature set {wanted!r}, which this audit does "
                    f"not have (feature sets: {listing}); audit it or fix the rule's features.",
                )
            )
        else:
            out.append((match, None))
    return out


def _classes(audit: _Audit, rule: Rule, feature: str, metric: Metric) -> list[str | None] | str:
    classes = audit.classes(feature, metric)
    if rule.class_label is None:
        return classes
    if classes == [None]:
        return (
            f"rule {rule.id} names class {rule.class_label!r}, but {metric.label.lower()} is "
            f"not split by class in this {audit.result.task} audit; remove 'class' from the rule."
        )
    if rule.class_label not in classes:
        known = ", ".join(repr(c) for c in classes)
        return f"rule {rule.id} names class {rule.class_label!r}, which this audit does not have (classes: {known})."
    return [rule.class_label]


def _unavailable(audit: _Audit, rule: Rule, metric: Metric, where: str) -> str:
    result = audit.result
    if metric.task == "score":
        hint = "Audit scores (y_score=) to judge it."
    elif metric.task == "regression":
        hint = "It is a regression metric: audit with task='regression' to judge it."
    elif result.task == "dataset":
        hint = "A dataset audit judges the label's rates of a binary target= only."
    elif result.task == "regression":
        hint = (
            "A regression audit has rates only for a selection: give selection_threshold= "
            "(or selection_quantile=) to judge it."
        )
    else:
        hint = "Audit predictions (y_true=, y_pred=) to judge it."
    return (
        f"{metric.label} is unavailable{where}: this {result.kind} audit ({result.task}) did "
        f"not compute it, so rule {rule.id} cannot be judged. {hint}"
    )


def _rule_metric(audit: _Audit, rule: Rule) -> Metric:
    """The metric a rule is judged on: under an adverse positive label, rate rules are
    judged on the favourable outcome."""
    plain = get_metric(rule.metric)
    return favourable_view(plain, audit.result.metadata) or plain


def judge_rule(audit: _Audit, rule: Rule) -> list[Finding]:
    """The findings of one rule on every feature set (and class) it applies to."""
    metric = _rule_metric(audit, rule)
    min_size = rule.min_group_size if rule.min_group_size is not None else audit.min_size
    if not audit.groups:
        return [_error(rule, "<all>", "<all>", _unavailable(audit, rule, metric, ""))]
    if rule.method == "to_reference":
        try:
            check_reference(rule.reference, audit.groups)
        except ValueError as exc:
            return [_error(rule, "<all>", "<all>", f"rule {rule.id}: {exc}")]
    findings: list[Finding] = []
    missing: list[Finding] = []
    for label, problem in _feature_sets(rule, list(audit.groups)):
        if problem is not None:
            findings.append(_error(rule, label, "<all>", problem))
            continue
        classes = _classes(audit, rule, label, metric)
        if isinstance(classes, str):
            findings.append(_error(rule, label, "<all>", classes))
            continue
        for cls in classes:
            est = audit.estimates(label, metric, cls)
            if est is None:
                where = f" for {label!r}"
                missing.append(
                    _error(rule, label, "<all>", _unavailable(audit, rule, metric, where))
                )
                continue
            judge = _between if rule.method == "between_groups" else _per_group
            findings.extend(judge(audit, rule, metric, est, min_size))
    if missing and not findings:
        # the audit did not compute the metric at all: one finding says so
        return [_error(rule, "<all>", "<all>", _unavailable(audit, rule, metric, ""))]
    if metric.name == "selection_rate" and metric is not get_metric(metric.name):
        findings = [with_adverse_rates(f, audit.result.metadata) for f in findings]
    return findings + missing


def _units(audit: _Audit, rules: Sequence[Rule]) -> dict[family.UnitKey, int]:
    """Units of every (rule, feature set, class) judged with simultaneous FAIL sides."""
    units: dict[family.UnitKey, int] = {}
    for rule in rules:
        metric = _rule_metric(audit, rule)
        min_size = rule.min_group_size if rule.min_group_size is not None else audit.min_size
        for label, problem in _feature_sets(rule, list(audit.groups)):
            classes = None if problem else _classes(audit, rule, label, metric)
            for cls in classes if isinstance(classes, list) else []:
                est = audit.estimates(label, metric, cls)
                if est is not None and family.takes_part(rule, est):
                    units[(rule.id, est.feature, est.class_label)] = family.units_of(
                        rule, est, min_size
                    )
    return units


def apply_policy(
    result: AuditResult,
    policy: str | Mapping[str, Any] | Policy | Any,
    *,
    today: _dt.date | str | None = None,
) -> AuditResult:
    """Judge an audit with a policy: one finding per rule and group.

    Every rule is evaluated on every feature set it applies to (and, in a multiclass
    audit, every class, or the rule's ``class``), from the audit's disparity records,
    statistics and tables (nothing is recomputed from rows): PASS, WARN, FAIL,
    INCONCLUSIVE (the interval straddles the limit), SKIPPED (group or reference below
    the minimum size), WAIVED (an active waiver covers a FAIL, WARN or INCONCLUSIVE) or
    ERROR (the metric is undefined for the group, or unavailable in this audit).
    Expired waivers no longer apply; they are noted on their findings and listed in
    ``metadata["expired_waivers"]``.

    Parameters
    ----------
    result : AuditResult
        An audit (e.g. from :func:`fairscope.audit_predictions`); not modified.
    policy : str, path, dict or Policy
        Anything :func:`~fairscope.judge.load_policy` accepts.
    today : datetime.date or str, optional
        The date waivers are checked against; default today (UTC).

    Returns
    -------
    AuditResult
        A new result with ``findings``, ``policy`` and ``reproducibility["policy"]``
        set, and the tests the findings cite added to its ``"tests"`` table.

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.judge import apply_policy
    >>> result = fairscope.audit_predictions(
    ...     [1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
    ...     sensitive_features=["a"] * 50 + ["b"] * 50)
    >>> judged_result = apply_policy(result, "four-fifths")
    >>> judged_result.findings[0].status, result.findings
    (<Status.FAIL: 'FAIL'>, [])
    """
    policy = load_policy(policy)
    day = _dt.datetime.now(_dt.UTC).date() if today is None else as_date(today)
    result = with_policy_outcome(result, policy)  # the policy's favourable label, if any
    audit = _Audit(result)
    audit.family = family.Family(policy.familywise, _units(audit, policy.rules))
    findings: list[Finding] = []
    for rule in policy.rules:
        findings.extend(judge_rule(audit, rule))
    findings, family_tests = declared_family(
        findings,
        policy.familywise,
        lambda f: audit.family.size((f.rule_id, f.feature, f.class_label)),
    )
    findings, expired = apply_waivers(findings, policy.waivers, day)
    warn_if_references_differ(result, findings)
    tables: dict[str, pd.DataFrame] = dict(result.tables)
    tests = audit.tests.table(result.tables)
    tests = with_family(result.tables.get("tests") if tests is None else tests, family_tests)
    if tests is not None:
        tables["tests"] = tests
    return dataclasses.replace(
        result,
        findings=findings,
        tables=tables,
        policy=policy_record(policy),
        metadata={
            **result.metadata,
            "expired_waivers": expired,
            "policy_checked_on": day.isoformat(),
            "familywise": dict(audit.family.record()),
        },
        reproducibility={
            **result.reproducibility,
            "policy": {"name": policy.name, "version": policy.version, "hash": policy.hash},
        },
    )
