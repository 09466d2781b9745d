"""The public face of parindex: what the top level exports, one vocabulary, and the old names
that keep working for one release with a DeprecationWarning."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest

import parindex
from parindex import errors, survey
from parindex._types import LANGS, STAGES, Lang, Stage, check_lang
from parindex.analysis.compare import PeriodRow, compare_periods
from parindex.analysis.rank import TIE_RULES
from parindex.analysis.whatif import what_if
from parindex.methodology import registry

EX = Path(__file__).resolve().parents[1] / "docs" / "examples"


@pytest.fixture(scope="module")
def prov() -> tuple[parindex.Methodology, list[parindex.ScoreCard]]:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    cards = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    return m, cards


# -- exports ---------------------------------------------------------------------------------------


def test_every_name_in_all_resolves() -> None:
    for name in parindex.__all__:
        assert getattr(parindex, name) is not None, name
    assert set(parindex.__all__) <= set(dir(parindex))


def test_every_error_class_is_exported() -> None:
    classes = [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, Exception) and obj.__module__ == errors.__name__
    ]
    assert len(classes) >= 13
    for cls in classes:
        assert cls.__name__ in parindex.__all__, cls.__name__
        assert getattr(parindex, cls.__name__) is cls


def _types_in(annotation: Any) -> set[type]:
    """The classes named by a return annotation (unions, generics and Literals unpacked)."""
    if isinstance(annotation, type):
        return {annotation}
    out: set[type] = set()
    for arg in get_args(annotation):
        out |= _types_in(arg)
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and origin.__module__.startswith("parindex"):
        out.add(origin)
    return out


def _return_annotation(func: Callable[..., Any]) -> Any:
    """The evaluated return annotation (parameter annotations may name TYPE_CHECKING imports)."""
    ann = inspect.get_annotations(func)["return"]
    if not isinstance(ann, str):
        return ann
    names = {n: getattr(parindex, n) for n in parindex.__all__}
    return eval(ann, {**names, **func.__globals__})


PUBLIC_FUNCTIONS = [
    "score",
    "score_many",
    "compile_plan",
    "rank",
    "gaps",
    "what_if",
    "read_assessments",
    "load",
    "load_file",
    "available",
]


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_every_return_type_of_the_public_functions_is_exported(name: str) -> None:
    func: Callable[..., Any] = getattr(parindex, name)
    returned: set[type] = set()
    for f in [func, *typing.get_overloads(func)]:
        returned |= _types_in(_return_annotation(f))
    returned = {t for t in returned if t.__module__.startswith("parindex")}
    assert returned, name
    for t in returned:
        assert getattr(parindex, t.__name__, None) is t, f"{name} returns {t.__name__}"


def test_types_reached_from_the_results_are_exported(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    card = cards[0]
    w = what_if(card, {"3.2": 55}, peers=cards)
    report = parindex.gaps(card)
    reached = [
        card.group,
        card.total,
        w,
        report.items[0],
        parindex.rank(cards).rows[0],
        parindex.compile_plan(card.methodology),
    ]
    reached += [s for g in report.items for s in (g.next, g.full) if s is not None][:1]
    reached += [layer for r in card.results for layer in r.layers][:1]
    names = {type(x).__name__ for x in reached}
    assert {"Group", "NodeResult", "WhatIf", "Gap", "RankRow", "Plan", "Step", "Layer"} <= names
    for x in reached:
        assert getattr(parindex, type(x).__name__) is type(x)


def test_load_is_typed_by_kind() -> None:
    overloads = typing.get_overloads(registry.load)
    returns = [_return_annotation(o) for o in overloads]
    assert returns[0] is parindex.Methodology  # load("vn-moha/province", year=2023)
    assert returns[1] is parindex.SurveyMethodology
    m = parindex.load("vn-moha/province", year=2023)
    assert isinstance(m, parindex.Methodology)
    assert isinstance(parindex.load("vn-moha/sipas/2023", kind="survey"), survey.SurveyMethodology)
    with pytest.raises(parindex.MethodologyError, match="is a survey methodology"):
        parindex.load("vn-moha/sipas/2023", kind="scoring")
    with pytest.raises(parindex.MethodologyError, match="is a scoring methodology"):
        parindex.load("vn-moha/province/2022", kind="survey")
    with pytest.warns(DeprecationWarning, match="kind='survey'"):
        old = parindex.load("vn-moha/sipas/2023")
    assert isinstance(old, survey.SurveyMethodology)


def test_import_is_lazy() -> None:
    code = (
        "import sys, parindex; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'pandas', 'openpyxl') "
        "or m.startswith(('parindex.analysis', 'parindex.batch', 'parindex.io', "
        "'parindex.survey', 'parindex.scoring'))]; "
        "print(heavy); "
        "assert not heavy; "
        "assert parindex.WhatIf.__name__ == 'WhatIf'; "
        "assert parindex.analysis.GapReport is parindex.GapReport"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the literal types and the language ------------------------------------------------------------


def test_literal_types_hold_the_runtime_values() -> None:
    assert get_args(Stage) == STAGES == parindex.STAGES
    assert get_args(Lang) == LANGS
    assert get_args(parindex.NAPolicy) == ("drop", "share", "earned")
    assert get_args(parindex.TieRule) == tuple(TIE_RULES)
    assert inspect.signature(parindex.rank).parameters["tie"].annotation == "TieRule"
    assert inspect.signature(what_if).parameters["stage"].annotation == "Stage | None"
    assert get_args(parindex.MissingPolicy) == ("zero", "block", "exclude")


@pytest.mark.parametrize("lang", ["fr", "VI", ""])
def test_an_unknown_language_raises_one_way_everywhere(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]], lang: str
) -> None:
    _, cards = prov
    card = cards[0]
    calls: list[Callable[[], object]] = [
        lambda: check_lang(lang),
        lambda: card.table(lang),  # type: ignore[arg-type]
        lambda: card["1"].explain(lang),
        lambda: parindex.rank(cards).table(lang),  # type: ignore[arg-type]
        lambda: parindex.rank(cards).tie_rule_text(lang),  # type: ignore[arg-type]
        lambda: what_if(card, {}).text(lang),  # type: ignore[arg-type]
        lambda: parindex.present(1.0, lang=lang),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ValueError, match="expected one of 'vi', 'en'"):
            call()


def test_lang_keyword_forms(prov: tuple[parindex.Methodology, list[parindex.ScoreCard]]) -> None:
    _, cards = prov
    assert parindex.present(2.675) == "2.68" == parindex.present(2.675, lang="en")
    assert parindex.present(2.675, lang="vi") == "2,68"
    ranking = parindex.rank(cards)
    assert ranking.tie_rule_text("vi") == ranking.tie_rule and "thi đấu" in ranking.tie_rule
    assert ranking.tie_rule_text("en").startswith("Competition ranking")
    node = cards[0]["1"]
    assert node.explanation == node.explain("vi")


# -- one vocabulary --------------------------------------------------------------------------------


def test_max_and_adjusted_max_on_the_card(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, cards = prov
    card = cards[0]
    assert card.max == m.scale == card.total.max
    assert card.adjusted_max == card.total.adjusted_max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert card.max_points == card.adjusted_max  # the documented alias: no warning
    row = parindex.rank(cards)[card.unit]
    assert row.adjusted_max == card.adjusted_max


def test_group_is_a_group_and_group_code_its_code(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    card = cards[0]
    assert isinstance(card.group, parindex.Group) and card.group_code == card.group.code == "C"
    row = parindex.rank(cards)[card.unit]
    assert row.group == card.group and row.group_code == "C"
    d = row.to_dict()
    assert d["group"] == d["group_code"] == "C"  # the key "group" keeps the code (stable output)
    cd = card.to_dict()
    assert cd["group"] == cd["group_code"] == "C" and cd["scale"] == card.max
    w = what_if(card, {"3.2": 55, "6.1": 4.6}, peers=cards)
    assert isinstance(w.group, parindex.Group) and isinstance(w.previous_group, parindex.Group)
    assert (w.previous_group_code, w.group_code) == ("C", "B")
    assert (w.previous_place, w.place) == (3, 3)
    assert w.to_dict()["group_before"] == "C"  # stable output


# -- deprecated names: each warns and still works --------------------------------------------------


def test_deprecated_card_and_ranking_names(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    card = cards[0]
    with pytest.warns(DeprecationWarning, match="ScoreCard.scale"):
        assert card.scale == card.max
    ranking = parindex.rank(cards)
    with pytest.warns(DeprecationWarning, match="RankRow.max_points"):
        assert ranking.rows[0].max_points == ranking.rows[0].adjusted_max
    with pytest.warns(DeprecationWarning, match="tie_rule_en"):
        assert ranking.tie_rule_en == ranking.tie_rule_text("en")


def test_deprecated_what_if_names(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    w = what_if(cards[0], {"3.2": 55, "6.1": 4.6}, peers=cards)
    old = {
        "group_before": "C",
        "group_after": "B",
        "place_before": 3,
        "place_after": 3,
        "ranking_before": w.previous_ranking,
        "ranking_after": w.ranking,
    }
    for name, value in old.items():
        with pytest.warns(DeprecationWarning, match=f"WhatIf.{name}"):
            assert getattr(w, name) == value


def test_deprecated_period_names(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, now = prov
    before = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q2.yaml")
    ]
    new = compare_periods(before[0], now[0], previous_peers=before, peers=now)
    with pytest.warns(DeprecationWarning) as caught:
        old = compare_periods(before[0], now[0], peers_before=before, peers_after=now)
    said = " ".join(str(w.message) for w in caught)
    assert "peers_before=" in said and "peers_after=" in said
    assert old.rows == new.rows
    row = new["5.1"]
    pairs = {
        "max_before": "previous_adjusted_max",
        "max_after": "adjusted_max",
        "points_before": "previous_points",
        "points_after": "points",
        "index_before": "previous_index",
        "index_after": "index",
        "place_before": "previous_place",
        "place_after": "place",
    }
    for old_name, new_name in pairs.items():
        with pytest.warns(DeprecationWarning, match=f"PeriodRow.{old_name}"):
            assert getattr(row, old_name) == getattr(row, new_name)
    assert row.to_dict()["place_before"] == row.previous_place == 2  # stable output
    assert isinstance(row, PeriodRow)


def _responses_csv(tmp_path: Path, m: survey.SurveyMethodology) -> Path:
    items = list(m.items)
    lines = ["respondent_id,unit," + ",".join(items)]
    lines += [f"{i},X," + ",".join("4" for _ in items) for i in range(1, 6)]
    p = tmp_path / "responses.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_deprecated_positional_methodology_in_survey_readers(tmp_path: Path) -> None:
    m = survey.load_methodology("vn-moha/sipas/2023")
    p = _responses_csv(tmp_path, m)
    r = survey.read_csv(p, methodology=m)
    with pytest.warns(DeprecationWarning, match=r"read_csv\(source, methodology\)"):
        old = survey.read_csv(p, m)  # type: ignore[misc]
    assert old.n == r.n == 5
    with pytest.warns(DeprecationWarning, match="iter_csv"):
        chunks = list(survey.iter_csv(p, m, chunk_rows=2))  # type: ignore[misc]
    assert sum(c.n for c in chunks) == 5
    est = survey.estimate(r, methodology=m, min_answers=1)
    with pytest.warns(DeprecationWarning, match="estimate"):
        old_est = survey.estimate(r, m, min_answers=1)  # type: ignore[misc]
    assert old_est.groups[0].overall == est.groups[0].overall
    with pytest.raises(TypeError, match="twice"):
        survey.read_csv(p, m, methodology=m)  # type: ignore[misc]
