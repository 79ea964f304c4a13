"""Find a bias, mitigate it with fairlearn, and show what it cost: audit, mitigate, compare.

A lender trains a model on its past approvals, which were biased against Black
and Hispanic applicants (``make_credit_scoring(bias=0.8)``); the model learns
the bias. fairscope audits it, fairlearn's ThresholdOptimizer (demographic
parity) post-processes it, and :func:`fairscope.compare` puts the two audits
side by side with the fairness-accuracy trade-off. Judged against who actually
repaid, the mitigated model is fairer and here also more accurate: the bias it
learned from past decisions was an error, not information.

Usage::

    python examples/mitigation.py [--n 20000] [--output mitigation-out]

Writes ``tradeoff.png`` and ``report.html`` (the comparison is in its appendix)
into the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import fairscope
from fairscope import plot_tradeoff
from fairscope.datasets import make_credit_scoring


def features(df: pd.DataFrame) -> pd.DataFrame:
    """The model's inputs; ``zip_region`` is a proxy for race, so the model can learn the bias."""
    X = pd.DataFrame(
        {
            "log_income": np.log(df["income"]),
            "debt_to_income": df["debt_to_income"],
            "credit_history_years": df["credit_history_years"],
            "late_payments": df["late_payments"],
            "log_loan": np.log(df["loan_amount"]),
        },
        index=df.index,
    )
    return X.join(pd.get_dummies(df["zip_region"], prefix="zip", dtype=float))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="applicants (default 20000)")
    parser.add_argument("--output", default="mitigation-out", help="output folder")
    parser.add_argument("--no-report", action="store_true", help="skip the HTML report")
    args = parser.parse_args(argv)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    df = make_credit_scoring(n=args.n, bias=0.8, random_state=0)
    train, test = train_test_split(df, test_size=0.5, random_state=0)
    # the label is the biased historical decision; repayment is what fairness is audited on
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1_000))
    model.fit(features(train), train["approved"])

    before = fairscope.audit_predictions(
        test["repaid"], model.predict(features(test)), sensitive_features=test[["race", "sex"]]
    )
    fair = fairscope.mitigate.threshold_optimizer(
        model,
        features(train),
        train["repaid"],
        sensitive_features=train["race"],
        constraint="demographic_parity",
        prefit=True,
    )
    after = fairscope.audit_predictions(
        test["repaid"],
        fair.predict(features(test), sensitive_features=test["race"]),
        sensitive_features=test[["race", "sex"]],
    )
    result = fairscope.compare(before, after, labels=("model", "mitigated"))

    table = result.tables["comparison"]
    shown = table[
        (table["feature"] == "race")
        & table["metric"].isin(["selection_rate", "true_positive_rate", "accuracy"])
    ]
    print("Race, on held-out applicants, label = repaid:\n")
    print(shown.round(3).to_string(index=False))
    fig = plot_tradeoff(result, feature="race")
    fig.savefig(out / "tradeoff.png", dpi=120)
    print(f"\nTrade-off plot written to {out / 'tradeoff.png'}")
    if not args.no_report:
        result.to_html(out / "report.html")
        print(f"HTML report written to {out / 'report.html'}")
    return 0


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    sys.exit(main())
