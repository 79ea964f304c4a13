"""``fairscope demo``: audit a synthetic credit-scoring data set and write the reports.

README's first command: it shows what an audit looks like without any data of
one's own (:func:`fairscope.datasets.make_credit_scoring` with planted bias).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import fairscope
from fairscope.cli._shell import EXIT_OK, Progress, html_available, print_result
from fairscope.datasets import make_credit_scoring

NEXT_STEP = (
    "\nnext: open the report, or gate a model in CI with\n"
    "  fairscope audit predictions.csv --y-true label --y-pred prediction "
    "--sensitive group --policy four-fifths --junit fairness.xml"
)


def add_parser(sub: Any) -> None:
    """The ``demo`` subcommand and its flags."""
    demo = sub.add_parser(
        "demo", help="audit a synthetic credit-scoring data set and write the reports"
    )
    demo.add_argument("--output", "-o", default="fairscope-demo", metavar="DIR")
    demo.add_argument("--n", type=int, default=10_000, help="rows (default 10000)")
    demo.add_argument("--bias", type=float, default=0.5, help="planted bias in [0, 1]")
    demo.add_argument(
        "--random-state",
        "--seed",
        dest="seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the synthetic data (default 0)",
    )
    demo.add_argument("--policy", default="four-fifths", metavar="FILE|PRESET")
    demo.set_defaults(handler=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Generate, audit, write the JSON, Markdown and HTML; exit code 0."""
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    progress(f"generating {args.n:,} synthetic credit applications (bias={args.bias})")
    data = make_credit_scoring(n=args.n, bias=args.bias, random_state=args.seed)
    # sex and race with their intersection: a typical audit, whose report stays under 1 MB
    progress("auditing approvals by sex and race")
    result = fairscope.audit_predictions(
        "repaid",
        "approved",
        y_score="score",
        sensitive_features=["sex", "race"],
        data=data,
        outcome="favorable",  # an approval is good news for the applicant
        policy=args.policy,
    )
    result.metadata["input_file"] = (
        f"fairscope.datasets.make_credit_scoring(n={args.n}, bias={args.bias}, "
        f"random_state={args.seed})"
    )
    # files first: a closed stdout must not cost the outputs
    progress("writing the audit, the PR comment and the HTML report")
    result.to_json(out / "audit.json")
    result.to_markdown(out / "summary.md")
    html = html_available()
    if html:
        result.to_html(out / "report.html")
    print_result(result, False)
    print()
    print(f"wrote the audit (JSON):          {out / 'audit.json'}")
    print(f"wrote the PR comment (Markdown): {out / 'summary.md'}")
    if html:
        print(f"wrote the HTML report:           {out / 'report.html'}")
    else:
        print("HTML report skipped: fairscope.report is not available in this installation.")
    print(NEXT_STEP)
    return EXIT_OK
