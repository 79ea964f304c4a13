"""In a real Jupyter kernel, with no ``%matplotlib`` magic, the figures show themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SETUP = """\
import numpy as np
import fairscope
rng = np.random.default_rng(0)
group = rng.choice(["a", "b", "c"], 600)
y = rng.integers(0, 2, 600)
pred = np.where(rng.random(600) < 0.8, y, 1 - y)
result = fairscope.audit_predictions(y, pred, sensitive_features=group, policy="four-fifths")
gm = fairscope.GroupMetrics(y, pred, sensitive_features=group)
"""


def run_notebook(cells: list[str]) -> list[list[dict]]:
    """Execute code cells in a fresh python3 kernel; the outputs of each cell."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    src = str(Path(__file__).resolve().parents[1] / "src")
    env_path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", env_path)  # the kernel imports this checkout's fairscope
        client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3")
        client.execute()
    return [cell.outputs for cell in notebook.cells]


def image_outputs(outputs: list[dict]) -> list[str]:
    return [
        mime
        for output in outputs
        if output.get("output_type") in ("display_data", "execute_result")
        for mime in output.get("data", {})
        if mime.startswith("image/")
    ]


@pytest.fixture(scope="module")
def outputs() -> list[list[dict]]:
    return run_notebook([SETUP, "result.plot()", "gm.plot()", "print(result)", "result"])


def test_result_plot_displays_an_image_without_matplotlib_inline(outputs):
    assert image_outputs(outputs[1]) == ["image/png"]


def test_group_metrics_plot_displays_an_image_without_matplotlib_inline(outputs):
    assert image_outputs(outputs[2]) == ["image/png"]


def test_print_of_a_result_is_a_short_summary(outputs):
    printed = "".join(o.get("text", "") for o in outputs[3] if o.get("output_type") == "stream")
    assert 0 < len(printed) < 2_000
    assert "FAIL" in printed or "PASS" in printed or "INCONCLUSIVE" in printed


def test_a_result_shows_its_html_view_with_group_sizes(outputs):
    html = next(o["data"]["text/html"] for o in outputs[4] if "text/html" in o.get("data", {}))
    assert ">n<" in html


def test_compact_findings_frame_keeps_the_columns_a_reader_scans_and_drops_passes():
    import numpy as np

    import fairscope

    rng = np.random.default_rng(0)
    group = rng.choice(["a", "b", "c"], 900)
    pred = (rng.random(900) < np.where(group == "a", 0.6, 0.4)).astype(int)
    result = fairscope.audit_predictions(
        rng.integers(0, 2, 900), pred, sensitive_features=group, policy="four-fifths"
    )
    full, compact = result.findings_frame(), result.findings_frame(compact=True)
    assert list(full.columns[:3]) == ["status", "feature", "group"]
    assert len(full.columns) == 23 and len(compact.columns) == 11
    assert "PASS" not in set(compact["status"])
    assert len(compact) == (full["status"] != "PASS").sum()
