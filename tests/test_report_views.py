"""The notebook view and the model-card export of an AuditResult."""

from __future__ import annotations

import json
import re

import jsonschema
import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.report._model_card import to_model_card
from fairscope.result._audit_result import Finding

# The parts of the Model Card Toolkit v0.0.2 schema (model_card.schema.json) the export
# fills, transcribed: top-level keys, the performance_metric item and the considerations.
MCT_V002 = {
    "type": "object",
    "properties": {
        "schema_version": {"type": "string"},
        "model_details": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "overview": {"type": "string"},
                "owners": {"type": "array", "items": {"type": "object"}},
                "version": {"type": "object"},
            },
        },
        "model_parameters": {"type": "object"},
        "quantitative_analysis": {
            "type": "object",
            "properties": {
                "performance_metrics": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string"},
                            "value": {"type": "number"},
                            "slice": {"type": "string"},
                        },
                    },
                }
            },
        },
        "considerations": {
            "type": "object",
            "properties": {
                k: {
                    "type": "array",
                    "items": {"type": "object", "properties": {"description": {"type": "string"}}},
                }
                for k in ("users", "use_cases", "limitations", "tradeoffs")
            },
        },
    },
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(4)
    n = 300
    group = rng.choice(["<b>a</b>", "b"], n)
    y = rng.integers(0, 2, n)
    p = rng.integers(0, 2, n)
    out = fairscope.audit_predictions(
        y, p, sensitive_features=pd.Series(group, name="grp"), metrics=["selection_rate", "tpr"]
    )
    d = out.tables["disparities"]
    row = d[(d["kind"] == "ratio") & (d["metric"] == "selection_rate") & ~d["is_reference"]]
    row = row.iloc[0]
    out.findings = [
        Finding(
            "four-fifths",
            "selection_rate",
            "ratio_to_reference",
            "grp",
            row["group"],
            "FAIL",
            value=row["estimate"],
            lower=row["lower"],
            upper=row["upper"],
            threshold=0.8,
            reference=row["reference"],
            n=int(row["n"]),
            message="<script>x</script> is selected less often.",
        )
    ]
    return out


def test_notebook_view_shows_verdict_worst_findings_and_main_table(result):
    html = result._repr_html_()
    assert "FAIL" in html and "Worst findings" in html and "Metrics by group" in html
    table = result.tables["intervals"]
    value = table[(table["metric"] == "selection_rate") & (table["group"] == "b")]["estimate"]
    assert f"{value.iloc[0]:.3f}" in html


def test_notebook_view_escapes_data_and_runs_no_script(result):
    html = result._repr_html_()
    assert "<script" not in html and "<b>a</b>" not in html
    assert "&lt;b&gt;a&lt;/b&gt;" in html


def test_notebook_css_is_scoped_under_a_class_unique_to_the_output(result):
    html = result._repr_html_()
    scope = re.match(r'<div class="(fairscope-nb-[0-9a-f]{10})">', html)[1]
    css = re.search(r"<style>(.*?)</style>", html, flags=re.S)[1]
    selectors = re.findall(r"(?:^|})([^{}]+)\{", css)
    assert selectors
    for group in selectors:
        for selector in group.split(","):
            assert selector.strip().startswith(f".{scope}")
    other = fairscope.audit_predictions([1, 0], [0, 0], sensitive_features=["a", "b"])
    assert scope not in other._repr_html_()


def test_model_card_validates_against_the_toolkit_schema_without_the_extension(result):
    card = to_model_card(result)
    assert card["schema_version"] == "0.0.2"
    core = {k: v for k, v in card.items() if k != "x-fairscope"}
    jsonschema.validate(core, MCT_V002)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(card, MCT_V002)  # the extension is why it lives under its own key


