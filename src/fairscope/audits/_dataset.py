"""Dataset audits: bias that enters through the data before any model is trained.

:func:`audit_dataset` audits a training set per sensitive feature, and per
intersection when there are several, and returns an
:class:`~fairscope.result._audit_result.AuditResult` (``kind="dataset"``) with these tables,
tidy with ``feature`` (the sensitive feature set, ``"race"`` or
``"race & sex"``) and ``group`` columns:

``representation``
    Rows and share of every group and intersection (Wilson interval on the
    share), with status ``"small"`` below ``min_group_size`` and ``"empty"``
    for combinations of values that never occur; with ``reference_population``,
    the representation ratio (share in the data / share in the population).
``representation_tests``
    Chi-square goodness of fit of the observed group counts to the reference
    population (only with ``reference_population``).
``base_rates``
    With a ``target``: the base rate (binary; per class for multiclass) or the
    mean (continuous) per group with its interval, its difference and ratio to
    the reference group with intervals, and a test against the reference.
``missingness``
    For every column (and the target), the missing rate per group, its ratio
    and difference to the reference group, a test, and a ``flagged`` column.
``proxies`` and ``proxy_model``
    How well each column reveals each sensitive feature (see :mod:`fairscope.audits._proxies`).
``feature_shift``
    Standardized mean difference (numeric columns) or total variation distance
    (categorical columns) of each group against the reference group.
``reweighing``
    With ``reweigh=True`` and a discrete target: base rates before and after
    Kamiran-Calders reweighing (see :func:`fairscope.reweighing_weights`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd

from fairscope.audits._predictions import feature_set_label
from fairscope.audits._proxies import DEFAULT_PROXY_SAMPLE, proxy_tables
from fairscope.compute._group_comparisons import compare_means, compare_proportions, holm
from fairscope.compute._group_metrics import OVERALL, group_label
from fairscope.compute._reweighing import cell_weights
from fairscope.core._feature_columns import EncodedColumn, encode_column
from fairscope.core._groups import MISSING, encode_groups
from fairscope.core._inputs import check_aligned, column, sensitive_frame
from fairscope.core._intervals import wilson_interval
from fairscope.result._audit_result import AuditResult
from fairscope.result._provenance import reproducibility as provenance

#: Missingness disparities are flagged when significant (Holm-adjusted p below
#: ALPHA), at least MIN_MISSING_DIFFERENCE apart, and either a ratio of at least
#: MISSING_RATIO (or at most its inverse) or a difference of at least LARGE_MISSING_DIFFERENCE.
ALPHA = 0.05
MIN_MISSING_DIFFERENCE = 0.01
MISSING_RATIO = 2.0
LARGE_MISSING_DIFFERENCE = 0.05
#: Feature shift is flagged from |SMD| >= 0.1 (Austin 2009) or TVD >= 0.1.
SMD_THRESHOLD = 0.1
TVD_THRESHOLD = 0.1
#: Unobserved intersections are listed one by one up to this many combinations.
MAX_LISTED_COMBINATIONS = 10_000
#: A numeric target with more distinct values than this is continuous.
MAX_CLASSES_NUMERIC = 10
#: Reference population shares must sum to 1 within this tolerance.
SHARE_TOLERANCE = 0.01


@dataclass(eq=False)
class _FeatureSet:
    """One sensitive feature, or the intersection of all of them, encoded."""

    label: str
    features: tuple[str, ...]
    codes: np.ndarray
    index: pd.Index
    labels: list[str]
    sizes: np.ndarray
    ref: int

    @property
    def reference_label(self) -> str:
        return self.labels[self.ref]


def _feature_sets(sens: pd.DataFrame) -> list[tuple[str, tuple[str, ...], Any]]:
    names = list(sens.columns)
    sets = [(n, (n,), encode_groups(sens[[n]])) for n in names] if len(names) > 1 else []
    with catch_warnings():
        if sets:
            # each feature was encoded (and any continuous one warned about) just above
            simplefilter("ignore", UserWarning)
        sets.append((feature_set_label(names), tuple(names), encode_groups(sens)))
    return sets


def _resolve_reference(
    reference: Any, label: str, labels: list[str], sizes: np.ndarray, explicit: bool
) -> int:
    """Index of the reference group: ``"largest"`` (largest non-missing group) or a label."""
    choice = reference.get(label, "largest") if isinstance(reference, Mapping) else reference
    if choice == "largest":
        candidates = [i for i, lab in enumerate(labels) if MISSING not in lab] or list(
            range(len(labels))
        )
        return max(candidates, key=lambda i: (sizes[i], -i))
    if str(choice) in labels:
        return labels.index(str(choice))
    if isinstance(reference, Mapping) or explicit:
        raise ValueError(
            f"reference={choice!r} is not a group of {label!r}; groups are {labels}. "
            "Pass one of them, or 'largest'."
        )
    return _resolve_reference("largest", label, labels, sizes, explicit)


def _check_reference(reference: Any, sets: list[_FeatureSet]) -> None:
    if isinstance(reference, Mapping):
        unknown = [k for k in reference if k not in {s.label for s in sets}]
        if unknown:
            raise ValueError(
                f"reference names {unknown[0]!r}, which is not a sensitive feature set; "
                f"choose from {[s.label for s in sets]}."
            )
        return
    if reference == "largest":
        return
    if not isinstance(reference, str):
        raise ValueError(
            f"reference must be 'largest', a group label or a dict; got {reference!r}."
        )
    if not any(reference in s.labels for s in sets):
        raise ValueError(
            f"reference={reference!r} is not a group of any sensitive feature; pass 'largest', "
            "a group label or a dict from feature to group."
        )


# -- representation ----------------------------------------------------------------------


def _empty_combinations(fs: _FeatureSet, singles: dict[str, _FeatureSet]) -> tuple[list[str], int]:
    """Labels of the value combinations that never occur (listed up to a cap) and their count."""
    levels = [singles[f].labels for f in fs.features]
    total = int(np.prod([len(lv) for lv in levels]))
    n_empty = total - len(fs.labels)
    if n_empty == 0 or total > MAX_LISTED_COMBINATIONS:
        return [], n_empty
    observed = set(fs.labels)
    empty = []
    for key in itertools.product(*levels):
        lab = group_label(key, fs.features)
        if lab not in observed:
            empty.append(lab)
    return empty, n_empty


def _validate_population(
    reference_population: Mapping[str, Mapping[Any, float]], sets: dict[str, _FeatureSet]
) -> dict[str, dict[str, float]]:
    out = {}
    for key, shares in reference_population.items():
        if key not in sets:
            raise ValueError(
                f"reference_population names {key!r}, which is not a sensitive feature "
                f"(set); choose from {list(sets)}."
            )
        clean = {str(g): float(v) for g, v in shares.items()}
        bad = {g: v for g, v in clean.items() if not (np.isfinite(v) and v >= 0)}
        if bad:
            raise ValueError(
                f"reference_population[{key!r}] has invalid shares {bad}; shares are "
                "fractions between 0 and 1."
            )
        total = sum(clean.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(
                f"reference_population[{key!r}] shares sum to {total:.4f}, not 1; give "
                "the share of every group in the population (fractions summing to 1)."
            )
        observed = [g for g in sets[key].labels if MISSING not in g]
        absent = [g for g in observed if g not in clean]
        if absent:
            raise ValueError(
                f"reference_population[{key!r}] has no share for the group(s) {absent} "
                f"found in the data; add them (a share of 0 is allowed)."
            )
        out[key] = {g: v / total for g, v in clean.items()}
    return out


def _representation(
    sets: list[_FeatureSet],
    population: dict[str, dict[str, float]],
    n_rows: int,
    min_group_size: int,
    ci: float,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    from scipy import stats

    singles = {s.label: s for s in sets if len(s.features) == 1}
    frames, tests, n_empty_by_set = [], [], {}
    for fs in sets:
        labels = list(fs.labels)
        sizes = fs.sizes.astype(float)
        status = np.where(sizes < min_group_size, "small", "ok").astype(object)
        if len(fs.features) > 1:
            empty, n_empty = _empty_combinations(fs, singles)
            n_empty_by_set[fs.label] = n_empty
            labels += empty
            sizes = np.concatenate([sizes, np.zeros(len(empty))])
            status = np.concatenate([status, np.full(len(empty), "empty", dtype=object)])
        lower, upper = wilson_interval(sizes, np.full(len(sizes), float(n_rows)), ci)
        frame = pd.DataFrame(
            {
                "feature": fs.label,
                "group": labels,
                "n": sizes.astype(np.int64),
                "share": sizes / n_rows,
                "lower": lower,
                "upper": upper,
                "status": status,
            }
        )
        if fs.label in population:
            shares = population[fs.label]
            missing_groups = [g for g in shares if g not in labels]
            frame = pd.concat(
                [
                    frame,
                    pd.DataFrame(
                        {
                            "feature": fs.label,
                            "group": missing_groups,
                            "n": 0,
                            "share": 0.0,
                            "lower": 0.0,
                            "upper": np.nan,
                            "status": "empty",
                        }
                    ),
                ],
                ignore_index=True,
            )
            ref_share = frame["group"].map(shares).to_numpy(dtype=float)
            # the population has no "<missing>" group: compare the rows with a known value
            known = ~frame["group"].str.contains(MISSING, regex=False).to_numpy()
            n_known = float(frame.loc[known, "n"].sum())
            with np.errstate(divide="ignore", invalid="ignore"):
                known_share = np.where(known, frame["n"] / n_known, np.nan)
                k_lo, k_hi = wilson_interval(
                    frame["n"].to_numpy(float), np.full(len(frame), n_known), ci
                )
                frame["reference_share"] = ref_share
                frame["representation_ratio"] = known_share / ref_share
                frame["ratio_lower"] = np.where(known, k_lo / ref_share, np.nan)
                frame["ratio_upper"] = np.where(known, k_hi / ref_share, np.nan)
            observed = frame.loc[known, "n"].to_numpy(float)
            expected = ref_share[known] * n_known
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(expected > 0, (observed - expected) ** 2 / expected, 0.0)
            # a group observed although its population share is 0 contradicts the population
            impossible = bool(((expected == 0) & (observed > 0)).any())
            statistic = np.inf if impossible else float(terms.sum())
            df = int((expected > 0).sum()) - 1
            tests.append(
                {
                    "feature": fs.label,
                    "statistic": statistic,
                    "df": df,
                    "p_value": float(stats.chi2.sf(statistic, df)) if df > 0 else np.nan,
                    "n": int(n_known),
                    "groups_absent_from_data": ", ".join(missing_groups),
                    "test": "chi-square goodness of fit",
                }
            )
        frames.append(frame)
    test_frame = pd.DataFrame(
        tests,
        columns=["feature", "statistic", "df", "p_value", "n", "groups_absent_from_data", "test"],
    )
    return pd.concat(frames, ignore_index=True), test_frame, n_empty_by_set


# -- label bias ----------------------------------------------------------------------------


@dataclass(eq=False)
class _Target:
    name: str
    kind: str  # "binary", "multiclass" or "continuous"
    known: np.ndarray  # rows with a target value
    classes: list[Any]  # class labels (binary: the positive class only)
    codes: np.ndarray | None  # class code per row (-1 missing); discrete targets
    values: np.ndarray | None  # float values; continuous targets
    positive: np.ndarray | None  # binary: row is the positive class
    pos_label: Any = None
    constant: bool = False


def _target(series: pd.Series, name: str, target_type: str | None, pos_label: Any) -> _Target:
    known = ~series.isna().to_numpy()
    if not known.any():
        raise ValueError(
            f"target column {name!r} is entirely missing; pass a column with labels or "
            "target=None to audit without labels."
        )
    observed = series[known]
    uniques = pd.unique(observed)
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )
    if target_type is None:
        if len(uniques) <= 2 and (
            pos_label is not None
            or pd.api.types.is_bool_dtype(series.dtype)
            or set(uniques.tolist()) <= {0, 1}
            or len(uniques) == 2
        ):
            target_type = "binary"
        elif numeric and (
            len(uniques) > MAX_CLASSES_NUMERIC or not np.all(np.mod(uniques.astype(float), 1) == 0)
        ):
            target_type = "continuous"
        else:
            target_type = "multiclass"
    if target_type not in ("binary", "multiclass", "continuous"):
        raise ValueError(
            f"target_type={target_type!r} is not one of 'binary', 'multiclass', 'continuous'."
        )
    constant = len(uniques) == 1
    if target_type == "continuous":
        if not numeric:
            raise ValueError(
                f"target_type='continuous' needs a numeric target; {name!r} has dtype "
                f"{series.dtype}."
            )
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return _Target(name, "continuous", known, [], None, values, None, constant=constant)
    codes, classes = pd.factorize(series, sort=True, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    classes = list(classes)
    if target_type == "binary":
        if len(classes) > 2:
            raise ValueError(
                f"target_type='binary' but target {name!r} has {len(classes)} classes "
                f"{[str(c) for c in classes[:6]]}; binarize it or use 'multiclass'."
            )
        if pos_label is None:
            if set(classes) <= {0, 1} or set(classes) <= {False, True}:
                pos_label = True if pd.api.types.is_bool_dtype(series.dtype) else 1
            else:
                raise ValueError(
                    f"target {name!r} has labels {sorted(map(str, classes))}; pass pos_label= "
                    f"naming the positive class, e.g. pos_label={classes[-1]!r}."
                )
        elif pos_label not in classes and not (constant and set(classes) <= {0, 1}):
            raise ValueError(
                f"pos_label={pos_label!r} is not a label of target {name!r}; labels are "
                f"{sorted(map(str, classes))}."
            )
        positive = known & (series.to_numpy() == pos_label)
        return _Target(
            name, "binary", known, [pos_label], codes, None, positive, pos_label, constant
        )
    return _Target(name, "multiclass", known, classes, codes, None, None, constant=constant)


def _comparison_frame(
    fs: _FeatureSet, n: np.ndarray, compared: dict[str, np.ndarray], min_group_size: int
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"feature": fs.label, "group": fs.labels, "n": n.astype(np.int64), **compared}
    )
    is_ref = np.arange(len(fs.labels)) == fs.ref
    for col in ("difference_lower", "difference_upper", "ratio_lower", "ratio_upper"):
        frame.loc[is_ref, col] = np.nan
    frame.insert(frame.columns.get_loc("difference"), "reference", fs.reference_label)
    frame.insert(frame.columns.get_loc("difference"), "is_reference", is_ref)
    frame["small"] = n < min_group_size
    return frame


def _overall_row(fs_label: str, n: float, value: float, lower: float, upper: float) -> dict:
    return {
        "feature": fs_label,
        "group": OVERALL,
        "n": int(n),
        "value": value,
        "lower": lower,
        "upper": upper,
        "is_reference": False,
        "small": False,
    }


def _base_rates(
    sets: list[_FeatureSet], target: _Target, min_group_size: int, ci: float
) -> pd.DataFrame:
    frames = []
    known = target.known
    for fs in sets:
        g = len(fs.labels)
        n = np.bincount(fs.codes[known], minlength=g).astype(float)
        if target.kind == "continuous":
            y = target.values[known]
            codes = fs.codes[known]
            sums = np.bincount(codes, weights=y, minlength=g)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = sums / n
                centred = (y - mean[codes]) ** 2
                var = np.bincount(codes, weights=centred, minlength=g) / (n - 1)
            compared = compare_means(n, mean, var, fs.ref, ci, min_group_size)
            frame = _comparison_frame(fs, n, compared, min_group_size)
            frame.insert(2, "statistic", "mean")
            from scipy import stats

            overall_mean = float(y.mean())
            half = (
                float(stats.t.ppf(0.5 + ci / 2, len(y) - 1) * y.std(ddof=1) / np.sqrt(len(y)))
                if len(y) > 1
                else np.nan
            )
            overall = _overall_row(
                fs.label, len(y), overall_mean, overall_mean - half, overall_mean + half
            )
            overall["statistic"] = "mean"
            frames.append(frame)
            frames.append(pd.DataFrame([overall]))
            continue
        classes = target.classes
        for k, cls in enumerate(classes):
            hits = target.positive if target.kind == "binary" else target.codes == k
            x = np.bincount(fs.codes[hits], minlength=g).astype(float)
            compared = compare_proportions(x, n, fs.ref, ci, min_group_size)
            frame = _comparison_frame(fs, n, compared, min_group_size)
            frame.insert(2, "class", str(cls))
            frame.insert(3, "statistic", "base_rate")
            frame.insert(5, "count", x.astype(np.int64))
            lo, hi = wilson_interval(x.sum(), n.sum(), ci)
            overall = _overall_row(fs.label, n.sum(), x.sum() / n.sum(), float(lo), float(hi))
            overall.update({"class": str(cls), "statistic": "base_rate", "count": int(x.sum())})
            frames.append(frame)
            frames.append(pd.DataFrame([overall]))
    out = pd.concat(frames, ignore_index=True)
    out["p_value_adjusted"] = holm(out["p_value"].to_numpy(dtype=float))
    out["method"] = "wilson / mover" if target.kind != "continuous" else "t / welch"
    return out


# -- per-column sufficient statistics ------------------------------------------------------


@dataclass(eq=False)
class _ColumnStats:
    """One column reduced to counts per intersection group, in one pass per statistic.

    ``table`` counts the column's codes (categories or quantile bins, missing
    last) by group; ``sums`` and ``squares`` hold the sums of the centred
    values and of their squares (numeric columns). Per-feature statistics are
    sums over intersections (:meth:`for_set`), so rows are read once.
    """

    column: EncodedColumn
    table: np.ndarray  # (n_codes + 1, n_groups)
    sums: np.ndarray | None
    squares: np.ndarray | None
    centre: float

    @classmethod
    def reduce(cls, col: EncodedColumn, codes: np.ndarray, n_groups: int) -> _ColumnStats:
        k = col.n_codes + 1
        x = np.where(col.codes < 0, col.n_codes, col.codes)
        table = np.bincount(x * n_groups + codes, minlength=k * n_groups).reshape(k, n_groups)
        sums = squares = None
        centre = 0.0
        if col.kind == "numeric" and not col.all_missing:
            observed = ~col.missing
            values = col.values[observed]
            # centring first keeps the one-pass variance exact to rounding
            centre = float(values[: min(len(values), 100_000)].mean())
            values = values - centre
            g = codes[observed]
            sums = np.bincount(g, weights=values, minlength=n_groups)
            squares = np.bincount(g, weights=values * values, minlength=n_groups)
        return cls(col, table, sums, squares, centre)

    def for_set(self, parent: np.ndarray, n_groups: int) -> _ColumnStats:
        """The same statistics for coarser groups (``parent``: set group of each intersection)."""
        return _ColumnStats(
            self.column,
            _aggregate(self.table, parent, n_groups),
            None if self.sums is None else _aggregate(self.sums, parent, n_groups),
            None if self.squares is None else _aggregate(self.squares, parent, n_groups),
            self.centre,
        )

    @property
    def missing(self) -> np.ndarray:
        return self.table[-1]

    @property
    def observed(self) -> np.ndarray:
        return self.table[:-1].sum(axis=0)


def _parent(fs: _FeatureSet, intersection: _FeatureSet) -> np.ndarray:
    """The group of ``fs`` that each intersection group belongs to."""
    if fs is intersection:
        return np.arange(len(fs.labels))
    position = intersection.features.index(fs.features[0])
    lookup = {label: i for i, label in enumerate(fs.index)}
    return np.array([lookup[key[position]] for key in intersection.index], dtype=np.int64)


def _aggregate(values: np.ndarray, parent: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the last axis (intersection groups) into ``n_groups`` coarser groups."""
    if len(parent) == n_groups and (parent == np.arange(n_groups)).all():
        return values
    rows = values.reshape(-1, values.shape[-1])
    index = parent[None, :] + n_groups * np.arange(len(rows))[:, None]
    out = np.bincount(index.ravel(), weights=rows.ravel(), minlength=len(rows) * n_groups)
    return out.reshape(*values.shape[:-1], n_groups)


