"""Fairness regressions between two audits (``fairscope compare BASE.json NEW.json``).

A model update can make a disparity worse while every test still passes. This
compares a new audit with a saved baseline and flags each disparity that got
worse by more than a tolerance: findings are matched by rule, feature set and
group (their judged value moves toward violating the limit); without a policy,
rows of the ``disparities`` tables are matched by feature set, group, metric and
kind (a difference grows in absolute value, a ratio moves away from 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fairscope.core._atomic import write_text
from fairscope.result._audit_result import AuditResult, Finding

_COLUMNS = [
    "source",
    "rule_id",
    "metric",
    "feature",
    "group",
    "base",
    "new",
    "worse_by",
    "regressed",
    "base_status",
    "new_status",
]


@dataclass
class BaselineComparison:
    """The outcome of :func:`compare_baseline`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per matched disparity: ``source`` ("finding" or "disparity"),
        ``rule_id``, ``metric``, ``feature``, ``group``, ``base`` and ``new``
        values, ``worse_by`` (positive when worse), ``regressed``, and the
        statuses for findings.
    tolerance : float
    only_in_base, only_in_new : list of str
        Disparities that could not be matched (e.g. a group that disappeared).
    """

    table: pd.DataFrame
    tolerance: float
    only_in_base: list[str]
    only_in_new: list[str]

    @property
    def regressions(self) -> pd.DataFrame:
        """Rows that got worse by more than the tolerance, worst first."""
        out = self.table[self.table["regressed"]]
        return out.sort_values("worse_by", ascending=False).reset_index(drop=True)

    @property
    def passed(self) -> bool:
        """True when no disparity got worse by more than the tolerance."""
        return not bool(self.table["regressed"].any())

    def summary(self, limit: int = 10) -> str:
        """Plain-text verdict and the worst regressions."""
        reg = self.regressions
        head = (
            f"fairscope compare: {'PASSED' if self.passed else 'FAILED'}: {len(reg)} of "
            f"{len(self.table)} disparities got worse by more than {self.tolerance:g}"
        )
        lines = [head]
        for row in reg.head(limit).itertuples(index=False):
            what = row.rule_id if row.source == "finding" else row.metric
            lines.append(
                f"  {what} [{row.feature}] {row.group}: {row.base:.3g} -> {row.new:.3g} "
                f"(worse by {row.worse_by:.3g})"
            )
        if self.only_in_base:
            lines.append(f"  only in the baseline: {', '.join(self.only_in_base[:5])}")
        if self.only_in_new:
            lines.append(f"  only in the new audit: {', '.join(self.only_in_new[:5])}")
        return "\n".join(lines)

    def to_json(self, path: Any = None) -> str:
        """The comparison table as JSON records; written atomically to ``path`` when given."""
        text = self.table.to_json(orient="records", indent=1) + "\n"
        if path is not None:
            write_text(path, text)
        return text


def _load(result: Any) -> AuditResult:
    if isinstance(result, AuditResult):
        return result
    return AuditResult.from_json(result)


def _finding_worse(base: Finding, new: Finding) -> float:
    """How much closer to (or further past) the limit the new value is."""
    if new.bound == "min":
        return base.value - new.value
    return new.value - base.value


def _compare_findings(base: AuditResult, new: AuditResult) -> tuple[list[dict], list, list]:
    key = lambda f: (f.rule_id, f.feature, f.group)  # noqa: E731
    base_map = {key(f): f for f in base.findings}
    new_map = {key(f): f for f in new.findings}
    rows = []
    for k, nf in new_map.items():
        bf = base_map.get(k)
        if bf is None or math.isnan(bf.value) or math.isnan(nf.value):
            continue
        rows.append(
            {
                "source": "finding",
                "rule_id": nf.rule_id,
                "metric": nf.metric,
                "feature": nf.feature,
                "group": nf.group,
                "base": bf.value,
                "new": nf.value,
                "worse_by": _finding_worse(bf, nf),
                "base_status": bf.status.value,
                "new_status": nf.status.value,
            }
        )
    only_base = [" / ".join(k) for k in base_map if k not in new_map]
    only_new = [" / ".join(k) for k in new_map if k not in base_map]
    return rows, only_base, only_new


def _magnitude(kind: str, value: float) -> float:
    """Size of a disparity: |difference|, or how far a ratio is from 1 (log scale)."""
    if kind == "difference":
        return abs(value)
    if value <= 0 or math.isinf(value):
        return math.inf
    return 1 - min(value, 1 / value)


def _compare_disparities(base: AuditResult, new: AuditResult) -> tuple[list[dict], list, list]:
    if "disparities" not in base.tables or "disparities" not in new.tables:
        return [], [], []
    cols = ["feature", "group", "metric", "kind"]
    min_size = int(new.metadata.get("min_group_size", 30))

    def usable(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[~frame["is_reference"].astype(bool) & (frame["n"] >= min_size)]
        return frame.drop_duplicates(cols).set_index(cols)

    b, n = usable(base.tables["disparities"]), usable(new.tables["disparities"])
    rows = []
    for k in n.index.intersection(b.index):
        bv, nv = float(b.loc[k, "estimate"]), float(n.loc[k, "estimate"])
        if math.isnan(bv) or math.isnan(nv):
            continue
        kind = k[3]
        rows.append(
            {
                "source": "disparity",
                "rule_id": None,
                "metric": k[2],
                "feature": k[0],
                "group": k[1],
                "base": bv,
                "new": nv,
                "worse_by": _magnitude(kind, nv) - _magnitude(kind, bv),
                "base_status": None,
                "new_status": None,
            }
        )
    only_base = [" / ".join(map(str, k)) for k in b.index.difference(n.index)]
    only_new = [" / ".join(map(str, k)) for k in n.index.difference(b.index)]
    return rows, only_base, only_new


def compare_baseline(base: Any, new: Any, *, tolerance: float = 0.0) -> BaselineComparison:
    """Compare a new audit with a baseline audit and flag fairness regressions.

    Parameters
    ----------
    base, new : AuditResult, path or JSON text
        The baseline and the new audit (saved with ``to_json``).
    tolerance : float, default 0.0
        How much worse a disparity may get before it counts as a regression:
        in the judged value's units for findings (a ratio or a difference),
        and for the disparities table in ``|difference|`` or ``1 - ratio``.

    Returns
    -------
    BaselineComparison

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.audits._baseline import compare_baseline
    >>> g = ["a"] * 50 + ["b"] * 50
    >>> y = [1, 0] * 50
    >>> base = fairscope.audit_predictions(y, y, sensitive_features=g, policy="four-fifths")
    >>> new = fairscope.audit_predictions(y, [1, 0] * 25 + [1, 0, 0, 0] * 12 + [0, 0],
    ...                                   sensitive_features=g, policy="four-fifths")
    >>> compare_baseline(base, new, tolerance=0.1).passed
    False
    """
    if not (isinstance(tolerance, int | float) and math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a number >= 0; got {tolerance!r}.")
    base_result, new_result = _load(base), _load(new)
    if base_result.findings and new_result.findings:
        rows, only_base, only_new = _compare_findings(base_result, new_result)
    else:
        rows, only_base, only_new = _compare_disparities(base_result, new_result)
    table = pd.DataFrame(rows, columns=[c for c in _COLUMNS if c != "regressed"])
    table["regressed"] = table["worse_by"] > tolerance
    table = table[_COLUMNS]
    return BaselineComparison(table, float(tolerance), only_base, only_new)
