"""Typed views of an audit's metadata: what was audited and which reference each feature set used.

``AuditResult.metadata`` stays a plain, JSON-ready dict (saved files of every
version load into it unchanged). :class:`AuditMetadata` reads the keys that
every audit writes into typed attributes, and :func:`reference_per_feature_set`
flattens the recorded reference groups (one label, one per metric, or one per
class and metric) into the one group each feature set was compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AuditMetadata:
    """What an audit looked at, read from ``AuditResult.metadata``.

    Attributes
    ----------
    task : str
        ``"binary"``, ``"multiclass"``, ``"regression"`` or ``"dataset"``.
    sensitive_features : tuple of str
        The sensitive columns.
    feature_sets : tuple of str
        Every feature set audited (``"race"``, ``"sex"``, ``"race & sex"``).
    groups : dict of str to tuple of str
        The group labels of each feature set.
    n_rows : int or None
        Rows audited.
    n_dropped : int
        Rows dropped (each reason is in ``dropped``).
    dropped : dict of str to int
        Rows dropped per reason.
    reference : object
        The reference asked for (a strategy, a group or a dict per feature set).
    ci : float or None
        Confidence level of the intervals.
    ci_method : str or None
        How the intervals were computed (``"wilson"``, ``"bootstrap"``, ...).
    min_group_size : int or None
        Groups smaller than this get no verdict.
    weighted : bool
        Whether sample weights were used.
    engine : str or None
        The engine that reduced the rows (``None``: numpy/pandas in process).
    pos_label : str or None
        The favourable label of a binary audit.
    metrics : tuple of str
        The metrics computed.
    extra : dict
        Every other key of the metadata, unchanged.
    """

    task: str | None = None
    sensitive_features: tuple[str, ...] = ()
    feature_sets: tuple[str, ...] = ()
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    n_rows: int | None = None
    n_dropped: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    reference: Any = None
    ci: float | None = None
    ci_method: str | None = None
    min_group_size: int | None = None
    weighted: bool = False
    engine: str | None = None
    pos_label: str | None = None
    metrics: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, metadata: Mapping[str, Any]) -> AuditMetadata:
        """Read the typed fields of a metadata mapping; the rest goes to ``extra``.

        Parameters
        ----------
        metadata : mapping
            ``AuditResult.metadata`` (of any schema version).

        Returns
        -------
        AuditMetadata

        Examples
        --------
        >>> from fairscope.result._metadata import AuditMetadata
        >>> meta = AuditMetadata.from_mapping({"task": "binary", "n_rows": 4, "model": "m"})
        >>> meta.task, meta.n_rows, meta.extra
        ('binary', 4, {'model': 'm'})
        """
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        raw = dict(metadata)
        groups = raw.get("groups") or {}
        return cls(
            task=_optional(raw.get("task"), str),
            sensitive_features=_strings(raw.get("sensitive_features")),
            feature_sets=_strings(raw.get("feature_sets")),
            groups={str(k): _strings(v) for k, v in groups.items()}
            if isinstance(groups, Mapping)
            else {},
            n_rows=_optional(raw.get("n_rows"), int),
            n_dropped=_optional(raw.get("n_dropped"), int) or 0,
            dropped=_counts(raw.get("dropped")),
            reference=raw.get("reference"),
            ci=_optional(raw.get("ci"), float),
            ci_method=_optional(raw.get("ci_method"), str),
            min_group_size=_optional(raw.get("min_group_size"), int),
            weighted=bool(raw.get("weighted", False)),
            engine=_optional(raw.get("engine"), str),
            pos_label=_optional(raw.get("pos_label"), str),
            metrics=_strings(raw.get("metrics")),
            extra={k: v for k, v in raw.items() if k not in known},
        )


def _optional(value: Any, kind: type) -> Any:
    """``value`` as ``kind``; None when absent or not of that kind (it stays in the mapping)."""
    if value is None:
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        # metadata written by another version or by a user: the typed view is a
        # convenience, and the raw value is still in AuditResult.metadata
        return None


def _counts(value: Any) -> dict[str, int]:
    """Rows per reason; reasons whose count is not a number are left to the mapping."""
    if not isinstance(value, Mapping):
        return {}
    counts = {str(k): _optional(v, int) for k, v in value.items()}
    return {k: v for k, v in counts.items() if v is not None}


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        return (str(value),)
    return tuple(str(v) for v in value)


def _leaves(value: Any) -> set[str]:
    """The group labels of one feature set's record: a label, or nested dicts of labels."""
    if isinstance(value, Mapping):
        return {label for v in value.values() for label in _leaves(v)}
    return {str(value)}


def reference_per_feature_set(metadata: Mapping[str, Any]) -> dict[str, str]:
    """The reference group of each feature set, from ``metadata["reference_groups"]``.

    Audits record the reference as one label per feature set (dataset audits),
    per metric (binary, regression) or per class and metric (multiclass). When
    every metric and class of a feature set shares one group, that group is its
    reference; when they differ (the ``"best"`` strategy picks per metric) the
    value is the strategy asked for, so a caller can tell the two apart.

    Parameters
    ----------
    metadata : mapping
        ``AuditResult.metadata``.

    Returns
    -------
    dict of str to str
        Feature-set label to reference group label (or strategy name).

    Examples
    --------
    >>> from fairscope.result._metadata import reference_per_feature_set
    >>> reference_per_feature_set({"reference": "largest", "reference_groups": {
    ...     "race": {"selection_rate": "b", "precision": "b"}, "sex": "f"}})
    {'race': 'b', 'sex': 'f'}
    """
    records = metadata.get("reference_groups") or {}
    strategy = metadata.get("reference")
    out: dict[str, str] = {}
    if not isinstance(records, Mapping):
        return out
    for label, record in records.items():
        leaves = _leaves(record)
        if len(leaves) == 1:
            out[str(label)] = leaves.pop()
        elif leaves:
            out[str(label)] = strategy if isinstance(strategy, str) else "per metric"
    return out


def reference_for(
    metadata: Mapping[str, Any], feature_set: str, metric: str | None = None, cls: Any = None
) -> str | None:
    """The reference group one comparison used: of a feature set, a metric and a class.

    Parameters
    ----------
    metadata : mapping
        ``AuditResult.metadata``.
    feature_set : str
        A feature-set label.
    metric : str, optional
        A metric name; without it, the feature set's single reference.
    cls : object, optional
        The class of a multiclass audit.

    Returns
    -------
    str or None
        None when the audit recorded no reference for it.

    Examples
    --------
    >>> from fairscope.result._metadata import reference_for
    >>> meta = {"reference_groups": {"race": {"0": {"selection_rate": "a"}}}}
    >>> reference_for(meta, "race", "selection_rate", cls=0)
    'a'
    """
    record: Any = (metadata.get("reference_groups") or {}).get(feature_set)
    if record is None:
        return None
    if isinstance(record, Mapping) and cls is not None and str(cls) in record:
        record = record[str(cls)]
    if isinstance(record, Mapping) and metric is not None:
        record = record.get(metric)
    if isinstance(record, Mapping):
        leaves = _leaves(record)
        return leaves.pop() if len(leaves) == 1 else None
    return None if record is None else str(record)


__all__ = ["AuditMetadata", "reference_for", "reference_per_feature_set"]
