"""The data that charts draw, built once for every backend.

:func:`change_rows` gives the series of a change chart; the matplotlib chart
(:func:`parindex.render.charts.change_chart`) and the report's SVG chart
(:func:`parindex.render.svg.change_chart`) both draw :class:`ChangeRows`. Lost points come from
:func:`parindex.analysis.gaps.gaps` (the one definition) and are not rebuilt here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from ..analysis.compare import PeriodComparison
from ..card import ScoreCard
from ..errors import ParIndexError

__all__ = ["ChangeRows", "ChangeSeries", "change_rows"]


@attrs.frozen
class ChangeSeries:
    """One line of a change chart: a unit or a node, and its value in each period (None: unknown)."""

    label: str
    values: tuple[float | None, ...]

    @property
    def change(self) -> float | None:
        """The last value less the first (None when either is unknown)."""
        if not self.values or self.values[0] is None or self.values[-1] is None:
            return None
        return self.values[-1] - self.values[0]


@attrs.frozen
class ChangeRows:
    """The periods, in order, and one series per unit or node."""

    periods: tuple[str, ...]
    series: tuple[ChangeSeries, ...]


def change_rows(
    source: PeriodComparison | Mapping[str, Iterable[ScoreCard]] | Iterable[ScoreCard],
    *,
    code: str | None = None,
    units: Sequence[str] | None = None,
) -> ChangeRows:
    """The series of a change chart.

    From ``{period: cards}`` (periods in the mapping's order) or cards that carry their
    ``period`` (sorted by period): one series per unit, the index of the total (or of the node
    ``code``), only the ``units`` named if given. From a
    :class:`~parindex.analysis.compare.PeriodComparison`: one series per domain, its points before
    and after.
    """
    if isinstance(source, PeriodComparison):
        return ChangeRows(
            (source.before.period or "", source.after.period or ""),
            tuple(
                ChangeSeries(r.code, (r.previous_points, r.points))
                for r in source.rows
                if r.depth == 1
            ),
        )
    if isinstance(source, Mapping):
        groups = [(str(p), list(cs)) for p, cs in source.items()]
    else:
        by: dict[str, list[ScoreCard]] = {}
        for c in source:
            if c.period is None:
                raise ParIndexError(
                    "a card without a period: give {period: cards} instead", unit=c.unit
                )
            by.setdefault(c.period, []).append(c)
        groups = sorted(by.items())
    periods = [p for p, _ in groups]
    series: dict[str, dict[str, float | None]] = {}
    for p, cs in groups:
        for c in cs:
            if units is not None and c.unit not in units:
                continue
            series.setdefault(c.unit, {})[p] = c.index if code is None else c[code].index
    return ChangeRows(
        tuple(periods),
        tuple(
            ChangeSeries(unit, tuple(vals.get(p) for p in periods)) for unit, vals in series.items()
        ),
    )
