"""The live Excel formulas of a workbook: a leaf's points at each stage (its rule's
:meth:`~parindex.methodology.rules.Rule.excel`), a node's sum and the test for not applicable."""

from __future__ import annotations

from collections.abc import Mapping

from ...expr import excel_number
from ...methodology.model import ROOT, Methodology, Node
from ...methodology.rules import ExcelRefs, PointsRule
from .._cells import column_letter as col
from .layout import LISTS_SHEET, NA_TEXT, Layout

__all__ = ["aggregate_formula", "na_test", "points_formula"]

#: an item without a rule is scored directly
_DIRECT = PointsRule()


def na_test(v: str) -> str:
    """An Excel condition: the cell ``v`` says the item does not apply."""
    return f'OR({v}="{NA_TEXT}",{v}="NA",{v}="KAD")'


def _refs(n: Node, lay: Layout, value_col: str, lists: Mapping[str, int]) -> ExcelRefs:
    names = () if n.rule is None else n.rule.input_names()
    inputs = {nm: f"{value_col}{lay.row_of(n.code, nm)}" for nm in names}
    r = lists.get(n.code)
    if r is None or n.rule is None:
        return ExcelRefs(inputs)
    last = col(2 + len(n.rule.choices(NA_TEXT)))
    return ExcelRefs(
        inputs,
        options=f"'{LISTS_SHEET}'!$C${r}:${last}${r}",
        points=f"'{LISTS_SHEET}'!$C${r + 1}:${last}${r + 1}",
    )


def points_formula(
    n: Node, lay: Layout, row: int, value_col: int, prev: str, lists: Mapping[str, int]
) -> str:
    """The formula of a leaf's points at one stage: its rule's points of the value (or inputs)
    typed in this stage, ``prev`` (the earlier stage's points) when nothing is typed, ``"KAD"``
    when the item does not apply."""
    vc = col(value_col)
    v_ref = f"{vc}{row}"
    rule = n.rule or _DIRECT
    names = rule.input_names()
    expr = rule.excel(n, v_ref, _refs(n, lay, vc, lists))
    if names:
        rng = f"{vc}{row + 1}:{vc}{row + len(names)}"
        return f'=IF({na_test(v_ref)},"KAD",IF(COUNT({rng})=0,{prev},IFERROR({expr},"?")))'
    return f'=IF({v_ref}="",{prev},IF({na_test(v_ref)},"KAD",IFERROR({expr},"?")))'


def aggregate_formula(m: Methodology, n: Node, lay: Layout, column: str) -> str:
    """The sum of a node's children in ``column``, within the node's bounds."""
    refs = ",".join(f"{column}{lay.row_of(c)}" for c in n.children)
    mx = n.max if n.code != ROOT else m.scale
    text = f"MAX({excel_number(n.min)},SUM({refs}))"
    if mx is not None:
        text = f"MIN({excel_number(mx)},{text})"
    return text
