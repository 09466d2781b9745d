"""``parindex uncertainty`` on a CSV of published component figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parindex.cli import main


def _csv(path: Path, shift: float = 0.0) -> str:
    rng = np.random.default_rng(5)
    lines = ["unit,code,value"]
    for i in range(12):
        for code, lo, hi in (("TD", 45, 60), ("KTXH", 4, 6), ("XHH", 15, 20), ("SIPAS", 75, 90)):
            lines.append(
                f"P{i:02d},{code},{rng.uniform(lo, hi) + (shift if code == 'SIPAS' else 0):.3f}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_uncertainty_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = _csv(tmp_path / "now.csv")
    before = _csv(tmp_path / "before.csv", shift=-1.0)
    args = ["uncertainty", "vn-moha/province/2022", now, "--se", "SIPAS=1.5", "--se", "XHH=0.5"]
    assert main([*args, "--draws", "200", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "90% interval" in out and "200 draws (seed 20240101); varied: SIPAS, XHH." in out
    assert main([*args, "--draws", "50", "--format", "json", "--previous", before]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12 and rows[0]["place"] == 1 and "p_up" in rows[0]
    assert main([*args, "--draws", "50", "--level", "0.8"]) == 0
    assert "Khoảng 80%" in capsys.readouterr().out


def test_uncertainty_refuses_a_malformed_se(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = _csv(tmp_path / "now.csv")
    assert main(["uncertainty", "vn-moha/province/2022", now, "--se", "SIPAS"]) != 0
    assert "--se" in capsys.readouterr().err
