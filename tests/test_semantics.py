"""Audit semantics a reviewer can trust (issue 14): outcome direction, one reference,
nothing passing silently, undefined disparities, vocabulary."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope import InputWarning


@pytest.fixture(scope="module")
def compas(compas_csv) -> pd.DataFrame:
    df = pd.read_csv(compas_csv)
    df["high_risk"] = df["score_text"].isin(["Medium", "High"]).astype(int)
    return df


EQUAL_OPPORTUNITY_TO_CAUCASIAN = {
    "name": "eo",
    "rules": [
        {"id": "eo", "metric": "true_positive_rate", "comparison": "difference",
         "reference": "Caucasian", "fail": 0.1},
    ],
}  # fmt: skip


def _by_group(result, rule="four-fifths", feature="race"):
    return {f.group: f for f in result.findings if f.rule_id == rule and f.feature == feature}


# -- 1. outcome direction ------------------------------------------------------------------


def test_adverse_outcome_fails_the_group_flagged_most(compas):
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
        policy="four-fifths", outcome="adverse",
    )  # fmt: skip
    found = _by_group(result)
    assert result.metadata["outcome"] == "adverse"
    assert found["African-American"].status == "FAIL"
    assert found["Caucasian"].status != "FAIL"
    # judged on the share NOT flagged: (TN + FN) / N from ProPublica's table
    assert found["African-American"].group_value == pytest.approx((990 + 532) / 3696)
    assert "adverse outcome more often" in found["African-American"].message


def test_favorable_label_is_the_same_as_outcome_adverse(compas):
    kwargs = {"sensitive_features": ["race"], "data": compas, "policy": "four-fifths"}
    by_label = fairscope.audit_predictions(
        "two_year_recid", "high_risk", favorable_label=0, **kwargs
    )
    by_outcome = fairscope.audit_predictions(
        "two_year_recid", "high_risk", outcome="adverse", **kwargs
    )
    assert [f.status for f in by_label.findings] == [f.status for f in by_outcome.findings]
    assert by_label.metadata["favorable_label"] == "0"


def test_positive_outcome_by_default_fails_the_group_flagged_least(compas):
    with pytest.warns(InputWarning, match="looks like a harm"):
        result = fairscope.audit_predictions(
            "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
            policy="four-fifths",
        )  # fmt: skip
    assert _by_group(result)["Caucasian"].status == "FAIL"


def test_adverse_name_warning_is_silenced_by_an_explicit_outcome(compas):
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        fairscope.audit_predictions(
            "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
            outcome="favorable",
        )  # fmt: skip


def test_adverse_equal_opportunity_compares_true_negative_rates(compas):
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
        policy=EQUAL_OPPORTUNITY_TO_CAUCASIAN, outcome="adverse",
    )  # fmt: skip
    aa = next(f for f in result.findings if f.group == "African-American")
    assert aa.metric == "true_negative_rate"
    assert aa.group_value == pytest.approx(990 / (990 + 805))


def test_outcome_contradicting_favorable_label_is_an_error():
    with pytest.raises(ValueError, match="contradicts"):
        fairscope.audit_predictions(
            [0, 1] * 10, [0, 1] * 10, sensitive_features=["a", "b"] * 10,
            outcome="favorable", favorable_label=0,
        )  # fmt: skip


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError, match="outcome='bad'"):
        fairscope.audit_predictions(
            [0, 1] * 10, [0, 1] * 10, sensitive_features=["a", "b"] * 10, outcome="bad"
        )


def test_outcome_on_a_regression_audit_is_refused():
    with pytest.raises(ValueError, match="apply to binary audits"):
        fairscope.audit_predictions(
            [0.5, 1.5] * 10, [0.4, 1.2] * 10, sensitive_features=["a", "b"] * 10,
            outcome="adverse",
        )  # fmt: skip


# -- 2. one reference per feature set --------------------------------------------------------


def test_demo_report_shows_one_reference_per_feature_set(tmp_path, capsys):
    import html
    import json
    import re

    from fairscope.cli import main

    assert main(["demo", "--output", str(tmp_path), "--n", "3000"]) in (0, 1)
    out = capsys.readouterr().out
    audit = json.loads((tmp_path / "audit.json").read_text())
    references = fairscope.AuditResult.from_dict(audit).references
    assert set(references) == {"sex", "race", "sex & race"}
    page = html.unescape((tmp_path / "report.html").read_text())
    # every metric table names its reference in the caption and marks it in its rows
    for feature, reference in references.items():
        captions = set(re.findall(rf" by {re.escape(feature)}, compared with the reference "
                                  r"group ([^<]+)<", page))  # fmt: skip
        assert captions == {reference}, (feature, captions)
    marked = set(re.findall(r'<th scope="row"[^>]*>([^<]+) \(reference\)</th>', page))
    assert marked == set(references.values())
    # findings (HTML, JSON, Markdown, CLI) compare with the same group
    for finding in audit["findings"]:
        assert finding["reference"] == references[finding["feature"]]
    markdown = (tmp_path / "summary.md").read_text()
    assert "| reference |" in markdown and "Reference groups: " in markdown
    assert "Reference groups: sex: " + references["sex"] in out


# -- 4. undefined disparities ------------------------------------------------------------------

_PREDICTIONS = np.r_[np.ones(100), np.zeros(100), np.ones(80), np.zeros(120)].astype(int)
_GROUPS = np.repeat(["a", "b"], 200)
_FNR_RATIO = {
    "name": "fnr",
    "rules": [{"id": "fnr", "metric": "false_negative_rate", "comparison": "ratio", "fail": 0.8}],
}


def test_undefined_disparity_is_not_judged_and_says_why():
    # a perfect classifier: FNR is 0 in both groups of 200 rows, their ratio is 0/0
    result = fairscope.audit_predictions(
        _PREDICTIONS, _PREDICTIONS, sensitive_features=_GROUPS, policy=_FNR_RATIO
    )
    (finding,) = result.findings
    assert finding.status == "SKIPPED"
    assert "0/0" in finding.message and "is 0 for both b and a" in finding.message
    assert "TN + FP + FN + TP" not in finding.message
    assert result.passed


def test_single_class_y_true_is_audited_with_a_warning():
    y_true = np.ones(400, dtype=int)
    with pytest.warns(InputWarning, match="single class"):
        result = fairscope.audit_predictions(
            y_true, _PREDICTIONS, sensitive_features=_GROUPS, policy="four-fifths"
        )
    rates = result.tables["group_metrics"].set_index("group")
    assert rates.loc["a", "selection_rate"] == pytest.approx(0.5)
    assert np.isnan(rates.loc["a", "false_positive_rate"])
    (finding,) = result.findings
    assert finding.value == pytest.approx(0.4 / 0.5)


def test_regression_selection_with_no_positive_target_is_audited():
    target = np.random.default_rng(0).normal(size=400)
    with pytest.warns(InputWarning, match="single class"):
        result = fairscope.audit_predictions(
            target - 100, target, sensitive_features=_GROUPS, selection_quantile=0.9
        )
    selection = result.tables["selection_metrics"]
    assert selection["selection_rate"].notna().all()


# -- 3. nothing passes silently -------------------------------------------------------------


def test_all_missing_sensitive_feature_is_an_error():
    frame = pd.DataFrame({"y": [0, 1] * 50, "p": [1, 1, 0, 0] * 25, "race": [np.nan] * 100})
    with pytest.raises(ValueError, match=r"'race' is missing .* in every one of the 100"):
        fairscope.audit_predictions(
            "y", "p", sensitive_features=["race"], data=frame, policy="four-fifths"
        )


def test_labels_and_predictions_without_a_common_value_are_an_error():
    y_true = [0, 1, 0, 1, 1, 0] * 10
    y_pred = ["Low", "Medium", "High"] * 20
    with pytest.raises(ValueError, match="no value in common"):
        fairscope.audit_predictions(y_true, y_pred, sensitive_features=["a", "b"] * 30)


def test_a_stray_prediction_does_not_switch_to_multiclass_silently():
    y_true = np.array([0, 1] * 30)
    y_pred = y_true.copy()
    y_pred[0] = 2
    with pytest.raises(ValueError, match=r"y_pred holds 2 \(1 row\)"):
        fairscope.audit_predictions(y_true, y_pred, sensitive_features=["a", "b"] * 30)
    # said explicitly, it is a multiclass audit
    result = fairscope.audit_predictions(
        y_true, y_pred, sensitive_features=["a", "b"] * 30, task="multiclass"
    )
    assert result.task == "multiclass"


def test_waiver_for_an_unknown_group_warns_naming_it():
    from fairscope import PolicyWarning

    policy = {
        "name": "ff",
        "rules": [
            {"id": "ff", "metric": "selection_rate", "comparison": "ratio", "fail": 0.8,
             "reference": "best", "direction": "lower"},
        ],
        "waivers": [
            {"rule": "ff", "group": "Caucasain", "justification": "typo", "owner": "me",
             "expires": "2099-01-01"},
        ],
    }  # fmt: skip
    with pytest.warns(PolicyWarning, match="group 'Caucasain', which is not a group"):
        fairscope.audit_predictions(
            [0, 1] * 50, [1, 1, 0, 0] * 25, sensitive_features=["a"] * 50 + ["b"] * 50,
            policy=policy,
        )  # fmt: skip


def _saved(tmp_path, name, sensitive, policy="four-fifths", favoured=0.5):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"y": rng.integers(0, 2, 600), "race": rng.choice(["a", "b"], 600),
         "sex": rng.choice(["f", "m"], 600)}
    )  # fmt: skip
    frame["p"] = (rng.random(600) < np.where(frame["race"] == "a", favoured, 0.5)).astype(int)
    result = fairscope.audit_predictions(
        "y", "p", sensitive_features=sensitive, data=frame, policy=policy, outcome="favorable"
    )
    path = tmp_path / f"{name}.json"
    result.to_json(path)
    return str(path)


def test_compare_fails_listing_vanished_checks_unless_allowed(tmp_path, capsys):
    from fairscope.cli import main

    base = _saved(tmp_path, "base", ["race", "sex"])
    new = _saved(tmp_path, "new", ["sex"])
    assert main(["compare", base, new]) == 1
    out = capsys.readouterr().out
    assert "vanished" in out and "four-fifths / race / " in out
    assert main(["compare", base, new, "--allow-missing"]) == 0


def test_compare_fails_when_nothing_is_comparable(tmp_path, capsys):
    from fairscope.cli import main

    base = _saved(tmp_path, "base", ["race"])
    new = _saved(tmp_path, "new", ["sex"])
    assert main(["compare", base, new]) == 1
    assert "nothing is comparable" in capsys.readouterr().out


def test_compare_flags_a_changed_policy_hash(tmp_path, capsys):
    from fairscope.cli import main

    base = _saved(tmp_path, "base", ["race"], policy="four-fifths")
    new = _saved(tmp_path, "new", ["race"], policy="demographic-parity")
    assert main(["compare", base, new, "--allow-missing"]) == 1
    assert "the policy changed" in capsys.readouterr().out
    assert main(["compare", base, new, "--allow-missing", "--allow-policy-change"]) == 0


# -- CLI: outcome, per-feature references, options that take effect ---------------------------


@pytest.fixture(scope="module")
def compas_file(compas, tmp_path_factory):
    path = tmp_path_factory.mktemp("compas") / "predictions.csv"
    compas[["two_year_recid", "high_risk", "race", "sex"]].to_csv(path, index=False)
    return str(path)


def _audit_cli(path, *extra):
    return ["audit", path, "--y-true", "two_year_recid", "--y-pred", "high_risk",
            "--sensitive", "race", "--sensitive", "sex", *extra]  # fmt: skip


def test_cli_adverse_fails_african_american_defendants(compas_file, tmp_path, capsys):
    from fairscope.cli import main

    out_json = tmp_path / "audit.json"
    code = main(_audit_cli(compas_file, "--policy", "four-fifths", "--adverse",
                           "--json", str(out_json)))  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "a prediction of high_risk = 1 is the adverse outcome" in out
    result = fairscope.AuditResult.from_json(out_json)
    failed = {f.group for f in result.findings if f.status == "FAIL" and f.feature == "race"}
    assert failed == {"African-American"}


def test_cli_per_feature_references(compas_file, tmp_path, capsys):
    from fairscope.cli import main

    out_json = tmp_path / "audit.json"
    args = ["--reference", "race=Caucasian", "--reference", "sex=Male", "--json", str(out_json)]
    assert main(_audit_cli(compas_file, *args)) == 0
    references = fairscope.AuditResult.from_json(out_json).references
    assert references["race"] == "Caucasian" and references["sex"] == "Male"
    # a bare --reference still works, and an unknown group is an error listing the groups
    assert main(_audit_cli(compas_file, "--reference", "Caucasian", "--json", str(out_json))) == 0
    assert main(_audit_cli(compas_file, "--reference", "race=Caucasain")) == 2
    assert "'Caucasian'" in capsys.readouterr().err


def test_cli_min_group_size_takes_effect_on_presets(compas_file, tmp_path, capsys):
    from fairscope.cli import main

    out_json = tmp_path / "audit.json"
    main(_audit_cli(compas_file, "--policy", "four-fifths", "--adverse",
                    "--min-group-size", "10", "--json", str(out_json)))  # fmt: skip
    result = fairscope.AuditResult.from_json(out_json)
    native = next(f for f in result.findings if f.group == "Native American")
    assert native.status != "SKIPPED"  # 18 rows: judged once the minimum is 10
    assert all(rule["min_group_size"] == 10 for rule in result.policy["rules"])


def test_dataset_accepts_pos_label(tmp_path, capsys):
    from fairscope.cli import main

    path = tmp_path / "train.csv"
    pd.DataFrame({"repaid": ["yes", "no"] * 50, "sex": ["f"] * 50 + ["m"] * 50}).to_csv(
        path, index=False
    )
    code = main(["dataset", str(path), "--target", "repaid", "--sensitive", "sex",
                 "--pos-label", "yes", "--json", str(tmp_path / "d.json")])  # fmt: skip
    assert code == 0
    import json

    assert json.loads((tmp_path / "d.json").read_text())["metadata"]["pos_label"] == "yes"


# -- 5. vocabulary ----------------------------------------------------------------------------


def test_predicted_positive_share_is_aequitas_ppr(compas):
    from fairscope.metrics import get_metric

    metric = get_metric("ppr")
    assert metric.name == "predicted_positive_share"
    assert "sum over groups" in metric.formula_text
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
        metrics=["selection_rate", "ppr"], outcome="adverse",
    )  # fmt: skip
    table = result.tables["group_metrics"].set_index("group")
    # by hand: each group's flagged rows over all flagged rows (ProPublica's FP + TP for
    # African-American defendants); the groups' shares add up to 1
    flagged = compas.groupby("race")["high_risk"].sum()
    expected = flagged / flagged.sum()
    assert table.loc["African-American", "predicted_positive_share"] == pytest.approx(
        (805 + 1369) / compas["high_risk"].sum()
    )
    for group, share in expected.items():
        assert table.loc[group, "predicted_positive_share"] == pytest.approx(share)
    assert table["predicted_positive_share"].sum() == pytest.approx(1.0)


def test_counts_table_has_pp_pn_and_an_overall_row(compas):
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas, outcome="adverse"
    )
    counts = result.tables["counts"].set_index("group")
    aa = counts.loc["African-American"]
    assert (aa["pp"], aa["pn"]) == (805 + 1369, 990 + 532)
    overall = counts.loc["<overall>"]
    assert overall["n"] == 7214
    assert (overall["tn"], overall["fp"], overall["fn"], overall["tp"]) == (
        compas.eval("two_year_recid == 0 and high_risk == 0").sum(),
        compas.eval("two_year_recid == 0 and high_risk == 1").sum(),
        compas.eval("two_year_recid == 1 and high_risk == 0").sum(),
        compas.eval("two_year_recid == 1 and high_risk == 1").sum(),
    )


def test_policy_favorable_key_sets_the_outcome(compas):
    policy = {
        "name": "ff-adverse",
        "favorable": 0,
        "rules": [{"id": "ff", "metric": "selection_rate", "comparison": "ratio",
                   "reference": "best", "direction": "lower", "fail": 0.8,
                   "min_group_size": 30}],
    }  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)  # the policy said it: no name warning
        result = fairscope.audit_predictions(
            "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
            policy=policy,
        )  # fmt: skip
    assert result.metadata["outcome"] == "adverse"
    assert _by_group(result, rule="ff")["African-American"].status == "FAIL"
    assert result.policy["favorable"] == "0"


def test_audit_model_takes_the_outcome_direction():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=400), "g": np.repeat(["a", "b"], 200)})
    y = (X["x"] + (X["g"] == "b") > 0.5).astype(int)
    model = LogisticRegression().fit(X[["x"]], y)
    result = fairscope.audit_model(
        model, X, y, sensitive_features="g", drop_sensitive=True, outcome="adverse",
        policy="four-fifths",
    )  # fmt: skip
    assert result.metadata["outcome"] == "adverse"
    assert all("favourable outcome" in f.message for f in result.findings if f.status != "SKIPPED")


def test_fairness_scorer_judges_rates_on_the_favourable_outcome():
    from sklearn.dummy import DummyClassifier

    from fairscope.sklearn import make_fairness_scorer

    X = pd.DataFrame({"sex": ["F"] * 4 + ["M"] * 4, "x": range(8)})
    y_pred = np.array([1, 1, 1, 0, 1, 0, 0, 0])

    class Fixed(DummyClassifier):
        def predict(self, X):
            return y_pred[: len(X)]

    model = Fixed().fit(X, [0, 1] * 4)
    adverse = make_fairness_scorer(
        "selection_rate", "sex", kind="ratio", greater_is_better=True, outcome="adverse"
    )
    # not flagged: F 1/4, M 3/4; ratio of the favourable-outcome rates 1/3
    assert adverse(model, X, [0, 1] * 4) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="keeps its meaning"):
        make_fairness_scorer("false_positive_rate", "sex", outcome="adverse")


def _text_of(page: str) -> str:
    import html
    import re

    page = re.sub(r"<(script|svg|style).*?</\1>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_compas_report_says_african_american_defendants_are_flagged_more_and_fails_them(compas):
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
        policy="four-fifths", outcome="adverse",
    )  # fmt: skip
    text = _text_of(result.to_html())
    assert "a prediction of high_risk = 1 is the adverse outcome" in text
    assert "African-American gets the adverse outcome more often" in text
    assert re.search(r"FAIL African-American race; reference Other", text)
    found = _by_group(result)
    assert found["African-American"].status == "FAIL" and found["Caucasian"].status != "FAIL"
    markdown = result.to_markdown()
    assert "| ❌ FAIL | four-fifths | race | African-American | Other |" in markdown


def test_notebook_view_names_the_outcome_and_the_reference(compas):
    result = fairscope.audit_predictions(
        "two_year_recid", "high_risk", sensitive_features=["race"], data=compas,
        policy="four-fifths", outcome="adverse",
    )  # fmt: skip
    text = _text_of(result._repr_html_())
    assert "Reference groups: race: Other." in text
    assert "race Other (reference)" in text
    assert "is the adverse outcome" in text


def test_dataset_audit_judges_the_favourable_label_of_a_policy():
    frame = pd.DataFrame(
        {"default": [1] * 30 + [0] * 70 + [1] * 60 + [0] * 40, "g": ["a"] * 100 + ["b"] * 100}
    )
    policy = {
        "name": "dp",
        "favorable": 0,  # not defaulting is the good news
        "rules": [{"id": "dp", "metric": "selection_rate", "comparison": "ratio",
                   "reference": "best", "direction": "lower", "fail": 0.8}],
    }  # fmt: skip
    result = fairscope.audit_dataset(
        frame, target="default", sensitive_features="g", proxies=False, policy=policy
    )
    (finding,) = result.findings
    # b does not default at 0.4, a at 0.7: b fails (0.4 / 0.7 = 0.571), by hand
    assert (finding.group, finding.status) == ("b", "FAIL")
    assert finding.value == pytest.approx(0.4 / 0.7)


def test_judging_a_saved_result_with_another_reference_warns_naming_both():
    from fairscope import ReferenceWarning

    groups = ["a"] * 40 + ["b"] * 60
    result = fairscope.audit_predictions([1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
                                         sensitive_features=groups)  # fmt: skip
    assert result.references == {"sensitive_feature": "b"}  # the largest group
    with pytest.warns(ReferenceWarning, match="tables 'b', findings 'a'"):
        fairscope.apply_policy(result, "four-fifths")  # compares with the best group, a
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReferenceWarning)
        judged = fairscope.audit_predictions([1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
                                             sensitive_features=groups, policy="four-fifths")  # fmt: skip
    assert judged.references == {"sensitive_feature": "a"}
