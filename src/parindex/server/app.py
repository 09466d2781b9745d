"""The FastAPI application of ``parindex serve`` (the addresses; the work is in ``handlers``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import MissingExtraError, ParIndexError
from ..schemas import NAMES
from . import handlers as h

__all__ = ["build_app", "status_of"]

log = logging.getLogger("parindex.server")

#: Error codes answered with a status other than 422 (Unprocessable Content).
_STATUS: dict[str, int] = {
    "invalid-request": 400,
    "not-found": 404,
    "unknown-methodology": 404,
    "unknown-year": 404,
    "not-encoded": 404,
    "request-too-large": 413,
}


def status_of(exc: ParIndexError) -> int:
    """The HTTP status of a library error: 4xx, by its code (a missing extra is the server's)."""
    if isinstance(exc, MissingExtraError):
        return 501
    return _STATUS.get(exc.error_code, 422)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json")


def _error(exc: ParIndexError, lang: str) -> Response:
    return _json(exc.to_dict(lang if lang in h.LANGS else "vi"), status_of(exc))


def _lang(request: Request) -> str:
    return request.query_params.get("lang", "vi")


async def _body(request: Request, limit: int) -> Any:
    """The request's JSON, read no further than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_large = ParIndexError(error_code="request-too-large", params={"limit": limit})
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return h.parse_json(b"".join(chunks))


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_schema(*fields: tuple[str, dict[str, Any]], required: tuple[str, ...]) -> Any:
    props: dict[str, Any] = {
        "methodology": {"type": "string", "examples": ["vn-moha/province"]},
        "year": {"type": ["integer", "null"], "examples": [2023]},
        "upto": {"type": ["string", "null"]},
        "missing": {"type": ["string", "null"]},
    }
    props.update(dict(fields))
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["methodology", *required],
                        "properties": props,
                    }
                }
            },
        }
    }


def _responses(schema: dict[str, Any] | None, media: str = "application/json") -> Any:
    ok: dict[str, Any] = {"description": "OK"}
    if schema is not None:
        ok["content"] = {media: {"schema": schema}}
    err = {"description": "bad input", "content": {"application/json": {"schema": _ref("error")}}}
    return {200: ok, 400: err, 404: err, 413: err, 422: err}


_ONE = ("assessment", _ref("assessment"))
_MANY = ("assessments", {"type": "array", "items": _ref("assessment")})


def build_app(*, max_body: int) -> FastAPI:
    app = FastAPI(
        title="parindex",
        version=__version__,
        description="PAR INDEX and SIPAS scoring as a JSON service. Errors follow the 'error' "
        "schema; every answer carries format_version.",
    )

    @app.exception_handler(ParIndexError)
    async def library_error(request: Request, exc: ParIndexError) -> Response:
        return _error(exc, _lang(request))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = "not-found" if exc.status_code in (404, 405) else "invalid-request"
        err = ParIndexError(str(exc.detail), error_code=code, pointer=request.url.path)
        return _json(
            err.to_dict(_lang(request) if _lang(request) in h.LANGS else "vi"),
            exc.status_code if 400 <= exc.status_code < 500 else 400,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = "/" + "/".join(str(x) for x in first.get("loc", ())[1:])
        err = ParIndexError(
            str(first.get("msg", "bad request")), error_code="invalid-request", pointer=where
        )
        return _error(err, _lang(request))

    @app.exception_handler(Exception)
    async def last_resort(request: Request, exc: Exception) -> Response:  # pragma: no cover
        log.exception("unexpected error on %s", request.url.path)
        err = ParIndexError("internal error", error_code="error")
        return _json(err.to_dict(), 500)

    def post(
        path: str,
        work: Callable[[Any], dict[str, Any]],
        response: str | None,
        extra: dict[str, Any],
        summary: str,
    ) -> None:
        schema = None if response is None else _ref(response)

        async def endpoint(request: Request) -> Response:
            h.check_lang(_lang(request))
            payload = await _body(request, max_body)
            return _json(await run_in_threadpool(work, payload))

        app.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            summary=summary,
            openapi_extra=extra,
            responses=_responses(schema),
            name=path,
        )

    @app.get("/methodologies", summary="the shipped methodologies")
    async def methodologies() -> Response:
        return _json(h.list_methodologies())

    @app.get(
        "/methodologies/{ident:path}",
        summary="one methodology's tree (id, or id + year)",
        responses=_responses(None),
    )
    async def methodology(ident: str, year: int | None = None) -> Response:
        return _json(await run_in_threadpool(h.show_methodology, ident, year))

    @app.get("/schemas", summary="the names of the JSON Schemas")
    async def schemas() -> Response:
        return _json({"format_version": h.FORMAT_VERSION, "schemas": list(h.SCHEMA_NAMES)})

    @app.get(
        "/schemas/{name}",
        summary="a JSON Schema (draft 2020-12)",
        responses=_responses(None, "application/schema+json"),
    )
    async def schema(name: str) -> Response:
        if name not in h.SCHEMA_NAMES:
            raise ParIndexError(f"no schema {name!r}", error_code="not-found", value=name)
        return _json(h.schema_of(name))

    post(
        "/score",
        h.do_score,
        "card",
        _request_schema(_ONE, ("collect", {"type": "boolean"}), required=("assessment",)),
        "score one unit: its card",
    )
    post(
        "/score-many",
        h.do_score_many,
        None,
        _request_schema(_MANY, required=("assessments",)),
        "score many units: {format_version, cards}",
    )
    post(
        "/gaps",
        h.do_gaps,
        "gaps",
        _request_schema(_ONE, required=("assessment",)),
        "the points one unit lost, item by item",
    )
    post(
        "/compare",
        h.do_compare,
        None,
        _request_schema(
            _ONE,
            ("previous", _ref("assessment")),
            ("previous_methodology", {"type": "string"}),
            required=("assessment",),
        ),
        "stages of one card, or the change from an earlier period ('previous')",
    )
    post(
        "/rank",
        h.do_rank,
        "ranking",
        _request_schema(
            _MANY,
            ("previous", _MANY[1]),
            ("tie", {"enum": ["rounded", "exact"]}),
            required=("assessments",),
        ),
        "rank units by index",
    )

    report_extra = _request_schema(
        _ONE,
        ("previous", _ref("assessment")),
        ("peers", _MANY[1]),
        ("title", {"type": "string"}),
        required=("assessment",),
    )

    @app.post(
        "/report/{fmt}",
        summary="the quarterly report as a file: md, html or xlsx",
        openapi_extra=report_extra,
        responses=_responses({"type": "string"}, "text/markdown"),
    )
    async def report(fmt: str, request: Request) -> Response:
        lang = h.check_lang(_lang(request))
        payload = await _body(request, max_body)
        data = await run_in_threadpool(h.do_report, payload, fmt, lang)
        return Response(
            data,
            media_type=h.REPORT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="report.{fmt}"'},
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            for name in NAMES:
                components[name] = h.schema_of(name)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
