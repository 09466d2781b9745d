"""pandas frames of cards, sets of cards, rankings and assessments (extra ``pandas``).

* :func:`card_to_frame`: one row per node of one card (what ``card.to_frame()`` returns);
* :func:`cards_to_frame`: one row per unit, one column per node (points by default), with the
  totals first; takes a list of cards or a :class:`parindex.batch.CardSet` (read from its arrays,
  no card is built);
* :func:`ranking_to_frame`: one row per unit of a :class:`~parindex.Ranking`;
* :func:`assessments_to_frame` and :func:`assessments_from_frame`: inputs in the long layout of
  the CSV files (unit, code, stage, value, note, evidence, period, unit_type).

Survey responses from a DataFrame are read by :func:`parindex.survey.responses.from_dataframe`.
Values are exact (unrounded); round only to present them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import _hooks
from .._text import nfc_strip
from ..assessment import NA, STAGES, Assessment, Entry, is_na_text, stage_name
from ..card import ScoreCard
from ..engine import CardSet
from ..errors import AssessmentError, MissingExtraError, ParIndexError

__all__ = [
    "CARD_COLUMNS",
    "NODE_VALUES",
    "SUMMARY_COLUMNS",
    "assessments_from_frame",
    "assessments_to_frame",
    "card_to_frame",
    "cards_to_frame",
    "ranking_to_frame",
]

CARD_COLUMNS = (
    "code",
    "label",
    "label_en",
    "depth",
    "parent",
    "method",
    "max",
    "adjusted_max",
    "points",
    "index",
    "lost",
    "stage",
    "value",
    "not_applicable",
    "missing",
    "clamped",
    "explanation",
)
SUMMARY_COLUMNS = ("unit", "period", "points", "max_points", "index", "group")
#: What :func:`cards_to_frame` can put in the node columns.
NODE_VALUES = ("points", "index", "lost", "adjusted_max")


def _pd(feature: str) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError.for_extra("pandas", "pandas", feature) from None
    return pd


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


def card_to_frame(card: ScoreCard, *, lang: str = "vi", total: bool = True) -> Any:
    """One row per node of ``card`` (the total first, code ``""``, when ``total``).

    Columns: :data:`CARD_COLUMNS`; figures are floats with NaN where the card gives None. The
    frame's ``attrs`` carry the unit, period and methodology id.
    """
    pd = _pd("card.to_frame()")
    rows = []
    for r in card.results if total else card.results[1:]:
        n = r.node
        value = r.value
        if isinstance(value, Mapping):
            value = dict(value)
        rows.append(
            (
                r.code,
                n.label.text(lang) if r.code else ("TỔNG" if lang == "vi" else "TOTAL"),
                n.label.en,
                n.depth,
                n.parent,
                n.method,
                _nan(r.max),
                _nan(r.adjusted_max),
                _nan(r.points),
                _nan(r.index),
                _nan(r.lost),
                r.stage,
                value,
                r.not_applicable,
                r.missing,
                r.clamped,
                r.explain(lang),
            )
        )
    frame = pd.DataFrame.from_records(rows, columns=list(CARD_COLUMNS))
    frame = frame.set_index("code", drop=False)
    frame.index.name = None
    frame.attrs.update(
        {"unit": card.unit, "period": card.period, "methodology": card.methodology.id}
    )
    return frame


def cards_to_frame(
    cards: Iterable[ScoreCard],
    *,
    value: str = "points",
    codes: Sequence[str] | None = None,
) -> Any:
    """One row per unit, the totals (:data:`SUMMARY_COLUMNS`) then one column per node.

    ``value`` chooses what the node columns hold: ``points`` (default), ``index``, ``lost`` or
    ``adjusted_max``. ``codes`` limits the node columns (default: every node, in tree order).
    All cards must come from one methodology.
    """
    pd = _pd("a frame of score cards")
    if value not in NODE_VALUES:
        raise ParIndexError(
            f"unknown value for the node columns; expected one of {', '.join(NODE_VALUES)}",
            value=value,
        )
    if hasattr(cards, "points_matrix") and hasattr(cards, "plan"):
        return _cardset_frame(pd, cards, value, codes)
    items = list(cards)
    ids = {c.methodology.id for c in items}
    if len(ids) > 1:
        raise ParIndexError(
            "cards from different methodologies cannot share columns", value=sorted(ids)
        )
    if not items:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS)).set_index("unit")
    m = items[0].methodology
    cols = _codes(m, codes)
    records = []
    for c in items:
        g = c.group
        rec: list[Any] = [
            c.unit,
            c.period,
            _nan(c.points),
            _nan(c.max_points),
            _nan(c.index),
            g.code if g else None,
        ]
        for code in cols:
            r = c[code]
            rec.append(_nan(getattr(r, value)))
        records.append(rec)
    return _finish(pd, records, cols, m.id)


def _codes(m: Any, codes: Sequence[str] | None) -> list[str]:
    cols = [n.code for n in m.walk()] if codes is None else [str(c) for c in codes]
    for c in cols:
        if c not in m:
            raise ParIndexError(f"methodology {m.id} has no node with this code", code=c)
        if c in SUMMARY_COLUMNS:
            raise ParIndexError(
                "a node code equals the name of a summary column; pass codes= without it",
                code=c,
            )
    return cols


def _finish(pd: Any, records: list[list[Any]], cols: list[str], mid: str) -> Any:
    frame = pd.DataFrame.from_records(records, columns=[*SUMMARY_COLUMNS, *cols])
    dupes = frame["unit"][frame["unit"].duplicated()].tolist()
    if dupes and frame["period"].isna().all():
        raise ParIndexError("the same unit appears twice: give each card a period", unit=dupes[0])
    frame = frame.set_index("unit")
    frame.attrs["methodology"] = mid
    return frame


def _cardset_frame(pd: Any, cs: Any, value: str, codes: Sequence[str] | None) -> Any:
    import numpy as np

    m = cs.methodology
    cols = _codes(m, codes)
    pos = [cs.plan.position[c] for c in cols]
    pts = np.asarray(cs.points_matrix)
    adj = np.asarray(cs.adjusted_max_matrix)
    if value == "points":
        block = pts[:, pos]
    elif value == "adjusted_max":
        block = adj[:, pos]
    elif value == "lost":
        block = adj[:, pos] - pts[:, pos]
    else:
        block = np.column_stack([cs.node_index(c) for c in cols]) if cols else pts[:, :0]
    records = []
    groups = cs.groups
    for i in range(len(cs)):
        records.append(
            [
                cs.units[i],
                cs.periods[i],
                float(cs.points[i]),
                float(cs.max_points[i]),
                float(cs.index[i]),
                groups[i],
                *(float(x) for x in block[i]),
            ]
        )
    return _finish(pd, records, cols, m.id)


def ranking_to_frame(ranking: Any) -> Any:
    """One row per unit of a :class:`~parindex.Ranking`, in order of place."""
    pd = _pd("a frame of a ranking")
    rows = ranking.to_dicts()
    cols = [
        "unit",
        "place",
        "index",
        "points",
        "max_points",
        "group",
        "previous_place",
        "place_change",
        "index_change",
        "points_change",
    ]
    frame = pd.DataFrame.from_records([[r[c] for c in cols] for r in rows], columns=cols)
    frame.attrs["tie_rule"] = ranking.tie_rule
    return frame


ASSESSMENT_COLUMNS = ("unit", "period", "unit_type", "stage", "code", "value", "note", "evidence")


def assessments_to_frame(assessments: Iterable[Assessment]) -> Any:
    """Inputs in the long layout: one row per unit, period, stage and code.

    ``value`` holds the value as given (a number, a level code, a dict of named inputs or counts,
    or the text ``NA``); ``evidence`` is a ``;``-separated text.
    """
    pd = _pd("a frame of assessments")
    rows = []
    for a in assessments:
        for st, entries in a.stages.items():
            for code, e in entries.items():
                v: Any = "NA" if e.not_applicable else e.value
                if isinstance(v, Mapping):
                    v = dict(v)
                rows.append(
                    (a.unit, a.period, a.unit_type, st, code, v, e.note, "; ".join(e.evidence))
                )
    return pd.DataFrame.from_records(rows, columns=list(ASSESSMENT_COLUMNS))


def _text_cell(v: Any, column: str, row: int) -> str:
    """A unit or code cell as text: a float is refused (a number column has turned ``1.10`` into
    1.1), a whole number is its digits, a missing cell is empty."""
    if v is None:
        return ""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) or isinstance(v, bool):
        raise AssessmentError(
            f"the {column} column holds numbers; read it as text (dtype=str), as a number "
            "column turns 1.10 into 1.1",
            row=row,
            value=v,
        )
    return nfc_strip(str(v))


def assessments_from_frame(frame: Any) -> list[Assessment]:
    """Assessments from a frame in the long layout of :func:`assessments_to_frame` (or the CSV).

    Required columns: ``unit``, ``code``, ``value``; optional: ``stage`` (default ``self``),
    ``period``, ``unit_type``, ``note``, ``evidence``. Rows are numbered from 1 in errors.
    """
    pd = _pd("assessments from a DataFrame")
    if not isinstance(frame, pd.DataFrame):
        raise AssessmentError("expected a pandas DataFrame", value=type(frame).__name__)
    cols = [str(c) for c in frame.columns]
    for need in ("unit", "code", "value"):
        if need not in cols:
            raise AssessmentError(
                f"the frame needs the columns unit, code, value; '{need}' is missing", value=cols
            )
    unknown = [c for c in cols if c not in ASSESSMENT_COLUMNS]
    if unknown:
        raise AssessmentError(
            f"unknown column; expected {', '.join(ASSESSMENT_COLUMNS)}", value=unknown[0]
        )

    def cell(rec: Mapping[str, Any], key: str) -> Any:
        v = rec.get(key)
        if v is None:
            return None
        try:
            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        return v

    units: dict[tuple[str, str | None], dict[str, Any]] = {}
    seen: dict[tuple[str, str | None, str, str], int] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        unit = _text_cell(cell(rec, "unit"), "unit", i)
        code = _text_cell(cell(rec, "code"), "code", i)
        if not unit or not code:
            raise AssessmentError("unit and code must not be empty", row=i, unit=unit or None)
        stage = stage_name(cell(rec, "stage") or "self", unit=unit, row=i)
        period = cell(rec, "period")
        period = None if period is None else str(period)
        key = (unit, period, stage, code)
        if key in seen:
            raise AssessmentError(
                f"duplicated row: the same unit, code and stage were given at row {seen[key]}",
                row=i,
                unit=unit,
                code=code,
                stage=stage,
            )
        seen[key] = i
        v = cell(rec, "value")
        if v is None:
            raise AssessmentError(
                "empty value (leave the row out if there is no input)",
                row=i,
                unit=unit,
                code=code,
                stage=stage,
            )
        if hasattr(v, "item"):
            v = v.item()
        note = cell(rec, "note")
        ev_text = cell(rec, "evidence")
        ev = tuple(x.strip() for x in str(ev_text or "").split(";") if x.strip())
        if v is NA or is_na_text(v):
            entry = Entry(None, True, None if note is None else str(note), ev)
        else:
            if isinstance(v, str):
                from ..assessment import parse_text_value

                try:
                    v = parse_text_value(v)
                except ValueError as exc:
                    raise AssessmentError(
                        str(exc), row=i, unit=unit, code=code, stage=stage, value=v
                    ) from None
            from ..assessment import make_entry

            base = make_entry(v)
            entry = Entry(base.value, False, None if note is None else str(note), ev)
        slot = units.setdefault((unit, period), {"unit_type": None, "stages": {}})
        ut = cell(rec, "unit_type")
        if ut is not None:
            if slot["unit_type"] is not None and slot["unit_type"] != str(ut):
                raise AssessmentError(
                    "the unit type differs from an earlier row of the same unit",
                    row=i,
                    unit=unit,
                    value=ut,
                )
            slot["unit_type"] = str(ut)
        slot["stages"].setdefault(stage, {})[code] = entry
    return [
        Assessment(
            u, {s: st for s, st in sorted(d["stages"].items(), key=_stage_order)}, p, d["unit_type"]
        )
        for (u, p), d in units.items()
    ]


def _stage_order(item: tuple[str, Any]) -> int:
    return STAGES.index(item[0])


# ``card.to_frame()`` and ``card_set.to_frame()`` reach these through parindex._hooks.
_hooks.register("frame", ScoreCard, card_to_frame)
_hooks.register("frame", CardSet, cards_to_frame)
