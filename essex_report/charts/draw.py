"""Drawing the charts with matplotlib, laid out in points so text keeps its size.

Each bar or column is a rectangle with the gid `<chart id>-bar-<n>` (n: the point's place in
the list given), its printed value `<chart id>-value-<n>`, each gap `<chart id>-gap-<year>`:
tests find them in the SVG to check that what is drawn is proportional to the data.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from essex_report.charts import style
from essex_report.charts.model import NO_FIGURE, Point, plotted, shown, tick, unit_name
from essex_report.years import FinancialYear

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LABEL_CHARS = 22  # category labels beside the bars wrap at this many characters
LABELS_BESIDE = 0.36  # labels sit beside the bars when they take no more of the width
EDGE = 4.0  # points: the least margin at the figure's left
LINE = 1.25  # line spacing of labels
DOT = 9.0  # points: a dot's diameter
# Text on a white ground, so that no gridline runs through it.
BEHIND = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}
BAR = 20.0  # points of height per bar
GAP = 12.0  # points between groups of bars
PAD = 5.0  # points between a bar's end and its printed value
PLOT_HEIGHT = 190.0  # points: the plotting area of a column chart
WORD_UNITS = ("rank", "miles", "kg", "tonnes")  # units named beside the value axis


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width / 72, height / 72), dpi=72)


def _value_ticks(low: float, high: float, limit: tuple[float, float], bins: int = 4) -> list[float]:
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high or 1)
    return [float(t) for t in ticks if limit[0] - 1e-9 <= t <= limit[1] + 1e-9]


def _spaced_ticks(
    low: float, high: float, limit: tuple[float, float], unit: str, scale: float
) -> list[float]:
    """Ticks for a horizontal value axis whose labels (£1,000m) keep clear of each other;
    `scale` is points per unit."""
    for bins in (4, 3, 2, 1):
        ticks = _value_ticks(low, high, limit, bins)
        if len(ticks) < 2:
            return ticks
        step = ticks[1] - ticks[0]
        widest = max(style.text_width(tick(t, unit, step), style.VALUE_SIZE) for t in ticks)
        if widest + 12 <= step * scale:
            return ticks
    return ticks


def _widest_tick(low: float, high: float, unit: str) -> float:
    ticks = _value_ticks(low, high, (-math.inf, math.inf))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(style.text_width(tick(t, unit, step), style.VALUE_SIZE) for t in ticks)


def _format_value_axis(ax: Axes, which: str, ticks: list[float], unit: str) -> None:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    labels = [tick(t, unit, step) for t in ticks]
    if which == "x":
        ax.set_xticks(ticks, labels)
    else:
        ax.set_yticks(ticks, labels)


def _legend(fig: Figure, series: list[str], colours: list[str], left: float, top: float) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, label=s) for s, c in zip(series, colours, strict=True)]
    width = sum(style.text_width(s, style.VALUE_SIZE) + 30 for s in series)
    columns = len(series) if left + width < style.WIDTH else 1
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left / style.WIDTH, 1 - top / fig.bbox.height),
        ncol=columns,
        frameon=False,
        handlelength=1,
        handleheight=1,
        borderaxespad=0,
        borderpad=0,
    )


def legend_height(series: list[str], left: float) -> float:
    if series == [""]:
        return 0.0
    width = sum(style.text_width(s, style.VALUE_SIZE) + 30 for s in series)
    rows = 1 if left + width < style.WIDTH else len(series)
    return 18.0 * rows + 6


@dataclass(frozen=True)
class Rows:
    """Where each category of a horizontal chart sits: its label (beside the bars, or above
    them when labels are long: the chart keeps its width for the bars), its height and the
    centre of each series' bar or dot."""

    wrapped: dict[str, str]  # label -> its lines
    above: bool  # labels above their bars, else beside them
    left: float  # points left of the plotting area
    height: float  # points: the plotting area
    tops: dict[str, float]  # label -> where its row starts
    centres: dict[tuple[str, str], float]  # (label, series) -> where its bar or dot is


