"""Command ``parindex report --format md|html|xlsx`` (added to the CLI through EXTENSIONS)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import ParIndexError
from ._common import INPUT_HELP, methodology, pick_card, responsibilities_from, score_inputs

__all__ = ["add_parser"]


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report.build import build_report

    cards = score_inputs(methodology(args.methodology), args.assessments)
    card = pick_card(cards, args.unit)
    rmap = responsibilities_from(args, card.methodology, cards)
    previous = prev_cards = None
    if args.previous:
        prev_cards = score_inputs(card.methodology, args.previous)
        previous = pick_card(prev_cards, card.unit, "--previous: ")
    cascade = None
    if args.cascade:
        from ..analysis.responsibility import load_cascade

        if not args.cascade_methodology or not args.cascade_assessments:
            raise ParIndexError("--cascade needs --cascade-methodology and --cascade-assessments")
        unit_cards = score_inputs(methodology(args.cascade_methodology), args.cascade_assessments)
        cascade = load_cascade(
            args.cascade,
            province_methodology=card.methodology,
            unit_methodology=unit_cards[0].methodology if unit_cards else None,
            cards=unit_cards,
        )
    rep = build_report(
        card,
        responsibilities=rmap,
        previous=previous,
        peers=cards if len(cards) > 1 else None,
        previous_peers=prev_cards if prev_cards and len(cards) > 1 else None,
        cascade=cascade,
        lang=args.lang,
        title=args.title,
    )
    if args.format == "xlsx":
        if not args.output:
            raise ParIndexError("an XLSX report needs --output FILE.xlsx")
        rep.to_xlsx(args.output)
        print(args.output)
        return 0
    text = rep.to_markdown() if args.format == "md" else rep.to_html()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(args.output)
    else:
        sys.stdout.write(text)
    return 0


def add_parser(sub: Any) -> None:
    """Register ``report``."""
    sp = sub.add_parser("report", help="the lost-points report as Markdown, HTML or XLSX")
    sp.add_argument("methodology", help="an id such as vn-moha/province/2022, or a YAML file")
    sp.add_argument(
        "assessments", nargs="+", help=INPUT_HELP + "; other units in them are the peers"
    )
    sp.add_argument("--unit", default=None, help="the unit to report on")
    sp.add_argument("--format", choices=("md", "html", "xlsx"), default="md")
    sp.add_argument("--output", "-o", default=None, help="the file to write (stdout for md/html)")
    sp.add_argument("--responsibilities", "-r", default=None)
    sp.add_argument("--units", default=None, help="the province's unit list, to check the map")
    sp.add_argument(
        "--previous", nargs="+", default=None, help="assessments of the previous period"
    )
    sp.add_argument("--cascade", default=None, help="a cascade file (province → units' items)")
    sp.add_argument("--cascade-methodology", default=None)
    sp.add_argument("--cascade-assessments", nargs="+", default=None)
    sp.add_argument("--title", default=None)
    sp.add_argument("--lang", choices=("vi", "en"), default="vi")
    sp.set_defaults(func=_cmd_report)