# -- missingness ---------------------------------------------------------------------------


def _missingness(
    sets: list[_FeatureSet],
    missing_counts: dict[str, np.ndarray],
    roles: dict[str, str],
    min_group_size: int,
    ci: float,
) -> pd.DataFrame:
    """Missing rates per group: ``missing_counts[fs.label]`` is (columns x groups)."""
    names = list(roles)
    frames = []
    for fs in sets:
        g = len(fs.labels)
        x = missing_counts[fs.label]
        n = np.broadcast_to(fs.sizes.astype(float), x.shape)
        compared = compare_proportions(x, n, fs.ref, ci, min_group_size)
        # one overall column per data column, after the groups
        lo, hi = wilson_interval(x.sum(axis=1), n.sum(axis=1), ci)
        overall = {
            "value": x.sum(axis=1) / n.sum(axis=1),
            "lower": lo,
            "upper": hi,
        }
        block = {}
        for key, arr in compared.items():
            extra = overall.get(key, np.full(len(names), None if key == "test" else np.nan))
            block[key] = np.concatenate([arr, np.asarray(extra)[:, None]], axis=1).ravel()
        p = len(names)
        labels = np.array([*fs.labels, OVERALL], dtype=object)
        is_ref = np.tile(np.r_[np.arange(g) == fs.ref, False], p)
        sizes = np.tile(np.r_[fs.sizes, fs.sizes.sum()], p)
        frame = pd.DataFrame(
            {
                "feature": fs.label,
                "group": np.tile(labels, p),
                "column": np.repeat(np.array(names, dtype=object), g + 1),
                "role": np.repeat(np.array([roles[c] for c in names], dtype=object), g + 1),
                "n": sizes.astype(np.int64),
                "n_missing": np.concatenate([x, x.sum(axis=1)[:, None]], axis=1)
                .ravel()
                .astype(np.int64),
                "missing_rate": block.pop("value"),
                "lower": block.pop("lower"),
                "upper": block.pop("upper"),
                "reference": np.where(
                    is_ref | (np.tile(labels, p) != OVERALL), fs.reference_label, None
                ),
                "is_reference": is_ref,
                **block,
                "small": (sizes < min_group_size) & (np.tile(labels, p) != OVERALL),
            }
        )
        for col in ("difference", "ratio"):
            frame.loc[is_ref, col] = 0.0 if col == "difference" else 1.0
        for col in ("difference_lower", "difference_upper", "ratio_lower", "ratio_upper"):
            frame.loc[is_ref, col] = np.nan
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["p_value_adjusted"] = holm(out["p_value"].to_numpy(dtype=float))
    diff = out["difference"].abs()
    ratio = out["ratio"]
    out["flagged"] = (
        (out["p_value_adjusted"] < ALPHA)
        & (diff >= MIN_MISSING_DIFFERENCE)
        & (
            (ratio >= MISSING_RATIO)
            | (ratio <= 1 / MISSING_RATIO)
            | (diff >= LARGE_MISSING_DIFFERENCE)
        )
    ).fillna(False)
    return out


