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
