"""Specification of the proxy analysis: mutual information and the proxy classifier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mutual_info_score, normalized_mutual_info_score

import fairscope
from fairscope.audits._proxies import (
    chance_information,
    chance_mutual_information,
    mutual_information,
    normalized_scores,
    proxy_strength,
    roc_auc,
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