# -- feature shift -------------------------------------------------------------------------


def _feature_shift(sets: list[_FeatureSet], stats_by_set: dict[str, list[_ColumnStats]]):
    frames = []
    for fs in sets:
        g = len(fs.labels)
        ref = fs.ref
        for cs in stats_by_set[fs.label]:
            col = cs.column
            n = cs.observed.astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                if col.kind == "numeric":
                    mean_c = cs.sums / n
                    var = (cs.squares - n * mean_c * mean_c) / (n - 1)
                    var = np.maximum(var, 0.0)
                    pooled = np.sqrt((var + var[ref]) / 2)
                    diff = mean_c - mean_c[ref]
                    value = np.where(
                        pooled > 0, diff / pooled, np.where(diff == 0, 0.0, np.inf * np.sign(diff))
                    )
                    group_value = mean_c + cs.centre
                    ref_value = np.full(g, group_value[ref])
                    measure, flagged = "smd", np.abs(value) >= SMD_THRESHOLD
                else:
                    dist = cs.table[:-1].T / n[:, None]
                    value = 0.5 * np.abs(dist - dist[ref]).sum(axis=1)
                    group_value = ref_value = np.full(g, np.nan)
                    measure, flagged = "tvd", value >= TVD_THRESHOLD
            value = np.where(n > 0, value, np.nan)
            if n[ref] == 0:
                value = np.full(g, np.nan)
            frames.append(
                {
                    "feature": np.full(g, fs.label, dtype=object),
                    "group": np.array(fs.labels, dtype=object),
                    "column": np.full(g, col.name, dtype=object),
                    "kind": np.full(g, col.kind, dtype=object),
                    "measure": np.full(g, measure, dtype=object),
                    "value": value,
                    "n": n.astype(np.int64),
                    "n_reference": np.full(g, int(n[ref])),
                    "group_mean": group_value,
                    "reference_mean": ref_value,
                    "reference": np.full(g, fs.reference_label, dtype=object),
                    "is_reference": np.arange(g) == ref,
                    "flagged": np.asarray(flagged) & ~np.isnan(value),
                }
            )
    columns_out = [
        "feature", "group", "column", "kind", "measure", "value", "n", "n_reference",
        "group_mean", "reference_mean", "reference", "is_reference", "flagged",
    ]  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=columns_out)
    return pd.DataFrame({c: np.concatenate([f[c] for f in frames]) for c in columns_out})


