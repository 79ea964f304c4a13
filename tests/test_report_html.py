"""The HTML transparency report: self-contained, safe, complete, and read from the result only."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

import fairscope
from fairscope.core._registry import REGISTRY
from fairscope.report._html import to_html
from fairscope.result._audit_result import AuditResult, Finding

HOSTILE_GROUPS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
HOSTILE_COLUMN = "<svg onload=alert(2)>"


def small_audit(metrics=("selection_rate", "tpr"), **kwargs) -> AuditResult:
    rng = np.random.default_rng(7)
    n = 400
    group = rng.choice(["a", "b"], n, p=[0.6, 0.4])
    y = rng.integers(0, 2, n)
    p = (rng.random(n) < np.where(group == "a", 0.6, 0.35)).astype(int)
    return fairscope.audit_predictions(
        y, p, sensitive_features=pd.Series(group, name="grp"), metrics=list(metrics), **kwargs
    )


def finding(result: AuditResult, group: str, status: str, **extra) -> Finding:
    """A finding built from the result's own disparity row (as a policy would)."""
    d = result.tables["disparities"]
    row = d[(d["group"] == group) & (d["metric"] == "selection_rate") & (d["kind"] == "ratio")]
    row = row.iloc[0]
    return Finding(
        rule_id="four-fifths",
        metric="selection_rate",
        comparison="ratio_to_reference",
        feature=row["feature"],
        group=group,
        status=status,
        value=row["estimate"],
        lower=row["lower"],
        upper=row["upper"],
        threshold=0.8,
        bound="min",
        reference=row["reference"],
        group_value=row["value"],
        reference_value=row["reference_value"],
        n=int(row["n"]),
        n_reference=int(row["n_reference"]),
        **extra,
    )


def hostile_audit() -> AuditResult:
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame(
        {HOSTILE_COLUMN: rng.choice([*HOSTILE_GROUPS, "plain"], n), "y": rng.integers(0, 2, n)}
    )
    frame["p"] = rng.integers(0, 2, n)
    return fairscope.audit_predictions(
        "y", "p", sensitive_features=HOSTILE_COLUMN, data=frame, metrics=["selection_rate"]
    )


def headings(html: str, level: int) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found]


def scripts(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)


@pytest.fixture(scope="module")
def failing_report() -> tuple[AuditResult, str]:
    result = small_audit()
    result.findings = [finding(result, "b", "FAIL", message="b is selected far less often.")]
    result.policy = {"name": "four-fifths", "rules": [{"id": "four-fifths"}]}
    return result, to_html(result)


# -- self-contained and safe ----------------------------------------------------------------


def test_report_loads_nothing_from_the_network(failing_report):
    _, html = failing_report
    assert not re.search(r"<(link|iframe|object|embed|img)\b", html)
    assert not re.search(r"\bsrc\s*=", html)
    assert "@import" not in html
    assert not re.search(r"url\((?!#)", html)
    assert all(
        h.startswith(("#", "http://", "https://")) for h in re.findall(r'href="([^"]*)"', html)
    )


def test_csp_allows_only_the_inline_script_by_its_hash(failing_report):
    _, html = failing_report
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1])
    (script,) = scripts(html)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp


def test_script_block_is_the_static_asset_and_holds_no_data():
    from fairscope.report._html import _asset

    html = to_html(hostile_audit())
    (script,) = scripts(html)
    assert script == _asset("report.js")
    assert "alert" not in script and "plain" not in script


def test_hostile_group_labels_and_column_names_are_escaped():
    html = to_html(hostile_audit())
    for raw in [*HOSTILE_GROUPS, HOSTILE_COLUMN, "<img", "<svg onload"]:
        assert raw not in html
    assert str(escape(HOSTILE_GROUPS[0])) in html
    assert "onerror=alert(1)&gt;" in html  # shown as text, in tables and plot labels


