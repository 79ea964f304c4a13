"""Audit semantics, second round (issue 14): the dataset audit's outcome direction, label
vocabularies of engine inputs, saved dataset audits without features, and policies whose
rules pick different references."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import fairscope
from fairscope import InputWarning


@pytest.fixture(scope="module")
def compas(compas_csv) -> pd.DataFrame:
    df = pd.read_csv(compas_csv)
    df["high_risk"] = df["score_text"].isin(["Medium", "High"]).astype(int)
    return df


# -- 1. the dataset audit's outcome direction -------------------------------------------------


def test_dataset_audit_adverse_outcome_judges_the_favourable_observed_outcome(compas):
    labels = compas[["two_year_recid", "race"]]
    result = fairscope.audit_dataset(labels, target="two_year_recid", sensitive_features="race",
                                     outcome="adverse", policy="four-fifths", proxies=False)  # fmt: skip
    assert result.metadata["outcome"] == "adverse"
    findings = {f.group: f for f in result.findings}
    # by hand: the share of each race that did not reoffend, against the best group (Asian,
    # 32 rows: the smallest group the preset still compares, Native American has 18)
    favourable = 1 - labels.groupby("race")["two_year_recid"].mean()
    best = favourable[labels["race"].value_counts()[favourable.index] >= 30].idxmax()
    assert best == "Asian"
    for group in ("African-American", "Caucasian", "Hispanic", "Other"):
        assert findings[group].reference == best
        assert findings[group].value == pytest.approx(favourable[group] / favourable[best])
    message = findings["African-American"].message
    assert "Labelled two_year_recid = 1 (the adverse observed outcome)" in message
    assert "African-American has the adverse outcome more often" in message
    assert "predicted" not in message.lower()
    markdown = result.to_markdown().replace("\\_", "_")  # Markdown escapes underscores
    assert "a label of two_year_recid = 1 is the adverse outcome" in markdown
    assert "a prediction of" not in markdown


def test_dataset_audit_favorable_label_is_the_same_as_outcome_adverse(compas):
    labels = compas[["two_year_recid", "race"]]
    common = {"target": "two_year_recid", "sensitive_features": "race", "proxies": False,
              "policy": "four-fifths"}  # fmt: skip
    by_label = fairscope.audit_dataset(labels, favorable_label=0, **common)
    by_outcome = fairscope.audit_dataset(labels, outcome="adverse", **common)
    assert by_label.metadata["outcome"] == by_outcome.metadata["outcome"] == "adverse"
    assert by_label.metadata["favorable_label"] == "0"
    assert [(f.group, f.status, f.value) for f in by_label.findings] == [
        (f.group, f.status, f.value) for f in by_outcome.findings
    ]
    confirmed = fairscope.audit_dataset(labels, favorable_label=1, **common)
    assert confirmed.metadata["outcome"] == "favorable"
    with pytest.raises(ValueError, match="contradicts"):
        fairscope.audit_dataset(labels, outcome="favorable", favorable_label=0, **common)


def test_dataset_audit_outcome_without_a_binary_target_is_refused():
    frame = pd.DataFrame({"g": ["a", "b"] * 20, "grade": [1, 2, 3, 4] * 10, "x": range(40)})
    with pytest.raises(ValueError, match="give target="):
        fairscope.audit_dataset(frame, sensitive_features="g", outcome="adverse", proxies=False)
    with pytest.raises(ValueError, match="'grade' is multiclass"):
        fairscope.audit_dataset(frame, target="grade", sensitive_features="g",
                                favorable_label=1, proxies=False)  # fmt: skip
    with pytest.raises(ValueError, match="outcome='sometimes' is unknown"):
        fairscope.audit_dataset(frame.assign(y=[0, 1] * 20), target="y", sensitive_features="g",
                                outcome="sometimes", proxies=False)  # fmt: skip


def test_dataset_audit_target_named_like_a_harm_warns_unless_a_direction_is_given(compas):
    labels = compas[["two_year_recid", "race"]]
    with pytest.warns(InputWarning, match="'two_year_recid' looks like a harm"):
        fairscope.audit_dataset(labels, target="two_year_recid", sensitive_features="race",
                                proxies=False)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        result = fairscope.audit_dataset(labels, target="two_year_recid",
                                         sensitive_features="race", outcome="favorable",
                                         proxies=False)  # fmt: skip
    assert result.metadata["outcome"] == "favorable" and result.metadata["outcome_given"]


def test_cli_dataset_adverse_and_favorable_label(compas, tmp_path, capsys):
    from fairscope.cli import main

    path = tmp_path / "labels.csv"
    compas[["two_year_recid", "race", "age"]].to_csv(path, index=False)
    base = ["dataset", str(path), "--target", "two_year_recid", "--sensitive", "race",
            "--policy", "four-fifths"]  # fmt: skip
    out_json = tmp_path / "adverse.json"
    main([*base, "--adverse", "--json", str(out_json)])
    assert "a label of two_year_recid = 1 is the adverse outcome" in capsys.readouterr().out
    adverse = fairscope.AuditResult.from_json(out_json)
    assert adverse.metadata["outcome"] == "adverse"
    out_json = tmp_path / "by_label.json"
    main([*base, "--favorable-label", "0", "--json", str(out_json)])
    saved = json.loads(out_json.read_text())["metadata"]
    assert (saved["outcome"], saved["favorable_label"]) == ("adverse", "0")
    by_label = fairscope.AuditResult.from_json(out_json)
    assert [f.value for f in by_label.findings] == [f.value for f in adverse.findings]
    # a label that cannot be the numeric target's names the flag the user gave
    capsys.readouterr()
    assert main([*base, "--favorable-label", "yes"]) == 2
    err = capsys.readouterr().err
    assert "--favorable-label 'yes' is not a number" in err and "--pos-label" not in err


# -- 3. a dataset audit with no non-sensitive column saves JSON that loads --------------------


def test_dataset_audit_without_other_columns_round_trips_through_json(tmp_path):
    frame = pd.DataFrame({"g": ["a", "b"] * 50, "s": ["x", "y", "y", "x"] * 25,
                          "y": [0, 1, 1, 0] * 25})  # fmt: skip
    result = fairscope.audit_dataset(frame, target="y", sensitive_features=["g", "s"])
    assert result.tables["proxies"].empty  # every column is sensitive or the target
    path = tmp_path / "dataset.json"
    result.to_json(path)
    loaded = fairscope.AuditResult.from_json(path)
    for name, table in result.tables.items():
        assert list(loaded.tables[name].columns) == list(table.columns), name
        assert len(loaded.tables[name]) == len(table), name
    assert {"feature", "column", "strength", "is_proxy"} <= set(loaded.tables["proxies"].columns)
    assert loaded.to_json() == result.to_json()


# -- 2. label vocabularies of engine inputs ---------------------------------------------------


def _engine_inputs(kind, frame, tmp_path):
    if kind == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().from_df(frame)
    if kind == "polars-lazy":
        return pytest.importorskip("polars").from_pandas(frame).lazy()
    path = tmp_path / "predictions.parquet"
    frame.to_parquet(path)
    return str(path)


@pytest.fixture
def no_row_collection(monkeypatch):
    """Fail the test if an engine input is collected into pandas: the check must reduce."""
    from fairscope.audits import _predictions
    from fairscope.engines import _audit_data

    def refuse(*args, **kwargs):
        raise AssertionError("rows were collected")

    monkeypatch.setattr(_audit_data, "collect_columns", refuse)
    monkeypatch.setattr(_audit_data, "collect_audited", refuse)
    monkeypatch.setattr(_predictions, "collect_audited", refuse)


@pytest.mark.parametrize("kind", ["duckdb", "polars-lazy", "parquet-file"])
def test_engine_labels_and_predictions_without_a_common_value_are_an_error(
    kind, tmp_path, no_row_collection
):
    frame = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0] * 10, "p": ["Low", "Medium", "High"] * 20,
                          "g": ["a", "b"] * 30})  # fmt: skip
    data = _engine_inputs(kind, frame, tmp_path)
    with pytest.raises(ValueError, match="y_pred holds 'High', 'Low', 'Medium': no value in"):
        fairscope.audit_predictions("y", "p", sensitive_features="g", data=data)


@pytest.mark.parametrize("kind", ["duckdb", "polars-lazy", "parquet-file"])
def test_engine_stray_prediction_does_not_switch_to_multiclass_silently(
    kind, tmp_path, no_row_collection
):
    y_true = [0, 1] * 30
    y_pred = [2, 1, 0, 2, *y_true[4:]]  # two stray rows, counted by the engine
    frame = pd.DataFrame({"y": y_true, "p": y_pred, "g": ["a", "b"] * 30})
    data = _engine_inputs(kind, frame, tmp_path)
    with pytest.raises(ValueError, match=r"y_pred holds 2 \(2 rows\), which the two labels"):
        fairscope.audit_predictions("y", "p", sensitive_features="g", data=data)
    # said explicitly, it is a multiclass audit, reduced by the engine
    result = fairscope.audit_predictions("y", "p", sensitive_features="g", data=data,
                                         task="multiclass")  # fmt: skip
    assert result.task == "multiclass" and "pandas" not in result.metadata["engine"]
    # and matching vocabularies still make a binary audit, as with pandas inputs
    matching = fairscope.audit_predictions("y", "y", sensitive_features="g", data=data)
    expected = fairscope.audit_predictions(frame["y"], frame["y"], sensitive_features=frame["g"])
    assert matching.task == "binary"
    assert matching.tables["counts"]["tp"].tolist() == expected.tables["counts"]["tp"].tolist()


# -- 4. a policy whose rules pick different references ----------------------------------------


def _block(group, n, positives, selected_positives, selected_negatives):
    """``n`` rows of ``group``: how many are positive, and how many of each are selected."""
    y = [1] * positives + [0] * (n - positives)
    p = [1] * selected_positives + [0] * (positives - selected_positives)
    p += [1] * selected_negatives + [0] * (n - positives - selected_negatives)
    return pd.DataFrame({"y": y, "p": p, "g": group})


#: a is selected most (0.70, against b 0.30 and c 0.45); c has the best TPR (0.9, a 0.6, b 0.5)
TWO_BESTS = pd.concat([_block("a", 100, 50, 30, 40), _block("b", 200, 100, 50, 10),
                       _block("c", 100, 50, 45, 0)], ignore_index=True)  # fmt: skip
BEST_ON_TWO_METRICS = {
    "name": "two-bests",
    "rules": [
        {"id": "dp", "metric": "selection_rate", "comparison": "ratio", "reference": "best",
         "fail": 0.8},
        {"id": "eo", "metric": "true_positive_rate", "comparison": "difference",
         "reference": "best", "fail": 0.1},
    ],
}  # fmt: skip


def test_policy_rules_with_different_references_warn_and_each_finding_names_its_own():
    from fairscope import ReferenceWarning

    df = TWO_BESTS
    with pytest.warns(ReferenceWarning) as caught:
        result = fairscope.audit_predictions(df["y"], df["p"], sensitive_features=df["g"],
                                             policy=BEST_ON_TWO_METRICS)  # fmt: skip
    messages = [str(w.message) for w in caught if issubclass(w.category, ReferenceWarning)]
    assert len(messages) == 1  # one warning, naming the rules and the tables' reference
    assert "rule 'dp' with 'a', rule 'eo' with 'c'; the tables use 'a'" in messages[0]
    assert "Audit with policy=" not in messages[0]  # that advice would not help here
    # the tables use the first rule's reference, as documented
    assert result.references == {"g": "a"}
    by_rule = {(f.rule_id, f.group): f for f in result.findings}
    assert {f.reference for (rule, _), f in by_rule.items() if rule == "dp"} == {"a"}
    assert {f.reference for (rule, _), f in by_rule.items() if rule == "eo"} == {"c"}
    # values against each rule's own reference, by hand from the block sizes above
    assert by_rule[("dp", "b")].value == pytest.approx(0.30 / 0.70)
    assert by_rule[("eo", "b")].value == pytest.approx(0.9 - 0.5)  # the gap to c, as reported
    # and the Markdown findings table names each finding's reference
    rows = [line for line in result.to_markdown().splitlines() if line.startswith("| ")]
    assert any("| eo | g | b | c |" in row for row in rows)
    assert any("| dp | g | b | a |" in row for row in rows)


def test_policy_rules_that_agree_on_the_reference_do_not_warn():
    from fairscope import ReferenceWarning

    df = TWO_BESTS
    agreeing = {**BEST_ON_TWO_METRICS,
                "rules": [{**rule, "reference": "c"} for rule in BEST_ON_TWO_METRICS["rules"]]}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReferenceWarning)
        result = fairscope.audit_predictions(df["y"], df["p"], sensitive_features=df["g"],
                                             policy=agreeing)  # fmt: skip
    assert result.references == {"g": "c"}
    assert {f.reference for f in result.findings} == {"c"}


def test_dataset_audit_under_a_policy_uses_its_reference_in_every_table(compas):
    from fairscope import ReferenceWarning

    labels = compas[["two_year_recid", "race", "age"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReferenceWarning)  # tables and findings agree
        result = fairscope.audit_dataset(labels, target="two_year_recid", sensitive_features="race",
                                         outcome="adverse", policy="four-fifths", proxies=False)  # fmt: skip
    # four-fifths compares with the best-off group: Asian has the highest share not
    # reoffending among groups of at least 30 rows (see the adverse-outcome test above)
    assert result.references == {"race": "Asian"}
    assert {f.reference for f in result.findings} == {"Asian"}
    for name in ("base_rates", "missingness", "feature_shift"):
        table = result.tables[name]
        assert set(table.loc[table["group"] != "<overall>", "reference"]) == {"Asian"}, name
    # a reference the user named that the policy overrides is said, naming both
    with pytest.warns(ReferenceWarning, match="'Asian', so every table.*reference='Caucasian'"):
        fairscope.audit_dataset(labels, target="two_year_recid", sensitive_features="race",
                                outcome="adverse", policy="four-fifths", proxies=False,
                                reference="Caucasian")  # fmt: skip
