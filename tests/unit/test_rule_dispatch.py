"""Outside the rules package nothing dispatches on a rule's class or kind: callers ask the rule.

Each rule kind carries its behaviour (parse, check, evaluate, explain, guide, Excel formula,
targets) on its class in ``parindex.methodology.rules``; an ``isinstance`` test on a rule class
elsewhere, or a comparison of ``.kind`` with a kind name, is a second definition of a kind.
"""

from __future__ import annotations

import ast
from pathlib import Path

import attrs

from parindex.methodology import rules
from parindex.methodology.rules import RULE_KINDS, Rule

SRC = Path(rules.__file__).resolve().parents[2]
RULES_DIR = Path(rules.__file__).resolve().parent

#: Dispatches left in modules another change owns, as (path, finding); remove each when fixed.
ALLOWED: set[tuple[str, str]] = set()


def _rule_class_names() -> set[str]:
    names = {cls.__name__ for cls in RULE_KINDS.values()}
    names |= {"Rule", "Level", "Band", "NumberInput", "DeductionItem", "FormulaInput"}
    for name in dir(rules):
        obj = getattr(rules, name)
        if isinstance(obj, type) and issubclass(obj, Rule):
            names.add(obj.__name__)
    return names


def _names_in(node: ast.expr) -> list[str]:
    """The class names an ``isinstance`` second argument mentions (``A``, ``m.A``, ``(A, B)``,
    ``A | B``)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Tuple):
        return [n for elt in node.elts for n in _names_in(elt)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _names_in(node.left) + _names_in(node.right)
    return []


def _kind_literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for elt in node.elts for s in _kind_literals(elt)]
    return []


@attrs.frozen
class Finding:
    line: int
    what: str


def find_dispatch(source: str) -> list[Finding]:
    """Every ``isinstance(x, <rule class>)`` and ``<x>.kind == "<rule kind>"`` in ``source``."""
    classes = _rule_class_names()
    kinds = set(RULE_KINDS)
    out: list[Finding] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            hit = sorted(set(_names_in(node.args[1])) & classes)
            if hit:
                out.append(Finding(node.lineno, f"isinstance(…, {' | '.join(hit)})"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if not any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides):
                continue
            for s in sides:
                for lit in _kind_literals(s):
                    if lit in kinds:
                        out.append(Finding(node.lineno, f"kind == {lit!r}"))
    return out


def test_the_checker_sees_both_forms() -> None:
    sample = (
        "if isinstance(rule, LevelsRule): pass\n"
        "if isinstance(rule, BandsRule | ProportionalRule): pass\n"
        "if isinstance(rule, (rules.FormulaRule, int)): pass\n"
        "if n.rule.kind == 'deductions': pass\n"
        "if rule.kind in ('bands', 'levels'): pass\n"
        "if change.kind == 'added': pass\n"  # not a rule kind
        "if isinstance(x, dict): pass\n"
    )
    assert [f.line for f in find_dispatch(sample)] == [1, 2, 3, 4, 5, 5]


def test_no_dispatch_on_rule_kinds_outside_the_rules_package() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if RULES_DIR in path.parents:
            continue
        rel = path.relative_to(SRC).as_posix()
        for f in find_dispatch(path.read_text(encoding="utf-8")):
            if (rel, f.what) not in ALLOWED:
                found.append(f"{rel}:{f.line}: {f.what}")
    assert not found, "ask the rule instead of testing its class or kind:\n" + "\n".join(found)
