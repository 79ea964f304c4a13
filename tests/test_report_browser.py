"""The report in a real browser: hostile data stays inert, nothing is fetched, it renders."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.result._audit_result import Finding

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
HOSTILE_GROUPS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '"><img src=x onerror="window.__pwned=2;alert(2)">',
]
HOSTILE_COLUMN = '<img src=x onerror="window.__pwned=3">'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs chromium at /usr/bin"),
]


def hostile_report(path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 600
    frame = pd.DataFrame(
        {
            HOSTILE_COLUMN: rng.choice([*HOSTILE_GROUPS, "ordinary"], n, p=[0.3, 0.3, 0.4]),
            "y": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
        }
    )
    result = fairscope.audit_predictions(
        "y", "p", sensitive_features=HOSTILE_COLUMN, data=frame, metrics=["selection_rate"]
    )
    d = result.tables["disparities"]
    row = d[(d["kind"] == "ratio") & (~d["is_reference"])].iloc[0]
    result.findings = [
        Finding(
            rule_id="<script>window.__pwned=4</script>",
            metric="selection_rate",
            comparison="ratio_to_reference",
            feature=row["feature"],
            group=row["group"],
            status="FAIL",
            value=row["estimate"],
            lower=row["lower"],
            upper=row["upper"],
            threshold=0.8,
            reference=row["reference"],
            n=int(row["n"]),
            message='<img src=x onerror="window.__pwned=5">',
            waiver={"justification": "<b onmouseover=x>", "owner": "o", "expires": "2000-01-01"},
        )
    ]
    result.to_html(
        path,
        title="<script>window.__pwned=6</script>",
        metadata={
            "link": "javascript:window.__pwned=7",
            "ok": "https://example.org/",
            "<img src=x onerror=alert(8)>": "value",
        },
        model_card={"intended_use": "<iframe src=javascript:alert(9)>"},
    )


def test_hostile_report_runs_no_script_injects_nothing_and_fetches_nothing(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "hostile.html"
    hostile_report(path)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-hostile.png"
    shot.unlink(missing_ok=True)
    requests: list[str] = []
    dialogs: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda route: route.continue_())
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            pwned = page.evaluate("() => window.__pwned")
            injected = page.evaluate(
                "() => document.querySelectorAll('img, iframe, b[onmouseover], object, embed')"
                ".length"
            )
            scripts = page.evaluate("() => document.scripts.length")
            handlers = page.evaluate(
                "() => Array.from(document.querySelectorAll('*')).filter(e => "
                "Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"
            )
            javascript_links = page.evaluate(
                "() => Array.from(document.querySelectorAll('a[href]'))"
                ".filter(a => !/^(https?:|#)/.test(a.getAttribute('href'))).length"
            )
            # our own script did run (the CSP hash matches): it marks the page and sorts tables
            ours = page.evaluate("() => document.documentElement.classList.contains('js')")
            text = page.inner_text("body")
            page.screenshot(path=str(shot), full_page=False)
            # without JavaScript the report reads the same: verdict, findings, open tables
            static = browser.new_context(java_script_enabled=False).new_page()
            static.goto(path.as_uri())
            static_verdict = static.inner_text(".verdict-word")
            static_table = static.locator("section.metric table").first.is_visible()
        finally:
            browser.close()
    assert pwned is None
    assert dialogs == []
    assert injected == 0 and handlers == 0 and javascript_links == 0
    assert scripts == 1 and ours
    assert requests == [path.as_uri()]
    assert HOSTILE_GROUPS[0] in text  # shown to the reader as text
    assert "javascript:window.__pwned=7" in text
    assert shot.exists() and shot.stat().st_size > 10_000
    assert static_verdict == "FAIL" and static_table
