"""p-values of findings: one family, shared with the result's ``"tests"`` table.

A finding's ``p_value`` and ``p_value_adjusted`` are the ``"tests"`` table's for the same
(feature set, metric, group, reference) when the audit made that test. When a rule
compares against another reference, the test is made by the same code as the table's
(:func:`~fairscope.compute._significance.pairwise_tests`: the two-proportion
z-test, or Fisher's exact test for small expected counts, on the rate's own
denominator) and adjusted in the documented family: Holm over the groups of one metric
in one feature set against that reference. The rows are added to the result's tests
table, so the table and the findings show the same numbers.

A policy then declares its family (``familywise``: ``audit``, ``feature_set``, ``rule``
or ``none``, as for its verdicts): the raw p-values of the tests its findings cite are
Holm-adjusted together in that family (:func:`declared_family`), and the tests table's
rows of those tests carry the same adjusted p-value, with the family named in their
``correction`` column. ``none`` keeps the table's own family.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._proportion_tests import adjust_p_values
from fairscope.compute._significance import TEST_COLUMNS, pairwise_tests
from fairscope.core._counts import GroupCounts
from fairscope.core._findings import Finding
from fairscope.core._registry import Metric

#: Correction applied to the tests the judge adds (one family per metric, feature set
#: and reference).
CORRECTION = "holm"

PValues = tuple[float | None, float | None, str | None]
TestKey = tuple[str, str, str, str]

#: Columns of the rows the judge adds to the tests table.
COLUMNS = ("feature", "group", *TEST_COLUMNS)


def _none_if_nan(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def lookup(tables: Mapping[str, pd.DataFrame]) -> dict[TestKey, PValues]:
    """The pairwise tests of a result's ``"tests"`` table by (feature, metric, group, reference).

    Examples
    --------
    >>> table = pd.DataFrame({"feature": ["g"], "group": ["b"], "metric": ["selection_rate"],
    ...     "reference": ["a"], "test": ["z-test"], "p_value": [0.01], "p_value_adjusted": [0.02]})
    >>> lookup({"tests": table})[("g", "selection_rate", "b", "a")]
    (0.01, 0.02, 'z-test')
    """
    table = tables.get("tests")
    if table is None or table.empty or "feature" not in table or "group" not in table:
        return {}
    # column by column, not row by row: a table of 10,000 groups has 70,000 rows
    keys = zip(
        *(table[c].astype(str).tolist() for c in ("feature", "metric", "group", "reference")),
        strict=True,
    )
    n = len(table)

    def floats(name: str) -> list[float | None]:
        if name not in table:
            return [None] * n
        values = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return [None if np.isnan(v) else float(v) for v in values]

    tests = table["test"].tolist() if "test" in table else [None] * n
    names = [None if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in tests]
    return dict(zip(keys, zip(floats("p_value"), floats("p_value_adjusted"), names, strict=True), strict=True))  # fmt: skip


class TestBook:
    """The tests of an audit, and the ones the judge adds to keep findings and table equal."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self.known = lookup(tables)
        self.added: list[pd.DataFrame] = []

    def p_values(
        self,
        key: TestKey,
        counts: GroupCounts | None,
        metric: Metric,
        tested: Sequence[int] | None = None,
    ) -> PValues:
        """The table's test for ``key``, or one made now (and recorded) from ``counts``."""
        if key in self.known:
            return self.known[key]
        if counts is None or not metric.is_proportion:
            return None, None, None
        feature, _, _, reference = key
        frame = pairwise_tests(
            counts, metric, reference, feature=feature, tested=tested, correction=CORRECTION
        )
        self.added.append(frame)
        for row in frame.to_dict("records"):
            new = (feature, metric.name, str(row["group"]), reference)
            self.known[new] = (
                _none_if_nan(row["p_value"]),
                _none_if_nan(row["p_value_adjusted"]),
                str(row["test"]),
            )
        return self.known.get(key, (None, None, None))

    def table(self, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        """The result's tests table with the added rows (None when nothing was added)."""
        if not self.added:
            return None
        base = tables.get("tests")
        parts = [f for f in (base, *self.added) if f is not None and not f.empty]
        return pd.concat(parts, ignore_index=True) if parts else None


def is_nan(value: float | None) -> bool:
    """Whether a value is missing (None or NaN)."""
    return value is None or math.isnan(value)


def _family_of(finding: Finding, scope: str) -> tuple[str, ...]:
    if scope == "audit":
        return ()
    if scope == "feature_set":
        return (finding.feature,)
    return (finding.rule_id, finding.feature, str(finding.class_label))


def _test_key(finding: Finding) -> TestKey:
    return (finding.feature, finding.metric, finding.group, str(finding.reference))


def declared_family(
    findings: list[Finding], scope: str, units: Callable[[Finding], int] | None = None
) -> tuple[list[Finding], dict[TestKey, tuple[float, str]]]:
    """Findings with p-values Holm-adjusted in the policy's declared family.

    A family has at least as many hypotheses as its verdicts have units: against the
    data-chosen best every pair of groups is one (a test against the observed best is
    one of them), so the tests not cited count with p = 1, which can only raise Holm's
    adjusted p-values (they are non-decreasing in every p-value) and keeps the
    family-wise error of the pairs.

    Parameters
    ----------
    findings : list of Finding
        Every finding of the policy; those with a raw ``p_value`` take part. A test
        cited by several findings counts once.
    scope : {"audit", "feature_set", "rule", "none"}
    units : callable, optional
        The units of a finding's family (see :mod:`fairscope.judge._family`).

    Returns
    -------
    findings : list of Finding
    adjusted : dict
        The adjusted p-value and the correction's description per test key, for the
        tests table; when a test is in several families (``rule``) the largest.

    Examples
    --------
    >>> f = [Finding("r", "selection_rate", "ratio_to_reference", "g", grp, "PASS",
    ...              reference="a", p_value=p) for grp, p in (("b", 0.01), ("c", 0.04))]
    >>> [x.p_value_adjusted for x in declared_family(f, "audit")[0]]
    [0.02, 0.04]
    """
    if scope == "none":
        return findings, {}
    families: dict[tuple[str, ...], dict[TestKey, float]] = {}
    sizes: dict[tuple[str, ...], int] = {}
    for f in findings:
        if f.p_value is not None and not math.isnan(f.p_value):
            families.setdefault(_family_of(f, scope), {})[_test_key(f)] = f.p_value
            sizes[_family_of(f, scope)] = 0 if units is None else units(f)
    adjusted: dict[tuple[tuple[str, ...], TestKey], float] = {}
    table: dict[TestKey, tuple[float, str]] = {}
    for family, tests in families.items():
        keys = list(tests)
        m = max(len(keys), sizes[family])
        padded = np.append([tests[k] for k in keys], np.ones(m - len(keys)))
        values = adjust_p_values(padded, CORRECTION)[: len(keys)]
        label = f"{CORRECTION} (policy family: {scope}, {m} hypotheses)"
        for key, value in zip(keys, values.tolist(), strict=True):
            adjusted[(family, key)] = value
            table[key] = max(table.get(key, (value, label)), (value, label))
    out = []
    for f in findings:
        test = _test_key(f)
        if (_family_of(f, scope), test) in adjusted:
            f = dataclasses.replace(f, p_value_adjusted=table[test][0])
        out.append(f)
    return out, table


def with_family(
    tests: pd.DataFrame | None, adjusted: dict[TestKey, tuple[float, str]]
) -> pd.DataFrame | None:
    """The tests table with the declared family's adjusted p-values on the cited rows.

    Parameters
    ----------
    tests : pandas.DataFrame or None
    adjusted : dict
        From :func:`declared_family`.

    Returns
    -------
    pandas.DataFrame or None
    """
    if tests is None or tests.empty or not adjusted or "feature" not in tests:
        return tests
    tests = tests.copy()
    keys = list(
        zip(
            tests["feature"].astype(str),
            tests["metric"].astype(str),
            tests["group"].astype(str),
            tests["reference"].astype(str),
            strict=True,
        )
    )
    found = [adjusted.get(k) for k in keys]
    cited = np.array([f is not None for f in found])
    if cited.any():
        tests["correction"] = tests["correction"].astype(object)
        tests.loc[cited, "p_value_adjusted"] = [f[0] for f in found if f is not None]
        tests.loc[cited, "correction"] = [f[1] for f in found if f is not None]
    return tests
