"""Every ```python block in docs/*.md runs as written (each page's blocks in order, one namespace)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in (ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_there_are_runnable_pages() -> None:
    assert any(BLOCK.search(p.read_text(encoding="utf-8")) for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    if not blocks:
        pytest.skip("no python example on this page")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}", "TMP": tmp_path}
        for i, code in enumerate(blocks, start=1):
            try:
                exec(compile(code, f"{page.name} (block {i})", "exec"), namespace)
            except Exception as exc:  # pragma: no cover - the failure is the report
                raise AssertionError(f"{page.name}, example {i} failed: {exc!r}") from exc
    finally:
        os.chdir(cwd)
