"""Specification of the proxy analysis: mutual information and the proxy classifier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mutual_info_score, normalized_mutual_info_score

import fairscope
from fairscope.audits import _proxy_holdout
from fairscope.audits._proxies import (
    chance_information,
    chance_mutual_information,
    mutual_information,
    normalized_scores,
    proxy_strength,
    roc_auc,
)
from fairscope.audits._proxy_holdout import (
    holdout_importance,
    placement_contributions,
    standard_error,
)
from fairscope.core._feature_columns import encode_column, quantile_bins


def planted_proxy(n=2000, seed=0) -> pd.DataFrame:
    """'zip' copies the group with 10% noise; the others are weakly related or unrelated."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b"], size=n, p=[0.6, 0.4])
    is_b = group == "b"
    noisy = np.where(rng.random(n) < 0.1, ~is_b, is_b)
    return pd.DataFrame(
        {
            "group": group,
            "zip": np.where(noisy, "z1", "z2"),
            "income": rng.normal(50, 10, n) + 2 * is_b,
            "noise": rng.normal(size=n),
            "colour": rng.choice(["r", "g", "b"], size=n),
            "y": (rng.random(n) < np.where(is_b, 0.9, 0.2)).astype(int),
        }
    )


@pytest.fixture(scope="module")
def proxy_result():
    return fairscope.audit_dataset(
        planted_proxy(), target="y", sensitive_features="group", random_state=0
    )


def test_planted_proxy_ranks_first(proxy_result):
    table = proxy_result.tables["proxies"]
    assert table.iloc[0]["column"] == "zip"
    assert table.iloc[0]["rank"] == 1
    assert table.set_index("column")["importance"].idxmax() == "zip"


def test_planted_proxy_is_flagged_strong_and_noise_is_not(proxy_result):
    table = proxy_result.tables["proxies"].set_index("column")
    assert table.loc["zip", "strength"] == "strong" and table.loc["zip", "is_proxy"]
    assert table.loc["noise", "strength"] == "weak"


def test_target_is_never_a_proxy_even_when_it_predicts_the_group(proxy_result):
    # y is strongly associated with the group (0.9 vs 0.2) yet is not a candidate
    assert "y" not in set(proxy_result.tables["proxies"]["column"])


def test_proxy_classifier_auc_reflects_the_planted_proxy(proxy_result):
    model = proxy_result.tables["proxy_model"].iloc[0]
    assert model["status"] == "ok"
    assert model["auc"] > 0.85
    assert not model["subsampled"]


def test_subsampling_of_the_proxy_classifier_is_stated():
    result = fairscope.audit_dataset(
        planted_proxy(), sensitive_features="group", proxy_sample=600, random_state=0
    )
    model = result.tables["proxy_model"].iloc[0]
    assert model["subsampled"] and model["n_rows"] == 600
    assert result.metadata["proxies"]["subsampled"] is True
    assert result.metadata["proxies"]["rows_used"] == {"group": 600}


def test_proxy_analysis_is_reproducible_with_a_seed():
    frame = planted_proxy(n=600)
    a = fairscope.audit_dataset(frame, sensitive_features="group", random_state=3)
    b = fairscope.audit_dataset(frame, sensitive_features="group", random_state=3)
    pd.testing.assert_frame_equal(a.tables["proxies"], b.tables["proxies"])


def test_multiclass_sensitive_feature_uses_one_vs_rest_auc():
    rng = np.random.default_rng(2)
    n = 900
    race = rng.choice(["p", "q", "r"], size=n)
    frame = pd.DataFrame(
        {"race": race, "region": np.where(rng.random(n) < 0.8, race, "s"), "x": rng.normal(size=n)}
    )
    result = fairscope.audit_dataset(frame, sensitive_features="race", random_state=0)
    model = result.tables["proxy_model"].iloc[0]
    assert model["n_groups"] == 3 and model["auc"] > 0.8
    assert result.tables["proxies"].iloc[0]["column"] == "region"


