"""ProPublica's COMPAS contingency tables, reproduced exactly.

Published figures (J. Larson et al., "How We Analyzed the COMPAS Recidivism
Algorithm", ProPublica, 2016), as listed in the shared data README: prediction
is score_text "Medium" or "High", label is two_year_recid, all 7,214 rows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fairscope import GroupMetrics

#: group -> (TN, FP, FN, TP, FPR, FNR)
PROPUBLICA = {
    "African-American": (990, 805, 532, 1369, 0.448468, 0.279853),
    "Caucasian": (1139, 349, 461, 505, 0.234543, 0.477226),
    "All": (2681, 1282, 1216, 2035, 0.323492, 0.374039),
}


@pytest.fixture(scope="module")
def compas(compas_csv) -> GroupMetrics:
    data = pd.read_csv(compas_csv)
    data["high_risk"] = data["score_text"].isin(["Medium", "High"]).astype(int)
    return GroupMetrics(
        "two_year_recid",
        "high_risk",
        "race",
        metrics=["fpr", "fnr"],
        data=data,
    )


@pytest.mark.parametrize("group", ["African-American", "Caucasian"])
def test_confusion_counts_match_propublica(compas, group):
    tn, fp, fn, tp, _, _ = PROPUBLICA[group]
    assert compas.counts.loc[group, ["tn", "fp", "fn", "tp"]].tolist() == [tn, fp, fn, tp]


@pytest.mark.parametrize("group", ["African-American", "Caucasian"])
def test_error_rates_match_propublica(compas, group):
    *_, fpr, fnr = PROPUBLICA[group]
    assert round(compas.by_group.loc[group, "false_positive_rate"], 6) == fpr
    assert round(compas.by_group.loc[group, "false_negative_rate"], 6) == fnr


def test_all_rows_match_propublica(compas):
    tn, fp, fn, tp, fpr, fnr = PROPUBLICA["All"]
    assert compas.statistics.overall_weighted.tolist() == [tn, fp, fn, tp]
    assert compas.n_rows == 7214
    assert round(compas.overall["false_positive_rate"], 6) == fpr
    assert round(compas.overall["false_negative_rate"], 6) == fnr


def test_black_defendants_fpr_is_nearly_twice_white_defendants(compas):
    ratio = compas.disparity("ratio", reference="Caucasian")
    assert round(ratio.loc["African-American", "false_positive_rate"], 3) == round(
        0.448468 / 0.234543, 3
    )
