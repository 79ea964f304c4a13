"""The documentation site builds strictly, and its generated reference pages are current."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_reference", REPO / "docs" / "gen_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_reference_pages_are_up_to_date():
    stale = load_generator().stale_pages()
    assert stale == [], f"run `python docs/gen_reference.py` to regenerate {stale}"


def test_metric_reference_lists_every_registered_metric():
    from fairscope.metrics import REGISTRY

    page = (REPO / "docs" / "reference" / "metrics.md").read_text(encoding="utf-8")
    for metric in REGISTRY.values():
        assert f"### {metric.name}\n" in page
        assert metric.definition in page


def test_every_nav_page_exists_or_is_pending():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may use !!python/name tags; the nav is plain YAML
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    hooks = importlib.util.spec_from_file_location("hooks", REPO / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(hooks)
    hooks.loader.exec_module(module)
    missing = [
        p
        for p in pages(config["nav"])
        if not (REPO / "docs" / p).exists() and p not in module.PENDING
    ]
    assert missing == []


@pytest.mark.skipif(
    shutil.which("mkdocs") is None and not importlib.util.find_spec("mkdocs"),
    reason="mkdocs is not installed (pip install fairscope[docs])",
)
def test_site_builds_with_strict_checks(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO / "src"),
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    site = tmp_path / "site"
    assert (site / "reference" / "metrics" / "index.html").exists()
    assert (site / "statistics" / "index.html").exists()  # written, or pending placeholder
