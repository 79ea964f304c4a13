"""The documentation site builds strictly, and its reference pages come from the code."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nav_pages(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from nav_pages(value)


def test_metric_reference_lists_every_registered_metric():
    from fairscope.core._registry import REGISTRY

    page = load("gen_reference").metrics_page()
    for metric in REGISTRY.values():
        assert f"### {metric.name}\n" in page
        assert metric.definition in page
        assert f"`{metric.formula_text}`" in page


def test_cli_reference_documents_every_command_and_option():
    from fairscope.cli._main import build_parser

    page = load("gen_reference").cli_page()
    parser = build_parser()
    commands = next(a for a in parser._actions if hasattr(a, "choices") and a.choices)
    for name, command in commands.choices.items():
        assert f"## fairscope {name}\n" in page
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in page, (name, option)


def test_policy_reference_documents_every_rule_key():
    import json

    schema_path = REPO / "src" / "fairscope" / "schemas" / "policy.schema.json"
    if not schema_path.exists():
        pytest.skip("the policy schema is not part of this build")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    page = load("gen_reference").policy_page()
    for key in schema["properties"]:
        assert f"| `{key}` |" in page
    for definition in (schema.get("$defs") or schema.get("definitions") or {}).values():
        for key in definition.get("properties", {}):
            assert f"| `{key}` |" in page


def test_every_nav_page_is_written_generated_or_pending():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    generated = {f"reference/{name}" for name in load("gen_reference").PAGES}
    pending = set(load("hooks").PENDING)
    missing = [
        page
        for page in nav_pages(config["nav"])
        if not (REPO / "docs" / page).exists() and page not in generated | pending
    ]
    assert missing == []


def test_site_builds_with_strict_checks(tmp_path):
    pytest.importorskip(
        "mkdocs", reason="mkdocs is not installed (pip install fairscope-audit[docs])"
    )
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = (site / "reference" / "metrics" / "index.html").read_text(encoding="utf-8")
    assert "false_positive_rate" in metrics
    assert (site / "reference" / "cli" / "index.html").exists()
    assert (site / "statistics" / "index.html").exists()  # written, or a pending placeholder
    assert not (site / "__pycache__").exists()


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_fairscope_name_the_docs_quote_exists():
    # a module path quoted in prose (`fairscope.policy.apply_policy`) goes stale silently when
    # code moves; every dotted name in backticks must import
    quoted = re.compile(r"`[^`\n]*?\b(fairscope(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
    pages = [*(REPO / "docs").rglob("*.md"), REPO / "README.md"]
    stale = {
        (page.name, match.group(1))
        for page in pages
        for match in quoted.finditer(page.read_text(encoding="utf-8"))
        if not _resolves(match.group(1))
    }
    assert stale == set()


@pytest.mark.parametrize("title", ["Adding a metric", "Adding an engine"])
def test_the_architecture_how_tos_fit_on_one_screen(title):
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    assert len(section.strip().splitlines()) <= 40