def test_metadata_links_are_only_http_and_other_schemes_are_text():
    html = to_html(
        small_audit(),
        metadata={
            "ticket": "https://example.org/T-1",
            "bad link": "javascript:alert(3)",
            "data": "data:text/html,<script>alert(4)</script>",
        },
    )
    assert '<a href="https://example.org/T-1"' in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "javascript:alert(3)" in html  # still visible, as text
    assert "<script>alert(4)" not in html


def test_plots_are_inline_svg_with_role_title_and_description(failing_report):
    _, html = failing_report
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", html, flags=re.S)
    assert svgs
    for svg in svgs:
        assert 'role="img"' in svg[:600] and "aria-labelledby" in svg[:600]
        assert "<title" in svg and "<desc" in svg
        assert "<script" not in svg and " on" not in re.sub(r'"[^"]*"', '""', svg)


def test_svg_sanitizer_removes_scripts_handlers_and_foreign_links():
    import xml.etree.ElementTree as ET

    from fairscope.report._svg import sanitize

    svg = ET.fromstring(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'onload="alert(1)"><script>alert(2)</script><g onclick="x()">'
        '<use xlink:href="javascript:alert(3)"/><use xlink:href="#ok"/>'
        "<foreignObject><div>hi</div></foreignObject><text>label</text></g></svg>"
    )
    out = ET.tostring(sanitize(svg), encoding="unicode")
    assert "alert" not in out and "onclick" not in out and "foreignObject" not in out
    assert 'href="#ok"' in out and "label" in out


# -- content -----------------------------------------------------------------------------------


def test_verdict_is_given_in_words_and_icon_not_colour_alone(failing_report):
    _, html = failing_report
    header = html[html.index("<header") : html.index("</header>")]
    assert "FAIL" in header and "✖" in header and "1 of 1 check failed" in header
    assert html.index("<title>FAIL:") > 0


@pytest.mark.parametrize(
    ("statuses", "word"),
    [((), "NOT JUDGED"), (("PASS",), "PASS"), (("PASS", "INCONCLUSIVE"), "PASS WITH CAVEATS")],
)
def test_verdict_words_follow_the_findings(statuses, word):
    result = small_audit()
    result.findings = [finding(result, "b", s) for s in statuses]
    header = to_html(result).split("</header>")[0]
    assert f'<span class="verdict-word">{word}</span>' in header


def test_each_metric_gets_a_section_with_table_and_plot(failing_report):
    _, html = failing_report
    h3 = headings(html, 3)
    assert "Selection rate ✖ FAIL" in h3  # judged metric first, with its status
    assert "True positive rate not judged" in h3
    section = html[html.index('id="metric-selection-rate"') :]
    section = section[: section.index("</section>")]
    for column in ("Group", "n", "Difference vs ref.", "Ratio vs ref.", "Adj. p-value", "Status"):
        assert f">{column}<" in section
    assert "<svg" in section and "threshold 0.8" in section


def test_tables_show_the_values_of_the_result_not_recomputed_ones():
    result = small_audit()
    table = result.tables["intervals"]
    mask = (table["group"] == "b") & (table["metric"] == "true_positive_rate")
    table.loc[mask, "estimate"] = 0.123456  # a value no recomputation would give
    assert ">0.123<" in to_html(result)


def test_findings_section_shows_message_threshold_and_waiver_with_expiry():
    result = small_audit()
    waiver = {"justification": "Pilot <limited>", "owner": "risk team", "expires": "2027-01-31"}
    result.findings = [
        finding(result, "b", "WAIVED", waiver=waiver, message="b is selected less often."),
    ]
    html = to_html(result)
    findings = html[html.index('id="findings"') : html.index('id="metrics"')]
    assert "b is selected less often." in findings
    assert "≥ 0.800" in findings
    assert "Pilot &lt;limited&gt;" in findings and "2027-01-31" in findings
    assert "risk team" in findings and ">active<" in findings


