"""A Local Law 144 bias audit of a synthetic hiring tool, with the EEOC UGESP reading beside it.

Simulates applicants screened by an automated employment decision tool
(``fairscope.datasets.make_hiring``: EEO-1 categories, 5 % unknown, a planted
penalty), prints the impact-ratio table in the layout of published summaries,
the unknown counts and the UGESP conclusion per race/ethnicity category, and
writes the HTML report. Not legal advice: see docs/regulatory.md.

Usage::

    python examples/ll144_hiring.py [--n 5000] [--bias 0.5] [--output ll144.html] [--no-report]
"""

from __future__ import annotations

import argparse

import fairscope
from fairscope.datasets import make_hiring


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--bias", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="ll144.html")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()

    applicants = make_hiring(n=args.n, bias=args.bias, random_state=args.seed)
    audit = fairscope.audit_ll144(
        applicants,
        selected="selected",
        score="score",
        exclusion_justification="under 2% of applicants: too few for a stable rate",
        data_source=f"make_hiring(n={args.n}, bias={args.bias}, random_state={args.seed})",
        data_type="test",
    )
    table = audit.tables["ll144_impact_ratios"]
    summary = table.rename(
        columns={"n": "applicants", "n_selected": "selected", "selection_rate": "selection rate",
                 "impact_ratio": "impact ratio"}
    )[["feature", "category", "applicants", "selected", "selection rate", "impact ratio",
       "excluded"]]  # fmt: skip
    print("NYC Local Law 144: selection rates and impact ratios")
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nunknown category (excluded from the ratios): {audit.metadata['ll144']['unknown']}")

    ugesp = fairscope.audit_ugesp(applicants, selected="selected", sensitive_features="race")
    rows = ugesp.tables["ugesp_adverse_impact"]
    print("\nEEOC Uniform Guidelines, race/ethnicity:")
    for row in rows.itertuples():
        print(f"  {row.group}: {row.conclusion}")
    if not args.no_report:
        audit.to_html(args.output)
        print(f"\nwrote the report: {args.output}")


if __name__ == "__main__":
    main()
