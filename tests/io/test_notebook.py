"""The example notebook docs/example.ipynb runs from top to bottom on this interpreter's kernel."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "docs" / "example.ipynb"
KERNEL = "parindex-test-python"


@pytest.mark.slow
def test_example_notebook_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    pytest.importorskip("openpyxl")
    # a kernel spec that starts this very interpreter (not whatever 'python3' is installed)
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "parindex tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=120,
        resources={"metadata": {"path": str(ROOT / "docs")}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "90,46/100,00 điểm" in html and "Xếp hạng kiểu thi đấu" in html
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # Pareto, ranking, domain profile, change over periods
    text = "".join(o.get("text", "") for o in outputs)
    assert "SNV: 55.28 %" in text
