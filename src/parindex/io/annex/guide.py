"""Guide lines into rules: the shapes a scoring guide (hướng dẫn chấm điểm) is written in.

================================================  ===================================
guide lines                                       rule
================================================  ===================================
``Ban hành kịp thời: 1 điểm`` / ``Chậm: 0,5 điểm``  ``levels`` (negative points allowed)
``Đạt yêu cầu: 1`` / ``Không đạt: 0``               ``levels``
``Từ 80% đến dưới 100%: 0,5 điểm`` / ``Dưới 80%``  ``bands`` on a percentage, edges kept
``Từ 80% đến 100%: điểm = tỷ lệ × điểm tối đa``     ``proportional`` (other lines: fixed)
``Mỗi báo cáo chậm trừ 0,25 điểm``                  ``deductions`` (floored at the minimum)
``Điểm = (b/a) × 1 + (c/a) × 0,5`` with ``a: …``   ``formula`` (clamped; check the inputs)
``Xác định …: 0,1`` / ``Cụ thể hóa …: 0,1`` (sum)   ``points``, the parts listed (sub-items)
================================================  ===================================

Decimal commas, non-breaking spaces and both Unicode normalisations (NFC, NFD) are accepted.
Nothing is guessed: a band set that leaves a gap or overlaps, a level worth more than the
maximum, or a single level, is reported instead of being "repaired"; an edge written without
saying which side owns it ("70% - 90%") is given to the band that does not already claim it and
flagged for a person to check.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..._text import fold_ascii, nfc, num_text
from ...errors import ExpressionError
from ...expr import parse
from ...methodology.rules import Band

__all__ = [
    "GuideParse",
    "clean",
    "fold",
    "join_wrapped",
    "number",
    "parse_guide",
    "slug",
    "unwrap",
]

# -- text helpers ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """NFC, non-breaking and other odd spaces made plain, runs of spaces collapsed."""
    t = re.sub(r"[\u00a0\u2007\u202f\u2009\u200b\t]", " ", nfc(text))
    t = t.replace("−", "-").replace("–", "-").replace("—", "-")
    return re.sub(r" {2,}", " ", t).strip()


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching words."""
    return fold_ascii(clean(text))


_NUM = r"[-+]?\s*\d+(?:[.,]\d+)?"


# a guide line ends with its points: "…: 1", "…: 0,5 điểm", "… trừ 0,25 điểm"
_LINE_END = re.compile(rf"(?:[:：]\s*{_NUM}|{_NUM}\s*(?:điểm|đ))\.?$", re.I)
_BULLET = re.compile(r"^(?:[-+•*]|[a-zđ]\))\s", re.I)


def join_wrapped(before: str, after: str) -> str:
    """Two pieces of one cell's text that a line wrap (or a page break) parted: a new line where
    the first ends a guide line (with its points, or a full stop before a bullet), else a space."""
    a, b = before.rstrip(), after.strip()
    if not a or not b:
        return a or b
    if _LINE_END.search(a) or (_BULLET.match(b) and a[-1] in ".;:"):
        return f"{a}\n{b}"
    return f"{a} {b}"


def unwrap(text: str) -> str:
    """A PDF cell's text, whose line breaks are where the column was full, back into the
    guide's own lines (see :func:`join_wrapped`)."""
    out = ""
    for line in text.replace("\r", "\n").split("\n"):
        out = join_wrapped(out, line)
    return out


def number(text: str) -> float:
    """A number written the Vietnamese way (``0,5``) or the English way (``0.5``)."""
    t = clean(text).replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    elif t.count(".") >= 1 and t.count(",") == 1 and t.index(".") < t.index(","):
        t = t.replace(".", "").replace(",", ".")  # 1.234,5
    return float(t)


def slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:30].strip("_") or "level"
    if not base[0].isalpha():
        base = "l_" + base
    code = base
    k = 2
    while code.casefold() in taken:
        code = f"{base}_{k}"
        k += 1
    taken.add(code.casefold())
    return code


# -- guide parsing --------------------------------------------------------------------------------


@attrs.frozen
class GuideParse:
    """What :func:`parse_guide` made of a guide: a rule (as file data) or the reason it did not."""

    rule: Mapping[str, Any] | None
    min: float | None = None  # the node's minimum, when a level is negative
    lines: tuple[str, ...] = ()  # the guide's lines, cleaned
    unparsed: tuple[str, ...] = ()  # lines not understood
    reason: str | None = None  # why no rule was made
    check: str | None = None  # something a person should check in the rule that was made
    parts: tuple[tuple[str, float], ...] = ()  # sub-items that add up to the maximum
    ambiguous: tuple[str, ...] = ()  # band edges two lines both claim (given to one, to check)