# -- reweighing ----------------------------------------------------------------------------


def _reweighing(
    sets: list[_FeatureSet], target: _Target, intersection: _FeatureSet
) -> tuple[pd.DataFrame, dict[str, Any]]:
    if target.kind == "binary":
        label_codes = np.where(target.known, target.positive.astype(np.int64), -1)
        classes = [f"not {target.pos_label}", str(target.pos_label)]
    else:
        label_codes, classes = target.codes, [str(c) for c in target.classes]
    weights, counts = cell_weights(
        intersection.codes, label_codes, len(intersection.labels), len(classes)
    )
    known = label_codes >= 0
    w = np.zeros(len(label_codes))
    w[known] = weights[intersection.codes[known], label_codes[known]]
    shown = [1] if target.kind == "binary" else range(len(classes))
    frames = []
    for fs in sets:
        g = len(fs.labels)
        n = np.bincount(fs.codes[known], minlength=g).astype(float)
        total_w = np.bincount(fs.codes, weights=w, minlength=g)
        for k in shown:
            hit = known & (label_codes == k)
            x = np.bincount(fs.codes[hit], minlength=g)
            xw = np.bincount(fs.codes[hit], weights=w[hit], minlength=g)
            with np.errstate(divide="ignore", invalid="ignore"):
                frames.append(
                    pd.DataFrame(
                        {
                            "feature": fs.label,
                            "group": fs.labels,
                            "class": classes[k],
                            "n": n.astype(np.int64),
                            "base_rate": x / n,
                            "weighted_base_rate": xw / total_w,
                            "overall_base_rate": hit.sum() / known.sum(),
                            "sum_of_weights": total_w,
                        }
                    )
                )
    empty = [
        f"{intersection.labels[i]} / {classes[k]}"
        for i, k in zip(*np.nonzero(counts == 0), strict=True)
        if counts[i].sum() > 0
    ]
    info = {
        "groups": intersection.label,
        "min_weight": float(np.nanmin(weights)) if np.isfinite(weights).any() else None,
        "max_weight": float(np.nanmax(weights)) if np.isfinite(weights).any() else None,
        "empty_cells": empty,
    }
    return pd.concat(frames, ignore_index=True), info


