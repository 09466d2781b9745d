"""Strict loading and validation of methodology files.

``load_file(path)`` reads a YAML file, refuses anything unexpected (duplicate keys, unknown keys,
wrong types, malformed formulas, object tags) with the file, line, column and node code, then
checks the tree: codes and parents, maxima that add up, rule outputs within their node's bounds,
grouping thresholds. The result is an immutable :class:`Methodology`.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._files import read_bytes
from .._text import fmt
from ..errors import MethodologyError, ParIndexError
from . import yamlio
from .model import (
    AGGREGATES,
    DETAILS,
    METHODS,
    MISSING_POLICIES,
    NA_POLICIES,
    ROLES,
    ROOT,
    Group,
    Grouping,
    Label,
    LegalBasis,
    Methodology,
    Node,
    Rounding,
)
from .rules import INF, RULE_KINDS, PointsRule, Rule
from .yamlio import (  # the general readers live in yamlio; re-exported for compatibility
    FORMAT_VERSION,
    choice,
    nfc,
    read_header,
    read_label,
    read_legal,
    read_status,
    read_years,
)

__all__ = [
    "FORMAT_VERSION",
    "choice",
    "load_file",
    "load_text",
    "nfc",
    "parse_methodology",
    "read_label",
    "read_legal",
    "read_status",
    "read_years",
]

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
NUMERIC_CODE_RE = re.compile(r"^\d+(\.\d+)*$")
MAX_NODES = 20_000
TOL = 1e-9

Reader = yamlio.Reader


# -- small readers ------------------------------------------------------------------------------


def read_amendments(r: Reader, key: str, value: Any) -> tuple[LegalBasis, ...]:
    seq = r.check_type(key, value, list)
    out = []
    for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
        holder = Reader({"amendment": item}, file=r.file, what=f"{key}[{i + 1}]", mark=mark)
        out.append(read_legal(holder, "amendment", item))
    return tuple(out)


def read_grouping(r: Reader, key: str, value: Any, scale: float) -> Grouping:
    sub = Reader(value, file=r.file, what=key, mark=r.value_mark(key))
    status = sub.req("status", read_status)
    source = sub.opt("source", yamlio.text)
    note = sub.opt("note", yamlio.text)
    seq = sub.req("groups", list)
    groups: list[Group] = []
    for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
        g = Reader(item, file=r.file, what=f"grouping: groups[{i + 1}]", mark=mark)
        groups.append(
            Group(g.req("code", yamlio.text), g.req("min", float), g.opt("label", read_label))
        )
        g.done()
    sub.done()
    if not groups:
        sub.fail("grouping: list at least one group")
    for a, b in itertools.pairwise(groups):
        if not b.min < a.min:
            sub.fail(
                f"grouping: thresholds must decrease from the highest group: group {b.code} "
                f"(min {fmt(b.min, 'en')}) is not below group {a.code} (min {fmt(a.min, 'en')})"
            )
    if groups[-1].min != 0:
        sub.fail(
            f"grouping: the lowest group must start at 0 so that the groups cover the scale; "
            f"group {groups[-1].code} starts at {fmt(groups[-1].min, 'en')}"
        )
    if groups[0].min > 100:
        sub.fail("grouping: thresholds are on the index (percent, 0–100)", value=groups[0].min)
    codes = [g.code for g in groups]
    if len(set(codes)) != len(codes):
        sub.fail("grouping: group codes must be unique", value=codes)
    return Grouping(tuple(groups), status, source, note)


def read_rounding(r: Reader, key: str, value: Any) -> Rounding:
    sub = Reader(value, file=r.file, what=key, mark=r.value_mark(key))
    decimals = sub.opt("decimals", int, 2)
    mode = sub.opt("mode", choice(("half_up",)), "half_up")
    sub.done()
    if not 0 <= decimals <= 6:
        sub.fail_key("decimals", "expected 0 to 6", value=decimals)
    return Rounding(decimals, mode)


# -- rules --------------------------------------------------------------------------------------


def read_rule(r: Reader, key: str, value: Any) -> Rule:
    """Read a ``rule:`` mapping: the kind's class parses its own keys (see ``rules``)."""
    sub = Reader(value, file=r.file, what="rule", code=r.code, mark=r.value_mark(key))
    kind = sub.req("kind", choice(tuple(RULE_KINDS)))
    rule = RULE_KINDS[kind].parse(sub, read_label)
    sub.done()
    return rule


