"""Shared fixtures: paths of the repository and small methodology builders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from parindex.methodology.loader import load_text
from parindex.methodology.model import Methodology

# Hypothesis checks properties, not speed: on a shared two-core machine a single example may take
# longer than the default 200 ms deadline, so the deadline is off (speed lives in benchmarks/).
settings.register_profile("parindex", deadline=None)
settings.load_profile("parindex")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


HEADER = """\
parindex: 1
issuer: test
scheme: unit
version: "2024"
years: [2024]
title: {{vi: "Bộ chỉ số kiểm thử", en: "Test scheme"}}
status: inferred
detail: full
legal_basis: {{decision: "TEST"}}
scale: {scale}
not_applicable: {na}
missing: {missing}
"""


def make(
    nodes_yaml: str, *, scale: float = 10, na: str = "drop", missing: str = "zero", extra: str = ""
) -> Methodology:
    """Build a methodology from a YAML fragment listing the nodes (hand-worked test trees)."""
    text = (
        HEADER.format(scale=scale, na=na, missing=missing)
        + extra
        + "nodes:\n"
        + textwrap.indent(textwrap.dedent(nodes_yaml), "  ")
    )
    return load_text(text, file="test.yaml")
