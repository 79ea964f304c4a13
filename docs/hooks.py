"""mkdocs hook: pages of the nav that another part of the project has not written yet.

Each area's guide (group metrics, statistics, policies, ...) is written by the people who
build that area, in ``docs/<page>.md``. Until a page exists, the build shows a short page
saying what it will cover instead of failing, so the strict build stays green while the
parts land one by one. No file is written to ``docs/``.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

#: Pages owned by other parts of the project, and what each covers.
PENDING = {
    "group-metrics.md": (
        "Group metrics",
        "`GroupMetrics`: per-group metrics, differences, "
        "ratios and reference groups, with fairlearn's semantics.",
    ),
    "statistics.md": (
        "Statistics",
        "Wilson and bootstrap intervals, the multinomial "
        "bootstrap, tests corrected for multiple comparisons, INCONCLUSIVE "
        "verdicts and small groups.",
    ),
    "model-auditing.md": (
        "Auditing models",
        "`audit_model` for scikit-learn estimators and "
        "pipelines; score, multiclass and regression audits.",
    ),
    "dataset-auditing.md": (
        "Auditing data sets",
        "`audit_dataset`: representation, base rates, missingness, proxies and reweighing.",
    ),
    "policies.md": ("Policies", "Policy files, presets, waivers and verdicts."),
    "cli.md": ("The CLI", "The `fairscope` command as a CI gate."),
    "report.md": ("HTML report", "The self-contained transparency report and the notebook view."),
    "engines.md": (
        "Engines and scale",
        "Audits of polars, Arrow, DuckDB, Parquet and Spark data from sufficient statistics.",
    ),
    "performance.md": ("Performance", "Benchmarks against fairlearn and how fairscope stays fast."),
}


def on_files(files: Files, config: Any) -> Files:
    for name, (title, summary) in PENDING.items():
        if files.get_file_from_path(name) is None:
            content = (
                f'# {title}\n\n!!! note "This page is being written"\n'
                f"    It will cover: {summary}\n\n"
                "    Until then, see the docstrings (`help(fairscope)`) and the "
                "[metric reference](reference/metrics.md).\n"
            )
            files.append(File.generated(config, name, content=content))
    return files
