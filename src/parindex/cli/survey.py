"""The ``parindex sipas`` command: satisfaction indices with intervals from a responses file."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Literal

from ..errors import ParIndexError, SurveyError
from ..survey.estimate import DESIGNS, DF, INTERVALS, SHARES, SINGLE_PSU, estimate
from ..survey.methodology import load_methodology
from ..survey.output import to_csv, to_json, to_table
from ..survey.responses import check_delimiter, iter_csv, read_mapping, read_parquet

__all__ = ["MAX_REPLICATES", "add_parser", "main", "run"]

#: The most bootstrap replicates the command accepts (each replicate is a pass over the design).
MAX_REPLICATES = 100_000


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register the ``sipas`` subcommand."""
    p = subparsers.add_parser(
        "sipas",
        help="chỉ số hài lòng (SIPAS) từ phiếu khảo sát / satisfaction indices from responses",
        description="Estimate satisfaction indices with intervals from a responses file (CSV or Parquet).",
    )
    _arguments(p)


def _int_in(low: int, high: int) -> Any:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high:,}, not {value}")
        return value

    return parse


def _delimiter(text: str) -> str:
    try:
        return check_delimiter(text)
    except SurveyError as exc:
        raise argparse.ArgumentTypeError(f"{exc.message} (got {text!r})") from None


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("responses", help="responses file (.csv, or .parquet with parindex[parquet])")
    p.add_argument(
        "--methodology",
        required=True,
        help="a shipped survey methodology (vn-moha/sipas/2023) or a YAML file of your own",
    )
    p.add_argument(
        "--by",
        action="append",
        default=None,
        help="group by this attribute (repeatable; default: unit)",
    )
    p.add_argument(
        "--design", choices=DESIGNS, default="srs", help="srs (default), taylor or bootstrap"
    )
    p.add_argument(
        "--single-psu",
        choices=SINGLE_PSU,
        default="error",
        help="policy for a stratum with one PSU",
    )
    p.add_argument(
        "--df", choices=DF, default="z", help="z (normal quantiles) or design (t on PSUs − strata)"
    )
    p.add_argument(
        "--interval",
        choices=INTERVALS,
        default=None,
        help="interval method (default: the design's)",
    )
    p.add_argument(
        "--share",
        choices=SHARES,
        default="items",
        help="a factor's share satisfied: items (mean of item rates, default), pooled "
        "(satisfied over valid answers) or respondents (mean of respondents' shares)",
    )
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--overall", default=None, help="children, items, or an item code")
    p.add_argument(
        "--min-answers",
        type=_int_in(0, 10**9),
        default=None,
        help="flag estimates with fewer valid answers",
    )
    p.add_argument("--mapping", default=None, help="mapping file: your column names → item codes")
    p.add_argument(
        "--attribute", action="append", default=[], help="an extra respondent attribute column"
    )
    p.add_argument(
        "--skip-errors",
        action="store_true",
        help="exclude faulty answers/respondents and report them",
    )
    p.add_argument(
        "--replicates",
        type=_int_in(2, MAX_REPLICATES),
        default=200,
        help=f"bootstrap replicates (2 to {MAX_REPLICATES:,})",
    )
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--items", action="store_true", help="also list every item")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.add_argument(
        "--chunk-rows", type=_int_in(1, 10**8), default=100_000, help="respondents read at a time"
    )
    p.add_argument(
        "--delimiter", type=_delimiter, default=",", help="CSV field separator (default ',')"
    )


def run(args: argparse.Namespace) -> int:
    """Run the command; print the result; return the exit status (2 on a data error)."""
    try:
        m = load_methodology(args.methodology)
        on_error: Literal["raise", "skip"] = "skip" if args.skip_errors else "raise"
        mapping = read_mapping(args.mapping) if args.mapping else None
        attributes = tuple(args.attribute or ())
        if str(args.responses).lower().endswith(".parquet"):
            chunks: Any = read_parquet(
                args.responses,
                methodology=m,
                mapping=mapping,
                attributes=attributes,
                on_error=on_error,
            )
        else:
            chunks = iter_csv(
                args.responses,
                methodology=m,
                chunk_rows=args.chunk_rows,
                mapping=mapping,
                attributes=attributes,
                on_error=on_error,
                delimiter=args.delimiter,
            )
        est = estimate(
            chunks,
            methodology=m,
            by=tuple(args.by or ("unit",)),
            design=args.design,
            single_psu=args.single_psu,
            level=args.level,
            overall=args.overall,
            min_answers=args.min_answers,
            replicates=args.replicates,
            df=args.df,
            interval=args.interval,
            share=args.share,
        )
    except ParIndexError as exc:
        print(f"parindex sipas: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(to_json(est) + "\n")
    elif args.format == "csv":
        sys.stdout.write(to_csv(est, items=args.items))
    else:
        sys.stdout.write(to_table(est, m, lang=args.lang, items=args.items))
        if est.excluded.answers or est.excluded.respondents:
            label = "Đã loại" if args.lang == "vi" else "Excluded"
            sys.stdout.write(f"\n{label}: {est.excluded.describe()}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parindex")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
