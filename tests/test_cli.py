"""The fairscope command: exit codes, outputs, hostile inputs (in-process, plus two subprocesses)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairscope.cli._main import main

SRC = Path(__file__).resolve().parents[1] / "src"
HAS_REPORT = importlib.util.find_spec("fairscope.report") is not None
HAS_DATASET_AUDIT = importlib.util.find_spec("fairscope.audits._dataset") is not None


def predictions(fair: bool, n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b"], n, p=[0.6, 0.4])
    y = rng.integers(0, 2, n)
    score = np.clip(0.5 * y + 0.5 * rng.random(n) - (0 if fair else 0.35) * (group == "b"), 0, 1)
    return pd.DataFrame(
        {"group": group, "label": y, "score": score.round(4), "pred": (score >= 0.5).astype(int)}
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    out = {}
    for name, fair in (("fair", True), ("unfair", False)):
        frame = predictions(fair)
        frame.to_csv(folder / f"{name}.csv", index=False)
        out[name] = folder / f"{name}.csv"
    unfair = predictions(False)
    unfair.to_parquet(folder / "unfair.parquet", index=False)
    unfair.to_json(folder / "unfair.jsonl", orient="records", lines=True)
    out["parquet"], out["jsonl"] = folder / "unfair.parquet", folder / "unfair.jsonl"
    out["dir"] = folder
    return out


def audit_args(path, *extra):
    return [
        "audit",
        str(path),
        "--y-true",
        "label",
        "--y-pred",
        "pred",
        "--sensitive",
        "group",
        *extra,
    ]


def run(capsys, argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fairscope: error: ")
    return lines[0]


# -- exit codes ----------------------------------------------------------------------------


def test_fair_predictions_pass_with_exit_code_0(files, capsys):
    code, out, err = run(capsys, audit_args(files["fair"], "--policy", "four-fifths"))
    assert code == 0, err
    assert "PASSED under policy four-fifths" in out
    assert err == ""


def test_policy_failure_exits_1_and_prints_the_findings_table(files, capsys):
    code, out, _ = run(capsys, audit_args(files["unfair"], "--policy", "four-fifths"))
    assert code == 1
    assert "FAILED under policy four-fifths" in out
    header = next(line for line in out.splitlines() if line.startswith("status"))
    assert header.split() == [
        "status",
        "rule",
        "feature",
        "group",
        "reference",
        "value",
        "interval",
        "limit",
        "n",
    ]
    assert any(line.startswith("FAIL ") and " b " in line for line in out.splitlines())


def test_without_a_policy_the_audit_reports_and_exits_0(files, capsys):
    code, out, _ = run(capsys, audit_args(files["unfair"]))
    assert code == 0
    assert "no policy given" in out and "selection_rate" in out


def test_fail_on_warn_turns_a_warning_into_exit_1(files, tmp_path, capsys):
    policy = tmp_path / "warn.yaml"
    policy.write_text(
        "name: w\nrules:\n  - id: sr\n    metric: selection_rate\n    fail: 0.1\n    warn: 0.999\n"
    )
    code, out, _ = run(capsys, audit_args(files["fair"], "--policy", policy))
    assert code == 0 and "WARN" in out
    code, _, _ = run(capsys, audit_args(files["fair"], "--policy", policy, "--fail-on", "warn"))
    assert code == 1


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["audit"]) == 2  # argparse: missing arguments
    assert main(["--version"]) == 0
    capsys.readouterr()


def test_bad_fail_on_value_exits_2(files, capsys):
    code, _, err = run(capsys, audit_args(files["fair"], "--fail-on", "sometimes"))
    assert code == 2
    assert "--fail-on 'sometimes'" in one_error_line(err)


# -- formats and outputs -------------------------------------------------------------------


def test_csv_parquet_and_jsonl_give_the_same_findings(files, tmp_path, capsys):
    results = []
    for key in ("unfair", "parquet", "jsonl"):
        path = tmp_path / f"{key}.json"
        code, _, err = run(
            capsys, audit_args(files[key], "--policy", "four-fifths", "--json", path)
        )
        assert code == 1, err
        results.append(
            [
                (f["group"], f["status"], f["value"])
                for f in json.loads(path.read_text())["findings"]
            ]
        )
    assert results[0] == results[1] == results[2]


def test_outputs_are_written_and_readable(files, tmp_path, capsys):
    paths = {k: tmp_path / f"out.{k}" for k in ("json", "xml", "md")}
    code, out, _ = run(
        capsys,
        audit_args(
            files["unfair"],
            "--policy",
            "equalized-odds",
            "--json",
            paths["json"],
            "--junit",
            paths["xml"],
            "--markdown",
            paths["md"],
        ),
    )
    assert code == 1
    audit = json.loads(paths["json"].read_text())
    assert audit["passed"] is False
    assert audit["metadata"]["input_file"] == str(files["unfair"])
    root = ET.parse(paths["xml"]).getroot()
    assert int(root.get("tests")) == len(audit["findings"])
    assert paths["md"].read_text().startswith("## ❌ Fairness audit failed")
    assert f"wrote junit: {paths['xml']}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "out.md", "out.xml"]


def test_score_and_threshold_derive_predictions(files, tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run(capsys, audit_args(files["unfair"], "--policy", "four-fifths", "--json", a))
    code, _, err = run(
        capsys,
        [
            "audit",
            files["unfair"],
            "--y-true",
            "label",
            "--y-score",
            "score",
            "--threshold",
            "0.5",
            "--sensitive",
            "group",
            "--policy",
            "four-fifths",
            "--json",
            b,
        ],
    )
    assert code == 1, err
    values = [[f["value"] for f in json.loads(p.read_text())["findings"]] for p in (a, b)]
    assert values[0] == values[1]


def test_report_rerenders_a_saved_audit(files, tmp_path, capsys):
    saved = tmp_path / "audit.json"
    run(capsys, audit_args(files["unfair"], "--policy", "four-fifths", "--json", saved))
    code, _, err = run(
        capsys, ["report", saved, "--markdown", tmp_path / "r.md", "--junit", tmp_path / "r.xml"]
    )
    assert code == 0, err
    assert (tmp_path / "r.md").read_text().startswith("## ❌")
    code, _, err = run(capsys, ["report", saved])
    assert code == 2 and "needs an output" in one_error_line(err)


@pytest.mark.skipif(
    not HAS_REPORT, reason="fairscope.report (the HTML report) is not on this branch"
)
def test_html_report_is_written(files, tmp_path, capsys):
    html = tmp_path / "report.html"
    code, _, err = run(
        capsys, audit_args(files["unfair"], "--policy", "four-fifths", "--html", html)
    )
    assert code == 1, err
    assert "<html" in html.read_text().lower()
    assert "four-fifths" in html.read_text()


def test_html_without_the_report_module_is_a_clear_error(files, tmp_path, capsys, monkeypatch):
    import fairscope.cli._outputs

    # checked with the other outputs, before the audit runs
    monkeypatch.setattr(fairscope.cli._outputs, "html_available", lambda: False)
    code, _, err = run(capsys, audit_args(files["unfair"], "--html", tmp_path / "r.html"))
    assert code == 2
    assert "--html needs the HTML report module" in one_error_line(err)


def test_html_title_and_small_group_suppression_reach_the_report(tmp_path, capsys):
    frame = predictions(fair=False, n=400)
    frame.loc[:4, "group"] = "tiny"  # five rows: below the suppression limit
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    html = tmp_path / "report.html"
    args = audit_args(path, "--html", html, "--title", "Loan model Q3", "--suppress-below", 10)
    code, _, err = run(capsys, args)
    assert code == 0, err
    text = html.read_text()
    assert "Loan model Q3" in text
    assert "suppressed (n &lt; 10)" in text or "suppressed (n < 10)" in text


def test_suppress_below_must_be_a_non_negative_number(files, tmp_path, capsys):
    args = audit_args(files["unfair"], "--html", tmp_path / "r.html", "--suppress-below", "-3")
    code, _, err = run(capsys, args)
    assert code == 2
    assert "expected a number >= 0, got -3" in err


def test_compare_exit_codes(files, tmp_path, capsys):
    base, new = tmp_path / "base.json", tmp_path / "new.json"
    run(capsys, audit_args(files["fair"], "--policy", "demographic-parity", "--json", base))
    run(capsys, audit_args(files["unfair"], "--policy", "demographic-parity", "--json", new))
    code, out, _ = run(capsys, ["compare", base, base])
    assert code == 0 and "PASSED" in out
    code, out, _ = run(capsys, ["compare", base, new, "--tolerance", "0.05"])
    assert code == 1 and "FAILED" in out
    code, _, err = run(capsys, ["compare", base, tmp_path / "nothing.json"])
    assert code == 2 and "nothing.json" in one_error_line(err)


def test_metrics_and_policies_commands(capsys):
    code, out, _ = run(capsys, ["metrics"])
    assert code == 0
    assert "false_positive_rate (aliases: fpr" in out
    code, out, _ = run(capsys, ["policies"])
    assert code == 0 and "four-fifths" in out and "equalized-odds" in out
    code, out, _ = run(capsys, ["policies", "four-fifths"])
    assert code == 0 and "fail: 0.8" in out
    code, _, err = run(capsys, ["policies", "five-fifths"])
    assert code == 2 and "five-fifths" in one_error_line(err)


@pytest.mark.skipif(
    importlib.util.find_spec("fairscope.datasets") is None,
    reason="fairscope.datasets not available",
)
def test_demo_writes_the_audit_and_reports(tmp_path, capsys):
    code, out, err = run(capsys, ["demo", "--output", tmp_path / "demo", "--n", "1500"])
    assert code == 0, err
    audit = json.loads((tmp_path / "demo" / "audit.json").read_text())
    assert audit["policy"]["name"] == "four-fifths"
    assert audit["reproducibility"]["n_rows"] == 1500
    assert (tmp_path / "demo" / "summary.md").exists()
    assert str(tmp_path / "demo" / "audit.json") in out
    if HAS_REPORT:
        assert (tmp_path / "demo" / "report.html").exists()


@pytest.mark.skipif(not HAS_DATASET_AUDIT, reason="fairscope.audits._dataset is not on this branch")
def test_dataset_command_runs_the_dataset_audit(files, tmp_path, capsys):
    code, _, err = run(
        capsys,
        [
            "dataset",
            files["unfair"],
            "--target",
            "label",
            "--sensitive",
            "group",
            "--json",
            tmp_path / "d.json",
        ],
    )
    assert code in (0, 1), err
    assert json.loads((tmp_path / "d.json").read_text())["kind"] == "dataset"


# -- hostile and broken inputs: exit 2 and one line naming the problem -----------------------


def test_unknown_column_names_it_and_suggests(files, capsys):
    code, _, err = run(
        capsys,
        ["audit", files["fair"], "--y-true", "lable", "--y-pred", "pred", "--sensitive", "group"],
    )
    assert code == 2
    line = one_error_line(err)
    assert "column 'lable'" in line and "Did you mean 'label'" in line


def test_empty_file(tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    code, _, err = run(capsys, audit_args(tmp_path / "empty.csv"))
    assert code == 2 and "is empty" in one_error_line(err)
    (tmp_path / "header.csv").write_text("label,pred,group\n")
    code, _, err = run(capsys, audit_args(tmp_path / "header.csv"))
    assert code == 2 and "no rows" in one_error_line(err)


def test_non_binary_labels_with_task_binary(tmp_path, capsys):
    frame = predictions(True)
    frame["label"] = frame["label"] + np.arange(len(frame)) % 3
    frame.to_csv(tmp_path / "multi.csv", index=False)
    code, _, err = run(capsys, audit_args(tmp_path / "multi.csv", "--task", "binary"))
    assert code == 2 and "distinct values" in one_error_line(err)
    # detected as multiclass: the classes never predicted have 0/0 selection-rate ratios,
    # not judged (SKIPPED, issue 14), never a silent PASS
    code, out, err = run(capsys, audit_args(tmp_path / "multi.csv", "--policy", "four-fifths"))
    assert code == 0, err
    assert "SKIPPED" in out and "multiclass" in out


def test_nan_scores_are_refused_unless_dropna(tmp_path, capsys):
    frame = predictions(True)
    frame.loc[:4, "score"] = np.nan
    frame.to_csv(tmp_path / "nan.csv", index=False)
    argv = [
        "audit",
        tmp_path / "nan.csv",
        "--y-true",
        "label",
        "--y-score",
        "score",
        "--threshold",
        "0.5",
        "--sensitive",
        "group",
        "--json",
        tmp_path / "a.json",
    ]
    code, _, err = run(capsys, argv)
    assert code == 2
    assert "'score' has 5 missing" in one_error_line(err)
    code, _, err = run(capsys, [*argv, "--dropna"])
    assert code == 0, err
    assert json.loads((tmp_path / "a.json").read_text())["reproducibility"]["n_dropped"] == 5


def test_malformed_yaml_policy(files, tmp_path, capsys):
    (tmp_path / "p.yaml").write_text("name: x\nrules: [\n")
    code, _, err = run(capsys, audit_args(files["fair"], "--policy", tmp_path / "p.yaml"))
    assert code == 2
    assert "malformed YAML" in one_error_line(err) and "line " in err


def test_unknown_metric_in_policy(files, tmp_path, capsys):
    (tmp_path / "p.yaml").write_text(
        "name: x\nrules:\n  - id: r\n    metric: fairness\n    fail: 0.8\n"
    )
    code, _, err = run(capsys, audit_args(files["fair"], "--policy", tmp_path / "p.yaml"))
    assert code == 2
    line = one_error_line(err)
    assert "line 4: rules[0].metric: unknown metric 'fairness'" in line


def test_unknown_preset(files, capsys):
    code, _, err = run(capsys, audit_args(files["fair"], "--policy", "fourfifths"))
    assert code == 2 and "unknown policy preset 'fourfifths'" in one_error_line(err)


def test_threshold_out_of_range_in_policy(files, tmp_path, capsys):
    (tmp_path / "p.json").write_text(
        json.dumps({"name": "x", "rules": [{"id": "r", "metric": "sr", "fail": 80}]})
    )
    code, _, err = run(capsys, audit_args(files["fair"], "--policy", tmp_path / "p.json"))
    assert code == 2
    assert "rules[0].fail: a ratio limit must be in (0, 1]" in one_error_line(err)


def test_duplicated_column_names(tmp_path, capsys):
    (tmp_path / "dup.csv").write_text("label,pred,group,pred\n1,1,a,0\n0,0,b,1\n")
    code, _, err = run(capsys, audit_args(tmp_path / "dup.csv"))
    assert code == 2 and "duplicated column names ['pred']" in one_error_line(err)


def test_nonexistent_huge_path(capsys):
    path = "/nonexistent/warehouse/predictions-1GB.parquet"
    code, _, err = run(capsys, audit_args(path, "--policy", "four-fifths"))
    assert code == 2
    assert f"input file '{path}' does not exist" in one_error_line(err)


def test_unknown_extension_and_garbage_parquet(tmp_path, capsys):
    (tmp_path / "data.xlsx").write_text("x")
    code, _, err = run(capsys, audit_args(tmp_path / "data.xlsx"))
    assert code == 2 and "--format" in one_error_line(err)
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    code, _, err = run(capsys, audit_args(tmp_path / "bad.parquet"))
    assert code == 2 and "cannot read" in one_error_line(err)


def test_debug_shows_the_traceback(files, capsys):
    code, _, err = run(capsys, ["--debug", *audit_args(files["fair"], "--policy", "nope-nope")])
    assert code == 2
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("fairscope: error:")


# -- real data and the installed entry points ----------------------------------------------


@pytest.fixture(scope="module")
def compas_predictions(compas_csv, tmp_path_factory):
    frame = pd.read_csv(compas_csv, usecols=["race", "sex", "score_text", "two_year_recid"])
    frame["medium_or_high"] = frame["score_text"].isin(["Medium", "High"]).astype(int)
    path = tmp_path_factory.mktemp("compas") / "compas.csv"
    frame.to_csv(path, index=False)
    return path


def test_cli_four_fifths_on_compas_fails_on_race_and_passes_on_sex(compas_predictions, capsys):
    base = [
        "audit",
        compas_predictions,
        "--y-true",
        "two_year_recid",
        "--y-pred",
        "medium_or_high",
        "--policy",
        "four-fifths",
    ]
    code, out, _ = run(capsys, [*base, "--sensitive", "race"])
    assert code == 1 and "Caucasian" in out
    code, out, _ = run(capsys, [*base, "--sensitive", "sex"])
    assert code == 0 and "PASSED" in out


def _subprocess(*argv, cwd):
    env = {**os.environ, "PYTHONPATH": str(SRC), "FAIRSCOPE_NO_PROGRESS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "fairscope", *map(str, argv)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_fairscope_exit_code_and_table(files):
    failed = _subprocess(*audit_args(files["unfair"], "--policy", "four-fifths"), cwd=files["dir"])
    assert failed.returncode == 1, failed.stderr
    assert "FAILED under policy four-fifths" in failed.stdout
    assert failed.stderr == ""


def test_outputs_are_written_before_printing_so_a_closed_stdout_loses_nothing(
    files, tmp_path, capsys, monkeypatch
):
    import fairscope.cli._shell

    def closed_pipe(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(fairscope.cli._shell, "print_result", closed_pipe)
    out = tmp_path / "audit.json"
    code, _, _ = run(capsys, audit_args(files["unfair"], "--json", out))
    assert code == 2
    assert json.loads(out.read_text())["kind"] == "predictions"
