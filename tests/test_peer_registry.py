"""The peers' comparisons as registry metrics: each group against all other rows pooled.

The oracle of every per-group value is the peer-named function of fairscope.metrics
(pinned against AIF360, holisticai and dalex in test_peer_metrics.py) called with
``privileged_groups=`` every other group.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope import GroupMetrics
from fairscope.metrics import (
    average_odds_difference,
    cohens_d,
    disparate_impact_ratio,
    get_metric,
    parity_loss,
    statistical_parity_auc,
    statistical_parity_difference,
    z_score_difference,
)

GROUPS = ("a", "b", "c", "d")


def _binary(seed: int, n: int = 600):
    rng = np.random.default_rng(seed)
    groups = rng.choice(GROUPS, n, p=[0.4, 0.3, 0.2, 0.1])
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.uniform(size=n) < np.where(groups == "a", 0.55, 0.35)).astype(int)
    weights = rng.uniform(0.2, 3.0, n)
    return y_true, y_pred, groups, weights


def _others(group: str) -> list[str]:
    return [g for g in GROUPS if g != group]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_each_group_against_the_rest_equals_the_aif360_named_functions(seed, weighted):
    y_true, y_pred, groups, weights = _binary(seed)
    w = weights if weighted else None
    names = ["disparate_impact_ratio", "statistical_parity_difference", "average_odds_difference"]
    gm = GroupMetrics(y_true, y_pred, groups, metrics=names, sample_weight=w, min_group_size=0)
    for group in GROUPS:
        sides = {"sensitive_features": groups, "privileged_groups": _others(group)}
        row = gm.by_group.loc[group]
        expected = disparate_impact_ratio(y_true, y_pred, **sides, sample_weight=w)
        assert row["disparate_impact_ratio"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
        expected = statistical_parity_difference(y_true, y_pred, **sides, sample_weight=w)
        assert row["statistical_parity_difference"] == pytest.approx(expected, abs=1e-12)
        expected = average_odds_difference(y_true, y_pred, **sides, sample_weight=w)
        assert row["average_odds_difference"] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_cohens_d_of_each_group_equals_holisticai_convention(weighted):
    y_true, y_pred, groups, weights = _binary(3)
    w = weights if weighted else None
    gm = GroupMetrics(y_true, y_pred, groups, metrics=["cohen_d"], sample_weight=w)
    for group in GROUPS:
        expected = cohens_d(
            y_pred, sensitive_features=groups, privileged_groups=_others(group), sample_weight=w
        )
        assert gm.by_group.loc[group, "cohens_d"] == pytest.approx(expected, abs=1e-12)


def test_two_groups_give_the_function_with_one_privileged_value():
    y_true, y_pred, groups, _ = _binary(4)
    two = np.where(groups == "a", "a", "b")
    gm = GroupMetrics(y_true, y_pred, two, metrics=["statistical_parity_difference"])
    expected = statistical_parity_difference(
        y_true, y_pred, sensitive_features=two, privileged_groups="b"
    )
    assert gm.by_group.loc["a", "statistical_parity_difference"] == pytest.approx(expected)
    # and the other way round: the two values are opposite
    assert gm.by_group.loc["b", "statistical_parity_difference"] == pytest.approx(-expected)


def test_the_overall_row_is_parity():
    y_true, y_pred, groups, weights = _binary(5)
    names = ["disparate_impact_ratio", "spd", "aod", "cohens_d"]
    gm = GroupMetrics(y_true, y_pred, groups, metrics=names, sample_weight=weights)
    assert gm.overall.to_dict() == {
        "disparate_impact_ratio": 1.0,
        "statistical_parity_difference": 0.0,
        "average_odds_difference": 0.0,
        "cohens_d": 0.0,
    }


@pytest.mark.parametrize("weighted", [False, True])
def test_parity_loss_terms_add_up_to_dalex_parity_loss(weighted):
    y_true, y_pred, groups, weights = _binary(6)
    w = weights if weighted else None
    gm = GroupMetrics(y_true, y_pred, groups, metrics=["parity_loss"], sample_weight=w)
    expected = parity_loss(y_true, y_pred, sensitive_features=groups, sample_weight=w)
    assert gm.overall["parity_loss"] == pytest.approx(expected, rel=1e-12)
    terms = gm.by_group["parity_loss"]
    assert terms.loc["a"] == 0.0  # the group with the most weight is the reference
    tpr = GroupMetrics(y_true, y_pred, groups, metrics=["tpr"], sample_weight=w).by_group
    tpr = tpr["true_positive_rate"]
    assert terms.loc["c"] == pytest.approx(abs(np.log(tpr.loc["c"] / tpr.loc["a"])), rel=1e-12)


def test_bootstrap_replicates_recompute_the_rest_and_the_parity_loss_sum():
    y_true, y_pred, groups, _ = _binary(7)
    gm = GroupMetrics(y_true, y_pred, groups, metrics=["spd", "parity_loss"],
                      ci_method="bootstrap", n_boot=200, random_state=0)  # fmt: skip
    ci = gm.confidence_intervals().set_index(["sensitive_feature", "metric"])
    spd = ci.xs("statistical_parity_difference", level="metric")
    assert (spd["lower"] < spd["estimate"]).loc[list(GROUPS)].all()
    assert (spd["estimate"] < spd["upper"]).loc[list(GROUPS)].all()
    # all rows against all rows is parity in every replicate
    assert spd.loc["<overall>", ["lower", "upper"]].tolist() == [0.0, 0.0]
    loss = ci.loc[("<overall>", "parity_loss")]
    assert loss["estimate"] == pytest.approx(gm.overall["parity_loss"])
    assert loss["lower"] < loss["estimate"] < loss["upper"]


@pytest.mark.parametrize("weighted", [False, True])
def test_z_score_difference_in_a_regression_audit_equals_the_function(weighted):
    rng = np.random.default_rng(8)
    n = 500
    groups = rng.choice(GROUPS, n)
    y = rng.normal(size=n)
    data = pd.DataFrame(
        {
            "g": groups,
            "y": y,
            "p": y + rng.normal(size=n) + 0.4 * (groups == "b"),
            "w": rng.uniform(0.2, 3.0, n),
        }
    )
    result = fairscope.audit_predictions(
        "y", "p", sensitive_features=["g"], data=data, task="regression",
        sample_weight="w" if weighted else None,
    )  # fmt: skip
    table = result.tables["regression_metrics"].set_index("group")
    w = data["w"].to_numpy() if weighted else None
    for group in GROUPS:
        expected = z_score_difference(
            data["p"], sensitive_features=groups, privileged_groups=_others(group), sample_weight=w
        )
        assert table.loc[group, "z_score_difference"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["<overall>", "z_score_difference"] == 0.0


@pytest.mark.parametrize("decimals", [2, None])
def test_statistical_parity_auc_in_a_scored_audit_equals_the_function(decimals):
    rng = np.random.default_rng(9)
    n = 800
    groups = rng.choice(GROUPS, n)
    scores = np.clip(rng.normal(0.5 + 0.1 * (groups == "a"), 0.2), 0, 1)
    if decimals is not None:  # many ties: quantile cut-offs fall on and between repeated scores
        scores = scores.round(decimals)
    data = pd.DataFrame({"g": groups, "y": rng.integers(0, 2, n), "s": scores})
    result = fairscope.audit_predictions("y", None, y_score="s", sensitive_features=["g"],
                                         data=data)  # fmt: skip
    table = result.tables["score_metrics"].set_index("group")
    for group in GROUPS:
        expected = statistical_parity_auc(
            scores, sensitive_features=groups, privileged_groups=_others(group)
        )
        assert table.loc[group, "statistical_parity_auc"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["<overall>", "statistical_parity_auc"] == 0.0


def test_the_registry_names_the_peers_functions_with_formula_text():
    for name in (
        "predicted_positive_share",
        "cohens_d",
        "z_score_difference",
        "statistical_parity_auc",
        "jain_index",
        "parity_loss",
        "disparate_impact_ratio",
        "statistical_parity_difference",
        "average_odds_difference",
    ):
        metric = get_metric(name)
        assert metric.name == name
        assert metric.formula_text and metric.definition and metric.reference


def _audit_with_policy(policy):
    y_true, y_pred, groups, _ = _binary(10, n=3000)
    data = pd.DataFrame({"g": groups, "y": y_true, "p": y_pred})
    result = fairscope.audit_predictions("y", "p", sensitive_features=["g"], data=data,
                                         policy=policy)  # fmt: skip
    return result, GroupMetrics(
        y_true, y_pred, groups, metrics=["spd", "disparate_impact", "parity_loss"]
    )


def test_a_policy_judges_the_group_against_the_rest_through_to_overall():
    policy = {
        "name": "vs-rest",
        "rules": [
            {"id": "spd", "metric": "spd", "comparison": "difference", "method": "to_overall",
             "fail": 0.1, "decide_on": "point"},
            {"id": "di", "metric": "disparate_impact", "comparison": "ratio",
             "method": "to_overall", "fail": 0.8, "decide_on": "point"},
            {"id": "pl", "metric": "parity_loss", "comparison": "difference",
             "method": "to_reference", "reference": "largest", "fail": 0.2,
             "decide_on": "point"},
        ],
    }  # fmt: skip
    result, gm = _audit_with_policy(policy)
    findings = result.findings_frame().set_index(["rule_id", "group"])
    spd = gm.by_group["statistical_parity_difference"]
    for group in GROUPS:
        finding = findings.loc[("spd", group)]
        # the difference to the overall (parity, 0) is the group's own value
        assert finding["value"] == pytest.approx(abs(spd.loc[group]), abs=1e-12)
        assert finding["status"] == ("FAIL" if abs(spd.loc[group]) > 0.1 else "PASS")
        ratio = gm.by_group.loc[group, "disparate_impact_ratio"]
        assert findings.loc[("di", group), "value"] == pytest.approx(min(ratio, 1 / ratio))
    # the parity loss term of a group is |ln(TPR_g / TPR_largest)|: the reference is left out
    assert ("pl", "a") not in findings.index
    terms = gm.by_group["parity_loss"]
    assert findings.loc[("pl", "b"), "value"] == pytest.approx(terms.loc["b"], abs=1e-12)


def test_the_html_report_shows_the_pooled_metrics():
    policy = {
        "name": "vs-rest",
        "rules": [{"id": "cd", "metric": "cohens_d", "comparison": "difference",
                   "method": "to_overall", "fail": 0.2, "decide_on": "point"}],
    }  # fmt: skip
    result, _ = _audit_with_policy(policy)
    text = html.unescape(result.to_html())
    assert "Cohen's d of predictions (vs rest)" in text
    assert "FAIL: Cohen's d of predictions (vs rest) of a" in text  # group a is selected more


def test_weighted_statistical_parity_auc_uses_weighted_pass_rates_at_the_rows_quantiles():
    rng = np.random.default_rng(11)
    n = 600
    groups = rng.choice(GROUPS, n)
    scores = rng.uniform(size=n).round(2)
    weights = rng.uniform(0.2, 3.0, n)
    data = pd.DataFrame({"g": groups, "y": rng.integers(0, 2, n), "s": scores, "w": weights})
    result = fairscope.audit_predictions("y", None, y_score="s", sensitive_features=["g"],
                                         data=data, sample_weight="w")  # fmt: skip
    table = result.tables["score_metrics"].set_index("group")
    # row-level oracle: cut-offs are the rows' quantiles, pass rates are shares of weight
    cuts = np.quantile(scores, np.linspace(1, 0, 150))
    passes = scores[None, :] >= cuts[:, None]
    for group in GROUPS:
        side = groups == group
        rate_g = (passes[:, side] * weights[side]).sum(axis=1) / weights[side].sum()
        rate_r = (passes[:, ~side] * weights[~side]).sum(axis=1) / weights[~side].sum()
        expected = np.abs(rate_g - rate_r).mean()
        assert table.loc[group, "statistical_parity_auc"] == pytest.approx(expected, abs=1e-12)
