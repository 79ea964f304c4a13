"""The verdict vocabulary: statuses and findings, shared by judges, results and renderers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Verdict of one finding."""

    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    SKIPPED = "SKIPPED"
    WAIVED = "WAIVED"
    ERROR = "ERROR"

    def __str__(self) -> str:
        return self.value


#: Worst first: used to order findings and to pick the overall verdict.
SEVERITY: dict[Status, int] = {
    Status.ERROR: 0,
    Status.FAIL: 1,
    Status.INCONCLUSIVE: 2,
    Status.WARN: 3,
    Status.WAIVED: 4,
    Status.SKIPPED: 5,
    Status.PASS: 6,
}


@dataclass
class Finding:
    """The verdict of one policy rule on one group.

    Attributes
    ----------
    rule_id : str
        Identifier of the rule in the policy.
    metric : str
        Canonical metric name from the registry.
    comparison : str
        ``"ratio"`` or ``"difference"``, to ``"to_reference"``, ``"between_groups"``
        or ``"to_overall"`` (e.g. ``"ratio_to_reference"``).
    feature : str
        Sensitive feature(s) the rule applies to (``"race"``, ``"race & sex"``).
    group : str
        Group label (``"African-American"``, ``"race=Black & sex=Female"``).
    status : Status
    value : float
        The disparity judged (NaN when undefined).
    lower, upper : float or None
        Its interval, when available.
    threshold, warn_threshold : float or None
        Fail and warn limits.
    bound : str
        ``"min"`` (value must be at least the threshold) or ``"max"``.
    reference : str or None
        Reference group label, or ``"<overall>"``.
    group_value, reference_value : float or None
        The metric in the group and in the reference.
    n, n_reference : int or None
        Rows in the group and in the reference.
    p_value, p_value_adjusted : float or None
        Test of the group versus the reference, raw and adjusted for multiple
        comparisons.
    test : str or None
        Name of the test used.
    message : str
        One plain-language sentence.
    waiver : dict or None
        The waiver that applied or expired (justification, owner, expiry).
    class_label : str or None
        The class judged, for a per-class metric of a multiclass audit.
    """

    rule_id: str
    metric: str
    comparison: str
    feature: str
    group: str
    status: Status
    value: float = float("nan")
    lower: float | None = None
    upper: float | None = None
    threshold: float | None = None
    warn_threshold: float | None = None
    bound: str = "min"
    reference: str | None = None
    group_value: float | None = None
    reference_value: float | None = None
    n: int | None = None
    n_reference: int | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    test: str | None = None
    message: str = ""
    waiver: dict[str, Any] | None = None
    class_label: str | None = None

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python representation (status as a string)."""
        out = asdict(self)
        out["status"] = self.status.value
        if self.class_label is None:  # binary findings keep the layout they always had
            del out["class_label"]
        return out
