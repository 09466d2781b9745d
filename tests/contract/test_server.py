"""``parindex serve``: the web service, started on a free local port and called over HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

import parindex

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from parindex.server import DEFAULT_HOST, create_app  # noqa: E402

WORKED = {"TD": 55, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45}  # the README's example
M = {"methodology": "vn-moha/province", "year": 2023}
LIMIT = 200_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(max_body=LIMIT), host="127.0.0.1", port=port, log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[Any]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def check(name: str, data: Any) -> None:
    jsonschema.Draft202012Validator(parindex.schema(name)).validate(data)


def is_error(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert (400 <= r.status_code < 500) if status == 4 else r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    check("error", body)
    if code is not None:
        assert body["code"] == code, body
    return body


def test_binds_to_this_machine_unless_told() -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    from parindex.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_methodologies_list_show_and_schemas(client: Any) -> None:
    r = client.get("/methodologies")
    assert r.status_code == 200
    ids = [x["id"] for x in r.json()["methodologies"]]
    assert "vn-moha/province/2022" in ids
    shown = client.get("/methodologies/vn-moha/province", params={"year": 2023}).json()
    assert shown["id"] == "vn-moha/province/2022"
    assert {n["code"] for n in shown["nodes"]} >= {"TD", "KTXH", "XHH", "SIPAS"}
    for name in client.get("/schemas").json()["schemas"]:
        s = client.get(f"/schemas/{name}").json()
        jsonschema.Draft202012Validator.check_schema(s)
    is_error(client.get("/schemas/nothing"), 404, "not-found")
    is_error(client.get("/methodologies/no/such"), 4)


def test_openapi_embeds_the_shipped_schemas(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    for name in parindex.schemas.NAMES:
        assert spec["components"]["schemas"][name] == parindex.schema(name)
    assert {"/score", "/score-many", "/gaps", "/compare", "/rank", "/report/{fmt}"} <= set(
        spec["paths"]
    )


def test_score_one_is_the_worked_example(client: Any) -> None:
    r = client.post("/score", json={**M, "assessment": WORKED})
    assert r.status_code == 200, r.text
    card = r.json()
    check("card", card)
    assert card["index"] == pytest.approx(87.095)
    assert card["group_code"] == "B"
    m = parindex.load("vn-moha/province", year=2023)
    assert card == json.loads(json.dumps(parindex.score(m, WORKED).to_dict()))


def test_score_many_rank_gaps_compare(client: Any) -> None:
    units = [{"unit": f"U{i}", "values": {**WORKED, "TD": 40 + i}} for i in range(5)]
    r = client.post("/score-many", json={**M, "assessments": units})
    assert r.status_code == 200, r.text
    for c in r.json()["cards"]:
        check("card", c)
    ranking = client.post("/rank", json={**M, "assessments": units}).json()
    check("ranking", ranking)
    assert [row["unit"] for row in ranking["rows"]] == ["U4", "U3", "U2", "U1", "U0"]
    g = client.post("/gaps", json={**M, "assessment": units[0]}).json()
    check("gaps", g)
    c = client.post("/compare", json={**M, "assessment": units[1], "previous": units[0]})
    assert c.status_code == 200, c.text
    assert c.json()["rows"]
    assert client.post("/compare", json={**M, "assessment": WORKED}).status_code == 200


@pytest.mark.parametrize("fmt", ["md", "html", "xlsx"])
def test_report_is_a_download(client: Any, fmt: str) -> None:
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    r = client.post(f"/report/{fmt}", json={**M, "assessment": WORKED}, params={"lang": "en"})
    assert r.status_code == 200, r.text
    assert f'filename="report.{fmt}"' in r.headers["content-disposition"]
    assert r.content
    is_error(client.post("/report/pdf", json={**M, "assessment": WORKED}), 400, "invalid-request")


# Each case of the issue, sent as JSON: a 4xx with the error schema, never a 500 or a changed score.
BAD: list[tuple[str, bytes | dict[str, Any], int, str]] = [
    (
        "na as a text",
        {**M, "assessment": {"TD": {"value": 50, "not_applicable": "maybe"}}},
        422,
        "wrong-type",
    ),
    (
        "na with a value",
        {**M, "assessment": {"TD": {"value": 50, "not_applicable": True}}},
        422,
        "not-applicable-with-value",
    ),
    (
        "10**400",
        b'{"methodology": "vn-moha/province", "year": 2023, "assessment": {"TD": 1'
        + b"0" * 400
        + b"}}",
        422,
        "out-of-range",
    ),
    (
        "evidence a number",
        {**M, "assessment": {"TD": {"value": 1, "evidence": 5}}},
        422,
        "wrong-type",
    ),
    ("deep nesting", b"[" * 100_000, 400, "invalid-request"),
    ("deep nesting, small", b"[" * 50_000 + b"]" * 50_000, 400, "invalid-request"),
    (
        "lone surrogate",
        b'{"methodology": "vn-moha/province", "year": 2023, "assessment": '
        b'{"unit": "\\ud800", "values": {"TD": 1}}}',
        400,
        "invalid-request",
    ),
    (
        "capped total (2020)",
        {"methodology": "vn-moha/province", "year": 2020, "assessment": {**WORKED, "TD": 500}},
        422,
        "out-of-range",
    ),
    ("over a known maximum", {**M, "assessment": {**WORKED, "TD": 500}}, 422, "out-of-range"),
    (
        "year as a text",
        {"methodology": "vn-moha/province", "year": "2023", "assessment": WORKED},
        422,
        "wrong-type",
    ),
    ("values as a list", {**M, "assessment": {"values": [1, 2]}}, 422, "wrong-type"),
    ("unknown key", {**M, "assessment": WORKED, "extra": 1}, 422, "unknown-keys"),
    ("not an object", b"[1, 2]", 400, "invalid-request"),
    ("not JSON", b"{nope", 400, "invalid-request"),
    (
        "NaN",
        b'{"methodology": "vn-moha/province", "assessment": {"TD": NaN}}',
        400,
        "invalid-request",
    ),
    (
        "unknown methodology",
        {"methodology": "no/such", "assessment": WORKED},
        4,
        "",
    ),
    ("file path as methodology", {"methodology": "/etc/passwd", "assessment": WORKED}, 4, ""),
    ("too large", b"{" + b" " * (LIMIT + 1) + b"}", 413, "request-too-large"),
]


@pytest.mark.parametrize(("why", "body", "status", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_4xx_with_the_error_schema(
    client: Any, why: str, body: Any, status: int, code: str
) -> None:
    if isinstance(body, bytes):
        r = client.post("/score", content=body, headers={"content-type": "application/json"})
    else:
        r = client.post("/score", json=body)
    err = is_error(r, status, code or None)
    assert err["messages"]["vi"] and err["messages"]["en"]


def test_unknown_address_and_method(client: Any) -> None:
    is_error(client.get("/nothing"), 404, "not-found")
    is_error(client.get("/score"), 405)
    is_error(client.post("/score", json={**M, "assessment": WORKED}, params={"lang": "fr"}), 400)


def test_errors_point_into_the_request(client: Any) -> None:
    units = [{"unit": "A", "values": WORKED}, {"unit": "B", "values": {**WORKED, "TD": 99}}]
    err = is_error(client.post("/score-many", json={**M, "assessments": units}), 422)
    assert err["pointer"] == "/assessments/1/stages/self/TD"
    err = is_error(
        client.post("/score", json={**M, "assessment": WORKED | {"TD": -1}, "collect": True}), 422
    )
    assert err["pointer"] == "/assessment"
    assert [e["pointer"] for e in err["errors"]] == ["/assessment/stages/self/TD"]
