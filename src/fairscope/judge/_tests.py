"""p-values of findings: one family, shared with the result's ``"tests"`` table.

A finding's ``p_value`` and ``p_value_adjusted`` are the ``"tests"`` table's for the same
(feature set, metric, group, reference) when the audit made that test. When a rule
compares against another reference, the test is made here with the same function
(:func:`~fairscope.compute._significance.compare_proportions`: the two-proportion
z-test, or Fisher's exact test for small expected counts, on the rate's own
denominator) and adjusted in the documented family: Holm over the groups of one metric
in one feature set against that reference. The rows are added to the result's tests
table, so the table and the findings show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._significance import adjust_p_values, compare_proportions
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._intervals import kish_effective_n
from fairscope.core._registry import Metric

#: Correction applied to the tests the judge adds (one family per metric, feature set
#: and reference).
CORRECTION = "holm"

PValues = tuple[float | None, float | None, str | None]
TestKey = tuple[str, str, str, str]

COLUMNS = (
    "feature", "group", "metric", "reference", "test", "statistic", "dof", "p_value",
    "p_value_adjusted", "correction", "value", "reference_value", "n", "n_reference",
    "n_tested", "n_tested_reference",
)  # fmt: skip


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
    out: dict[TestKey, PValues] = {}
    for row in table.to_dict("records"):
        key = (str(row["feature"]), str(row["metric"]), str(row["group"]), str(row["reference"]))
        test = row.get("test")
        out[key] = (
            _none_if_nan(row.get("p_value")),
            _none_if_nan(row.get("p_value_adjusted")),
            None if test is None else str(test),
        )
    return out


def _populations(counts: GroupCounts, metric: Metric) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successes, (effective) size and rows of each group's population for a rate."""
    num, den = metric.numerator_denominator(counts.weighted)
    _, den_rows = metric.numerator_denominator(counts.rows)
    if not counts.has_weights:
        return num, den, den_rows
    _, den_sq = metric.numerator_denominator(counts.squared_weights)
    n_eff = kish_effective_n(den, den_sq)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, num / den, 0.0)
    return share * n_eff, n_eff, den_rows


def pairwise_tests(
    counts: GroupCounts,
    metric: Metric,
    feature: str,
    reference: str,
    tested: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Test groups against a reference on a rate; Holm over the tested groups.

    Parameters
    ----------
    counts : GroupCounts
        Confusion counts of the feature set.
    metric : Metric
        A proportion metric (others are not tested: an empty table).
    feature : str
        Feature-set label written in the ``feature`` column.
    reference : str
        Reference group label, or ``"<overall>"`` (each group against the rest).
    tested : sequence of int, optional
        Positions of the groups tested (and adjusted together); default all but the
        reference.

    Returns
    -------
    pandas.DataFrame
        Rows in the layout of the result's ``"tests"`` table.
    """
    if not metric.is_proportion:
        return pd.DataFrame(columns=list(COLUMNS))
    labels = [group_label(k, counts.features) for k in counts.groups]
    x, n, rows = _populations(counts, metric)
    sizes = counts.group_rows
    if reference == OVERALL:
        x_ref, n_ref, rows_ref, size_ref = (
            x.sum() - x,
            n.sum() - n,
            rows.sum() - rows,
            sizes.sum() - sizes,
        )
    else:
        r = labels.index(reference)
        x_ref, n_ref, rows_ref, size_ref = (np.full(len(labels), a[r]) for a in (x, n, rows, sizes))
    keep = np.asarray(
        [i for i in range(len(labels)) if labels[i] != reference] if tested is None else tested,
        dtype=int,
    )
    test, statistic, p = compare_proportions(x[keep], n[keep], x_ref[keep], n_ref[keep])
    with np.errstate(divide="ignore", invalid="ignore"):
        value, reference_value = x / n, x_ref / n_ref
    frame = pd.DataFrame(
        {
            "feature": feature,
            "group": [labels[i] for i in keep],
            "metric": metric.name,
            "reference": reference,
            "test": test,
            "statistic": statistic,
            "dof": np.where(test == "none", np.nan, 1.0),
            "p_value": p,
            "p_value_adjusted": adjust_p_values(p, CORRECTION),
            "correction": CORRECTION,
            "value": value[keep],
            "reference_value": reference_value[keep],
            "n": sizes[keep].astype(int),
            "n_reference": np.asarray(size_ref)[keep].astype(int),
            "n_tested": (n if counts.has_weights else rows)[keep].astype(float),
            "n_tested_reference": (n_ref if counts.has_weights else rows_ref)[keep].astype(float),
        }
    )
    return frame[list(COLUMNS)]


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
        frame = pairwise_tests(counts, metric, feature, reference, tested)
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
