"""Regulated bias audits: NYC Local Law 144 (:func:`audit_ll144`) and EEOC UGESP (:func:`audit_ugesp`).

Both read the rows once into counts per category (individuals and selections)
and hand them to :mod:`fairscope.compute._regulatory`, which computes the
tables the rules define. The presets ``nyc-ll144`` and ``eeoc-ugesp`` reach the
same tables from :func:`fairscope.audit_predictions` (and ``fairscope audit
--policy``): :func:`add_regulatory_tables` derives the counts from the audit's
confusion counts (a selection is a positive prediction).
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairscope._version import __version__
from fairscope.compute._regulatory import (
    EEO1_RACE,
    EEO1_SEX,
    LL144_MIN_SHARE,
    UNKNOWN,
    ll144_table,
    ugesp_table,
)
from fairscope.core._groups import MISSING
from fairscope.core._inputs import column
from fairscope.core._warnings import StatisticsWarning
from fairscope.result._audit_result import AuditResult

#: Values read as an unknown category (compared without case), besides missing values.
UNKNOWN_VALUES: tuple[str, ...] = (
    "unknown",
    "not disclosed",
    "declined",
    "decline to self-identify",
    "prefer not to say",
    "",
)
#: The preset names that add regulatory tables to an audit.
REGULATORY_PRESETS = ("nyc-ll144", "eeoc-ugesp")
DATA_TYPES = ("historical", "test")
_SEX, _RACE, _BOTH = "sex", "race/ethnicity", "sex & race/ethnicity"
_EEO1 = {_SEX: EEO1_SEX, _RACE: EEO1_RACE}


def audit_ll144(
    data: Any = None,
    *,
    selected: Any = None,
    score: Any = None,
    sex: Any = "sex",
    race: Any = "race",
    categories: str | None = "eeo1",
    category_map: Mapping[str, Mapping[Any, str]] | None = None,
    unknown_values: Iterable[str] = UNKNOWN_VALUES,
    min_share: float = LL144_MIN_SHARE,
    exclude_small: bool = True,
    exclusion_justification: str | None = None,
    audit_date: str | _dt.date | None = None,
    data_source: str | None = None,
    data_type: str = "historical",
    distribution_date: str | _dt.date | None = None,
    tool: str | None = None,
    ci: float = 0.95,
) -> AuditResult:
    """A bias audit of an automated employment decision tool per NYC Local Law 144.

    Computes, for sex, race/ethnicity and their intersection, the selection
    rate of each category and its impact ratio to the most selected category
    (table ``"ll144_impact_ratios"``) and, with ``score``, the scoring rate
    (share above the median score of the whole sample) and its impact ratio
    (table ``"ll144_scoring_rates"``). Unknown categories are counted and
    excluded; categories below ``min_share`` of the data are listed, marked
    excluded with the justification. Intervals sit beside the point values.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The applicants; the other arguments may then be column names.
    selected : array-like or str, optional
        1/True where the tool selected (or advanced) the applicant.
    score : array-like or str, optional
        The tool's score, for tools that score without selecting. Give
        ``selected``, ``score`` or both.
    sex, race : array-like, str or None, default "sex", "race"
        The categories; None leaves a feature (and the intersection) out.
    categories : {"eeo1", None}, default "eeo1"
        Check that every known value is an EEO-1 category (after
        ``category_map``); None keeps the values as they are.
    category_map : dict, optional
        Per feature (``"sex"``, ``"race"``) a mapping of the data's values to
        the categories to report, e.g. ``{"race": {"Black": "Black or African
        American"}}``.
    unknown_values : iterable of str
        Values read as unknown (besides missing values), compared without case.
    min_share : float, default 0.02
        Categories below this share of the data may be excluded from the ratios.
    exclude_small : bool, default True
        Exclude them (they stay listed, marked excluded).
    exclusion_justification : str, optional
        The auditor's reason for the exclusion, shown in the table.
    audit_date, data_source, data_type, distribution_date, tool
        Facts the published summary states: date of the audit (default
        today), source of the data, ``"historical"`` or ``"test"`` data, the
        date the tool was first distributed, and the tool's name.
    ci : float, default 0.95
        Level of the intervals shown beside the legal point values.

    Returns
    -------
    AuditResult
        With the tables above and ``metadata["ll144"]`` (the facts, the
        unknown counts and the exclusion rule).

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.datasets import make_hiring
    >>> applicants = make_hiring(n=2_000, random_state=0)
    >>> audit = fairscope.audit_ll144(applicants, selected="selected", score="score",
    ...                               exclusion_justification="too few to compare")
    >>> sorted(audit.tables)
    ['ll144_impact_ratios', 'll144_scoring_rates']
    """
    if selected is None and score is None:
        raise ValueError("give selected= (who the tool selected), score= (its scores), or both.")
    if data_type not in DATA_TYPES:
        raise ValueError(f"data_type={data_type!r}: choose 'historical' or 'test'.")
    features = _ll144_categories(
        data, sex, race, categories, category_map or {}, {v.lower() for v in unknown_values}
    )
    if not features:
        raise ValueError("give sex= and/or race= (column names of data, or arrays).")
    options: dict[str, Any] = {
        "min_share": min_share, "exclude_small": exclude_small,
        "justification": exclusion_justification, "ci": ci,
    }  # fmt: skip
    tables: dict[str, pd.DataFrame] = {}
    n_rows = len(next(iter(features.values())))
    median = None
    if selected is not None:
        chosen = _binary(column(selected, data, "selected"), "selected", n_rows)
        tables["ll144_impact_ratios"] = ll144_table(_counts(features, chosen), **options)
    if score is not None:
        values = _scores(column(score, data, "score"), n_rows)
        median = float(np.median(values))
        above = values > median
        tables["ll144_scoring_rates"] = ll144_table(
            _counts(features, above), rate="scoring", **options
        )
    facts = {
        "audit_date": str(audit_date or _dt.date.today().isoformat()),
        "data_source": data_source,
        "data_type": data_type,
        "distribution_date": None if distribution_date is None else str(distribution_date),
        "tool": tool,
        "unknown": {f: int((v == UNKNOWN).sum()) for f, v in features.items()},
        "min_share": min_share,
        "exclude_small": exclude_small,
        "exclusion_justification": exclusion_justification,
        "median_score": median,
    }
    return _result(tables, features, n_rows, {"ll144": facts}, ci)


def audit_ugesp(
    data: Any = None,
    *,
    selected: Any,
    sensitive_features: Any,
    unknown_values: Iterable[str] = UNKNOWN_VALUES,
) -> AuditResult:
    """Adverse impact per the EEOC Uniform Guidelines (29 CFR 1607.4(D)), beyond four fifths.

    For each group of each sensitive feature (and their intersection when
    several): the impact ratio to the highest-rate group, the two-proportion z
    statistic ("two standard deviations") and Fisher's exact test, the shortfall
    (selections the group lacks to reach four fifths), the flip-flop check
    (whether moving one or two selections reverses the conclusion) and the
    combined conclusion with a plain-words explanation (table
    ``"ugesp_adverse_impact"``, see :func:`fairscope.compute._regulatory.ugesp_table`).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The applicants; the other arguments may then be column names.
    selected : array-like or str
        1/True where the applicant was selected.
    sensitive_features : str, list of str, array-like or dict of name to array-like
        The groups. Missing values and ``unknown_values`` form the group
        ``"<missing>"``, compared but never the comparison group.
    unknown_values : iterable of str
        Values read as unknown, compared without case.

    Returns
    -------
    AuditResult
        With the table ``"ugesp_adverse_impact"``.

    Examples
    --------
    >>> import fairscope
    >>> audit = fairscope.audit_ugesp(selected=[1] * 6 + [0] * 4 + [1] * 3 + [0] * 7,
    ...                               sensitive_features={"sex": ["m"] * 10 + ["f"] * 10})
    >>> audit.tables["ugesp_adverse_impact"]["shortfall"].tolist()
    [2, 0]
    """
    unknown = {v.lower() for v in unknown_values}
    features = {
        name: _labels(values, unknown, MISSING)
        for name, values in _sensitive(data, sensitive_features).items()
    }
    n_rows = len(next(iter(features.values())))
    chosen = _binary(column(selected, data, "selected"), "selected", n_rows)
    counts = _counts(_with_intersection(features, MISSING), chosen).rename(
        columns={"category": "group"}
    )
    table = ugesp_table(counts, unknown_labels=(MISSING,))
    return _result({"ugesp_adverse_impact": table}, features, n_rows, {}, 0.95)


def add_regulatory_tables(result: AuditResult) -> AuditResult:
    """Add the LL144 or UGESP table to an audit judged by the preset of that name.

    The counts come from the audit's ``counts`` table: a positive prediction
    is a selection, and the missing-value group is the unknown category. Small
    categories stay in the impact ratios (excluding one needs the auditor's
    justification: use :func:`audit_ll144` for that).

    Parameters
    ----------
    result : AuditResult
        A binary audit; results of other policies are returned unchanged.

    Returns
    -------
    AuditResult
        A new result with ``"ll144_impact_ratios"`` (policy ``nyc-ll144``) or
        ``"ugesp_adverse_impact"`` (policy ``eeoc-ugesp``).
    """
    name = (result.policy or {}).get("name")
    if name not in REGULATORY_PRESETS or "counts" not in result.tables:
        return result
    counts = result.tables["counts"]
    selected = counts["fp"] + counts["tp"]
    total = counts["tn"] + counts["fp"] + counts["fn"] + counts["tp"]
    if result.metadata.get("weighted"):
        warnings.warn(
            f"the {name} tables of a weighted audit treat the weighted sums as counts of "
            "people (rates and ratios are the weighted ones; the tests and the shortfall "
            "assume counts).",
            StatisticsWarning,
            stacklevel=3,
        )
    elif (selected == selected.round()).all():
        selected = selected.astype(np.int64)
    frame = pd.DataFrame(
        {
            "feature": counts["feature"].astype(str),
            "category": counts["group"].astype(str),
            # the sum of the cells: the weighted size in a weighted audit, else the row count
            "n": counts["n"] if not result.metadata.get("weighted") else total,
            "n_selected": selected,
        }
    )
    tables = dict(result.tables)
    if name == "nyc-ll144":
        frame["category"] = frame["category"].replace(MISSING, UNKNOWN)
        # excluding a small category is the auditor's reasoned choice, which a preset cannot
        # make: every category stays in the ratios (audit_ll144 takes the justification)
        tables["ll144_impact_ratios"] = ll144_table(
            frame, exclude_small=False, ci=float(result.metadata.get("ci", 0.95))
        )
        metadata = {**result.metadata, "ll144": {"unknown": _unknown_counts(frame)}}
        return result.replace(tables=tables, metadata=metadata)
    tables["ugesp_adverse_impact"] = ugesp_table(
        frame.rename(columns={"category": "group"}), unknown_labels=(MISSING,)
    )
    return result.replace(tables=tables)


def _unknown_counts(frame: pd.DataFrame) -> dict[str, int]:
    unknown = frame[frame["category"] == UNKNOWN]
    return {str(f): int(n) for f, n in zip(unknown["feature"], unknown["n"], strict=True)}


def _result(
    tables: dict[str, pd.DataFrame],
    features: Mapping[str, pd.Series],
    n_rows: int,
    extra: dict[str, Any],
    ci: float,
) -> AuditResult:
    metadata = {
        "task": "binary",
        "sensitive_features": list(features),
        "feature_sets": list(features) + ([" & ".join(features)] if len(features) > 1 else []),
        "n_rows": n_rows,
        "n_dropped": 0,
        "ci": ci,
        **extra,
    }
    reproducibility = {
        "fairscope": __version__,
        "timestamp_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    return AuditResult(
        kind="predictions",
        task="binary",
        tables=tables,
        metadata=metadata,
        reproducibility=reproducibility,
    )


def _binary(values: pd.Series, name: str, n_rows: int) -> np.ndarray:
    """A 0/1 (or boolean) column as booleans; anything else is an error naming the value."""
    if len(values) != n_rows:
        raise ValueError(f"{name} has {len(values)} rows; the categories have {n_rows}.")
    if values.isna().any():
        raise ValueError(
            f"{name} has {int(values.isna().sum())} missing values; every applicant was "
            "either selected or not (fill them, or drop those rows and report the count)."
        )
    bad = sorted({str(v) for v in values.unique() if v not in (0, 1)})
    if bad:
        raise ValueError(f"{name} must hold 0/1 or True/False; found {bad[:5]}.")
    return values.astype(bool).to_numpy()


def _scores(values: pd.Series, n_rows: int) -> np.ndarray:
    if len(values) != n_rows:
        raise ValueError(f"score has {len(values)} rows; the categories have {n_rows}.")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"score must be numeric; got dtype {values.dtype}.")
    if values.isna().any():
        raise ValueError(
            f"score has {int(values.isna().sum())} missing values; the median of the whole "
            "sample needs every score (fill them, or drop those rows and report the count)."
        )
    return values.to_numpy(dtype=float)


def _labels(values: pd.Series, unknown: set[str], unknown_label: str) -> pd.Series:
    """Values as strings, with missing and unknown values replaced by ``unknown_label``."""
    text = values.astype("string")
    is_unknown = text.isna() | text.str.strip().str.lower().isin(unknown)
    return text.mask(is_unknown, unknown_label).astype(str).rename(values.name)


def _ll144_categories(
    data: Any,
    sex: Any,
    race: Any,
    categories: str | None,
    category_map: Mapping[str, Mapping[Any, str]],
    unknown: set[str],
) -> dict[str, pd.Series]:
    """The sex and race/ethnicity categories (mapped, checked) and their intersection."""
    if categories not in ("eeo1", None):
        raise ValueError(f"categories={categories!r}: choose 'eeo1' or None (values as given).")
    out: dict[str, pd.Series] = {}
    for feature, key, given in ((_SEX, "sex", sex), (_RACE, "race", race)):
        if given is None:
            continue
        values = column(given, data, key)
        mapping = category_map.get(key) or category_map.get(feature) or {}
        if mapping:
            values = values.map(lambda v, m=mapping: m.get(v, v))
        labels = _labels(values, unknown, UNKNOWN)
        if categories == "eeo1":
            labels = _check_eeo1(labels, feature, key)
        out[feature] = labels
    if len(out) == 2:
        out = _with_intersection(out, UNKNOWN)
    return out


def _check_eeo1(labels: pd.Series, feature: str, key: str) -> pd.Series:
    canonical = {c.lower(): c for c in _EEO1[feature]}
    found = labels.str.lower().map(canonical)
    odd = sorted(set(labels[found.isna() & (labels != UNKNOWN)]))
    if odd:
        raise ValueError(
            f"{key}: {odd[:5]} {'is not an EEO-1 category' if len(odd) == 1 else 'are not EEO-1 categories'} "
            f"({', '.join(_EEO1[feature])}). Map them with category_map={{'{key}': "
            f"{{{odd[0]!r}: '...'}}}}, mark them unknown with unknown_values=, or pass "
            "categories=None to report the values as they are."
        )
    return found.fillna(UNKNOWN).rename(labels.name)


def _with_intersection(features: dict[str, pd.Series], unknown_label: str) -> dict[str, pd.Series]:
    """Add the intersection of all features; unknown when any part is unknown."""
    if len(features) < 2:
        return features
    parts = list(features.values())
    joined = parts[0].astype(str)
    unknown = parts[0] == unknown_label
    for part in parts[1:]:
        joined = joined + " & " + part.astype(str)
        unknown = unknown | (part == unknown_label)
    return {**features, " & ".join(features): joined.mask(unknown, unknown_label)}


def _sensitive(data: Any, given: Any) -> dict[str, pd.Series]:
    if isinstance(given, Mapping):
        return {str(k): column(v, data, str(k)) for k, v in given.items()}
    if isinstance(given, str):
        return {given: column(given, data, given)}
    if isinstance(given, pd.DataFrame):
        return {str(c): given[c].reset_index(drop=True) for c in given.columns}
    if isinstance(given, Sequence) and given and all(isinstance(g, str) for g in given):
        return {g: column(g, data, g) for g in given}
    return {"sensitive_feature": column(given, data, "sensitive_features")}


def _counts(features: Mapping[str, pd.Series], chosen: np.ndarray) -> pd.DataFrame:
    """Individuals and selections per feature and category; known categories first."""
    parts = []
    for feature, labels in features.items():
        frame = pd.DataFrame({"category": labels.to_numpy(), "chosen": chosen})
        grouped = frame.groupby("category", sort=False)["chosen"].agg(["size", "sum"])
        order = sorted(grouped.index, key=lambda c: (c in (UNKNOWN, MISSING), _rank(feature, c)))
        grouped = grouped.loc[order]
        parts.append(
            pd.DataFrame(
                {
                    "feature": feature,
                    "category": grouped.index.astype(str),
                    "n": grouped["size"].to_numpy(dtype=np.int64),
                    "n_selected": grouped["sum"].to_numpy(dtype=np.int64),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _rank(feature: str, category: str) -> tuple[int, str]:
    """EEO-1 order for EEO-1 categories (and their intersections), then by name."""
    if feature == _BOTH and " & " in category:
        sex, race = category.split(" & ", 1)
        if sex in EEO1_SEX and race in EEO1_RACE:
            return (EEO1_SEX.index(sex) * 10 + EEO1_RACE.index(race), category)
    order = _EEO1.get(feature, ())
    return (order.index(category), category) if category in order else (99, category)


__all__ = [
    "DATA_TYPES",
    "REGULATORY_PRESETS",
    "UNKNOWN_VALUES",
    "add_regulatory_tables",
    "audit_ll144",
    "audit_ugesp",
]
