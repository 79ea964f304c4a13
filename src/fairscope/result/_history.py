"""AuditHistory: findings and headline disparities of several saved audits, aligned over time.

:func:`fairscope.history` builds it (``audits/_history.py``); this module holds
the object, its JSON form and its views, so the trend report
(``report/_history.py``) reads one typed object and recomputes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fairscope.core._atomic import write_text
from fairscope.report import _history as _history_report

#: Version of the serialized history layout.
HISTORY_SCHEMA_VERSION = "1.0"

#: The tables of a history, in the order the report shows them.
HISTORY_TABLES: dict[str, str] = {
    "audits": "The audits in order: label, timestamp, policy, rows and verdict counts.",
    "changes": "Each aligned finding and headline disparity between consecutive audits: "
    "before, after, the change, a z test of the change and whether the status changed.",
    "findings": "Every finding of every audit (long format), with its status change from "
    "the previous audit.",
    "disparities": "The headline disparities of every audit (long format): the policy's "
    "metrics and the selection rate, each group against its reference.",
    "differences": "What the audits do not share (policies, rules, feature sets, groups, "
    "findings, disparities): listed, never dropped.",
}


@dataclass
class AuditHistory:
    """Findings and headline disparities of several audits, in order, with tests of change.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        ``"audits"``, ``"changes"``, ``"findings"``, ``"disparities"`` and
        ``"differences"`` (see :data:`HISTORY_TABLES`).
    metadata : dict
        The labels in order, the significance level, the multiple-comparison
        correction and the method of the change test.

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.datasets import make_credit_scoring
    >>> audits = [fairscope.audit_predictions(
    ...     "repaid", "approved", sensitive_features="race", policy="four-fifths",
    ...     data=make_credit_scoring(n=2_000, bias=b, random_state=0)) for b in (0.2, 0.9)]
    >>> trend = fairscope.history(audits, labels=["v1", "v2"])
    >>> trend.labels
    ['v1', 'v2']
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        """The audits' labels, in the order of the history."""
        return list(self.metadata.get("labels", []))

    @property
    def significant_changes(self) -> pd.DataFrame:
        """The rows of ``changes`` whose change is significant after the correction."""
        changes = self.tables.get("changes", pd.DataFrame())
        if changes.empty:
            return changes
        return changes[changes["significant"].astype(bool)].reset_index(drop=True)

    @property
    def status_changes(self) -> pd.DataFrame:
        """The rows of ``changes`` whose finding status changed."""
        changes = self.tables.get("changes", pd.DataFrame())
        if changes.empty or "status_changed" not in changes:
            return changes.iloc[0:0]
        return changes[changes["status_changed"].fillna(False).astype(bool)].reset_index(drop=True)

    def summary(self, limit: int = 10) -> str:
        """A few lines for a terminal: the audits, significant changes, status changes.

        Parameters
        ----------
        limit : int, default 10
            Most lines per list (the most significant changes first); the rest are counted.

        Returns
        -------
        str
        """
        lines = [f"history of {len(self.labels)} audits: {' -> '.join(self.labels)}"]
        significant = self.significant_changes
        if len(significant):
            significant = significant.sort_values("p_value_adjusted", kind="stable")
        lines.append(f"{len(significant)} significant changes between consecutive audits:")
        for _, row in significant.head(limit).iterrows():
            lines.append(
                f"  {row['from']} -> {row['to']}: {row['item']} "
                f"{row['before']:.3f} -> {row['after']:.3f} (p adj. {row['p_value_adjusted']:.2g})"
            )
        if len(significant) > limit:
            lines.append(f"  ... and {len(significant) - limit} more (see the changes table)")
        status = self.status_changes
        lines.append(f"{len(status)} status changes:")
        for _, row in status.head(limit).iterrows():
            lines.append(
                f"  {row['from']} -> {row['to']}: {row['item']} "
                f"{row['status_before']} -> {row['status_after']}"
            )
        if len(status) > limit:
            lines.append(f"  ... and {len(status) - limit} more (see the changes table)")
        differences = self.tables.get("differences", pd.DataFrame())
        lines.append(f"{len(differences)} items not shared by every audit (see differences)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form: the tables as lists of records.

        Returns
        -------
        dict
        """
        return {
            "schema_version": HISTORY_SCHEMA_VERSION,
            "metadata": self.metadata,
            "tables": {
                name: json.loads(frame.to_json(orient="split", index=False))
                for name, frame in self.tables.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditHistory:
        """Rebuild a history from :meth:`to_dict`.

        Parameters
        ----------
        data : dict

        Returns
        -------
        AuditHistory
        """
        tables = {
            name: pd.DataFrame(split["data"], columns=split["columns"])
            for name, split in data.get("tables", {}).items()
        }
        return cls(tables=tables, metadata=dict(data.get("metadata", {})))

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> AuditHistory:
        """Read a history saved by :meth:`to_json` (a path, or the JSON text).

        Parameters
        ----------
        source : str or path-like

        Returns
        -------
        AuditHistory
        """
        text = os.fspath(source)
        if not text.lstrip().startswith("{"):
            with open(text, encoding="utf-8") as handle:
                text = handle.read()
        return cls.from_dict(json.loads(text))

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The history as JSON, written atomically to ``path`` when given.

        Parameters
        ----------
        path : str or path-like, optional

        Returns
        -------
        str
        """
        text = json.dumps(self.to_dict(), indent=1, allow_nan=True, default=str)
        if path is not None:
            write_text(path, text)
        return text

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, title: str | None = None
    ) -> str:
        """The self-contained trend report: a chart per rule, the changes and the differences.

        Parameters
        ----------
        path : str or path-like, optional
            Write it there (atomically) as well.
        title : str, optional

        Returns
        -------
        str
            The HTML document (no script, no network: a Content-Security-Policy
            forbids both; every label is escaped).
        """
        html = _history_report.render(self, title=title)
        if path is not None:
            write_text(path, html)
        return html


__all__ = ["HISTORY_SCHEMA_VERSION", "HISTORY_TABLES", "AuditHistory"]