def rows(labels: list[str], series: list[str]) -> Rows:
    """The rows of a horizontal chart: labels beside the bars when the longest, wrapped, takes
    no more than a third of the chart's width; else each label above its bars."""
    beside = {label: "\n".join(textwrap.wrap(label, LABEL_CHARS)) or " " for label in labels}
    widest = max(style.text_width(w, style.LABEL_SIZE) for w in beside.values())
    above = widest > style.WIDTH * LABELS_BESIDE
    if above:
        chars = int((style.WIDTH - 8) / (style.LABEL_SIZE * 0.5))
        wrapped = {label: "\n".join(textwrap.wrap(label, chars)) or " " for label in labels}
        left = EDGE
    else:
        wrapped, left = beside, widest + 12
    tops: dict[str, float] = {}
    centres: dict[tuple[str, str], float] = {}
    position = GAP / 2
    for label in labels:
        lines = wrapped[label].count("\n") + 1
        tops[label] = position
        text = lines * style.LABEL_SIZE * LINE
        bars_top = position + (text + 2 if above else 0.0)
        height = len(series) * BAR if above else max(len(series) * BAR, text)
        middle = bars_top + height / 2
        for place, name in enumerate(series):
            centres[label, name] = middle + (place - (len(series) - 1) / 2) * BAR
        position = bars_top + height + GAP
    return Rows(wrapped, above, left, position - GAP / 2, tops, centres)


def _category_labels(ax: Axes, layout: Rows, labels: list[str]) -> None:
    """The categories: as the axis's labels beside the rows, or written above each row."""
    if not layout.above:
        middles = [
            sum(v for (lab, _), v in layout.centres.items() if lab == label)
            / sum(1 for lab, _ in layout.centres if lab == label)
            for label in labels
        ]
        ax.set_yticks(middles, [layout.wrapped[x] for x in labels])
        ax.tick_params(axis="y", length=0, labelsize=style.LABEL_SIZE)
        return
    ax.set_yticks([])
    for label in labels:
        ax.annotate(
            layout.wrapped[label],
            (0, layout.tops[label]),
            xycoords=("axes fraction", "data"),
            ha="left",
            va="top",
            fontsize=style.LABEL_SIZE,
            color=style.TEXT,
            linespacing=LINE,
            bbox=BEHIND,
        )


def _print_value(
    ax: Axes, text: str, at: tuple[float, float], gid: str, offset: float, after: bool = True
) -> None:
    """A value printed beside its bar or dot (after it, or before a negative bar), on a white
    ground that hides the gridlines behind it."""
    ax.annotate(
        text,
        at,
        xytext=(offset if after else -offset, 0),
        textcoords="offset points",
        ha="left" if after else "right",
        va="center",
        color=style.TEXT,
        bbox=BEHIND,
        gid=gid,
    )


def _value_axis_across(
    ax: Axes,
    layout: Rows,
    labels: list[str],
    limit: tuple[float, float],
    ticks: list[float],
    unit: str,
) -> None:
    """A horizontal chart's axes: its rows top to bottom, their labels, the value axis along
    the foot with its unit, and gridlines across the values only."""
    ax.set_ylim(layout.height, 0)
    _category_labels(ax, layout, labels)
    ax.set_xlim(*limit)
    _format_value_axis(ax, "x", ticks, unit)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    if unit in WORD_UNITS:
        ax.set_xlabel(unit_name(unit), loc="right")


def draw_bars(
    points: list[Point], labels: list[str], series: list[str], unit: str, chart_id: str, alt: str
) -> tuple[str, float, float]:
    """Horizontal bars from a zero baseline, each value printed at its end, on a white ground
    that hides the gridlines behind it."""
    colours = style.palette(len(series))
    layout = rows(labels, series)
    plot_h, left = layout.height, layout.left
    top = 8 + legend_height(series, left)
    bottom = 26 + (18 if unit in WORD_UNITS else 0)
    height = plot_h + top + bottom
    values = [plotted(p, unit) for p in points]
    texts = [shown(p) for p in points]
    low, high = min(0.0, *values), max(0.0, *values)
    # the first and last tick labels, centred on their ticks, must stay inside the figure
    edge = max(10.0, _widest_tick(low, high, unit) / 2 + 2)
    left = max(left, edge)
    plot_w = style.WIDTH - left - edge
    room = [style.text_width(t, style.VALUE_SIZE) + PAD + 2 for t in texts]
    right_room = max((r for r, v in zip(room, values, strict=True) if v >= 0), default=0.0)
    left_room = max((r for r, v in zip(room, values, strict=True) if v < 0), default=0.0)
    scale = (plot_w - right_room - left_room) / ((high - low) or 1.0)  # points per unit
    limit = (low - left_room / scale, high + right_room / scale)

    with style.style(chart_id):
        fig = _figure(style.WIDTH, height)
        ax = fig.add_axes(
            (left / style.WIDTH, bottom / height, plot_w / style.WIDTH, plot_h / height)
        )
        ax.set_axisbelow(True)  # gridlines behind the bars
        for n, (point, value) in enumerate(zip(points, values, strict=True)):
            place = series.index(point.series)
            y = layout.centres[point.label, point.series]
            (bar,) = ax.barh(y, value, height=BAR * 0.85, color=colours[place])
            bar.set_gid(f"{chart_id}-bar-{n}")
            _print_value(ax, texts[n], (value, y), f"{chart_id}-value-{n}", PAD, value >= 0)
        ticks = _spaced_ticks(low, high, limit, unit, scale)
        _value_axis_across(ax, layout, labels, limit, ticks, unit)
        ax.axvline(0, color=style.QUIET, linewidth=1)
        if series != [""]:
            _legend(fig, series, colours, left, 6)
        svg = style.svg_document(fig, chart_id, alt)
    return svg, style.WIDTH, height


