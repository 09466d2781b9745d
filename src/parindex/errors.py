"""One error hierarchy for parindex.

Every error names where the problem is (file, line, column, sheet, cell, row), what it concerns
(node code, unit, stage) and the value at fault, so that a Home Affairs officer can find and fix it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

__all__ = [
    "ERROR_FORMAT_VERSION",
    "MESSAGES",
    "WHAT_VI",
    "AnnexError",
    "AssessmentError",
    "CrosswalkError",
    "ErrorList",
    "ExpressionError",
    "MethodologyError",
    "MissingExtraError",
    "NotEncodedError",
    "OutputError",
    "ParIndexError",
    "ResponsibilityError",
    "ScoringError",
    "SurveyError",
    "Template",
    "UnitError",
    "UnknownValueError",
    "json_pointer",
]

_UNSET: Any = object()

#: The version of the error dictionary (``error.to_dict()``) and of its JSON Schema.
ERROR_FORMAT_VERSION = "1"


@attrs.frozen
class Template:
    """The message of one error code in Vietnamese and English; ``{name}`` takes ``params``."""

    vi: str
    en: str

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


#: The one catalogue of error codes, stable across releases (codes are never reused or renamed;
#: the texts may improve). Each error class has a default code (its ``default_code``); call sites
#: pass a more precise one with ``error_code=`` and the template's fields with ``params=``.
MESSAGES: dict[str, Template] = {
    # -- the defaults of the classes ------------------------------------------------------------
    "error": Template("Lỗi", "Error"),
    "invalid-methodology": Template(
        "Tệp phương pháp không hợp lệ", "The methodology file is not valid"
    ),
    "invalid-expression": Template(
        "Công thức trong tệp phương pháp không hợp lệ", "A formula in the methodology is not valid"
    ),
    "not-encoded": Template(
        "Phương pháp này có trong văn bản nhưng chưa được mã hóa (chưa có phụ lục chính thức)",
        "This methodology exists but is not encoded (its official annex is not public)",
    ),
    "unknown-value": Template(
        "Con số này phụ thuộc vào một giá trị mà văn bản công bố không nêu",
        "This figure depends on a number the public record does not give",
    ),
    "invalid-assessment": Template("Số liệu đánh giá không hợp lệ", "The assessment is not valid"),
    "scoring-failed": Template("Không tính được điểm", "The points could not be computed"),
    "invalid-survey": Template(
        "Số liệu hoặc thiết kế điều tra xã hội học không hợp lệ",
        "The survey responses or design are not valid",
    ),
    "invalid-unit": Template(
        "Không tìm thấy đơn vị hoặc đơn vị không hợp lệ vào thời điểm này",
        "The unit was not found or is not valid on this date",
    ),
    "invalid-responsibility": Template(
        "Bảng phân công trách nhiệm không hợp lệ", "The responsibility map is not valid"
    ),
    "invalid-crosswalk": Template(
        "Bảng chuyển đổi chỉ tiêu không hợp lệ", "The crosswalk file is not valid"
    ),
    "invalid-annex": Template("Không đọc được bảng phụ lục", "The annex table cannot be read"),
    "missing-extra": Template(
        "Cần cài thêm gói {package}: pip install 'parindex[{extra}]'",
        "{feature} needs the optional package {package!r}; install it with: "
        "pip install 'parindex[{extra}]'",
    ),
    "missing-program": Template(
        "{feature} cần chương trình {program}; hãy cài gói {package} của hệ điều hành "
        "(ví dụ: apt-get install {package})",
        "{feature} needs the program {program}; install the system package {package} "
        "(e.g. apt-get install {package})",
    ),
    "invalid-card": Template("Phiếu điểm không hợp lệ", "The score card is not valid"),
    # -- the messages officers see most -----------------------------------------------------------
    "missing-input": Template(
        "thiếu số liệu của {count} chỉ tiêu: {codes}; hãy nhập, hoặc chấm với missing='zero' "
        "để tính 0 điểm",
        "no input for {count} item(s): {codes}; give them, or score with missing='zero' to "
        "count them as 0",
    ),
    "unknown-code": Template(
        "mã chỉ tiêu không có trong phương pháp {methodology}",
        "unknown code: {methodology} has no such node",
    ),
    "out-of-range": Template(
        "giá trị ngoài khoảng cho phép: cần {what_vi} từ {low} đến {high}",
        "out of range: expected {what} from {low} to {high}",
    ),
    "wrong-type": Template("sai kiểu dữ liệu: cần {what_vi}", "expected {what}"),
    "not-applicable-with-value": Template(
        "chỉ tiêu được đánh dấu không áp dụng nhưng vẫn có giá trị; hãy bỏ giá trị hoặc bỏ "
        "đánh dấu không áp dụng",
        "the item is marked not applicable and also has a value; remove one of them",
    ),
    "file-not-readable": Template("không đọc được tệp: {reason}", "cannot read the file: {reason}"),
    "file-not-utf8": Template(
        'tệp không phải văn bản UTF-8 (byte {byte}); hãy lưu lại dưới dạng "CSV UTF-8"',
        "not UTF-8 text (byte {byte})",
    ),
    # -- the files a person hands parindex (parindex._files) ------------------------------------
    "file-not-regular": Template(
        "đây không phải là một tệp thông thường (là thư mục, ống dẫn hoặc thiết bị); hãy lưu số "
        "liệu vào một tệp rồi đọc tệp đó",
        "not a regular file (a folder, a pipe, a socket or a device); save the data to a file "
        "first",
    ),
    "file-too-large": Template(
        "tệp lớn hơn giới hạn {limit} byte; nếu tệp đúng, hãy nâng giới hạn bằng biến môi "
        "trường PARINDEX_MAX_INPUT_BYTES",
        "the file is larger than the limit of {limit} bytes (raise it with "
        "PARINDEX_MAX_INPUT_BYTES if the file is genuine)",
    ),
    "file-wrong-encoding": Template(
        'tệp được lưu theo bảng mã {encoding}, không phải UTF-8; hãy lưu lại dưới dạng "CSV UTF-8"',
        'the file is {encoding} text, not UTF-8; save it as UTF-8 text ("CSV UTF-8")',
    ),
    "file-has-nul": Template(
        "tệp chứa ký tự NUL (không phải văn bản); hãy mở và lưu lại dưới dạng văn bản UTF-8",
        "the file contains a NUL character (it is not text); save it again as UTF-8 text",
    ),
    "csv-open-quote": Template(
        'một dấu ngoặc kép (") mở trong dòng này không được đóng ở cuối ô; hãy đặt cả ô trong '
        'ngoặc kép và viết hai lần dấu ngoặc kép bên trong ("")',
        'a quote (") opened in this row is not closed where the cell ends; put the whole cell '
        'in quotes and double the quotes inside it ("")',
    ),
    "csv-field-too-long": Template(
        "một ô dài hơn {limit} ký tự", "a cell is longer than {limit} characters"
    ),
    "csv-not-readable": Template(
        "không đọc được tệp CSV: {reason}", "the CSV cannot be read: {reason}"
    ),
    "csv-split-decimal": Template(
        "dòng có nhiều ô hơn dòng tiêu đề: một số có dấu phẩy thập phân (45,5) bị tách thành hai "
        'ô trong tệp phân cách bằng dấu phẩy; hãy đặt số trong ngoặc kép ("45,5"), viết 45.5 '
        'hoặc lưu tệp với dấu ";"',
        "the row has more cells than the header; a number with a decimal comma (45,5) splits "
        'the cell in a comma-separated file: put it in quotes ("45,5"), write 45.5, or save the '
        'file with ";"',
    ),
    "unknown-methodology": Template(
        "không có phương pháp {ident}; hiện có: {available}",
        "no methodology {ident}; available: {available}",
    ),
    "unknown-year": Template(
        "không có phiên bản nào của {ident} áp dụng cho kỳ đánh giá năm {year}",
        "no version of {ident} governs the {year} assessment",
    ),
    "unknown-keys": Template(
        "có khóa không được phép: {keys}; khóa hợp lệ: {allowed}",
        "unknown keys: {keys}; allowed: {allowed}",
    ),
    # -- the web service (parindex serve) ---------------------------------------------------------
    "invalid-request": Template(
        "Yêu cầu không hợp lệ: nội dung phải là JSON đúng dạng", "The request is not valid JSON"
    ),
    "request-too-large": Template(
        "Yêu cầu quá lớn (tối đa {limit} byte)", "The request is too large (at most {limit} bytes)"
    ),
    "not-found": Template("Không có địa chỉ này", "No such address"),
    "test-failed": Template(
        "Kết quả khác với giá trị mong đợi trong tệp kiểm thử",
        "The result differs from what the test file expects",
    ),
}

#: How the kinds of values named in ``wrong-type`` and ``out-of-range`` read in Vietnamese.
WHAT_VI: dict[str, str] = {
    "a number": "một số",
    "a whole number": "một số nguyên",
    "a percentage": "một tỷ lệ phần trăm",
    "%": "tỷ lệ phần trăm",
    "": "một giá trị",
    "a mapping": "một bảng {mã: giá trị}",
    "an integer year": "năm dạng số nguyên (ví dụ 2023)",
    "true or false": "true hoặc false",
    "a text": "một chuỗi văn bản",
    "a text or a list of texts": "một chuỗi văn bản hoặc danh sách chuỗi văn bản",
    "a list": "một danh sách",
    "percent": "tỷ lệ phần trăm",
    "count": "số lượng",
    "number": "số",
    "points": "số điểm",
}

_WHERE = {
    "vi": {
        "sheet": "trang tính",
        "cell": "ô",
        "row": "dòng",
        "unit": "đơn vị",
        "node": "chỉ tiêu",
        "stage": "giai đoạn",
        "value": "giá trị",
    },
    "en": {
        "sheet": "sheet",
        "cell": "cell",
        "row": "row",
        "unit": "unit",
        "node": "node",
        "stage": "stage",
        "value": "value",
    },
}


def _pointer_token(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def json_pointer(*parts: str | int) -> str:
    """The JSON pointer (RFC 6901) of a field: ``json_pointer("stages", "self", "1/2")``."""
    return "".join("/" + _pointer_token(str(p)) for p in parts)


def _jsonable(value: Any, depth: int = 0) -> Any:
    """A value as JSON can carry it (texts for what JSON has no form for)."""
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
            return str(value)
        if isinstance(value, str):
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if depth > 20:
        return "…"
    if isinstance(value, Mapping):
        return {str(_jsonable(k, depth + 1)): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v, depth + 1) for v in value]
    try:
        return _jsonable(repr(value), depth + 1)
    except Exception:  # pragma: no cover - a repr that fails
        return type(value).__name__


class ParIndexError(Exception):
    """Base class of every error raised by parindex.

    The structured fields are kept as attributes so that embedding systems can show them in their
    own interface: ``error_code`` (a stable code from :data:`MESSAGES`, e.g. ``"out-of-range"``),
    ``pointer`` (the JSON pointer of the field at fault, in the form ``Assessment.to_dict()``
    writes), ``file``, ``line``, ``column``, ``sheet``, ``cell``, ``row``, ``code`` (the node),
    ``unit``, ``stage`` and ``value``. ``str(error)`` is the English line (kept for logs and
    for callers that match it); ``error.text("vi")`` is the line in Vietnamese, the language
    officers read; ``error.to_dict()`` matches the ``error`` JSON Schema.
    """

    #: the error code of this class when a call site gives none
    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        message: str | None = None,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: int | None = None,
        code: str | None = None,
        unit: str | None = None,
        stage: str | None = None,
        value: Any = _UNSET,
        error_code: str | None = None,
        pointer: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.error_code = error_code or self.default_code
        if self.error_code not in MESSAGES:
            raise KeyError(f"unknown error code {self.error_code!r}")
        self.params: dict[str, Any] = dict(params or {})
        if message is None:
            message = self._from_template("en") or MESSAGES[self.error_code].en
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.sheet = sheet
        self.cell = cell
        self.row = row
        self.code = code
        self.unit = unit
        self.stage = stage
        self.value = None if value is _UNSET else value
        self.has_value = value is not _UNSET
        self._pointer = pointer
        super().__init__(self._render("en"))

    # -- messages ------------------------------------------------------------------------------

    def _from_template(self, lang: str) -> str | None:
        fields = dict(self.params)
        what = str(fields.get("what", ""))
        fields.setdefault("what_vi", WHAT_VI.get(what, what or WHAT_VI[""]))
        try:
            return MESSAGES[self.error_code].text(lang).format(**fields)
        except (KeyError, IndexError, ValueError):
            return None

    def message_in(self, lang: str = "vi") -> str:
        """The message (without the place) in ``"vi"`` or ``"en"``.

        The English message is the call site's text. The Vietnamese one is the catalogue's
        template of ``error_code``; for an error whose call site has no precise code yet it is the
        class's Vietnamese sentence followed by the English detail.
        """
        if lang != "vi":
            return self.message
        own = self._from_template("vi")
        if own is not None and self.error_code != self.default_code:
            return own
        generic = own if own is not None else MESSAGES[self.default_code].vi
        return (
            f"{generic} ({self.message})"
            if self.message != MESSAGES[self.error_code].en
            else generic
        )

    @property
    def messages(self) -> dict[str, str]:
        """The message in every language: ``{"vi": ..., "en": ...}``."""
        return {"vi": self.message_in("vi"), "en": self.message_in("en")}

    def text(self, lang: str = "vi") -> str:
        """The whole line (place, message, value) in ``"vi"`` or ``"en"``."""
        return self._render(lang)

    @property
    def pointer(self) -> str | None:
        """The JSON pointer of the field at fault (``/stages/self/1.2``), when there is one."""
        if self._pointer is not None:
            return self._pointer
        if self.code is not None and self.stage is not None:
            return json_pointer("stages", self.stage, self.code)
        return None

    def _render(self, lang: str) -> str:
        w = _WHERE["vi" if lang == "vi" else "en"]
        where: list[str] = []
        if self.file is not None:
            loc = str(self.file)
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            where.append(loc)
        if self.sheet is not None:
            where.append(
                f"{w['sheet']} {self.sheet!r}" + (f" {w['cell']} {self.cell}" if self.cell else "")
            )
        elif self.cell is not None:
            where.append(f"{w['cell']} {self.cell}")
        if self.row is not None:
            where.append(f"{w['row']} {self.row}")
        if self.unit is not None:
            where.append(f"{w['unit']} {self.unit!r}")
        if self.code is not None:
            where.append(f"{w['node']} {self.code!r}")
        if self.stage is not None:
            where.append(f"{w['stage']} {self.stage!r}")
        message = self.message_in(lang)
        text = ": ".join([", ".join(where), message]) if where else message
        if self.has_value:
            text += f" ({w['value']}: {_safe_repr(self.value)})"
        return text

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The error as JSON can carry it (the ``error`` schema); ``message`` is in ``lang``."""
        return {
            "format_version": ERROR_FORMAT_VERSION,
            "type": type(self).__name__,
            "code": self.error_code,
            "message": self.message_in(lang),
            "messages": self.messages,
            "text": self.text(lang),
            "pointer": self.pointer,
            "node": self.code,
            "unit": self.unit,
            "stage": self.stage,
            "file": None if self.file is None else str(self.file),
            "line": self.line,
            "column": self.column,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "value": _jsonable(self.value) if self.has_value else None,
            "params": _jsonable(self.params),
        }

    def with_context(self, **context: Any) -> ParIndexError:
        """Return a copy of this error with missing context fields filled in."""
        fields = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "code": self.code,
            "unit": self.unit,
            "stage": self.stage,
            "pointer": self._pointer,
        }
        for key, val in context.items():
            if fields.get(key) is None:
                fields[key] = val
        kwargs: dict[str, Any] = dict(fields)
        if self.has_value:
            kwargs["value"] = self.value
        return type(self)(self.message, error_code=self.error_code, params=self.params, **kwargs)

    def under(self, prefix: str) -> ParIndexError:
        """A copy whose JSON pointer sits under ``prefix`` (the field of an enclosing document,
        e.g. ``/assessments/3`` in a web request); an error without a pointer gets ``prefix``."""
        out = self.with_context()
        out._pointer = prefix + (self.pointer or "")
        return out


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # pragma: no cover - a repr that fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 300 else text[:300] + "…"


