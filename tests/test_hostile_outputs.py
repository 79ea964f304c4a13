"""Outputs never destroy a file and never cost the verdict (issue 15, "Outputs").

Each test is one defect found by the hostile-input run: devices, pipes and
symlinks as outputs, an output that is an input or another output, a failing
output, permissions, Ctrl-C.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.cli._main import main
from fairscope.core._atomic import write_text

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def unfair_csv(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 1000
    group = rng.choice(["a", "b"], n, p=[0.6, 0.4])
    y = rng.integers(0, 2, n)
    pred = ((0.5 * y + 0.5 * rng.random(n) - 0.35 * (group == "b")) >= 0.5).astype(int)
    path = tmp_path_factory.mktemp("hostile") / "preds.csv"
    pd.DataFrame({"group": group, "label": y, "pred": pred}).to_csv(path, index=False)
    return path


def audit(path, *extra):
    args = ["audit", str(path), "--y-true", "label", "--y-pred", "pred", "--sensitive", "group"]
    return [*args, "--policy", "four-fifths", *[str(e) for e in extra]]


def run(capsys, argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- devices, pipes, links -------------------------------------------------------------------


def test_json_to_dev_stdout_streams_the_audit_and_keeps_dev_stdout(unfair_csv, tmp_path):
    captured = tmp_path / "stdout.txt"
    was_link = Path("/dev/stdout").is_symlink()
    command = [sys.executable, "-m", "fairscope.cli._main", *audit(unfair_csv, "-q")]
    with open(captured, "wb") as stdout:
        code = subprocess.run(
            [*command, "--json", "/dev/stdout"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(SRC)},
            timeout=120,
        ).returncode
    assert code == 1  # the policy fails; the JSON went to stdout
    assert json.loads(captured.read_text())["policy"]["name"] == "four-fifths"
    assert Path("/dev/stdout").is_symlink() == was_link, "/dev/stdout must stay as it was"


def _char_device_like_dev_full(tmp_path: Path) -> Path:
    """A copy of /dev/full's device node in a scratch folder (a regression cannot harm /dev)."""
    info = os.stat("/dev/full") if os.path.exists("/dev/full") else None
    if info is None or not stat.S_ISCHR(info.st_mode):
        pytest.skip("needs /dev/full")
    node = tmp_path / "full"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, info.st_rdev)
    except PermissionError:
        return Path("/dev/full")
    return node


def test_a_full_device_is_an_error_naming_the_flag_and_keeps_the_verdict(
    unfair_csv, tmp_path, capsys
):
    full = _char_device_like_dev_full(tmp_path)
    code, out, err = run(capsys, audit(unfair_csv, "--json", full))
    assert code == 1, "the verdict (policy failed) is the exit code, not 2"
    assert "FAILED under policy four-fifths" in out
    assert f"--json {full}" in err and "No space left" in err
    assert ".tmp" not in err
    assert stat.S_ISCHR(full.stat().st_mode), "the device must not be replaced by a file"


