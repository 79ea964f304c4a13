"""Specification of fairscope.audit_dataset on the Adult data and on planted synthetic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fairscope
from fairscope.core._counts import GroupCounts

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip


def read_adult(path, skiprows=0) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        header=None,
        names=ADULT_COLUMNS,
        skipinitialspace=True,
        na_values="?",
        skiprows=skiprows,
    )
    frame["income"] = frame["income"].str.rstrip(".")
    return frame


@pytest.fixture(scope="module")
def adult(adult_dir) -> pd.DataFrame:
    return read_adult(adult_dir / "adult.data")


@pytest.fixture(scope="module")
def adult_result(adult) -> fairscope.AuditResult:
    return fairscope.audit_dataset(
        adult,
        target="income",
        pos_label=">50K",
        sensitive_features=["sex", "race"],
        proxies=False,
        reweigh=True,
    )


def rows_of(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= (table[key] == value).to_numpy()
    return table[mask]


# -- label bias on Adult (published figures) -----------------------------------------------


def test_adult_base_rates_by_sex_match_the_published_counts(adult_result):
    rates = rows_of(adult_result.tables["base_rates"], feature="sex").set_index("group")
    assert rates.loc["Male", ["count", "n"]].tolist() == [6662, 21790]
    assert rates.loc["Female", ["count", "n"]].tolist() == [1179, 10771]
    assert rates.loc["Male", "value"] == pytest.approx(0.305737, abs=5e-7)
    assert rates.loc["Female", "value"] == pytest.approx(0.109461, abs=5e-7)


def test_adult_base_rate_disparity_is_against_the_largest_group(adult_result):
    female = rows_of(adult_result.tables["base_rates"], feature="sex", group="Female").iloc[0]
    assert female["reference"] == "Male"
    assert female["difference"] == pytest.approx(1179 / 10771 - 6662 / 21790, abs=1e-15)
    assert female["ratio"] == pytest.approx((1179 / 10771) / (6662 / 21790), abs=1e-15)
    assert female["difference_lower"] < female["difference"] < female["difference_upper"]
    assert adult_result.metadata["reference_groups"]["sex"] == "Male"


def test_base_rate_test_is_pearson_chi_square_against_the_reference(adult_result):
    female = rows_of(adult_result.tables["base_rates"], feature="race", group="Black").iloc[0]
    white = rows_of(adult_result.tables["base_rates"], feature="race", group="White").iloc[0]
    table = [
        [female["count"], female["n"] - female["count"]],
        [white["count"], white["n"] - white["count"]],
    ]
    expected = stats.chi2_contingency(table, correction=False)[1]
    assert female["p_value"] == pytest.approx(expected, rel=1e-10)
    assert female["test"] == "z-test"  # the pooled z-test: Pearson's chi-square of the 2x2 table


def test_adult_overall_base_rate_over_train_and_test_is_the_published_23_93_percent(adult_dir):
    both = pd.concat(
        [read_adult(adult_dir / "adult.data"), read_adult(adult_dir / "adult.test", skiprows=1)],
        ignore_index=True,
    )
    result = fairscope.audit_dataset(
        both, target="income", pos_label=">50K", sensitive_features="sex", proxies=False
    )
    overall = rows_of(result.tables["base_rates"], group="<overall>").iloc[0]
    assert overall["n"] == 48_842
    assert round(overall["value"] * 100, 2) == 23.93


def test_adult_missingness_per_group_matches_pandas(adult, adult_result):
    table = adult_result.tables["missingness"]
    for column in ("workclass", "occupation", "native-country"):
        expected = adult[column].isna().groupby(adult["sex"]).sum()
        got = rows_of(table, feature="sex", column=column).set_index("group")["n_missing"]
        assert got.loc["Female"] == expected["Female"]
        assert got.loc["Male"] == expected["Male"]
        assert got.loc["<overall>"] == adult[column].isna().sum()


def test_adult_reweighing_equalizes_weighted_base_rates(adult_result):
    table = adult_result.tables["reweighing"]
    overall = 7841 / 32561
    np.testing.assert_allclose(table["weighted_base_rate"], overall, rtol=0, atol=1e-12)
    assert not np.allclose(table["base_rate"], overall)


def test_adult_statistics_hold_label_counts_for_policies(adult_result):
    counts = adult_result.statistics["sex"]
    assert isinstance(counts, GroupCounts)
    frame = counts.to_frame()
    # the label stands in for the prediction: only TN and TP cells are filled
    assert frame.loc["Male", "tp"] == 6662 and frame.loc["Male", "fp"] == 0
    assert set(adult_result.statistics) == {"sex", "race", "sex & race"}


def test_result_is_a_dataset_audit_with_provenance(adult_result):
    assert (adult_result.kind, adult_result.task) == ("dataset", "dataset")
    assert {"representation", "base_rates", "missingness", "proxies", "feature_shift"} <= set(
        adult_result.tables
    )
    meta = adult_result.metadata
    assert meta["n_rows"] == 32561
    assert meta["target_type"] == "binary" and meta["pos_label"] == ">50K"
    assert meta["feature_sets"] == ["sex", "race", "sex & race"]
    assert "scikit-learn" in adult_result.reproducibility
    for name in ("representation", "base_rates", "missingness", "feature_shift"):
        assert list(adult_result.tables[name].columns[:2]) == ["feature", "group"]


# -- representation ------------------------------------------------------------------------


def small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sex": ["f"] * 40 + ["m"] * 60,
            "race": ["a"] * 40 + ["a"] * 50 + ["b"] * 10,
            "x": np.arange(100, dtype=float),
        }
    )


def test_representation_counts_shares_and_empty_intersections():
    result = fairscope.audit_dataset(
        small_frame(), sensitive_features=["sex", "race"], proxies=False
    )
    rep = result.tables["representation"].set_index(["feature", "group"])
    assert rep.loc[("sex", "f"), "n"] == 40
    assert rep.loc[("sex", "m"), "share"] == pytest.approx(0.6)
    assert rep.loc[("sex & race", "sex=m & race=b"), "status"] == "small"
    empty = rep.loc[("sex & race", "sex=f & race=b")]
    assert (empty["n"], empty["status"]) == (0, "empty")
    assert result.metadata["empty_intersections"] == {"sex & race": 1}


def test_reference_population_ratio_and_goodness_of_fit():
    frame = small_frame()
    result = fairscope.audit_dataset(
        frame,
        sensitive_features="sex",
        reference_population={"sex": {"f": 0.5, "m": 0.5}},
        proxies=False,
    )
    rep = result.tables["representation"].set_index("group")
    assert rep.loc["f", "representation_ratio"] == pytest.approx(0.8)
    assert rep.loc["m", "representation_ratio"] == pytest.approx(1.2)
    test = result.tables["representation_tests"].iloc[0]
    expected = stats.chisquare([40, 60], [50, 50])
    assert test["statistic"] == pytest.approx(expected.statistic)
    assert test["p_value"] == pytest.approx(expected.pvalue)


def test_reference_population_must_sum_to_one():
    with pytest.raises(ValueError, match=r"sum to 0\.7000"):
        fairscope.audit_dataset(
            small_frame(),
            sensitive_features="sex",
            reference_population={"sex": {"f": 0.3, "m": 0.4}},
        )


def test_reference_population_must_name_every_observed_group():
    with pytest.raises(ValueError, match=r"no share for the group\(s\) \['m'\]"):
        fairscope.audit_dataset(
            small_frame(), sensitive_features="sex", reference_population={"sex": {"f": 1.0}}
        )


def test_reference_population_groups_absent_from_the_data_are_listed():
    result = fairscope.audit_dataset(
        small_frame(),
        sensitive_features="sex",
        reference_population={"sex": {"f": 0.4, "m": 0.5, "x": 0.1}},
        proxies=False,
    )
    rep = result.tables["representation"].set_index("group")
    assert rep.loc["x", "n"] == 0 and rep.loc["x", "status"] == "empty"
    assert result.tables["representation_tests"].iloc[0]["groups_absent_from_data"] == "x"


# -- missingness ---------------------------------------------------------------------------


def planted_missingness(n=4000, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b"], size=n, p=[0.6, 0.4])
    income = rng.normal(50, 10, size=n)
    income[(group == "b") & (rng.random(n) < 0.30)] = np.nan
    income[(group == "a") & (rng.random(n) < 0.05)] = np.nan
    even = rng.normal(size=n)
    even[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({"group": group, "income": income, "even": even})


def test_planted_missingness_disparity_is_flagged():
    result = fairscope.audit_dataset(
        planted_missingness(), sensitive_features="group", proxies=False
    )
    table = result.tables["missingness"]
    b_income = rows_of(table, column="income", group="b").iloc[0]
    assert b_income["flagged"]
    assert b_income["ratio"] > 4
    assert b_income["p_value_adjusted"] < 1e-10


def test_equal_missingness_is_not_flagged():
    result = fairscope.audit_dataset(
        planted_missingness(), sensitive_features="group", proxies=False
    )
    assert not rows_of(result.tables["missingness"], column="even")["flagged"].any()


def test_missing_target_rows_are_counted_not_dropped_silently():
    frame = small_frame().assign(y=[1.0, np.nan, 0.0, 1.0] * 25)
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="sex", proxies=False)
    assert result.metadata["missing_target"] == 25
    assert any("missing in 25 rows" in w for w in result.metadata["warnings"])
    target_rows = rows_of(result.tables["missingness"], column="y", group="<overall>")
    assert target_rows.iloc[0]["n_missing"] == 25
    assert rows_of(result.tables["base_rates"], group="<overall>").iloc[0]["n"] == 75


# -- feature shift -------------------------------------------------------------------------


def test_feature_shift_standardized_mean_difference_by_hand():
    frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "x": [1.0, 2, 3, 4, 3, 4, 5, 6]})
    result = fairscope.audit_dataset(frame, sensitive_features="g", reference="a", proxies=False)
    shift = rows_of(result.tables["feature_shift"], group="b").iloc[0]
    var = np.var([1, 2, 3, 4], ddof=1)
    assert shift["measure"] == "smd"
    assert shift["value"] == pytest.approx(2 / np.sqrt(var), abs=1e-12)
    assert shift["flagged"]


def test_feature_shift_total_variation_distance_by_hand():
    frame = pd.DataFrame(
        {"g": ["a"] * 4 + ["b"] * 4, "c": ["u", "u", "v", "w", "u", "v", "v", "v"]}
    )
    result = fairscope.audit_dataset(frame, sensitive_features="g", reference="a", proxies=False)
    shift = rows_of(result.tables["feature_shift"], group="b").iloc[0]
    # a: u .5 v .25 w .25; b: u .25 v .75 -> TVD = (.25 + .5 + .25) / 2
    assert shift["measure"] == "tvd"
    assert shift["value"] == pytest.approx(0.5, abs=1e-15)


# -- targets of other types ----------------------------------------------------------------


def test_continuous_target_gets_means_with_welch_test():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"g": ["a"] * 200 + ["b"] * 100, "y": np.r_[rng.normal(0, 1, 200), rng.normal(0.5, 2, 100)]}
    )
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="g", proxies=False)
    assert result.metadata["target_type"] == "continuous"
    b = rows_of(result.tables["base_rates"], group="b").iloc[0]
    ya, yb = frame.y[:200], frame.y[200:]
    assert b["value"] == pytest.approx(yb.mean(), abs=1e-12)
    assert b["p_value"] == pytest.approx(stats.ttest_ind(yb, ya, equal_var=False).pvalue, rel=1e-9)
    t_half = stats.t.ppf(0.975, 99) * yb.std(ddof=1) / 10
    assert b["upper"] - b["value"] == pytest.approx(t_half, rel=1e-12)


def test_multiclass_target_gets_a_base_rate_per_class():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"] * 10, "y": ["x", "y", "z", "z"] * 10})
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="g", proxies=False)
    assert result.metadata["target_type"] == "multiclass"
    rates = rows_of(result.tables["base_rates"], group="b").set_index("class")["value"]
    assert rates.to_dict() == {"x": 0.0, "y": 0.0, "z": 1.0}


# -- bad input -----------------------------------------------------------------------------


def test_absent_target_column_is_a_clear_error():
    with pytest.raises(ValueError, match=r"target='label' is not a column of data"):
        fairscope.audit_dataset(small_frame(), target="label", sensitive_features="sex")


def test_absent_sensitive_column_is_a_clear_error():
    with pytest.raises(ValueError, match=r"'gender', which is not a column of data"):
        fairscope.audit_dataset(small_frame(), sensitive_features="gender")


def test_constant_target_is_reported_not_a_crash():
    frame = small_frame().assign(y=1)
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="sex", proxies=False)
    assert any("constant" in w for w in result.metadata["warnings"])
    assert rows_of(result.tables["base_rates"], group="f").iloc[0]["value"] == 1.0


def test_sensitive_feature_with_one_value_is_reported_not_a_crash():
    frame = small_frame().assign(country="x", y=[0, 1] * 50)
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="country")
    assert any("single value" in w for w in result.metadata["warnings"])
    assert set(result.tables["proxies"]["status"]) == {"one group only"}
    assert result.tables["proxy_model"].iloc[0]["status"] == "one group only"


def test_entirely_missing_feature_is_reported_not_a_crash():
    frame = small_frame().assign(empty=np.nan, y=[0, 1] * 50)
    result = fairscope.audit_dataset(frame, target="y", sensitive_features="sex", proxies=False)
    assert any("'empty' is entirely missing" in w for w in result.metadata["warnings"])
    proxy = rows_of(result.tables["proxies"], column="empty").iloc[0]
    assert proxy["status"] == "all missing"
    missing = rows_of(result.tables["missingness"], column="empty", group="f").iloc[0]
    assert missing["missing_rate"] == 1.0


def test_text_target_without_pos_label_asks_for_it():
    frame = small_frame().assign(y=["yes", "no"] * 50)
    with pytest.raises(ValueError, match="pass pos_label="):
        fairscope.audit_dataset(frame, target="y", sensitive_features="sex")


def test_target_cannot_be_listed_as_a_feature():
    frame = small_frame().assign(y=[0, 1] * 50)
    with pytest.raises(ValueError, match="never as a feature or proxy"):
        fairscope.audit_dataset(frame, target="y", sensitive_features="sex", features=["x", "y"])


def test_unknown_reference_group_is_a_clear_error_naming_the_groups():
    with pytest.raises(ValueError, match=r"reference group 'z' is not a group .*sex: 'f', 'm'"):
        fairscope.audit_dataset(small_frame(), sensitive_features="sex", reference="z")


def test_data_must_be_a_dataframe():
    with pytest.raises(TypeError, match="data= must be a pandas DataFrame"):
        fairscope.audit_dataset([[1, 2]], sensitive_features="sex")


# -- policy --------------------------------------------------------------------------------


def test_policy_is_applied_to_the_result(monkeypatch):
    from fairscope.audits import _dataset

    calls = []
    fake = lambda result, policy: calls.append((result, policy)) or result  # noqa: E731
    monkeypatch.setattr(_dataset, "apply_policy", fake)
    frame = small_frame().assign(y=[0, 1] * 50)
    result = fairscope.audit_dataset(
        frame, target="y", sensitive_features="sex", policy="four-fifths", proxies=False
    )
    assert calls == [(result, "four-fifths")]


def test_four_fifths_policy_judges_the_label_base_rates():
    frame = pd.DataFrame(
        {"g": ["a"] * 100 + ["b"] * 100, "y": [1] * 50 + [0] * 50 + [1] * 20 + [0] * 80}
    )
    result = fairscope.audit_dataset(
        frame, target="y", sensitive_features="g", policy="four-fifths", proxies=False
    )
    finding = next(f for f in result.findings if f.group == "b")
    assert finding.metric == "selection_rate"
    assert finding.value == pytest.approx(0.4)
    assert finding.status == "FAIL" and not result.passed


def test_reference_can_be_chosen_per_feature_set():
    result = fairscope.audit_dataset(
        small_frame(), sensitive_features=["sex", "race"], reference={"sex": "f"}, proxies=False
    )
    assert result.metadata["reference_groups"]["sex"] == "f"
    assert result.metadata["reference_groups"]["race"] == "a"  # largest elsewhere


def test_non_string_column_names_are_audited():
    frame = small_frame().rename(columns={"x": 0})
    result = fairscope.audit_dataset(frame, sensitive_features="sex", proxies=False)
    assert result.tables["proxies"]["column"].tolist() == ["0", "race"]
    assert rows_of(result.tables["feature_shift"], column="0")["measure"].iloc[0] == "smd"


def test_the_same_data_give_the_same_audit_by_default():
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame(
        {
            "group": rng.choice(["a", "b"], n),
            "x": rng.normal(size=n),
            "z": rng.choice(["u", "v", "w"], n),
            "y": rng.integers(0, 2, n),
        }
    )
    first = fairscope.audit_dataset(frame, target="y", sensitive_features="group")
    second = fairscope.audit_dataset(frame, target="y", sensitive_features="group")
    for name in ("proxies", "proxy_model"):
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
