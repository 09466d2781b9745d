"""What every command shares: the methodology resolver, the input reader, picking a unit.

Every command that takes assessments reads them here, through :func:`parindex.read_assessments`,
so that every command accepts the same formats (YAML, JSON, long-format CSV and the filled
self-assessment workbook ``.xlsx``) with the same messages. Command modules import their helpers
from this module only, never from another command module.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import load_json, read_bytes, read_text
from .._text import fold_ascii, nfc_strip
from .._types import MISSING_POLICIES
from ..errors import MethodologyError, ParIndexError

if TYPE_CHECKING:
    from ..assessment import Assessment
    from ..card import ScoreCard

__all__ = [
    "INPUT_HELP",
    "add_scoring_options",
    "check_units",
    "describe_file",
    "load_any_file",
    "methodology",
    "pick_assessment",
    "pick_card",
    "read_cards",
    "read_inputs",
    "responsibilities_from",
    "same_unit",
    "score_inputs",
    "scoring_options",
    "unique_units",
]

#: The help text of an assessments argument, the same for every command.
INPUT_HELP = "assessment files (.yaml, .json, long-format .csv, or a filled .xlsx workbook)"


def methodology(ref: str) -> Any:
    """A methodology from what a person types: an id, ``id@year``, or a YAML file."""
    from ..methodology.registry import resolve

    return resolve(ref)


def load_any_file(path: str) -> Any:
    """Load and validate a file of any kind parindex reads: a scoring or survey methodology, a
    scheme family or an applicability file (by its ``kind``), or the list of known decisions
    (``registry.yaml``)."""
    from ..methodology import yamlio
    from ..methodology.registry import load_file

    p = Path(path)
    raw = read_bytes(p, error=MethodologyError)
    data = yamlio.load_yaml(raw, file=str(p))
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind is None and isinstance(data, dict) and "known" in data:
        from ..methodology.catalogue import read_known

        return read_known(data, file=str(p))
    if kind == "family":
        from ..schemes import load_family

        return load_family(p)
    if kind == "applicability":
        from ..schemes import load_applicability

        return load_applicability(p)
    return load_file(p, kind="any")


def describe_file(obj: Any, lang: str = "vi") -> str:
    """A one-line plain summary of what :func:`load_any_file` returned: what it is, its id,
    its years and its number of nodes (or members, rules, decisions), in ``lang``."""
    from ..methodology.model import Methodology
    from ..methodology.survey import SurveyMethodology
    from ..schemes import Applicability, SchemeFamily

    vi = lang == "vi"

    def years(ys: Sequence[int]) -> str:
        span = "" if not ys else str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
        return ("năm " if vi else "years ") + span if span else ""

    def parts(*items: str) -> str:
        return "; ".join(i for i in items if i)

    if isinstance(obj, SchemeFamily):
        members = ", ".join(m.id for m in obj.members)
        return parts(
            f"{'họ bộ chỉ số' if vi else 'scheme family'} {obj.id} ({obj.legal_basis.decision})",
            years(obj.years),
            f"{len(obj.members)} {'bộ chỉ số thành viên' if vi else 'member(s)'}: {members}",
        )
    if isinstance(obj, tuple):
        return (
            f"danh mục văn bản: {len(obj)} văn bản đã biết chưa mã hóa"
            if vi
            else f"{len(obj)} known decision(s) not encoded"
        )
    if isinstance(obj, Applicability):
        return (
            f"danh sách không áp dụng: {len(obj.rules)} quy tắc"
            if vi
            else f"applicability: {len(obj.rules)} rule(s)"
        )
    if isinstance(obj, Methodology):
        what = "bộ chỉ số chấm điểm" if vi else "scoring methodology"
        nodes = f"{len(obj)} {'mục' if vi else 'nodes'}"
        if obj.complete:
            state = "đủ điểm tối đa" if vi else "complete"
        else:
            state = "chưa đủ điểm tối đa" if vi else "partial"
    elif isinstance(obj, SurveyMethodology):
        what = "bộ chỉ số khảo sát" if vi else "survey methodology"
        nodes = f"{len(obj.items)} {'câu hỏi' if vi else 'items'}"
        state = ""
    else:  # pragma: no cover - load_any_file returns one of the kinds above
        return str(obj)
    return parts(f"{what} {obj.id} ({obj.legal_basis.decision})", years(obj.years), nodes, state)


def read_inputs(paths: Sequence[str], *, methodology: Any | None = None) -> list[Assessment]:
    """The assessments in ``paths``, in order (a workbook is checked against ``methodology``);
    the readers' warnings are printed on stderr as ``parindex: warning: ...``."""
    from ..assessment import read_assessments

    out: list[Assessment] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        for p in paths:
            out.extend(read_assessments(p, methodology=methodology))
    for w in caught:  # the readers' warnings (a fraction for a percentage, ...), one a line
        if issubclass(w.category, UserWarning) and not issubclass(w.category, DeprecationWarning):
            print(f"parindex: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out


def add_scoring_options(sp: argparse.ArgumentParser) -> None:
    """The options of every command that scores: ``--missing`` and ``--carry-forward``."""
    sp.add_argument(
        "--missing",
        choices=MISSING_POLICIES,
        default=None,
        help="items with no input: zero (0 points), block (an error) or exclude (left out of "
        "the maximum); default: the methodology's policy",
    )
    sp.add_argument(
        "--carry-forward",
        nargs="+",
        default=None,
        metavar="FILE",
        help="an earlier period's assessments or published results: items with no input take "
        "their values, shown as carried ('tạm tính theo kết quả năm 2024')",
    )


def scoring_options(args: argparse.Namespace, m: Any) -> dict[str, Any]:
    """The keyword arguments of :func:`score_inputs` from the options of
    :func:`add_scoring_options` (absent options count as not given)."""
    carry_files = getattr(args, "carry_forward", None)
    carry = (
        unique_units(read_inputs(carry_files, methodology=m), "--carry-forward")
        if carry_files
        else None
    )
    return {"missing": getattr(args, "missing", None), "carry": carry}


def unique_units(items: Sequence[Any], what: str) -> list[Any]:
    """``items`` (assessments or cards) when no unit appears twice in one period, else the
    error: several files of one option are one set of units, never merged silently."""
    seen: set[tuple[str, str | None]] = set()
    for x in items:
        key = (x.unit, x.period)
        if key in seen:
            raise ParIndexError(
                f"{what}: this unit appears twice; give each unit once per period",
                unit=x.unit,
                value=x.period,
            )
        seen.add(key)
    return list(items)


def score_inputs(
    m: Any,
    paths: Sequence[str],
    *,
    missing: str | None = None,
    carry: Sequence[Any] | None = None,
) -> list[ScoreCard]:
    """Score every assessment in ``paths`` under the methodology ``m``, with the missing-input
    policy ``missing`` and the earlier periods ``carry`` (matched by unit)."""
    from ..engine import score_many

    return list(score_many(m, read_inputs(paths, methodology=m), missing=missing, carry=carry))


def read_cards(paths: Sequence[str], m: Any | None, **options: Any) -> list[ScoreCard]:
    """Cards from card JSON files (``score --format json``), or from assessments scored under
    ``m`` (required then), with the options of :func:`score_inputs`."""
    from ..card import ScoreCard

    cards: list[ScoreCard] = []
    for p in paths:
        if p.lower().endswith(".json"):
            data = load_json(read_text(p, error=ParIndexError), file=p, error=ParIndexError)
            items = data if isinstance(data, list) else [data]
            if items and isinstance(items[0], dict) and "nodes" in items[0]:
                for i, d in enumerate(items, start=1):
                    try:
                        cards.append(ScoreCard.from_dict(d, m))
                    except ParIndexError as exc:
                        raise exc.with_context(file=p, row=i if len(items) > 1 else None) from None
                    except (KeyError, TypeError, ValueError, AttributeError) as exc:
                        raise ParIndexError(
                            f"not a score card written by parindex: {exc}",
                            file=p,
                            row=i if len(items) > 1 else None,
                        ) from None
                continue
        if m is None:
            raise ParIndexError(
                "give --methodology to score assessments before ranking them", file=p
            )
        cards.extend(score_inputs(m, [p], **options))
    return cards


def same_unit(name: str, wanted: str) -> bool:
    """Whether a unit named ``name`` is the one a person typed as ``wanted``: the same text
    ignoring case and diacritics ("so tu phap" is "Sở Tư pháp")."""
    return name == wanted or fold_ascii(nfc_strip(name)) == fold_ascii(nfc_strip(wanted))


def _by_unit(items: list[Any], unit: str) -> list[Any]:
    """The items of ``unit``: exact matches, else matches ignoring case and diacritics."""
    if not nfc_strip(unit):
        raise ParIndexError("--unit is empty", value=unit)
    exact = [x for x in items if x.unit == unit]
    return exact or [x for x in items if same_unit(x.unit, unit)]


def pick_card(cards: list[Any], unit: str | None, what: str = "") -> Any:
    """The card of ``unit`` (matched ignoring case and diacritics), or the only card."""
    if unit is None:
        if len(cards) != 1:
            raise ParIndexError(
                f"{what}the file has {len(cards)} units; choose one with --unit",
                value=[c.unit for c in cards],
            )
        return cards[0]
    found = _by_unit(cards, unit)
    if len(found) == 1:
        return found[0]
    if found:
        raise ParIndexError(
            f"{what}several units match; give the exact name",
            unit=unit,
            value=[c.unit for c in found],
        )
    raise ParIndexError(f"{what}no such unit", unit=unit, value=[c.unit for c in cards])


def pick_assessment(items: list[Assessment], unit: str | None, file: str) -> Assessment:
    """The assessment of ``unit`` in ``file`` (matched ignoring case and diacritics), or the
    only one."""
    if unit is not None:
        items = _by_unit(items, unit)
        if not items:
            raise ParIndexError("no such unit in the assessment file", file=file, unit=unit)
    if len(items) != 1:
        raise ParIndexError(
            f"the file has {len(items)} units; choose one with --unit",
            file=file,
            value=[a.unit for a in items],
        )
    return items[0]


def check_units(units: Any, cards: Sequence[Any]) -> None:
    """Refuse a card whose unit is not in the unit list ``units`` (by id or name, ignoring case
    and diacritics); the error names the unit and the closest ids."""
    for c in cards:
        units.find(c.unit)


def responsibilities_from(
    args: argparse.Namespace, m: Any, cards: Sequence[Any] | None = None
) -> Any:
    """The responsibility map of ``--responsibilities`` (checked against ``--units``), or None.

    With ``--units``, every unit of ``cards`` scored under a department or commune scheme must
    be in the list (:func:`check_units`)."""
    from ..units import load_unit_list

    units = load_unit_list(args.units) if getattr(args, "units", None) else None
    if units is not None and cards is not None and m.scheme != "province":
        # A province's own index is scored for the province; its unit list names the
        # departments and communes responsible, which are the assessed units of the others.
        check_units(units, cards)
    if not getattr(args, "responsibilities", None):
        return None
    from ..analysis.responsibility import load_responsibilities

    return load_responsibilities(args.responsibilities, methodology=m, units=units)
