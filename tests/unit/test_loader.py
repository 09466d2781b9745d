"""Strict loading: every error names the file, line, column, node code and what was expected."""

from __future__ import annotations

import pytest

from parindex import MethodologyError
from parindex.errors import ExpressionError
from parindex.methodology.loader import load_text
from tests.conftest import HEADER, make

GOOD = """
- code: "1"
  label: {vi: "Lĩnh vực một", en: "Domain one"}
  method: appraisal
  children:
    - {code: "1.1", label: a, max: 4}
    - {code: "1.2", label: b, max: 6}
"""


def test_good_tree_loads_with_derived_parent_maximum() -> None:
    m = make(GOOD)
    assert m["1"].max == 10 and m["1.1"].parent == "1" and m["1"].label.en == "Domain one"
    assert [n.code for n in m.walk()] == ["1", "1.1", "1.2"]
    assert [n.code for n in m.leaves()] == ["1.1", "1.2"]
    assert m.by_method("appraisal") == m.leaves()
    assert m.domain_of("1.2").code == "1"


def err(text: str) -> MethodologyError:
    with pytest.raises(MethodologyError) as e:
        load_text(text, file="bad.yaml")
    return e.value


def full(nodes: str, **kw: object) -> str:
    params = {"scale": 10, "na": "drop", "missing": "zero"}
    params.update(kw)
    return HEADER.format(**params) + "nodes:\n" + nodes


def test_duplicate_key_names_line_and_column() -> None:
    e = err(full('  - code: "1"\n    label: a\n    label: b\n    max: 10\n    method: appraisal\n'))
    assert e.file == "bad.yaml" and e.line == 16 and e.column == 5
    assert "duplicate key 'label'" in str(e)


def test_unknown_key_lists_allowed_keys_and_node_code() -> None:
    e = err(full('  - code: "1"\n    label: a\n    maxx: 10\n    max: 10\n    method: appraisal\n'))
    assert e.code == "1" and e.line == 16
    assert "unknown key 'maxx'" in str(e) and "allowed keys are" in str(e)


def test_wrong_type_says_what_was_expected() -> None:
    e = err(full('  - code: "1"\n    label: a\n    max: ten\n    method: appraisal\n'))
    assert "expected a number or nothing (null)" in str(e) or "expected a number" in str(e)
    assert e.code == "1" and e.line == 16


def test_children_must_add_up() -> None:
    e = err(
        full(
            '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    children:\n'
            '      - {code: "1.1", label: x, max: 4}\n      - {code: "1.2", label: y, max: 5}\n'
        )
    )
    assert "add up to 9, not to this node's maximum 10" in str(e) and e.code == "1"


def test_total_must_equal_scale() -> None:
    e = err(full('  - {code: "1", label: a, max: 9, method: appraisal}\n'))
    assert "not to the scale 10" in str(e)


def test_code_must_match_parent() -> None:
    e = err(
        full(
            '  - code: "1"\n    label: a\n    method: appraisal\n    children:\n'
            '      - {code: "2.1", label: x, max: 10}\n'
        )
    )
    assert "belongs under 2" in str(e) and e.code == "2.1"


def test_duplicate_codes() -> None:
    e = err(
        full(
            '  - {code: "1", label: a, max: 5, method: appraisal}\n  - {code: "1", label: b, max: 5, method: appraisal}\n'
        )
    )
    assert "duplicate node code" in str(e)


def test_level_worth_more_than_the_maximum() -> None:
    e = err(
        full(
            '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: levels\n'
            "      levels: [{code: x, points: 11}, {code: y, points: 0}]\n"
        )
    )
    assert "can give 0 to 11 points, outside this node's bounds 0 to 10" in str(e)


def test_malformed_formula_points_at_the_formula() -> None:
    with pytest.raises(ExpressionError) as e:
        load_text(
            full(
                '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: formula\n'
                '      inputs: {a: {}, b: {}}\n      expr: "(b / a * "\n      clamp: true\n'
            ),
            file="bad.yaml",
        )
    assert e.value.line == 21 and e.value.code == "1" and "formula" in str(e.value)


def test_formula_with_unknown_name() -> None:
    with pytest.raises(ExpressionError, match="z"):
        load_text(
            full(
                '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: formula\n'
                '      inputs: {a: {}}\n      expr: "a + z"\n      clamp: true\n'
            ),
            file="bad.yaml",
        )