def test_mutual_information_matches_scikit_learn():
    rng = np.random.default_rng(4)
    x = rng.normal(size=2000)
    s = (x + rng.normal(size=2000) > 0).astype(np.int64) + (rng.random(2000) < 0.2)
    col = encode_column(pd.Series(x), "x")
    mi, hx, hs = mutual_information(col.codes, col.n_codes, s, 3)
    nmi, u = normalized_scores(mi, hx, hs)
    assert nmi == pytest.approx(normalized_mutual_info_score(col.codes, s), abs=1e-12)
    assert mi == pytest.approx(mutual_info_score(col.codes, s), abs=1e-12)
    assert u == pytest.approx(mi / hs, abs=1e-15)


def test_identifier_like_column_is_not_a_proxy():
    frame = planted_proxy(n=400).assign(row_id=[f"id{i}" for i in range(400)])
    result = fairscope.audit_dataset(frame, sensitive_features="group", proxies=False)
    row_id = result.tables["proxies"].set_index("column").loc["row_id"]
    # raw NMI is inflated by 250 categories on 400 rows; the chance-corrected coefficient is not
    assert row_id["mutual_information"] > 0.3
    assert row_id["uncertainty_coefficient"] < 0.05
    assert row_id["strength"] == "weak"
    assert result.tables["proxies"].iloc[0]["column"] == "zip"


def test_chance_mutual_information_is_that_of_a_shuffled_attribute():
    rng = np.random.default_rng(5)
    s = rng.integers(0, 2, 1000)
    shuffled = np.random.default_rng(0).permutation(s)
    ids = np.arange(1000) % 300
    expected = mutual_info_score(ids, shuffled)
    assert chance_mutual_information(ids, 300, s, 2) == pytest.approx(expected, abs=1e-12)
    assert chance_mutual_information(ids, 300, s, 2) > 0.1


def test_chance_information_of_all_features_in_one_pass_is_each_features_own_to_the_bit():
    rng = np.random.default_rng(7)
    n = 5000
    sex = rng.integers(0, 2, n)
    race = rng.integers(0, 5, n)
    values = rng.normal(size=n) + sex
    values[rng.random(n) < 0.05] = np.nan
    columns = [
        encode_column(pd.Series(values), "x"),
        encode_column(pd.Series(rng.choice(["u", "v", None], size=n)), "c"),
    ]
    sensitive = {"sex": (sex, ["f", "m"]), "race": (race, list("abcde"))}
    fused = chance_information(columns, sensitive)
    for feature, (codes, labels) in sensitive.items():
        for col in columns:
            own = chance_mutual_information(col.codes, col.n_codes, codes, len(labels))
            assert fused[feature, col.name] == own


def test_missing_values_are_a_category_of_their_own_for_mutual_information():
    s = np.array([0, 0, 1, 1] * 50)
    values = pd.Series(np.where(s == 1, np.nan, 1.0))
    col = encode_column(values, "v")
    mi, hx, hs = mutual_information(col.codes, col.n_codes, s, 2)
    assert normalized_scores(mi, hx, hs)[1] == pytest.approx(1.0)


def test_quantile_bins_cover_the_observed_values():
    values = np.arange(100, dtype=float)
    codes = quantile_bins(values, np.zeros(100, dtype=bool), n_bins=10)
    assert np.bincount(codes).tolist() == [10] * 10


@pytest.mark.parametrize("n_classes", [2, 4])
def test_roc_auc_matches_scikit_learn(n_classes):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(n_classes)
    y = rng.integers(0, n_classes, 300)
    proba = rng.dirichlet(np.ones(n_classes), 300)
    proba[:, 0] = np.round(proba[:, 0], 1)  # ties
    proba /= proba.sum(axis=1, keepdims=True)
    expected = (
        roc_auc_score(y, proba[:, 1])
        if n_classes == 2
        else roc_auc_score(y, proba, multi_class="ovr", average="macro")
    )
    assert roc_auc(y, proba) == pytest.approx(expected, abs=1e-12)


def test_proxy_strength_thresholds():
    assert proxy_strength(0.3, np.nan) == "strong"
    assert proxy_strength(0.0, 0.05) == "strong"
    assert proxy_strength(0.05, 0.0) == "moderate"
    assert proxy_strength(0.01, 0.001) == "weak"


# --- the held-out estimate: AUC, standard errors and sequential importance -----------------