def test_methodology_quotes_the_registry_definitions_and_references(failing_report):
    _, html = failing_report
    for name in ("selection_rate", "true_positive_rate"):
        metric = REGISTRY[name]
        assert str(escape(metric.definition)) in html
        assert str(escape(metric.reference)) in html
    assert "wilson" in html


def test_model_card_fields_show_values_or_a_clear_placeholder():
    html = to_html(small_audit(), model_card={"intended_use": "Pre-screening of <loans>"})
    part = html[html.index('id="considerations"') : html.index('id="reproducibility"')]
    assert "Pre-screening of &lt;loans&gt;" in part
    assert part.count("Not supplied.") == 5  # users, out-of-scope, ethics, limitations, trade-offs


def test_reproducibility_block_lists_the_versions(failing_report):
    result, html = failing_report
    part = html[html.index('id="reproducibility"') :]
    for key, value in result.reproducibility.items():
        if isinstance(value, str):
            assert f"<dt>{key}</dt><dd>{escape(value)}</dd>" in part
    digest = result.reproducibility["inputs"]["y_true"]["sha256"]
    assert f"<dt>inputs.y_true.sha256</dt><dd>{digest}</dd>" in part


def test_tables_without_a_section_go_to_the_appendix():
    result = small_audit()
    result.tables["custom_check"] = pd.DataFrame({"group": ["a"], "score": [0.5]})
    html = to_html(result)
    appendix = html[html.index('id="appendix"') :]
    assert "custom_check" in appendix and "counts" in appendix


# -- snapshot-style: which sections a report has ---------------------------------------------

DATASET_TABLES = {
    "representation": pd.DataFrame(
        {
            "feature": ["sex", "sex"],
            "group": ["female", "male"],
            "n": [400, 600],
            "share": [0.4, 0.6],
        }
    ),
    "base_rates": pd.DataFrame(
        {
            "feature": ["sex", "sex"],
            "group": ["female", "male"],
            "n": [400, 600],
            "base_rate": [0.11, 0.31],
            "lower": [0.08, 0.27],
            "upper": [0.14, 0.35],
        }
    ),
    "missingness": pd.DataFrame(
        {
            "column": ["income"] * 2,
            "feature": ["sex"] * 2,
            "group": ["female", "male"],
            "missing_rate": [0.05, 0.01],
        }
    ),
    "proxies": pd.DataFrame(
        {"column": ["zip", "income"], "nmi": [0.4, 0.02], "flagged": [True, False]}
    ),
    "feature_shift": pd.DataFrame({"column": ["income"], "feature": ["sex"], "smd": [0.35]}),
}
DATASET_HEADINGS = [
    "Representation",
    "Base rates (label bias)",
    "Missingness",
    "Proxies of the sensitive features",
    "Feature shift across groups",
]
COMMON_H2 = ["Contents", "Summary", "Scope: what was audited"]
TAIL_H2 = ["Methodology", "Limitations and considerations", "Reproducibility", "Glossary"]


def test_sections_of_a_model_audit(failing_report):
    _, html = failing_report
    assert headings(html, 2) == [
        *COMMON_H2,
        "Findings",
        "Which metric matters here",
        "Fairness metrics by group",
        *TAIL_H2,
        "Appendix: all other tables of the result",
    ]


def test_sections_of_a_dataset_audit():
    result = AuditResult(
        kind="dataset",
        task="dataset",
        tables=dict(DATASET_TABLES),
        metadata={"n_rows": 1000, "sensitive_features": ["sex"]},
    )
    html = to_html(result)
    assert headings(html, 2) == [*COMMON_H2, "The data", *TAIL_H2]
    assert [h for h in headings(html, 3) if h in DATASET_HEADINGS] == DATASET_HEADINGS
    assert html.count("<svg") == 2  # representation shares and base rates with intervals


