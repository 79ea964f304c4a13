"""GroupMetrics: fairness metrics per group, computed from sufficient statistics."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairscope.compute._custom_metrics import init_row_level, needs_rows
from fairscope.compute._group_intervals import GroupIntervals
from fairscope.compute._positional import positional_keywords as _positional
from fairscope.compute._references import check_reference, feature_set_label, resolve_reference
from fairscope.compute._significance import group_tests
from fairscope.core._bootstrap import check_bootstrap_args
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._inputs import binary_inputs
from fairscope.core._intersections import reduce_groups_confusion
from fairscope.core._registry import resolve_metrics
from fairscope.core._sensitive_checks import group_limit
from fairscope.engines import confusion_counts
from fairscope.report._plots import plot_group_metrics

__all__ = ["OVERALL", "GroupMetrics", "ReferenceStrategy", "group_label"]

ReferenceStrategy = Literal["largest", "best", "overall"]
_METHODS = ("between_groups", "to_overall")
_CI_METHODS = ("wilson", "clopper-pearson", "bootstrap", "bca")


class GroupMetrics(GroupIntervals):
    """Fairness metrics of a binary classifier per group, from one pass over the rows.

    The rows are reduced once to weighted confusion counts per group
    (:attr:`statistics`); every value, disparity and interval is computed from
    that small table. Views follow fairlearn's ``MetricFrame``: :attr:`by_group`,
    :attr:`overall`, :meth:`difference`, :meth:`ratio`, :meth:`group_min`,
    :meth:`group_max`, with the same semantics and values.

    Parameters
    ----------
    y_true, y_pred : array-like or str
        True labels and predictions, or column names of ``data``; with
        ``sensitive_features`` the only arguments that may be given by
        position (the others are keyword-only). Labels may be
        0/1, bool, or any two values with ``pos_label``. Inputs are paired by
        position, not by pandas index; Series whose indexes hold the same
        labels in different orders are refused (they would mix up rows).
    sensitive_features : array-like, DataFrame, dict, str or list of str
        One or several sensitive features; several give intersectional groups.
        Missing values form their own group, labelled ``"<missing>"``.
    metrics : str, callable, list or dict, optional
        Registered metric names or aliases (default ``DEFAULT_METRICS``), or callables
        ``f(y_true, y_pred, **sample_params)`` as in ``MetricFrame`` (dict keys name the
        columns); callables take the slower row-level path (``compute/_custom_metrics``).
    sample_params, control_features : optional
        As ``MetricFrame``: per-row arguments of callables by metric name; strata.
    sample_weight : array-like or str, optional
        Non-negative weight of each row.
    pos_label : default 1
        The positive label of ``y_true`` and ``y_pred``.
    data : pandas.DataFrame or engine data, optional
        Table holding the columns named by the other arguments. A polars
        DataFrame or LazyFrame, pyarrow Table, DuckDB relation, Spark DataFrame
        or a path / glob of Parquet or CSV files is reduced to counts inside its
        engine (see :mod:`fairscope.engines`); then the other arguments must be
        column names.
    dropna : bool, default False
        Drop rows whose ``y_true``, ``y_pred`` or ``sample_weight`` is missing
        (the count is kept in :attr:`dropped`) instead of raising.
    ci : float, default 0.95
        Confidence level of intervals.
    ci_method : {"wilson", "clopper-pearson", "bootstrap", "bca"}, default "wilson"
        Interval method. ``"wilson"`` and ``"clopper-pearson"`` are binomial
        intervals of rates (proportion metrics) on their own denominator, with
        Kish's effective sample size under weights, and MOVER intervals for
        their differences and ratios; other metrics (F1, balanced accuracy,
        treatment equality) then have no interval. ``"bootstrap"`` (percentile)
        and ``"bca"`` (bias-corrected and accelerated) give every metric,
        disparity, difference and ratio an interval from ``n_boot`` replicates
        of the count table (see :mod:`fairscope.core._bootstrap`).
    n_boot : int, default 1000
        Bootstrap replicates (bootstrap methods only). They cost O(n_boot x
        cells), not O(n_boot x rows).
    random_state : None, int or numpy.random.Generator
        Seed of the bootstrap; an int makes intervals reproducible.
    bootstrap : {"multinomial", "stratified"}, default "multinomial"
        ``"multinomial"`` resamples all rows (exactly the ordinary row
        bootstrap; group sizes vary as between samples); ``"stratified"``
        resamples within each group, holding group sizes fixed (use it when
        the group sizes were fixed by design).
    min_group_size : int, default 30
        Groups with fewer rows are too small for a verdict; the ``"best"``
        reference strategy only considers groups at least this large.
    max_groups : int, optional
        Most groups a sensitive feature or intersection may have (default
        5,000); more is refused with an error naming the column. Raise it
        to audit a feature with more groups.

    Attributes
    ----------
    by_group : pandas.DataFrame
    overall : pandas.Series
    counts : pandas.DataFrame
    statistics : GroupCounts
    reference_ : dict
        Reference group used by the last :meth:`disparity` call, per metric.

    See Also
    --------
    fairlearn.metrics.MetricFrame : the reference implementation of the views.

    Examples
    --------
    >>> from fairscope import GroupMetrics
    >>> gm = GroupMetrics(
    ...     y_true=[1, 0, 1, 0, 1, 0], y_pred=[1, 0, 0, 1, 1, 0],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"],
    ...     metrics=["selection_rate", "tpr"])
    >>> gm.by_group.round(3)
                       selection_rate  true_positive_rate
    sensitive_feature
    a                           0.333                 0.5
    b                           0.667                 1.0
    >>> float(gm.difference()["selection_rate"].round(3))
    0.333
    """

    def __init__(
        self,
        y_true: Any = None,
        y_pred: Any = None,
        sensitive_features: Any = None,
        *args: Any,
        metrics: str | Iterable[Any] | Any = None,
        sample_weight: Any = None,
        pos_label: Any = 1,
        data: Any = None,
        dropna: bool = False,
        ci: float = 0.95,
        ci_method: str = "wilson",
        n_boot: int = 1000,
        random_state: Any = None,
        bootstrap: str = "multinomial",
        min_group_size: int = 30,
        sample_params: dict[str, Any] | None = None,
        control_features: Any = None,
        max_groups: int | None = None,
    ) -> None:
        if args:
            metrics, sample_weight, pos_label, data = _positional(
                args, metrics, sample_weight, pos_label, data
            )
        if needs_rows(metrics, sample_params, control_features):
            return init_row_level(self, locals())
        self._metrics = resolve_metrics(metrics)
        if y_true is None or y_pred is None:
            raise ValueError("y_true and y_pred are required (arrays, or column names of data=).")
        if data is not None and not isinstance(data, pd.DataFrame):
            with group_limit(max_groups):  # polars, Arrow, DuckDB, Spark, files: the engine counts
                reduced = confusion_counts(
                    data,
                    y_true,
                    y_pred,
                    sensitive_features,
                    sample_weight=sample_weight,
                    pos_label=pos_label,
                    dropna=dropna,
                )
            self._init_from_counts(
                reduced.counts, ci=ci, ci_method=ci_method, min_group_size=min_group_size
            )
            self._init_inference(n_boot, random_state, bootstrap)
            self.pos_label = reduced.pos_label
            self.n_rows = reduced.n_rows
            self.dropped = dict(reduced.dropped)
            self.n_dropped = reduced.n_dropped
            self.missing_sensitive = dict(reduced.missing_sensitive)
            return
        with group_limit(max_groups):
            inputs = binary_inputs(
                y_true,
                y_pred,
                sensitive_features,
                sample_weight=sample_weight,
                pos_label=pos_label,
                data=data,
                dropna=dropna,
            )
        counts, missing = reduce_groups_confusion(
            inputs.y_true, inputs.y_pred, inputs.sensitive, inputs.sample_weight
        )
        self._init_from_counts(counts, ci=ci, ci_method=ci_method, min_group_size=min_group_size)
        self._init_inference(n_boot, random_state, bootstrap)
        self.pos_label = inputs.pos_label
        self.n_rows = inputs.n_input_rows
        self.dropped = dict(inputs.dropped)
        self.n_dropped = inputs.n_dropped
        self.missing_sensitive = missing

    @classmethod
    def from_counts(
        cls,
        counts: GroupCounts,
        metrics: str | Iterable[str] | None = None,
        *,
        ci: float = 0.95,
        ci_method: str = "wilson",
        n_boot: int = 1000,
        random_state: Any = None,
        bootstrap: str = "multinomial",
        min_group_size: int = 30,
        n_rows: int | None = None,
        dropped: dict[str, int] | None = None,
        missing_sensitive: dict[str, int] | None = None,
        pos_label: Any = 1,
    ) -> GroupMetrics:
        """Build from a sufficient-statistics table computed elsewhere (an engine, partitions).

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0, 1, 0], y_pred=[1, 1, 0, 0],
        ...                   sensitive_features=["a", "a", "b", "b"])
        >>> again = GroupMetrics.from_counts(gm.statistics)
        >>> again.by_group.equals(gm.by_group)
        True
        """
        self = cls.__new__(cls)
        self._metrics = resolve_metrics(metrics)
        self._init_from_counts(counts, ci=ci, ci_method=ci_method, min_group_size=min_group_size)
        self._init_inference(n_boot, random_state, bootstrap)
        self.n_rows = int(counts.rows.sum()) if n_rows is None else int(n_rows)
        self.dropped = dict(dropped or {})
        self.n_dropped = int(sum(self.dropped.values()))
        self.missing_sensitive = dict(missing_sensitive or {})
        self.pos_label = pos_label
        return self

    def _init_from_counts(
        self, counts: GroupCounts, *, ci: float, ci_method: str, min_group_size: int
    ) -> None:
        if not 0 < ci < 1:
            raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {ci!r}.")
        if ci_method not in self._ci_methods():
            raise ValueError(
                f"ci_method={ci_method!r} is unknown; choose one of {list(self._ci_methods())}."
            )
        if int(min_group_size) < 0:
            raise ValueError(f"min_group_size must be >= 0; got {min_group_size!r}.")
        self._counts = counts
        self.ci = float(ci)
        self.ci_method = ci_method
        self.min_group_size = int(min_group_size)
        self.reference_: dict[str, str] = {}
        values = (
            np.column_stack([m.compute(counts.weighted, counts.rows) for m in self._metrics])
            if counts.n_groups
            else np.empty((0, len(self._metrics)))
        )
        self._by_group = pd.DataFrame(
            values, index=counts.groups.copy(), columns=[m.name for m in self._metrics]
        )
        self._overall = pd.Series(
            [float(m.compute_overall(counts.weighted, counts.rows)) for m in self._metrics],
            index=[m.name for m in self._metrics],
            dtype=float,
        )

    @staticmethod
    def _ci_methods() -> tuple[str, ...]:
        return _CI_METHODS

    def _init_inference(self, n_boot: int, random_state: Any, bootstrap: str) -> None:
        check_bootstrap_args(n_boot, bootstrap)
        self.n_boot = int(n_boot)
        self.random_state = random_state
        self.bootstrap = bootstrap
        self._replicates: tuple | None = None

    # -- basic views ---------------------------------------------------------------------

    @property
    def metrics(self) -> list[str]:
        """Canonical names of the computed metrics."""
        return [m.name for m in self._metrics]

    @property
    def statistics(self) -> GroupCounts:
        """The sufficient-statistics table every value is computed from."""
        return self._counts

    @property
    def counts(self) -> pd.DataFrame:
        """Rows and weighted TN, FP, FN, TP per group, as a DataFrame."""
        return self._counts.to_frame()

    @property
    def by_group(self) -> pd.DataFrame:
        """One row per group (MultiIndex for intersections), one column per metric."""
        return self._by_group.copy()

    @property
    def overall(self) -> pd.Series:
        """Each metric over all rows."""
        return self._overall.copy()

    @property
    def group_sizes(self) -> pd.Series:
        """Rows per group (unweighted)."""
        return pd.Series(self._counts.group_rows, index=self._counts.groups.copy(), name="n")

    @property
    def undefined(self) -> pd.DataFrame:
        """Which metric is undefined (0/0, shown as NaN) for which group, and why.

        fairlearn reports 0.0 for such cases (e.g. the TPR of a group without
        positives), which inflates differences; fairscope gives NaN, leaves the
        group out of min/max/difference/ratio for that metric, and lists it here.
        """
        rows = []
        for metric in self._metrics:
            missing = self._by_group[metric.name].isna().to_numpy()
            for key in self._by_group.index[missing]:
                rows.append(
                    {
                        "group": group_label(key, self.sensitive_features),
                        "metric": metric.name,
                        "reason": f"undefined: {metric.undefined_when}",
                    }
                )
        return pd.DataFrame(rows, columns=["group", "metric", "reason"])

    def group_min(self) -> pd.Series:
        """Smallest value of each metric over the groups (NaN groups skipped)."""
        return self._by_group.min(axis=0)

    def group_max(self) -> pd.Series:
        """Largest value of each metric over the groups (NaN groups skipped)."""
        return self._by_group.max(axis=0)

    def difference(self, method: str = "between_groups") -> pd.Series:
        """Largest absolute difference per metric, as fairlearn's ``MetricFrame.difference``.

        Parameters
        ----------
        method : {"between_groups", "to_overall"}
            ``between_groups``: ``group_max() - group_min()``; ``to_overall``: the
            largest ``|group - overall|``.
        """
        self._check_method(method)
        if method == "between_groups":
            return self.group_max() - self.group_min()
        return (self._by_group - self._overall).abs().max(axis=0)

    def ratio(self, method: str = "between_groups") -> pd.Series:
        """Smallest ratio per metric, below 1, as fairlearn's ``MetricFrame.ratio``.

        Parameters
        ----------
        method : {"between_groups", "to_overall"}
            ``between_groups``: ``group_min() / group_max()``; ``to_overall``: the
            smallest of ``group / overall`` inverted where above 1.
        """
        self._check_method(method)
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "between_groups":
                return self.group_min() / self.group_max()
            ratios = self._by_group / self._overall
            ratios = ratios.where(~(ratios > 1), 1 / ratios)
            return ratios.min(axis=0)

    @staticmethod
    def _check_method(method: str) -> None:
        if method not in _METHODS:
            raise ValueError(f"method={method!r} is unknown; choose one of {list(_METHODS)}.")

    # -- disparities against a reference group -------------------------------------------

    @property
    def group_labels(self) -> list[str]:
        """Display label of each group, in table order."""
        return [group_label(k, self.sensitive_features) for k in self._counts.groups]

    def reference_groups(self, reference: Any = "largest") -> dict[str, Any]:
        """Resolve a reference (label or strategy) to a group key per metric.

        The rule is :func:`fairscope.compute._references.resolve_reference`, the
        one every audit uses: ``"largest"`` is the group with the largest weight
        (rows without weights), never the missing-value group unless it is the
        only one, the same for all metrics; ``"best"`` per metric the group with
        the most favourable value among groups of at least ``min_group_size``
        rows (the highest for neutral metrics such as the selection rate, as in
        the four-fifths rule); ``"overall"`` the overall value (returned as
        :data:`OVERALL`). A group is given by its label, a tuple of values in
        the order of :attr:`sensitive_features`, or a dict from feature-set
        label to either.

        Raises
        ------
        ValueError
            If the reference is not a group, naming the available groups.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics([1, 0, 1, 0, 1], [1, 0, 0, 1, 1], ["a", "a", "b", "b", "b"])
        >>> gm.reference_groups("largest")["selection_rate"]
        'b'
        """
        label = feature_set_label(self.sensitive_features)
        labels = self.group_labels
        check_reference(reference, {label: labels})
        groups = self._counts.groups
        sizes = self._counts.weighted.sum(axis=1)
        chosen = {}
        for metric in self._metrics:
            picked = resolve_reference(
                reference,
                feature_set=label,
                labels=labels,
                sizes=sizes,
                values=self._by_group[metric.name].to_numpy(),
                direction=metric.direction,
                rows=self._counts.group_rows,
                min_group_size=self.min_group_size,
            )
            chosen[metric.name] = OVERALL if picked == OVERALL else groups[labels.index(picked)]
        return chosen

    def _reference_values(self, refs: dict[str, Any]) -> pd.Series:
        return pd.Series(
            {
                name: self._overall[name] if key == OVERALL else self._by_group.loc[key, name]
                for name, key in refs.items()
            },
            dtype=float,
        )

    def disparity(
        self, kind: Literal["ratio", "difference"] = "ratio", reference: Any = "largest"
    ) -> pd.DataFrame:
        """Each group's metric relative to a reference group.

        Parameters
        ----------
        kind : {"ratio", "difference"}, default "ratio"
            ``group / reference`` or ``group - reference``.
        reference : group label, tuple, or {"largest", "best", "overall"}
            The reference group, or a strategy to choose it (see
            :meth:`reference_groups`). The one used is stored in
            :attr:`reference_`.

        Returns
        -------
        pandas.DataFrame
            Same shape as :attr:`by_group`.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0, 1, 0, 1, 0], y_pred=[1, 1, 1, 0, 0, 0],
        ...                   sensitive_features=["a", "a", "a", "b", "b", "b"],
        ...                   metrics="selection_rate")
        >>> gm.disparity("ratio", reference="a")["selection_rate"].tolist()
        [1.0, 0.0]
        >>> gm.reference_
        {'selection_rate': 'a'}
        """
        if kind not in ("ratio", "difference"):
            raise ValueError(f"kind={kind!r} is unknown; choose 'ratio' or 'difference'.")
        refs = self.reference_groups(reference)
        ref_values = self._reference_values(refs)
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "difference":
                out = self._by_group - ref_values
            else:
                out = self._by_group / ref_values
        self.reference_ = {
            name: key if key == OVERALL else group_label(key, self.sensitive_features)
            for name, key in refs.items()
        }
        return out

    def tests(self, reference: Any = "largest", correction: str | None = "holm") -> pd.DataFrame:
        """Tests that each group's rate differs from the reference's, and omnibus tests.

        See :func:`fairscope.compute._significance.group_tests` for the tests, the
        correction for multiple comparisons and the columns.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0] * 50, y_pred=[1, 1] * 25 + [0, 0] * 25,
        ...                   sensitive_features=["a"] * 50 + ["b"] * 50,
        ...                   metrics="selection_rate")
        >>> t = gm.tests(reference="a")
        >>> t[["sensitive_feature", "test", "p_value"]].to_string(index=False)
        'sensitive_feature        test      p_value\\n                b      z-test 1.523971e-23\\n     <all groups> chi-square 1.523971e-23'
        """
        return group_tests(self, reference=reference, correction=correction)

    # -- other views ---------------------------------------------------------------------

    def for_feature(self, feature: str | list[str]) -> GroupMetrics:
        """The same audit for one sensitive feature (or a subset) on its own.

        Counts of the intersections are summed, so no pass over the rows is
        needed.

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0, 1, 0], y_pred=[1, 1, 0, 0],
        ...                   sensitive_features={"sex": ["F", "F", "M", "M"],
        ...                                       "race": ["x", "y", "x", "y"]})
        >>> gm.for_feature("sex").by_group.index.tolist()
        ['F', 'M']
        """
        other = GroupMetrics.from_counts(
            self._counts.marginal(feature),
            self.metrics,
            ci=self.ci,
            ci_method=self.ci_method,
            n_boot=self.n_boot,
            random_state=self.random_state,
            bootstrap=self.bootstrap,
            min_group_size=self.min_group_size,
            n_rows=self.n_rows,
            dropped=self.dropped,
            missing_sensitive={
                k: v for k, v in self.missing_sensitive.items() if k in np.atleast_1d(feature)
            },
            pos_label=self.pos_label,
        )
        other.n_dropped = self.n_dropped
        return other

    def plot(
        self,
        metric: str | None = None,
        ax: Any = None,
        *,
        kind: Literal["value", "disparity"] = "value",
        comparison: Literal["ratio", "difference"] = "ratio",
        reference: Any = "largest",
    ) -> Any:
        """Bars of one metric per group with interval whiskers (a matplotlib figure).

        Parameters
        ----------
        metric : str, optional
            Metric name or alias; default the first computed metric besides ``count``.
        ax : matplotlib Axes, optional
            Draw there instead of on a new figure.
        kind : {"value", "disparity"}, default "value"
            The metric (the reference's value as a line), or the disparities with intervals.
        comparison : {"ratio", "difference"}, default "ratio"
        reference : group label or {"largest", "best", "overall"}, default "largest"

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from fairscope import GroupMetrics
        >>> gm = GroupMetrics(y_true=[1, 0, 1, 0], y_pred=[1, 1, 0, 0],
        ...                   sensitive_features=["a", "a", "b", "b"])
        >>> gm.plot("selection_rate").axes[0].get_xlabel()
        'Selection rate'
        """
        return plot_group_metrics(
            self, metric, ax, kind=kind, comparison=comparison, reference=reference
        )

    def __repr__(self) -> str:
        return (
            f"GroupMetrics({self._counts.n_groups} groups over {list(self.sensitive_features)}, "
            f"{self.n_rows} rows, metrics={self.metrics})\n{self._by_group.to_string()}"
        )

    def _repr_html_(self) -> str:
        table = self._by_group.copy()
        table.insert(0, "n", self._counts.group_rows)
        body = table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="undefined", escape=True)
        features = ", ".join(escape(f) for f in self.sensitive_features)
        notes = f"{self.n_rows:,} rows; {self._counts.n_groups} groups over {features}" + (
            f"; {self.n_dropped:,} rows dropped (dropna=True)" if self.n_dropped else ""
        )
        overall = self._overall.to_frame("overall").T.to_html(
            float_format=lambda v: f"{v:.3f}", na_rep="undefined", escape=True
        )
        return (
            '<div class="fairscope-groupmetrics">'
            f"<p><strong>fairscope GroupMetrics</strong>: {notes}</p>{body}{overall}</div>"
        )
