"""Strict, safe YAML reading with positions.

* Only the safe YAML types are constructed; any object tag (``!!python/...``) is an error.
* Duplicate keys are an error (PyYAML silently keeps the last one).
* Dates stay strings, and only ``true``/``false`` are booleans (``no``, ``on`` stay strings: a
  level code such as ``NO`` must not turn into ``False``).
* Every mapping and sequence remembers the line and column of its keys and items, so that the
  loader's messages can point at the exact place in the file.

Everything here raises :class:`parindex.errors.MethodologyError` (or the error class the caller
passes) and nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, cast

import attrs
import yaml

from .._files import decode_text
from .._text import nfc
from .._types import STATUSES, Label, LegalBasis, Status
from ..errors import MethodologyError, ParIndexError

__all__ = [
    "FILE_KINDS",
    "FileHeader",
    "MarkedDict",
    "MarkedList",
    "Reader",
    "choice",
    "load_yaml",
    "nfc",
    "read_header",
    "read_label",
    "read_legal",
    "read_status",
    "read_years",
]

MAX_DEPTH = 60
MAX_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000

Mark = tuple[int, int]  # 1-based line and column


class MarkedDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys stood in the file."""

    mark: Mark = (0, 0)
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]


class MarkedList(list[Any]):
    """A sequence that remembers where it and each of its items stood in the file."""

    mark: Mark = (0, 0)
    item_marks: list[Mark]


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamps, with YAML 1.2-like booleans, keeping positions."""


_StrictLoader.yaml_implicit_resolvers = {}


# Copy SafeLoader's implicit resolvers except timestamps, the YAML 1.1 yes/no/on/off booleans and
# its numbers: YAML 1.1 reads 1:40 as 100 (base 60), 010 as 8 (octal), 0x10 as 16. Numbers here
# are decimal as a person writes them; anything else stays text (and is refused where a number
# is expected).
_DROPPED = (
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
)
for _first, _resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
    _kept = [(tag, regexp) for tag, regexp in _resolvers if tag not in _DROPPED]
    if _kept:
        _StrictLoader.yaml_implicit_resolvers[_first] = _kept
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


class _FileError(Exception):
    def __init__(self, message: str, mark: Mark, value: Any = None, has_value: bool = False):
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.value = value
        self.has_value = has_value


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap")


def _construct(loader: _StrictLoader, node: yaml.Node, depth: int) -> Any:
    loader.parindex_count += 1  # type: ignore[attr-defined]
    if loader.parindex_count > MAX_NODES:  # type: ignore[attr-defined]
        raise _FileError(f"more than {MAX_NODES} values (aliases expanding?)", _mark(node))
    if depth > MAX_DEPTH:
        raise _FileError(f"nesting deeper than {MAX_DEPTH} levels", _mark(node))
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise _FileError(
            f"object tags are not allowed in methodology files (found {node.tag})", _mark(node)
        )
    if isinstance(node, yaml.MappingNode):
        out = MarkedDict()
        out.mark = _mark(node)
        out.key_marks = {}
        out.value_marks = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _construct(loader, key_node, depth + 1)
            if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                raise _FileError("a key must be a plain text or number", _mark(key_node), key, True)
            # Keys are codes: read as written (1.10 is criterion 1.10, not the number 1.1).
            skey = key if isinstance(key, str) else str(key_node.value)
            if skey in out:
                first = out.key_marks[skey]
                raise _FileError(
                    f"duplicate key {skey!r} (first given at line {first[0]})",
                    _mark(key_node),
                )
            out[skey] = _construct(loader, value_node, depth + 1)
            out.key_marks[skey] = _mark(key_node)
            out.value_marks[skey] = _mark(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = MarkedList()
        seq.mark = _mark(node)
        seq.item_marks = []
        for item in node.value:
            seq.append(_construct(loader, item, depth + 1))
            seq.item_marks.append(_mark(item))
        return seq
    return loader.construct_object(node, deep=True)


def load_yaml(text: str | bytes, *, file: str) -> Any:
    """Parse YAML text strictly; return MarkedDict / MarkedList / scalars."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise MethodologyError(f"file larger than {MAX_BYTES} bytes", file=file)
        text = decode_text(text, file=file, error=MethodologyError)
    elif "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise MethodologyError("the file contains a NUL character", file=file, line=line)
    try:
        loader = _StrictLoader(text)
    except yaml.YAMLError as exc:
        raise MethodologyError(f"invalid YAML: {exc}", file=file) from None
    loader.parindex_count = 0  # type: ignore[attr-defined]
    try:
        root = loader.get_single_node()
        if root is None:
            raise MethodologyError("the file is empty", file=file)
        return _construct(loader, root, 0)
    except _FileError as exc:
        kwargs: dict[str, Any] = {"file": file, "line": exc.mark[0], "column": exc.mark[1]}
        if exc.has_value:
            kwargs["value"] = exc.value
        raise MethodologyError(exc.message, **kwargs) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            problem = "object tags are not allowed in methodology files: " + problem
        raise MethodologyError(
            f"invalid YAML: {problem}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise MethodologyError(f"invalid YAML: {exc}", file=file) from None
    except RecursionError:
        raise MethodologyError("nesting too deep to read", file=file) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. bad base64, float overflow
        raise MethodologyError(f"invalid YAML value: {exc}", file=file) from None
    finally:
        loader.dispose()


_TYPE_NAMES: dict[type, str] = {
    str: "a text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    MarkedDict: "a mapping (key: value)",
    MarkedList: "a list",
}


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, MarkedDict | dict):
        return "a mapping"
    if isinstance(value, MarkedList | list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"the text {value!r}"


class Reader:
    """Read the keys of one mapping with type checks; unknown keys are errors.

    ``Reader(data, file=..., code=..., what=...)`` then ``req``/``opt`` for each key and finally
    ``done()``, which refuses any key not read.
    """

    def __init__(
        self,
        data: Any,
        *,
        file: str,
        what: str,
        code: str | None = None,
        mark: Mark | None = None,
        error: type[ParIndexError] = MethodologyError,
    ) -> None:
        self.file = file
        self.what = what
        self.code = code
        self.error = error
        if not isinstance(data, dict):
            self.fail(f"{what} must be a mapping (key: value), found {describe(data)}", mark)
        self.data: dict[str, Any] = data
        self.mark: Mark = getattr(data, "mark", mark or (0, 0))
        self.seen: set[str] = set()

    # -- positions --------------------------------------------------------------------------
    def key_mark(self, key: str) -> Mark:
        marks: dict[str, Mark] | None = getattr(self.data, "key_marks", None)
        return marks.get(key, self.mark) if marks else self.mark

    def value_mark(self, key: str) -> Mark:
        marks: dict[str, Mark] | None = getattr(self.data, "value_marks", None)
        return marks.get(key, self.mark) if marks else self.mark

    def fail(self, message: str, mark: Mark | None = None, **extra: Any) -> NoReturn:
        m = mark or getattr(self, "mark", None) or (0, 0)
        raise self.error(
            message,
            file=self.file,
            line=m[0] or None,
            column=m[1] or None,
            code=self.code,
            **extra,
        )

    def fail_key(self, key: str, message: str, **extra: Any) -> NoReturn:
        self.fail(f"{self.what}: '{key}': {message}", self.value_mark(key), **extra)

    # -- reading -----------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        self.seen.add(key)
        return self.data.get(key)

    def req(
        self, key: str, kind: Callable[[Reader, str, Any], Any] | type | tuple[type, ...]
    ) -> Any:
        if key not in self.data:
            self.fail(f"{self.what}: the key '{key}' is required")
        return self.opt(key, kind)

    def opt(
        self,
        key: str,
        kind: Callable[[Reader, str, Any], Any] | type | tuple[type, ...],
        default: Any = None,
    ) -> Any:
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(kind, type | tuple):
            return self.check_type(key, value, kind)
        return kind(self, key, value)

    def check_type(self, key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, bool) and bool not in kinds:
            ok = False
        else:
            ok = isinstance(value, kinds)
        if not ok:
            expected = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            self.fail_key(key, f"expected {expected}, found {describe(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail_key(key, "expected a finite number", value=value)
        return value

    def done(self, allowed_extra: Iterable[str] = ()) -> None:
        extra = set(allowed_extra)
        unknown = [k for k in self.data if k not in self.seen and k not in extra]
        if unknown:
            allowed = sorted(self.seen | extra)
            key = unknown[0]
            self.fail(
                f"{self.what}: unknown key '{key}'; allowed keys are: {', '.join(allowed)}",
                self.key_mark(key),
            )


# -- value checkers usable with Reader.opt / Reader.req ----------------------------------------


def number(r: Reader, key: str, value: Any) -> float:
    return float(r.check_type(key, value, float))


def text(r: Reader, key: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # codes such as 1 or 1.1 written without quotes
        return str(value)
    s: str = r.check_type(key, value, str)
    if not s.strip():
        r.fail_key(key, "must not be empty")
    return s


def choice(options: tuple[str, ...]) -> Any:
    """A value checker accepting one of ``options`` (strings)."""

    def read(r: Reader, key: str, value: Any) -> str:
        s = r.check_type(key, value, str)
        if s not in options:
            r.fail_key(key, f"expected one of {', '.join(options)}", value=s)
        return str(s)

    return read


def item_marks(seq: Any) -> list[Mark]:
    marks: list[Mark] | None = getattr(seq, "item_marks", None)
    return marks if marks is not None else [getattr(seq, "mark", (0, 0))] * len(seq)


def mapping_items(r: Reader, key: str, value: Any) -> Mapping[str, Any]:
    return r.check_type(key, value, dict)  # type: ignore[no-any-return]


# -- general readers usable with Reader.opt / Reader.req (every kind of file) ------------------


def read_label(r: Reader, key: str, value: Any) -> Label:
    if isinstance(value, str):
        if not value.strip():
            r.fail_key(key, "a label must not be empty")
        return Label(nfc(value.strip()))
    sub = Reader(value, file=r.file, what=f"{r.what}: {key}", code=r.code, mark=r.value_mark(key))
    vi = sub.req("vi", text)
    en = sub.opt("en", text)
    sub.done()
    return Label(nfc(vi.strip()), nfc(en.strip()) if en is not None else None)


def read_status(r: Reader, key: str, value: Any) -> Status:
    s = r.check_type(key, value, str)
    if s not in STATUSES:
        r.fail_key(key, f"expected one of {', '.join(STATUSES)}", value=s)
    return cast(Status, str(s))


def read_legal(r: Reader, key: str, value: Any) -> LegalBasis:
    sub = Reader(value, file=r.file, what=key, mark=r.value_mark(key))
    lb = LegalBasis(
        decision=nfc(sub.req("decision", text)),
        date=sub.opt("date", text),
        title=sub.opt("title", read_label),
        url=sub.opt("url", text),
        note=sub.opt("note", text),
    )
    if lb.date is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", lb.date):
        sub.fail_key("date", "expected a date written YYYY-MM-DD", value=lb.date)
    sub.done()
    return lb


def read_years(r: Reader, key: str, value: Any) -> tuple[int, ...]:
    seq = r.check_type(key, value, list)
    if not seq:
        r.fail_key(key, "list at least one assessment year")
    years: list[int] = []
    for y in seq:
        if isinstance(y, bool) or not isinstance(y, int) or not 1990 <= y <= 2100:
            r.fail_key(key, "expected assessment years such as 2022", value=y)
        years.append(y)
    if years != sorted(set(years)):
        r.fail_key(key, "years must be increasing without repeats", value=years)
    return tuple(years)


# -- the header every kind of file shares --------------------------------------------------------

#: The format version of every kind of file (the ``parindex:`` key).
FORMAT_VERSION = 1
#: The kinds of file parindex reads (the ``kind:`` key; a file without one is ``scoring``).
FILE_KINDS = ("scoring", "survey", "family", "applicability")


@attrs.frozen
class FileHeader:
    """What every methodology, survey and family file starts with, read once by
    :func:`read_header`: its kind, where it stands (issuer, scheme, version, id), the years it
    governs, its title, status, legal basis, source and notes."""

    kind: str
    id: str
    issuer: str
    scheme: str | None
    version: str
    years: tuple[int, ...]
    title: Label
    status: Status
    legal_basis: LegalBasis
    source: str | None = None
    notes: tuple[str, ...] = ()
    file: str | None = None


def read_kind(r: Reader, expected: str) -> str:
    """The ``kind:`` key of a file read as ``expected`` (a scoring file may leave it out)."""
    if expected == "scoring":
        kind = r.opt("kind", choice(FILE_KINDS), "scoring")
        if kind == "survey":
            r.fail_key(
                "kind",
                "this is a survey methodology: load it with parindex.load or parindex.survey",
                value=kind,
            )
        if kind != "scoring":
            r.fail_key(
                "kind",
                f"this is a {kind} file, not a scoring methodology: check it with "
                "'parindex validate'",
                value=kind,
            )
        return "scoring"
    if expected == "survey":
        return str(r.req("kind", choice(("survey",))))
    kind = r.req("kind", text)
    if kind != expected:
        r.fail_key("kind", f"a scheme {expected} file has kind: {expected}", value=kind)
    return str(kind)


def read_notes(r: Reader, key: str, value: Any) -> tuple[str, ...]:
    """A list of non-empty texts, in normal form C (kept as written otherwise)."""
    seq = r.check_type(key, value, list)
    for v in seq:
        if not isinstance(v, str) or not v.strip():
            r.fail_key(key, "expected a list of texts", value=v)
    return tuple(nfc(v) for v in seq)


def read_header(r: Reader, kind: str) -> FileHeader:
    """Read the header keys of a ``kind`` file (``scoring``, ``survey`` or ``family``) from
    ``r``; the caller reads the rest and calls ``r.done()``.

    A family has no scheme: its id is ``issuer/version``; the others are
    ``issuer/scheme/version``.
    """
    fmt_version = r.req("parindex", int)
    if fmt_version != FORMAT_VERSION:
        r.fail_key(
            "parindex", f"this version of parindex reads format {FORMAT_VERSION}", value=fmt_version
        )
    read_kind(r, kind)
    issuer = r.req("issuer", text)
    scheme = None if kind == "family" else r.req("scheme", text)
    version = r.req("version", text)
    where = "/".join(x for x in (issuer, scheme, version) if x is not None)
    ident = r.opt("id", text, where)
    if ident != where:
        parts = "issuer/version" if scheme is None else "issuer/scheme/version"
        r.fail_key("id", f"the id must be {parts} = {where}", value=ident)
    years = r.req("years", read_years)
    title = r.req("title", read_label)
    status = r.req("status", read_status)
    source = r.opt("source", text)
    legal = r.req("legal_basis", read_legal)
    notes = r.opt("notes", read_notes, ())
    return FileHeader(
        kind=kind,
        id=ident,
        issuer=issuer,
        scheme=scheme,
        version=version,
        years=years,
        title=title,
        status=status,
        legal_basis=legal,
        source=source,
        notes=notes,
        file=r.file,
    )
