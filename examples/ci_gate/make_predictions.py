"""Stand-in for your scoring job: write the model's predictions on an audit sample to CSV.

In a real pipeline this step scores a held-out, labelled sample with the model
under review. Here the synthetic lending data plays that part.

Usage: python examples/ci_gate/make_predictions.py OUT.csv [--n 5000] [--bias 0.5]
"""

from __future__ import annotations

import argparse

from fairscope.datasets import make_credit_scoring

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("output")
parser.add_argument("--n", type=int, default=5_000)
parser.add_argument("--bias", type=float, default=0.5)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
columns = ["sex", "race", "age_group", "repaid", "score", "approved"]
make_credit_scoring(n=args.n, bias=args.bias, random_state=args.seed)[columns].to_csv(
    args.output, index=False
)
