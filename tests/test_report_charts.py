"""The report's header block, its charts written as SVG, and rendering without global state."""

from __future__ import annotations

import re
import threading
from html import unescape

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.report._svg_charts import FONT, WIDTH, Axis, Bar, bar_chart
from fairscope.report._svg_curves import Curve, Panels, small_multiples
from fairscope.result._audit_result import AuditResult


def judged_audit() -> AuditResult:
    rng = np.random.default_rng(3)
    group = rng.choice(["big", "middle", "tiny"], 1_000, p=[0.6, 0.395, 0.005])
    y = rng.integers(0, 2, 1_000)
    pred = (rng.random(1_000) < np.where(group == "big", 0.6, 0.35)).astype(int)
    return fairscope.audit_predictions(
        y, pred, sensitive_features=pd.Series(group, name="region"), policy="four-fifths"
    )


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


# -- header block -------------------------------------------------------------------------------


def test_header_block_shows_model_data_owner_date_and_policy():
    html = judged_audit().to_html(
        title="Loan approvals",
        owner="Credit risk team",
        model_name="scorecard",
        model_version="2.1",
        data_name="applications",
        data_version="2026-10",
        audit_date="2026-11-01",
    )
    header = unescape(re.search(r'<dl class="facts">.*?</dl>', html, flags=re.S).group(0))
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", header))
    assert facts == {
        "Audit date": "2026-11-01",
        "Model": "scorecard, version 2.1",
        "Data": "applications, version 2026-10",
        "Owner": "Credit risk team",
        "Policy": "four-fifths, version 1.0",
    }


def test_header_date_defaults_to_the_day_the_audit_ran_so_a_rebuilt_report_is_the_same():
    result = judged_audit()
    html = result.to_html()
    ran = result.reproducibility["timestamp_utc"][:10]
    assert f"<dt>Audit date</dt><dd>{ran}</dd>" in html
    assert AuditResult.from_json(result.to_json()).to_html() == html


def test_header_values_from_the_caller_are_escaped():
    html = judged_audit().to_html(owner="<script>alert(1)</script>")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_cli_header_flags_reach_the_report(tmp_path):
    from fairscope.cli._main import main

    saved = tmp_path / "audit.json"
    judged_audit().to_json(saved)
    out = tmp_path / "report.html"
    main(
        [
            "report",
            str(saved),
            "--html",
            str(out),
            "--owner",
            "Risk team",
            "--model-name",
            "scorecard",
            "--model-version",
            "7",
        ]
    )
    html = out.read_text(encoding="utf-8")
    assert "<dd>scorecard, version 7</dd>" in html and "<dd>Risk team</dd>" in html


# -- charts -------------------------------------------------------------------------------------


def test_difference_charts_write_the_sign_of_each_value():
    chart = bar_chart(
        [Bar("a", 0.12, 0.05, 0.2, "FAIL", 100), Bar("b", -0.03, -0.1, 0.04, "PASS", 90)],
        Axis(title="Selection rate: difference", signed=True, threshold=0.1, bound="max"),
        title="t",
        description="d",
        element_id="c",
    )
    assert ">+0.120<" in chart and ">−0.030<" in chart


