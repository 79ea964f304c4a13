"""``import fairscope`` stays light: no optional engine, no matplotlib."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ["polars", "duckdb", "pyspark", "pyarrow", "matplotlib"]


def loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    return out.stdout.split()


def test_import_fairscope_loads_no_engine_and_no_matplotlib():
    assert loaded_after("import fairscope") == []


def test_import_fairscope_engines_loads_no_engine():
    assert loaded_after("import fairscope.engines") == []


def test_the_result_and_its_renderers_load_no_engine_and_no_matplotlib():
    # AuditResult imports its renderers at module level (no import hidden in a method); they
    # load matplotlib and jinja2 only when a figure or a report is made
    statement = "from fairscope import AuditResult; import fairscope.report._plots"
    # pandas itself may load pyarrow; nothing else may be loaded on fairscope's account
    assert set(loaded_after(statement)) <= set(loaded_after("import pandas"))
    assert "matplotlib" not in loaded_after(statement)


def test_the_provenance_record_does_not_import_scikit_learn():
    code = (
        "import sys; from fairscope.result._provenance import environment; "
        "environment(); print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    assert out.stdout.strip() == "False"


def test_a_binary_audit_imports_neither_scipy_stats_nor_sklearn_nor_renderers():
    # the first call pays its imports: a default binary audit with a policy needs none of these
    # (the policy's exact Clopper-Pearson FAIL sides use scipy.special's beta quantile, a
    # fifth of the cost of scipy.stats)
    statement = (
        "import numpy as np; import fairscope; "
        "rng = np.random.default_rng(0); y = rng.integers(0, 2, 400); p = rng.integers(0, 2, 400); "
        "g = np.array(['a', 'b', 'c', 'd'])[rng.integers(0, 4, 400)]; g[:3] = 'e'; "
        "fairscope.audit_predictions(y, p, sensitive_features=g, policy='four-fifths')"
    )
    code = (
        f"import sys; {statement}; heavy = ['scipy.stats', 'sklearn', 'statsmodels', 'matplotlib', "
        "'jinja2', 'polars', 'duckdb']; print(' '.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    assert out.stdout.split() == []
