"""Arbitrary Unicode group labels (controls, bidi, surrogates included) give valid outputs.

A property test over hypothesis-generated labels: the JUnit file parses with a
strict XML parser, the Markdown has one table row per finding, the terminal
table one line per finding, and the HTML report holds no character HTML or
XML forbids, no raw bidi control, and encodes as UTF-8.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fairscope

#: Any code point, surrogates and controls included; bidi controls and line breaks favoured.
LABEL = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x10FFFF),
        st.sampled_from(["\u202e", "\u2066", "\u200f", "\r", "\n", "\x1b", "|", "\x00", "\x0b"]),
    ),
    min_size=1,
    max_size=12,
)
LABELS = st.lists(LABEL, min_size=2, max_size=4, unique=True)

#: What neither XML 1.0 nor HTML allows in a document, plus the bidi controls we show as escapes.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def audit(labels: list[str]) -> fairscope.AuditResult:
    n = 60 * len(labels)
    rng = np.random.default_rng(0)
    groups = np.array(labels, dtype=object)[np.arange(n) % len(labels)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lone surrogates are escaped with an InputWarning
        return fairscope.audit_predictions(
            rng.integers(0, 2, n),
            rng.integers(0, 2, n),
            sensitive_features={"f": groups},
            policy="four-fifths",
            metrics=["selection_rate"],
            min_group_size=1,
        )


def distinct_labels(labels: list[str]) -> bool:
    # labels that only differ by a lone surrogate and its escape would merge: not the point here
    shown = {label.encode("utf-8", "backslashreplace") for label in labels}
    return len(shown) == len(labels)


@settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(LABELS)
def test_any_labels_give_strict_xml_one_markdown_row_and_one_terminal_line_per_finding(labels):
    if not distinct_labels(labels):
        return
    result = audit(labels)
    findings = len(result.findings)
    root = ET.fromstring(result.to_junit().encode("utf-8"))
    assert len(list(root.iter("testcase"))) == findings
    markdown = result.to_markdown()
    markdown.encode("utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(rows) == findings + 1  # the header and one row per finding
    assert "\r" not in markdown
    table = result.summary(limit=100).split("\n\n", 1)[1].splitlines()
    assert len(table) == findings + 1
    assert not FORBIDDEN.search("\n".join(table))


@settings(
    max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(LABELS)
def test_any_labels_give_an_html_report_without_forbidden_characters(labels):
    if not distinct_labels(labels):
        return
    html = audit(labels).to_html()
    html.encode("utf-8")
    assert not FORBIDDEN.search(html)
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        ET.fromstring(svg)