def test_status_words_are_on_the_name_line_not_over_the_whiskers():
    chart = bar_chart(
        [Bar("group a", 0.5, 0.1, 0.95, "INCONCLUSIVE", 40)],
        Axis(title="ratio", baseline=1.0, threshold=0.8),
        title="t",
        description="d",
        element_id="c",
    )
    status = re.search(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>INCONCLUSIVE · n = 40</text>', chart)
    whisker = re.search(r'<path d="M[\d.]+,([\d.]+)H', chart)
    assert status and whisker
    assert float(status.group(2)) < float(whisker.group(1)) - 6  # a line above the bar


def test_groups_below_the_minimum_size_are_drawn_faint_and_said_to_be_small():
    html = judged_audit().to_html()
    chart = next(s for s in svgs(html) if "tiny" in s and "at a glance" not in s)
    assert "small group" in chart and 'fill-opacity="0.25"' in chart


def test_every_chart_text_is_at_least_the_minimum_font_size():
    html = judged_audit().to_html()
    sizes = [float(s) for chart in svgs(html) for s in re.findall(r'font-size="([\d.]+)"', chart)]
    assert sizes and min(sizes) >= FONT
    assert all(f'viewBox="0 0 {WIDTH:g} ' in chart for chart in svgs(html))


def test_many_group_curves_become_one_panel_per_group():
    curves = [Curve(f"group {i}", [0, 0.5, 1], [0, 0.6 + i / 100, 1], n=100) for i in range(10)]
    chart = small_multiples(
        curves,
        Panels("false positive rate", "true positive rate"),
        title="ROC",
        description="d",
        element_id="r",
    )
    assert all(f">group {i} (n = 100)<" in chart for i in range(10))
    assert chart.count("<use ") == 10  # the other groups' curves, in grey, in every panel


def test_chart_labels_from_the_data_are_escaped():
    chart = bar_chart(
        [Bar("<script>x</script>", 0.5)],
        Axis(title="a & b"),
        title="<t>",
        description="d",
        element_id="c",
    )
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "a &amp; b" in chart


# -- no global state ----------------------------------------------------------------------------


def test_rendering_leaves_matplotlib_settings_untouched():
    matplotlib = pytest.importorskip("matplotlib")
    before = dict(matplotlib.rcParams)
    judged_audit().to_html()
    judged_audit().plot()._repr_png_()
    assert dict(matplotlib.rcParams) == before


def test_concurrent_reports_are_identical():
    result = judged_audit()
    expected = result.to_html()
    outputs: list[str] = []
    threads = [threading.Thread(target=lambda: outputs.append(result.to_html())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outputs) == 4 and all(out == expected for out in outputs)


# -- the data-set report (Adult, as published: 24% earn >50K; 11% of women, 31% of men) --------


@pytest.fixture(scope="module")
def adult_dataset_report(adult_dir):
    from fairscope.datasets import load_adult

    data = load_adult(adult_dir, split="train", download=False)
    result = fairscope.audit_dataset(
        data, target="income", pos_label=">50K", sensitive_features=["sex", "race"]
    )
    return result, result.to_html()


def test_dataset_summary_states_the_base_rate_gap(adult_dataset_report):
    _, html = adult_dataset_report
    summary = unescape(re.search(r'<ul class="summary">.*?</ul>', html, flags=re.S).group(0))
    assert "Base rate of >50K by sex: Female 11% vs Male 31%" in summary


def test_every_flagged_missing_data_gap_is_in_the_table(adult_dataset_report):
    result, html = adult_dataset_report
    table = re.search(r'<table id="t-missingness".*?</table>', html, flags=re.S).group(0)
    flagged = result.tables["missingness"]
    flagged = flagged[flagged["flagged"].astype(bool)]
    assert len(flagged) > 0
    rows = re.findall(r"<tr>.*?</tr>", table, flags=re.S)
    shown = {(unescape(re.sub("<[^>]+>", "", r))) for r in rows}
    for _, row in flagged.iterrows():
        assert any(row["group"] in text and row["column"] in text for text in shown)


def test_dataset_sections_have_charts_and_a_filled_methodology(adult_dataset_report):
    _, html = adult_dataset_report
    titles = unescape(" ".join(re.findall(r"<title id=[^>]*>(.*?)</title>", html)))
    for title in (
        "Flagged missing-data gaps by race",
        "Proxies of sex",
        "Flagged feature shifts by sex",
    ):
        assert title in titles
    methodology = re.search(r'id="methodology".*?</table>', html, flags=re.S).group(0)
    assert "Uncertainty coefficient" in methodology and "I(S; X) / H(S)" in methodology


def test_overview_marks_every_judged_check_with_its_status_symbol_and_size():
    from fairscope.report._overview import overview_chart
    from fairscope.report._privacy import Sizes

    result = judged_audit()
    chart = overview_chart(result, Sizes(result, None), "o")
    judged = {(f.feature, f.group, f.metric) for f in result.findings}
    assert chart.count("<circle") == len(judged)
    radii = [float(r) for r in re.findall(r'<circle [^>]*r="([\d.]+)"', chart)]
    assert len(set(radii)) > 1  # sized by n: the big group's mark is the largest
    statuses = {f.status.value for f in result.findings}
    key = re.findall(r">([^<]*)</text>", chart)[-2]
    assert all(status in key for status in statuses)


def test_no_overview_without_a_policy():
    from fairscope.report._overview import overview_chart
    from fairscope.report._privacy import Sizes

    rng = np.random.default_rng(1)
    result = fairscope.audit_predictions(
        rng.integers(0, 2, 100),
        rng.integers(0, 2, 100),
        sensitive_features=rng.choice(["a", "b"], 100),
    )
    assert overview_chart(result, Sizes(result, None), "o") == ""


def test_metric_guide_places_every_audited_metric_under_a_lens_from_the_registry():
    from fairscope.core._registry import REGISTRY
    from fairscope.report._guide import metric_guide

    names = ["selection_rate", "false_positive_rate", "true_positive_rate", "precision"]
    guide = metric_guide(names)
    listed = [m["label"] for lens in guide for m in lens["metrics"]]
    assert sorted(listed) == sorted(REGISTRY[n].label for n in names)
    assert all(lens["harm"] for lens in guide)
    punitive = next(g for g in guide if g["lens"].startswith("Wrongly flagged"))
    assert [m["label"] for m in punitive["metrics"]] == ["False positive rate"]


def test_regression_summary_leads_with_the_largest_error_gap():
    rng = np.random.default_rng(8)
    group = rng.choice(["a", "b"], 2_000)
    y = rng.normal(size=2_000)
    pred = y + rng.normal(size=2_000) * np.where(group == "a", 0.5, 1.0)
    result = fairscope.audit_predictions(y, pred, sensitive_features=group)
    d = result.tables["disparities"]
    row = d[
        (d["metric"] == "mean_absolute_error")
        & (d["kind"] == "difference")
        & (d["group"] != d["reference"])
    ].iloc[0]
    html = unescape(result.to_html())
    summary = re.search(r'<ul class="summary">.*?</ul>', html, flags=re.S).group(0)
    first = re.findall(r"<li>(.*?)</li>", summary)[1]
    assert first.startswith("The largest gap in mean absolute error:")
    assert f"{row['value']:.3f} vs {row['reference']} {row['reference_value']:.3f}" in first


def test_multiclass_headline_table_is_in_the_summary_not_the_appendix():
    rng = np.random.default_rng(9)
    group = rng.choice(["a", "b"], 600)
    y = rng.integers(0, 3, 600)
    pred = np.where(rng.random(600) < 0.7, y, rng.integers(0, 3, 600))
    html = fairscope.audit_predictions(y, pred, sensitive_features=group).to_html()
    summary = re.search(r'<section id="summary".*?</section>', html, flags=re.S).group(0)
    assert (
        "Fairness criteria over all classes" in summary
        and "Demographic parity difference" in summary
    )
    assert "Table “fairness_criteria”" not in html


def test_metrics_undefined_for_every_group_get_no_chart():
    # decile scores are not probabilities: Brier score, log loss and ECE are undefined
    rng = np.random.default_rng(4)
    group = rng.choice(["a", "b"], 800)
    score = rng.integers(1, 11, 800)
    y = (rng.random(800) < score / 11).astype(int)
    result = fairscope.audit_predictions(
        y, (score > 5).astype(int), y_score=score, sensitive_features=group
    )
    rows = result.tables["score_metrics"]
    assert rows["brier_score"].isna().all()
    titles = [unescape(t) for t in re.findall(r"<title id=[^>]*>(.*?)</title>", result.to_html())]
    assert not any(t.startswith("Brier score") for t in titles)
    assert any(t.startswith("ROC AUC") for t in titles)


# -- words a reader understands -----------------------------------------------------------------


def scored_audit() -> AuditResult:
    rng = np.random.default_rng(6)
    group = rng.choice(["a", "b"], 1_500)
    score = rng.random(1_500)
    y = (rng.random(1_500) < score).astype(int)
    return fairscope.audit_predictions(
        y, (score > 0.5).astype(int), y_score=score, sensitive_features=group, policy="four-fifths"
    )


def test_table_headers_are_words_not_column_names():
    html = scored_audit().to_html()
    headers = [unescape(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)]
    assert "ROC AUC: standard error" in headers
    # the feature's own name (here the default "sensitive_feature") is data, shown as given
    assert not [h for h in headers if "_" in h and h != "sensitive_feature"]


def test_scope_names_the_model_settings_in_words():
    html = unescape(scored_audit().to_html())
    scope = re.search(r'<section id="scope".*?</section>', html, flags=re.S).group(0)
    assert "<dt>The audit fails on</dt><dd>any FAIL finding</dd>" in scope
    assert "n_bins" not in scope and "Fails on" not in scope
    assert "calibration bins" in scope


def test_findings_link_to_their_metric_section():
    html = judged_audit().to_html()
    findings = re.search(r'<section id="findings".*?</section>', html, flags=re.S).group(0)
    targets = set(re.findall(r'<a href="#([^"]+)">rule ', findings))
    assert targets == {"metric-selection-rate"}
    assert '<section id="metric-selection-rate"' in html


def test_two_sided_rules_are_charted_with_the_signed_difference_and_both_limits():
    # equalized odds judges |difference|; the chart must still say which way each group differs
    rng = np.random.default_rng(12)
    group = rng.choice(["big", "low", "high"], 3_000, p=[0.5, 0.25, 0.25])
    y = rng.integers(0, 2, 3_000)
    hit = np.where(group == "low", 0.5, np.where(group == "high", 0.95, 0.75))
    pred = np.where(y == 1, rng.random(3_000) < hit, rng.random(3_000) < 0.2).astype(int)
    result = fairscope.audit_predictions(
        y, pred, sensitive_features=pd.Series(group, name="g"), policy="equalized-odds"
    )
    d = result.tables["disparities"]
    d = d[(d["metric"] == "true_positive_rate") & (d["kind"] == "difference")].set_index("group")
    chart = next(s for s in svgs(result.to_html()) if "True positive rate by g<" in s)
    assert "limits −0.1 and +0.1" in chart
    for group_name in ("low", "high"):
        assert f">{d.loc[group_name, 'estimate']:+.3f}<".replace("-", "−") in chart
