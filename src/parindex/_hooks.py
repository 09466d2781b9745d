"""How model objects reach their presentation without importing it.

Methodologies, score cards, card sets, gap reports and rankings sit below the presentation
layers (``parindex.render``, ``parindex.io``), so their modules may not import them. Their
``_repr_html_``, ``table`` and ``to_frame`` methods call :func:`html`, :func:`table` and
:func:`frame` here instead. The presentation modules fill the registry with :func:`register`
when they are imported: ``parindex.render`` registers the notebook HTML and the text tables,
``parindex.io.frames`` the pandas frames.

Readers of file formats that live above the assessment layer (the self-assessment workbook,
read by ``parindex.io``) register the same way with :func:`register_reader`, and
:func:`parindex.read_assessments` asks :func:`reader` for them.

The first call of a kind imports the module named in :data:`PROVIDERS` (or
:data:`READER_PROVIDERS`) with :func:`importlib.import_module`, in :func:`_import`: the one place where the library
imports upwards. The import-contract tests (``tests/render/test_layers.py``) check that no model module
imports a presentation module in any other way. This module imports nothing of parindex.

:func:`load_methodology` serves only the deprecated ``ScoreCard.from_dict(data)`` without a
methodology (a card does not load files); it goes when that form goes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "PROVIDERS",
    "READER_PROVIDERS",
    "call",
    "frame",
    "html",
    "load_methodology",
    "reader",
    "register",
    "register_reader",
    "table",
]

#: The module that registers the functions of each kind when it is imported.
PROVIDERS: Mapping[str, str] = {
    "html": "parindex.render",
    "table": "parindex.render",
    "frame": "parindex.io.frames",
    "methodology": "parindex.methodology.registry",
}

#: The module that registers the reader of each file suffix that a higher layer reads: the
#: self-assessment workbook is read by ``parindex.io`` (optional extra ``xlsx``), yet
#: :func:`parindex.read_assessments`, in the assessment layer, is the one reader of every format.
READER_PROVIDERS: Mapping[str, str] = {".xlsx": "parindex.io"}

_REGISTRY: dict[tuple[str, type], Callable[..., Any]] = {}
_READERS: dict[str, Callable[..., Any]] = {}


def register(kind: str, cls: type, func: Callable[..., Any]) -> None:
    """Make ``func(obj, **options)`` the ``kind`` presentation of ``cls`` (and its subclasses)."""
    if kind not in PROVIDERS:
        raise ValueError(f"unknown presentation kind {kind!r}")
    _REGISTRY[kind, cls] = func


def register_reader(suffix: str, func: Callable[..., Any]) -> None:
    """Make ``func(path, methodology)`` the reader of files ending in ``suffix`` (``.xlsx``)."""
    if suffix not in READER_PROVIDERS:
        raise ValueError(f"unknown file suffix {suffix!r}")
    _READERS[suffix] = func


def reader(suffix: str) -> Callable[..., Any] | None:
    """The registered reader of ``suffix`` (importing its provider once), or None."""
    if suffix not in READER_PROVIDERS:
        return None
    if suffix not in _READERS:
        _import(READER_PROVIDERS[suffix])
    return _READERS.get(suffix)


def _find(kind: str, cls: type) -> Callable[..., Any] | None:
    for klass in cls.__mro__:
        func = _REGISTRY.get((kind, klass))
        if func is not None:
            return func
    return None


def call(kind: str, obj: object, /, **options: Any) -> Any:
    """Present ``obj`` as ``kind`` with the registered function (importing its provider once)."""
    func = _find(kind, type(obj))
    if func is None:
        _provide(kind)
        func = _find(kind, type(obj))
    if func is None:
        raise TypeError(f"no {kind} presentation for {type(obj).__name__}")
    return func(obj, **options)


def _provide(kind: str) -> Any:
    """Import the provider of ``kind``."""
    return _import(PROVIDERS[kind])


def _import(module: str) -> Any:
    """The one upward import of the library (see the module doc)."""
    return importlib.import_module(module)


def load_methodology(ident: str) -> Any:
    """The shipped methodology ``ident`` (for the deprecated ``ScoreCard.from_dict(data)``)."""
    return _provide("methodology").load(ident)


def html(obj: object, **options: Any) -> str:
    """The notebook HTML of ``obj`` (what ``_repr_html_`` returns)."""
    return str(call("html", obj, **options))


def table(obj: object, **options: Any) -> str:
    """The plain-text table of ``obj``."""
    return str(call("table", obj, **options))


def frame(obj: object, **options: Any) -> Any:
    """The pandas DataFrame of ``obj`` (extra ``pandas``)."""
    return call("frame", obj, **options)