# -- the tree -----------------------------------------------------------------------------------


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.raw: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.count = 0

    def read_nodes(
        self, seq: Any, parent: str, depth: int, inherited: dict[str, Any], r: Reader
    ) -> list[str]:
        codes: list[str] = []
        for item, mark in zip(seq, yamlio.item_marks(seq), strict=True):
            self.count += 1
            if self.count > MAX_NODES:
                r.fail(f"more than {MAX_NODES} nodes")
            if depth > 12:
                r.fail("nodes nested deeper than 12 levels", mark)
            code_guess = (
                str(item.get("code")) if isinstance(item, dict) and "code" in item else None
            )
            n = Reader(item, file=self.file, what="node", code=code_guess, mark=mark)
            code = n.req("code", yamlio.text)
            if not CODE_RE.match(code):
                n.fail_key(
                    "code",
                    "a code is letters, digits, '.', '_' or '-' (at most 40), as published, e.g. 1.2.3 or TD",
                    value=code,
                )
            if code in self.raw:
                n.fail(f"duplicate node code (first at line {self.raw[code]['line']})", value=code)
            label = n.req("label", read_label)
            if "max" not in n.data and "children" not in n.data:
                n.fail(
                    "node: the key 'max' is required (a number, or null where the public record does not give it)"
                )
            max_given = "max" in n.data
            mx = n.opt("max", (float, type(None)))
            mn = n.opt("min", float)
            method = n.opt("method", choice(METHODS), inherited.get("method"))
            status = n.opt("status", read_status, inherited["status"])
            source = n.opt("source", yamlio.text)
            note = n.opt("note", yamlio.text)
            evidence = n.opt("evidence", yamlio.text)
            role = n.opt("role", choice(ROLES), "regular")
            aggregate = n.opt("aggregate", choice(AGGREGATES), "sum")
            counts = n.opt("counts", _read_counts)
            applies = n.opt("applies_to", _read_str_list)
            rule = n.opt("rule", read_rule)
            kids = n.opt("children", list)
            n.done()
            if kids is not None and rule is not None:
                n.fail("node: a node with children is scored by them and cannot have a rule")
            if kids is not None and not kids:
                n.fail_key("children", "an empty children list: remove it or list the children")
            self.raw[code] = {
                "code": code,
                "label": label,
                "max": mx,
                "max_given": max_given,
                "min": mn,
                "method": method,
                "status": status,
                "source": source,
                "note": note,
                "evidence": evidence,
                "role": role,
                "aggregate": aggregate,
                "counts": counts,
                "applies_to": applies,
                "rule": rule,
                "parent": parent,
                "depth": depth,
                "line": n.mark[0],
                "children": [],
                "reader": n,
            }
            self.order.append(code)
            if kids is not None:
                child_codes = self.read_nodes(
                    kids, code, depth + 1, {"method": method, "status": status}, n
                )
                self.raw[code]["children"] = child_codes
            codes.append(code)
        return codes


def _read_counts(r: Reader, key: str, value: Any) -> Mapping[str, int]:
    sub = Reader(value, file=r.file, what=f"node: {key}", code=r.code, mark=r.value_mark(key))
    out = {}
    for k in ("criteria", "sub_criteria"):
        v = sub.opt(k, int)
        if v is not None:
            if v < 0:
                sub.fail_key(k, "expected a count ≥ 0", value=v)
            out[k] = v
    sub.done()
    return MappingProxyType(out)


def _read_str_list(r: Reader, key: str, value: Any) -> tuple[str, ...]:
    seq = r.check_type(key, value, list)
    for v in seq:
        if not isinstance(v, str) or not v.strip():
            r.fail_key(key, "expected a list of texts", value=v)
    return tuple(seq)