def test_sections_of_a_model_and_dataset_audit_with_scores():
    result = small_audit()
    result.tables.update(DATASET_TABLES)
    thresholds = np.linspace(0, 1, 5)
    result.tables["threshold_sweep"] = pd.DataFrame(
        {
            "feature": "grp",
            "group": np.repeat(["a", "b"], 5),
            "threshold": np.tile(thresholds, 2),
            "true_positive_rate": np.tile(1 - thresholds, 2),
            "false_positive_rate": np.tile((1 - thresholds) ** 2, 2),
        }
    )
    html = to_html(result)
    assert headings(html, 2) == [
        *COMMON_H2,
        "Which metric matters here",
        "Fairness metrics by group",
        "The data",
        "Scores",
        *TAIL_H2,
        "Appendix: all other tables of the result",
    ]
    assert "ROC curve by grp" in html


# -- privacy ------------------------------------------------------------------------------------


def test_suppress_below_hides_every_value_of_small_groups_in_tables_and_plots():
    rng = np.random.default_rng(11)
    group = np.array(["big"] * 300 + ["tiny"] * 6)
    y = rng.integers(0, 2, group.size)
    p = np.r_[rng.integers(0, 2, 300), [1, 1, 1, 1, 1, 0]]  # tiny: selection rate 5/6
    result = fairscope.audit_predictions(y, p, sensitive_features=group, metrics=["selection_rate"])
    html = to_html(result, suppress_below=10)
    assert "0.833" not in html  # 5/6 appears nowhere: not in tables, plots or summary
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if ">tiny" in r]
    assert rows and all("suppressed (n &lt; 10)" in r for r in rows)
    plot = re.search(r"<svg\b.*?</svg>", html, flags=re.S)[0]
    assert "suppressed (n &lt; 10)" in plot
    assert "0.833" in to_html(result)  # shown without suppression


def test_bad_arguments_raise_clear_errors(tmp_path):
    result = small_audit()
    with pytest.raises(ValueError, match="suppress_below"):
        to_html(result, suppress_below=0)
    with pytest.raises(ValueError, match="metadata must be a dict"):
        to_html(result, metadata=["x"])
    with pytest.raises(ValueError, match="does not exist"):
        to_html(result, tmp_path / "missing" / "r.html")


def test_writing_is_atomic_and_returns_the_same_text(tmp_path):
    result = small_audit()
    path = tmp_path / "report.html"
    html = result.to_html(path, title="Loan model")
    assert path.read_text(encoding="utf-8") == html
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert "<h1>Loan model</h1>" in html


def test_a_typical_audit_report_is_under_one_megabyte(compas_csv):
    frame = pd.read_csv(compas_csv, usecols=["race", "sex", "two_year_recid", "score_text"])
    result = fairscope.audit_predictions(
        frame["two_year_recid"],
        (frame["score_text"] != "Low").astype(int),
        sensitive_features=frame[["race", "sex"]],
    )
    html = to_html(result)
    assert len(html.encode("utf-8")) < 1_000_000
    assert "African-American" in html


# -- with the policy engine and the JSON round trip ----------------------------------------------


def policy_with_waivers() -> dict:
    return {
        "name": "lending <fairness>",
        "version": "2",
        "rules": [
            {"id": "ff", "metric": "selection_rate", "comparison": "ratio", "fail": 0.8},
            {"id": "tpr-gap", "metric": "tpr", "comparison": "difference", "fail": 0.1},
        ],
        "waivers": [
            {
                "rule": "ff",
                "group": "b",
                "justification": "pilot <region>",
                "owner": "risk",
                "expires": "2030-06-30",
            },
            {
                "rule": "tpr-gap",
                "group": "b",
                "justification": "old",
                "owner": "ops",
                "expires": "2020-01-01",
            },
        ],
    }


def test_report_rebuilt_from_saved_json_is_identical():
    from fairscope.judge import apply_policy

    result = small_audit()
    result = apply_policy(result, policy_with_waivers(), today="2026-01-01")
    rebuilt = AuditResult.from_json(result.to_json())
    options = {"title": "Loans", "suppress_below": 5, "metadata": {"ticket": "https://x.org/1"}}
    assert to_html(rebuilt, **options) == to_html(result, **options)


