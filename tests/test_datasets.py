"""make_credit_scoring: columns, determinism and the documented effect of ``bias``."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from fairscope.datasets import _bias_penalty, _legitimate_logit, make_credit_scoring

COLUMNS = [
    "sex",
    "race",
    "age_group",
    "income",
    "debt_to_income",
    "credit_history_years",
    "late_payments",
    "loan_amount",
    "employment",
    "zip_region",
    "repaid",
    "score",
    "approved",
]


@pytest.fixture(scope="module")
def unbiased() -> pd.DataFrame:
    return make_credit_scoring(n=40_000, bias=0.0, random_state=7)


@pytest.fixture(scope="module")
def biased() -> pd.DataFrame:
    return make_credit_scoring(n=40_000, bias=0.8, random_state=7)


def approval_ratio(frame: pd.DataFrame, group: str, reference: str = "White") -> float:
    rates = frame.groupby("race")["approved"].mean()
    return float(rates[group] / rates[reference])


def test_columns_and_dtypes_follow_the_contract():
    df = make_credit_scoring(n=500, random_state=0)
    assert list(df.columns) == COLUMNS
    assert len(df) == 500
    for name in ("income", "debt_to_income", "credit_history_years", "loan_amount", "score"):
        assert df[name].dtype == np.float64, name
    for name in ("late_payments", "repaid", "approved"):
        assert df[name].dtype == np.int64, name
    for name in ("sex", "race", "age_group", "employment", "zip_region"):
        assert pd.api.types.is_string_dtype(df[name]), name


def test_categories_are_the_documented_ones(unbiased):
    assert set(unbiased["sex"]) == {"female", "male"}
    assert set(unbiased["race"]) == {"White", "Black", "Hispanic", "Asian", "Other"}
    assert set(unbiased["age_group"]) == {"<25", "25-60", ">60"}
    assert set(unbiased["employment"]) == {"employed", "self-employed", "unemployed", "retired"}
    assert set(unbiased["zip_region"]) == {"north", "south", "east", "west", "central"}


def test_values_are_in_their_ranges(unbiased):
    assert unbiased["score"].between(0, 1).all()
    assert unbiased["debt_to_income"].between(0, 0.95).all()
    assert unbiased["loan_amount"].between(1_000, 500_000).all()
    assert (unbiased["income"] > 0).all()
    assert (unbiased["late_payments"] >= 0).all()
    assert set(unbiased["repaid"]) == {0, 1}


def test_approved_is_score_at_least_one_half(biased):
    assert (biased["approved"] == (biased["score"] >= 0.5).astype(int)).all()


def test_marginals_are_realistic(unbiased):
    assert 0.45 < (unbiased["sex"] == "female").mean() < 0.51
    assert 0.58 < (unbiased["race"] == "White").mean() < 0.62
    assert 0.70 < unbiased["repaid"].mean() < 0.85
    assert 30_000 < unbiased["income"].median() < 60_000


def test_same_random_state_gives_identical_frames():
    a = make_credit_scoring(n=2_000, bias=0.3, random_state=42)
    b = make_credit_scoring(n=2_000, bias=0.3, random_state=42)
    pd.testing.assert_frame_equal(a, b)


def test_different_random_states_give_different_frames():
    a = make_credit_scoring(n=2_000, random_state=1)
    b = make_credit_scoring(n=2_000, random_state=2)
    assert not a["income"].equals(b["income"])


def test_bias_changes_only_the_model_outputs(unbiased, biased):
    data_columns = COLUMNS[:-2]
    pd.testing.assert_frame_equal(unbiased[data_columns], biased[data_columns])


def test_bias_leaves_the_advantaged_groups_scores_unchanged(unbiased, biased):
    advantaged = _bias_penalty(unbiased) == 0
    assert advantaged.sum() > 1_000
    np.testing.assert_allclose(
        unbiased["score"][advantaged], biased["score"][advantaged], rtol=0, atol=1e-15
    )


def test_bias_lowers_the_log_odds_by_bias_times_the_documented_penalty(unbiased, biased):
    def logit(p):
        return np.log(p / (1 - p))

    shift = logit(unbiased["score"].to_numpy()) - logit(biased["score"].to_numpy())
    # a Black woman under 25 in the south: 1.2 + 0.5 + 0.6 + 0.4 log-odds at bias 1
    row = (
        (unbiased["race"] == "Black")
        & (unbiased["sex"] == "female")
        & (unbiased["age_group"] == "<25")
        & (unbiased["zip_region"] == "south")
    ).to_numpy()
    assert row.any()
    np.testing.assert_allclose(shift[row], 0.8 * 2.7, atol=1e-9)


def test_without_bias_the_model_error_does_not_depend_on_the_group(unbiased):
    # score = logistic(eta + e): the error e must average zero in every group
    logit = np.log(unbiased["score"] / (1 - unbiased["score"]))
    error = logit - _legitimate_logit(unbiased)
    for feature in ("race", "sex", "age_group", "zip_region"):
        means = error.groupby(unbiased[feature]).mean()
        sizes = unbiased[feature].value_counts()
        # 4 standard errors of a mean of Normal(0, 0.35) errors
        assert (means.abs() < 4 * 0.35 / np.sqrt(sizes[means.index])).all(), feature


def test_bias_lowers_the_approval_ratio_of_disadvantaged_groups(unbiased, biased):
    for group in ("Black", "Hispanic"):
        assert approval_ratio(biased, group) < approval_ratio(unbiased, group) - 0.15
    women = biased.groupby("sex")["approved"].mean()
    women0 = unbiased.groupby("sex")["approved"].mean()
    assert women["female"] / women["male"] < women0["female"] / women0["male"]


def test_the_approval_ratio_falls_as_bias_rises():
    ratios = [
        approval_ratio(make_credit_scoring(n=20_000, bias=b, random_state=3), "Black")
        for b in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert all(later < earlier for earlier, later in itertools.pairwise(ratios))


def test_repayment_does_not_depend_on_bias():
    a = make_credit_scoring(n=3_000, bias=0.0, random_state=5)
    b = make_credit_scoring(n=3_000, bias=1.0, random_state=5)
    assert a["repaid"].equals(b["repaid"])


def test_zip_region_is_a_proxy_for_race(unbiased):
    share_south = (unbiased["zip_region"] == "south").groupby(unbiased["race"]).mean()
    assert share_south["Black"] > 3 * share_south["White"]


@pytest.mark.parametrize("bias", [-0.1, 1.5, "high", float("nan"), None])
def test_bias_outside_zero_one_is_rejected(bias):
    with pytest.raises(ValueError, match="bias must be a number in \\[0, 1\\]"):
        make_credit_scoring(n=10, bias=bias)


@pytest.mark.parametrize("n", [0, -5, 2.5, True, "100"])
def test_n_must_be_a_positive_integer(n):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        make_credit_scoring(n=n)


def test_generator_is_accepted_as_random_state():
    df = make_credit_scoring(n=100, random_state=np.random.default_rng(0))
    assert len(df) == 100
