"""Audits over time: `fairscope.history` and `fairscope history` on the credit demo."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fairscope
import fairscope.cli._demo
from fairscope.cli._main import main
from fairscope.datasets import make_credit_scoring

BIASES = (0.0, 0.1, 1.0)  # a small step, then a large one


def _audit(bias: float, seed: int, policy: str = "four-fifths", features=("race",)):
    data = make_credit_scoring(n=4_000, bias=bias, random_state=seed)
    return fairscope.audit_predictions(
        "repaid", "approved", sensitive_features=list(features), data=data, policy=policy
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("releases")
    paths = []
    for i, bias in enumerate(BIASES):
        path = folder / f"release-{i + 1}.json"
        result = _audit(bias, seed=10 + i)
        # releases a month apart (audits made in one test share their second)
        result.reproducibility["timestamp_utc"] = f"2026-0{i + 1}-01T09:00:00+00:00"
        result.to_json(path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def trend(saved):
    # given in reverse: the timestamps put them back in order
    return fairscope.history(list(reversed(saved)))


def test_history_orders_audits_by_their_timestamps(trend):
    assert trend.labels == ["release-1", "release-2", "release-3"]


def test_history_follows_each_finding_across_audits(trend):
    findings = trend.tables["findings"]
    black = findings[(findings["feature"] == "race") & (findings["group"] == "Black")]
    assert black["label"].tolist() == trend.labels
    # the large step of bias lowers the approval ratio of Black to the highest-rate group
    values = black["value"].tolist()
    assert values[2] < min(values[:2]) - 0.3
    assert black["status"].iloc[-1] == "FAIL"


def test_history_flags_the_large_change_and_not_the_small_one(trend):
    changes = trend.tables["changes"]
    black = changes[(changes["source"] == "finding") & (changes["group"] == "Black")]
    small, large = black.iloc[0], black.iloc[1]
    assert (small["from"], large["from"]) == ("release-1", "release-2")
    assert large["significant"] and large["p_value_adjusted"] < 1e-6
    assert not small["significant"]


def test_change_test_uses_the_standard_errors_of_the_saved_intervals(trend):
    changes = trend.tables["changes"]
    row = changes[(changes["source"] == "finding") & (changes["group"] == "Black")].iloc[1]
    q = stats.norm.ppf(0.975)
    se_before = (math.log(row["upper_before"]) - math.log(row["lower_before"])) / (2 * q)
    se_after = (math.log(row["upper_after"]) - math.log(row["lower_after"])) / (2 * q)
    z = (math.log(row["after"]) - math.log(row["before"])) / math.hypot(se_before, se_after)
    assert row["z"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert row["se_from"] == "interval / interval"


def test_history_marks_status_changes(trend):
    status = trend.status_changes
    assert len(status) and (status["status_before"] != status["status_after"]).all()
    findings = trend.tables["findings"]
    assert (findings["status_change"].str.contains("->") == (findings["status_change"] != "")).all()


def test_history_follows_headline_disparities(trend):
    disparities = trend.tables["disparities"]
    assert set(disparities["metric"]) == {"selection_rate"}
    assert set(disparities["kind"]) == {"ratio", "difference"}
    changes = trend.tables["changes"]
    assert (changes["source"] == "disparity").any()


def test_mismatched_policies_and_groups_are_aligned_where_they_match_and_listed(saved, tmp_path):
    other = _audit(1.0, seed=99, policy="demographic-parity", features=("race", "sex"))
    trend = fairscope.history([saved[0], other], labels=["old", "new"])
    differences = trend.tables["differences"]
    kinds = set(differences["kind"])
    assert {"policy", "rule", "feature set"} <= kinds
    assert "sex" in set(differences.loc[differences["kind"] == "feature set", "item"])
    rules = differences[differences["kind"] == "rule"]
    assert set(rules["item"]) >= {"four-fifths"}
    # findings of different rules are not aligned, and every one of them is listed
    findings = trend.tables["findings"]
    listed = set(differences.loc[differences["kind"] == "finding", "item"])
    assert set(findings["item"]) == listed
    # each audit compares with its policy's reference (best-off vs largest group), so the
    # headline disparities are not comparable: every one is listed, none is silently dropped
    disparities = differences[differences["kind"] == "disparity"]
    assert set(disparities["present_in"]) == {"old", "new"}
    changes = trend.tables["changes"]
    assert not ((changes["source"] == "disparity") & (changes["feature"] == "race")).any()


def test_rule_whose_definition_changed_is_listed(tmp_path):
    strict = {
        "name": "four-fifths",
        "rules": [{"id": "four-fifths", "metric": "selection_rate", "comparison": "ratio",
                   "reference": "best", "direction": "lower", "fail": 0.9}],
    }  # fmt: skip
    first, second = _audit(0.5, seed=1), _audit(0.5, seed=2, policy=strict)
    trend = fairscope.history([first, second], labels=["a", "b"])
    definitions = trend.tables["differences"].query("kind == 'rule definition'")
    assert definitions["item"].tolist() == ["four-fifths"]
    assert "fail=0.9" in definitions["detail"].iloc[0]


def test_trend_report_is_self_contained_and_escapes_labels(saved):
    trend = fairscope.history(saved, labels=["<script>alert(1)</script>", "v2", "v3"])
    html = trend.to_html()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "script-src 'none'" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert html.count("<svg") >= 1 and "Trend per rule" in html


def test_history_json_round_trip(trend, tmp_path):
    path = tmp_path / "trend.json"
    trend.to_json(path)
    again = fairscope.AuditHistory.from_json(path)
    assert again.labels == trend.labels
    assert fairscope.AuditHistory.from_json(trend.to_json()).labels == trend.labels
    pd.testing.assert_frame_equal(
        again.significant_changes[["item", "from", "to"]],
        trend.significant_changes[["item", "from", "to"]],
    )


def test_history_refuses_fewer_than_two_audits_and_label_mismatch(saved):
    with pytest.raises(ValueError, match="at least two"):
        fairscope.history([saved[0]])
    with pytest.raises(ValueError, match="one label per audit"):
        fairscope.history(saved, labels=["a"])


def test_selection_rate_change_falls_back_to_counts_without_an_interval():
    from fairscope.audits._history import _standard_errors

    frame = pd.DataFrame(
        {"value": [0.5], "lower": [None], "upper": [None], "scale": ["linear"], "ci": [0.95],
         "metric": ["selection_rate"], "group_value": [0.4], "reference_value": [0.9],
         "n": [100], "n_reference": [400]}
    )  # fmt: skip
    _, se, method = _standard_errors(frame)
    assert method.tolist() == ["counts"]
    assert se[0] == pytest.approx(np.sqrt(0.4 * 0.6 / 100 + 0.9 * 0.1 / 400))


def test_cli_history_writes_the_trend_report_and_the_json(saved, tmp_path, capsys):
    html, out = tmp_path / "trend.html", tmp_path / "trend.json"
    argv = [*map(str, saved), "--html", str(html), "--json", str(out)]
    assert main(["history", *argv]) == 0
    printed = capsys.readouterr().out
    assert "release-2 -> release-3: four-fifths: race = Black" in printed
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert json.loads(out.read_text())["metadata"]["labels"] == [
        "release-1",
        "release-2",
        "release-3",
    ]
    assert main(["history", *map(str, saved), "--fail-on-significant"]) == 1
    assert main(["history", *map(str, saved), "--label", "x"]) == 2


def test_files_of_the_same_name_are_labelled_by_their_folder(saved, tmp_path):
    paths = []
    for i, source in enumerate(saved[:2]):
        folder = tmp_path / f"v{i + 1}"
        folder.mkdir()
        (folder / "audit.json").write_text(source.read_text())
        paths.append(folder / "audit.json")
    assert fairscope.history(paths).labels == ["v1/audit", "v2/audit"]


def test_history_of_three_credit_demo_releases_flags_the_jump(tmp_path, capsys, monkeypatch):
    # the credit demo, as a release pipeline would run it: bias 0, 0.1, then 1; its HTML
    # reports are not needed here (and cost most of its time)
    monkeypatch.setattr(fairscope.cli._demo, "html_available", lambda: False)
    paths = []
    for seed, bias in enumerate(("0.0", "0.1", "1.0"), start=1):
        out = tmp_path / f"release-{seed}"
        argv = ["demo", "--n", "3000", "--bias", bias, "--seed", str(seed), "--output", str(out)]
        assert main(argv) == 0
        paths.append(out / "audit.json")
    capsys.readouterr()
    assert main(["history", *map(str, paths), "--json", str(tmp_path / "trend.json")]) == 0
    printed = capsys.readouterr().out
    assert "history of 3 audits: release-1/audit -> release-2/audit -> release-3/audit" in printed
    trend = fairscope.AuditHistory.from_dict(json.loads((tmp_path / "trend.json").read_text()))
    flagged = trend.significant_changes.query("source == 'finding' and group == 'Black'")
    assert flagged[["from", "to"]].values.tolist() == [["release-2/audit", "release-3/audit"]]


def test_per_class_findings_are_followed_by_class_and_nothing_aligned_is_an_empty_table():
    rng = np.random.default_rng(0)
    policy = {"name": "mc", "rules": [{"id": "tpr", "metric": "true_positive_rate",
                                       "comparison": "difference", "fail": 0.2,
                                       "reference": "a"}]}  # fmt: skip
    audits = []
    for _ in range(2):
        y, p = rng.integers(0, 3, 600), rng.integers(0, 3, 600)
        group = rng.choice(["a", "b"], 600)
        audits.append(fairscope.audit_predictions(y, p, sensitive_features=group, policy=policy))
    trend = fairscope.history(audits, labels=["x", "y"])
    findings = trend.tables["changes"].query("source == 'finding'")
    assert sorted(findings["item"]) == [f"tpr: sensitive_feature = b (class {c})" for c in "012"]
    empty = fairscope.history(
        [_audit(0.1, seed=1, policy="four-fifths"), _audit(0.1, seed=2, features=("sex",))],
        labels=["race only", "sex only"],
        metrics=["accuracy"],
    )
    assert empty.tables["changes"].empty and "significant" in empty.tables["changes"]
    assert "0 significant changes" in empty.summary()
    assert "What the audits do not share" in empty.to_html()


def test_audits_without_a_policy_chart_their_headline_ratios():
    plain = []
    for seed, bias in ((1, 0.0), (2, 1.0)):
        data = make_credit_scoring(n=2_000, bias=bias, random_state=seed)
        plain.append(
            fairscope.audit_predictions("repaid", "approved", sensitive_features="race", data=data)
        )
    html = fairscope.history(plain, labels=["a", "b"]).to_html()
    assert "the charts follow the headline ratios" in html and "<svg" in html