def test_overlapping_and_gapped_bands() -> None:
    e = err(
        full(
            '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: bands\n'
            '      bands: [{range: "[0, 50]", points: 0}, {range: "[50, 100]", points: 10}]\n'
        )
    )
    assert "overlap" in str(e)
    e = err(
        full(
            '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: bands\n'
            '      bands: [{range: "[0, 50)", points: 0}, {range: "(50, 100]", points: 10}]\n'
        )
    )
    assert "the value 50 falls in none of the bands" in str(e)


def test_grouping_thresholds_must_be_ordered_and_cover() -> None:
    g = "grouping:\n  status: confirmed\n  groups: [{code: A, min: 80}, {code: B, min: 90}, {code: C, min: 0}]\n"
    e = err(
        HEADER.format(scale=10, na="drop", missing="zero")
        + g
        + 'nodes:\n  - {code: "1", label: a, max: 10, method: appraisal}\n'
    )
    assert "must decrease" in str(e)
    g = "grouping:\n  status: confirmed\n  groups: [{code: A, min: 90}, {code: B, min: 80}]\n"
    e = err(
        HEADER.format(scale=10, na="drop", missing="zero")
        + g
        + 'nodes:\n  - {code: "1", label: a, max: 10, method: appraisal}\n'
    )
    assert "cover the scale" in str(e)


def test_object_tags_are_refused() -> None:
    e = err("!!python/object/apply:os.system ['echo hi']\n")
    assert "object tags are not allowed" in str(e) or "invalid YAML" in str(e)


def test_garbage_bytes() -> None:
    with pytest.raises(MethodologyError, match="not UTF-8"):
        load_text(b"\xff\xfe\x00garbage", file="bad.yaml")


def test_unknown_maximum_is_first_class() -> None:
    text = full(
        "  - {code: TD, label: a, max: null, status: unknown, method: appraisal}\n"
        "  - {code: SIPAS, label: b, max: 4, method: sipas, rule: {kind: satisfaction}}\n"
    )
    m = load_text(text, file="partial.yaml")
    assert not m.complete and [n.code for n in m.unknown] == ["TD"]


def test_null_max_with_known_children_is_refused() -> None:
    e = err(
        full(
            '  - code: "1"\n    label: a\n    max: null\n    method: appraisal\n    children:\n'
            '      - {code: "1.1", label: x, max: 10}\n'
        )
    )
    assert "the maximum is their sum, 10" in str(e)


def test_leaf_needs_a_method() -> None:
    e = err(full('  - {code: "1", label: a, max: 10}\n'))
    assert "no scoring method" in str(e)


def test_dates_stay_text_and_no_yes_is_not_a_boolean() -> None:
    m = make(GOOD)
    assert m.legal_basis.decision == "TEST"
    text = full(
        '  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    rule:\n      kind: levels\n'
        "      levels: [{code: yes, points: 10}, {code: no, points: 0}]\n"
    )
    m = load_text(text, file="x.yaml")
    assert [lv.code for lv in m["1"].rule.levels] == ["yes", "no"]  # type: ignore[union-attr]


EVIDENCE = """
- code: "1"
  label: a
  max: 10
  method: appraisal
  note: Theo kế hoạch năm
  evidence: "Kế hoạch CCHC năm; báo cáo kết quả"
"""


def test_evidence_is_read_shown_and_left_out_of_the_score() -> None:
    from parindex.io.workbook.texts import guide_text
    from parindex.methodology.fingerprint import fingerprint
    from parindex.methodology.pages import page

    m = make(EVIDENCE)
    assert m["1"].evidence == "Kế hoạch CCHC năm; báo cáo kết quả" and m["1"].note is not None
    assert "Tài liệu kiểm chứng: Kế hoạch CCHC năm; báo cáo kết quả" in guide_text(m["1"])
    assert "- 1: Kế hoạch CCHC năm; báo cáo kết quả" in page(m)
    without = make(EVIDENCE.replace('  evidence: "Kế hoạch CCHC năm; báo cáo kết quả"\n', ""))
    assert without["1"].evidence is None and "Tài liệu kiểm chứng" not in page(without)
    assert fingerprint(m) == fingerprint(without)


def test_evidence_is_text() -> None:
    e = err(
        full('  - code: "1"\n    label: a\n    max: 10\n    method: appraisal\n    evidence: [a]\n')
    )
    assert e.code == "1" and "evidence" in str(e)


def test_evidence_is_in_the_json_schema() -> None:
    from parindex.methodology import json_schema

    node = json_schema()["$defs"]["node"]["properties"]
    assert node["evidence"] == {"type": "string"}
