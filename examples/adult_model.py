"""Train an income model on UCI Adult and audit it: scikit-learn Pipeline, audit_model, report.

The model predicts whether a person earns more than $50K a year from census
answers. It does not see ``sex`` or ``race``, yet other columns (marital
status, relationship, occupation) carry them, so the audit of the test split
finds large gaps in selection rate and error rates.

Usage::

    python examples/adult_model.py [DATA_DIR] [--output adult-report.html] [--fast]

``DATA_DIR`` holds ``adult.data`` and ``adult.test`` (or an ``adult/`` folder with
them); by default ``$FAIRSCOPE_DATA_DIR``. ``--fast`` trains on 5,000 rows.
"""

from __future__ import annotations

import argparse
import sys

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import fairscope
from fairscope.datasets import load_adult

SENSITIVE = ["sex", "race"]
NUMERIC = ["age", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
CATEGORICAL = ["workclass", "marital-status", "occupation", "relationship"]


def build_model():
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC),
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="unknown"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                CATEGORICAL,
            ),
        ]
    )
    return make_pipeline(preprocess, LogisticRegression(max_iter=1_000))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="folder with adult.data and adult.test")
    parser.add_argument("--output", default="adult-report.html", help="HTML report path")
    parser.add_argument("--policy", default="four-fifths", help="policy preset or file")
    parser.add_argument("--fast", action="store_true", help="train on 5,000 rows")
    parser.add_argument("--no-report", action="store_true", help="skip the HTML report")
    parser.add_argument("--no-policy", action="store_true", help="audit without a policy")
    args = parser.parse_args(argv)

    train = load_adult(args.data, split="train", download=False)
    test = load_adult(args.data, split="test", download=False)
    if args.fast:
        train = train.sample(n=5_000, random_state=0)
    y_train = (train["income"] == ">50K").astype(int)
    y_test = (test["income"] == ">50K").astype(int)

    model = build_model().fit(train[NUMERIC + CATEGORICAL], y_train)
    print(
        f"Trained on {len(train):,} rows; test accuracy "
        f"{model.score(test[NUMERIC + CATEGORICAL], y_test):.3f}"
    )

    result = fairscope.audit_model(
        model,
        test[NUMERIC + CATEGORICAL + SENSITIVE],
        y_test,
        sensitive_features=SENSITIVE,
        drop_sensitive=True,  # the model was trained without them
        policy=None if args.no_policy else args.policy,
    )
    metrics = result.tables["group_metrics"]
    for feature in SENSITIVE:
        part = metrics[metrics["feature"] == feature].set_index("group")
        print(f"\nBy {feature} (test split):")
        print(
            part[["n", "selection_rate", "base_rate", "true_positive_rate", "false_positive_rate"]]
            .round(3)
            .to_string()
        )
    if result.findings:
        print(
            f"\nPolicy {args.policy!r}: {'passed' if result.passed else 'failed'}",
            result.status_counts,
        )
    if not args.no_report:
        result.to_html(args.output)
        print(f"\nHTML report written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