def delong_pairs(y, scores_a, scores_b):
    """DeLong's variance of AUC(a) - AUC(b) on the same rows, pair by pair (hand formula)."""
    pos, neg = y == 1, y == 0

    def placements(s):
        kernel = (s[pos][:, None] > s[neg][None, :]) + 0.5 * (s[pos][:, None] == s[neg][None, :])
        return kernel.mean(axis=1), kernel.mean(axis=0)

    v10_a, v01_a = placements(scores_a)
    v10_b, v01_b = placements(scores_b)
    d10, d01 = v10_a - v10_b, v01_a - v01_b
    return d10.var(ddof=1) / pos.sum() + d01.var(ddof=1) / neg.sum()


def binary_scores(n=300, seed=11):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    a = np.round(y + rng.normal(size=n), 1)  # ties
    b = np.round(0.5 * y + rng.normal(size=n), 1)
    to_proba = lambda s: np.column_stack([1 - 1 / (1 + np.exp(-s)), 1 / (1 + np.exp(-s))])  # noqa: E731
    return y, a, b, to_proba


@pytest.mark.parametrize("n_classes", [2, 4])
def test_placement_aucs_match_scikit_learn(n_classes):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(20 + n_classes)
    y = rng.integers(0, n_classes, 400)
    proba = rng.dirichlet(np.ones(n_classes), (3, 400))
    proba[:, :, 0] = np.round(proba[:, :, 0], 1)  # ties
    proba /= proba.sum(axis=2, keepdims=True)
    auc, contributions = placement_contributions(y, proba)
    for c in range(3):
        expected = (
            roc_auc_score(y, proba[c, :, 1])
            if n_classes == 2
            else roc_auc_score(y, proba[c], multi_class="ovr", average="macro")
        )
        assert auc[c] == pytest.approx(expected, abs=1e-12)
    assert np.abs(contributions.sum(axis=1)).max() < 1e-12


def test_auc_standard_error_is_delongs():
    y, a, _, to_proba = binary_scores()
    _, contributions = placement_contributions(y, to_proba(a)[None])
    # DeLong's variance of one AUC is that of the difference with a constant score
    expected = np.sqrt(delong_pairs(y, a, np.zeros_like(a)))
    # rows as independent draws (n/(n-1)) instead of DeLong's per-class n1-1, n0-1: 0.3% here
    assert standard_error(contributions)[0] == pytest.approx(expected, rel=0.005)


def test_importance_standard_error_is_delongs_paired_comparison():
    y, a, b, to_proba = binary_scores()
    _, contributions = placement_contributions(y, np.stack([to_proba(a), to_proba(b)]))
    expected = np.sqrt(delong_pairs(y, a, b))
    assert standard_error(contributions[:1] - contributions[1:])[0] == pytest.approx(
        expected, rel=0.005
    )


def test_multiclass_auc_standard_error_matches_the_spread_over_samples():
    # Monte Carlo oracle: the standard error of one sample's AUC against the standard
    # deviation of the AUC over 400 independent samples of the same distribution
    rng = np.random.default_rng(3)
    aucs, ses = [], []
    for _ in range(400):
        y = rng.choice(3, size=500, p=[0.6, 0.3, 0.1])
        logits = rng.normal(size=(500, 3)) + 0.8 * np.eye(3)[y]
        proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        auc, contributions = placement_contributions(y, proba[None])
        aucs.append(auc[0])
        ses.append(standard_error(contributions)[0])
    # SD of 400 draws is known to about 3.5%; the delta-method SE is a large-sample one
    assert np.mean(ses) == pytest.approx(np.std(aucs, ddof=1), rel=0.12)


def fitted_classifier(n=1200, seed=0):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.column_stack([y + rng.normal(size=n), rng.normal(size=n), 0.3 * y + rng.normal(size=n)])
    clf = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x[:600], y[:600])
    return clf, x[600:], y[600:]


