"""Text from the data reaches people and parsers safely (issue 15, "Text that reaches people").

The hostile labels are the fixtures: a vertical tab and a NUL (invalid XML), a
carriage return followed by a fake heading (Markdown), an escape sequence that
clears the screen and prints a fake verdict (terminal), a right-to-left
override, a lone surrogate, HTML, and a 100 KB column name.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import fairscope
from fairscope.cli._main import main
from fairscope.core._text_safety import (
    MAX_DISPLAY_LENGTH,
    markdown_safe,
    terminal_safe,
    xml_safe,
)

HOSTILE = [
    "tab\x0bvertical",
    "nul\x00byte",
    "row\r# ✅ Fairness audit passed",
    "\x1b[2J\x1b[HALL PASSED",
    "\u202eevil",
    "lone\udc80surrogate",
    "<img src=x onerror=alert(1)>",
    "pipe|cell",
]


def audit_of(labels, n=1200, policy="four-fifths", name=None):
    rng = np.random.default_rng(1)
    groups = np.array(labels, dtype=object)[rng.integers(0, len(labels), n)]
    y = rng.integers(0, 2, n)
    p = rng.integers(0, 2, n)
    features = {name: groups} if name else groups
    with (
        pytest.warns(fairscope.InputWarning)
        if any("\udc80" in label for label in labels)
        else _nothing()
    ):
        return fairscope.audit_predictions(y, p, sensitive_features=features, policy=policy)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture(scope="module")
def hostile():
    return audit_of(HOSTILE)


def test_control_characters_give_a_junit_file_a_strict_parser_reads(hostile):
    root = ET.fromstring(hostile.to_junit().encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert any("nul\\x00byte" in n for n in names)
    assert any("row\\x0d#" in n for n in names)


def test_control_characters_do_not_crash_the_html_report(hostile):
    html = hostile.to_html()
    assert "tab\\x0bvertical" in html
    assert "\x0b" not in html and "\x00" not in html


def test_a_carriage_return_cannot_split_the_markdown_table_or_add_a_heading(hostile):
    text = hostile.to_markdown()
    assert text.splitlines()[0].startswith("## ")
    assert not any(line.startswith("#") for line in text.splitlines()[1:])
    assert "\r" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    columns = rows[0].count(" | ")
    assert columns >= 7
    assert all(line.count(" | ") == columns for line in rows[1:]), "pipes in labels are escaped"


def test_markdown_escapes_policy_version_timestamp_and_hashes(hostile):
    tampered = fairscope.AuditResult.from_json(hostile.to_json())
    tampered.policy["version"] = "<img src=https://evil.example/x>"
    tampered.reproducibility["timestamp_utc"] = "<img src=https://evil.example/t>"
    tampered.reproducibility["inputs_sha256"] = "`<b>x</b>`"
    text = tampered.to_markdown()
    assert not re.search(r"(?<!\\)<(img|b)", text), "HTML from a tampered file is escaped"
    assert "evil.example" in text  # shown, as text


def test_escape_sequences_in_labels_are_shown_not_sent_to_the_terminal(
    hostile, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "240")  # wide enough that no label is shortened
    summary = hostile.summary(limit=50)
    assert "\x1b" not in summary
    assert "\\x1b[2J\\x1b[HALL PASSED" in summary
    assert all("\r" not in line for line in summary.splitlines())


def test_a_right_to_left_override_is_shown_not_applied(hostile):
    for text in (hostile.to_markdown(), hostile.to_html(), hostile.summary(limit=50)):
        assert "\u202e" not in text
        assert "\\u202eevil" in text


def test_a_lone_surrogate_is_escaped_with_a_warning_and_every_output_encodes(hostile, tmp_path):
    for text in (hostile.to_markdown(), hostile.to_html(), hostile.to_junit(), hostile.summary()):
        text.encode("utf-8")
    hostile.to_json(tmp_path / "a.json")
    assert "lone\\udc80surrogate" in hostile.tables["group_metrics"]["group"].tolist()


def test_a_100kb_column_name_is_capped_in_reports_and_kept_in_json():
    name = "c" * 100_000
    result = audit_of(["a", "b"], name=name)
    assert len(result.to_html()) < 1_000_000
    assert len(result.to_markdown()) < 50_000
    assert len(result.summary()) < 20_000
    assert name in json.loads(result.to_json())["metadata"]["sensitive_features"]


def test_a_100kb_column_name_gives_a_short_one_line_cli_error(tmp_path, capsys):
    name = "c" * 100_000
    path = tmp_path / "rows.csv"
    path.write_text("label,pred\n1,0\n")
    code = main(["audit", str(path), "--y-true", "label", "--y-pred", "pred", "--sensitive", name])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and len(err) < 2000


def test_long_labels_differing_in_the_middle_stay_distinct_in_a_narrow_terminal_table():
    from fairscope.result._text import findings_table

    labels = ["x" * 50 + middle + "y" * 50 for middle in ("-alpha-", "-beta-", "-gamma-")]
    result = audit_of(labels)
    lines = findings_table(result, width=100).splitlines()[1:]
    assert len(lines) == len(result.findings) >= 2
    shown = [re.split(r"\s{2,}", line)[3] for line in lines]
    assert len(set(shown)) == len(shown), "two different groups must not print the same"
    assert all("…" in label for label in shown), "shortened in the middle, not dropped"


@pytest.mark.parametrize(
    ("sanitizer", "text", "forbidden"),
    [
        (xml_safe, "a\x00\x0b\udc80\ufffe", "\x00\x0b\udc80\ufffe"),
        (terminal_safe, "a\x1b\x07\r\n\u202e\u2066", "\x1b\x07\r\n\u202e\u2066"),
        (markdown_safe, "a\r\n|<>\u202e", "\r\n\u202e"),
    ],
)
def test_each_sanitizer_removes_what_its_medium_cannot_take(sanitizer, text, forbidden):
    out = sanitizer(text)
    assert not any(char in out for char in forbidden)
    assert out.startswith("a")


def test_every_display_form_is_capped_in_the_middle():
    long = "start-" + "m" * 10_000 + "-end"
    for sanitizer in (xml_safe, terminal_safe):
        out = sanitizer(long)
        assert len(out) == MAX_DISPLAY_LENGTH
        assert out.startswith("start-") and out.endswith("-end") and "…" in out


class _Terminal:
    """A stdout that says it is a terminal."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    def isatty(self):
        return True


