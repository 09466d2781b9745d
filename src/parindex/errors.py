"""One error hierarchy for parindex.

Every error names where the problem is (file, line, column, sheet, cell, row), what it concerns
(node code, unit, stage) and the value at fault, so that a Home Affairs officer can find and fix it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AnnexError",
    "AssessmentError",
    "CrosswalkError",
    "ExpressionError",
    "MethodologyError",
    "MissingExtraError",
    "NotEncodedError",
    "OutputError",
    "ParIndexError",
    "ResponsibilityError",
    "ScoringError",
    "SurveyError",
    "UnitError",
    "UnknownValueError",
]

_UNSET: Any = object()


class ParIndexError(Exception):
    """Base class of every error raised by parindex.

    The structured fields are kept as attributes so that embedding systems can show them in their
    own interface; ``str(error)`` puts them together in one readable line.
    """

    def __init__(
        self,
        message: str,
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
    ) -> None:
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
        super().__init__(self._render())

    def _render(self) -> str:
        where: list[str] = []
        if self.file is not None:
            loc = str(self.file)
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            where.append(loc)
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}" + (f" cell {self.cell}" if self.cell else ""))
        elif self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.unit is not None:
            where.append(f"unit {self.unit!r}")
        if self.code is not None:
            where.append(f"node {self.code!r}")
        if self.stage is not None:
            where.append(f"stage {self.stage!r}")
        text = ": ".join([", ".join(where), self.message]) if where else self.message
        if self.has_value:
            text += f" (value: {self.value!r})"
        return text

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
        }
        for key, val in context.items():
            if fields.get(key) is None:
                fields[key] = val
        kwargs: dict[str, Any] = dict(fields)
        if self.has_value:
            kwargs["value"] = self.value
        return type(self)(self.message, **kwargs)


class MethodologyError(ParIndexError):
    """A methodology file is malformed or inconsistent."""


class ExpressionError(MethodologyError):
    """A formula in a methodology file cannot be parsed or refers to unknown inputs."""


class NotEncodedError(ParIndexError):
    """A methodology that is known to exist but whose official tables are not encoded."""


class UnknownValueError(ParIndexError):
    """A figure was asked for that depends on a number the public record does not give."""


class AssessmentError(ParIndexError):
    """Input values for a unit are wrong: unknown code, wrong kind, out of range, duplicated."""


class ScoringError(ParIndexError):
    """A rule could not be evaluated (for example a division by zero without a fallback)."""


class SurveyError(ParIndexError):
    """Survey responses, designs or mappings are wrong."""


class UnitError(ParIndexError):
    """A province or unit could not be found or is not valid on the date asked for."""


class ResponsibilityError(ParIndexError):
    """A responsibility map or cascade file is wrong (unknown code, no lead unit, unknown unit)."""


class CrosswalkError(ParIndexError):
    """A crosswalk file is wrong: unknown code, a code mapped twice, a kind that does not fit."""


class AnnexError(MethodologyError):
    """An annex table cannot be read (missing columns, bad numbers, codes out of order)."""


class OutputError(ParIndexError):
    """An output file cannot be written: its folder is missing or read-only, the path is a folder,
    a link or not a regular file, the name is too long or the disk is full."""


class MissingExtraError(ParIndexError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""

    @classmethod
    def for_extra(cls, package: str, extra: str, feature: str) -> MissingExtraError:
        return cls(
            f"{feature} needs the optional package {package!r}; "
            f"install it with: pip install 'parindex[{extra}]'"
        )
