"""The JSON Schemas (draft 2020-12) of what parindex reads and writes, for systems that embed it.

``schema("card")`` is the schema of ``ScoreCard.to_dict()``; the names are in :data:`NAMES`.
Every serialised object carries ``format_version``; a schema's ``$id`` names its version.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..errors import ParIndexError

__all__ = ["NAMES", "schema"]

#: The shipped schemas: the assessment (input), the error, the card, the ranking, the gap report.
NAMES: tuple[str, ...] = ("assessment", "card", "error", "gaps", "ranking")


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called ``name`` (one of :data:`NAMES`), as a new dictionary."""
    if name not in NAMES:
        raise ParIndexError(
            f"no schema {name!r}; available: {', '.join(NAMES)}",
            value=name,
            pointer="/name",
        )
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
