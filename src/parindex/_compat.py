"""Deprecation of renamed public names: one warning text, one place.

A name that was public and is renamed keeps working for one release and warns with
:func:`renamed`. Nothing of parindex is imported here.
"""

from __future__ import annotations

import warnings

__all__ = ["alias", "renamed"]


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
