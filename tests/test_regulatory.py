"""Regulated audits: NYC Local Law 144 tables and EEOC UGESP adverse impact, against hand counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fairscope
from fairscope.cli._main import main
from fairscope.compute._regulatory import flip_flop_moves, shortfall, ugesp_table
from fairscope.core._warnings import InputWarning
from fairscope.datasets import make_hiring
from fairscope.report._content import build_report

# (sex, race, rows, selected, scored above the median) -- 100 applicants, 50 above the median
BLOCKS = [
    ("Male", "White", 20, 12, 14),
    ("Male", "Black or African American", 15, 5, 6),
    ("Female", "White", 25, 10, 13),
    ("Female", "Black or African American", 20, 2, 5),
    ("Female", "Asian", 1, 1, 1),  # 1 % of the data: below the 2 % line
    (None, "White", 5, 3, 3),  # sex unknown
    ("Male", None, 9, 3, 4),  # race unknown
    ("Female", "Decline to self-identify", 5, 0, 4),  # race unknown, said in words
]


@pytest.fixture(scope="module")
def applicants() -> pd.DataFrame:
    rows = []
    for sex, race, n, chosen, above in BLOCKS:
        for i in range(n):
            # scores 90 above the median and 10 below: the median of the sample is 50
            rows.append((sex, race, int(i < chosen), 90.0 if i < above else 10.0))
    return pd.DataFrame(rows, columns=["sex", "race", "selected", "score"])


def _row(table: pd.DataFrame, feature: str, category: str) -> pd.Series:
    hit = table[(table["feature"] == feature) & (table["category"] == category)]
    assert len(hit) == 1, (feature, category)
    return hit.iloc[0]


def test_ll144_impact_ratios_match_a_hand_computation(applicants):
    audit = fairscope.audit_ll144(
        applicants, selected="selected", exclusion_justification="one applicant"
    )
    table = audit.tables["ll144_impact_ratios"]
    # sex: Male 20/44, Female 13/51; 5 unknown
    male, female = 20 / 44, 13 / 51
    assert _row(table, "sex", "Male")["impact_ratio"] == pytest.approx(1.0)
    assert _row(table, "sex", "Female")["impact_ratio"] == pytest.approx(female / male)
    assert _row(table, "sex", "Female")["n"] == 51
    # race: White 25/50, Black 7/35; Asian (1 of 100) excluded, 14 unknown
    assert _row(table, "race/ethnicity", "White")["is_most_selected"]
    assert _row(table, "race/ethnicity", "Black or African American")[
        "impact_ratio"
    ] == pytest.approx(0.2 / 0.5)
    asian = _row(table, "race/ethnicity", "Asian")
    assert asian["excluded"] and np.isnan(asian["impact_ratio"])
    assert asian["selection_rate"] == 1.0 and asian["n"] == 1  # still listed with its rate
    assert "one applicant" in asian["exclusion_reason"]
    # intersection: Male & White 12/20 is the most selected
    assert _row(table, "sex & race/ethnicity", "Female & Black or African American")[
        "impact_ratio"
    ] == pytest.approx((2 / 20) / (12 / 20))
    assert _row(table, "sex & race/ethnicity", "Female & White")["impact_ratio"] == pytest.approx(
        (10 / 25) / (12 / 20)
    )


def test_ll144_counts_unknown_categories_and_excludes_them(applicants):
    audit = fairscope.audit_ll144(applicants, selected="selected", exclusion_justification="x")
    table = audit.tables["ll144_impact_ratios"]
    assert audit.metadata["ll144"]["unknown"] == {
        "sex": 5,
        "race/ethnicity": 14,
        "sex & race/ethnicity": 19,
    }
    unknown = table[table["category"] == "Unknown"]
    assert unknown["excluded"].all() and unknown["impact_ratio"].isna().all()
    assert unknown["n"].tolist() == [5, 14, 19]


def test_ll144_small_categories_enter_the_ratios_when_not_excluded(applicants):
    audit = fairscope.audit_ll144(applicants, selected="selected", exclude_small=False)
    table = audit.tables["ll144_impact_ratios"]
    # Asian (1 of 1 selected) is then the most selected category
    assert _row(table, "race/ethnicity", "Asian")["is_most_selected"]
    assert _row(table, "race/ethnicity", "White")["impact_ratio"] == pytest.approx(0.5)


def test_ll144_warns_when_a_category_is_excluded_without_justification(applicants):
    with pytest.warns(InputWarning, match="exclusion_justification"):
        fairscope.audit_ll144(applicants, selected="selected")


def test_ll144_scoring_rate_is_the_share_above_the_sample_median(applicants):
    audit = fairscope.audit_ll144(applicants, score="score", exclusion_justification="x")
    table = audit.tables["ll144_scoring_rates"]
    assert audit.metadata["ll144"]["median_score"] == 50.0
    white, black = 30 / 50, 11 / 35
    assert _row(table, "race/ethnicity", "White")["scoring_rate"] == pytest.approx(white)
    assert _row(table, "race/ethnicity", "Black or African American")[
        "impact_ratio"
    ] == pytest.approx(black / white)
    male, female = 24 / 44, 23 / 51
    assert _row(table, "sex", "Female")["impact_ratio"] == pytest.approx(female / male)
    assert _row(table, "sex", "Female")["n_scored_above_median"] == 23


def test_ll144_intervals_sit_beside_the_point_values(applicants):
    table = fairscope.audit_ll144(
        applicants, selected="selected", exclusion_justification="x"
    ).tables["ll144_impact_ratios"]
    female = _row(table, "sex", "Female")
    low, high = stats.binomtest(13, 51).proportion_ci(0.95, method="wilson")
    assert female["selection_rate_lower"] == pytest.approx(low)
    assert female["selection_rate_upper"] == pytest.approx(high)
    assert female["impact_ratio_lower"] < female["impact_ratio"] < female["impact_ratio_upper"]


def test_ll144_records_the_facts_of_the_published_summary(applicants):
    audit = fairscope.audit_ll144(
        applicants, selected="selected", exclusion_justification="x", audit_date="2026-01-15",
        data_source="ATS export 2025", data_type="test", distribution_date="2024-03-01",
    )  # fmt: skip
    facts = audit.metadata["ll144"]
    assert (facts["audit_date"], facts["data_source"], facts["data_type"]) == (
        "2026-01-15",
        "ATS export 2025",
        "test",
    )
    assert facts["distribution_date"] == "2024-03-01"
    with pytest.raises(ValueError, match="historical"):
        fairscope.audit_ll144(applicants, selected="selected", data_type="synthetic")


def test_ll144_refuses_values_that_are_not_eeo1_categories_and_maps_them():
    data = pd.DataFrame({"sex": ["M", "F"] * 50, "selected": [1, 0, 0, 1] * 25})
    with pytest.raises(ValueError, match=r"\['F', 'M'\].*category_map"):
        fairscope.audit_ll144(data, selected="selected", race=None)
    mapped = fairscope.audit_ll144(
        data,
        selected="selected",
        race=None,
        category_map={"sex": {"M": "Male", "F": "Female"}},
    )
    assert mapped.tables["ll144_impact_ratios"]["category"].tolist() == ["Male", "Female"]


def test_ll144_worked_example_on_make_hiring():
    applicants = make_hiring(n=4_000, bias=0.8, random_state=3)
    audit = fairscope.audit_ll144(
        applicants, selected="selected", score="score", exclusion_justification="too few"
    )
    table = audit.tables["ll144_impact_ratios"]
    race = table[table["feature"] == "race/ethnicity"].set_index("category")
    # the planted penalty lowers Black applicants' ratio well below the unpenalized ones
    assert race.loc["Black or African American", "impact_ratio"] < 0.7
    assert race.loc["Native Hawaiian or Pacific Islander", "excluded"]  # 1.2 % of the data
    assert audit.metadata["ll144"]["unknown"]["sex"] == int(applicants["sex"].isna().sum())


# -- UGESP ---------------------------------------------------------------------------------


def _ugesp(men: tuple[int, int], women: tuple[int, int]) -> pd.Series:
    counts = pd.DataFrame(
        {
            "feature": "sex",
            "group": ["men", "women"],
            "n": [men[1], women[1]],
            "n_selected": [men[0], women[0]],
        }
    )
    return ugesp_table(counts).set_index("group").loc["women"]


def test_ugesp_shortfall_is_the_selections_missing_to_reach_four_fifths():
    # men 60/100: four fifths is 48 %, so women at 40/100 lack 8 selections
    assert _ugesp((60, 100), (40, 100))["shortfall"] == 8
    # 47/100 lacks 1; 48/100 reaches it exactly
    assert _ugesp((60, 100), (47, 100))["shortfall"] == 1
    assert _ugesp((60, 100), (48, 100))["shortfall"] == 0
    assert shortfall(3, 10, 0.5) == 1


def test_ugesp_flip_flop_when_one_selection_reverses_the_conclusion():
    # men 5/10, women 3/10: ratio 0.6; moving one selection gives 4/10 each
    small = _ugesp((5, 10), (3, 10))
    assert small["below_four_fifths"] and small["flip_flop_moves"] == 1
    assert small["conclusion"] == "possible adverse impact (not robust)"
    # men 60/100, women 40/100: two moves give 42 vs 58 (0.72), still below
    large = _ugesp((60, 100), (40, 100))
    assert large["flip_flop_moves"] == 0 and large["conclusion"] == "adverse impact indicated"
    # men 50/100, women 41/100 (0.82): one selection moved away gives 40 vs 51 (0.78)
    assert _ugesp((50, 100), (41, 100))["flip_flop_moves"] == 1
    # men 6/10, women 4/10 (0.667): 1 move gives 5/10 vs 5/10
    assert flip_flop_moves(np.array([6.0, 4.0]), np.array([10.0, 10.0]), np.ones(2, bool), 1) == 1


def test_ugesp_two_moves_needed():
    # men 30/50 (0.6), women 20/50 (0.4, ratio 0.667); 1 move: 21 vs 29 (0.724); 2: 22 vs 28 (0.786)
    # 3 moves would give 23 vs 27 (0.85); so two moves do not flip, the conclusion is robust
    assert _ugesp((30, 50), (20, 50))["flip_flop_moves"] == 0
    # men 11/20, women 7/20 (0.636); 1 move: 8 vs 10 (0.8): reaches four fifths
    assert _ugesp((11, 20), (7, 20))["flip_flop_moves"] == 1
    # men 12/20, women 7/20 (0.583); 1: 8 vs 11 (0.727); 2: 9 vs 10 (0.9)
    assert _ugesp((12, 20), (7, 20))["flip_flop_moves"] == 2


def test_ugesp_significance_equals_scipy():
    row = _ugesp((60, 100), (40, 100))
    chi2, p, _, _ = stats.chi2_contingency([[40, 60], [60, 40]], correction=False)
    assert row["z"] ** 2 == pytest.approx(chi2)
    assert row["z"] < -2 and row["z_p_value"] == pytest.approx(p)
    assert row["fisher_p_value"] == pytest.approx(stats.fisher_exact([[40, 60], [60, 40]]).pvalue)
    assert row["test_used"] == "z > 2 SD" and row["statistically_significant"]
    small = _ugesp((5, 10), (3, 10))
    assert small["test_used"] == "fisher"
    assert small["fisher_p_value"] == pytest.approx(stats.fisher_exact([[3, 7], [5, 5]]).pvalue)
    assert not small["statistically_significant"]


def test_ugesp_explains_each_conclusion_in_plain_words():
    row = _ugesp((60, 100), (40, 100))
    assert "8 more selections would reach four fifths" in row["explanation"]
    assert "significant by the z statistic" in row["explanation"]


def test_audit_ugesp_compares_groups_from_rows():
    audit = fairscope.audit_ugesp(
        selected=[1] * 6 + [0] * 4 + [1] * 3 + [0] * 7,
        sensitive_features={"sex": ["m"] * 10 + ["f"] * 10},
    )
    table = audit.tables["ugesp_adverse_impact"].set_index("group")
    assert table.loc["f", "impact_ratio"] == pytest.approx(0.5)
    assert table.loc["m", "conclusion"] == "comparison group"


# -- presets -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def credit() -> pd.DataFrame:
    return fairscope.datasets.make_credit_scoring(n=3_000, bias=0.8, random_state=0)


@pytest.mark.parametrize(
    ("preset", "table"),
    [("nyc-ll144", "ll144_impact_ratios"), ("eeoc-ugesp", "ugesp_adverse_impact")],
)
def test_presets_add_their_tables_to_audit_predictions(credit, preset, table):
    result = fairscope.audit_predictions(
        "repaid", "approved", sensitive_features=["sex", "race"], data=credit, policy=preset
    )
    frame = result.tables[table]
    counts = result.tables["counts"]
    black = counts[counts["group"] == "Black"].iloc[0]
    group_column = "category" if preset == "nyc-ll144" else "group"
    row = frame[frame[group_column] == "Black"].iloc[0]
    assert row["n_selected"] == black["fp"] + black["tp"]
    assert result.findings  # the preset's rule judged the ratios too
    again = fairscope.AuditResult.from_json(result.to_json())
    # the report's regulatory section shows the table (built without the slow plots)
    report = build_report(again, plots=False)
    assert [s["name"] for s in report["regulatory_sections"]] == [table]
    assert table not in {t["caption"].split("“")[-1].rstrip("”") for t in report["appendix"]}


def test_cli_audit_with_the_ll144_preset(tmp_path, credit):
    path = tmp_path / "credit.csv"
    credit.to_csv(path, index=False)
    out = tmp_path / "audit.json"
    argv = ["audit", str(path), "--y-true", "repaid", "--y-pred", "approved", "--sensitive",
            "race", "--policy", "nyc-ll144", "-q", "--json", str(out)]  # fmt: skip
    main(argv)
    result = fairscope.AuditResult.from_json(out)
    assert set(result.tables["ll144_impact_ratios"]["category"]) >= {"Black", "White"}


def test_report_shows_the_regulatory_section_in_the_published_layout(applicants):
    audit = fairscope.audit_ll144(
        applicants, selected="selected", exclusion_justification="one applicant",
        data_source="ATS <export>",
    )  # fmt: skip
    html = fairscope.AuditResult.from_json(audit.to_json()).to_html()
    assert "Regulatory tables" in html and "number of applicants" in html
    assert "Source of the data: ATS &lt;export&gt;" in html
    assert "Individuals of unknown category, excluded from the impact ratios: sex: 5" in html
    assert "not legal advice" in html
    assert "Table “ll144_impact_ratios”" not in html  # not repeated in the appendix


def test_report_explains_the_ugesp_criteria_in_plain_words():
    audit = fairscope.audit_ugesp(
        selected=[1] * 60 + [0] * 40 + [1] * 40 + [0] * 60,
        sensitive_features={"sex": ["men"] * 100 + ["women"] * 100},
    )
    html = audit.to_html()
    assert "Practical significance: the shortfall" in html
    assert "8 more selections would reach four fifths" in html


def test_cli_ll144_and_ugesp_commands_record_the_facts(tmp_path, applicants, capsys):
    path = tmp_path / "applicants.csv"
    applicants.to_csv(path, index=False)
    out = tmp_path / "ll144.json"
    argv = ["ll144", str(path), "--selected", "selected", "--score", "score",
            "--exclusion-justification", "one applicant", "--audit-date", "2026-02-01",
            "--data-type", "test", "--distribution-date", "2025-12-01", "--json", str(out)]  # fmt: skip
    assert main(argv) == 0
    facts = fairscope.AuditResult.from_json(out).metadata["ll144"]
    assert (facts["audit_date"], facts["data_type"], facts["distribution_date"]) == (
        "2026-02-01",
        "test",
        "2025-12-01",
    )
    assert facts["data_source"] == str(path)
    printed = capsys.readouterr().out
    assert "Black or African American" in printed and "n_scored_above_median" in printed
    assert main(["ugesp", str(path), "--selected", "selected", "--sensitive", "race", "-q"]) == 0


def test_the_ll144_example_runs_end_to_end(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(repo / "examples" / "ll144_hiring.py"), "--n", "3000",
         "--output", str(tmp_path / "ll144.html")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "impact ratio" in done.stdout and "Black or African American" in done.stdout
    assert "adverse impact indicated" in done.stdout
    assert (tmp_path / "ll144.html").stat().st_size > 0


def test_weighted_audits_use_weighted_sizes_and_say_the_tests_assume_counts(credit):
    from fairscope.core._warnings import StatisticsWarning

    weights = np.full(len(credit), 1.5)
    with pytest.warns(StatisticsWarning, match="weighted"):
        result = fairscope.audit_predictions(
            "repaid", "approved", sensitive_features="race", data=credit,
            policy="eeoc-ugesp", sample_weight=weights,
        )  # fmt: skip
    table = result.tables["ugesp_adverse_impact"]
    assert (table["n_selected"] <= table["n"]).all()
    assert (
        table.loc[table["group"] == "Black", "n"].iloc[0] == 1.5 * (credit["race"] == "Black").sum()
    )


def test_ugesp_without_any_selection_is_not_assessed():
    counts = pd.DataFrame({"feature": "sex", "group": ["m", "f"], "n": [10, 10], "n_selected": 0})
    table = ugesp_table(counts)
    assert (table["conclusion"] == "not assessed").all()
    assert "no rate to compare" in table["explanation"].iloc[0]


def test_ll144_tests_sit_beside_the_ratios(applicants):
    table = fairscope.audit_ll144(
        applicants, selected="selected", exclusion_justification="x"
    ).tables["ll144_impact_ratios"]
    female = _row(table, "sex", "Female")
    _, p, _, _ = stats.chi2_contingency([[13, 38], [20, 24]], correction=False)
    assert female["test"] == "z-test" and female["p_value"] == pytest.approx(p)
    assert np.isnan(_row(table, "sex", "Male")["p_value"])  # the most selected category
    assert np.isnan(_row(table, "race/ethnicity", "Asian")["p_value"])  # excluded