def draw_dots(
    points: list[Point], labels: list[str], series: list[str], unit: str, chart_id: str, alt: str
) -> tuple[str, float, float]:
    """A dot plot: each value a dot on a scale that spans the values (not from zero), so a
    small difference shows; each value printed beside its dot. For figures close together
    (92.2% beside 92.4%), where bars from zero would all look the same."""
    colours = style.palette(len(series))
    layout = rows(labels, series)
    plot_h = layout.height
    top = 8 + legend_height(series, layout.left)
    bottom = 26 + (18 if unit in WORD_UNITS else 0)
    height = plot_h + top + bottom
    values = [plotted(p, unit) for p in points]
    texts = [shown(p) for p in points]
    ticks = _value_ticks(min(values), max(values), (-math.inf, math.inf), 3)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    low = min(ticks[0], math.floor(min(values) / step) * step)
    high = max(ticks[-1], math.ceil(max(values) / step) * step)
    edge = max(10.0, _widest_tick(low, high, unit) / 2 + 2)
    left = max(layout.left, edge)
    plot_w = style.WIDTH - left - edge
    room = max(style.text_width(t, style.VALUE_SIZE) for t in texts) + PAD + DOT + 2
    scale = (plot_w - room) / ((high - low) or 1.0)
    limit = (low, high + room / scale)

    with style.style(chart_id):
        fig = _figure(style.WIDTH, height)
        ax = fig.add_axes(
            (left / style.WIDTH, bottom / height, plot_w / style.WIDTH, plot_h / height)
        )
        ax.set_axisbelow(True)
        for y in layout.centres.values():  # a faint line across each row
            ax.axhline(y, color=style.GUIDE, linewidth=0.8, zorder=0.5)
        for n, (point, value) in enumerate(zip(points, values, strict=True)):
            place = series.index(point.series)
            y = layout.centres[point.label, point.series]
            (dot,) = ax.plot(
                [value], [y], marker="o", markersize=DOT, color=colours[place], linestyle=""
            )
            dot.set_gid(f"{chart_id}-dot-{n}")
            _print_value(ax, texts[n], (value, y), f"{chart_id}-value-{n}", PAD + DOT / 2)
        shown_ticks = [t for t in ticks if low <= t <= high] or ticks
        _value_axis_across(ax, layout, labels, limit, shown_ticks, unit)
        if series != [""]:
            _legend(fig, series, colours, left, 6)
        svg = style.svg_document(fig, chart_id, alt)
    return svg, style.WIDTH, height