# -- entry point ---------------------------------------------------------------------------


def _resolve_features(
    data: pd.DataFrame, features: Any, excluded: set[str], target: str | None
) -> list[str]:
    if features is None:
        # the original labels, so that non-string column names still index the data
        return [c for c in data.columns if str(c) not in excluded]
    names = [features] if isinstance(features, str) else list(features)
    for name in names:
        if name not in data.columns:
            raise ValueError(
                f"features names {name!r}, which is not a column of data; columns are "
                f"{list(data.columns)}."
            )
        if target is not None and name == target:
            raise ValueError(
                f"features includes the target {name!r}; the target is audited as a label, "
                "never as a feature or proxy. Remove it from features."
            )
        if name in excluded:
            raise ValueError(
                f"features includes the sensitive feature {name!r}; sensitive features are "
                "audited as groups. Remove it from features."
            )
    return names


def audit_dataset(
    data: pd.DataFrame,
    *,
    target: str | None = None,
    sensitive_features: Any,
    features: Iterable[str] | None = None,
    reference_population: Mapping[str, Mapping[Any, float]] | None = None,
    policy: Any = None,
    reference: Any = "largest",
    pos_label: Any = None,
    target_type: str | None = None,
    ci: float = 0.95,
    min_group_size: int = 30,
    proxies: bool = True,
    proxy_sample: int = DEFAULT_PROXY_SAMPLE,
    proxy_cv: int = 3,
    reweigh: bool = False,
    random_state: int | None = 0,
    fail_on: Iterable[str] = ("fail",),
) -> AuditResult:
    """Audit a dataset for representation, label bias, missingness, proxies and feature shift.

    Parameters
    ----------
    data : pandas.DataFrame or engine data
        The dataset, one row per individual. polars, Arrow, DuckDB, Spark data
        or Parquet/CSV paths are accepted too (then ``target``,
        ``sensitive_features`` and ``features`` are column names): only those
        columns are collected into pandas (every column without ``features``),
        recorded in ``metadata["engine"]`` (see :mod:`fairscope.engines`).
    target : str, optional
        Column of the label: binary, multiclass or continuous (see ``target_type``).
        The target is audited for label bias and is never a feature or a proxy.
    sensitive_features : str, list of str, or array-like / DataFrame / dict
        Sensitive feature column(s) of ``data`` (or values aligned with it).
        Each is audited on its own and, with several, their intersection too.
        Missing values form the group ``"<missing>"``.
    features : list of str, optional
        Columns audited for missingness, proxies and shift; default every
        column other than the sensitive features and the target.
    reference_population : dict, optional
        Population shares per group, per sensitive feature (set), e.g.
        ``{"sex": {"Male": 0.49, "Female": 0.51}}``; must sum to 1 (within
        0.01) and name every group in the data. Adds the representation ratio
        and a chi-square goodness-of-fit test (rows with a missing value are
        left out of the comparison).
    policy : str, dict or Policy, optional
        Policy judged by :func:`fairscope.judge._policy.apply_policy`. For a binary
        target, ``result.statistics`` holds label-only counts (the label
        stands in for the prediction), so only rules on the selection rate /
        base rate (e.g. demographic parity of the labels) are meaningful for a
        dataset audit; error-rate rules see perfect predictions.
    reference : "largest", group label or dict, default "largest"
        Reference group of every disparity: the largest group with a known
        value, a group label (used for the feature sets that have it), or a
        dict from feature-set label to group label.
    pos_label : optional
        Positive class of a binary target (needed unless the labels are 0/1
        or booleans).
    target_type : {"binary", "multiclass", "continuous"}, optional
        Default: two values are binary; numbers with more than 10 distinct
        values or non-integer values are continuous; otherwise multiclass.
    ci : float, default 0.95
        Confidence level of every interval.
    min_group_size : int, default 30
        Groups with fewer rows are marked ``small`` / ``status="small"``.
    proxies : bool, default True
        Fit the proxy classifier (mutual information is always computed).
    proxy_sample : int, default 20_000
        Rows the proxy classifier is trained on (a random subsample beyond;
        recorded in ``metadata["proxies"]`` and the ``proxy_model`` table).
    proxy_cv : int, default 3
        Cross-validation folds of the proxy classifier.
    reweigh : bool, default False
        Add the ``"reweighing"`` table (discrete targets only).
    random_state : int or None, default 0
        Seed of the proxy subsample, folds and permutations. Fixed by default so
        that the same data always give the same audit (an audit is evidence);
        pass None for fresh randomness.
    fail_on : iterable of str, default ("fail",)
        Statuses that make :attr:`AuditResult.passed` false.

    Returns
    -------
    AuditResult
        ``kind="dataset"``, ``task="dataset"``, tables as listed in the
        module docstring, metadata (rows, sensitive features, groups,
        reference groups, target type, proxy subsampling, warnings) and
        reproducibility.

    Raises
    ------
    ValueError
        When a named column is absent, lengths differ, the data are empty,
        the target is entirely missing, or a reference is invalid. Degenerate
        but valid data (a constant target, a sensitive feature with one value,
        entirely missing columns) are reported in ``metadata["warnings"]``.

    See Also
    --------
    fairscope.reweighing_weights : weights that equalize base rates.

    Examples
    --------
    >>> import pandas as pd
    >>> import fairscope
    >>> df = pd.DataFrame({"sex": ["f", "m"] * 50, "y": [0, 1, 1, 1] * 25,
    ...                    "x": [float(i % 7) for i in range(100)]})
    >>> result = fairscope.audit_dataset(df, target="y", sensitive_features="sex",
    ...                                  proxies=False)
    >>> result.tables["base_rates"][["group", "value"]].head(2).to_numpy().tolist()
    [['f', 0.5], ['m', 1.0]]
    """
    engine = None
    if not isinstance(data, pd.DataFrame):
        # polars, Arrow, DuckDB, Spark or files: only the audited columns leave the engine
        from fairscope.engines._audit_data import dataset_columns

        data, engine = dataset_columns(data, target, sensitive_features, features)
    if len(data) == 0:
        raise ValueError("data is empty (0 rows); a dataset audit needs rows.")
    if data.columns.duplicated().any():
        dup = data.columns[data.columns.duplicated()].unique().tolist()
        raise ValueError(f"data has duplicated column names {dup}; rename them.")
    if not isinstance(min_group_size, int | np.integer) or min_group_size < 0:
        raise ValueError(f"min_group_size must be a non-negative integer; got {min_group_size!r}.")
    if not (isinstance(proxy_sample, int | np.integer) and proxy_sample >= 10):
        raise ValueError(f"proxy_sample must be an integer of at least 10; got {proxy_sample!r}.")
    if not (isinstance(proxy_cv, int | np.integer) and proxy_cv >= 2):
        raise ValueError(f"proxy_cv must be an integer of at least 2; got {proxy_cv!r}.")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {ci!r}.")

    check_aligned(None, data=data, sensitive_features=sensitive_features)
    sens = sensitive_frame(sensitive_features, data)
    if len(sens) != len(data):
        raise ValueError(
            f"sensitive_features has {len(sens)} rows but data has {len(data)}; give one value "
            "per row (or name columns of data)."
        )
    sensitive_names = [str(c) for c in sens.columns]
    target_name = None
    if target is not None:
        if not isinstance(target, str):
            raise ValueError(f"target must be a column name of data; got {type(target).__name__}.")
        target_series = column(target, data, "target")
        target_name = target
        if target in sensitive_names:
            raise ValueError(
                f"target={target!r} is also a sensitive feature; audit it as one or the other."
            )
    n_rows = len(data)
    warnings: list[str] = []

    raw_sets = _feature_sets(sens)
    sets: list[_FeatureSet] = []
    for label, feats, enc in raw_sets:
        labels = [group_label(k, feats) for k in enc.index]
        sizes = np.bincount(enc.codes, minlength=len(labels))
        sets.append(_FeatureSet(label, feats, enc.codes, enc.index, labels, sizes, 0))
    _check_reference(reference, sets)
    for fs in sets:
        fs.ref = _resolve_reference(
            reference, fs.label, fs.labels, fs.sizes, explicit=isinstance(reference, Mapping)
        )
        if len(fs.features) == 1 and len(fs.labels) == 1:
            warnings.append(
                f"sensitive feature {fs.label!r} has a single value ({fs.labels[0]!r}): no "
                "group comparison is possible for it."
            )
    missing_sensitive = {
        name: int(sens[name].isna().sum()) for name in sensitive_names if sens[name].isna().any()
    }
    for name, count in missing_sensitive.items():
        warnings.append(
            f"sensitive feature {name!r} is missing in {count} rows; they form the group "
            f"{MISSING!r}."
        )

    population = _validate_population(reference_population or {}, {s.label: s for s in sets})
    representation, representation_tests, n_empty = _representation(
        sets, population, n_rows, min_group_size, ci
    )
    small = representation[representation["status"] == "small"]
    if len(small):
        named = [f"{f}: {g}" for f, g in zip(small["feature"], small["group"], strict=True)]
        more = f" and {len(named) - 10} more" if len(named) > 10 else ""
        warnings.append(
            f"{len(small)} group(s) have fewer than {min_group_size} rows (not tested against "
            f"the reference): {', '.join(named[:10])}{more}."
        )

    excluded = set(sensitive_names) | ({target_name} if target_name else set())
    feature_names = _resolve_features(data, features, excluded, target_name)
    encoded = [encode_column(data[name], str(name)) for name in feature_names]
    for col in encoded:
        if col.all_missing:
            warnings.append(f"column {col.name!r} is entirely missing.")
        elif col.constant:
            warnings.append(f"column {col.name!r} is constant: it carries no information.")
        if col.n_pooled:
            warnings.append(
                f"column {col.name!r} has many categories; {col.n_pooled} rare ones are pooled "
                "into '<other>'."
            )

    tables: dict[str, pd.DataFrame] = {"representation": representation}
    if population:
        tables["representation_tests"] = representation_tests

    statistics: dict[str, Any] = {}
    target_info: _Target | None = None
    if target_name is not None:
        target_info = _target(target_series, target_name, target_type, pos_label)
        n_missing_target = int((~target_info.known).sum())
        if n_missing_target:
            warnings.append(
                f"target {target_name!r} is missing in {n_missing_target} rows; base rates use "
                "the rows with a label."
            )
        if target_info.constant:
            warnings.append(
                f"target {target_name!r} is constant (one value in every labelled row): base "
                "rates are equal by construction."
            )
        tables["base_rates"] = _base_rates(sets, target_info, min_group_size, ci)
        if target_info.kind == "binary":
            from fairscope.core._counts import reduce_confusion

            known = target_info.known
            y = target_info.positive[known]
            for fs in sets:
                statistics[fs.label] = reduce_confusion(y, y, fs.codes[known], fs.index)
    else:
        tables["base_rates"] = pd.DataFrame(columns=["feature", "group", "n", "value"])

    intersection = sets[-1]
    n_inter = len(intersection.labels)
    parents = {fs.label: _parent(fs, intersection) for fs in sets}
    reduced = [_ColumnStats.reduce(col, intersection.codes, n_inter) for col in encoded]
    stats_by_set = {
        fs.label: [cs.for_set(parents[fs.label], len(fs.labels)) for cs in reduced] for fs in sets
    }
    roles = {c.name: "feature" for c in encoded}
    missing_counts = {
        fs.label: np.array([cs.missing for cs in stats_by_set[fs.label]]).reshape(
            len(encoded), len(fs.labels)
        )
        for fs in sets
    }
    if target_info is not None:
        roles[target_name] = "target"
        target_missing = np.bincount(
            intersection.codes[~target_info.known], minlength=n_inter
        ).astype(float)
        for fs in sets:
            row = _aggregate(target_missing, parents[fs.label], len(fs.labels))[None, :]
            missing_counts[fs.label] = np.vstack([missing_counts[fs.label], row])
    tables["missingness"] = (
        _missingness(sets, missing_counts, roles, min_group_size, ci)
        if roles
        else pd.DataFrame(columns=["feature", "group", "column", "missing_rate"])
    )

    singles = {s.label: (s.codes, s.labels) for s in sets if len(s.features) == 1}
    contingency = {
        (label, cs.column.name): cs.table for label in singles for cs in stats_by_set[label]
    }
    proxy_frame, proxy_model = proxy_tables(
        encoded,
        singles,
        contingency,
        sample=int(proxy_sample),
        cv=int(proxy_cv),
        random_state=random_state,
        model=proxies,
    )
    tables["proxies"] = proxy_frame
    tables["proxy_model"] = proxy_model

    tables["feature_shift"] = _feature_shift(
        sets,
        {
            label: [cs for cs in css if not cs.column.all_missing]
            for label, css in stats_by_set.items()
        },
    )

    reweighing_info = None
    if reweigh:
        if target_info is None or target_info.kind == "continuous":
            raise ValueError(
                "reweigh=True needs a binary or multiclass target=; reweighing equalizes "
                "label rates across groups."
            )
        tables["reweighing"], reweighing_info = _reweighing(sets, target_info, sets[-1])

    metadata: dict[str, Any] = {
        "task": "dataset",
        "n_rows": n_rows,
        "n_columns": len(feature_names),
        "sensitive_features": sensitive_names,
        "feature_sets": [s.label for s in sets],
        "groups": {s.label: list(s.labels) for s in sets},
        "group_sizes": {s.label: dict(zip(s.labels, s.sizes.tolist(), strict=True)) for s in sets},
        "reference": reference if isinstance(reference, str | dict) else str(reference),
        "reference_groups": {s.label: s.reference_label for s in sets},
        "missing_sensitive": missing_sensitive,
        "empty_intersections": n_empty,
        "features": {c.name: c.kind for c in encoded},
        "target": target_name,
        "target_type": None if target_info is None else target_info.kind,
        "pos_label": None
        if target_info is None or target_info.pos_label is None
        else str(target_info.pos_label),
        "classes": None
        if target_info is None or target_info.kind == "continuous"
        else [str(c) for c in target_info.classes],
        "missing_target": None if target_info is None else int((~target_info.known).sum()),
        "reference_population": population or None,
        "proxies": {
            "classifier": bool(proxies),
            "sample_size": int(proxy_sample),
            "subsampled": bool(proxy_model["subsampled"].any()) if len(proxy_model) else False,
            "rows_used": {r["feature"]: int(r["n_rows"]) for r in proxy_model.to_dict("records")},
            "cv_folds": int(proxy_cv),
            "random_state": random_state,
        },
        "reweighing": reweighing_info,
        "ci": ci,
        "min_group_size": min_group_size,
        "thresholds": {
            "missingness": {
                "alpha": ALPHA,
                "min_difference": MIN_MISSING_DIFFERENCE,
                "ratio": MISSING_RATIO,
                "large_difference": LARGE_MISSING_DIFFERENCE,
            },
            "feature_shift": {"smd": SMD_THRESHOLD, "tvd": TVD_THRESHOLD},
            "proxies": _proxy_thresholds(),
        },
        "warnings": warnings,
    }
    if engine is not None:
        metadata["engine"] = engine
    columns = {"target": target_name} if target_name is not None else {}
    columns.update({f"feature:{name}": name for name in feature_names})
    reproducibility = provenance(
        metadata,
        columns,
        sens,
        data,
        random_seed=random_state,
    )
    result = AuditResult(
        kind="dataset",
        task="dataset",
        tables=tables,
        metadata=metadata,
        reproducibility=reproducibility,
        fail_on=tuple(fail_on),
        statistics=statistics,
    )
    if policy is not None:
        from fairscope.judge._policy import apply_policy

        result = apply_policy(result, policy)
    return result


def _proxy_thresholds() -> dict[str, float]:
    from fairscope.audits import _proxies as proxies

    return {
        "strong_uncertainty_coefficient": proxies.STRONG_U,
        "moderate_uncertainty_coefficient": proxies.MODERATE_U,
        "strong_importance": proxies.STRONG_IMPORTANCE,
        "moderate_importance": proxies.MODERATE_IMPORTANCE,
    }
