"""AuditResult: the one object every audit produces and every view reads.

Audits (model, predictions, dataset) produce an :class:`AuditResult`; policies
add :class:`Finding` objects to it; renderers (JSON, JUnit, Markdown, HTML,
notebook, model card) only read it and never recompute a metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fairscope.core._findings import SEVERITY, Finding, Status

#: Version of the serialized AuditResult layout; bump on incompatible changes.
SCHEMA_VERSION = "1.0"


@dataclass
class AuditResult:
    """The result of an audit: tables, findings, metadata and provenance.

    Attributes
    ----------
    kind : str
        ``"model"``, ``"predictions"`` or ``"dataset"``.
    task : str
        ``"binary"``, ``"multiclass"``, ``"regression"`` or ``"dataset"``.
    tables : dict of str to pandas.DataFrame
        Named tables, e.g. ``"group_metrics"``, ``"disparities"``, ``"intervals"``,
        ``"tests"``, ``"score_metrics"``, ``"calibration"``, ``"threshold_sweep"``,
        ``"representation"``, ``"base_rates"``, ``"missingness"``, ``"proxies"``.
    findings : list of Finding
        Verdicts of the policy rules (empty without a policy).
    metadata : dict
        What was audited: model, data, sensitive features, groups, reference
        groups, rows and dropped rows.
    reproducibility : dict
        Versions, timestamp, input hashes, random seed, policy hash.
    policy : dict or None
        The policy that produced the findings.
    fail_on : tuple of str
        Statuses that make :attr:`passed` false.
    statistics : dict of str to GroupCounts
        The sufficient statistics of a binary audit per feature set
        (``"race"``, ``"sex"``, ``"race & sex"``); policies judge rules from them.
    """

    kind: str
    task: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    reproducibility: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    fail_on: tuple[str, ...] = ("fail",)
    statistics: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def passed(self) -> bool:
        """Whether no finding has a status listed in :attr:`fail_on` (ERROR always fails)."""
        failing = {Status(s.upper()) for s in self.fail_on} | {Status.ERROR}
        return not any(f.status in failing for f in self.findings)

    @property
    def status_counts(self) -> dict[str, int]:
        """Number of findings per status, worst first."""
        counts = {s.value: 0 for s in sorted(SEVERITY, key=SEVERITY.get)}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    def findings_frame(self, statuses: Iterable[str] | None = None) -> pd.DataFrame:
        """The findings as a DataFrame, worst first.

        Parameters
        ----------
        statuses : iterable of str, optional
            Keep only these statuses.
        """
        columns = list(Finding.__dataclass_fields__)
        rows = [f.to_dict() for f in self.findings]
        frame = pd.DataFrame(rows, columns=columns)
        if statuses is not None:
            wanted = {s.upper() for s in statuses}
            frame = frame[frame["status"].isin(wanted)]
        order = frame["status"].map({s.value: v for s, v in SEVERITY.items()})
        return (
            frame.assign(_order=order)
            .sort_values("_order", kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )

    def worst_findings(self, k: int = 5) -> list[Finding]:
        """The ``k`` worst findings (by status)."""
        return sorted(self.findings, key=lambda f: SEVERITY[f.status])[:k]

    # -- views: each lives in the module named for it ------------------------------------

    def summary(self) -> str:
        """A few lines of plain text: verdict, counts per status, worst findings."""
        from fairscope.result._serialize import summary

        return summary(self)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible Python objects (versioned layout)."""
        from fairscope.result._serialize import to_dict

        return to_dict(self)

    def to_json(self, path: Any = None) -> str:
        """Serialize to JSON (written atomically to ``path`` when given); returns the text."""
        from fairscope.result._serialize import to_json

        return to_json(self, path)

    @classmethod
    def from_json(cls, source: Any) -> AuditResult:
        """Load a result saved by :meth:`to_json` (a path or the JSON text)."""
        from fairscope.result._serialize import from_json

        return from_json(source)

    def to_junit(self, path: Any = None) -> str:
        """JUnit XML, one testcase per rule and group; written atomically to ``path``."""
        from fairscope.report._junit import to_junit

        return to_junit(self, path)

    def to_markdown(self) -> str:
        """Markdown for a pull-request comment: verdict, compact table, worst findings first."""
        from fairscope.report._markdown import to_markdown

        return to_markdown(self)

    def to_html(self, path: Any = None, **options: Any) -> str:
        """The self-contained HTML transparency report; written atomically to ``path``."""
        from fairscope.report._html import to_html

        return to_html(self, path, **options)

    def _repr_html_(self) -> str:
        from fairscope.report._notebook import repr_html

        return repr_html(self)

    def plot(self, *args: Any, **kwargs: Any) -> Any:
        """Matplotlib figure of per-group values with intervals (see :mod:`fairscope.report._plots`)."""
        from fairscope.report._plots import plot_result

        return plot_result(self, *args, **kwargs)

    def to_model_card(self, path: Any = None) -> dict[str, Any]:
        """Model Card Toolkit (schema v0.0.2) compatible JSON; written to ``path`` when given."""
        from fairscope.report._model_card import to_model_card

        return to_model_card(self, path)
