"""The layout keeps its shape: layers import downwards only, no import cycles, small pieces.

The layer order itself is the import-linter contract in pyproject.toml (``lint-imports``
runs it in CI); these tests add what a contract cannot say.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fairscope"
LAYERS = ("cli", "audits", "judge", "result", "compute", "report", "engines", "core")
#: modules that are mostly a table of data (the metric registry), exempt from the size limit
DATA_TABLES = {"core/_registry.py"}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("fairscope", exclude_type_checking_imports=True, cache_dir=None)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(edges):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_package_has_no_import_cycles_even_through_function_level_imports():
    graph = _graph()
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_lives_in_a_layer_or_is_a_public_facade():
    top_level = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    facades = {"__init__", "__main__", "_version", "_moved", "metrics", "sklearn", "datasets"}
    facades |= {"mitigate", "testing"}
    facades |= {"inequality", "individual", "dataset_metrics"}  # issue 16
    assert top_level - facades - set(LAYERS) == set()


def test_lower_layers_do_not_import_higher_ones():
    graph = _graph()
    for low_index, low in enumerate(LAYERS):
        for high in LAYERS[:low_index]:
            chains = graph.find_shortest_chains(f"fairscope.{low}", f"fairscope.{high}")
            assert not chains, f"fairscope.{low} imports fairscope.{high}: {sorted(chains)[:3]}"


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path):
    relative = path.relative_to(PACKAGE).as_posix()
    if relative in DATA_TABLES:
        pytest.skip("a table of data")
    assert path.read_text(encoding="utf-8").count("\n") <= MAX_MODULE_LINES


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function without its docstring."""
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    is_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if is_docstring and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1
    return lines


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_stay_short(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        (node.name, _code_lines(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _code_lines(node) > MAX_FUNCTION_LINES
    ]
    assert long == []