def test_held_out_importance_is_the_auc_drop_of_the_fitted_model(monkeypatch):
    from sklearn.metrics import roc_auc_score

    monkeypatch.setattr(_proxy_holdout, "FIRST_BATCH_ROWS", 200)
    clf, x, y = fitted_classifier()
    est = holdout_importance(clf, x, y, np.random.default_rng(5), ())  # no threshold: all settle
    assert est.auc == pytest.approx(roc_auc_score(y, clf.predict_proba(x)[:, 1]), abs=1e-12)
    rng = np.random.default_rng(5)  # replay the draws: first batch, then one shuffle per column
    picked = np.sort(rng.choice(len(y), size=200, replace=False))
    base = roc_auc_score(y[picked], clf.predict_proba(x[picked])[:, 1])
    for j in range(x.shape[1]):
        shuffled = x[picked].copy()
        shuffled[:, j] = rng.permutation(shuffled[:, j])
        drop = base - roc_auc_score(y[picked], clf.predict_proba(shuffled)[:, 1])
        assert est.importance[j] == pytest.approx(drop, abs=1e-12)
    assert est.importance_rows.tolist() == [200, 200, 200]


def test_unsettled_columns_are_measured_again_on_all_held_out_rows(monkeypatch):
    from sklearn.metrics import roc_auc_score

    monkeypatch.setattr(_proxy_holdout, "FIRST_BATCH_ROWS", 200)
    monkeypatch.setattr(_proxy_holdout, "SETTLE_Z", 1e9)  # every interval holds a threshold
    clf, x, y = fitted_classifier()
    est = holdout_importance(clf, x, y, np.random.default_rng(5), (0.01, 0.05))
    assert est.importance_rows.tolist() == [600, 600, 600]
    rng = np.random.default_rng(5)
    picked = np.sort(rng.choice(len(y), size=200, replace=False))
    for j in range(x.shape[1]):  # the first batch's shuffles, then the fresh ones
        rng.permutation(x[picked, j])
    base = roc_auc_score(y, clf.predict_proba(x)[:, 1])
    for j in range(x.shape[1]):
        shuffled = x.copy()
        shuffled[:, j] = rng.permutation(x[:, j])
        drop = base - roc_auc_score(y, clf.predict_proba(shuffled)[:, 1])
        assert est.importance[j] == pytest.approx(drop, abs=1e-12)


def big_planted_proxy():
    return planted_proxy(n=9000, seed=1)


def test_large_samples_fit_once_and_state_standard_errors():
    result = fairscope.audit_dataset(big_planted_proxy(), sensitive_features="group")
    model = result.tables["proxy_model"].iloc[0]
    assert model["validation"] == "held-out third" and model["cv_folds"] == 1
    assert np.isnan(model["auc_std"]) and 0 < model["auc_se"] < 0.02
    assert "n_iter_no_change=10" in model["classifier"]
    assert result.metadata["proxies"]["cv_folds"] == 1
    table = result.tables["proxies"].set_index("column")
    assert table.loc["zip", "strength"] == "strong"
    # a column settled on the first batch has no threshold within SETTLE_Z standard errors
    settled = table[table["importance_rows"] == _proxy_holdout.FIRST_BATCH_ROWS]
    assert len(settled) >= 1
    for t in (0.01, 0.05):
        gap = (settled["importance"] - t).abs()
        assert (gap > _proxy_holdout.SETTLE_Z * settled["importance_std"]).all()
    assert set(table["importance_rows"]) <= {_proxy_holdout.FIRST_BATCH_ROWS, 3000}


def test_small_samples_and_explicit_folds_cross_validate():
    small = fairscope.audit_dataset(planted_proxy(), sensitive_features="group")
    assert small.tables["proxy_model"].iloc[0]["validation"] == "3-fold cross-validation"
    assert small.metadata["proxies"]["cv_folds"] == 3
    big = fairscope.audit_dataset(big_planted_proxy(), sensitive_features="group", proxy_cv=3)
    model = big.tables["proxy_model"].iloc[0]
    assert model["cv_folds"] == 3 and model["auc_std"] > 0 and np.isnan(model["auc_se"])
    # three folds of 3,000 held-out rows, 2,000 of them for the importance
    assert (big.tables["proxies"]["importance_rows"] == 6000).all()


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3"])
def test_proxy_cv_must_be_none_one_or_a_number_of_folds(bad):
    with pytest.raises(ValueError, match="proxy_cv must be None"):
        fairscope.audit_dataset(planted_proxy(n=200), sensitive_features="group", proxy_cv=bad)
