"""Commands ``parindex serve`` (the web service) and ``parindex test FILES...`` (a province's
own test cases), added to the CLI through EXTENSIONS."""

from __future__ import annotations

import argparse

__all__ = ["add_parser"]


def _cmd_serve(args: argparse.Namespace) -> int:
    from ..server import serve

    serve(args.host, args.port, max_body=args.max_body, log_level=args.log_level)
    return 0


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