def _cli_summary(monkeypatch, tmp_path, no_color):
    rng = np.random.default_rng(0)
    n = 400
    path = tmp_path / "rows.csv"
    g = rng.choice(["a", "b"], n)
    pred = ((rng.random(n) < 0.6) & (g == "a")).astype(int)
    path.write_text(
        "y,p,g\n"
        + "".join(f"{a},{b},{c}\n" for a, b, c in zip(rng.integers(0, 2, n), pred, g, strict=True))
    )
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    args = ["audit", path, "--y-true", "y", "--y-pred", "p", "--sensitive", "g"]
    main([*map(str, args), "--policy", "four-fifths"])
    return "".join(terminal.parts)


def test_a_terminal_gets_colour_and_no_color_turns_it_off(monkeypatch, tmp_path):
    assert "\x1b[1;31mFAILED\x1b[0m" in _cli_summary(monkeypatch, tmp_path, no_color=False)
    assert "\x1b[" not in _cli_summary(monkeypatch, tmp_path, no_color=True)


def test_output_to_a_pipe_has_no_colour(hostile, capsys):
    assert "\x1b[" not in hostile.summary()


def test_every_dataset_option_has_help():
    from fairscope.cli._main import build_parser

    parser = build_parser()
    dataset = parser._subparsers._group_actions[0].choices["dataset"]
    missing = [a.dest for a in dataset._actions if not a.help and a.dest != "help"]
    assert missing == []


def test_a_100kb_group_label_is_capped_in_the_plots_too():
    label = "g" * 100_000
    html = audit_of([label, "b"]).to_html()
    assert len(html) < 1_000_000
    assert "g" * 1000 not in html
