"""Command ``parindex uncertainty`` (added to the CLI through EXTENSIONS): how sure each place is,
given the sampling error of the survey-scored items."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ..errors import ParIndexError
from ._common import (
    INPUT_HELP,
    add_scoring_options,
    methodology,
    score_inputs,
    scoring_options,
)

__all__ = ["add_parser"]


def _spreads(pairs: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        code, sep, value = pair.partition("=")
        try:
            se = float(value)
        except ValueError:
            se = math.nan
        if not sep or not code or not math.isfinite(se) or se < 0:
            raise ParIndexError("--se takes CODE=STANDARD_ERROR, e.g. --se SIPAS=1.5", value=pair)
        out[code] = se
    return out


def _cmd_uncertainty(args: argparse.Namespace) -> int:
    from ..analysis.uncertainty import uncertainty

    m = methodology(args.methodology)
    cards = score_inputs(m, args.assessments, **scoring_options(args, m))
    previous = score_inputs(m, args.previous) if args.previous else None
    result = uncertainty(
        cards,
        se=_spreads(args.se),
        draws=args.draws,
        level=args.level,
        seed=args.seed,
        previous=previous,
    )
    if args.chart:
        from ..render.charts import rank_interval_chart

        rank_interval_chart(result, lang=args.lang).savefig(args.chart)
    if args.format == "json":
        print(json.dumps(result.to_dicts(), ensure_ascii=False, indent=1))
    else:
        print(result.text(args.lang))
    return 0


def add_parser(sub: Any) -> None:
    """Register ``uncertainty``."""
    sp = sub.add_parser(
        "uncertainty",
        help="intervals of indices and places from the survey items' standard errors",
    )
    sp.add_argument("methodology", help="an id such as vn-moha/province/2022, or a YAML file")
    sp.add_argument("assessments", nargs="+", help=INPUT_HELP)
    sp.add_argument(
        "--se",
        action="append",
        default=[],
        required=True,
        metavar="CODE=SE",
        help="the standard error of an item's input (repeat for several items), e.g. SIPAS=1.5",
    )
    sp.add_argument("--draws", type=int, default=1000, help="simulated draws (default 1000)")
    sp.add_argument("--level", type=float, default=0.9, help="interval level (default 0.9)")
    sp.add_argument("--seed", type=int, default=20240101, help="random seed")
    sp.add_argument("--previous", nargs="+", default=None, help="the previous period's assessments")
    sp.add_argument("--chart", default=None, help="save the rank-interval chart (.png, .svg)")
    sp.add_argument("--format", choices=("table", "json"), default="table")
    sp.add_argument("--lang", choices=("vi", "en"), default="vi")
    add_scoring_options(sp)
    sp.set_defaults(func=_cmd_uncertainty)
