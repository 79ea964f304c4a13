"""mkdocs hooks: the generated reference pages, and pages not written yet.

The metric, policy-file, CLI and Python API references are generated at build time
from the code of this checkout (``docs/gen_reference.py``), so they can never be out
of date.

Each area's guide (group metrics, statistics, policies, ...) is written by the people who
build that area, in ``docs/<page>.md``. Until a page exists, the build shows a short page
saying what it will cover instead of failing, so the strict build stays green while the
parts land one by one. No file is written to ``docs/``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]

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


def _generator() -> Any:
    # the checkout's own sources, not an installed fairscope
    sys.path.insert(0, str(ROOT / "src"))
    spec = importlib.util.spec_from_file_location(
        "gen_reference", ROOT / "docs" / "gen_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config: Any) -> Files:
    generator = _generator()
    for name, make in generator.PAGES.items():
        path = f"reference/{name}"
        existing = files.get_file_from_path(path)
        if existing is not None:  # a copy written by running the script by hand
            files.remove(existing)
        files.append(File.generated(config, path, content=make()))
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