def test_policy_findings_waivers_and_expiry_are_reported():
    from fairscope.judge import apply_policy

    result = small_audit()
    result = apply_policy(result, policy_with_waivers(), today="2026-01-01")
    statuses = {f.rule_id: f.status.value for f in result.findings if f.group == "b"}
    assert statuses["ff"] == "WAIVED"  # b is selected far less often, but waived
    html = to_html(result)
    waivers = html[html.index("<h3>Waivers</h3>") : html.index('id="metrics"')]
    assert "pilot &lt;region&gt;" in waivers and "2030-06-30" in waivers and ">active<" in waivers
    assert "2020-01-01" in waivers and ">expired<" in waivers
    assert "lending &lt;fairness&gt; version 2: 2 rules" in html


def test_regression_audit_gets_metric_sections_from_its_disparities():
    rng = np.random.default_rng(8)
    group = rng.choice(["a", "b"], 400)
    y = rng.normal(size=400)
    pred = y + rng.normal(size=400) * np.where(group == "a", 0.5, 1.0)
    result = fairscope.audit_predictions(y, pred, sensitive_features=group)
    assert result.task == "regression"
    html = to_html(result)
    h3 = headings(html, 3)
    assert "Mean absolute error not judged" in h3
    wide = result.tables["regression_metrics"]
    row = wide[wide["group"] == "b"].iloc[0]
    assert f">{row['mean_absolute_error']:.3f}<" in html
    assert f"{row['mean_prediction_lower']:.3f} – {row['mean_prediction_upper']:.3f}" in html


def test_multiclass_audit_gets_one_block_per_class():
    from fairscope.report._content import build_report
    from fairscope.report._html import render

    rng = np.random.default_rng(9)
    group = rng.choice(["a", "b"], 600)
    y = rng.integers(0, 3, 600)
    pred = np.where(rng.random(600) < 0.7, y, rng.integers(0, 3, 600))
    result = fairscope.audit_predictions(y, pred, sensitive_features=group)
    assert result.task == "multiclass"
    report = build_report(result, plots=False)
    section = next(s for s in report["metric_sections"] if s["metric"] == "true_positive_rate")
    assert [b["feature"] for b in section["blocks"]] == [
        f"sensitive_feature, class {c}" for c in (0, 1, 2)
    ]
    assert "True positive rate by sensitive_feature, class 2" in render(report)


def test_suppression_is_by_group_size_not_by_the_rows_of_a_table_cell():
    result = small_audit(metrics=("selection_rate",))
    result.tables["calibration"] = pd.DataFrame(
        {
            "feature": "grp",
            "group": ["a", "a"],
            "bin": [0, 1],
            "n": [3, 200],
            "mean_score": [0.05, 0.15],
            "fraction_positive": [0.333, 0.1],
        }
    )
    html = to_html(result, suppress_below=10)
    section = html[html.index('id="calibration"') :]
    assert ">0.333<" in section and "suppressed" not in section.split("</section>")[0]


def test_cli_report_renders_the_same_file_as_the_python_api(tmp_path):
    from fairscope.cli._main import main
    from fairscope.judge import apply_policy

    result = small_audit(metrics=("selection_rate",))
    result = apply_policy(result, "four-fifths", today="2026-01-01")
    saved = tmp_path / "audit.json"
    result.to_json(saved)
    out = tmp_path / "report.html"
    main(["report", str(saved), "--html", str(out)])
    assert out.read_text(encoding="utf-8") == AuditResult.from_json(saved).to_html()


def test_dataset_summary_names_the_flagged_proxies():
    tables = dict(DATASET_TABLES)
    tables["proxies"] = pd.DataFrame(
        {"feature": ["race"] * 2, "column": ["zip_region", "income"], "is_proxy": [True, False]}
    )
    result = AuditResult(kind="dataset", task="dataset", tables=tables)
    summary = to_html(result).split('id="scope"')[0]
    assert "Flagged as proxies of race: zip_region (see “Proxies”)." in summary