_PTS = re.compile(rf"^(?P<head>.*?)\s*[:：]?\s*(?P<pts>{_NUM})\s*(?:điểm|đ)\.?$", re.I)
# "Đạt yêu cầu: 1" -- points after a colon, the word "điểm" left out
_PTS_BARE = re.compile(rf"^(?P<head>.*?\S)\s*[:：]\s*(?P<pts>{_NUM})\.?$", re.I)
_DEDUCT = [
    re.compile(
        rf"^mỗi\s+(?P<label>.+?)\s*[:：,]?\s*(?:bị\s+)?trừ\s+(?P<pts>{_NUM})\s*điểm\.?$", re.I
    ),
    re.compile(rf"^trừ\s+(?P<pts>{_NUM})\s*điểm\s*(?:cho\s+)?mỗi\s+(?P<label>.+?)\.?$", re.I),
    re.compile(
        rf"^(?P<label>.+?)\s*[:：]\s*(?:bị\s+)?trừ\s+(?P<pts>{_NUM})\s*điểm(?:\s*/\s*(?:lần|báo cáo|trường hợp))?\.?$",
        re.I,
    ),
]
_FLOOR = re.compile(r"^(?:tối đa trừ|trừ tối đa|không thấp hơn|điểm tối thiểu)", re.I)
_PROP = re.compile(
    r"(tỷ lệ|tỉ lệ).*(×|x|\*|nhân).*(điểm tối đa|số điểm tối đa)|điểm\s*=\s*(tỷ lệ|tỉ lệ)|tính theo tỷ lệ|tính theo tỉ lệ",
    re.I,
)
_FORMULA = re.compile(r"^điểm\s*(?:đạt)?\s*=\s*(?P<expr>.+)$", re.I)
_INPUT = re.compile(r"^(?:trong đó[:,]?\s*)?(?P<name>[a-zA-Z])\s*(?::|=|là)\s*(?P<label>.+)$", re.I)


def _band(head: str) -> tuple[float, float, bool, bool, bool] | None:
    """A percentage condition: (lo, hi, lo_inclusive, hi_inclusive, hi_ambiguous) or None."""
    h = fold(head).replace("%", " % ").replace("≥", " >= ").replace("≤", " <= ")
    h = re.sub(r"\s+", " ", h).strip().rstrip(":").strip()
    n = r"(\d+(?:[.,]\d+)?)"
    pats: list[tuple[str, Any]] = [
        (rf"^(?:dat )?tu {n} ?% den duoi {n} ?%$", lambda a, b: (a, b, True, False, False)),
        (rf"^(?:dat )?tu {n} ?% den {n} ?%$", lambda a, b: (a, b, True, True, False)),
        (rf"^(?:dat )?tren {n} ?% den duoi {n} ?%$", lambda a, b: (a, b, False, False, False)),
        (rf"^(?:dat )?tren {n} ?% den {n} ?%$", lambda a, b: (a, b, False, True, False)),
        (rf"^(?:dat )?{n} ?% ?- ?{n} ?%$", lambda a, b: (a, b, True, True, True)),
        (rf"^(?:dat )?{n} ?- ?{n} ?%$", lambda a, b: (a, b, True, True, True)),
        (rf"^(?:dat )?(?:duoi|< ?) ?{n} ?%$", lambda a: (0.0, a, True, False, False)),
        (rf"^(?:dat )?(?:<= ?){n} ?%$", lambda a: (0.0, a, True, True, False)),
        (rf"^(?:dat )?(?:tu|>= ?) ?{n} ?% ?(?:tro len)?$", lambda a: (a, 100.0, True, True, False)),
        (rf"^(?:dat )?{n} ?% tro len$", lambda a: (a, 100.0, True, True, False)),
        (rf"^(?:dat )?(?:tren|> ?) ?{n} ?%$", lambda a: (a, 100.0, False, True, False)),
        (rf"^(?:dat )?{n} ?%$", lambda a: (a, a, True, True, False)),
    ]
    pre = r"^(?:[^\d%]*? )?"
    post = r"(?: [^\d%]+)?$"
    for pat, make in pats:
        m = re.match(pre + pat[1:-1] + post, h)
        if m:
            vals = [number(g) for g in m.groups()]
            out: tuple[float, float, bool, bool, bool] = make(*vals)
            return out
    return None


