"""Proxies: how well the features of a dataset reveal a sensitive attribute.

Two complementary measures, because each misses what the other sees:

- **One feature at a time**: the mutual information between the feature and the
  sensitive attribute, from the full data (numeric features discretized into
  :data:`~fairscope.core._feature_columns.N_BINS` quantile bins, missing values a
  category of their own). Reported normalized two ways: ``nmi`` as scikit-learn's
  ``normalized_mutual_info_score`` (arithmetic mean of the two entropies) and
  the ``uncertainty_coefficient`` ``I(S; X) / H(S)`` (Theil's U), the share of
  the sensitive attribute's entropy the feature explains, which is what a
  proxy is about and what the flags use. The coefficient subtracts the
  information the column shows with a shuffled copy of the sensitive
  attribute (what independent variables show by chance), so that an
  identifier-like column with many categories on few rows is not mistaken for
  a proxy.
- **All features together**: a gradient-boosting classifier (scikit-learn's
  ``HistGradientBoostingClassifier``, which handles missing values and
  categories natively) predicting the sensitive attribute, scored by held-out
  ROC AUC (one-vs-rest macro average for more than two groups), and each
  feature's permutation importance: the drop in held-out AUC when that feature
  is shuffled. From 6,000 sampled rows it is fitted once on two thirds of the
  sample and measured on the held-out third, with standard errors from the
  held-out rows (DeLong's placement values; for the importance, paired on the
  same rows) and a sequential importance that measures on more rows only the
  columns near a flag threshold (:mod:`fairscope.audits._proxy_holdout`);
  smaller samples, or ``cv=k``, use ``k``-fold cross-validation (3 by default)
  with fold-to-fold standard deviations. Big data are subsampled for the
  classifier (the sample size is recorded in the result); the mutual
  information always uses all rows.

Flags (documented thresholds, see :func:`proxy_strength`): a feature is a
**strong** proxy when its uncertainty coefficient is at least
:data:`STRONG_U` (0.3) or its permutation importance at least
:data:`STRONG_IMPORTANCE` (0.05 AUC), **moderate** from :data:`MODERATE_U`
(0.05) or :data:`MODERATE_IMPORTANCE` (0.01 AUC), else weak. The target is
never among the candidate proxies, nor are the sensitive features themselves.

References
----------
H. Theil, On the estimation of relationships involving qualitative variables,
American Journal of Sociology 76 (1970).
L. Breiman, Random forests, Machine Learning 45 (2001) (permutation importance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.audits._proxy_holdout import (
    FIRST_BATCH_ROWS,
    HOLDOUT_SHARE,
    N_ITER_NO_CHANGE,
    holdout_importance,
)
from fairscope.core._feature_columns import EncodedColumn

STRONG_U = 0.3
MODERATE_U = 0.05
STRONG_IMPORTANCE = 0.05
MODERATE_IMPORTANCE = 0.01
#: Default number of rows the proxy classifier is trained on.
DEFAULT_PROXY_SAMPLE = 20_000
#: Held-out rows per fold on which permutation importance is measured.
IMPORTANCE_ROWS = 2_000
#: Boosting iterations and learning rate of the proxy classifier: few, large steps, since
#: it measures how much is predictable rather than serving predictions (AUC within 0.002
#: of 100 steps of 0.1 on our benchmarks, at half the cost).
MAX_ITER = 50
LEARNING_RATE = 0.2
#: Histogram bins of the classifier (categories beyond the most frequent 62 share one bin):
#: half the fitting cost of the default 255 at the same AUC on our benchmarks.
MAX_BINS = 63


def _entropy(counts: np.ndarray) -> float:
    total = counts.sum()
    p = counts[counts > 0] / total
    return float(-(p * np.log(p)).sum())


def mutual_information_table(table: np.ndarray) -> tuple[float, float, float]:
    """Mutual information and the two entropies (nats) of a contingency table of counts."""
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    total = table.sum()
    if total == 0:
        return 0.0, 0.0, 0.0
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    hx, hs = _entropy(rows), _entropy(cols)
    nz = table > 0
    pxy = table[nz] / total
    outer = np.outer(rows, cols)[nz] / (total * total)
    mi = float((pxy * np.log(pxy / outer)).sum())
    return max(mi, 0.0), hx, hs


def mutual_information(
    x_codes: np.ndarray, n_x: int, s_codes: np.ndarray, n_s: int
) -> tuple[float, float, float]:
    """Mutual information ``I(X; S)`` and the entropies ``H(X)``, ``H(S)`` in nats.

    ``x_codes`` may hold -1 for missing values, counted as one more category.
    """
    x = np.where(x_codes < 0, n_x, x_codes)
    table = np.bincount(x * n_s + s_codes, minlength=(n_x + 1) * n_s).reshape(n_x + 1, n_s)
    return mutual_information_table(table)


def chance_mutual_information(
    x_codes: np.ndarray, n_x: int, s_codes: np.ndarray, n_s: int, shuffled: np.ndarray | None = None
) -> float:
    """Mutual information the column shows with a shuffled copy of the sensitive attribute.

    Independent variables show positive mutual information by chance, the more
    so the more categories per row (an identifier column has the maximum); one
    permutation with a fixed seed estimates that floor at the cost of one pass.
    Pass ``shuffled`` (that permutation of ``s_codes``) to reuse it across columns.
    """
    if shuffled is None:
        shuffled = np.random.default_rng(0).permutation(s_codes)
    return mutual_information(x_codes, n_x, shuffled, n_s)[0]


#: Most joint groups of the sensitive features for which the chance information of every
#: feature is counted in one pass per column (beyond, one pass per column and feature).
MAX_JOINT_GROUPS = 4096


def chance_information(
    columns: list[EncodedColumn], sensitive: dict[str, tuple[np.ndarray, list[str]]]
) -> dict[tuple[str, str], float]:
    """:func:`chance_mutual_information` of every column with every sensitive feature.

    The seeded shuffle of :func:`chance_mutual_information` moves rows the same way
    whatever the codes (it depends only on the number of rows), so one shuffle of the
    joint codes of all features shuffles each feature exactly as its own shuffle does:
    one table of counts per column by shuffled joint group, summed to each feature,
    gives the same counts, hence the same values, as one pass per feature.
    """
    sizes = [len(labels) for _, labels in sensitive.values()]
    if not sensitive or not columns or int(np.prod(sizes)) > MAX_JOINT_GROUPS:
        return {
            (feature, col.name): chance_mutual_information(
                col.codes, col.n_codes, s_codes, len(s_labels)
            )
            for feature, (s_codes, s_labels) in sensitive.items()
            for col in columns
        }
    joint = np.zeros(len(next(iter(sensitive.values()))[0]), dtype=np.intp)
    for s_codes, s_labels in sensitive.values():
        joint = joint * len(s_labels) + s_codes
    shuffled = np.random.default_rng(0).permutation(joint)
    n_joint = int(np.prod(sizes))
    out = {}
    for col in columns:
        k = col.n_codes + 1
        x = np.where(col.codes < 0, col.n_codes, col.codes).astype(np.intp, copy=False)
        x *= n_joint  # in place on the fresh array
        x += shuffled
        cells = np.bincount(x, minlength=k * n_joint)
        cells = cells.reshape(k, *sizes)
        for axis, feature in enumerate(sensitive):
            others = tuple(a + 1 for a in range(len(sizes)) if a != axis)
            table = cells.sum(axis=others) if others else cells
            out[feature, col.name] = mutual_information_table(table)[0]
    return out


def normalized_scores(mi: float, hx: float, hs: float, chance: float = 0.0) -> tuple[float, float]:
    """``(nmi, uncertainty_coefficient)``.

    ``nmi`` is MI over the mean of the two entropies (scikit-learn's default);
    the uncertainty coefficient is the MI in excess of ``chance`` over ``H(S)``.
    """
    mean = (hx + hs) / 2
    nmi = mi / mean if mean > 0 else (1.0 if hx == hs == 0 else 0.0)
    u = max(mi - chance, 0.0) / hs if hs > 0 else 0.0
    return min(nmi, 1.0), min(u, 1.0)


def proxy_strength(u: float, importance: float) -> str:
    """``"strong"``, ``"moderate"`` or ``"weak"`` (thresholds in the module docstring)."""
    imp = -np.inf if importance is None or np.isnan(importance) else importance
    if u >= STRONG_U or imp >= STRONG_IMPORTANCE:
        return "strong"
    if u >= MODERATE_U or imp >= MODERATE_IMPORTANCE:
        return "moderate"
    return "weak"


@dataclass
class ProxyModel:
    """Outcome of the proxy classifier for one sensitive feature.

    ``auc_std`` and ``importance_std`` are fold-to-fold standard deviations with
    cross-validation; with one held-out third ``auc_std`` is NaN, ``auc_se`` the
    AUC's standard error and ``importance_std`` each importance's standard error.
    """

    auc: float = float("nan")
    auc_std: float = float("nan")
    importance: dict[str, float] = field(default_factory=dict)
    importance_std: dict[str, float] = field(default_factory=dict)
    importance_rows: dict[str, int] = field(default_factory=dict)
    auc_se: float = float("nan")
    cv_folds: int = 0
    n_rows: int = 0
    n_groups: int = 0
    excluded_groups: list[str] = field(default_factory=list)
    subsampled: bool = False
    status: str = "ok"


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (average ranks for ties)."""
    from scipy.stats import rankdata

    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def roc_auc(y: np.ndarray, proba: np.ndarray) -> float:
    """ROC AUC of class probabilities: binary, or one-vs-rest macro average for more classes.

    The same values as scikit-learn's ``roc_auc_score`` (``multi_class="ovr"``,
    ``average="macro"``) without its per-call validation, which dominates
    the cost of the many small scorings of permutation importance.
    """
    if proba.shape[1] == 2:
        return _binary_auc(y == 1, proba[:, 1])
    return float(np.mean([_binary_auc(y == k, proba[:, k]) for k in range(proba.shape[1])]))


def _classifier(categorical: np.ndarray, seed: int) -> Any:
    """The proxy classifier (unfitted), the same for the k-fold and the held-out estimate."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    # early stopping on a 10% validation split at every size: small samples stop
    # overfitting sooner, big ones train faster
    return HistGradientBoostingClassifier(
        max_iter=MAX_ITER,
        learning_rate=LEARNING_RATE,
        max_bins=MAX_BINS,
        categorical_features=categorical,
        early_stopping=True,
        n_iter_no_change=N_ITER_NO_CHANGE,
        random_state=seed,
    )


def _fit_fold(x, y, train, test, categorical, seed, rng) -> tuple[float, list[float]]:
    """Fit on one training fold; return the held-out AUC and each column's permutation drop."""
    clf = _classifier(categorical, seed)
    clf.fit(x[train], y[train])
    # importance on at most IMPORTANCE_ROWS held-out rows: one prediction per column,
    # so this bounds the cost while keeping the AUC's standard error near 0.01
    picked = np.arange(len(test))
    if len(test) > IMPORTANCE_ROWS:
        # the same draw as choosing from ``test`` itself (its indices are sorted)
        picked = np.sort(rng.choice(len(test), size=IMPORTANCE_ROWS, replace=False))
    x_test, y_test = x[test[picked]], y[test[picked]]
    # the held-out fold and every column's permuted copy in one prediction: the
    # predictor's cost is per call (input checks) and per tree far more than per row,
    # and its predictions are row by row, so the stacking changes no value
    m, p = x_test.shape
    stacked = np.tile(x_test, (p, 1))
    for j in range(p):
        stacked[j * m : (j + 1) * m, j] = rng.permutation(x_test[:, j])
    proba = clf.predict_proba(np.concatenate([x[test], stacked]))
    proba_test, proba = proba[: len(test)], proba[len(test) :]
    base = roc_auc(y[test], proba_test)
    base_sample = roc_auc(y_test, proba_test[picked])
    drops = [base_sample - roc_auc(y_test, proba[j * m : (j + 1) * m]) for j in range(p)]
    return base, drops


def _top_codes(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Keep the ``MAX_BINS - 1`` most frequent categories; pool the rest into one code."""
    if n_codes < MAX_BINS:
        return codes
    counts = np.bincount(codes[codes >= 0], minlength=n_codes)
    remap = np.full(n_codes, MAX_BINS - 1, dtype=np.int64)
    keep = np.argsort(-counts, kind="stable")[: MAX_BINS - 1]
    remap[keep] = np.arange(len(keep))
    return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)


#: Sampled rows from which ``cv=None`` fits the proxy classifier once (else 3 folds).
HOLDOUT_FROM_ROWS = 3 * FIRST_BATCH_ROWS


def resolve_cv(cv: int | None, n_rows: int) -> int:
    """The folds ``cv=None`` stands for on ``n_rows`` sampled rows (1: one held-out third)."""
    if cv is not None:
        return int(cv)
    return 1 if n_rows >= HOLDOUT_FROM_ROWS else 3


def _design_matrix(columns: list[EncodedColumn], rows: np.ndarray) -> np.ndarray:
    """The sampled rows of every column as floats (categories as codes, missing as NaN)."""
    x = np.empty((len(rows), len(columns)), dtype=float)
    for j, col in enumerate(columns):
        if col.kind == "numeric":
            x[:, j] = col.numbers[rows]
        else:
            codes = _top_codes(col.codes[rows], col.n_codes)
            x[:, j] = np.where(codes < 0, np.nan, codes)
    return x


def _cross_validated(out: ProxyModel, names: list[str], x, y, categorical, cv, seed, rng) -> None:
    """``cv``-fold estimate: mean out-of-fold AUC and importance, with their fold-to-fold spread."""
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    aucs, drops, measured = [], [], 0
    for train, test in folds.split(x, y):
        base, fold_drops = _fit_fold(x, y, train, test, categorical, seed, rng)
        aucs.append(base)
        drops.append(fold_drops)
        measured += min(len(test), IMPORTANCE_ROWS)
    drops_arr = np.asarray(drops)
    out.auc, out.auc_std = float(np.mean(aucs)), float(np.std(aucs, ddof=1))
    out.importance = dict(zip(names, map(float, drops_arr.mean(axis=0)), strict=True))
    out.importance_std = dict(zip(names, map(float, drops_arr.std(axis=0, ddof=1)), strict=True))
    out.importance_rows = dict.fromkeys(names, measured)


def _held_out(out: ProxyModel, names: list[str], x, y, categorical, seed, rng) -> None:
    """One fit on two thirds, AUC and sequential importance on the held-out third."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        np.arange(len(y)), test_size=HOLDOUT_SHARE, stratify=y, random_state=seed
    )
    train, test = np.sort(train), np.sort(test)
    clf = _classifier(categorical, seed)
    clf.fit(x[train], y[train])
    est = holdout_importance(clf, x[test], y[test], rng, (MODERATE_IMPORTANCE, STRONG_IMPORTANCE))
    out.auc, out.auc_se = est.auc, est.auc_se
    out.importance = dict(zip(names, map(float, est.importance), strict=True))
    out.importance_std = dict(zip(names, map(float, est.importance_se), strict=True))
    out.importance_rows = dict(zip(names, map(int, est.importance_rows), strict=True))


def proxy_model(
    columns: list[EncodedColumn],
    s_codes: np.ndarray,
    s_labels: list[str],
    *,
    sample: int = DEFAULT_PROXY_SAMPLE,
    cv: int | None = None,
    random_state: int | None = None,
    n_threads: int = 1,
) -> ProxyModel:
    """Classifier of the sensitive attribute from all columns, with its AUC and importances.

    ``cv=1``: one fit on two thirds of the sample, AUC and sequential importance
    with standard errors on the held-out third
    (:mod:`fairscope.audits._proxy_holdout`). ``cv=k`` (k >= 2): the ``k``-fold
    cross-validated estimate of earlier versions (same values), with fold-to-fold
    standard deviations. ``cv=None`` (default): 1 from :data:`HOLDOUT_FROM_ROWS`
    sampled rows (the held-out third then holds at least the importance's first
    batch), else 3 (small samples, where three fits are cheap and one third is few rows). Groups with fewer than ``max(cv, 3)`` rows in the sample
    cannot be stratified and are left out (listed in ``excluded_groups``). The
    classifier runs on ``n_threads`` OpenMP threads (default 1): on a sample of this
    size one thread is fast, and more threads on a busy machine slow it down many-fold.
    """
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(random_state)
    n = len(s_codes)
    rows = np.arange(n)
    out = ProxyModel()
    if n > sample:
        rows = np.sort(rng.choice(n, size=sample, replace=False))
        out.subsampled = True
    cv = resolve_cv(cv, len(rows))
    out.cv_folds = cv
    min_rows = max(cv, 3)
    counts = np.bincount(s_codes[rows], minlength=len(s_labels))
    kept = np.flatnonzero(counts >= min_rows)
    out.excluded_groups = [s_labels[g] for g in np.flatnonzero((counts > 0) & (counts < min_rows))]
    if len(kept) < 2 or not columns:
        out.status = "too few groups" if len(kept) < 2 else "no usable features"
        return out
    rows = rows[np.isin(s_codes[rows], kept)]
    y = np.searchsorted(kept, s_codes[rows])
    x = _design_matrix(columns, rows)
    categorical = np.array([c.kind == "categorical" for c in columns])
    names = [c.name for c in columns]
    seed = int(rng.integers(2**31 - 1))
    with threadpool_limits(limits=n_threads):
        if cv > 1:
            _cross_validated(out, names, x, y, categorical, cv, seed, rng)
        else:
            _held_out(out, names, x, y, categorical, seed, rng)
    out.n_rows, out.n_groups = len(rows), len(kept)
    return out


def proxy_tables(
    columns: list[EncodedColumn],
    sensitive: dict[str, tuple[np.ndarray, list[str]]],
    contingency: dict[tuple[str, str], np.ndarray],
    *,
    sample: int = DEFAULT_PROXY_SAMPLE,
    cv: int | None = None,
    random_state: int | None = None,
    model: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``"proxies"`` table (one row per sensitive feature and column, ranked) and the
    ``"proxy_model"`` table (one row per sensitive feature).

    ``sensitive`` maps each sensitive feature to its group codes and labels;
    ``contingency`` maps (sensitive feature, column) to the table of counts of
    the column's codes (missing last) by group, from all rows.
    Columns that are entirely missing or constant carry no information and
    are listed with ``status`` saying so.
    """
    usable = [c for c in columns if not c.all_missing and not c.constant]
    chance = chance_information(usable, sensitive)
    proxy_rows, model_rows = [], []
    for feature, (s_codes, s_labels) in sensitive.items():
        n_groups = int((np.bincount(s_codes, minlength=len(s_labels)) > 0).sum())
        fitted = ProxyModel(status="skipped")
        if n_groups < 2:
            fitted.status = "one group only"
        elif model:
            fitted = proxy_model(
                usable, s_codes, s_labels, sample=sample, cv=cv, random_state=random_state
            )
        n_features = len(usable) if fitted.status == "ok" else 0
        # the folds the classifier uses (or would, when skipped) on this many sampled rows
        folds = fitted.cv_folds or resolve_cv(cv, min(len(s_codes), sample))
        model_rows.append(_model_row(feature, fitted, n_features, folds, sample))
        block = [
            _column_row(
                feature, col, fitted, n_groups, chance.get((feature, col.name)), contingency
            )
            for col in columns
        ]
        proxy_rows.append(_ranked(pd.DataFrame(block)))
    proxies = pd.concat(proxy_rows, ignore_index=True) if proxy_rows else pd.DataFrame()
    if not proxies.empty:
        proxies["is_proxy"] = proxies["strength"] == "strong"
    return proxies, pd.DataFrame(model_rows)


def _model_row(
    feature: str, fitted: ProxyModel, n_features: int, cv: int, sample: int
) -> dict[str, Any]:
    """The ``proxy_model`` row of one sensitive feature."""
    return {
        "feature": feature,
        "auc": fitted.auc,
        "auc_std": fitted.auc_std,
        "auc_se": fitted.auc_se,
        "n_rows": fitted.n_rows,
        "n_groups": fitted.n_groups,
        "n_features": n_features,
        "cv_folds": cv,
        "validation": f"{cv}-fold cross-validation" if cv > 1 else "held-out third",
        "subsampled": fitted.subsampled,
        "sample_size": sample,
        "excluded_groups": ", ".join(fitted.excluded_groups),
        "classifier": f"HistGradientBoostingClassifier(max_iter={MAX_ITER}, "
        f"learning_rate={LEARNING_RATE}, max_bins={MAX_BINS}, early_stopping=True, "
        f"n_iter_no_change={N_ITER_NO_CHANGE})",
        "status": fitted.status,
    }


def _column_row(
    feature: str,
    col: EncodedColumn,
    fitted: ProxyModel,
    n_groups: int,
    chance: float | None,
    contingency: dict[tuple[str, str], np.ndarray],
) -> dict[str, Any]:
    """The ``proxies`` row of one column for one sensitive feature.

    ``chance``: the column's information with the feature's codes shuffled once
    (seeded, so that it is part of a reproducible audit), see
    :func:`chance_information`.
    """
    if col.all_missing or col.constant or n_groups < 2:
        mi = hx = hs = 0.0
        nmi = u = float("nan") if n_groups >= 2 else 0.0
        status = (
            "all missing" if col.all_missing else "constant" if col.constant else ("one group only")
        )
    else:
        mi, hx, hs = mutual_information_table(contingency[feature, col.name])
        nmi, u = normalized_scores(mi, hx, hs, 0.0 if chance is None else chance)
        status = "ok"
    imp = fitted.importance.get(col.name, float("nan"))
    return {
        "feature": feature,
        "column": col.name,
        "kind": col.kind,
        "mutual_information": mi,
        "nmi": nmi,
        "uncertainty_coefficient": u,
        "importance": imp,
        "importance_std": fitted.importance_std.get(col.name, float("nan")),
        "importance_rows": fitted.importance_rows.get(col.name, 0),
        "strength": proxy_strength(u, imp) if status == "ok" else "none",
        "status": status,
    }


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Strongest proxies first, with their rank."""
    if frame.empty:
        return frame
    frame = frame.sort_values(
        ["uncertainty_coefficient", "importance"],
        ascending=False,
        na_position="last",
        kind="stable",
    )
    frame.insert(2, "rank", np.arange(1, len(frame) + 1))
    return frame