def draw_columns(
    points: list[Point],
    axis: list[FinancialYear],
    series: list[str],
    unit: str,
    chart_id: str,
    alt: str,
    breaks: list[str] | None = None,
) -> tuple[str, float, float]:
    """Columns on a year axis: one slot per financial year, a labelled gap where none; a
    series break (`breaks`: the years a new series starts) drawn before its year."""
    colours = style.palette(len(series))
    values = [plotted(p, unit) for p in points]
    texts = [shown(p) for p in points]
    low, high = min(0.0, *values), max(0.0, *values)
    left = _widest_tick(low, high, unit) + 14
    plot_w = style.WIDTH - left - 8
    slot = plot_w / (len(axis) + 0.2)
    year_w = max(style.text_width(y.label, style.VALUE_SIZE) for y in axis)
    slanted = year_w + 4 > slot
    room = slot * (1 if len(series) == 1 else 0.8 / len(series))  # a column's width
    value_w = max(style.text_width(t, style.VALUE_SIZE) for t in texts)
    lines = 1
    if value_w + 2 > room:  # a qualifier on a line of its own ("almost" over "55%") ...
        split = ["\n".join(t.rsplit(" ", 1)) for t in texts]
        split_w = max(style.text_width(t, style.VALUE_SIZE) for t in split)
        if split_w + 2 <= room:
            texts, value_w, lines = split, split_w, 2
    upright = value_w + 2 > room  # ... else the labels turned upright, read bottom to top
    top = 10 + (16 if unit in WORD_UNITS else 0) + legend_height(series, left)
    bottom = 48.0 if slanted else 26.0
    height = PLOT_HEIGHT + top + bottom
    label_room = (value_w if upright else style.VALUE_SIZE * 1.2 * lines) + PAD + 2
    scale = (PLOT_HEIGHT - label_room) / ((high - low) or 1.0)
    limit = (low, high + label_room / scale)
    width = 0.8 / len(series)
    places = {p.label: FinancialYear(int(p.label[:4])) for p in points}

    with style.style(chart_id):
        fig = _figure(style.WIDTH, height)
        ax = fig.add_axes(
            (left / style.WIDTH, bottom / height, plot_w / style.WIDTH, PLOT_HEIGHT / height)
        )
        ax.set_axisbelow(True)  # gridlines behind the columns
        for n, (point, value) in enumerate(zip(points, values, strict=True)):
            place = series.index(point.series)
            x = places[point.label].start + (place - (len(series) - 1) / 2) * width
            (bar,) = ax.bar(x, value, width=width * 0.9, color=colours[place])
            bar.set_gid(f"{chart_id}-bar-{n}")
            ax.annotate(
                texts[n],
                (x, value),
                xytext=(0, PAD if value >= 0 else -PAD),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                rotation=90 if upright else 0,
                linespacing=1.1,
                color=style.TEXT,
                bbox=BEHIND,
                gid=f"{chart_id}-value-{n}",
            )
        _gaps(ax, points, axis, series, width, slot, chart_id)
        _breaks(ax, [FinancialYear(int(y[:4])) for y in breaks or []], chart_id)
        ax.set_xlim(axis[0].start - 0.6, axis[-1].start + 0.6)
        ax.set_xticks(
            [y.start for y in axis],
            [y.label for y in axis],
            rotation=45 if slanted else 0,
            ha="right" if slanted else "center",
            rotation_mode="anchor",
        )
        ax.tick_params(axis="x", length=0, labelsize=style.VALUE_SIZE)
        ax.set_ylim(*limit)
        _format_value_axis(ax, "y", _value_ticks(low, high, limit), unit)
        ax.axhline(0, color=style.QUIET, linewidth=1)
        if unit in WORD_UNITS:
            ax.annotate(
                unit_name(unit),
                (0, 1),
                xycoords="axes fraction",
                xytext=(-left + 4, 8),
                textcoords="offset points",
                ha="left",
                va="bottom",
                color=style.TEXT,
            )
        if series != [""]:
            _legend(fig, series, colours, left, 6)
        svg = style.svg_document(fig, chart_id, alt)
    return svg, style.WIDTH, height


def _gaps(
    ax: Axes,
    points: list[Point],
    axis: list[FinancialYear],
    series: list[str],
    width: float,
    slot: float,
    chart_id: str,
) -> None:
    """Label each year's empty place "no figure", so a missing year is never closed up."""
    have = {(p.label, p.series) for p in points}
    two_lines = style.text_width("figure", style.NOTE_SIZE) + 4 <= slot * width
    for year in axis:
        for place, name in enumerate(series):
            if (year.label, name) in have:
                continue
            x = year.start + (place - (len(series) - 1) / 2) * width
            ax.annotate(
                "no\nfigure" if two_lines else NO_FIGURE,
                (x, 0),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                rotation=0 if two_lines else 90,
                fontsize=style.NOTE_SIZE,
                color=style.QUIET,
                linespacing=1.1,
                gid=f"{chart_id}-gap-{year.slug}" + (f"-{place}" if len(series) > 1 else ""),
            )


def _breaks(ax: Axes, starts: list[FinancialYear], chart_id: str) -> None:
    """A series break: a dashed line between the years either side, the words "series
    break" written along it (on a white ground, in the gap between the columns), so columns
    either side are never read as one series."""
    for year in starts:
        x = year.start - 0.5
        ax.axvline(
            x,
            color=style.TEXT,
            linewidth=1.2,
            linestyle=(0, (4, 3)),
            gid=f"{chart_id}-break-{year.slug}",
        )
        ax.annotate(
            "series break",
            (x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, -2),
            textcoords="offset points",
            ha="center",
            va="top",
            rotation=90,
            fontsize=style.NOTE_SIZE,
            color=style.TEXT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
