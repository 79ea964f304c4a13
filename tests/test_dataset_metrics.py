"""Dataset bias measures: AIF360 itself (pinned values) and hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairscope.dataset_metrics import (
    class_imbalance,
    conditional_demographic_disparity,
    kl_divergence,
    smoothed_empirical_differential_fairness,
)


def _random(seed: int = 16, n: int = 400):
    rng = np.random.default_rng(seed)
    y_true, _ = rng.integers(0, 2, n), rng.integers(0, 2, n)
    race = rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2])
    sex = rng.integers(0, 2, n)
    rng.normal(size=(n, 3))  # X of the oracle script, drawn to keep the stream aligned
    weight = rng.random(n) * 2
    return y_true, race, sex, weight


# Oracle values: aif360 0.6.1, aif360.sklearn.metrics.{class_imbalance, kl_divergence,
# smoothed_edf} on _random(16), computed in a separate venv (y_true indexed by race, sex).
def test_class_imbalance_equals_aif360():
    y, _, sex, w = _random()
    assert class_imbalance(y, sensitive_features=sex, privileged_groups=1) == pytest.approx(
        -0.03, abs=1e-15
    )
    ours = class_imbalance(y, sensitive_features=sex, privileged_groups=1, sample_weight=w)
    assert ours == pytest.approx(-0.021356501622993594, rel=1e-12)


def test_kl_divergence_equals_aif360():
    y, _, sex, w = _random()
    ours = kl_divergence(y, sensitive_features=sex, privileged_groups=1)
    assert ours == pytest.approx(0.00013516386646731868, rel=1e-10)
    ours = kl_divergence(y, sensitive_features=sex, privileged_groups=0, sample_weight=w)
    assert ours == pytest.approx(0.0001492778930585626, rel=1e-10)


def test_smoothed_edf_equals_aif360():
    y, race, sex, w = _random()
    ours = smoothed_empirical_differential_fairness(
        y, sensitive_features={"race": race, "sex": sex}
    )
    assert ours == pytest.approx(0.2204708618286655, rel=1e-12)
    ours = smoothed_empirical_differential_fairness(
        y, sensitive_features=race, concentration=2.0, sample_weight=w
    )
    assert ours == pytest.approx(0.19137495890153966, rel=1e-12)


def test_class_imbalance_with_a_union_of_privileged_values_by_hand():
    # privileged {a, c}: 3 rows; other: 2 rows -> (2 - 3) / 5
    groups = ["a", "b", "c", "a", "b"]
    assert class_imbalance(sensitive_features=groups, privileged_groups=["a", "c"]) == -0.2


def test_kl_divergence_by_hand_and_infinite_when_support_differs():
    assert kl_divergence(
        [1, 1, 0, 1, 0, 0], sensitive_features=[1, 1, 1, 0, 0, 0]
    ) == pytest.approx(np.log(2) / 3)
    assert kl_divergence([1, 0, 0, 0], sensitive_features=[1, 1, 0, 0]) == np.inf


def test_conditional_demographic_disparity_by_hand():
    # Wachter et al. / SageMaker Clarify: stratum x DD_a = 1/2 - 1/2 = 0, stratum y
    # DD_a = 2/2 - 0/2 = 1; CDD_a = (4 * 0 + 4 * 1) / 8
    cdd = conditional_demographic_disparity(
        [0, 1, 0, 1, 0, 0, 1, 1], sensitive_features=list("aabbaabb"), strata=list("xxxxyyyy")
    )
    assert cdd.to_dict() == {"a": 0.5, "b": -0.5}


def test_conditional_demographic_disparity_weights_strata_by_size():
    # women apply mostly to the harder department; within the easy one their shares of
    # rejections and admissions match (DD 0), so only the hard department counts
    dept = ["hard"] * 10 + ["easy"] * 10
    sex = ["f"] * 8 + ["m"] * 2 + ["f"] * 2 + ["m"] * 8
    admitted = [1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0]
    weighted = conditional_demographic_disparity(admitted, sensitive_features=sex, strata=dept)
    # hard: f rejected 6/7, admitted 2/3 -> DD 0.190; easy: f rejected 1/5, admitted 1/5 -> 0
    expected_f = (10 * (6 / 7 - 2 / 3) + 10 * (1 / 5 - 1 / 5)) / 20
    assert weighted["f"] == pytest.approx(expected_f)
    assert weighted.sum() == pytest.approx(0.0)


def test_smoothed_edf_by_hand_and_unsmoothed_limit():
    # rates (1 + .5) / 3 = .5 and .5 / 3: epsilon = max(ln 3, ln(5/6 / .5)) = ln 3
    eps = smoothed_empirical_differential_fairness([1, 0, 0, 0], sensitive_features=list("aabb"))
    assert eps == pytest.approx(np.log(3))
    raw = smoothed_empirical_differential_fairness(
        [1, 0, 1, 1, 0, 0], sensitive_features=list("aaabbb"), concentration=0.0
    )
    assert raw == pytest.approx(max(np.log((2 / 3) / (1 / 3)), np.log((2 / 3) / (1 / 3))))


def test_unknown_privileged_group_names_the_groups():
    with pytest.raises(ValueError, match=r"groups are \['a', 'b'\]"):
        class_imbalance(sensitive_features=["a", "b"], privileged_groups="z")


def test_series_inputs_are_accepted():
    y = pd.Series([1, 0, 1, 0])
    sex = pd.Series(["m", "f", "m", "f"], name="sex")
    assert kl_divergence(y, sensitive_features=sex, privileged_groups="m") == np.inf


# -- the dataset_metrics table of audit_dataset ------------------------------------------------


def test_audit_dataset_table_equals_the_functions_with_weights_and_strata():
    import fairscope

    rng = np.random.default_rng(5)
    n = 600
    df = pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], n),
            "race": rng.choice(["x", "y", "z"], n),
            "y": rng.integers(0, 2, n),
            "dept": rng.choice(["a", "b", "c"], n),
            "w": rng.random(n) * 2,
            "x": rng.normal(size=n),
        }
    )
    result = fairscope.audit_dataset(
        df,
        target="y",
        sensitive_features=["sex", "race"],
        sample_weight="w",
        strata="dept",
        proxies=False,
    )
    table = result.tables["dataset_metrics"].set_index(["feature", "group", "metric"])["value"]
    assert "w" not in result.metadata["features"] and "dept" not in result.metadata["features"]
    for group in ("x", "y", "z"):
        kw = {"sensitive_features": df.race, "privileged_groups": group, "sample_weight": df.w}
        assert table["race", group, "class_imbalance"] == pytest.approx(class_imbalance(**kw))
        assert table["race", group, "kl_divergence"] == pytest.approx(kl_divergence(df.y, **kw))
    cdd = conditional_demographic_disparity(
        df.y, sensitive_features=df.race, strata=df.dept, sample_weight=df.w
    )
    for group in ("x", "y", "z"):
        assert table["race", group, "conditional_demographic_disparity"] == pytest.approx(
            cdd[group]
        )
    intersections = {"sex": df.sex, "race": df.race}
    assert table["sex & race", "<all groups>", "smoothed_empirical_differential_fairness"] == (
        pytest.approx(
            smoothed_empirical_differential_fairness(
                df.y, sensitive_features=intersections, sample_weight=df.w
            )
        )
    )


def test_many_groups_and_strata_do_not_overflow_the_codes():
    rng = np.random.default_rng(10)
    y = rng.integers(0, 2, 3000)
    groups, strata = rng.integers(0, 100, 3000), rng.integers(0, 60, 3000)
    cdd = conditional_demographic_disparity(y, sensitive_features=groups, strata=strata)
    assert cdd.sum() == pytest.approx(0.0, abs=1e-12)
    # CDD is the size-weighted mean of the strata's DD, here by hand
    by_hand = (
        sum(
            stratum_size
            * np.array(
                [
                    ((groups == g) & (y == 0) & (strata == s)).sum()
                    / ((y == 0) & (strata == s)).sum()
                    - ((groups == g) & (y == 1) & (strata == s)).sum()
                    / ((y == 1) & (strata == s)).sum()
                    for g in range(100)
                ]
            )
            for s, stratum_size in ((s, (strata == s).sum()) for s in range(60))
        )
        / 3000
    )
    assert np.allclose(cdd.to_numpy(), by_hand)


# -- AIF360's published values on Adult -----------------------------------------------------------

_ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip


def _adult_test(adult_dir):
    # AIF360's AdultDataset test split: the 16,281 rows of adult.test; its custom preprocessing
    # fills missing values with "Unknown", so no row is dropped
    df = pd.read_csv(adult_dir / "adult.test", names=_ADULT_COLUMNS, skiprows=1,
                     skipinitialspace=True, na_values="?")  # fmt: skip
    assert len(df) == 16_281
    return df, df["income"].str.startswith(">50K").astype(int)


def test_smoothed_edf_equals_aif360s_published_value_on_adult_binary_groups(adult_dir):
    # AIF360 tests/test_differential_fairness.py, test_epsilon_dataset_binary_groups:
    # `assert eps_data == 1.53679014653623`, protected race (White), sex (Male) and
    # native-country (United-States), each privileged value against all others
    df, y = _adult_test(adult_dir)
    groups = {
        "race": df["race"] == "White",
        "sex": df["sex"] == "Male",
        "native-country": df["native-country"] == "United-States",
    }
    eps = smoothed_empirical_differential_fairness(y, sensitive_features=groups)
    assert eps == pytest.approx(1.53679014653623, rel=1e-13)


def test_smoothed_edf_equals_aif360s_published_value_on_adult_all_races(adult_dir):
    # test_epsilon_all_groups: `assert eps_data == 2.063813731996515`; the numeric race-num
    # keeps its five values, sex and native-country are binarized
    df, y = _adult_test(adult_dir)
    groups = {
        "sex": df["sex"] == "Male",
        "native-country": df["native-country"] == "United-States",
        "race": df["race"],
    }
    eps = smoothed_empirical_differential_fairness(y, sensitive_features=groups)
    assert eps == pytest.approx(2.063813731996515, rel=1e-13)
