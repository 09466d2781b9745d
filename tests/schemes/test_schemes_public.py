"""The public face of parindex.schemes outlives its split into a package."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import parindex
import parindex.schemes as schemes

SRC = Path(parindex.__file__).parent

# Every public name of the single-module parindex.schemes (0.1.0): its __all__ ...
OLD_ALL = (
    "Applicability",
    "FamilyCards",
    "Member",
    "NotApplicableRule",
    "SchemeFamily",
    "UnitCheck",
    "apply_applicability",
    "check_units",
    "families",
    "load_applicability",
    "load_family",
    "score_family",
)
# ... and the names it defined without a leading underscore outside __all__.
OLD_OTHER = ("FORMAT_VERSION", "parse_family")


@pytest.mark.parametrize("name", OLD_ALL + OLD_OTHER)
def test_old_public_name_still_importable(name: str) -> None:
    module = importlib.import_module("parindex.schemes")
    assert getattr(module, name, None) is not None, name


def test_all_is_unchanged() -> None:
    assert sorted(schemes.__all__) == sorted(OLD_ALL)


def test_docs_import_line() -> None:
    from parindex.schemes import (  # noqa: F401
        Applicability,
        apply_applicability,
        check_units,
        families,
        load_applicability,
        load_family,
        score_family,
    )


def test_names_keep_their_meaning() -> None:
    from parindex.schemes.applicability import Applicability
    from parindex.schemes.family import SchemeFamily, load_family
    from parindex.schemes.score import score_family
    from parindex.schemes.units_check import check_units

    assert schemes.Applicability is Applicability
    assert schemes.SchemeFamily is SchemeFamily
    assert schemes.load_family is load_family
    assert schemes.score_family is score_family
    assert schemes.check_units is check_units
    assert schemes.FORMAT_VERSION == 1


def test_applicability_lists_are_nfc_and_stripped() -> None:
    # Unit ids and codes are put in normal form C and stripped, as before the split.
    decomposed = "so-ngoa\u0323i-vu"  # "ạ" written as "a" + combining dot below
    data = {
        "parindex": 1,
        "kind": "applicability",
        "rules": [{"units": [f"  {decomposed} "], "codes": [" 1.1 "], "reason": "không có"}],
    }
    app = schemes.Applicability.from_mapping(data)
    assert app.units == ("so-ngo\u1ea1i-vu",)
    assert app.codes_for("so-ngo\u1ea1i-vu") == ("1.1",)


def _private_imports(path: Path) -> list[str]:
    """``module:name`` for every private name imported from a module that is not private."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            last = (node.module or "").rsplit(".", 1)[-1]
            if last.startswith("_"):
                continue  # a private module may hand out its names within the package
            found += [f"{node.module}:{a.name}" for a in node.names if a.name.startswith("_")]
    return found


@pytest.mark.parametrize(
    "path",
    [*sorted((SRC / "schemes").glob("*.py")), SRC / "methodology" / "pages.py"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_private_name_crosses_modules(path: Path) -> None:
    assert _private_imports(path) == []


def test_write_pages_writes_every_shipped_methodology(tmp_path: Path) -> None:
    from parindex.methodology.pages import page, page_name, write_pages
    from parindex.methodology.registry import load, shipped_ids

    written = write_pages(tmp_path)
    assert [p.name for p in written] == [page_name(i) for i in shipped_ids()]
    first = shipped_ids()[0]
    assert (tmp_path / page_name(first)).read_text(encoding="utf-8") == page(load(first))
