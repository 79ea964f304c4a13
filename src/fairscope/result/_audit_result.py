"""AuditResult: the one object every audit produces and every view reads.

Audits (model, predictions, dataset) produce an :class:`AuditResult`; a policy
gives a new result with :class:`Finding` objects (:meth:`AuditResult.with_findings`);
renderers (JSON, JUnit, Markdown, HTML, notebook, model card) only read it and
never recompute a metric.

The parts are typed: :attr:`AuditResult.meta` reads the metadata into an
:class:`~fairscope.result._metadata.AuditMetadata`, :attr:`AuditResult.references`
gives the reference group of each feature set, and :meth:`AuditResult.table_spec`
the declared columns of a table (:mod:`fairscope.result._tables`). The stored
``metadata`` stays a JSON-ready dict so that files saved by every 1.x layout load.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from typing import Any

import pandas as pd

from fairscope.core._atomic import write_text
from fairscope.core._findings import SEVERITY, Finding, Status
from fairscope.report import _html, _junit, _markdown, _model_card, _notebook, _plots
from fairscope.result import _codec, _text
from fairscope.result._json_input import read_audit_json
from fairscope.result._metadata import AuditMetadata, reference_for, reference_per_feature_set
from fairscope.result._tables import TABLES, TableSpec, check_table, table_spec

#: Version of the serialized AuditResult layout; bump the major on incompatible changes.
SCHEMA_VERSION = "1.0"
SCHEMA_ID = "https://fairscope.dev/schemas/audit-result-1.0.schema.json"

#: A file to write or read.
PathArg = str | os.PathLike[str]


#: The finding fields a reader scans first (``findings_frame(compact=True)`` keeps only these).
_FINDING_COLUMNS = (
    "status",
    "feature",
    "group",
    "metric",
    "comparison",
    "value",
    "lower",
    "upper",
    "threshold",
    "n",
    "message",
)


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
        Named tables; the known ones and their columns are listed in
        :mod:`fairscope.result._tables` (see :meth:`table_spec`).
    findings : list of Finding
        Verdicts of the policy rules (empty without a policy).
    metadata : dict
        What was audited: model, data, sensitive features, groups, reference
        groups, rows and dropped rows. :attr:`meta` is its typed view.
    reproducibility : dict
        Versions, timestamp, input hashes, random seed, policy hash.
    policy : dict or None
        The policy that produced the findings.
    fail_on : tuple of str
        Statuses that make :attr:`passed` false.
    statistics : dict of str to GroupCounts
        The sufficient statistics per feature set (``"race"``, ``"sex"``,
        ``"race & sex"``); policies judge rules from them.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     y_true=[1, 0, 1, 0], y_pred=[1, 0, 0, 0], sensitive_features=["a", "a", "b", "b"])
    >>> result.meta.n_rows, result.references
    (4, {'sensitive_feature': 'a'})
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

    # -- verdict -------------------------------------------------------------------------

    @property
    def passed(self) -> bool:
        """Whether no finding has a status listed in :attr:`fail_on` (ERROR always fails)."""
        failing = {Status(s.upper()) for s in self.fail_on} | {Status.ERROR}
        return not any(f.status in failing for f in self.findings)

    @property
    def status_counts(self) -> dict[str, int]:
        """Number of findings per status, worst first."""
        counts = {s.value: 0 for s in sorted(SEVERITY, key=SEVERITY.__getitem__)}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    def findings_frame(
        self, statuses: Iterable[str] | None = None, *, compact: bool = False
    ) -> pd.DataFrame:
        """The findings as a DataFrame, worst first.

        Parameters
        ----------
        statuses : iterable of str, optional
            Keep only these statuses.
        compact : bool, default False
            Only what a reader scans (status, feature, group, metric, comparison,
            value, interval, threshold, n, message), and without the passing
            findings unless ``statuses`` asks for them.

        Returns
        -------
        pandas.DataFrame
            One row per finding; one column per :class:`Finding` field, the ones a
            reader scans first.
        """
        if compact and statuses is None:
            statuses = [s.value for s in SEVERITY if s.value != "PASS"]
        fields = list(Finding.__dataclass_fields__)
        columns = [c for c in _FINDING_COLUMNS if c in fields]
        if not compact:
            # every field, the ones a reader scans first (pandas elides the middle of wide frames)
            columns += [c for c in fields if c not in columns]
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
        """The ``k`` worst findings (by status).

        Parameters
        ----------
        k : int, default 5
            How many findings.

        Returns
        -------
        list of Finding
            Worst status first; findings of one status keep their order.
        """
        return sorted(self.findings, key=lambda f: SEVERITY[f.status])[:k]

    # -- typed parts ---------------------------------------------------------------------

    @property
    def meta(self) -> AuditMetadata:
        """The metadata read into typed fields (task, feature sets, groups, rows, ...)."""
        return AuditMetadata.from_mapping(self.metadata)

    @property
    def references(self) -> dict[str, str]:
        """The reference group of each feature set, as every table and finding used it.

        When the reference differs by metric (the ``"best"`` strategy), the
        value is the strategy; :meth:`reference_for` then gives each metric's.
        """
        return reference_per_feature_set(self.metadata)

    def reference_for(
        self, feature_set: str, metric: str | None = None, cls: Any = None
    ) -> str | None:
        """The reference group of one feature set, metric and (multiclass) class.

        Parameters
        ----------
        feature_set : str
            A feature-set label such as ``"race"`` or ``"race & sex"``.
        metric : str, optional
            A metric name.
        cls : object, optional
            A class of a multiclass audit.

        Returns
        -------
        str or None
            None when the audit recorded no reference for it.
        """
        return reference_for(self.metadata, feature_set, metric, cls)

    @property
    def table_specs(self) -> dict[str, TableSpec]:
        """The declared layout of each known table this result holds, in report order."""
        return {name: spec for name, spec in TABLES.items() if name in self.tables}

    def table_spec(self, name: str) -> TableSpec | None:
        """The declared layout (title, description, columns) of a table; None if unknown.

        Parameters
        ----------
        name : str
            A table name, e.g. ``"disparities"``.

        Returns
        -------
        TableSpec or None
        """
        return table_spec(name)

    # -- new results ---------------------------------------------------------------------

    def replace(self, **changes: Any) -> AuditResult:
        """A copy with some fields changed; this result is left as it is.

        Dicts are copied (metadata and reproducibility deeply), tables are new
        DataFrame objects, so changing the copy never changes the original.

        Parameters
        ----------
        **changes
            New values of fields (``findings=``, ``policy=``, ``metadata=``, ...).

        Returns
        -------
        AuditResult
        """
        parts: dict[str, Any] = {
            "tables": {name: frame.copy() for name, frame in self.tables.items()},
            "findings": list(self.findings),
            "metadata": copy.deepcopy(self.metadata),
            "reproducibility": copy.deepcopy(self.reproducibility),
            "policy": copy.deepcopy(self.policy),
            "statistics": dict(self.statistics),
        }
        parts.update(changes)
        return _replace(self, **parts)

    def with_findings(
        self,
        findings: Sequence[Finding],
        *,
        policy: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        reproducibility: Mapping[str, Any] | None = None,
        fail_on: Iterable[str] | None = None,
    ) -> AuditResult:
        """A new result judged by a policy: these findings, the policy and its records.

        This is how a policy is applied without mutating the audit: the
        original keeps its findings (none, or those of another policy).

        Parameters
        ----------
        findings : sequence of Finding
            The verdicts.
        policy : mapping, optional
            The policy record (name, version, hash, rules, ...).
        metadata : mapping, optional
            Keys to add to the copy's metadata (e.g. ``expired_waivers``).
        reproducibility : mapping, optional
            Keys to add to the copy's reproducibility record (e.g. ``policy``).
        fail_on : iterable of str, optional
            Statuses that fail the audit; default: unchanged.

        Returns
        -------
        AuditResult

        Examples
        --------
        >>> import fairscope
        >>> result = fairscope.audit_predictions(
        ...     y_true=[1, 0, 1, 0], y_pred=[1, 0, 0, 0], sensitive_features=["a", "a", "b", "b"])
        >>> judged = result.with_findings([], policy={"name": "empty"})
        >>> judged.policy, result.policy
        ({'name': 'empty'}, None)
        """
        judged = self.replace(
            findings=list(findings),
            policy=None if policy is None else copy.deepcopy(dict(policy)),
        )
        judged.metadata.update(copy.deepcopy(dict(metadata or {})))
        judged.reproducibility.update(copy.deepcopy(dict(reproducibility or {})))
        if fail_on is not None:
            judged.fail_on = tuple(fail_on)
        return judged

    # -- JSON ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible Python objects (versioned layout).

        Returns
        -------
        dict
            The layout of ``fairscope/schemas/audit-result.schema.json``.
        """
        return {
            "$schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "task": self.task,
            "passed": self.passed,
            "fail_on": list(self.fail_on),
            "status_counts": self.status_counts,
            "findings": [_codec.encode_finding(f) for f in self.findings],
            "tables": {name: _codec.encode_table(frame) for name, frame in self.tables.items()},
            "statistics": {
                label: _codec.encode_statistics(stats) for label, stats in self.statistics.items()
            },
            "metadata": _codec.plain(self.metadata),
            "reproducibility": _codec.plain(self.reproducibility),
            "policy": _codec.plain(self.policy),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditResult:
        """Inverse of :meth:`to_dict`; reads every 1.x layout.

        Parameters
        ----------
        data : mapping
            A decoded JSON document.

        Returns
        -------
        AuditResult

        Raises
        ------
        ValueError
            When the document is not an audit, has another major schema
            version, or a known table lacks a column it declares.
        """
        if not isinstance(data, Mapping) or "schema_version" not in data:
            raise ValueError("not a fairscope audit: the JSON has no 'schema_version' key.")
        version = str(data["schema_version"])
        major = SCHEMA_VERSION.split(".")[0]
        if version.split(".")[0] != major:
            raise ValueError(
                f"audit JSON has schema_version {version!r}; this fairscope reads "
                f"{major}.x. Re-run the audit or upgrade fairscope."
            )
        tables = {
            name: _codec.decode_table(t, name=name)
            for name, t in (data.get("tables") or {}).items()
        }
        for name, frame in tables.items():
            check_table(name, frame)
        return cls(
            kind=data["kind"],
            task=data["task"],
            tables=tables,
            findings=[_codec.decode_finding(f) for f in data.get("findings", [])],
            metadata=dict(data.get("metadata") or {}),
            reproducibility=dict(data.get("reproducibility") or {}),
            policy=data.get("policy"),
            fail_on=tuple(data.get("fail_on", ("fail",))),
            statistics={
                label: _codec.decode_statistics(s)
                for label, s in (data.get("statistics") or {}).items()
            },
        )

    def to_json(self, path: PathArg | None = None, *, indent: int | None = 1) -> str:
        """Serialize to JSON; written atomically to ``path`` when given.

        Parameters
        ----------
        path : str or os.PathLike, optional
            A file to write; its folder must exist.
        indent : int or None, default 1
            Indentation of the JSON text (None: one line).

        Returns
        -------
        str
            The JSON text.
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)
        if path is not None:
            write_text(path, text + "\n")
        return text

    @classmethod
    def from_json(cls, source: str | bytes | PathArg) -> AuditResult:
        """Load a result saved by :meth:`to_json` (a path, or the JSON text or bytes).

        Parameters
        ----------
        source : str, bytes, os.PathLike or dict
            The JSON text (starting with ``{``), the path of an existing file
            holding it, or the decoded dict. Anything else, nesting deeper than
            64 levels, tables whose columns differ in length and negative
            counts are refused with a ``ValueError``.

        Returns
        -------
        AuditResult

        Examples
        --------
        >>> import fairscope
        >>> result = fairscope.audit_predictions(
        ...     y_true=[1, 0, 1, 0], y_pred=[1, 0, 0, 0], sensitive_features=["a", "a", "b", "b"])
        >>> again = fairscope.AuditResult.from_json(result.to_json())
        >>> again.tables["group_metrics"].equals(result.tables["group_metrics"])
        True
        """
        data = read_audit_json(source)  # text, bytes, dict or an existing file; bounded
        return cls.from_dict(data)

    # -- views: each lives in the module named for it ------------------------------------

    def summary(self, limit: int = 10) -> str:
        """A few lines of plain text: verdict, counts per status, worst findings.

        Parameters
        ----------
        limit : int, default 10
            Most findings listed (worst first); the rest are counted.

        Returns
        -------
        str
            What the CLI prints after an audit (with ``limit=25``).
        """
        return _text.summary(self, limit=limit)

    def to_junit(self, path: PathArg | None = None) -> str:
        """JUnit XML, one testcase per rule and group; written atomically to ``path``.

        Parameters
        ----------
        path : str or os.PathLike, optional
            A file to write; its folder must exist.

        Returns
        -------
        str
            The XML text.
        """
        return _junit.to_junit(self, path)

    def to_markdown(self, path: PathArg | None = None) -> str:
        """Markdown for a pull-request comment: verdict, compact table, worst findings first.

        Parameters
        ----------
        path : str or os.PathLike, optional
            A file to write atomically (like :meth:`to_json`); its folder must exist.

        Returns
        -------
        str
            GitHub-flavoured Markdown; text from the data is escaped.
        """
        text = _markdown.to_markdown(self)
        if path is not None:
            write_text(path, text)
        return text

    def to_html(self, path: PathArg | None = None, **options: Any) -> str:
        """The self-contained HTML transparency report; written atomically to ``path``.

        Parameters
        ----------
        path : str or os.PathLike, optional
            A file to write; its folder must exist.
        **options
            ``title``, ``suppress_below`` (hide the values of groups smaller than
            this), ``metadata`` and ``model_card`` (fields shown in the report).

        Returns
        -------
        str
            The HTML document.
        """
        return _html.to_html(self, path, **options)

    def __repr__(self) -> str:
        # the summary, not every table: a dataclass repr of a COMPAS audit is ~20k characters
        names = ", ".join(self.tables) or "none"
        return f"{_text.summary(self, limit=10)}\ntables: {names} (see result.tables)"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return _notebook.repr_html(self)

    def plot(self, *args: Any, **kwargs: Any) -> Any:
        """Matplotlib figure of per-group values with intervals.

        Parameters
        ----------
        *args, **kwargs
            ``metric``, ``feature``, ``kind`` (``"value"`` or ``"disparity"``),
            ``ax``, ``comparison``, ``suppress_below``, ``class_label``; see
            :func:`fairscope.report._plots.plot_result`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        return _plots.plot_result(self, *args, **kwargs)

    def to_model_card(self, path: PathArg | None = None) -> dict[str, Any]:
        """Model Card Toolkit (schema v0.0.2) compatible JSON; written to ``path`` when given.

        Parameters
        ----------
        path : str or os.PathLike, optional
            A file to write the card to, as JSON.

        Returns
        -------
        dict
            The card; fairscope's own record is under ``"x-fairscope"``.
        """
        return _model_card.to_model_card(self, path)


__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "AuditResult", "Finding", "Status"]
