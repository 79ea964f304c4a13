"""Six kinds of report in real Chromium: on a phone, printed, and for assistive technology.

The reports are the ones a reader meets: the demo, COMPAS with decile scores, a model and a
data set audit of Adult, a multiclass and a regression audit. At 390 px (a phone) nothing
scrolls sideways and chart text is at least 9 px; printed to PDF every table column stays on
the page; axe-core finds no violation. A screenshot of each is kept in ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.datasets import load_adult, load_compas, make_credit_scoring

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
#: A4 (8.27 in at 96 px/in) less 1 cm margins on each side: the width Chromium prints into.
A4_PRINTABLE = {"width": 718, "height": 1000}
KINDS = ["demo", "compas-scores", "adult-model", "adult-dataset", "multiclass", "regression"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs chromium at /usr/bin"),
]

OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"
#: Rendered size (CSS px) of every chart text: its font size times the screen scale of its box.
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll('svg.fs-plot text')).map(t => {
  const m = t.getScreenCTM();
  const size = parseFloat(getComputedStyle(t).fontSize);
  return [t.textContent, m ? size * Math.hypot(m.a, m.b) : size];
})"""
#: Tables whose right edge leaves the page or whose container has to scroll to show them.
CUT_TABLES = """() => Array.from(document.querySelectorAll('table')).filter(t => {
  const box = t.getBoundingClientRect();
  if (box.width === 0) return false;
  let wrap = t.parentElement;
  const scrolls = wrap && wrap.scrollWidth > wrap.clientWidth + 1;
  return box.right > document.documentElement.clientWidth + 1 || scrolls;
}).map(t => (t.caption ? t.caption.textContent : t.id).slice(0, 80))"""


def _adult_model(adult: Path) -> fairscope.AuditResult:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    numeric = ["age", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    train = load_adult(adult, split="train", download=False).sample(n=5_000, random_state=0)
    test = load_adult(adult, split="test", download=False)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(train[numeric], (train["income"] == ">50K").astype(int))
    return fairscope.audit_model(
        model,
        test[[*numeric, "sex", "race"]],
        (test["income"] == ">50K").astype(int),
        sensitive_features=["sex", "race"],
        drop_sensitive=True,
        policy="four-fifths",
    )


def _synthetic(kind: str) -> fairscope.AuditResult:
    rng = np.random.default_rng(9)
    group = rng.choice(["north", "south", "east"], 900)
    if kind == "multiclass":
        y = rng.integers(0, 3, 900)
        pred = np.where(rng.random(900) < 0.7, y, rng.integers(0, 3, 900))
    else:
        y = rng.normal(size=900)
        pred = y + rng.normal(size=900) * np.where(group == "south", 0.5, 1.0)
    return fairscope.audit_predictions(y, pred, sensitive_features=group)


def build(kind: str, compas: Path, adult: Path) -> fairscope.AuditResult:
    """The audit behind one report kind (as the examples and ``fairscope demo`` make them)."""
    if kind == "demo":
        data = make_credit_scoring(n=10_000, bias=0.5, random_state=0)
        return fairscope.audit_predictions(
            "repaid",
            "approved",
            y_score="score",
            sensitive_features=["sex", "race"],
            data=data,
            policy="four-fifths",
        )
    if kind == "compas-scores":
        data = load_compas(compas.parent, download=False)
        return fairscope.audit_predictions(
            "two_year_recid",
            "high_risk",
            y_score="decile_score",
            sensitive_features=["race", "sex"],
            data=data,
            policy="equalized-odds",
        )
    if kind == "adult-model":
        return _adult_model(adult)
    if kind == "adult-dataset":
        data = load_adult(adult, split="train", download=False)
        return fairscope.audit_dataset(
            data, target="income", pos_label=">50K", sensitive_features=["sex", "race"]
        )
    return _synthetic(kind)


@pytest.fixture(scope="module")
def reports(compas_csv, adult_dir, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for kind in KINDS:
        out[kind] = folder / f"{kind}.html"
        build(kind, compas_csv, adult_dir).to_html(out[kind], title=f"Report: {kind}")
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize("kind", KINDS)
def test_on_a_phone_nothing_scrolls_sideways_and_chart_text_is_legible(kind, reports, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(reports[kind].as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{kind}-390px.png"
    page.screenshot(path=str(shot), full_page=False)
    page.evaluate(OPEN_ALL)
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    sizes = page.evaluate(CHART_TEXT_SIZES)
    page.close()
    assert shot.stat().st_size > 10_000  # kept as a CI artifact
    assert scroll <= inner, f"{kind}: the page is {scroll} px wide in a {inner} px window"
    assert sizes, f"{kind}: no chart found"
    small = [(text, round(px, 1)) for text, px in sizes if text.strip() and px < 9 - 1e-6]
    assert small == [], f"{kind}: chart text under 9 px at 390 px: {small[:5]}"


@pytest.mark.parametrize("kind", KINDS)
def test_printed_every_table_column_stays_on_the_page(kind, reports, browser):
    page = browser.new_page(viewport=A4_PRINTABLE)
    page.emulate_media(media="print")
    page.goto(reports[kind].as_uri())
    cut = page.evaluate(CUT_TABLES)
    pdf = page.pdf(
        format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"}
    )
    page.close()
    assert cut == [], f"{kind}: tables cut at the right edge of the printed page: {cut}"
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


@pytest.mark.parametrize("kind", KINDS)
def test_axe_core_finds_no_violation(kind, reports, browser):
    axe = pytest.importorskip("axe_playwright_python")
    script = Path(axe.__file__).with_name("axe.min.js")
    # the report's CSP admits only its own script: axe is injected with the CSP bypassed
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(reports[kind].as_uri())
    page.screenshot(path=str(ARTIFACTS / f"report-{kind}-1280px.png"), full_page=False)
    page.evaluate(OPEN_ALL)
    page.add_script_tag(path=str(script))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.length + ' ' + v.nodes[0].target)"
    )
    context.close()
    assert violations == []


def test_the_six_reports_differ_in_kind(reports):
    texts = {kind: path.read_text(encoding="utf-8") for kind, path in reports.items()}
    assert "Scores" in texts["compas-scores"] and "The data" in texts["adult-dataset"]
    assert pd.Series([len(t) for t in texts.values()]).nunique() == len(KINDS)
