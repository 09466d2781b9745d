"""Text written for a reader: the one definition of what parindex lets through to a terminal, a
Markdown or HTML page, a CSV file or a spreadsheet cell (the lowest layer: nothing of parindex).

Unit names, labels, notes, evidence and remedies come from files that many people type and other
systems pass on. Before they reach a reader:

:func:`clean`
    folds ``\\r\\n``, ``\\r`` and the Unicode line separators to ``\\n``, turns tabs into spaces,
    and drops ANSI escape sequences, every other control character and the bidirectional
    overrides, embeddings, isolates and marks (which reorder what a reader sees). Every text
    output uses it.
:func:`csv_cell`
    a CSV cell, cleaned and neutralised against formula injection as OWASP advises: a text that
    starts with ``=``, ``+``, ``-`` or ``@`` (after leading spaces), or with a tab or a carriage
    return, gets a leading apostrophe, so that a spreadsheet shows it as text.
:func:`put_text`, :func:`append_row`
    store a value (a row) in an openpyxl sheet: text always as text (a string cell, never a
    formula, with Excel's quote prefix when it looks like one), numbers as numbers.
:func:`markdown_text`
    text for a Markdown page: cleaned, raw HTML escaped (``<script>`` shows as text) and link
    brackets escaped, so that a page never runs or loads anything.
:func:`html_text`
    text for an HTML page: cleaned and escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "FORMULA_START",
    "append_row",
    "clean",
    "csv_cell",
    "csv_row",
    "html_text",
    "looks_like_formula",
    "markdown_text",
    "put_text",
]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@")

# ESC-started sequences: CSI (colours, cursor moves), OSC (window titles, hyperlinks; ended by BEL
# or ST) and the two-character escapes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)")
# C0 controls but newline, DEL, C1 controls, and the bidirectional formatting characters.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")


def clean(text: str, *, newlines: bool = True) -> str:
    """``text`` without anything that acts on its reader's screen: line breaks folded to ``\\n``
    (or to a space with ``newlines=False``), tabs as spaces, ANSI escapes, control characters and
    bidirectional controls dropped. Printable text comes back unchanged."""
    if text.isprintable():
        return text
    text = _NEWLINES.sub("\n", text)
    text = _ANSI.sub("", text).replace("\t", " ")
    text = _CONTROL.sub("", text)
    return text if newlines else text.replace("\n", " ")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (its first character after
    leading whitespace is one of :data:`FORMULA_START`, or it starts with a tab or a carriage
    return)."""
    return text.lstrip().startswith(FORMULA_START) or text.startswith(("\t", "\r"))


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text cleaned and, when it could be read as a formula, prefixed
    with an apostrophe (OWASP's advice); anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    text = clean(value)
    return "'" + text if looks_like_formula(value) or looks_like_formula(text) else text


def csv_row(*values: Any) -> list[Any]:
    """A CSV row of ``values``, each through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def put_text(cell: Any, value: Any) -> Any:
    """Store ``value`` in the openpyxl ``cell`` and return the cell: text cleaned and always as a
    string cell (never a formula; with the quote prefix when it looks like one, so that editing
    the cell keeps it text), ``None`` as an empty cell, numbers as they are."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = clean(value)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append ``values`` as a row of the openpyxl worksheet ``ws``, every text through
    :func:`put_text` (``ws.append`` alone would store ``"=..."`` as a formula)."""
    ws.append([clean(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            put_text(cell, cell.value)


def markdown_text(text: str) -> str:
    """``text`` for a Markdown page: cleaned onto one line, ``&``, ``<`` and ``>`` as HTML entities (raw HTML
    never reaches the page) and backslashes, ``[``, ``]`` and backquotes escaped (no links,
    images or code)."""
    text = html.escape(clean(text, newlines=False).replace("\\", "\\\\"), quote=False)
    return text.replace("[", "\\[").replace("]", "\\]").replace("`", "\\`")


def html_text(value: object) -> str:
    """``value`` as text for an HTML page or an SVG: cleaned and escaped, quotes included."""
    return html.escape(clean(str(value)), quote=True)
