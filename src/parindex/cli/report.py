"""Command ``parindex report --format md|html|xlsx|docx|pdf`` (added to the CLI through EXTENSIONS)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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

__all__ = ["add_parser"]


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report.build import build_report

    m = methodology(args.methodology)
    options = scoring_options(args, m)
    fmt = _output_format(args.format, args.output)
    cards = score_inputs(m, args.assessments, **options)
    if args.all_units:
        return _all_units(args, cards, fmt, options)
    card = pick_card(cards, args.unit)
    rmap = responsibilities_from(args, card.methodology, cards)
    previous = prev_cards = None
    if args.previous:
        prev_cards = unique_units(
            score_inputs(card.methodology, args.previous, missing=options["missing"]),
            "--previous",
        )
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
    header = _header(args)
    follow_ups = None
    if args.follow_up:
        from ..analysis.followup import load_follow_ups

        follow_ups = load_follow_ups(args.follow_up, methodology=card.methodology.id)
    rep = build_report(
        card,
        responsibilities=rmap,
        previous=previous,
        peers=cards if len(cards) > 1 else None,
        previous_peers=prev_cards if prev_cards and len(cards) > 1 else None,
        cascade=cascade,
        lang=args.lang,
        title=args.title,
        header=header,
        follow_ups=follow_ups,
        date=_date(args.date),
    )
    if args.output:
        rep.write(args.output, fmt)
        print(args.output)
        return 0
    if fmt in ("xlsx", "docx", "pdf"):
        raise ParIndexError(f"a {fmt} report needs --output FILE.{fmt}")
    sys.stdout.write(rep.to_markdown() if fmt == "md" else rep.to_html())
    return 0


def _all_units(
    args: argparse.Namespace, cards: list[Any], fmt: str, options: dict[str, Any]
) -> int:
    """``--all-units``: one report for every unit in the assessments."""
    from ..report.allunits import build_all_units
    from ..report.html import render_all_html
    from ..report.markdown import render_all_markdown

    cards = unique_units(cards, "assessments")
    m = cards[0].methodology
    prev_cards = None
    if args.previous:
        prev_cards = unique_units(
            score_inputs(m, args.previous, missing=options["missing"]), "--previous"
        )
    rep = build_all_units(
        cards,
        responsibilities=responsibilities_from(args, m),
        previous=prev_cards,
        lang=args.lang,
        title=args.title,
        header=_header(args),
    )
    if args.output:
        rep.write(args.output, fmt)
        print(args.output)
        return 0
    if fmt in ("xlsx", "docx", "pdf"):
        raise ParIndexError(f"a {fmt} report needs --output FILE.{fmt}")
    sys.stdout.write(render_all_markdown(rep) if fmt == "md" else render_all_html(rep))
    return 0


def _date(text: str | None) -> Any:
    if text is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParIndexError("--date takes YYYY-MM-DD", value=text) from None


def _header(args: argparse.Namespace) -> Any:
    """The Word and PDF reports' header: ``--header FILE`` with ``--header-field KEY=VALUE``
    over it (None when neither is given)."""
    if not args.header and not args.header_field:
        return None
    from ..report.header import header_with, load_header
    from ..report.model import DocumentHeader

    header = load_header(args.header) if args.header else DocumentHeader()
    fields: dict[str, Any] = {}
    for item in args.header_field or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise ParIndexError("--header-field takes KEY=VALUE", value=item)
        key = key.strip()
        if key in ("recipients", "copies_to"):
            fields[key] = [*fields.get(key, ()), value]
        else:
            fields[key] = value
    return header_with(header, fields) if fields else header


def _output_format(given: str | None, output: str | None) -> str:
    """The report's format: ``--format``, else the suffix of ``--output``, else Markdown. An
    unknown suffix, or one that contradicts ``--format``, is refused before anything is scored
    (:meth:`~parindex.report.model.Report.write` checks it again when writing)."""
    from ..report.model import FORMATS

    suffix = Path(output).suffix.lstrip(".").lower() if output else ""
    if suffix and suffix not in FORMATS:
        raise ParIndexError(
            "unknown report file suffix; name the file .md, .html, .xlsx, .docx or .pdf",
            file=output,
            value=suffix,
        )
    if given is None:
        return FORMATS[suffix].names[0] if suffix else "md"
    if suffix and FORMATS[suffix] is not FORMATS[given]:
        raise ParIndexError(
            f"--format {given} does not match the file's suffix .{suffix}",
            file=output,
            value=given,
        )
    return given


def add_parser(sub: Any) -> None:
    """Register ``report``."""
    sp = sub.add_parser(
        "report", help="the lost-points report as Markdown, HTML, XLSX, Word or PDF"
    )
    sp.add_argument("methodology", help="an id such as vn-moha/province/2022, or a YAML file")
    sp.add_argument(
        "assessments", nargs="+", help=INPUT_HELP + "; other units in them are the peers"
    )
    sp.add_argument("--unit", default=None, help="the unit to report on")
    sp.add_argument(
        "--all-units",
        action="store_true",
        help="one report for every unit: ranking, roll-up by responsible unit, weakest "
        "criteria, a section per unit",
    )
    sp.add_argument(
        "--format",
        choices=("md", "html", "xlsx", "docx", "pdf"),
        default=None,
        help="md (default), html, xlsx, docx (Word, administrative format) or pdf (the Word "
        "report converted by LibreOffice); with --output, taken from the file's suffix",
    )
    sp.add_argument("--output", "-o", default=None, help="the file to write (stdout for md/html)")
    sp.add_argument("--responsibilities", "-r", default=None)
    sp.add_argument("--units", default=None, help="the province's unit list, to check the map")
    sp.add_argument(
        "--previous",
        nargs="+",
        default=None,
        help="assessments of the previous period (a unit given twice is refused)",
    )
    sp.add_argument("--cascade", default=None, help="a cascade file (province → units' items)")
    sp.add_argument("--cascade-methodology", default=None)
    sp.add_argument("--cascade-assessments", nargs="+", default=None)
    sp.add_argument("--title", default=None)
    sp.add_argument(
        "--follow-up",
        default=None,
        help="a follow-up file (tasks, units, deadlines, statuses) for 'Kết quả khắc phục'; "
        "without it, the tasks of the responsibility map",
    )
    sp.add_argument(
        "--date",
        default=None,
        help="the report's date (YYYY-MM-DD) for late remedies; default the header's, else today",
    )
    sp.add_argument(
        "--header",
        default=None,
        help="a YAML file with the Word/PDF report's header and closing (issuing body, number, "
        "place, date, subject, recipients, signer, copies); see docs/reports.md",
    )
    sp.add_argument(
        "--header-field",
        action="append",
        default=None,
        metavar="KEY=VALUE",
        help="one header field, over the file's (repeat; recipients and copies_to add a line)",
    )
    sp.add_argument("--lang", choices=("vi", "en"), default="vi")
    add_scoring_options(sp)
    sp.set_defaults(func=_cmd_report)
