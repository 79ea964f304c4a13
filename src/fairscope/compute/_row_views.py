"""Views of a GroupMetrics built on the row-level path: callables and control features.

With ``control_features`` (fairlearn's ``MetricFrame`` argument) the groups are
the intersections of the control and the sensitive features, and every summary
is taken within each stratum (a level of the control features): ``overall`` has
one row per stratum, and ``group_min``, ``group_max``, ``difference`` and
``ratio`` compare the sensitive groups of one stratum only, as ``MetricFrame``.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._row_metrics import (
    ROW_LEVEL_NOTE,
    RowMetric,
    Rows,
    row_bootstrap,
    row_values,
)
from fairscope.core._groups import encode_groups
from fairscope.core._registry import Metric

__all__ = ["RowLevelViews", "with_row_views"]

_METHODS = ("between_groups", "to_overall")


class RowLevelViews:
    """Overrides of :class:`~fairscope.GroupMetrics` views for the row-level path."""

    _rows: Rows
    _metrics: list[Metric]
    _by_group: pd.DataFrame
    _overall: pd.Series
    _row_args: dict[str, Any]
    _plain_class: type  # GroupMetrics itself, to build new instances
    control_features: tuple[str, ...]

    # -- what the path is ----------------------------------------------------------------

    @property
    def row_level(self) -> bool:
        """Whether some metric is a callable evaluated on rows (the slower path)."""
        return any(isinstance(m, RowMetric) for m in self._metrics)

    @property
    def row_level_note(self) -> str:
        """Which path computed the values, in words (empty on the sufficient-statistics path)."""
        return ROW_LEVEL_NOTE if self.row_level else ""

    # -- control features ----------------------------------------------------------------

    def _init_strata(self, controls: pd.DataFrame) -> None:
        """Overall values per stratum (one row per level of the control features)."""
        strata = encode_groups(controls)
        rows = dataclasses.replace(
            self._rows, codes=strata.codes.astype(np.int64), n_groups=len(strata.index)
        )
        values = row_values(rows, self._metrics, np.arange(len(rows.codes)))[:-1]
        self._overall_strata = pd.DataFrame(
            values, index=strata.index, columns=[m.name for m in self._metrics]
        )

    def _strata_levels(self) -> list[int]:
        return list(range(len(self.control_features)))

    @property
    def overall(self) -> Any:
        """Each metric over all rows; with control features, one row per stratum."""
        if self.control_features:
            return self._overall_strata.copy()
        return self._overall.copy()

    def group_min(self) -> Any:
        """Smallest value of each metric over the groups (within each stratum)."""
        if self.control_features:
            return self._by_group.groupby(level=self._strata_levels()).min()
        return self._by_group.min(axis=0)

    def group_max(self) -> Any:
        """Largest value of each metric over the groups (within each stratum)."""
        if self.control_features:
            return self._by_group.groupby(level=self._strata_levels()).max()
        return self._by_group.max(axis=0)

    def _relative_to_overall(self) -> pd.DataFrame:
        """Each group's value next to its stratum's overall value (same shape as by_group)."""
        if not self.control_features:
            return pd.DataFrame([self._overall] * len(self._by_group), index=self._by_group.index)
        strata = self._by_group.index.droplevel(
            list(range(len(self.control_features), self._by_group.index.nlevels))
        )
        return self._overall_strata.reindex(strata).set_axis(self._by_group.index)

    def _within(self, frame: pd.DataFrame, how: str) -> Any:
        if self.control_features:
            return getattr(frame.groupby(level=self._strata_levels()), how)()
        return getattr(frame, how)(axis=0)

    def difference(self, method: str = "between_groups") -> Any:
        """Largest absolute difference per metric (within each stratum), as MetricFrame.

        Parameters
        ----------
        method : {"between_groups", "to_overall"}

        Returns
        -------
        pandas.Series, or a DataFrame with one row per stratum
        """
        _check_method(method)
        if method == "between_groups":
            return self.group_max() - self.group_min()
        return self._within((self._by_group - self._relative_to_overall()).abs(), "max")

    def ratio(self, method: str = "between_groups") -> Any:
        """Smallest ratio per metric, below 1 (within each stratum), as MetricFrame.

        Parameters
        ----------
        method : {"between_groups", "to_overall"}

        Returns
        -------
        pandas.Series, or a DataFrame with one row per stratum
        """
        _check_method(method)
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "between_groups":
                return self.group_min() / self.group_max()
            ratios = self._by_group / self._relative_to_overall()
            ratios = ratios.where(~(ratios > 1), 1 / ratios)
            return self._within(ratios, "min")

    def _refuse_with_controls(self, what: str) -> None:
        if self.control_features:
            raise ValueError(
                f"{what} is not available with control_features; build one GroupMetrics per "
                f"stratum of {list(self.control_features)} (e.g. on data[data.x == level])."
            )

    def reference_groups(self, reference: Any = "largest") -> dict[str, Any]:
        """As :meth:`GroupMetrics.reference_groups`; not available within strata.

        Parameters
        ----------
        reference : group label, tuple, or {"largest", "best", "overall"}

        Returns
        -------
        dict
        """
        self._refuse_with_controls("a reference group")
        return super().reference_groups(reference)  # type: ignore[misc]

    def confidence_intervals(self) -> pd.DataFrame:
        """As :meth:`GroupMetrics.confidence_intervals`; not available within strata.

        Returns
        -------
        pandas.DataFrame
        """
        self._refuse_with_controls("confidence_intervals()")
        return super().confidence_intervals()  # type: ignore[misc]

    def _summary_intervals(self, kind: str, method: str) -> pd.DataFrame:
        self._refuse_with_controls(f"{kind}_intervals()")
        return super()._summary_intervals(kind, method)  # type: ignore[misc]

    # -- intervals by resampling rows ----------------------------------------------------

    def _metric_intervals(self, metric: Metric) -> Any:
        if not isinstance(metric, RowMetric):
            return super()._metric_intervals(metric)  # type: ignore[misc]
        values = np.append(self._by_group[metric.name].to_numpy(), self._overall[metric.name])
        nan = np.full(len(values), np.nan)
        return values, nan, nan, self._effective_rows()  # type: ignore[attr-defined]

    def _replicate_values(self) -> Any:
        if not self.row_level:
            return super()._replicate_values()  # type: ignore[misc]
        if self._replicates is None:  # type: ignore[has-type]
            boot = row_bootstrap(
                self._rows,
                self._metrics,
                n_boot=self.n_boot,  # type: ignore[attr-defined]
                scheme=self.bootstrap,  # type: ignore[attr-defined]
                random_state=self.random_state,  # type: ignore[attr-defined]
            )
            self._replicates = (boot, None, None)
        return self._replicates

    # -- other views ---------------------------------------------------------------------

    def for_feature(self, feature: str | list[str]) -> Any:
        """The same metrics for one sensitive feature (or a subset), from the rows again.

        Parameters
        ----------
        feature : str or list of str

        Returns
        -------
        GroupMetrics
        """
        chosen = [feature] if isinstance(feature, str) else list(feature)
        keys = self._by_group.index
        names = list(keys.names)
        unknown = [f for f in chosen if f not in names]
        if unknown:
            raise ValueError(f"unknown sensitive feature(s) {unknown}; features are {names}.")
        frame = (
            keys.to_frame(index=False)
            if isinstance(keys, pd.MultiIndex)
            else pd.DataFrame({names[0]: keys})
        )
        sensitive = frame.iloc[self._rows.codes][chosen].reset_index(drop=True)
        args = dict(self._row_args)
        args.update(sensitive_features=sensitive, control_features=None, data=None)
        args.update(y_true=self._rows.y_true, y_pred=self._rows.y_pred)
        args["sample_weight"] = self._rows.weight
        args["metrics"] = {
            m.name: m.function if isinstance(m, RowMetric) else m for m in self._metrics
        }
        args["sample_params"] = {k: v for k, v in self._rows.params.items() if v} or {}
        return self._plain_class(**args)

    def __reduce__(self) -> tuple[Any, ...]:
        # the class is made at run time: pickle the plain class and the state instead
        return (_restore, (self._plain_class, self.__dict__))

    def __repr__(self) -> str:
        note = f"\n({self.row_level_note})" if self.row_level else ""
        return super().__repr__() + note

    def _repr_html_(self) -> str:
        html = super()._repr_html_()  # type: ignore[misc]
        if not self.row_level:
            return html
        return html[: -len("</div>")] + f"<p><em>{ROW_LEVEL_NOTE}.</em></p></div>"


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method={method!r} is unknown; choose one of {list(_METHODS)}.")


@functools.cache
def with_row_views(base: Any) -> type:
    """``base`` (GroupMetrics) with the row-level views; instances stay ``isinstance`` of it.

    Parameters
    ----------
    base : type
        The GroupMetrics class.

    Returns
    -------
    type
    """
    namespace = {
        "__module__": base.__module__,
        "__qualname__": base.__qualname__,
        "__doc__": base.__doc__,
        "_plain_class": base,
    }
    return type(base.__name__, (RowLevelViews, base), namespace)


def _restore(base: Any, state: dict[str, Any]) -> Any:
    """Rebuild a pickled row-level GroupMetrics."""
    instance = base.__new__(base)
    instance.__dict__.update(state)
    instance.__class__ = with_row_views(base)
    return instance
