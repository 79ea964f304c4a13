"""The CLI as a thin shell: each command is one public call, the same on every reader."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import fairscope
from fairscope.cli._main import main

CLI = Path(fairscope.__file__).parent / "cli"


@pytest.fixture(scope="module")
def scores_file(tmp_path_factory):
    # integer targets with five values: detected as multiclass unless --task says otherwise
    rng = np.random.default_rng(1)
    n = 600
    frame = pd.DataFrame(
        {
            "group": rng.choice(["a", "b"], n),
            "y": rng.integers(0, 5, n),
            "p": rng.integers(0, 5, n),
        }
    )
    path = tmp_path_factory.mktemp("scores") / "scores.parquet"
    frame.to_parquet(path, index=False)
    return path


def _audit(path, out, *extra):
    argv = ["audit", path, "--y-true", "y", "--y-pred", "p", "--sensitive", "group", "-q"]
    code = main([*map(str, argv), *map(str, extra), "--json", str(out)])
    return code, fairscope.AuditResult.from_json(out)


def test_task_is_honoured_by_duckdb_as_by_pandas(scores_file, tmp_path):
    code, duck = _audit(
        scores_file, tmp_path / "d.json", "--task", "regression", "--engine", "duckdb"
    )
    assert code == 0
    code, plain = _audit(
        scores_file, tmp_path / "p.json", "--task", "regression", "--engine", "pandas"
    )
    assert code == 0
    assert duck.task == plain.task == "regression"
    assert duck.metadata["engine"] == "duckdb"
    assert set(duck.tables) == set(plain.tables)
    for name in plain.tables:
        pdt.assert_frame_equal(duck.tables[name], plain.tables[name], rtol=1e-12, atol=1e-12)


def test_without_task_both_readers_detect_the_same_task(scores_file, tmp_path):
    _, duck = _audit(scores_file, tmp_path / "d.json", "--engine", "duckdb")
    _, plain = _audit(scores_file, tmp_path / "p.json", "--engine", "pandas")
    assert duck.task == plain.task == "multiclass"


def test_a_threshold_on_scores_is_the_same_audit_on_every_reader(tmp_path):
    rng = np.random.default_rng(2)
    n = 500
    data = pd.DataFrame(
        {"group": rng.choice(["a", "b"], n), "y": rng.integers(0, 2, n), "s": rng.random(n)}
    )
    path = tmp_path / "scores.parquet"
    data.to_parquet(path, index=False)
    results = {}
    for engine in ("pandas", "duckdb"):
        argv = ["audit", path, "--y-true", "y", "--y-score", "s", "--threshold", "0.5"]
        argv += ["--sensitive", "group", "--engine", engine, "-q", "--json", tmp_path / "a.json"]
        assert main([str(a) for a in argv]) == 0
        results[engine] = fairscope.AuditResult.from_json(tmp_path / "a.json")
    for engine, result in results.items():
        assert result.metadata["threshold"] == 0.5, engine
        assert result.metadata["predictions"] == "y_score >= threshold", engine
    pdt.assert_frame_equal(
        results["duckdb"].tables["group_metrics"],
        results["pandas"].tables["group_metrics"],
        rtol=1e-12,
        atol=1e-12,
    )


def test_read_table_is_public_at_every_address(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("label,group\n1,a\n0,b\n")
    from fairscope.cli import read_table as cli_read_table
    from fairscope.engines import read_table as engines_read_table

    assert fairscope.read_table is engines_read_table
    frame = fairscope.read_table(path, columns=["group"], required=["label"])
    assert frame.columns.tolist() == ["label", "group"]  # the file's order
    # the command line's positional order keeps working
    pdt.assert_frame_equal(cli_read_table(path, ["group"], "csv"), frame[["group"]])


def test_read_table_names_a_close_column_and_is_a_value_error(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("label,group\n1,a\n")
    with pytest.raises(ValueError, match=r"column 'gruop' is not in .* Did you mean 'group'"):
        fairscope.read_table(path, columns=["gruop"])


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fairscope")
    ]


def _all_imports(path: Path) -> list[str]:
    """Every fairscope module a file imports (``from x import y`` and ``import x``),
    whether at module level, in a function or under ``TYPE_CHECKING``."""
    tree = ast.parse(path.read_text())
    out = list(_imports(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("fairscope")]
    return out


def test_commands_call_public_functions_only():
    # the CLI is a shell over public names: no module of it reaches into a private module
    # (``fairscope.<layer>._x``) of another layer
    private = set()
    for path in CLI.glob("*.py"):
        for module in _all_imports(path):
            if not module.startswith("fairscope.cli") and "._" in module:
                private.add(f"{path.name}: {module}")
    assert not private, sorted(private)


def test_summary_limit_and_markdown_path_are_public(tmp_path):
    result = fairscope.audit_predictions(
        [1, 0] * 60,
        [1, 0] * 30 + [0, 0] * 30,
        sensitive_features=[f"g{i % 12}" for i in range(120)],
        policy="four-fifths",
    )
    assert len(result.findings) > 3
    assert f"and {len(result.findings) - 3} more findings" in result.summary(limit=3)
    path = tmp_path / "summary.md"
    text = result.to_markdown(path)
    assert path.read_text(encoding="utf-8") == text
    assert fairscope.compare_baseline(result, result).passed


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_each_command_module_is_small(path):
    tree = ast.parse(path.read_text())
    assert len(path.read_text().splitlines()) < 300
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno < 80, node.name
