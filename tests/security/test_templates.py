"""Remedy templates take named fields only: no Python format specs, conversions, attributes or
indexes, refused when the file is read (with its file and line), never run when filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.analysis.responsibility import Responsibility, load_responsibilities
from parindex.errors import ResponsibilityError
from parindex.methodology.model import Label

HEAD = "parindex_responsibilities: 1\nmethodology: example/province/2025\nitems:\n"


@pytest.mark.parametrize(
    "template",
    ["{code:>300000000}", "{lost:d}", "{code!r}", "{label.__class__}", "{code[0]}", "{}"],
)
def test_template_with_python_formatting_is_refused_at_load(template: str, tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        HEAD
        + '  - {code: "1", lead: a}\n'
        + f'  - {{code: "2", lead: b, remedies: ["x {template}"]}}\n',
        encoding="utf-8",
    )
    with pytest.raises(ResponsibilityError, match="remedy template") as err:
        load_responsibilities(path)
    assert err.value.file == str(path) and err.value.line == 5


def test_render_replaces_names_as_text_and_runs_no_format() -> None:
    ok = Responsibility("1", ("a",), remedies=(Label("{code}: {lost} {{x}}", "{code}"),))
    fields = {"vi": {"code": "1.1", "lost": "2,5"}, "en": {"code": "1.1", "lost": "2.5"}}
    assert ok.render(fields) == (("1.1: 2,5 {x}", "1.1"),)
    bad = Responsibility("1", ("a",), remedies=(Label("{code:>300000000}"),))
    with pytest.raises(ValueError, match="format spec"):
        bad.render(fields)
