"""What the steps of one dataset audit share (:func:`fairscope.audit_dataset`).

The steps live in :mod:`fairscope.audits._dataset` and the modules it calls; each
reads the groups and adds tables, statistics and warnings to one :class:`DatasetAudit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fairscope.audits._dataset_groups import FeatureSet
from fairscope.audits._label_bias import Target
from fairscope.core._feature_columns import EncodedColumn
from fairscope.result._tables import table_spec


@dataclass(eq=False)
class DatasetAudit:
    """What the steps of one dataset audit share: groups, columns, tables, warnings."""

    data: pd.DataFrame
    sets: list[FeatureSet]
    min_group_size: int
    ci: float
    target: Target | None = None
    encoded: list[EncodedColumn] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def intersection(self) -> FeatureSet:
        """The last feature set: the intersection of all sensitive features (or the one)."""
        return self.sets[-1]


def with_declared_columns(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables, each empty one given the columns its name declares.

    A table with no row built from no records has no columns either (e.g. ``proxies``
    when every column is a sensitive feature or the target); saved like that, its JSON
    could not be loaded back, since loading checks the declared columns.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The audit's tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        The same tables; empty ones missing declared columns get all of them.
    """
    out = dict(tables)
    for name, frame in tables.items():
        spec = table_spec(name)
        if spec is None or len(frame):
            continue
        missing = [c for c in spec.columns if c not in frame.columns]
        if missing:
            out[name] = frame.reindex(columns=[*frame.columns, *missing])
    return out
