"""Commands ``parindex template`` and ``parindex import-annex``.

The module follows the extension protocol of :mod:`parindex.cli`: :func:`add_parser` registers
the commands, each with ``func`` set to a callable taking the parsed arguments and returning the
exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_parser", "run_import_annex", "run_template"]


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    sp = subparsers.add_parser(
        "template",
        help="write a self-assessment workbook (.xlsx) for a methodology",
        description=(
            "Viết phiếu tự đánh giá (.xlsx) cho một bộ chỉ số: một dòng cho mỗi lĩnh vực, tiêu "
            "chí, tiêu chí thành phần; cột nhập cho tự đánh giá, kết quả điều tra, thẩm định lần "
            "1 và lần 2. Write a self-assessment workbook for a methodology."
        ),
    )
    sp.add_argument(
        "methodology", help="an id such as vn-moha/province/2022, id@year, or a YAML file"
    )
    sp.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    sp.add_argument(
        "--assessment",
        default=None,
        help="fill the workbook with one unit's inputs from an assessment file (.yaml, .json, "
        ".csv, .xlsx)",
    )
    sp.add_argument("--unit", default=None, help="which unit of the assessment file to write")
    sp.add_argument(
        "--no-protect",
        action="store_true",
        help="leave the sheets unprotected (for editing the layout)",
    )
    sp.set_defaults(func=run_template)

    sp = subparsers.add_parser(
        "import-annex",
        help="make a draft methodology file from an annex table (.docx, .pdf, .xlsx or .csv)",
        description=(
            "Đọc bảng phụ lục của quyết định (Word .docx, PDF có lớp chữ, Excel hoặc CSV: STT, nội "
            "dung, điểm tối đa, hướng dẫn chấm điểm) và viết bản nháp tệp bộ chỉ số. Read an "
            "annex table (.docx, .pdf with a text layer, .xlsx, .csv) and write a draft "
            "methodology file; exit 0 when the draft passes validation (the review list goes to "
            "stderr), 1 when it does not yet (what is left is listed on stderr)."
        ),
    )
    sp.add_argument("table", help="the annex file (.docx, .pdf, .xlsx or .csv)")
    sp.add_argument("-o", "--output", required=True, help="the YAML file to write")
    sp.add_argument(
        "--sheet", default=None, help="the sheet of an .xlsx table (default: the first)"
    )
    sp.add_argument("--issuer", default="draft")
    sp.add_argument("--scheme", default="annex")
    sp.add_argument(
        "--version", dest="scheme_version", default="2025", help="first assessment year, as text"
    )
    sp.add_argument("--years", type=int, nargs="+", default=None)
    sp.add_argument("--decision", default="DRAFT", help="the decision, e.g. 876/QĐ-BNV")
    sp.add_argument("--date", default=None, help="the decision's date, YYYY-MM-DD")
    sp.add_argument("--title", default=None)
    sp.add_argument(
        "--scale", type=float, default=None, help="default: the sum of the top-level maxima"
    )
    sp.add_argument(
        "--status",
        choices=("confirmed", "derived", "inferred", "unknown"),
        default="inferred",
        help="status of the numbers (default inferred until checked against the decision)",
    )
    sp.add_argument(
        "--method",
        choices=("appraisal", "survey", "sipas", "statistics", "mixed"),
        default="appraisal",
        help="method of items where the table has no method column",
    )
    sp.set_defaults(func=run_import_annex)


def run_template(args: argparse.Namespace) -> int:
    from ..io.workbook import write_workbook
    from ._common import methodology, pick_assessment, read_inputs

    m = methodology(args.methodology)
    assessment = None
    if args.assessment:
        items = read_inputs([args.assessment], methodology=m)
        assessment = pick_assessment(items, args.unit, args.assessment)
    out = write_workbook(m, args.output, assessment, protect=not args.no_protect)
    print(f"{out}: {m.id} ({len(m)} nodes)")
    return 0


def run_import_annex(args: argparse.Namespace) -> int:
    from ..io.annex import read_annex

    draft = read_annex(
        args.table,
        issuer=args.issuer,
        scheme=args.scheme,
        version=args.scheme_version,
        years=args.years,
        title=args.title,
        decision=args.decision,
        date=args.date,
        scale=args.scale,
        status=args.status,
        method=args.method,
        sheet=args.sheet,
    )
    draft.write(args.output)
    print(f"{args.output}: written")
    report = draft.report()
    print(
        report,
        file=sys.stderr if (draft.review or draft.problems) else sys.stdout,
    )
    return 1 if draft.problems else 0
