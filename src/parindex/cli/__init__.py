"""The ``parindex`` command: thin wrappers around the public API."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from .._safe import csv_cell, csv_row
from ..errors import ParIndexError
from . import _common

__all__ = ["main"]


def _cmd_methodologies(args: argparse.Namespace) -> int:
    from .._text import status_text
    from ..methodology.registry import MethodologyInfo, available, governing

    vi = args.lang == "vi"

    def state(info: MethodologyInfo | None) -> str:
        if info is None:
            return (
                "chưa biết văn bản nào: hãy mang quyết định đến"
                if vi
                else "no decision known here: bring the decision"
            )
        if not info.encoded:
            return (
                "chưa mã hóa (thiếu phụ lục chính thức)"
                if vi
                else "not encoded (official annex not public)"
            )
        detail = status_text(info.detail, args.lang)
        if info.complete:
            return ("đủ điểm tối đa" if vi else "all maxima known") + f"; {detail}"
        part = "một phần" if vi else "partial"
        if info.maxima is not None:
            known, total = info.maxima
            part += f" ({known}/{total} " + ("điểm tối đa đã biết" if vi else "maxima known") + ")"
        else:
            part += " (có điểm tối đa chưa rõ)" if vi else " (some maxima unknown)"
        return f"{part}; {detail}"

    def table(rows: list[tuple[str, str, str, str]]) -> None:
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            print(
                "  ".join(
                    [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2]), r[3]]
                )
            )

    head = (
        ("Mã", "Văn bản", "Năm đánh giá", "Trạng thái")
        if vi
        else ("Id", "Decision", "Years", "State")
    )
    rows = [head]
    for info in available():
        years = f"{info.years[0]}–{info.years[-1]}" if len(info.years) > 1 else str(info.years[0])
        rows.append((info.id, info.decision, years, state(info)))
    table(rows)
    print()
    print(
        f"Năm đánh giá và văn bản áp dụng ({args.scheme}):"
        if vi
        else f"Assessment years and the decision that governs each ({args.scheme}):"
    )
    head = ("Năm", "Văn bản", "Mã", "Mức mã hóa") if vi else ("Year", "Decision", "Id", "Encoded")
    year_rows = [head]
    for year, found in governing(args.scheme):
        decision = "?" if found is None else found.decision
        year_rows.append((str(year), decision, "-" if found is None else found.id, state(found)))
    table(year_rows)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .._text import fmt, group_text, status_text
    from ..methodology.model import METHOD_LABELS, Methodology

    m = _common.methodology(args.methodology)
    if not isinstance(m, Methodology):
        print(m.describe(args.lang) if hasattr(m, "describe") else repr(m))
        return 0
    lang = args.lang
    vi = lang == "vi"
    print(f"{m.title.text(lang)}")
    print(
        f"[{m.id}] {m.legal_basis.decision}"
        + (f", {m.legal_basis.date}" if m.legal_basis.date else "")
    )
    years = ", ".join(str(y) for y in m.years)
    print(("Năm đánh giá: " if vi else "Assessment years: ") + years)
    print(
        ("Thang điểm: " if vi else "Scale: ")
        + fmt(m.scale, lang)
        + ("; trạng thái: " if vi else "; status: ")
        + status_text(m.status, lang)
        + ("; mức chi tiết: " if vi else "; detail: ")
        + status_text(m.detail, lang)
    )
    if m.grouping:
        print(
            ("Xếp nhóm: " if vi else "Groups: ")
            + ", ".join(
                f"{g.code if not vi else group_text(g.code, g.label, lang)} ≥ {fmt(g.min, lang)}"
                for g in m.grouping.groups
            )
        )
    print()
    for n in m.walk():
        if args.depth is not None and n.depth > args.depth:
            continue
        method = METHOD_LABELS[n.method][0 if vi else 1] if n.method else ""
        extra = [method] if method else []
        if n.role != "regular":
            extra.append(n.role)
        if n.rule is not None and n.rule.shown_in_outline:
            extra.append(n.rule.kind)
        if n.status != "confirmed":
            extra.append(status_text(n.status, lang))
        mx = "?" if n.max is None else fmt(n.max, lang)
        print(
            f"{'  ' * (n.depth - 1)}{n.code:<6} {mx:>6}  {n.label.text(lang)}  [{'; '.join(extra)}]"
        )
    for note in m.notes:
        print("* " + note)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for f in args.files:
        try:
            m = _common.load_any_file(f)
        except ParIndexError as exc:
            print(error_text(exc, args.lang), file=sys.stderr)
            bad += 1
            continue
        ok = "hợp lệ" if args.lang == "vi" else "OK"
        print(f"{f}: {ok} ({_common.describe_file(m, args.lang)})")
    return 1 if bad else 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from ..methodology.diff import diff

    print(diff(_common.methodology(args.before), _common.methodology(args.after)).text(args.lang))
    return 0


def _cards_csv(cards: Iterable[Any], lang: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "unit",
            "period",
            "code",
            "label",
            "max",
            "adjusted_max",
            "points",
            "index",
            "stage",
            "not_applicable",
            "missing",
            "explanation",
        ]
    )
    for c in cards:
        for r in c.results:
            w.writerow(
                csv_row(
                    c.unit,
                    c.period or "",
                    r.code or "TOTAL",
                    r.node.label.text(lang),
                    r.max,
                    r.adjusted_max,
                    r.points,
                    r.index,
                    r.stage or "",
                    r.not_applicable,
                    r.missing,
                    r.explain(lang),
                )
            )
    return buf.getvalue()


def _cmd_score(args: argparse.Namespace) -> int:
    from ..engine import score_many

    m = _common.methodology(args.methodology)
    options = _common.scoring_options(args, m)
    # one run of the engine over every unit; each card is built as it is printed
    cards = score_many(
        m, _common.read_inputs(args.assessments, methodology=m), upto=args.upto, **options
    )
    if args.format == "json":
        print(json.dumps([c.to_dict() for c in cards], ensure_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(_cards_csv(cards, args.lang))
    else:
        print("\n\n".join(c.table(args.lang, depth=args.depth) for c in cards))
    return 0


def _cmd_rank(args: argparse.Namespace) -> int:
    from ..analysis.rank import rank

    m = _common.methodology(args.methodology) if args.methodology else None
    options = _common.scoring_options(args, m)
    cards = _common.read_cards(args.inputs, m, **options)
    previous = (
        _common.unique_units(
            _common.read_cards(args.previous, m, missing=options["missing"]), "--previous"
        )
        if args.previous
        else None
    )
    ranking = rank(cards, previous=previous, tie=args.tie)
    if args.format == "json":
        print(
            json.dumps(
                {"tie_rule": ranking.tie_rule_text("en"), "rows": ranking.to_dicts()},
                ensure_ascii=False,
                indent=1,
            )
        )
    elif args.format == "csv":
        buf = io.StringIO()
        rows = ranking.to_dicts()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["unit"])
        w.writeheader()
        w.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        sys.stdout.write(buf.getvalue())
    else:
        print(ranking.table(args.lang))
    return 0


def env_lang() -> str:
    """The language of messages: ``PARINDEX_LANG`` when it is ``vi`` or ``en``, else ``vi``."""
    value = os.environ.get("PARINDEX_LANG", "").strip().lower()
    return value if value in ("vi", "en") else "vi"


def error_text(exc: ParIndexError, lang: str) -> str:
    """An error as the command prints it: in Vietnamese with the English line beside, or in
    English alone."""
    if lang == "en":
        return exc.text("en")
    vi, en = exc.text("vi"), exc.text("en")
    return vi if vi == en else f"{vi}\n  [en] {en}"


def _cmd_schema(args: argparse.Namespace) -> int:
    from ..schemas import schema

    print(json.dumps(schema(args.name), ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="parindex",
        description="Chấm điểm Chỉ số CCHC (PAR INDEX) và SIPAS — score Vietnam's PAR INDEX and SIPAS.",
    )
    p.add_argument("--version", action="version", version="parindex 0.1.0")
    p.add_argument(
        "--lang",
        dest="global_lang",
        choices=("vi", "en"),
        default=None,
        help="language of the output and of error messages (default: $PARINDEX_LANG, else vi)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def lang(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--lang",
            choices=("vi", "en"),
            default=None,
            help="language of the output (default: $PARINDEX_LANG, else vi)",
        )

    sp = sub.add_parser(
        "methodologies", help="list the shipped methodologies and the known decisions"
    )
    lang(sp)
    sp.add_argument(
        "--scheme",
        default="vn-moha/province",
        help="the scheme whose years 2012–2026 are listed (default: vn-moha/province)",
    )
    sp.set_defaults(func=_cmd_methodologies)

    sp = sub.add_parser("show", help="show a methodology's tree (maxima, methods, status)")
    sp.add_argument(
        "methodology", help="an id such as vn-moha/province/2022, id@year, or a YAML file"
    )
    sp.add_argument("--depth", type=int, default=None)
    lang(sp)
    sp.set_defaults(func=_cmd_show)

    sp = sub.add_parser(
        "validate",
        help="validate methodology, survey, family and applicability files (exit 0 when all are valid)",
    )
    sp.add_argument("files", nargs="+")
    lang(sp)
    sp.set_defaults(func=_cmd_validate)

    sp = sub.add_parser(
        "schema", help="print a JSON Schema: assessment, card, error, gaps, ranking"
    )
    sp.add_argument("name", choices=("assessment", "card", "error", "gaps", "ranking"))
    sp.set_defaults(func=_cmd_schema)

    sp = sub.add_parser("diff", help="what changed between two methodology versions")
    sp.add_argument("before")
    sp.add_argument("after")
    lang(sp)
    sp.set_defaults(func=_cmd_diff)

    sp = sub.add_parser("score", help="score assessments and print the cards")
    sp.add_argument("methodology")
    sp.add_argument("assessments", nargs="+", help=_common.INPUT_HELP)
    sp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sp.add_argument(
        "--upto",
        choices=("self", "survey", "appraisal1", "appraisal2"),
        default=None,
        help="score as of a stage (e.g. self for the self-assessed score)",
    )
    _common.add_scoring_options(sp)
    sp.add_argument("--depth", type=int, default=None, help="show nodes down to this depth")
    lang(sp)
    sp.set_defaults(func=_cmd_score)

    sp = sub.add_parser("rank", help="rank a set of assessments or cards")
    sp.add_argument(
        "inputs", nargs="+", help="assessment files, or card JSON files from 'score --format json'"
    )
    sp.add_argument("--methodology", "-m", default=None)
    sp.add_argument(
        "--previous",
        nargs="+",
        default=None,
        help="an earlier set, to show changes (several files are one set: a unit given twice "
        "is refused)",
    )
    _common.add_scoring_options(sp)
    sp.add_argument("--tie", choices=("rounded", "exact"), default="rounded")
    sp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    lang(sp)
    sp.set_defaults(func=_cmd_rank)

    import importlib

    for name in EXTENSIONS:
        module = importlib.import_module(name, "parindex")
        before = set(sub.choices)
        module.add_parser(sub)
        run = getattr(module, "run", None)
        for cmd in set(sub.choices) - before:
            if sub.choices[cmd].get_default("func") is None and run is not None:
                sub.choices[cmd].set_defaults(func=run)
    for sp in sub.choices.values():  # every --lang follows the global option and PARINDEX_LANG
        for action in sp._actions:
            if action.dest == "lang":
                action.default = None
    return p


#: Modules that add commands (names relative to the ``parindex`` package): each has ``add_parser(subparsers)``, which registers its commands
#: and sets ``func`` (a callable taking the parsed arguments and returning the exit code), or
#: a module-level ``run(args)`` used as the default.
EXTENSIONS: tuple[str, ...] = (
    ".cli.survey",
    ".cli.analysis",
    ".cli.report",
    ".cli.spreadsheets",
    ".cli.contract",
    ".cli.analysts",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "lang", None) is None:
        args.lang = args.global_lang or env_lang()
    if hasattr(sys.stdout, "reconfigure"):
        try:
            sys.stdout.reconfigure(encoding="utf-8")
        except (ValueError, OSError):
            pass
    try:
        rc = int(args.func(args))
    except ParIndexError as exc:
        print(f"parindex: {error_text(exc, args.lang)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover
        return 0
    return rc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
