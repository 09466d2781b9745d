"""The fingerprint of a methodology: a short hash of its tree and rules, stamped in workbooks (so
that one made for another text of the methodology is refused) and in serialised cards."""

from __future__ import annotations

import hashlib
import json

from .model import Methodology
from .rules import Band

__all__ = ["fingerprint"]


def fingerprint(m: Methodology, *, legacy: bool = False) -> str:
    """A short hash of the tree and its rules: two texts of a methodology that score the same
    inputs the same way have the same fingerprint.

    ``legacy=True`` gives the fingerprint parindex 0.1.0 wrote, which saw band edges to 6
    significant digits only; workbooks stamped with it are still accepted."""

    def band_text(b: Band) -> str:
        return b.text(6) if legacy else b.text()

    items = [
        [
            n.code,
            n.parent,
            n.label.vi,
            n.max,
            n.min,
            n.role,
            n.aggregate,
            n.method,
            None if n.rule is None else n.rule.to_dict(band_text=band_text),
        ]
        for n in m.walk()
    ]
    data = json.dumps([m.id, m.scale, m.not_applicable, items], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]
