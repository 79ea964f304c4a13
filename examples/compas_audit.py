"""Audit COMPAS the way ProPublica did, and write the HTML transparency report.

ProPublica (2016) compared the COMPAS risk score ("Medium" or "High" counts as a
prediction of reoffending) with who reoffended within two years, and found that
Black defendants who did not reoffend were labelled high risk almost twice as
often as white ones (false positive rate 44.8% vs 23.5%), while white defendants
who did reoffend were more often labelled low risk (false negative rate 47.7%
vs 28.0%). This script reproduces those numbers exactly, then judges the scores with
the four-fifths rule and writes the report.

A "high risk" prediction is the adverse outcome for the defendant, so the audit says so
(``outcome="adverse"``): the four-fifths rule then compares the rates of *not* being
flagged, and it fails the group flagged most often (African-American defendants), not
the groups flagged least.

Usage::

    python examples/compas_audit.py [DATA_DIR] [--output compas-report.html]

``DATA_DIR`` holds ``compas-scores-two-years.csv`` (or a ``compas/`` folder with
it); by default ``$FAIRSCOPE_DATA_DIR`` is used. Exit code 1 if the published
figures are not reproduced.
"""

from __future__ import annotations

import argparse
import sys

import fairscope
from fairscope.datasets import load_compas

# ProPublica's contingency tables (TN, FP, FN, TP), all 7,214 rows
PUBLISHED = {
    "African-American": (990, 805, 532, 1369),
    "Caucasian": (1139, 349, 461, 505),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="folder with the COMPAS file (or the file)")
    parser.add_argument("--output", default="compas-report.html", help="HTML report path")
    parser.add_argument("--policy", default="four-fifths", help="policy preset or file")
    parser.add_argument("--no-report", action="store_true", help="skip the HTML report")
    parser.add_argument("--no-policy", action="store_true", help="audit without a policy")
    args = parser.parse_args(argv)

    df = load_compas(args.data, download=False)
    result = fairscope.audit_predictions(
        y_true="two_year_recid",
        y_pred="high_risk",  # score_text is "Medium" or "High"
        sensitive_features=["race", "sex", "age_cat"],
        data=df,
        outcome="adverse",  # being flagged high risk is a harm for the defendant
        policy=None if args.no_policy else args.policy,
    )

    counts = result.tables["counts"]
    race = counts[counts["feature"] == "race"].set_index("group")
    metrics = result.tables["group_metrics"]
    rates = metrics[metrics["feature"] == "race"].set_index("group")
    print("COMPAS 'Medium'/'High' risk vs two-year recidivism, by race (all 7,214 rows)\n")
    print(f"{'group':<18}{'TN':>6}{'FP':>6}{'FN':>6}{'TP':>6}{'FPR':>9}{'FNR':>9}  published")
    reproduced = True
    for group, published in PUBLISHED.items():
        cells = tuple(int(race.loc[group, c]) for c in ("tn", "fp", "fn", "tp"))
        fpr = rates.loc[group, "false_positive_rate"]
        fnr = rates.loc[group, "false_negative_rate"]
        same = cells == published
        reproduced &= same
        print(
            f"{group:<18}{cells[0]:>6}{cells[1]:>6}{cells[2]:>6}{cells[3]:>6}"
            f"{fpr:>9.4f}{fnr:>9.4f}  {'matches' if same else f'DIFFERS: {published}'}"
        )

    # ProPublica compared with white defendants
    fpr = rates["false_positive_rate"]
    print(
        f"\nFalse positive rate of African-American defendants is "
        f"{fpr['African-American'] / fpr['Caucasian']:.2f} times that of Caucasian defendants."
    )
    if result.findings:
        print(
            f"\nPolicy {args.policy!r}: {'passed' if result.passed else 'failed'}",
            result.status_counts,
        )
        for finding in result.findings:
            if finding.feature == "race" and finding.status == "FAIL":
                print(f"  FAIL {finding.group}: {finding.message}")
    if not args.no_report:
        result.to_html(args.output)
        print(f"\nHTML report written to {args.output}")
    if not reproduced:
        print("ProPublica's figures were NOT reproduced", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
