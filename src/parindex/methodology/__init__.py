"""Methodologies: the model, the strict loader, the shipped files and the JSON Schema."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .loader import load_file as load_scoring_file
from .loader import load_text
from .model import Label, LegalBasis, Methodology, Node
from .registry import available, known, load, load_file

__all__ = [
    "Label",
    "LegalBasis",
    "Methodology",
    "Node",
    "available",
    "json_schema",
    "known",
    "load",
    "load_file",
    "load_scoring_file",
    "load_text",
]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the methodology file format (also in docs/methodology.schema.json)."""
    text = (resources.files("parindex.methodology") / "schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
