"""make_credit_scoring: columns, determinism and the documented effect of ``bias``."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=300),
    bias=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_any_size_and_bias_give_a_valid_frame(n, bias, seed):
    df = make_credit_scoring(n=n, bias=bias, random_state=seed)
    assert len(df) == n
    assert list(df.columns) == COLUMNS
    assert df["score"].between(0, 1).all()
    assert (df["approved"] == (df["score"] >= 0.5)).all()
    assert not df.isna().any().any()


def test_generator_is_accepted_as_random_state():
    df = make_credit_scoring(n=100, random_state=np.random.default_rng(0))
    assert len(df) == 100


# -- load_compas / load_adult ----------------------------------------------------------------

import hashlib  # noqa: E402

from fairscope import datasets  # noqa: E402
from fairscope.datasets import ADULT_COLUMNS, load_adult, load_compas  # noqa: E402


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network, an empty cache and no FAIRSCOPE_DATA_DIR; records download attempts."""
    attempts: list[str] = []

    def fail(url, timeout=None):
        attempts.append(url)
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(datasets, "_fetch", fail)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FAIRSCOPE_DATA_DIR", raising=False)
    return attempts


def test_compas_reproduces_propublica_contingency_tables(compas_csv, offline):
    df = load_compas(compas_csv.parent.parent)
    assert df.shape == (7214, 45)
    tables = pd.crosstab(df["race"], [df["two_year_recid"], df["high_risk"]])
    black = tables.loc["African-American"]
    white = tables.loc["Caucasian"]
    assert [black[(0, 0)], black[(0, 1)], black[(1, 0)], black[(1, 1)]] == [990, 805, 532, 1369]
    assert [white[(0, 0)], white[(0, 1)], white[(1, 0)], white[(1, 1)]] == [1139, 349, 461, 505]
    assert offline == []


def test_compas_accepts_the_file_itself_or_its_folder(compas_csv, offline):
    by_file = load_compas(compas_csv)
    by_folder = load_compas(compas_csv.parent)
    pd.testing.assert_frame_equal(by_file, by_folder)


def test_compas_is_found_through_fairscope_data_dir(compas_csv, offline, monkeypatch):
    monkeypatch.setenv("FAIRSCOPE_DATA_DIR", str(compas_csv.parent.parent))
    assert len(load_compas()) == 7214
    assert offline == []


def test_compas_has_no_personal_identifiers(compas_csv, offline):
    df = load_compas(compas_csv)
    assert not set(datasets.COMPAS_IDENTIFIERS) & set(df.columns)


def test_compas_checksum_mismatch_is_an_error(compas_csv, offline, tmp_path):
    changed = tmp_path / "compas-scores-two-years.csv"
    changed.write_bytes(compas_csv.read_bytes().replace(b"Caucasian", b"caucasian", 1))
    with pytest.raises(ValueError, match=r"(?s)sha256 .* expected bef60d96.*verify=False"):
        load_compas(changed)
    assert len(load_compas(changed, verify=False)) == 7214


def test_compas_offline_fails_fast_saying_where_to_put_the_file(offline):
    with pytest.raises(FileNotFoundError) as info:
        load_compas()
    message = str(info.value)
    assert "compas-scores-two-years.csv" in message
    assert "FAIRSCOPE_DATA_DIR" in message
    assert "path=<folder>" in message
    assert "Temporary failure in name resolution" in message
    assert offline == [datasets.COMPAS_URL]


def test_compas_with_download_off_does_not_try_the_network(offline):
    with pytest.raises(FileNotFoundError, match="download=False"):
        load_compas(download=False)
    assert offline == []


def test_compas_missing_explicit_path_is_not_downloaded(offline, tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "compas")):
        load_compas(tmp_path)
    assert offline == []


