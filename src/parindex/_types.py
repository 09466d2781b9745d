"""Literal types shared by low modules (the methodology model and the province registry)."""

from __future__ import annotations

from typing import Literal

__all__ = ["STATUSES", "Status"]

#: How certain a recorded fact is.
Status = Literal["confirmed", "derived", "inferred", "unknown"]
STATUSES: tuple[Status, ...] = ("confirmed", "derived", "inferred", "unknown")
