"""The hostile fixtures of issue 15 in a real browser (Chromium): nothing injected, nothing run.

The report is built from a tampered saved audit (labels edited in the JSON)
holding the string attacks, control characters, a right-to-left override and
a 100 KB name; the page must run no script but its own, fetch nothing, create
no element or handler from the data, and show the bidi override as text.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import fairscope

CHROMIUM = "/usr/bin/chromium"
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "tab\x0bnul\x00",
    "\u202eevil",
    "\x1b[2J\x1b[HALL PASSED",
    "lone\udc80",
]
LONG_NAME = "<svg onload=window.__pwned=3>" + "c" * 100_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs chromium at /usr/bin"),
]


def tampered_report(folder: Path) -> Path:
    rng = np.random.default_rng(3)
    n = 700
    groups = np.array([*HOSTILE, "plain"], dtype=object)[rng.integers(0, len(HOSTILE) + 1, n)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fairscope.audit_predictions(
            rng.integers(0, 2, n),
            rng.integers(0, 2, n),
            sensitive_features={LONG_NAME: groups},
            policy="four-fifths",
            metrics=["selection_rate"],
        )
    saved = json.loads(result.to_json())
    saved["policy"]["version"] = "<img src=x onerror=window.__pwned=4>"
    saved["findings"][0]["group"] = '<iframe src="javascript:window.__pwned=5">'
    saved["findings"][0]["message"] = "\u202e<b onmouseover=window.__pwned=6>x</b>"
    path = folder / "tampered.html"
    fairscope.AuditResult.from_json(json.dumps(saved)).to_html(path)
    return path


def test_tampered_hostile_audit_runs_nothing_injects_nothing_and_isolates_bidi(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path = tampered_report(tmp_path)
    assert path.stat().st_size < 2_000_000, "a 100 KB name must not make a huge report"
    requests: list[str] = []
    dialogs: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            pwned = page.evaluate("() => window.__pwned")
            injected = page.evaluate(
                "() => document.querySelectorAll('img, iframe, b, object, embed, svg[onload]')"
                ".length"
            )
            handlers = page.evaluate(
                "() => Array.from(document.querySelectorAll('*')).filter(e => "
                "Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"
            )
            scripts = page.evaluate("() => document.scripts.length")
            text = page.evaluate("() => document.body.textContent")
        finally:
            browser.close()
    assert pwned is None and dialogs == []
    assert injected == 0 and handlers == 0 and scripts == 1
    assert requests == [path.as_uri()]
    assert "\u202e" not in text and "\\u202eevil" in text
    assert "\x1b" not in text and "\\x1b[2J" in text
    assert "<script>window.__pwned = 1</script>" in text  # shown as text