def _numeric_parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def parse_methodology(data: Any, *, file: str) -> Methodology:
    """Build a validated Methodology from data read by :func:`yamlio.load_yaml`."""
    r = Reader(data, file=file, what="methodology")
    head = read_header(r, "scoring")
    detail = r.req("detail", choice(DETAILS))
    amendments = r.opt("amendments", read_amendments, ())
    scale = r.req("scale", float)
    if scale <= 0:
        r.fail_key(
            "scale",
            "the scale must be positive (usually 100, some provincial schemes 60)",
            value=scale,
        )
    grouping = None
    if r.has("grouping"):
        grouping = read_grouping(r, "grouping", r.raw("grouping"), scale)
    na = r.req("not_applicable", choice(NA_POLICIES))
    missing = r.opt("missing", choice(MISSING_POLICIES), "zero")
    rounding = r.opt("rounding", read_rounding, Rounding())
    unit_types = r.opt("unit_types", _read_str_list, ())
    seq = r.req("nodes", list)
    if not seq:
        r.fail_key("nodes", "the tree has no nodes")
    b = _Builder(file)
    top = b.read_nodes(seq, ROOT, 1, {"method": None, "status": head.status}, r)
    r.done()

    nodes = _validate_tree(b, top, scale, file, r, unit_types)
    return Methodology(
        id=head.id,
        issuer=head.issuer,
        scheme=str(head.scheme),
        version=head.version,
        years=head.years,
        title=head.title,
        legal_basis=head.legal_basis,
        amendments=amendments,
        scale=scale,
        grouping=grouping,
        not_applicable=na,
        missing=missing,
        rounding=rounding,
        nodes=MappingProxyType(nodes),
        status=head.status,
        source=head.source,
        notes=head.notes,
        file=file,
        unit_types=unit_types,
        detail=detail,
    )


