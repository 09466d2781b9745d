"""Charts of score cards and rankings (optional extra ``charts``: matplotlib).

Every function builds a :class:`matplotlib.figure.Figure` with the object-oriented API (no
``pyplot``, so no global figure registry and no interactive backend is needed) and returns it;
save it with ``fig.savefig(path)`` or let Jupyter show it. Labels are Vietnamese by default
(``lang="en"`` for English). The numbers drawn are the cards' exact figures; lost points are
those of :func:`parindex.analysis.gaps.gaps`, and the series of :func:`change_chart` come from
:func:`parindex.render.rows.change_rows`, as in the report's SVG charts.

* :func:`domain_profile`: each domain's index for one unit, against the maximum (100 %) and,
  optionally, against the mean of its peers;
* :func:`ranking_chart`: units by index, coloured by group;
* :func:`lost_pareto`: the items that lost the most points, with the cumulative share;
* :func:`change_chart`: the index (total or of one node) of units over periods;
* :func:`rank_interval_chart`: each unit's place with its interval from
  :func:`parindex.uncertainty`, sorted by place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._text import present
from ..analysis.gaps import GapReport, gaps
from ..analysis.rank import rank
from ..analysis.uncertainty import Uncertainty
from ..card import ScoreCard
from ..errors import MissingExtraError, ParIndexError
from .rows import ChangeRows, change_rows

__all__ = [
    "change_chart",
    "domain_profile",
    "lost_pareto",
    "rank_interval_chart",
    "ranking_chart",
]

_PALETTE = ("#2b6cb0", "#38a169", "#d69e2e", "#e53e3e", "#805ad5", "#319795", "#dd6b20", "#718096")


def _figure(feature: str, size: tuple[float, float]) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError.for_extra("matplotlib", "charts", feature) from None
    return Figure(figsize=size, layout="constrained")


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def domain_profile(
    card: ScoreCard,
    peers: Iterable[ScoreCard] | None = None,
    *,
    lang: str = "vi",
    codes: Sequence[str] | None = None,
) -> Any:
    """Index (percent of the adjusted maximum) of each domain of ``card``, as bars against the
    maximum (100 %); with ``peers``, the peers' mean index per domain as markers.

    ``codes`` chooses the nodes (default: the top-level nodes, bonus and penalty excepted). Nodes whose index is not known
    (maximum unknown, or not applicable) are drawn empty and labelled so.
    """
    fig = _figure("a domain profile chart", (8, 0.5 * 8 + 1.5))
    m = card.methodology
    nodes = (
        list(codes)
        if codes is not None
        else [c for c in m.root.children if m.nodes[c].role == "regular"]
    )
    peer_list = list(peers) if peers is not None else []
    for p in peer_list:
        if p.methodology.id != m.id:
            raise ParIndexError(
                "peers must be scored with the same methodology",
                unit=p.unit,
                value=p.methodology.id,
            )
    ax = fig.add_subplot()
    labels = []
    values = []
    for c in nodes:
        r = card[c]
        labels.append(f"{c} {_short(r.node.label.text(lang), 36)}")
        values.append(math.nan if r.index is None else r.index)
    y = list(range(len(nodes)))[::-1]
    ax.barh(y, [100.0] * len(nodes), color="#edf2f7", label=_t(lang, "Tối đa", "Maximum"))
    ax.barh(
        y,
        [0.0 if math.isnan(v) else v for v in values],
        color=_PALETTE[0],
        label=card.unit or _t(lang, "Đơn vị", "Unit"),
    )
    for yi, v in zip(y, values, strict=True):
        text = _t(lang, "chưa rõ", "unknown") if math.isnan(v) else present(v, 1, lang=lang) + "%"
        ax.text(101, yi, text, va="center", fontsize=8)
    if peer_list:
        means = []
        for c in nodes:
            idx = [x for p in peer_list if (x := p[c].index) is not None]
            means.append(sum(idx) / len(idx) if idx else math.nan)
        ax.scatter(
            means,
            y,
            marker="D",
            color=_PALETTE[3],
            zorder=3,
            label=_t(
                lang, f"Trung bình {len(peer_list)} đơn vị", f"Mean of {len(peer_list)} peers"
            ),
        )
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 112)
    ax.set_xlabel(_t(lang, "Chỉ số (% điểm tối đa)", "Index (% of the maximum)"))
    ax.set_title(
        _t(lang, f"Chỉ số theo lĩnh vực — {card.unit}", f"Index by domain — {card.unit}"),
        fontsize=10,
    )
    ax.legend(loc="best", fontsize=8)
    return fig


def ranking_chart(ranking: Any, *, lang: str = "vi", top: int | None = None) -> Any:
    """Units by index (a :class:`~parindex.Ranking`, or a list of cards ranked here), best at the
    top, coloured by group, with the place in the label."""
    if not hasattr(ranking, "rows"):
        ranking = rank(ranking)
    rows = [r for r in ranking.rows if r.index is not None]
    if top is not None:
        rows = rows[:top]
    fig = _figure("a ranking chart", (8, 0.3 * max(len(rows), 3) + 1.5))
    ax = fig.add_subplot()
    groups = list(dict.fromkeys(r.group_code for r in rows))
    colour = {g: _PALETTE[i % len(_PALETTE)] for i, g in enumerate(groups)}
    y = list(range(len(rows)))[::-1]
    for g in groups:
        ys = [yi for yi, r in zip(y, rows, strict=True) if r.group_code == g]
        xs = [r.index for r in rows if r.group_code == g]
        ax.barh(
            ys,
            xs,
            color=colour[g],
            label=(_t(lang, "Nhóm ", "Group ") + str(g))
            if g is not None
            else _t(lang, "Không xếp nhóm", "No group"),
        )
    ax.set_yticks(y, [f"{r.place}. {_short(r.unit, 30)}" for r in rows], fontsize=8)
    lo = min((r.index for r in rows), default=0.0)
    ax.set_xlim(max(0.0, math.floor(lo / 10) * 10 - 10), 100)
    ax.set_xlabel(_t(lang, "Chỉ số (%)", "Index (%)"))
    ax.set_title(_t(lang, "Xếp hạng", "Ranking"), fontsize=10)
    if groups:
        ax.legend(loc="lower right", fontsize=8)
    return fig


def lost_pareto(card: ScoreCard | GapReport, *, lang: str = "vi", top: int = 15) -> Any:
    """The items that lost the most points (bars, most first) and the cumulative share of all
    points lost in the items (line, right axis). ``card`` is a :class:`~parindex.ScoreCard` or a
    :class:`~parindex.analysis.gaps.GapReport` (bonus points not earned are not losses)."""
    rep = card if isinstance(card, GapReport) else gaps(card, steps=False)
    pairs = [(g.code, g.lost) for g in rep.items]
    unit = rep.card.unit
    total = math.fsum(x for _, x in pairs)
    shown = pairs[:top]
    fig = _figure("a lost-points chart", (8, 4.5))
    ax = fig.add_subplot()
    x = list(range(len(shown)))
    ax.bar(x, [v for _, v in shown], color=_PALETTE[3])
    ax.set_xticks(x, [c for c, _ in shown], rotation=60 if len(shown) > 8 else 0, fontsize=8)
    ax.set_ylabel(_t(lang, "Điểm bị mất", "Points lost"))
    ax2 = ax.twinx()
    cum = []
    acc = 0.0
    for _, v in shown:
        acc += v
        cum.append(acc / total * 100.0 if total else 0.0)
    ax2.plot(x, cum, color=_PALETTE[0], marker="o")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(_t(lang, "Cộng dồn (% điểm bị mất)", "Cumulative (% of points lost)"))
    ax.set_title(_t(lang, f"Điểm bị mất — {unit}", f"Points lost — {unit}"), fontsize=10)
    return fig


def change_chart(
    cards: ChangeRows | Mapping[str, Iterable[ScoreCard]] | Iterable[ScoreCard],
    *,
    code: str | None = None,
    units: Sequence[str] | None = None,
    lang: str = "vi",
) -> Any:
    """The index of each unit over periods: one line per unit.

    ``cards`` is ``{period: cards}`` (periods in the mapping's order) or cards that carry their
    ``period`` (sorted by period). ``code`` draws a node's index instead of the total. The series
    are those of :func:`~parindex.render.rows.change_rows`, which may be given instead.
    """
    rows = cards if isinstance(cards, ChangeRows) else change_rows(cards, code=code, units=units)
    fig = _figure("a chart of changes over periods", (8, 4.5))
    ax = fig.add_subplot()
    x = list(range(len(rows.periods)))
    for i, s in enumerate(rows.series):
        ax.plot(
            x,
            [math.nan if v is None else v for v in s.values],
            marker="o",
            color=_PALETTE[i % len(_PALETTE)],
            label=_short(s.label, 30),
        )
    ax.set_xticks(x, list(rows.periods))
    what = (
        _t(lang, "Chỉ số (%)", "Index (%)")
        if code is None
        else f"{code}: " + _t(lang, "chỉ số (%)", "index (%)")
    )
    ax.set_ylabel(what)
    ax.set_title(_t(lang, "Thay đổi qua các kỳ", "Change over periods"), fontsize=10)
    if rows.series:
        ax.legend(fontsize=8)
    return fig


def rank_interval_chart(result: Uncertainty, *, lang: str = "vi", top: int | None = None) -> Any:
    """Each unit's place (dot) and its rank interval (line) from :func:`parindex.uncertainty`,
    sorted by place, best at the top; the interval's level is in the title."""
    rows = [r for r in result.to_dicts() if r["place"] is not None]
    if top is not None:
        rows = rows[:top]
    fig = _figure("a rank-interval chart", (8, 0.22 * max(len(rows), 3) + 1.5))
    ax = fig.add_subplot()
    y = list(range(len(rows)))[::-1]
    ax.hlines(
        y,
        [r["place_low"] for r in rows],
        [r["place_high"] for r in rows],
        color=_PALETTE[0],
        linewidth=2,
        label=_t(lang, "Khoảng hạng", "Rank interval"),
    )
    ax.plot(
        [r["place"] for r in rows],
        y,
        "o",
        color=_PALETTE[3],
        markersize=4,
        label=_t(lang, "Hạng", "Place"),
    )
    ax.set_yticks(y, [_short(r["unit"], 30) for r in rows], fontsize=7)
    ax.set_xlim(0.5, len(result.units) + 0.5)
    ax.invert_xaxis()
    ax.set_xlabel(_t(lang, "Hạng", "Place"))
    pct = round(result.level * 100)
    ax.set_title(
        _t(
            lang,
            f"Khoảng hạng {pct}% ({result.draws} lần mô phỏng)",
            f"{pct}% rank intervals ({result.draws} draws)",
        ),
        fontsize=10,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig
