"""The Python code blocks of README.md and the docs run as written.

Each page's blocks run in order in a fresh namespace (``exec``, in this process so imports are
paid once) with a temporary working directory, after a short prelude that defines what the surrounding prose assumes
(``X_train`` in the notebook guide, ``compas`` in the metrics reference, ...). A block
preceded by ``<!-- skip-snippet -->`` is not run: use it only for code that cannot run here
(a signature listing, a Spark cluster). Figures the prose quotes are checked at the end of
the page's run by ``CHECKS``.
"""

from __future__ import annotations

import re
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
_data = make_credit_scoring(n=2_000, bias=0.5, random_state=0)
train, test = _data.iloc[:1_000], _data.iloc[1_000:]
_features = ["income", "debt_to_income", "credit_history_years", "late_payments", "loan_amount"]
X_train, y_train = train[_features], train["repaid"]
X_test, y_test = test[_features + ["sex", "race"]], test["repaid"]
"""

COMPAS = """
import fairscope
from fairscope.datasets import load_compas
compas = frame = load_compas()
"""

# a pipeline that takes the sensitive columns like any other feature
PIPELINE = (
    MODEL
    + """
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
pipeline = make_pipeline(
    make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["sex", "race"]),
        (StandardScaler(), _features),
    ),
    LogisticRegression(max_iter=1000),
)
model = pipeline.fit(train[_features + ["sex", "race"]], y_train)
X, y = X_test, y_test
grid = {"logisticregression__C": [0.1, 1.0]}
"""
)

MITIGATION = (
    MODEL
    + """
# standardized features, so the logistic regressions converge quickly
_mean, _std = X_train.mean(), X_train.std()
X_train, X_test = (X_train - _mean) / _std, (test[_features] - _mean) / _std
model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
"""
)

ENGINE_FILES = """
import os
import numpy as np
import pandas as pd
_rng = np.random.default_rng(0)
for _folder in ("logs", "logs/2024-01", "logs/2024-02"):
    os.makedirs(_folder, exist_ok=True)
    pd.DataFrame({
        "label": _rng.integers(0, 2, 500),
        "prediction": _rng.integers(0, 2, 500),
        "race": _rng.choice(["A", "B", "C"], 500),
        "sex": _rng.choice(["female", "male"], 500),
        "weight": _rng.uniform(0.5, 2.0, 500),
    }).to_parquet(f"{_folder}/part-0.parquet")
table = pd.read_parquet("logs/part-0.parquet")
"""

STATISTICS = """
from fairscope.datasets import make_credit_scoring
_df = make_credit_scoring(n=2_000, random_state=0)
y_true, y_pred, race = _df["repaid"], _df["approved"], _df["race"]
"""

ADULT_FILE = """
import os
os.symlink(os.path.join(os.environ["FAIRSCOPE_DATA_DIR"], "adult", "adult.data"), "adult.data")
"""

# page -> (prelude, checks run after the page's blocks)
PAGES: dict[str, tuple[str, str]] = {
    "README.md": (
        "",
        # "African-American 0.588, Other 0.21; African-American gets the adverse outcome"
        """
        found = {f.group: f for f in audit.findings}
        assert found["African-American"].status == "FAIL", found
        assert found["Caucasian"].status != "FAIL", found
        assert "African-American 0.588, Other 0.21" in found["African-American"].message
        """,
    ),
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
        from fairscope.core._intervals import wilson_interval
        low, high = wilson_interval(20, 40)
        assert (round(float(low), 2), round(float(high), 2)) == (0.35, 0.65)
        """,
    ),
    "docs/index.md": (
        "",
        # "0.73 times that of Asian applicants (95% interval 0.70 to 0.77, 1,333 applicants)",
        # in the table and the four-fifths finding alike (one reference, the policy's)
        """
        d = result.tables["disparities"].set_index(["feature", "group", "metric", "kind"])
        row = d.loc[("race", "Black", "selection_rate", "ratio")]
        assert row["reference"] == "Asian" and row["n"] == 1333
        assert [round(row[c], 2) for c in ("estimate", "lower", "upper")] == [0.73, 0.70, 0.77]
        f = result.findings_frame().iloc[0]
        assert (f["group"], f["reference"], f["status"]) == ("Black", "Asian", "FAIL")
        assert [round(f[c], 2) for c in ("value", "lower", "upper")] == [0.73, 0.70, 0.78]
        assert round(f["reference_value"], 2) == 0.89
        """,
    ),
    "docs/datasets.md": (
        "import fairscope",
        # the Black/White approval ratio: about 0.90 at bias=0, 0.74 at 0.5, 0.43 at 1;
        # ProPublica's FPR 0.448 / 0.235 and FNR 0.280 / 0.477
        """
        for bias, ratio in ((0, 0.90), (0.5, 0.74), (1, 0.43)):
            rates = make_credit_scoring(n=10_000, bias=bias, random_state=0).groupby("race")[
                "approved"
            ].mean()
            assert round(rates["Black"] / rates["White"], 2) == ratio, (bias, rates)
        g = result.tables["group_metrics"].set_index(["feature", "group"])
        fpr = g.loc["race", "false_positive_rate"]
        fnr = g.loc["race", "false_negative_rate"]
        assert round(fpr["African-American"], 3) == 0.448 and round(fpr["Caucasian"], 3) == 0.235
        assert round(fnr["African-American"], 3) == 0.280 and round(fnr["Caucasian"], 3) == 0.477
        """,
    ),
    "docs/dataset-auditing.md": (
        ADULT_FILE,
        # base rates 0.3057 (6662 of 21790) / 0.1095 (1179 of 10771), ratio 0.358 [0.338, 0.379];
        # workclass missing for 7.8% of women, 4.6% of men (1.70 [1.56, 1.86]);
        # relationship explains 43% of the entropy of sex; all features: AUC 0.93
        """
        b = result.tables["base_rates"].set_index(["feature", "group"]).loc["sex"]
        assert (b.loc["Male", "count"], b.loc["Male", "n"]) == (6662, 21790)
        assert (b.loc["Female", "count"], b.loc["Female", "n"]) == (1179, 10771)
        assert round(b.loc["Male", "value"], 4) == 0.3057
        assert round(b.loc["Female", "value"], 4) == 0.1095
        assert [round(b.loc["Female", c], 3) for c in ("ratio", "ratio_lower", "ratio_upper")] == [
            0.358, 0.338, 0.379
        ]
        m = result.tables["missingness"].set_index(["feature", "column", "group"]).loc["sex"]
        w = m.loc["workclass"]
        assert round(w.loc["Female", "missing_rate"], 3) == 0.078
        assert round(w.loc["Male", "missing_rate"], 3) == 0.046
        assert [round(w.loc["Female", c], 2) for c in ("ratio", "ratio_lower", "ratio_upper")] == [
            1.70, 1.56, 1.86
        ]
        p = result.tables["proxies"].set_index(["feature", "column"])
        assert round(p.loc[("sex", "relationship"), "uncertainty_coefficient"], 2) == 0.43
        pm = result.tables["proxy_model"].set_index("feature")
        assert round(pm.loc["sex", "auc"], 2) == 0.93
        """,
    ),
    "docs/policies.md": (
        "",
        # the example message of a finding
        """
        assert result.passed is False
        assert (
            "Rate of the favourable outcome (not predicted high_risk = 1) of African-American "
            "(0.412, n=3,696) is 0.521 times that of Other (0.79) (95% CI of the ratio 0.49 to "
            "0.558): outside the limit (a ratio of at least 0.8) over its whole interval. "
            "Predicted high_risk = 1 (the adverse outcome): African-American 0.588, Other 0.21; "
            "African-American gets the adverse outcome more often."
        ) in set(result.findings_frame()["message"])
        """,
    ),
    "docs/group-metrics.md": (COMPAS, ""),
    "docs/statistics.md": (STATISTICS, ""),
    "docs/report.md": (
        COMPAS
        + 'gm = fairscope.GroupMetrics("two_year_recid", "high_risk", "race", data=compas)\n',
        "",
    ),
    "docs/mitigation.md": (MITIGATION, ""),
    "docs/model-auditing.md": (PIPELINE, ""),
    "docs/engines.md": (ENGINE_FILES, ""),
    "docs/warnings.md": ("", ""),
    "docs/regulatory.md": (
        "",
        """
        race = table[table["feature"] == "race/ethnicity"].set_index("category")
        assert round(race.loc["Black or African American", "impact_ratio"], 3) == 0.609
        assert audit.metadata["ll144"]["unknown"]["sex & race/ethnicity"] == 486
        assert round(female["impact_ratio_lower"], 3) == 0.719
        assert int(rows.set_index("group").loc["Hispanic or Latino", "shortfall"]) == 46
        assert bool(black["significant"].iloc[1]) and not bool(black["significant"].iloc[0])
        assert audit.metadata["ll144"]["median_score"] == 47.485
        assert [round(female[c], 3) for c in ("impact_ratio", "impact_ratio_upper")] == [
            0.799, 0.888,
        ]
        """,
    ),
    "docs/coming-from.md": (
        "",
        "assert abs(generalized_entropy_index(y_true, y_pred, alpha=2) - 0.2) < 1e-12\n"
        "assert list(within.difference().index) == ['north', 'south']\n",
    ),
}


# The sentences whose figures ``PAGES`` checks: if the prose changes, update the check too.
QUOTED: dict[str, list[str]] = {
    "docs/getting-started.md": [
        "about 88% of white applicants and 65% of Black applicants are approved"
    ],
    "docs/guides/notebook.md": ["a 95% interval of about 0.35 to 0.65"],
    "docs/index.md": [
        "(Asian applicants, 0.89), and so does every table",
        "0.73 times that of Asian applicants (95% interval 0.70 to 0.77, 1,333 applicants",
    ],
    "docs/datasets.md": [
        "a Black/White approval ratio of about 0.90). The ratio falls to about 0.74 at "
        "`bias=0.5` and 0.43 at `bias=1`",
        "(false positive rate 0.448 for African-American and 0.235 for Caucasian defendants; "
        "false negative rate 0.280 and 0.477)",
    ],
    "docs/dataset-auditing.md": [
        "0.3057 for men (6662 of 21790) and 0.1095 for women (1179 of 10771): a ratio of 0.358 "
        "[0.338, 0.379]",
        "`workclass` is missing for 7.8% of women and 4.6% of men (ratio 1.70 [1.56, 1.86])",
        "`relationship` explains 43% of the entropy of sex and all features together predict "
        "sex with AUC 0.93",
    ],
    "docs/regulatory.md": [
        "(486 here)",
        "(the median of all 5,000 scores is 47.485)",
        "0.799 0.719 0.888",
    ],
    "docs/policies.md": [
        "Predicted high_risk = 1 (the adverse outcome): African-American 0.588, Other 0.21; "
        "African-American gets the adverse outcome more often."
    ],
}


# pages that read COMPAS or Adult (skipped when the data folder is absent)
NEEDS_DATA = {
    "README.md",
    "docs/datasets.md",
    "docs/dataset-auditing.md",
    "docs/policies.md",
    "docs/group-metrics.md",
    "docs/report.md",
}


def data_present() -> bool:
    root = shared_data_dir()
    return (root / "compas" / "compas-scores-two-years.csv").exists() and (
        root / "adult" / "adult.data"
    ).exists()


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


# Serializing the report's ~40 figures to SVG is most of a report's cost; the pages that only
# mention ``to_html`` in passing get a placeholder so the suite stays fast. Every other step of
# the report (tables, figures, template, the file written) still runs; report.md renders real SVG.
REAL_SVG = {"docs/report.md"}


def placeholder_svg(fig, *, title, description, element_id):
    return "<svg></svg>"


def run_page(page: str) -> None:
    """Run the prelude, every block and the checks of ``page`` in one fresh namespace."""
    prelude, checks = PAGES[page]
    namespace = {"__name__": "__docs__"}
    exec(compile(textwrap.dedent(prelude), f"{page}:prelude", "exec"), namespace)
    for line, code in blocks(page):
        exec(compile(code, f"{page}:{line}", "exec"), namespace)
    exec(compile(textwrap.dedent(checks), f"{page}:checks", "exec"), namespace)


def test_every_page_with_python_blocks_is_covered_or_fully_skipped():
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    uncovered = [
        str(p.relative_to(REPO))
        for p in pages
        if blocks(str(p.relative_to(REPO))) and str(p.relative_to(REPO)) not in PAGES
    ]
    assert uncovered == [], f"add these pages to PAGES or mark their blocks {SKIP}"


@pytest.mark.parametrize("page", sorted(QUOTED))
def test_figures_checked_here_are_the_ones_the_page_quotes(page):
    text = " ".join((REPO / page).read_text(encoding="utf-8").replace("> ", "").split())
    for sentence in QUOTED[page]:
        assert sentence in text, f"{page} no longer says {sentence!r}: update PAGES' check"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_python_blocks_run_and_quoted_figures_hold(page, tmp_path, monkeypatch):
    import matplotlib
    import matplotlib.pyplot as plt

    import fairscope.report._svg

    assert blocks(page), f"{page} has no Python block to run"
    if page in NEEDS_DATA and not data_present():
        pytest.skip(f"{page} reads COMPAS or Adult: not found in {shared_data_dir()}")
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAIRSCOPE_DATA_DIR", str(shared_data_dir()))
    if page not in REAL_SVG:
        monkeypatch.setattr(fairscope.report._svg, "figure_to_svg", placeholder_svg)
    try:
        run_page(page)
    finally:
        plt.close("all")


def test_cli_page_audit_example_prints_what_the_page_shows(tmp_path, monkeypatch, capsys):
    from fairscope.cli._main import main
    from fairscope.datasets import load_compas

    if not data_present():
        pytest.skip(f"COMPAS not found in {shared_data_dir()}")
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    example = text.split("$ fairscope audit predictions.csv", 1)[1].split("$ echo $?", 1)[0]
    command, shown = example.split("\nfairscope predictions audit", 1)
    shown = "fairscope predictions audit" + shown
    argv = ["audit", "predictions.csv", *command.replace("\\\n", " ").split()]
    # the HTML report is tested elsewhere (tests/test_report_html.py) and is most of the time
    html = argv.index("--html")
    del argv[html : html + 2]
    monkeypatch.chdir(tmp_path)
    load_compas(shared_data_dir()).to_csv("predictions.csv", index=False)

    assert main(argv) == 1  # the page then shows `echo $?` -> 1
    printed = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    for line in shown.strip().splitlines():
        if line.strip() != "...":
            assert " ".join(line.split()) in printed, line