def _split(text: str) -> list[str]:
    lines = []
    for raw in re.split(r"[\n;]+", clean(text.replace("\r", "\n"))):
        t = re.sub(r"^(?:[-+•*·]|[a-zđ]\)|\d+\))\s*", "", raw.strip(), flags=re.I).strip()
        t = t.rstrip(".").strip()
        if t:
            lines.append(t)
    return lines


def parse_guide(text: str | None, max_points: float | None, min_points: float = 0.0) -> GuideParse:
    """Make a rule of a scoring guide, or say why not (the text is then kept as it is)."""
    if text is None or not clean(text):
        return GuideParse(None, reason="no scoring guide")
    lines = _split(text)
    tl = tuple(lines)
    if max_points is None:
        return GuideParse(None, lines=tl, unparsed=tl, reason="the maximum is not given")
    # formula
    for i, line in enumerate(lines):
        fm = _FORMULA.match(line)
        if fm and not _PROP.search(line):
            return _formula(
                fm.group("expr"), lines[:i] + lines[i + 1 :], tl, max_points, min_points
            )
    levels: list[tuple[str, float]] = []
    bands: list[tuple[tuple[float, float, bool, bool, bool], float, str]] = []
    prop: list[tuple[float, float, bool, bool, bool]] = []
    deducts: list[tuple[str, float]] = []
    start: float | None = None
    unparsed: list[str] = []
    for line in lines:
        d = next((p.match(line) for p in _DEDUCT if p.match(line)), None)
        if d:
            deducts.append((d.group("label").strip(), abs(number(d.group("pts")))))
            continue
        if _FLOOR.match(line):
            continue
        if _PROP.search(line):
            head = re.split(r"[:：]", line, maxsplit=1)[0]
            b = _band(head)
            if b is not None:
                prop.append(b)
                continue
            unparsed.append(line)
            continue
        pm = _PTS.match(line) or _PTS_BARE.match(line)
        if pm and pm.group("head").strip():
            head = pm.group("head").strip().rstrip(":：").strip()
            pts = number(pm.group("pts"))
            b = _band(head)
            if b is not None:
                bands.append((b, pts, line))
            else:
                levels.append((head, pts))
            continue
        unparsed.append(line)
    if unparsed:
        return GuideParse(None, lines=tl, unparsed=tuple(unparsed), reason="lines not understood")
    if deducts:
        if bands or prop or len(levels) > 1:
            return _no(tl, "deductions mixed with levels or bands")
        if levels:
            start = levels[0][1]
            if start != max_points:
                return _no(
                    tl,
                    f"the starting points ({num_text(start)}) differ from the maximum ({num_text(max_points)})",
                )
        taken: set[str] = set()
        items = [{"code": slug(lb, taken), "points": p, "label": {"vi": lb}} for lb, p in deducts]
        return GuideParse({"kind": "deductions", "items": items}, lines=tl)
    if prop:
        if len(prop) != 1 or levels:
            return _no(tl, "a proportional line must come with fixed bands only")
        others = {p for _, p, _ in bands}
        if len(others) > 1:
            return _no(tl, "the lines outside the proportional band give different points")
        otherwise = others.pop() if others else 0.0
        lo, hi, li, hinc, _ = prop[0]
        rng = f"{'[' if li else '('}{num_text(lo)}, {num_text(hi)}{']' if hinc else ')'}"
        return GuideParse(
            {
                "kind": "proportional",
                "input": {"unit": "percent"},
                "range": rng,
                "full": 100,
                "otherwise": otherwise,
            },
            lines=tl,
        )
    if bands and levels:
        return _no(tl, "percentage bands mixed with levels")
    if bands:
        return _bands(bands, tl, max_points, min_points)
    if len(levels) >= 2:
        level_pts = [p for _, p in levels]
        if min(level_pts) > 0 and max(level_pts) < max_points:
            return _parts(levels, tl, max_points)
        if max(level_pts) > max_points:
            return _no(
                tl,
                f"a level gives {num_text(max(level_pts))} points, above the maximum {num_text(max_points)}",
            )
        taken = set()
        lv = [{"code": slug(lb, taken), "points": p, "label": {"vi": lb}} for lb, p in levels]
        lo = min(level_pts)
        return GuideParse(
            {"kind": "levels", "levels": lv}, min=lo if lo < min_points else None, lines=tl
        )
    return _no(tl, "a single level: the other levels are not written")


