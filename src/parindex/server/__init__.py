"""``parindex serve``: the scoring engine as a small JSON web service (extra ``parindex[server]``).

``create_app()`` builds the ASGI application (FastAPI); ``serve()`` runs it with uvicorn on
127.0.0.1 unless told otherwise. The service is stateless: every request names its methodology
(a shipped id, never a file path) and carries its inputs; nothing is kept between requests.
Bad input of any kind gets a 4xx answer holding the ``error`` schema
(:meth:`~parindex.errors.ParIndexError.to_dict`); the OpenAPI description (``/openapi.json``)
embeds the same JSON Schemas as :func:`parindex.schema`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DEFAULT_HOST", "DEFAULT_MAX_BODY", "DEFAULT_PORT", "create_app", "serve"]

#: The address the service binds to unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: The largest request body accepted, in bytes (a batch of about 5,000 small assessments).
DEFAULT_MAX_BODY = 5_000_000


def _need() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:  # the optional extra
        raise MissingExtraError(
            "the web service needs the 'server' extra: pip install 'parindex[server]'",
            value=exc.name,
        ) from None


def create_app(*, max_body: int = DEFAULT_MAX_BODY) -> FastAPI:
    """The web service as an ASGI application; ``max_body`` limits a request's size in bytes."""
    _need()
    from .app import build_app

    return build_app(max_body=max_body)


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    log_level: str = "info",
) -> None:
    """Run the service with uvicorn until interrupted (127.0.0.1 unless ``host`` says otherwise)."""
    _need()
    import uvicorn

    config: Any = uvicorn.Config(
        create_app(max_body=max_body), host=host, port=port, log_level=log_level
    )
    uvicorn.Server(config).run()