def test_compas_download_is_deidentified_verified_and_cached(compas_csv, monkeypatch, tmp_path):
    # ProPublica's original layout: identifiers present and two columns duplicated
    shared = pd.read_csv(compas_csv)
    original = shared.copy()
    original.insert(1, "name", "someone")
    original.insert(2, "dob", "1980-01-01")
    original["decile_score.1"] = original["decile_score"]
    text = original.to_csv(index=False).replace("decile_score.1", "decile_score").encode()
    calls: list[str] = []

    def fetch(url, timeout=None):
        calls.append(url)
        return text

    monkeypatch.setattr(datasets, "_fetch", fetch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("FAIRSCOPE_DATA_DIR", raising=False)
    first = load_compas()
    second = load_compas()  # from the cache
    assert calls == [datasets.COMPAS_URL]
    cached = tmp_path / "fairscope" / "compas" / "compas-scores-two-years.csv"
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == datasets.COMPAS_SHA256
    assert "name" not in first.columns
    pd.testing.assert_frame_equal(first, second)


def test_compas_download_with_other_content_is_rejected_and_not_cached(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "_fetch", lambda url, timeout=None: b"a,b\n1,2\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("FAIRSCOPE_DATA_DIR", raising=False)
    with pytest.raises(ValueError, match="does not have the expected content"):
        load_compas()
    assert not (tmp_path / "fairscope" / "compas").exists()


def test_adult_reads_the_documented_columns_and_row_counts(adult_dir, offline):
    train = load_adult(adult_dir)
    test = load_adult(adult_dir, split="test")
    assert list(train.columns) == list(ADULT_COLUMNS)
    assert (len(train), len(test)) == (32_561, 16_281)
    assert set(test["income"]) == {"<=50K", ">50K"}
    assert set(train["income"]) == {"<=50K", ">50K"}


def test_adult_both_reproduces_the_published_share_of_high_incomes(adult_dir, offline):
    both = load_adult(adult_dir.parent, split="both")
    assert len(both) == 48_842
    assert round((both["income"] == ">50K").mean() * 100, 2) == 23.93
    assert both["split"].value_counts().to_dict() == {"train": 32_561, "test": 16_281}


def test_adult_unknown_values_are_missing_not_dropped(adult_dir, offline):
    train = load_adult(adult_dir)
    assert train["workclass"].isna().sum() == 1836
    assert train["occupation"].isna().sum() == 1843
    assert train["native-country"].isna().sum() == 583
    assert train["sex"].str.startswith(" ").sum() == 0


def test_adult_rejects_an_unknown_split(adult_dir):
    with pytest.raises(ValueError, match="split must be 'train', 'test' or 'both'; got 'valid'"):
        load_adult(adult_dir, split="valid")


def test_adult_checksum_mismatch_is_an_error(adult_dir, offline, tmp_path):
    (tmp_path / "adult.data").write_bytes((adult_dir / "adult.data").read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"md5 .* expected 5d7c39d7"):
        load_adult(tmp_path)


def test_adult_offline_fails_fast_saying_where_to_put_the_files(offline):
    with pytest.raises(FileNotFoundError, match=r"(?s)adult\.data not found.*FAIRSCOPE_DATA_DIR"):
        load_adult()
    assert offline == [datasets.ADULT_URL + "adult.data"]


def test_adult_download_is_verified_and_cached(adult_dir, monkeypatch, tmp_path):
    monkeypatch.setattr(
        datasets,
        "_fetch",
        lambda url, timeout=None: (adult_dir / url.rsplit("/", 1)[1]).read_bytes(),
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("FAIRSCOPE_DATA_DIR", raising=False)
    assert len(load_adult(split="both")) == 48_842
    assert (tmp_path / "fairscope" / "adult" / "adult.test").is_file()


def test_adult_a_file_as_path_is_rejected_with_the_fix(adult_dir):
    with pytest.raises(ValueError, match=r"is a file.*pass that folder"):
        load_adult(adult_dir / "adult.names")


def test_fetch_refuses_plain_http():
    with pytest.raises(ValueError, match="non-https"):
        datasets._fetch("http://example.org/x.csv")