def _validate_tree(
    b: _Builder, top: list[str], scale: float, file: str, r: Reader, unit_types: tuple[str, ...]
) -> dict[str, Node]:
    raw = b.raw
    # codes consistent with their parent
    numeric = {c for c in raw if NUMERIC_CODE_RE.match(c)}
    for code in b.order:
        info = raw[code]
        n: Reader = info["reader"]
        anc = info["parent"]
        while anc != ROOT and anc not in numeric:
            anc = raw[anc]["parent"]
        if code in numeric:
            expected = _numeric_parent(code)
            have = None if anc == ROOT else anc
            if expected != have:
                where = "at the top level" if have is None else f"under {have}"
                want = (
                    "at the top level or under a component such as TD"
                    if expected is None
                    else f"under {expected}"
                )
                n.fail(f"node code {code} stands {where}; by its number it belongs {want}")
        if info["applies_to"] is not None:
            for t in info["applies_to"]:
                if unit_types and t not in unit_types:
                    n.fail_key(
                        "applies_to",
                        f"unknown unit type; the methodology declares {', '.join(unit_types)}",
                        value=t,
                    )

    # maxima bottom-up
    for code in reversed(b.order):
        info = raw[code]
        n = info["reader"]
        kids = info["children"]
        role = info["role"]
        if not kids:
            if info["method"] is None:
                n.fail(
                    "node: no scoring method; give 'method' (appraisal, survey, sipas, statistics) here or on a parent"
                )
            if info["rule"] is None:
                info["rule"] = PointsRule()
            if info["min"] is None:
                info["min"] = 0.0
            if role == "penalty":
                if info["max"] is None:
                    info["max"] = 0.0
            continue
        regular = [raw[k] for k in kids if raw[k]["role"] == "regular"]
        extras = [raw[k] for k in kids if raw[k]["role"] != "regular"]
        kid_max = [k["max"] for k in regular]
        known = [m for m in kid_max if m is not None]
        total_known = math.fsum(known)
        if info["max"] is None and not info["max_given"]:
            if len(known) == len(kid_max):
                info["max"] = total_known
            elif role == "penalty":
                info["max"] = 0.0
        mx = info["max"]
        if role == "bonus" and mx is None:
            n.fail("node: a bonus node needs 'max', the cap on the bonus")
        if mx is not None and role == "regular":
            if len(known) == len(kid_max):
                if info["aggregate"] == "sum" and not _close(total_known, mx):
                    n.fail(
                        f"the children's maxima add up to {fmt(total_known, 'en')}, not to this node's "
                        f"maximum {fmt(mx, 'en')} (use aggregate: capped if the children may exceed it)"
                    )
                if info["aggregate"] == "capped" and total_known < mx - TOL:
                    n.fail(
                        f"aggregate 'capped': the children's maxima add up to {fmt(total_known, 'en')}, below the cap {fmt(mx, 'en')}, so the maximum can never be earned"
                    )
            elif info["aggregate"] == "sum" and total_known > mx + TOL:
                n.fail(
                    f"the known children's maxima already add up to {fmt(total_known, 'en')}, above this node's maximum {fmt(mx, 'en')}"
                )
        elif mx is None and info["max_given"] and len(known) == len(kid_max):
            n.fail(
                f"node: 'max' is null but the children's maxima are all known; the maximum is their sum, {fmt(total_known, 'en')}"
            )
        if info["min"] is None:
            kid_min = math.fsum(raw[k]["min"] for k in kids if raw[k]["role"] == "regular")
            pen = math.fsum(k["min"] for k in extras if k["role"] == "penalty")
            info["min"] = kid_min + pen
            if role == "bonus":
                info["min"] = 0.0
        for k in extras:
            if k["role"] == "penalty" and role == "penalty":
                n.fail("a penalty node cannot contain another penalty node")

    # leaf and node bounds
    for code in b.order:
        info = raw[code]
        n = info["reader"]
        mn, mx = info["min"], info["max"]
        if mx is not None and mn > mx + TOL:
            n.fail(f"node: min {fmt(mn, 'en')} is above max {fmt(mx, 'en')}")
        if info["role"] == "penalty" and (mx is None or mx > 0):
            n.fail("node: a penalty node's maximum must be 0; give its negative cap as 'min'")
        if info["role"] == "bonus" and mn < 0:
            n.fail("node: a bonus node's minimum must be 0")
        if info["role"] == "regular" and mx is not None and mx < 0:
            n.fail("node: a maximum must not be negative", value=mx)
        rule = info["rule"]
        if rule is not None:
            if mx is None and rule.needs_max():
                # allowed in a partial file: scoring refuses with a message
                continue
            try:
                lo, hi = rule.output_range(mn, mx)
            except ParIndexError as exc:
                n.fail(f"rule: {exc.message}")
            top_ = INF if mx is None else mx
            if lo < mn - TOL or hi > top_ + TOL:
                hint = rule.out_of_bounds_hint
                n.fail(
                    f"rule: the '{rule.kind}' rule can give {fmt(lo, 'en')} to {fmt(hi, 'en')} points, "
                    f"outside this node's bounds {fmt(mn, 'en')} to {fmt(mx, 'en')}{hint}"
                )

    # root
    top_regular = [raw[c] for c in top if raw[c]["role"] == "regular"]
    tmax = [c["max"] for c in top_regular]
    known_top = [m for m in tmax if m is not None]
    if len(known_top) == len(tmax):
        total = math.fsum(known_top)
        if not _close(total, scale):
            r.fail(
                f"the top-level maxima add up to {fmt(total, 'en')}, not to the scale {fmt(scale, 'en')}"
            )
    elif math.fsum(known_top) > scale + TOL:
        r.fail(
            f"the known top-level maxima add up to {fmt(math.fsum(known_top), 'en')}, above the scale {fmt(scale, 'en')}"
        )

    nodes: dict[str, Node] = {}
    root_min = math.fsum(raw[c]["min"] for c in top if raw[c]["role"] == "regular") + math.fsum(
        raw[c]["min"] for c in top if raw[c]["role"] == "penalty"
    )
    nodes[ROOT] = Node(
        code=ROOT,
        label=Label("Tổng", "Total"),
        max=scale,
        min=root_min,
        children=tuple(top),
        depth=0,
        method=None,
        status="confirmed",
    )
    for code in b.order:
        info = raw[code]
        nodes[code] = Node(
            code=code,
            label=info["label"],
            max=info["max"],
            min=info["min"],
            method=info["method"],
            status=info["status"],
            source=info["source"],
            note=info["note"],
            evidence=info["evidence"],
            role=info["role"],
            aggregate=info["aggregate"],
            rule=info["rule"],
            parent=info["parent"],
            children=tuple(info["children"]),
            depth=info["depth"],
            counts=info["counts"],
            applies_to=info["applies_to"],
            line=info["line"],
        )
    return nodes


def load_text(text: str | bytes, *, file: str = "<text>") -> Methodology:
    """Load a methodology from YAML text."""
    data = yamlio.load_yaml(text, file=file)
    return parse_methodology(data, file=file)


def load_file(path: str | os.PathLike[str]) -> Methodology:
    """Load and validate a methodology file of your own (e.g. a full official annex)."""
    p = Path(path)
    raw = read_bytes(p, error=MethodologyError)
    return load_text(raw, file=str(p))
