"""Import facts of the presentation layer.

Model, card, engine and analysis modules do not import presentation (``render``, the old
``display``/``report_text``/``charts`` paths, ``io``, ``report``), not even inside a function;
they reach it through ``parindex._hooks``, whose provider import is the only upward one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PKG = SRC / "parindex"

PRESENTATION = (
    "parindex.render",
    "parindex.display",
    "parindex.report_text",
    "parindex.charts",
    "parindex.io",
    "parindex.report",
)

# Everything below presentation (CLI modules aside: they may import any layer).
LOWER = [
    PKG / "_hooks.py",
    PKG / "methodology" / "model.py",
    PKG / "card.py",
    PKG / "batch.py",
    PKG / "scoring.py",
    *sorted(p for p in (PKG / "analysis").glob("*.py") if p.name != "cli.py"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module imported anywhere in ``path`` (top level, functions, TYPE_CHECKING blocks),
    relative imports made absolute, ``from x import y`` giving both ``x`` and ``x.y``."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.append((node.lineno, mod))
            out.extend((node.lineno, f"{mod}.{a.name}") for a in node.names)
    return out


def calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and (
            (isinstance(n.func, ast.Attribute) and n.func.attr == name)
            or (isinstance(n.func, ast.Name) and n.func.id == name)
        )
    ]


@pytest.mark.parametrize("path", LOWER, ids=lambda p: module_name(p))
def test_lower_modules_do_not_import_presentation(path: Path) -> None:
    bad = [
        (line, mod)
        for line, mod in imports(path)
        if any(mod == p or mod.startswith(p + ".") for p in PRESENTATION)
    ]
    assert bad == []
    assert calls(path, "__import__") == []
    if path.name != "_hooks.py":
        assert calls(path, "import_module") == []


def test_hooks_import_nothing_of_parindex_and_import_providers_in_one_place() -> None:
    path = PKG / "_hooks.py"
    assert [m for _, m in imports(path) if m.startswith("parindex")] == []
    assert len(calls(path, "import_module")) == 1


def test_card_does_not_import_the_registry() -> None:
    assert [m for _, m in imports(PKG / "card.py") if "registry" in m] == []


def test_responsibility_does_not_know_gap() -> None:
    path = PKG / "analysis" / "responsibility.py"
    assert [m for _, m in imports(path) if m.startswith("parindex.analysis.gaps")] == []
    names = {
        n.id
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Name)
    }
    assert "Gap" not in names


def test_render_does_not_import_report_or_io() -> None:
    for path in sorted((PKG / "render").glob("*.py")):
        bad = [
            m
            for _, m in imports(path)
            if m.startswith(("parindex.report", "parindex.io", "parindex.cli"))
        ]
        assert bad == [], path.name


def test_report_renderers_import_only_the_model() -> None:
    for name in ("html", "markdown", "xlsx"):
        mods = [m for _, m in imports(PKG / "report" / f"{name}.py")]
        # the section tables (report/_tables.py) are views of the model shared by the renderers
        own = {m for m in mods if m.startswith("parindex.report.") and ".report._tables" not in m}
        assert own <= {
            "parindex.report.model",
            "parindex.report.model.COLUMNS",
            "parindex.report.model.Report",
            "parindex.report.model.SectionedReport",
            "parindex.report.model.register_format",
        }, name
    model = [m for _, m in imports(PKG / "report" / "model.py")]
    assert [m for m in model if m.startswith(("parindex.report.", "parindex.render"))] == []
    tables = [m for _, m in imports(PKG / "report" / "_tables.py")]
    assert {m for m in tables if m.startswith("parindex.report.")} <= {
        "parindex.report.model",
        *(f"parindex.report.model.{n}" for n in ("COLUMNS", "Report", "Table")),
    }


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=SRC.parent,
    )


def test_shims_import_silently() -> None:
    out = _run(
        "import parindex.display, parindex.report_text, parindex.charts\n"
        "import parindex.report.charts, parindex.report.core\n"
        "from parindex.report.core import COLUMNS, Report, build_report\n"
        "from parindex.display import card_html, gaps_html, methodology_html, ranking_html\n"
        "from parindex.report_text import card_table\n"
        "from parindex.charts import change_chart, domain_profile, lost_pareto, ranking_chart\n"
        "from parindex.report.charts import bar_chart, change_chart, pareto_chart\n"
    )
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_import_parindex_loads_no_presentation_until_asked() -> None:
    out = _run(
        "import sys, parindex\n"
        "loaded = [m for m in sys.modules if m.startswith(('parindex.render', 'parindex.io',"
        " 'parindex.display', 'parindex.report'))]\n"
        "assert loaded == [], loaded\n"
        "m = parindex.load('vn-moha/province/2022')\n"
        "card = parindex.score(m, {'TD': 55.0, 'KTXH': 5.25, 'XHH': 18.5, 'SIPAS': 83.45})\n"
        "assert '87,10' in card._repr_html_()\n"
        "assert 'parindex.render' in sys.modules and 'parindex.io' not in sys.modules\n"
    )
    assert out.returncode == 0, out.stderr