class ErrorList(ParIndexError):
    """Several errors found at once (the ``collect`` mode); ``errors`` holds them in order."""

    default_code = "invalid-assessment"

    def __init__(self, errors: Sequence[ParIndexError], **context: Any) -> None:
        self.errors: tuple[ParIndexError, ...] = tuple(errors)
        first = self.errors[0] if self.errors else None
        n = len(self.errors)
        head = f"{n} error(s)" + (f"; the first: {first}" if first is not None else "")
        super().__init__(head, **context)

    def message_in(self, lang: str = "vi") -> str:
        if lang != "vi":
            return self.message
        first = self.errors[0].text("vi") if self.errors else ""
        return f"{len(self.errors)} lỗi" + (f"; lỗi đầu tiên: {first}" if first else "")

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        out = super().to_dict(lang)
        out["errors"] = [e.to_dict(lang) for e in self.errors]
        return out

    def with_context(self, **context: Any) -> ParIndexError:
        return ErrorList([e.with_context(**context) for e in self.errors])

    def under(self, prefix: str) -> ParIndexError:
        return ErrorList([e.under(prefix) for e in self.errors], unit=self.unit, pointer=prefix)


class MethodologyError(ParIndexError):
    """A methodology file is malformed or inconsistent."""

    default_code = "invalid-methodology"


