"""Fairness regressions between two audits (``fairscope compare BASE.json NEW.json``).

A model update can make a disparity worse while every test still passes. This
compares a new audit with a saved baseline and flags each disparity that got
worse by more than a tolerance: findings are matched by rule, feature set and
group (their judged value moves toward violating the limit); without a policy,
rows of the ``disparities`` tables are matched by feature set, group, metric and
kind (a difference grows in absolute value, a ratio moves away from 1).

Nothing passes silently: a check of the baseline that the new audit lacks (a feature
set dropped, a group gone), a check that cannot be compared (undefined on one side),
an empty comparison and a changed policy (its hash) each fail the comparison, unless
accepted with ``allow_missing=True`` / ``allow_policy_change=True``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
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
    incomparable : list of str
        Checks in both audits whose value is undefined in one of them.
    policy_hashes : tuple of (str or None, str or None)
        The policy hash of the baseline and of the new audit.
    allow_missing, allow_policy_change : bool
        Whether vanished or incomparable checks, and a changed policy, are accepted.
    """

    table: pd.DataFrame
    tolerance: float
    only_in_base: list[str]
    only_in_new: list[str]
    incomparable: list[str] = field(default_factory=list)
    policy_hashes: tuple[str | None, str | None] = (None, None)
    allow_missing: bool = False
    allow_policy_change: bool = False

    @property
    def policy_changed(self) -> bool:
        """Whether the two audits were judged by different policies (by hash)."""
        base, new = self.policy_hashes
        return base != new

    @property
    def problems(self) -> list[str]:
        """Why the comparison cannot pass besides regressions (empty when none)."""
        out = []
        if not self.allow_missing:
            if self.only_in_base:
                out.append(f"{len(self.only_in_base)} checks of the baseline vanished")
            if self.incomparable:
                out.append(f"{len(self.incomparable)} checks are undefined in one audit")
            if self.table.empty:
                out.append("nothing is comparable (0 checks in common)")
        if self.policy_changed and not self.allow_policy_change:
            base, new = (h[:12] if h else "none" for h in self.policy_hashes)
            out.append(f"the policy changed (sha256 {base} -> {new})")
        return out

    @property
    def regressions(self) -> pd.DataFrame:
        """Rows that got worse by more than the tolerance, worst first."""
        out = self.table[self.table["regressed"]]
        return out.sort_values("worse_by", ascending=False).reset_index(drop=True)

    @property
    def passed(self) -> bool:
        """True when no disparity got worse by more than the tolerance, and every check of
        the baseline was compared under the same policy (see :attr:`problems`)."""
        return not bool(self.table["regressed"].any()) and not self.problems

    def summary(self, limit: int = 10) -> str:
        """Plain-text verdict and the worst regressions."""
        reg = self.regressions
        head = (
            f"fairscope compare: {'PASSED' if self.passed else 'FAILED'}: {len(reg)} of "
            f"{len(self.table)} disparities got worse by more than {self.tolerance:g}"
        )
        lines = [head]
        lines += [f"  FAILED: {p}" for p in self.problems]
        for row in reg.head(limit).itertuples(index=False):
            what = row.rule_id if row.source == "finding" else row.metric
            lines.append(
                f"  {what} [{row.feature}] {row.group}: {row.base:.3g} -> {row.new:.3g} "
                f"(worse by {row.worse_by:.3g})"
            )
        hint = "" if self.allow_missing else " (pass --allow-missing to accept)"
        for title, keys in (
            (f"vanished (only in the baseline){hint}", self.only_in_base),
            (f"incomparable (undefined in one audit){hint}", self.incomparable),
            ("only in the new audit", self.only_in_new),
        ):
            if keys:
                more = f", ... ({len(keys)} in all)" if len(keys) > 20 else ""
                lines.append(f"  {title}: {', '.join(keys[:20])}{more}")
        if self.policy_changed:
            accepted = " (accepted)" if self.allow_policy_change else ""
            lines.append(
                f"  policy changed{accepted}: the findings were judged by different rules; "
                "pass --allow-policy-change to compare them anyway"
            )
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


def _compare_findings(base: AuditResult, new: AuditResult) -> tuple[list[dict], list, list, list]:
    key = lambda f: (f.rule_id, f.feature, f.group)  # noqa: E731
    base_map = {key(f): f for f in base.findings}
    new_map = {key(f): f for f in new.findings}
    rows = []
    incomparable = []
    for k, nf in new_map.items():
        bf = base_map.get(k)
        if bf is None:
            continue
        if math.isnan(bf.value) or math.isnan(nf.value):
            incomparable.append(" / ".join(k))
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
    return rows, only_base, only_new, incomparable


def _magnitude(kind: str, value: float) -> float:
    """Size of a disparity: |difference|, or how far a ratio is from 1 (log scale)."""
    if kind == "difference":
        return abs(value)
    if value <= 0 or math.isinf(value):
        return math.inf
    return 1 - min(value, 1 / value)


def _compare_disparities(
    base: AuditResult, new: AuditResult
) -> tuple[list[dict], list, list, list]:
    if "disparities" not in base.tables or "disparities" not in new.tables:
        return [], [], [], []
    cols = ["feature", "group", "metric", "kind"]
    min_size = int(new.metadata.get("min_group_size", 30))

    def usable(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[~frame["is_reference"].astype(bool) & (frame["n"] >= min_size)]
        return frame.drop_duplicates(cols).set_index(cols)

    b, n = usable(base.tables["disparities"]), usable(new.tables["disparities"])
    rows = []
    incomparable = []
    for k in n.index.intersection(b.index):
        bv, nv = float(b.loc[k, "estimate"]), float(n.loc[k, "estimate"])
        if math.isnan(bv) or math.isnan(nv):
            incomparable.append(" / ".join(map(str, k)))
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
    return rows, only_base, only_new, incomparable


def compare_baseline(
    base: Any,
    new: Any,
    *,
    tolerance: float = 0.0,
    allow_missing: bool = False,
    allow_policy_change: bool = False,
) -> BaselineComparison:
    """Compare a new audit with a baseline audit and flag fairness regressions.

    Parameters
    ----------
    base, new : AuditResult, path or JSON text
        The baseline and the new audit (saved with ``to_json``).
    tolerance : float, default 0.0
        How much worse a disparity may get before it counts as a regression:
        in the judged value's units for findings (a ratio or a difference),
        and for the disparities table in ``|difference|`` or ``1 - ratio``.
    allow_missing : bool, default False
        Accept checks of the baseline that the new audit lacks or that are undefined
        in one of them (and an empty comparison); otherwise they fail it.
    allow_policy_change : bool, default False
        Accept audits judged by different policies (their hashes differ); otherwise
        that fails the comparison.

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
        rows, only_base, only_new, incomparable = _compare_findings(base_result, new_result)
    else:
        rows, only_base, only_new, incomparable = _compare_disparities(base_result, new_result)
    table = pd.DataFrame(rows, columns=[c for c in _COLUMNS if c != "regressed"])
    table["regressed"] = table["worse_by"] > tolerance
    table = table[_COLUMNS]
    return BaselineComparison(
        table,
        float(tolerance),
        only_base,
        only_new,
        incomparable=incomparable,
        policy_hashes=(_policy_hash(base_result), _policy_hash(new_result)),
        allow_missing=bool(allow_missing),
        allow_policy_change=bool(allow_policy_change),
    )


def _policy_hash(result: AuditResult) -> str | None:
    policy = (result.reproducibility or {}).get("policy") or {}
    found = policy.get("hash") if isinstance(policy, dict) else None
    return None if found is None else str(found)
