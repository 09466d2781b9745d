"""Commands ``parindex serve`` (the web service) and ``parindex test FILES...`` (a province's
own test cases), added to the CLI through EXTENSIONS."""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ParIndexError

__all__ = ["add_parser", "run_test_file"]

_CASE_KEYS = {"name", "unit", "methodology", "year", "inputs", "missing", "upto", "expected"}
_EXPECTED_KEYS = {"points", "index", "group", "place"}


def _cmd_serve(args: argparse.Namespace) -> int:
    from ..server import serve

    serve(args.host, args.port, max_body=args.max_body, log_level=args.log_level)
    return 0


def _refuse(message: str, file: str, **fields: Any) -> ParIndexError:
    return ParIndexError(message, file=file, error_code="invalid-request", **fields)


def _methodology(spec: Mapping[str, Any], base: Path, file: str) -> Any:
    from ..methodology.registry import load, load_file

    ident = spec.get("methodology")
    if not isinstance(ident, str) or not ident:
        raise _refuse("a test case needs 'methodology': an id or a YAML file", file)
    year = spec.get("year")
    if ident.endswith((".yaml", ".yml")):
        return load_file(base / ident)
    return load(ident, year=year)


def _close(a: float | None, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return isinstance(b, int | float) and math.isclose(a, float(b), rel_tol=0, abs_tol=1e-9)


def run_test_file(path: str | Path, lang: str = "vi") -> list[str]:
    """Run the cases of one YAML test file; the mismatches, one line each (empty: all pass).

    The file holds ``methodology`` (an id, or a YAML file next to the test file), ``year`` and
    ``cases``: each with ``name``, ``inputs`` ({code: value}) and ``expected`` (``points`` per
    node code, ``index``, ``group``, and ``place`` among the file's cases); a case may give its
    own ``methodology``, ``year``, ``unit``, ``missing`` and ``upto``.
    """
    import yaml

    from ..analysis.rank import rank
    from ..engine import score

    p = Path(path)
    file = str(p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ParIndexError(f"cannot read the test file: {exc}", file=file) from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("cases"), list):
        raise _refuse("a test file maps 'methodology', 'year' and 'cases' (a list)", file)
    failures: list[str] = []
    scored: list[tuple[str, Any, Mapping[str, Any]]] = []
    for i, case in enumerate(doc["cases"]):
        if not isinstance(case, Mapping):
            raise _refuse("each case is a mapping", file, pointer=f"/cases/{i}")
        extra = sorted(set(map(str, case)) - _CASE_KEYS)
        if extra:
            raise _refuse(
                f"unknown keys in a case: {', '.join(extra)}", file, pointer=f"/cases/{i}"
            )
        name = str(case.get("name", f"case {i + 1}"))
        m = _methodology({**doc, **case}, p.parent, file)
        inputs = case.get("inputs", {})
        expected = case.get("expected", {})
        if not isinstance(inputs, Mapping) or not isinstance(expected, Mapping):
            raise _refuse("'inputs' and 'expected' are mappings", file, pointer=f"/cases/{i}")
        bad_keys = sorted(set(map(str, expected)) - _EXPECTED_KEYS)
        if bad_keys:
            raise _refuse(
                f"unknown expected keys: {', '.join(bad_keys)}", file, pointer=f"/cases/{i}"
            )
        unit = str(case.get("unit", name))
        try:
            card = score(m, inputs, unit=unit, missing=case.get("missing"), upto=case.get("upto"))
        except ParIndexError as exc:
            failures.append(f"{file}: {name}: {exc.text(lang)}")
            continue
        scored.append((name, card, expected))
        points = expected.get("points", {})
        for code, want in points.items() if isinstance(points, Mapping) else ():
            code = "" if str(code) in ("TOTAL", "") else str(code)
            if code not in m.nodes:
                failures.append(f"{file}: {name}: node {code!r}: no such node in {m.id}")
                continue
            got = card[code]
            if not _close(got.points, want):
                failures.append(
                    f"{file}: {name}: node {code or 'TOTAL'}: expected {want}, got {got.points}"
                    f" — {got.explain(lang)}"
                )
        if "index" in expected and not _close(card.index, expected["index"]):
            failures.append(
                f"{file}: {name}: index: expected {expected['index']}, got {card.index}"
            )
        if "group" in expected:
            got_group = card.group.code if card.group is not None else None
            if got_group != expected["group"]:
                failures.append(
                    f"{file}: {name}: group: expected {expected['group']}, got {got_group}"
                )
    places = {r.unit: r.place for r in rank([c for _, c, _ in scored]).rows} if scored else {}
    for name, card, expected in scored:
        if "place" in expected and places.get(card.unit) != expected["place"]:
            failures.append(
                f"{file}: {name}: place: expected {expected['place']}, got {places.get(card.unit)}"
            )
    return failures


def _cmd_test(args: argparse.Namespace) -> int:
    failures: list[str] = []
    n = 0
    for path in args.files:
        failures += run_test_file(path, args.lang)
        n += 1
    for line in failures:
        print(line)
    print(
        f"{n} tệp, {len(failures)} sai khác"
        if args.lang == "vi"
        else f"{n} file(s), {len(failures)} mismatch(es)"
    )
    return 1 if failures else 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ..server import DEFAULT_HOST, DEFAULT_MAX_BODY, DEFAULT_PORT

    sp = sub.add_parser(
        "serve",
        help="run the JSON web service (extra 'server'); binds to 127.0.0.1 unless --host says otherwise",
    )
    sp.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})"
    )
    sp.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    sp.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes (default {DEFAULT_MAX_BODY})",
    )
    sp.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info"))
    sp.set_defaults(func=_cmd_serve)

    sp = sub.add_parser(
        "test",
        help="run YAML test cases (inputs, expected points per node, group, place); exit 1 on any mismatch",
    )
    sp.add_argument("files", nargs="+", help="YAML test files")
    sp.add_argument("--lang", choices=("vi", "en"), default=None)
    sp.set_defaults(func=_cmd_test)