def test_a_symlinked_report_keeps_its_link_and_its_target_is_written(unfair_csv, tmp_path, capsys):
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    code, _, _ = run(capsys, audit(unfair_csv, "--markdown", link))
    assert code == 1
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "four-fifths" in target.read_text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_written_into_not_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []

    def reader():
        with open(pipe, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(200):  # the writer refuses a pipe nobody reads yet: wait for the reader
        try:
            write_text(pipe, "streamed")
            break
        except OSError:
            threading.Event().wait(0.01)
    thread.join(timeout=10)
    assert received == [b"streamed"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)


# -- an output that is an input or another output ----------------------------------------------


def test_json_onto_the_data_file_is_refused_and_the_data_kept(unfair_csv, tmp_path, capsys):
    data = tmp_path / "preds.csv"
    data.write_bytes(unfair_csv.read_bytes())
    code, _, err = run(capsys, audit(data, "--json", data))
    assert code == 2
    assert "--json" in err and "data file" in err
    assert data.read_bytes() == unfair_csv.read_bytes()


def test_markdown_onto_the_policy_file_is_refused(unfair_csv, tmp_path, capsys):
    policy = tmp_path / "pol.yaml"
    policy.write_text("name: mine\nrules:\n  - metric: selection_rate\n    ratio: {fail: 0.8}\n")
    before = policy.read_text()
    argv = ["audit", unfair_csv, "--y-true", "label", "--y-pred", "pred", "--sensitive", "group"]
    code, _, err = run(capsys, [*argv, "--policy", policy, "--markdown", policy])
    assert code == 2 and "--markdown" in err and "--policy" in err
    assert policy.read_text() == before


def test_report_html_onto_the_saved_audit_is_refused(unfair_csv, tmp_path, capsys):
    saved = tmp_path / "a.json"
    run(capsys, audit(unfair_csv, "--json", saved))
    before = saved.read_bytes()
    code, _, err = run(capsys, ["report", saved, "--html", saved])
    assert code == 2 and "--html" in err and "saved audit" in err
    assert saved.read_bytes() == before


def test_two_outputs_on_one_path_are_refused(unfair_csv, tmp_path, capsys):
    out = tmp_path / "x"
    code, _, err = run(capsys, audit(unfair_csv, "--json", out, "--markdown", tmp_path / "." / "x"))
    assert code == 2 and "--markdown" in err and "--json" in err and "same file" in err
    assert not out.exists()


# -- every output checked before the audit; the verdict kept after -------------------------------


def test_a_missing_folder_of_a_later_output_stops_before_anything_is_written(
    unfair_csv, tmp_path, capsys, monkeypatch
):
    called = []
    monkeypatch.setattr(
        fairscope, "audit_predictions", lambda *a, **k: called.append(1)
    )  # must not be reached
    first = tmp_path / "a.json"
    code, _, err = run(
        capsys, audit(unfair_csv, "--json", first, "--html", tmp_path / "no" / "r.html")
    )
    assert code == 2 and "--html" in err and "does not exist" in err
    assert not called and not first.exists()


def test_an_output_that_fails_late_keeps_the_summary_and_the_exit_code(
    unfair_csv, tmp_path, capsys, monkeypatch
):
    def disk_full(self, path=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fairscope.AuditResult, "to_markdown", disk_full)
    saved, md = tmp_path / "a.json", tmp_path / "a.md"
    code, out, err = run(capsys, audit(unfair_csv, "--json", saved, "--markdown", md))
    assert code == 1
    assert "FAILED under policy four-fifths" in out and f"wrote json: {saved}" in out
    assert f"--markdown {md}" in err and "not written" in err
    assert saved.is_file() and not md.exists()


def test_a_passing_audit_whose_output_fails_exits_2(tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(1)
    n = 2000
    group = rng.choice(["a", "b"], n)
    y = rng.integers(0, 2, n)
    fair = tmp_path / "fair.csv"
    pd.DataFrame({"group": group, "label": y, "pred": y}).to_csv(fair, index=False)

    def disk_full(self, path=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fairscope.AuditResult, "to_markdown", disk_full)
    code, out, err = run(capsys, audit(fair, "--markdown", tmp_path / "a.md"))
    # the verdict is printed, and the pipeline is told the report it asked for is missing
    assert "PASSED under policy four-fifths" in out
    assert code == 2 and "not written" in err


# -- permissions, Ctrl-C ----------------------------------------------------------------------------


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_new_outputs_follow_the_umask_and_overwrites_keep_the_mode(
    unfair_csv, tmp_path, capsys, umask_027
):
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    old.write_text("{}")
    old.chmod(0o644)
    run(capsys, audit(unfair_csv, "--json", new, "--junit", old))
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert stat.S_IMODE(old.stat().st_mode) == 0o644


def test_ctrl_c_exits_130(unfair_csv, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fairscope, "audit_predictions", interrupted)
    code, _, err = run(capsys, audit(unfair_csv))
    assert code == 130
    assert "interrupted" in err
