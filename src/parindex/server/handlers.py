"""What each address of the web service does, without the web framework: a request's JSON in,
JSON (or a file) out, a :class:`~parindex.errors.ParIndexError` for anything that does not fit.

Kept apart from the framework so that the same functions are called in-process by the tests and
the fuzzing, and so that the service holds no logic of its own: every figure comes from the
public API (``load``, ``score``, ``score_many``, ``gaps``, ``compare_*``, ``rank``, the report).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..analysis.compare import compare_periods, compare_stages
from ..analysis.gaps import gaps
from ..analysis.rank import rank
from ..assessment import Assessment
from ..card import ScoreCard
from ..engine import score, score_many
from ..errors import ParIndexError, json_pointer
from ..methodology import json_schema as methodology_schema
from ..methodology.model import Methodology
from ..methodology.registry import available, load
from ..report.build import build_report
from ..report.model import FORMATS
from ..schemas import NAMES, schema

__all__ = [
    "FORMAT_VERSION",
    "LANGS",
    "REPORT_TYPES",
    "SCHEMA_NAMES",
    "do_compare",
    "do_gaps",
    "do_rank",
    "do_report",
    "do_score",
    "do_score_many",
    "list_methodologies",
    "parse_json",
    "schema_of",
    "show_methodology",
]

#: The version of the service's own envelopes (lists of cards, methodology listings).
FORMAT_VERSION = "1"
LANGS = ("vi", "en")
#: The schemas the service gives: the shipped ones and the methodology file format.
SCHEMA_NAMES: tuple[str, ...] = (*NAMES, "methodology")
#: A report's media type per format.
REPORT_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_COMMON = {"methodology", "year", "upto", "missing"}


def bad(message: str, *, pointer: str | None = None, **value: Any) -> ParIndexError:
    """The error of a request that does not have the expected form (``value=`` the value at
    fault, when there is one)."""
    return ParIndexError(message, error_code="invalid-request", pointer=pointer, **value)


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json(body: bytes) -> Any:
    """A request's body as JSON; anything that is not UTF-8 JSON is an ``invalid-request``, and
    so is a text holding half of a UTF-16 pair (``"\\ud800"``), which no answer could carry."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        if _SURROGATE.search(body):
            json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise bad(f"the body is not JSON: {type(exc).__name__}") from None
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise bad("lang is vi or en", pointer="/lang", value=lang)
    return lang


# -- the request's fields --------------------------------------------------------------------------


