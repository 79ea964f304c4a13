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