def _parts(levels: list[tuple[str, float]], lines: tuple[str, ...], mx: float) -> GuideParse:
    """Sub-items each worth some points and none worth the maximum: they add up to it."""
    total = math.fsum(p for _, p in levels)
    parts = tuple(levels)
    if abs(total - mx) > 1e-9:
        diff = num_text(round(mx - total, 9))
        return GuideParse(
            None,
            lines=lines,
            unparsed=lines,
            reason=(
                f"the parts add up to {num_text(round(total, 9))}, not to the maximum "
                f"{num_text(mx)} (difference {diff})"
            ),
            parts=parts,
        )
    return GuideParse({"kind": "points"}, lines=lines, parts=parts)


def _no(lines: tuple[str, ...], reason: str) -> GuideParse:
    return GuideParse(None, lines=lines, unparsed=lines, reason=reason)


def _bands(
    bands: list[tuple[tuple[float, float, bool, bool, bool], float, str]],
    lines: tuple[str, ...],
    mx: float,
    mn: float,
) -> GuideParse:
    def contains(b: tuple[float, float, bool, bool, bool], x: float) -> bool:
        return Band(b[0], b[1], b[2], b[3]).contains(x)

    fixed = []
    ambiguous: list[str] = []
    for b, p, line in bands:
        lo, hi, li, hinc, amb = b
        claim = [o_line for o, _, o_line in bands if o is not b and contains(o, hi)]
        if amb and claim:
            hinc = False  # "70-90%" next to "từ 90%": 90 belongs to the other band
            ambiguous.append(
                f"{num_text(hi)}% is claimed by {line!r} and {claim[0]!r}; it was given to "
                "the second: check against the decision"
            )
        if lo > hi or (lo == hi and not (li and hinc)):
            return _no(lines, f"an empty band in {line!r}")
        fixed.append(((lo, hi, li, hinc), p))
    objs = [(Band(*b), p) for b, p in fixed]
    for i, (a, _) in enumerate(objs):
        for c, _ in objs[i + 1 :]:
            if a.overlaps(c):
                return _no(lines, f"the bands {a} and {c} overlap")
    edges = sorted({0.0, 100.0, *(b.lo for b, _ in objs), *(b.hi for b, _ in objs)})
    probes = edges + [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    for x in probes:
        if 0 <= x <= 100 and not any(b.contains(x) for b, _ in objs):
            return _no(lines, f"the value {num_text(x)}% falls in none of the bands")
    pts = [p for _, p in objs]
    if max(pts) > mx:
        return _no(
            lines, f"a band gives {num_text(max(pts))} points, above the maximum {num_text(mx)}"
        )
    out = [{"range": str(b), "points": p} for b, p in objs]
    lo = min(pts)
    return GuideParse(
        {"kind": "bands", "input": {"unit": "percent"}, "bands": out},
        min=lo if lo < mn else None,
        lines=lines,
        ambiguous=tuple(ambiguous),
    )


def _formula(
    expr_text: str, rest: list[str], lines: tuple[str, ...], mx: float, mn: float
) -> GuideParse:
    t = clean(expr_text).replace("×", "*").replace("÷", "/").replace(":", "/")
    t = re.sub(r"(?<=[\d)\s])x(?=[\s\d(])", "*", t)
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    inputs: dict[str, Any] = {}
    unparsed = []
    for line in rest:
        for part in re.split(r",\s*(?=[a-zA-Z]\s*(?::|=|là)\s)", line):
            m = _INPUT.match(part.strip())
            if m:
                inputs[m.group("name")] = {"label": {"vi": m.group("label").strip().rstrip(".")}}
            else:
                unparsed.append(part.strip())
    if unparsed:
        return GuideParse(
            None, lines=lines, unparsed=tuple(unparsed), reason="lines not understood"
        )
    try:
        e = parse(t, allowed_names=list(inputs))
    except ExpressionError as exc:
        return _no(lines, f"the formula cannot be read: {exc.message}")
    if set(e.names) != set(inputs):
        return _no(lines, "the formula's names and the inputs described do not match")
    return GuideParse(
        {"kind": "formula", "expr": t, "inputs": inputs, "clamp": True},
        lines=lines,
        check=(
            "formula imported with clamp: true and no rule for a zero divisor; check each "
            "input's bounds (max: another input), whole numbers, and on_zero_division"
        ),
    )