class ExpressionError(MethodologyError):
    """A formula in a methodology file cannot be parsed or refers to unknown inputs."""

    default_code = "invalid-expression"


class NotEncodedError(ParIndexError):
    """A methodology that is known to exist but whose official tables are not encoded."""

    default_code = "not-encoded"


class UnknownValueError(ParIndexError):
    """A figure was asked for that depends on a number the public record does not give."""

    default_code = "unknown-value"


class AssessmentError(ParIndexError):
    """Input values for a unit are wrong: unknown code, wrong kind, out of range, duplicated."""

    default_code = "invalid-assessment"


class ScoringError(ParIndexError):
    """A rule could not be evaluated (for example a division by zero without a fallback)."""

    default_code = "scoring-failed"


class SurveyError(ParIndexError):
    """Survey responses, designs or mappings are wrong."""

    default_code = "invalid-survey"


class UnitError(ParIndexError):
    """A province or unit could not be found or is not valid on the date asked for."""

    default_code = "invalid-unit"


class ResponsibilityError(ParIndexError):
    """A responsibility map or cascade file is wrong (unknown code, no lead unit, unknown unit)."""

    default_code = "invalid-responsibility"


class CrosswalkError(ParIndexError):
    """A crosswalk file is wrong: unknown code, a code mapped twice, a kind that does not fit."""

    default_code = "invalid-crosswalk"


class AnnexError(MethodologyError):
    """An annex table cannot be read (missing columns, bad numbers, codes out of order)."""

    default_code = "invalid-annex"


class OutputError(ParIndexError):
    """An output file cannot be written: its folder is missing or read-only, the path is a folder,
    a link or not a regular file, the name is too long or the disk is full."""


class MissingExtraError(ParIndexError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""

    default_code = "missing-extra"

    @classmethod
    def for_extra(cls, package: str, extra: str, feature: str) -> MissingExtraError:
        return cls(params={"package": package, "extra": extra, "feature": feature})

    @classmethod
    def for_program(cls, program: str, package: str, feature: str) -> MissingExtraError:
        """A program of the system (not a Python package) is needed, e.g. LibreOffice."""
        return cls(
            error_code="missing-program",
            params={"program": program, "package": package, "feature": feature},
        )
