"""The Python code blocks of README.md and the docs run as written.

Each page's blocks run in order in one fresh interpreter (a subprocess) with a temporary
working directory, after a short prelude that defines what the surrounding prose assumes
(``X_train`` in the notebook guide, ``compas`` in the metrics reference, ...). A block
preceded by ``<!-- skip-snippet -->`` is not run: use it only for code that cannot run here
(a signature listing, a Spark cluster). Figures the prose quotes are checked at the end of
the page's run by ``CHECKS``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import shared_data_dir

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
SKIP = "<!-- skip-snippet -->"

CREDIT = """
import fairscope
from fairscope.datasets import make_credit_scoring
df = make_credit_scoring(n=2_000, bias=0.5, random_state=0)
"""

MODEL = """
import fairscope
from fairscope.datasets import make_credit_scoring
from sklearn.linear_model import LogisticRegression
_data = make_credit_scoring(n=4_000, bias=0.5, random_state=0)
train, test = _data.iloc[:2_000], _data.iloc[2_000:]
_features = ["income", "debt_to_income", "credit_history_years", "late_payments", "loan_amount"]
X_train, y_train = train[_features], train["repaid"]
X_test, y_test = test[_features + ["sex", "race"]], test["repaid"]
"""

# page -> (prelude, checks run after the page's blocks)
PAGES: dict[str, tuple[str, str]] = {
    "README.md": ("", ""),
    "docs/getting-started.md": (
        "",
        # "about 88% of white applicants and 65% of Black applicants are approved"
        """
        rates = df.groupby("race")["approved"].mean()
        assert round(rates["White"], 2) == 0.88 and round(rates["Black"], 2) == 0.65, rates
        assert result.passed is False
        """,
    ),
    "docs/guides/notebook.md": (
        MODEL,
        # "a group of 40 people with a selection rate of 0.5 has a 95% interval of about
        # 0.35 to 0.65"
        """
        from fairscope.intervals import wilson_interval
        low, high = wilson_interval(20, 40)
        assert (round(float(low), 2), round(float(high), 2)) == (0.35, 0.65)
        """,
    ),
}


def blocks(page: str) -> list[tuple[int, str]]:
    """(line number, code) of each Python block of ``page`` not marked to skip."""
    text = (REPO / page).read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(text):
        before = text[: match.start()].rstrip()
        if before.endswith(SKIP):
            continue
        found.append((text.count("\n", 0, match.start()) + 2, match.group(1)))
    return found


def script(page: str) -> str:
    prelude, checks = PAGES[page]
    parts = [textwrap.dedent(prelude)]
    for line, code in blocks(page):
        parts.append(f"__block = {page + ':' + str(line)!r}\n")
        parts.append(f"exec(compile({code!r}, __block, 'exec'))\n")
    parts.append(textwrap.dedent(checks))
    return "\n".join(parts)


def test_every_page_with_python_blocks_is_covered_or_fully_skipped():
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    uncovered = [
        str(p.relative_to(REPO))
        for p in pages
        if blocks(str(p.relative_to(REPO))) and str(p.relative_to(REPO)) not in PAGES
    ]
    assert uncovered == [], f"add these pages to PAGES or mark their blocks {SKIP}"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_python_blocks_run_and_quoted_figures_hold(page, tmp_path):
    assert blocks(page), f"{page} has no Python block to run"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "FAIRSCOPE_DATA_DIR": str(shared_data_dir()),
        "MPLBACKEND": "Agg",
    }
    run = subprocess.run(
        [sys.executable, "-c", script(page)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, f"{page}: a code block failed\n{run.stderr[-3000:]}"