def _object(payload: Any, allowed: set[str], required: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise bad("the body must be a JSON object", pointer="", value=type(payload).__name__)
    extra = sorted(str(k) for k in payload if k not in allowed)
    if extra:
        raise ParIndexError(
            error_code="unknown-keys",
            params={"keys": ", ".join(extra), "allowed": ", ".join(sorted(allowed))},
            pointer=json_pointer(extra[0]),
        )
    for key in required:
        if key not in payload:
            raise bad(f"the body needs {key!r}", pointer=json_pointer(key))
    return payload


def _text(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is not None and not isinstance(value, str):
        raise ParIndexError(
            error_code="wrong-type",
            params={"what": "a text"},
            pointer=json_pointer(key),
            value=value,
        )
    return value


def _methodology(payload: Mapping[str, Any], key: str = "methodology") -> Methodology:
    ident = _text(payload, key)
    if not ident:
        raise bad(f"{key!r} must name a methodology, e.g. 'vn-moha/province'", pointer=f"/{key}")
    year = payload.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise ParIndexError(
            error_code="wrong-type",
            params={"what": "an integer year"},
            pointer="/year",
            value=year,
        )
    try:
        return load(ident, year=year)
    except ParIndexError as exc:
        raise exc.with_context(pointer=f"/{key}") from None


def _assessment(value: Any, pointer: str) -> Assessment:
    if not isinstance(value, Mapping):
        raise ParIndexError(
            error_code="wrong-type", params={"what": "a mapping"}, pointer=pointer, value=None
        )
    if "values" not in value and "stages" not in value and not {"unit", "period"} & set(value):
        value = {"values": value}  # the simple form {code: value}
    try:
        return Assessment.from_dict(value)
    except ParIndexError as exc:
        raise exc.under(pointer) from None


def _assessments(payload: Mapping[str, Any], key: str) -> list[Assessment]:
    items = payload.get(key)
    if not isinstance(items, list):
        raise ParIndexError(
            error_code="wrong-type", params={"what": "a list"}, pointer=f"/{key}", value=None
        )
    return [_assessment(x, f"/{key}/{i}") for i, x in enumerate(items)]


def _options(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"upto": _text(payload, "upto"), "missing": _text(payload, "missing")}


def _card(m: Methodology, payload: Mapping[str, Any], key: str = "assessment") -> ScoreCard:
    a = _assessment(payload[key], f"/{key}")
    try:
        card = score(m, a, collect=bool(payload.get("collect")), **_options(payload))
    except ParIndexError as exc:
        raise exc.under(f"/{key}") from None
    _not_capped(card, f"/{key}")
    return card


def _not_capped(card: ScoreCard, pointer: str) -> None:
    """Refuse a card whose total was capped at the scale: its inputs add up to more than the
    methodology allows (possible only where maxima are unknown), and a capped total would be a
    changed score."""
    if "" in card.clamped:
        raise ParIndexError(
            f"the inputs add up to {card[''].raw} points, more than the scale {card.max}",
            error_code="out-of-range",
            params={"what": "points", "low": 0, "high": card.max},
            unit=card.unit or None,
            pointer=pointer,
        )


def _cards(m: Methodology, payload: Mapping[str, Any], key: str) -> list[ScoreCard]:
    found = _assessments(payload, key)
    try:
        cards = list(score_many(m, found, **_options(payload)))
    except ParIndexError as exc:
        at = [i for i, a in enumerate(found) if exc.unit is not None and a.unit == exc.unit]
        raise exc.under(f"/{key}" + (f"/{at[0]}" if at else "")) from None
    for i, card in enumerate(cards):
        _not_capped(card, f"/{key}/{i}")
    return cards


# -- the addresses ---------------------------------------------------------------------------------


def list_methodologies() -> dict[str, Any]:
    rows = [
        {
            "id": i.id,
            "kind": i.kind,
            "decision": i.decision,
            "years": list(i.years),
            "title": i.title,
            "encoded": i.encoded,
            "complete": i.complete,
            "status": i.status,
            "detail": i.detail,
            "note": i.note,
        }
        for i in available()
    ]
    return {"format_version": FORMAT_VERSION, "methodologies": rows}


def show_methodology(ident: str, year: int | None = None) -> dict[str, Any]:
    m = _methodology({"methodology": ident, "year": year})
    nodes = [
        {
            "code": n.code,
            "parent": n.parent,
            "label": n.label.to_dict(),
            "max": n.max,
            "method": n.method,
            "role": n.role,
            "status": n.status,
            "rule": None if n.rule is None else n.rule.to_dict(),
        }
        for n in m.walk()
        if n.code
    ]
    return {
        "format_version": FORMAT_VERSION,
        "id": m.id,
        "title": m.title.to_dict(),
        "decision": m.legal_basis.decision,
        "years": list(m.years),
        "scale": m.scale,
        "status": m.status,
        "detail": m.detail,
        "groups": []
        if m.grouping is None
        else [
            {"code": g.code, "min": g.min, "label": None if g.label is None else g.label.to_dict()}
            for g in m.grouping.groups
        ],
        "nodes": nodes,
    }


def schema_of(name: str) -> dict[str, Any]:
    if name == "methodology":
        return methodology_schema()
    return schema(name)


def do_score(payload: Any) -> dict[str, Any]:
    p = _object(payload, _COMMON | {"assessment", "collect"}, ("methodology", "assessment"))
    return _card(_methodology(p), p).to_dict()


def do_score_many(payload: Any) -> dict[str, Any]:
    p = _object(payload, _COMMON | {"assessments"}, ("methodology", "assessments"))
    cards = _cards(_methodology(p), p, "assessments")
    return {"format_version": FORMAT_VERSION, "cards": [c.to_dict() for c in cards]}


def do_gaps(payload: Any) -> dict[str, Any]:
    p = _object(payload, _COMMON | {"assessment"}, ("methodology", "assessment"))
    return gaps(_card(_methodology(p), p)).to_dict()


def do_compare(payload: Any) -> dict[str, Any]:
    """The stages of one card (appraisal against self-assessment) or, with ``previous``, the
    change from an earlier period (scored with ``previous_methodology`` if given)."""
    p = _object(
        payload,
        _COMMON | {"assessment", "previous", "previous_methodology"},
        ("methodology", "assessment"),
    )
    m = _methodology(p)
    card = _card(m, p)
    if "previous" not in p:
        return compare_stages(card).to_dict()
    pm = _methodology(p, "previous_methodology") if "previous_methodology" in p else m
    before = _card(pm, p, "previous")
    return compare_periods(before, card).to_dict()


def do_rank(payload: Any) -> dict[str, Any]:
    p = _object(
        payload, _COMMON | {"assessments", "previous", "tie"}, ("methodology", "assessments")
    )
    m = _methodology(p)
    tie = p.get("tie", "rounded")
    if tie not in ("rounded", "exact"):
        raise bad("tie is 'rounded' or 'exact'", pointer="/tie", value=tie)
    previous = _cards(m, p, "previous") if "previous" in p else None
    return rank(_cards(m, p, "assessments"), previous=previous, tie=tie).to_dict()


def do_report(payload: Any, fmt: str, lang: str) -> bytes:
    """The quarterly report of one unit as a file in ``fmt`` (``md``, ``html`` or ``xlsx``)."""
    if fmt not in REPORT_TYPES or fmt not in FORMATS:
        raise bad("the report format is md, html or xlsx", pointer="/format", value=fmt)
    p = _object(
        payload,
        _COMMON | {"assessment", "previous", "peers", "title"},
        ("methodology", "assessment"),
    )
    m = _methodology(p)
    card = _card(m, p)
    previous = _card(m, p, "previous") if "previous" in p else None
    peers = _cards(m, p, "peers") if "peers" in p else None
    title = _text(p, "title")
    rep = build_report(card, previous=previous, peers=peers, lang=lang, title=title)
    with tempfile.TemporaryDirectory(prefix="parindex-") as tmp:
        path = Path(tmp) / f"report.{fmt}"
        rep.write(path, fmt)
        return path.read_bytes()
