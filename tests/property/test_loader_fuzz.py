"""Hypothesis: random valid trees load; random corruptions raise the library's own error."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex.errors import MethodologyError
from parindex.methodology.loader import load_text
from parindex.methodology.model import ROOT


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """A valid methodology as plain data: random depth and fan-out, maxima that add up."""
    counter = [0]

    def node(code: str, depth: int) -> dict[str, Any]:
        counter[0] += 1
        leaf = depth >= 3 or counter[0] > 25 or draw(st.booleans())
        if leaf:
            mx = draw(st.sampled_from([0.5, 1, 1.5, 2, 2.5, 3, 4, 5]))
            kind = draw(st.sampled_from(["points", "levels", "bands", "satisfaction", "formula"]))
            rule: dict[str, Any]
            if kind == "levels":
                rule = {
                    "kind": "levels",
                    "levels": [
                        {"code": "full", "points": mx},
                        {"code": "half", "points": mx / 2},
                        {"code": "none", "points": 0},
                    ],
                }
            elif kind == "bands":
                rule = {
                    "kind": "bands",
                    "bands": [
                        {"range": "[80, 100]", "points": mx},
                        {"range": "[50, 80)", "points": mx / 2},
                        {"range": "[0, 50)", "points": 0},
                    ],
                }
            elif kind == "formula":
                rule = {
                    "kind": "formula",
                    "expr": "b / a * " + str(mx),
                    "inputs": {"a": {}, "b": {"max": "a"}},
                    "clamp": True,
                    "on_zero_division": 0,
                }
            else:
                rule = {"kind": kind}
            return {
                "code": code,
                "label": {"vi": f"Mục {code}", "en": f"Item {code}"},
                "max": mx,
                "rule": rule,
            }
        n = draw(st.integers(1, 4))
        kids = [node(f"{code}.{i}", depth + 1) for i in range(1, n + 1)]
        return {"code": code, "label": f"Mục {code}", "children": kids}

    top = [node(str(i), 1) for i in range(1, draw(st.integers(1, 5)) + 1)]

    def total(n: dict[str, Any]) -> float:
        return float(n["max"]) if "max" in n else sum(total(k) for k in n["children"])

    scale = sum(total(n) for n in top)
    for n in top:
        n["method"] = draw(st.sampled_from(["appraisal", "survey", "sipas", "statistics"]))
    return {
        "parindex": 1,
        "issuer": "fuzz",
        "scheme": "unit",
        "version": "2024",
        "years": [2024],
        "title": {"vi": "Thử", "en": "Fuzz"},
        "status": "inferred",
        "detail": "full",
        "legal_basis": {"decision": "FUZZ"},
        "scale": scale,
        "not_applicable": draw(st.sampled_from(["drop", "share", "earned"])),
        "nodes": top,
    }


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def leaves(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def walk(n: dict[str, Any]) -> None:
        if "children" in n:
            for k in n["children"]:
                walk(k)
        else:
            out.append(n)

    for n in data["nodes"]:
        walk(n)
    return out


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(trees())
def test_random_valid_trees_load(data: dict[str, Any]) -> None:
    m = load_text(dump(data), file="fuzz.yaml")
    assert m.root.max == data["scale"]
    assert len(m.leaves()) == len(leaves(data))
    for n in m.walk():
        if n.children:
            assert abs(sum(m[c].max or 0 for c in n.children) - (n.max or 0)) < 1e-9
    assert m.nodes[ROOT].children == tuple(n["code"] for n in data["nodes"])


CORRUPTIONS = [
    "bad_type",
    "duplicate_code",
    "sum_off",
    "broken_formula",
    "unknown_key",
    "negative_scale",
    "bad_method",
    "level_too_high",
    "bad_band",
    "empty_children",
    "missing_label",
]


@FAST
@given(trees(), st.sampled_from(CORRUPTIONS), st.data())
def test_corruptions_raise_the_librarys_error(
    data: dict[str, Any], kind: str, extra: st.DataObject
) -> None:
    bad = copy.deepcopy(data)
    leaf = extra.draw(st.sampled_from(leaves(bad)))
    if kind == "bad_type":
        leaf["max"] = extra.draw(st.sampled_from(["ten", [1], {"a": 1}, True]))
    elif kind == "duplicate_code":
        other = extra.draw(st.sampled_from(leaves(bad)))
        twin = copy.deepcopy(other)
        bad["nodes"].append({"code": "Z", "label": "z", "method": "appraisal", "children": [twin]})
        bad["scale"] += float(twin["max"])
    elif kind == "sum_off":
        leaf["max"] = float(leaf["max"]) + 0.25
    elif kind == "broken_formula":
        leaf["rule"] = {
            "kind": "formula",
            "expr": extra.draw(
                st.sampled_from(["(a + ", "a +* b", "import os", "a ** 2", "1/0 + a", "__x__(a)"])
            ),
            "inputs": {"a": {}},
            "clamp": True,
        }
    elif kind == "unknown_key":
        leaf[extra.draw(st.sampled_from(["maxx", "weight", "Max", "rules"]))] = 1
    elif kind == "negative_scale":
        bad["scale"] = -1
    elif kind == "bad_method":
        bad["nodes"][0]["method"] = "guess"
    elif kind == "level_too_high":
        leaf["rule"] = {
            "kind": "levels",
            "levels": [{"code": "x", "points": float(leaf["max"]) + 1}, {"code": "y", "points": 0}],
        }
    elif kind == "bad_band":
        leaf["rule"] = {
            "kind": "bands",
            "bands": [
                {
                    "range": extra.draw(
                        st.sampled_from(["[80, 100", "80-100", "[100, 80]", "(5, 5)"])
                    ),
                    "points": 0,
                },
                {"range": "[0, 80)", "points": 0},
            ],
        }
    elif kind == "empty_children":
        bad["nodes"][0] = {
            "code": bad["nodes"][0]["code"],
            "label": "x",
            "method": "appraisal",
            "children": [],
        }
    elif kind == "missing_label":
        del leaf["label"]
    try:
        load_text(dump(bad), file="fuzz.yaml")
    except MethodologyError as e:
        assert e.file == "fuzz.yaml"
        assert str(e)
    else:
        raise AssertionError(f"corruption {kind!r} was accepted")


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_random_bytes_and_truncations_never_escape_as_other_errors(
    data: dict[str, Any], extra: st.DataObject
) -> None:
    raw = bytearray(dump(data).encode("utf-8"))
    how = extra.draw(st.sampled_from(["flip", "truncate", "garbage", "insert"]))
    if how == "flip":
        for _ in range(extra.draw(st.integers(1, 5))):
            i = extra.draw(st.integers(0, len(raw) - 1))
            raw[i] = extra.draw(st.integers(0, 255))
    elif how == "truncate":
        raw = raw[: extra.draw(st.integers(0, len(raw)))]
    elif how == "garbage":
        raw = bytearray(extra.draw(st.binary(max_size=200)))
    else:
        i = extra.draw(st.integers(0, len(raw)))
        raw[i:i] = extra.draw(
            st.sampled_from(
                [b"\n  - [", b": : :", b"\t", b"&a *a", b"!!python/object:os.system {}\n", b"\x00"]
            )
        )
    try:
        load_text(bytes(raw), file="fuzz.yaml")
    except MethodologyError:
        pass


def test_deep_nesting_is_refused_cleanly() -> None:
    deep = "parindex: 1\nnodes: " + "[" * 500 + "]" * 500 + "\n"
    try:
        load_text(deep, file="deep.yaml")
    except MethodologyError as e:
        assert "deep" in str(e) or "nest" in str(e)
    else:
        raise AssertionError("accepted")
    data: dict[str, Any] = {"code": "1", "label": "x", "max": 1, "method": "appraisal"}
    for _i in range(30):
        data = {"code": "1" + ".1" * 0, "label": "x", "method": "appraisal", "children": [data]}
    try:
        load_text(dump({"parindex": 1, "nodes": [data]}), file="deep2.yaml")
    except MethodologyError:
        pass
    else:
        raise AssertionError("accepted")
