"""Build the wheel, install it into a fresh virtual environment, and load every shipped
methodology from outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

CHECK = r"""
import json, sys, parindex
from parindex.methodology.registry import shipped_ids, shipped_root
import os
assert parindex.__file__.startswith(os.environ["PARINDEX_VENV"]), parindex.__file__
root = str(shipped_root())
assert "_methodology" in root, root
ids = shipped_ids()
loaded = [parindex.load(i).id for i in ids]
m = parindex.load("vn-moha/province", year=2023)
card = parindex.score(m, {"TD": 55.0, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45})
from parindex.methodology import json_schema
print(json.dumps({"ids": loaded, "points": card.points, "schema": json_schema()["title"],
                  "provinces": len(__import__("parindex.units", fromlist=["x"]).provinces("2024-01-01"))}))
"""


def test_wheel_installs_and_ships_the_methodologies(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("parindex-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheels[0])],
        check=True,
        cwd=tmp_path,
    )
    # The wheel's own dependencies come from the environment running the tests (no download):
    # a .pth file, written after the install so that pip cannot mistake the outer environment's
    # parindex for this one, appends its site-packages after the fresh environment's own.
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    parent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "zz_parent_env.pth").write_text("\n".join(sorted(parent)) + "\n", encoding="utf-8")
    out = subprocess.run(
        [str(py), "-c", CHECK],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        | {"PARINDEX_VENV": str(env_dir)},
    )
    import json

    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert "vn-moha/province/2022" in data["ids"] and len(data["ids"]) >= 4
    assert abs(data["points"] - 87.095) < 1e-9
    assert data["provinces"] == 63
    cli = env_dir / ("Scripts" if os.name == "nt" else "bin") / "parindex"
    shown = subprocess.run(
        [str(cli), "methodologies"], check=True, cwd=tmp_path, capture_output=True, text=True
    )
    assert "vn-moha/province/2022" in shown.stdout