def test_model_card_metrics_are_the_interval_table_with_slices(result):
    card = to_model_card(result)
    metrics = card["quantitative_analysis"]["performance_metrics"]
    table = result.tables["intervals"]
    row = table[(table["metric"] == "true_positive_rate") & (table["group"] == "b")].iloc[0]
    (entry,) = [m for m in metrics if m["type"] == "true_positive_rate" and m["slice"] == "grp=b"]
    assert entry["value"] == row["estimate"]
    assert entry["confidence_interval"] == {
        "lower_bound": row["lower"],
        "upper_bound": row["upper"],
    }
    assert [m["slice"] for m in metrics].count("overall") == 2  # once per metric


def test_model_card_keeps_thresholds_statuses_and_policy_under_the_extension(result):
    ext = to_model_card(result)["x-fairscope"]
    assert ext["passed"] is False
    assert ext["status_counts"]["FAIL"] == 1
    assert ext["findings"][0]["threshold"] == 0.8 and ext["findings"][0]["status"] == "FAIL"


def test_model_card_takes_owner_supplied_considerations(result, tmp_path):
    path = tmp_path / "card.json"
    card = to_model_card(
        result,
        path,
        model_card={
            "name": "loan model",
            "users": ["credit officers"],
            "intended_use": "pre-screening",
            "out_of_scope_uses": "final decisions",
            "ethical_considerations": [{"name": "exclusion", "mitigation_strategy": "review"}],
        },
    )
    assert json.loads(path.read_text()) == card
    assert card["model_details"]["name"] == "loan model"
    assert card["considerations"]["users"] == [{"description": "credit officers"}]
    assert {"description": "Out of scope: final decisions"} in card["considerations"]["use_cases"]
    assert card["considerations"]["ethical_considerations"][0]["name"] == "exclusion"


def test_model_card_is_strict_json_when_a_metric_is_undefined(tmp_path):
    # group "b" has no positives: its TPR is undefined (NaN) and must not become NaN in JSON
    result = fairscope.audit_predictions(
        [1, 0, 0, 0], [1, 0, 1, 0], sensitive_features=["a", "a", "b", "b"], metrics=["tpr"]
    )
    card = result.to_model_card(tmp_path / "card.json")
    assert {"type": "true_positive_rate", "slice": "sensitive_feature=b"} in card["x-fairscope"][
        "undefined"
    ]
    json.loads((tmp_path / "card.json").read_text(), parse_constant=pytest.fail)


# -- renderers read the result's declared tables ---------------------------------------------


def test_report_sections_take_their_titles_from_the_declared_table_specs():
    from fairscope.report._content import build_report

    rng = np.random.default_rng(2)
    n = 300
    frame = pd.DataFrame(
        {"race": rng.choice(["a", "b"], n), "y": rng.integers(0, 2, n), "x": rng.random(n)}
    )
    dataset = fairscope.audit_dataset(frame, target="y", sensitive_features=["race"])
    dataset.tables["my_table"] = pd.DataFrame({"k": [1]})
    report = build_report(dataset, plots=False)
    shown = {s["name"]: s["title"] for s in report["dataset_sections"]}
    specs = dataset.table_specs
    assert shown == {n: s.title for n, s in specs.items() if s.section == "dataset"}
    assert "representation" in shown
    # a table fairscope does not declare is still shown, as a plain table in the appendix
    appendix = [t["caption"] for t in report["appendix"]]
    assert "Table “my_table”" in appendix


def test_a_renamed_table_title_reaches_the_report_from_the_spec_alone(monkeypatch):
    from dataclasses import replace

    from fairscope.report._content import build_report
    from fairscope.result import _tables

    rng = np.random.default_rng(2)
    scores = fairscope.audit_predictions(
        y_true=rng.integers(0, 2, 200),
        y_score=rng.random(200),
        sensitive_features=["a", "b"] * 100,
    )
    spec = _tables.TABLES["calibration"]
    monkeypatch.setitem(_tables.TABLES, "calibration", replace(spec, title="Reliability"))
    titles = [s["title"] for s in build_report(scores, plots=False)["score_sections"]]
    assert "Reliability" in titles
