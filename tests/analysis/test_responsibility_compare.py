"""Responsibility maps (validation errors), cascades, crosswalks and comparisons."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import parindex
from parindex.analysis.compare import compare_periods, compare_stages, compare_versions
from parindex.analysis.crosswalk import CrosswalkError, load_crosswalk
from parindex.analysis.gaps import gaps
from parindex.analysis.responsibility import (
    ResponsibilityError,
    load_cascade,
    load_responsibilities,
)
from parindex.assessment import Assessment
from parindex.report.build import build_report
from parindex.units import load_unit_list
from tests.conftest import make

EX = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def m25() -> parindex.Methodology:
    return parindex.load_file(EX / "example-province-scheme-2025.yaml")


@pytest.fixture(scope="module")
def m26() -> parindex.Methodology:
    return parindex.load_file(EX / "example-province-scheme-2026.yaml")


def _cards(m: parindex.Methodology, name: str) -> list[parindex.ScoreCard]:
    return [parindex.score(m, a) for a in parindex.read_assessments(EX / name)]


def test_example_map_is_valid_and_used(m25: parindex.Methodology) -> None:
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=m25, units=units)
    assert rmap.problems(m25, units) == ()
    card = _cards(m25, "example-province-assessments-2025-q3.yaml")[0]
    g = gaps(card, rmap)
    # 1.2 inherits domain 1's entry; its template is filled with the next band (90 %, +2 points)
    assert g["1.2"].lead == ("so-noi-vu",) and g["1.2"].cooperating == ("van-phong-ubnd",)
    assert g["1.2"].remedy("vi") == (
        "Sở Nội vụ rà soát tiêu chí 1.2 «Mức độ hoàn thành kế hoạch CCHC»: cần từ 90% (thêm 2,00 điểm)."
    )
    # by unit: Sở Nội vụ leads 1.2 (2), 4.1 (1), 1.4 (0.8), 1.3 (0.5) = 4.3
    row = next(u for u in g.by_unit() if u.unit == "so-noi-vu")
    assert math.isclose(row.lead_lost, 4.3) and row.name == "Sở Nội vụ"
    assert row.lead_codes == ("1.2", "4.1", "1.4", "1.3")
    # the first unit of the roll-up carries the most lost points as lead (Văn phòng: 6.1, 6.05)
    assert g.by_unit()[0].unit == "van-phong-ubnd" and math.isclose(g.by_unit()[0].lead_lost, 6.05)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_map_validation_errors(tmp_path: Path, m25: parindex.Methodology) -> None:
    units = load_unit_list(EX / "example-units.yaml")
    head = "parindex_responsibilities: 1\nmethodology: example/province/2025\nitems:\n"
    bad = _write(
        tmp_path,
        "bad.yaml",
        head
        + '  - {code: "1", lead: so-noi-vu}\n'
        + '  - {code: "9.9", lead: so-noi-vu}\n'
        + '  - {code: "2", cooperating: [so-tu-phap]}\n'
        + '  - {code: "3", lead: so-khong-co}\n',
    )
    rmap = load_responsibilities(bad)
    kinds = [(p.kind, p.code, p.unit, p.line) for p in rmap.problems(m25, units) if p.is_error]
    assert kinds == [
        ("unknown_code", "9.9", None, 5),
        ("no_lead", "2", None, 6),
        ("unknown_unit", "3", "so-khong-co", 7),
    ]
    uncovered = [p.code for p in rmap.problems(m25, units) if p.kind == "uncovered"]
    assert uncovered == ["4.1", "5.1", "5.2", "6.1", "7.1", "8.1"]
    with pytest.raises(ResponsibilityError) as err:
        load_responsibilities(bad, methodology=m25, units=units)
    text = str(err.value)
    assert text.startswith(f"{bad}:5, node '9.9': unknown code")
    assert "and 2 more" in text and "so-khong-co" in text
    with pytest.raises(ResponsibilityError, match="mapped twice"):
        load_responsibilities(
            _write(
                tmp_path, "dup.yaml", head + '  - {code: "1", lead: a}\n  - {code: "1", lead: b}\n'
            )
        )
    with pytest.raises(ResponsibilityError, match=r"unknown placeholder \{gain\}"):
        load_responsibilities(
            _write(
                tmp_path, "tpl.yaml", head + '  - {code: "1", lead: a, remedies: ["thêm {gain}"]}\n'
            )
        )
    other = _write(
        tmp_path, "other.yaml", head.replace("2025", "2026") + '  - {code: "1", lead: so-noi-vu}\n'
    )
    with pytest.raises(ResponsibilityError, match="written for example/province/2026"):
        load_responsibilities(other, methodology=m25)


def test_csv_map(tmp_path: Path, m25: parindex.Methodology) -> None:
    p = _write(
        tmp_path,
        "map.csv",
        "code,lead,cooperating,remedy_vi,remedy_en\n"
        "1,so-noi-vu,van-phong-ubnd; so-tu-phap,Làm {next}|Rà soát,Do {next}|Review\n"
        "2,,so-tu-phap,,\n",
    )
    with pytest.raises(ResponsibilityError) as err:
        load_responsibilities(p, methodology=m25)
    assert "row 3" in str(err.value) and "no lead unit" in str(err.value)
    ok = _write(
        tmp_path,
        "ok.csv",
        "code,lead,cooperating,remedy_vi,remedy_en\n1,so-noi-vu,van-phong-ubnd; so-tu-phap,Làm {next}|Rà soát,Do {next}|Review\n",
    )
    r = load_responsibilities(ok, methodology=m25)
    assert r.items["1"].cooperating == ("van-phong-ubnd", "so-tu-phap")
    assert [x.en for x in r.items["1"].remedies] == ["Do {next}", "Review"]


def test_cascade_shows_department_cards(m25: parindex.Methodology) -> None:
    dept = parindex.load_file(EX / "illustrative-department-scheme.yaml")
    dcards = _cards(dept, "example-assessments.yaml")
    cas = load_cascade(
        EX / "example-cascade.yaml", province_methodology=m25, unit_methodology=dept, cards=dcards
    )
    card = _cards(m25, "example-province-assessments-2025-q3.yaml")[0]
    g = gaps(card, cascade=cas)
    # province 3.1 ↔ departments' 2.1: department A has 2.895 of 3; B does not apply (no TTHC)
    items = g["3.1"].cascade
    assert [(c.unit, c.code, c.points, c.max) for c in items] == [
        ("Sở Ví dụ A (example)", "2.1", 2.895, 3.0)
    ]
    # 1.3: B lost the whole point, A a quarter: the bigger loss first
    assert [(c.unit, c.lost) for c in g["1.3"].cascade] == [
        ("Sở Ví dụ B (example)", 1.0),
        ("Sở Ví dụ A (example)", 0.25),
    ]


def test_stage_comparison(m25: parindex.Methodology) -> None:
    card = _cards(m25, "example-province-assessments-2025-q3.yaml")[0]
    sc = compare_stages(card)
    # appraisal cut 2.2 (full 5 → partial 2.5), 1.2 (92 % → 85 %: 4 → 2), 2.1 (100 % → 90 %: 5 → 3)
    assert [(r.code, r.cut, r.needs_explanation) for r in sc.cut] == [
        ("2.2", 2.5, True),
        ("1.2", 2.0, True),
        ("2.1", 2.0, True),
    ]
    assert sc.total_cut == 6.5
    # the self-assessed card compares like with like: it counts the survey results, so it is
    # the appraised total plus what appraisal cut (72.62 + 6.5; it was 48.25 with the survey
    # items scored 0)
    assert round(sc.self_points or 0, 9) == 79.12 and sc.cut[1].evidence == ("KH-12/2025",)
    assert round((sc.self_points or 0) - (sc.points or 0), 9) == sc.total_cut


def test_period_comparison_with_places(m25: parindex.Methodology) -> None:
    now = _cards(m25, "example-province-assessments-2025-q3.yaml")
    before = _cards(m25, "example-province-assessments-2025-q2.yaml")
    pc = compare_periods(before[0], now[0], previous_peers=before, peers=now)
    assert (
        round(pc.total.previous_points or 0, 9) == 70.7 and round(pc.total.points or 0, 9) == 72.62
    )
    assert (pc.total.previous_place, pc.total.place) == (3, 3)
    # 5.1 unchanged (3 of 6) but a peer moved: in Q2 only Bắc (80 %) had 6, the three others 3
    # → place 2 (shared); in Q3 Bắc (82 %) and Đông (80 %) have 6 → place 3
    assert (pc["5.1"].previous_place, pc["5.1"].place, pc["5.1"].place_change) == (2, 3, -1)
    # gains: 6.1 mean 3.8 → 3.9 (+22 × 0.1/4 = 0.55), 1.3 two late reports → one (+0.5),
    # 1.4 b 2 → 3 of 5 (+0.4), 3.1 93 % → 95.5 % (+0.25), 7.1 82 % → 84.2 % (+0.22)
    assert [(r.code, round(r.points_change or 0, 9)) for r in pc.gained()] == [
        ("6.1", 0.55),
        ("1.3", 0.5),
        ("1.4", 0.4),
        ("3.1", 0.25),
        ("7.1", 0.22),
    ]
    assert pc.lost() == ()
    with pytest.raises(parindex.ParIndexError, match="crosswalk"):
        compare_periods(
            before[0],
            parindex.score(
                parindex.load_file(EX / "example-province-scheme-2026.yaml"),
                parindex.read_assessments(EX / "example-province-assessments-2026-q1.yaml")[0],
            ),
        )


def test_version_comparison(m25: parindex.Methodology, m26: parindex.Methodology) -> None:
    cw = load_crosswalk(EX / "example-crosswalk-2025-2026.yaml", m25, m26)
    a = _cards(m25, "example-province-assessments-2025-q3.yaml")[0]
    b = _cards(m26, "example-province-assessments-2026-q1.yaml")[0]
    vc = compare_versions(a, b, cw)
    rows = {r.source: r for r in vc.rows}
    # split: 3.1 (95.5 % of 10 = 9.55) → 3.1 (97 % of 6 = 5.82) + 3.3 (90 % of 4 = 3.6) = 9.42
    split = rows[("3.1",)]
    assert split.kind == "split" and math.isclose(split.points_after or 0, 9.42)
    assert math.isclose(split.points_change or 0, -0.13)
    # re-weighted 4.1 (9 of 10 → 7.5 of 8): points not comparable, index 90 % → 93.75 %
    rw = rows[("4.1",)]
    assert rw.points_change is None and math.isclose(rw.index_change or 0, 3.75)
    # merged 5.1 + 5.2 (3 + 2 of 10) → 5.1 (72 % in [50, 80): 5 of 10)
    assert rows[("5.1", "5.2")].points_change == 0
    assert vc.not_comparable == (("to", "4.2", "new in the later version"),)
    # common part: all of 2025 (72.62 of 100) against 2026 less 4.2 (85.28 − 1.5 of 98)
    assert vc.common_before == (pytest.approx(72.62), 100.0)
    assert vc.common_after[1] == 98.0


def test_crosswalk_errors(
    tmp_path: Path, m25: parindex.Methodology, m26: parindex.Methodology
) -> None:
    head = "parindex_crosswalk: 1\nfrom: example/province/2025\nto: example/province/2026\nitems:\n"
    cases = {
        '  - {from: "9", to: "1"}\n': "unknown code on the 'from' side",
        '  - {from: "1.1", to: "1.1"}\n  - {from: "1.1", to: "1.2"}\n': "mapped twice",
        '  - {from: "3.1", to: "3.1", kind: split}\n': "a 'split' item has one 'from' code and several",
        '  - {from: "4.1", to: "4.1"}\n': "use kind: reweighted",
        '  - {from: "1.1", to: "1.1", kind: moved}\n': "unknown kind",
        '  - {from: "1", to: "1"}\n  - {from: "1.1", to: "1.1"}\n': "1.1 lies under 1, which is mapped",
        '  - {from: "1.1", to: "1.1"}\ndropped: ["1.1"]\n': "both mapped and listed as dropped",
    }
    for i, (body, msg) in enumerate(cases.items()):
        p = tmp_path / f"cw{i}.yaml"
        p.write_text(head + body, encoding="utf-8")
        with pytest.raises(CrosswalkError, match=msg) as err:
            load_crosswalk(p, m25, m26)
        assert str(p) in str(err.value)


def test_cascade_and_province_errors(tmp_path: Path, m25: parindex.Methodology) -> None:
    dept = parindex.load_file(EX / "illustrative-department-scheme.yaml")
    p = _write(
        tmp_path,
        "cascade.yaml",
        "parindex_cascade: 1\nprovince_methodology: example/province/2025\n"
        'unit_methodology: example/department/2025\nlinks:\n  "3.1": ["2.1"]\n  "3.2": ["9.9"]\n',
    )
    with pytest.raises(ResponsibilityError) as err:
        load_cascade(p, province_methodology=m25, unit_methodology=dept)
    assert (
        str(err.value)
        == f"{p}:6, node '9.9': unknown code: example/department/2025 has no such node"
    )
    with pytest.raises(
        ResponsibilityError, match="this card is scored under example/province/2025"
    ):
        load_cascade(
            EX / "example-cascade.yaml",
            cards=_cards(m25, "example-province-assessments-2025-q3.yaml"),
        )
    units = load_unit_list(EX / "example-units.yaml")
    other = _write(
        tmp_path,
        "other.yaml",
        "parindex_responsibilities: 1\nprovince: Đắk Lắk\nmethodology: example/province/2025\n"
        'items:\n  - {code: "1", lead: so-noi-vu}\n',
    )
    kinds = {p.kind for p in load_responsibilities(other).problems(m25, units)}
    assert "wrong_province" in kinds


def test_differences_are_those_of_the_printed_figures() -> None:
    # 27.104 → 27.676 is printed 27,10 → 27,68: the change shown is +0,58 (not 0.572 → +0,57)
    m = make(
        """
        - {code: "1", label: "A", max: 50, method: appraisal}
        - {code: "2", label: "B", max: 50, method: appraisal}
        """,
        scale=100,
    )
    before = parindex.score(m, {"1": 27.104, "2": 10.0})
    now = parindex.score(m, {"1": 27.676, "2": 10.0})
    pc = compare_periods(before, now)
    assert pc.rows[0].points_change == 0.58 and pc["1"].points_change == 0.58
    md = build_report(now, previous=before).to_markdown()
    assert "| 27,10 | 27,68 | +0,58 |" in md
    # the appraisal's cut likewise: 3,33 self-assessed, 2,67 appraised → cut 0,66
    stages = {"self": {"1": 3.334, "2": 1.0}, "appraisal1": {"1": 2.665, "2": 1.0}}
    card = parindex.score(m, Assessment("u", stages))
    assert [r.cut for r in compare_stages(card).rows if r.code == "1"] == [0.66]


def test_rank_refuses_a_previous_ranking_of_another_version_without_a_crosswalk() -> None:
    from parindex.analysis.crosswalk import Crosswalk

    m22 = parindex.load("vn-moha/province", year=2022)
    m20 = parindex.load("vn-moha/province", year=2020)
    now = [parindex.score(m22, {"TD": 55, "KTXH": 5, "XHH": 18, "SIPAS": 80}, unit="A")]
    before_m = m20
    inputs = {c.code: 0 for c in before_m.leaves()}
    before = [parindex.score(before_m, inputs, unit="A", missing="zero")]
    with pytest.raises(parindex.ParIndexError, match="crosswalk="):
        parindex.rank(now, previous=before)
    cw = Crosswalk(before_m.id, m22.id, ())
    r = parindex.rank(now, previous=before, crosswalk=cw)
    assert r.rows[0].previous_place == 1
    wrong = Crosswalk(m22.id, m22.id, ())
    with pytest.raises(parindex.CrosswalkError):
        parindex.rank(now, previous=before, crosswalk=wrong)
