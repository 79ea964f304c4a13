"""fairscope.mitigate: thin adapters that give exactly fairlearn's results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from fairscope import mitigate
from fairscope.datasets import make_credit_scoring

# the fairlearn oracles below warn under pandas 4 (fairlearn internals)
pytestmark = [
    pytest.mark.filterwarnings("ignore:Setting a value on a Series via .at"),
    pytest.mark.filterwarnings("ignore:Setting an item of incompatible dtype"),
]


@pytest.fixture(scope="module")
def lending():
    """A model learning from biased past approvals: it sees race, so it learns the bias."""
    df = make_credit_scoring(n=2_000, bias=0.8, random_state=11)
    X = pd.DataFrame(
        {
            "log_income": np.log(df["income"]),
            "debt_to_income": df["debt_to_income"],
            "credit_history_years": df["credit_history_years"],
            "late_payments": df["late_payments"],
            "black": (df["race"] == "Black").astype(float),
            "hispanic": (df["race"] == "Hispanic").astype(float),
        }
    )
    race = df["race"].where(df["race"].isin(["White", "Black", "Hispanic"]), "Other")
    return X, df["approved"], race


def model() -> LogisticRegression:
    return make_pipeline(StandardScaler(), LogisticRegression())


def tree() -> DecisionTreeClassifier:
    # exponentiated gradient refits its estimator dozens of times: keep each fit cheap
    return DecisionTreeClassifier(max_depth=4, random_state=0)


def test_threshold_optimizer_predicts_exactly_as_fairlearn(lending):
    X, y, race = lending
    ours = mitigate.threshold_optimizer(
        model(), X, y, sensitive_features=race, constraint="equalized_odds", random_state=3
    )
    theirs = ThresholdOptimizer(estimator=model(), constraints="equalized_odds").fit(
        X, y, sensitive_features=race
    )
    np.testing.assert_array_equal(
        ours.predict(X, sensitive_features=race),
        theirs.predict(X, sensitive_features=race, random_state=3),
    )


def test_threshold_optimizer_demographic_parity_equalizes_selection_rates(lending):
    X, y, race = lending
    unmitigated = model().fit(X, y).predict(X)
    fair = mitigate.threshold_optimizer(model(), X, y, sensitive_features=race)
    before = demographic_parity_difference(y, unmitigated, sensitive_features=race)
    after = demographic_parity_difference(y, fair.predict(X, race), sensitive_features=race)
    assert before > 0.2
    assert after < 0.05


def test_threshold_optimizer_equalized_odds_shrinks_the_error_rate_gaps(lending):
    X, y, race = lending
    unmitigated = model().fit(X, y).predict(X)
    fair = mitigate.threshold_optimizer(
        model(), X, y, sensitive_features=race, constraint="equalized_odds"
    )
    before = equalized_odds_difference(y, unmitigated, sensitive_features=race)
    after = equalized_odds_difference(y, fair.predict(X, race), sensitive_features=race)
    assert after < before / 2


def test_threshold_optimizer_reads_named_sensitive_columns_at_predict_time(lending):
    X, y, race = lending
    data = X.assign(race=race)
    numeric = ColumnTransformer([("numeric", StandardScaler(), list(X.columns))])
    estimator = make_pipeline(numeric, LogisticRegression())
    by_name = mitigate.threshold_optimizer(estimator, data, y, sensitive_features="race")
    by_array = mitigate.threshold_optimizer(estimator, data, y, sensitive_features=race)
    assert by_name.sensitive_columns == ["race"]
    assert by_array.sensitive_columns == []
    np.testing.assert_array_equal(by_name.predict(data), by_array.predict(data, race))


def test_threshold_optimizer_needs_groups_to_predict(lending):
    X, y, race = lending
    fair = mitigate.threshold_optimizer(model(), X, y, sensitive_features=race)
    assert fair.needs_sensitive_features
    with pytest.raises(ValueError, match="sensitive_features is required"):
        fair.predict(X)


def test_exponentiated_gradient_predicts_exactly_as_fairlearn(lending):
    X, y, race = lending
    ours = mitigate.exponentiated_gradient(
        tree(), X, y, sensitive_features=race, max_iter=8, random_state=5
    )
    theirs = ExponentiatedGradient(tree(), constraints=DemographicParity(), max_iter=8).fit(
        X, y, sensitive_features=race
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X, random_state=5))
    assert not ours.needs_sensitive_features


def test_exponentiated_gradient_equalized_odds_uses_the_equalized_odds_moment(lending):
    X, y, race = lending
    fair = mitigate.exponentiated_gradient(
        tree(), X, y, sensitive_features=race, constraint="equalized_odds", max_iter=8
    )
    assert isinstance(fair.mitigator_.constraints, EqualizedOdds)
    unmitigated = tree().fit(X, y).predict(X)
    before = equalized_odds_difference(y, unmitigated, sensitive_features=race)
    after = equalized_odds_difference(y, fair.predict(X), sensitive_features=race)
    assert after < before


def test_exponentiated_gradient_passes_the_difference_bound(lending):
    X, y, race = lending
    fair = mitigate.exponentiated_gradient(
        tree(), X, y, sensitive_features=race, difference_bound=0.05, max_iter=5
    )
    assert fair.mitigator_.constraints.eps == 0.05


@pytest.mark.parametrize(
    ("function", "constraint"),
    [
        (mitigate.threshold_optimizer, "error_rate_parity"),
        (mitigate.exponentiated_gradient, "true_negative_rate_parity"),
        (mitigate.threshold_optimizer, "fairness"),
    ],
)
def test_unsupported_constraint_names_the_supported_ones(lending, function, constraint):
    X, y, race = lending
    with pytest.raises(ValueError, match=f"constraint='{constraint}' is not supported"):
        function(model(), X, y, sensitive_features=race, constraint=constraint)


def test_unknown_sensitive_column_is_named(lending):
    X, y, _ = lending
    with pytest.raises(ValueError, match=r"columns \['gender'\] that X does not have"):
        mitigate.threshold_optimizer(model(), X, y, sensitive_features="gender")


def test_column_names_need_a_dataframe(lending):
    X, y, _ = lending
    with pytest.raises(ValueError, match="X is not a DataFrame"):
        mitigate.exponentiated_gradient(model(), X.to_numpy(), y, sensitive_features="race")
