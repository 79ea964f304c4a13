"""Audit inputs resolved to aligned columns, and the tidy-table helpers every task shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fairscope.compute._group_metrics import GroupMetrics
from fairscope.compute._references import choices_for, feature_set_label
from fairscope.compute._scores import _as_scores
from fairscope.core._counts import GroupCounts
from fairscope.core._groups import OVERALL, group_label
from fairscope.core._inputs import check_aligned, column, sensitive_frame
from fairscope.result._provenance import environment as _environment


def feature_sets(gm: GroupMetrics) -> dict[str, GroupMetrics]:
    """Each sensitive feature on its own, then their intersection (when several)."""
    features = gm.sensitive_features
    out = {f: gm.for_feature(f) for f in features} if len(features) > 1 else {}
    out[feature_set_label(features)] = gm
    return out


def with_group_columns(frame: pd.DataFrame, label: str, gm: GroupMetrics) -> pd.DataFrame:
    """Replace the per-feature columns of a tidy table by ``feature`` and ``group``."""
    features = list(gm.sensitive_features)
    keys = frame[features].itertuples(index=False, name=None)
    groups = [
        OVERALL if key[0] == OVERALL else group_label(key, gm.sensitive_features) for key in keys
    ]
    # one construction instead of drop + insert: much faster with pandas' arrow strings
    columns = {"feature": np.full(len(groups), label, dtype=object), "group": groups}
    columns.update({c: frame[c].to_numpy() for c in frame.columns if c not in features})
    return pd.DataFrame(columns)


def environment() -> dict[str, Any]:
    """Versions of fairscope and the libraries that computed the audit, and a UTC timestamp.

    See :mod:`fairscope.result._provenance` for the full reproducibility block.
    """
    return _environment()


def reference_choices(reference: Any, groups: Mapping[str, list[str]]) -> dict[str, str]:
    """The reference of each feature set, validated before any table is computed.

    See :func:`fairscope.compute._references.choices_for`: an unknown group is
    a ``ValueError`` naming the groups, the same in every audit.
    """
    return choices_for(reference, groups)


@dataclass
class Rows:
    """Inputs resolved to aligned columns, rows with missing values dropped (dropna) or refused."""

    y_true: pd.Series
    y_pred: pd.Series | None
    y_score: pd.Series | None
    sensitive: pd.DataFrame
    weight: np.ndarray | None
    n_rows: int
    dropped: dict[str, int]

    @property
    def n_dropped(self) -> int:
        return self.n_rows - len(self.y_true)


def resolve_rows(
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    sensitive_features: Any,
    sample_weight: Any,
    data: Any,
    dropna: bool,
) -> Rows:
    check_aligned(
        data,
        y_true=y_true,
        y_pred=y_pred,
        y_score=y_score,
        sensitive_features=sensitive_features,
        sample_weight=sample_weight,
    )
    true = column(y_true, data, "y_true")
    pred = None if y_pred is None else column(y_pred, data, "y_pred")
    score = None if y_score is None else column(y_score, data, "y_score")
    sens = sensitive_frame(sensitive_features, data)
    weight = None if sample_weight is None else column(sample_weight, data, "sample_weight")
    parts = {"y_true": true, "y_pred": pred, "y_score": score, "sample_weight": weight}
    parts = {k: v for k, v in parts.items() if v is not None}
    lengths = {k: len(v) for k, v in parts.items()}
    lengths["sensitive_features"] = len(sens)
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(
            f"inputs have different lengths ({listed}); every input needs one value per row."
        )
    if len(true) == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")
    if score is not None:
        if dropna and pd.api.types.is_numeric_dtype(score):
            finite = np.isfinite(score.to_numpy(dtype=float, na_value=np.nan))
            _as_scores(score[finite])  # non-finite scores are dropped below
        else:
            _as_scores(score)
    if weight is not None:
        if not (pd.api.types.is_numeric_dtype(weight) and not pd.api.types.is_bool_dtype(weight)):
            raise ValueError(
                f"sample_weight must be numeric; got dtype {weight.dtype}. Convert it to float."
            )
        negative = int((weight < 0).sum())
        if negative:
            raise ValueError(f"sample_weight has {negative} negative values; weights must be >= 0.")
    masks = {}
    for name, values in parts.items():
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            masks[name] = ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        else:
            masks[name] = values.isna().to_numpy()
    bad = {k: int(m.sum()) for k, m in masks.items() if m.any()}
    n = len(true)
    if bad and not dropna:
        listed = ", ".join(f"{k} has {v} missing or non-finite" for k, v in bad.items())
        raise ValueError(
            f"{listed} value(s); fix the data or pass dropna=True to drop those rows "
            "(the dropped count is recorded on the result)."
        )
    if bad:
        keep = ~np.logical_or.reduce(list(masks.values()))
        if not keep.any():
            raise ValueError("every row has a missing label, prediction, score or weight.")
        true, sens = true[keep].reset_index(drop=True), sens[keep].reset_index(drop=True)
        pred = None if pred is None else pred[keep].reset_index(drop=True)
        score = None if score is None else score[keep].reset_index(drop=True)
        weight = None if weight is None else weight[keep].reset_index(drop=True)
    return Rows(
        y_true=true,
        y_pred=pred,
        y_score=score,
        sensitive=sens,
        weight=None if weight is None else weight.to_numpy(dtype=float),
        n_rows=n,
        dropped={f"missing {k}": v for k, v in bad.items()},
    )


def marginals(groups: pd.Index) -> dict[str, tuple[np.ndarray, pd.Index]]:
    """For each feature set: the position of each intersection group in it, and its groups.

    Uses the group order of :meth:`GroupCounts.marginal`, so tables of every
    task list groups as the binary tables do.
    """
    features = (
        tuple(str(n) for n in groups.names)
        if isinstance(groups, pd.MultiIndex)
        else (str(groups.name),)
    )
    zeros = np.zeros((len(groups), 4))
    counts = GroupCounts(features, groups, zeros, zeros.astype(np.int64), zeros)
    out = {}
    wanted = [[f] for f in features] if len(features) > 1 else []
    for subset in [*wanted, list(features)]:
        marginal = counts.marginal(subset if len(subset) > 1 else subset[0])
        if len(subset) == len(features):
            out[feature_set_label(subset)] = (np.arange(len(groups)), groups)
            continue
        keys = groups.get_level_values(subset[0])
        out[feature_set_label(subset)] = (marginal.groups.get_indexer(keys), marginal.groups)
    return out


def labels_of(groups: pd.Index) -> list[str]:
    features = (
        tuple(str(n) for n in groups.names)
        if isinstance(groups, pd.MultiIndex)
        else (str(groups.name),)
    )
    return [group_label(k, features) for k in groups]


def tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    return out[["feature", *[c for c in out.columns if c != "feature"]]]


def with_feature(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(0, "feature", label)
    return frame


def common_metadata(rows: Any, task: str, encoded: Any, sets: dict, options: dict) -> dict:
    reference = options["reference"]
    return {
        "task": task,
        "sensitive_features": list(encoded.features),
        "feature_sets": list(sets),
        "groups": {label: labels_of(groups) for label, (_, groups) in sets.items()},
        "reference": reference if isinstance(reference, str | dict) else str(reference),
        "n_rows": rows.n_rows,
        "n_dropped": rows.n_dropped,
        "dropped": rows.dropped,
        "missing_sensitive": dict(encoded.missing),
        "ci": options["ci"],
        "ci_method": options["ci_method"],
        "min_group_size": options["min_group_size"],
        "weighted": rows.weight is not None,
    }
