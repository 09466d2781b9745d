"""The layer rule and the absence of import cycles, counting imports inside functions.

The contracts themselves live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked here
by import-linter, so that a backward import fails the test suite and CI. A second check, written
with grimp (import-linter's graph), looks for any cycle between single modules: the contracts
speak of packages, this speaks of files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

grimp = pytest.importorskip("grimp")


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph has a few hundred nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_no_module_level_import_cycle() -> None:
    """No cycle between modules of src/parindex, imports inside functions included.

    Package ``__init__`` modules that only re-export are part of the graph too, so a shim that
    re-exports from a higher layer would show up here as well.
    """
    g = grimp.build_graph("parindex", exclude_type_checking_imports=True, cache_dir=None)
    edges: dict[str, set[str]] = {m: set() for m in g.modules}
    for m in g.modules:
        for imported in g.find_modules_directly_imported_by(m):
            # importing a package's own parent __init__ (``from . import x``) is not a cycle of logic
            if m.startswith(imported + "."):
                continue
            edges[m].add(imported)
    cycles = _strongly_connected(edges)
    assert cycles == [], "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_import_linter_contracts_hold() -> None:
    """The layer contracts of pyproject.toml, checked by import-linter itself."""
    pytest.importorskip("importlinter")
    exe = Path(sys.executable).parent / "lint-imports"
    command = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    run = subprocess.run(
        [*command, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
