"""Commands ``parindex gaps`` and ``parindex compare`` (added to the CLI through EXTENSIONS)."""

from __future__ import annotations

import argparse
import json
from functools import partial
from typing import Any

from .._text import present
from ..errors import ParIndexError
from ._common import (
    INPUT_HELP,
    add_scoring_options,
    methodology,
    pick_card,
    responsibilities_from,
    score_inputs,
    scoring_options,
    unique_units,
)

__all__ = ["add_parser", "load_inputs", "pick_card"]


def load_inputs(methodology_ref: str, paths: list[str]) -> list[Any]:
    """Score every assessment in ``paths`` under ``methodology_ref`` (an id, ``id@year`` or a
    YAML file); kept for callers of the old name, the commands use ``parindex.cli._common``."""
    return score_inputs(methodology(methodology_ref), paths)


def _cmd_gaps(args: argparse.Namespace) -> int:
    from ..analysis.gaps import gaps

    m = methodology(args.methodology)
    cards = score_inputs(m, args.assessments, **scoring_options(args, m))
    card = pick_card(cards, args.unit)
    rmap = responsibilities_from(args, card.methodology, cards)
    report = gaps(card, rmap)
    if args.top is not None:
        import attrs

        report = attrs.evolve(report, items=report.items[: args.top])
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(report.table(args.lang))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..analysis.compare import compare_periods, compare_stages, compare_versions

    p = partial(present, lang=args.lang)
    vi = args.lang == "vi"
    m = methodology(args.methodology)
    options = scoring_options(args, m)
    cards = score_inputs(m, args.assessments, **options)
    card = pick_card(cards, args.unit)
    if args.crosswalk:
        from ..analysis.crosswalk import load_crosswalk

        if not args.to_methodology or not args.to_assessments:
            raise ParIndexError("--crosswalk needs --to-methodology and --to-assessments")
        later = pick_card(
            score_inputs(methodology(args.to_methodology), args.to_assessments), args.unit
        )
        cw = load_crosswalk(args.crosswalk, card.methodology, later.methodology)
        vc = compare_versions(card, later, cw)
        if args.format == "json":
            print(json.dumps(vc.to_dict(), ensure_ascii=False, indent=1))
            return 0
        for vr in vc.rows:
            ch = vr.points_change
            print(
                f"{'+'.join(vr.source):<10} → {'+'.join(vr.target):<10} {vr.kind:<10} "
                f"{p(vr.points_before)}/{p(vr.max_before)} → {p(vr.points_after)}/{p(vr.max_after)}  "
                + (f"Δ {p(ch)}" if ch is not None else f"Δ% {p(vr.index_change)}")
            )
        print(
            ("Phần so sánh được: " if vi else "Common part: ")
            + f"{p(vc.common_index_before)} % → {p(vc.common_index_after)} %"
        )
        for side, code, why in vc.not_comparable:
            print(("Không so sánh được: " if vi else "Not comparable: ") + f"{side} {code}: {why}")
        return 0
    if args.previous:
        prev_cards = unique_units(
            score_inputs(card.methodology, args.previous, missing=options["missing"]),
            "--previous",
        )
        prev = pick_card(prev_cards, card.unit)
        pc = compare_periods(prev, card, previous_peers=prev_cards, peers=cards)
        if args.format == "json":
            print(json.dumps(pc.to_dict(), ensure_ascii=False, indent=1))
            return 0
        for r in pc.rows:
            ch = r.points_change
            pl = r.place_change
            print(
                f"{'  ' * max(0, r.depth - 1)}{r.code or 'Σ':<8} {p(r.previous_points):>7} → "
                f"{p(r.points):>7}  {('+' if (ch or 0) > 0 else '') + p(ch):>7}  "
                + (f"{r.previous_place} → {r.place}" if pl is not None else "")
            )
        return 0
    sc = compare_stages(card)
    if args.format == "json":
        print(json.dumps(sc.to_dict(), ensure_ascii=False, indent=1))
        return 0
    print(
        ("Tự đánh giá: " if vi else "Self-assessed: ")
        + p(sc.self_points)
        + ("; sau thẩm định: " if vi else "; after appraisal: ")
        + p(sc.points)
    )
    for sr in sc.cut:
        flag = (
            (" — cần giải trình" if vi else " — explanation needed") if sr.needs_explanation else ""
        )
        print(f"{sr.code:<8} {p(sr.self_points)} → {p(sr.appraised)}  (−{p(sr.cut)}){flag}")
    return 0


def add_parser(sub: Any) -> None:
    """Register ``gaps`` and ``compare``."""

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("methodology", help="an id such as vn-moha/province/2022, or a YAML file")
        sp.add_argument("assessments", nargs="+", help=INPUT_HELP)
        sp.add_argument("--unit", default=None, help="the unit to report on")
        sp.add_argument("--format", choices=("table", "json"), default="table")
        sp.add_argument("--lang", choices=("vi", "en"), default="vi")
        add_scoring_options(sp)

    sp = sub.add_parser(
        "gaps", help="criteria that lost points: cause, next band, who is responsible"
    )
    common(sp)
    sp.add_argument(
        "--responsibilities", "-r", default=None, help="a responsibility map (.yaml/.csv)"
    )
    sp.add_argument("--units", default=None, help="the province's unit list, to check the map")
    sp.add_argument("--top", type=int, default=None, help="show only the N biggest losses")
    sp.set_defaults(func=_cmd_gaps)

    sp = sub.add_parser(
        "compare",
        help="self-assessment against appraisal (default), --previous period, or --crosswalk versions",
    )
    common(sp)
    sp.add_argument(
        "--previous",
        nargs="+",
        default=None,
        help="assessments of the previous period (several files are one set: a unit given "
        "twice is refused)",
    )
    sp.add_argument("--crosswalk", default=None, help="a crosswalk file between two versions")
    sp.add_argument("--to-methodology", default=None)
    sp.add_argument("--to-assessments", nargs="+", default=None)
    sp.set_defaults(func=_cmd_compare)
