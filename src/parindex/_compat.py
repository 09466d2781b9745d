"""Deprecation of renamed public names: one warning text, one place.

A name that was public and is renamed keeps working for one release and warns with
:func:`renamed`. Nothing of parindex is imported here.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["alias", "methodology_keyword", "renamed"]

P = ParamSpec("P")
R = TypeVar("R")


def renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (``DeprecationWarning``).

    ``stacklevel=3`` points at the caller of the property or function that calls this.
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def alias(owner: str, old: str, new: str) -> property:
    """A read-only property ``old`` that warns (see :func:`renamed`) and returns ``self.new``."""

    def get(self: object) -> object:
        renamed(f"{owner}.{old}", f"{owner}.{new}")
        return getattr(self, new)

    get.__doc__ = f"Deprecated: use :attr:`{new}`."
    return property(get)


def methodology_keyword(func: Callable[P, R]) -> Callable[P, R]:
    """Make ``methodology`` keyword-only in a reader whose old form took it second.

    ``read_csv(path, methodology=m)`` is the form; the old ``read_csv(path, m)`` still works for
    one release with a :class:`DeprecationWarning`.
    """
    name = func.__qualname__

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if len(args) == 2:
            if "methodology" in kwargs:
                raise TypeError(f"{name}() got the methodology twice")
            renamed(f"{name}(source, methodology)", f"{name}(source, methodology=...)")
            return func(args[0], methodology=args[1], **kwargs)  # type: ignore[arg-type]
        return func(*args, **kwargs)

    return wrapper
