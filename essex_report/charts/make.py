"""Charts made from points: horizontal bars, and columns on a year axis. A chart with fewer
than two values is not drawn: the figure belongs in a sentence or a table."""

from __future__ import annotations

from essex_report.charts.draw import draw_bars, draw_columns, draw_dots
from essex_report.charts.model import (
    NO_FIGURE,
    Chart,
    Point,
    alt_text,
    chart_unit,
    identity,
    plotted,
    shown,
    unique,
)
from essex_report.errors import ReportError
from essex_report.years import FinancialYear, parse_year

# --- bar charts --------------------------------------------------------------------------------

CLOSE = 0.1  # values whose spread is less than this share of the largest are drawn as dots


def bar_chart(
    points: list[Point], caption: str, label_header: str, *, measure: str = "Value"
) -> Chart | None:
    """Horizontal bars, one per point, grouped by label when the points carry series.

    `measure` names the values in the table header ("Spending"): the cells carry their units
    as printed ("£668m", "560,000 tonnes"), the chart's axis states the unit it is drawn in.
    """
    if len(points) < 2:
        return None
    unique(points, caption)
    unit = chart_unit(points, caption)
    labels = list(dict.fromkeys(p.label for p in points))
    series = list(dict.fromkeys(p.series for p in points))
    values = [plotted(p, unit) for p in points]
    # Figures close together (92.2% beside 92.4%) on a scale that shows their difference:
    # dots, never bars cut short of zero.
    close = min(values) > 0 and max(values) - min(values) < CLOSE * max(values)
    shape = "dot plot" if close else "bar chart"
    kind = f"grouped {shape}" if series != [""] else shape
    chart_id = identity(kind, caption, points)
    if series == [""]:
        header = [label_header, measure]
        rows = [[p.label, shown(p)] for p in points]
        items = [f"{p.label}: {shown(p)}" for p in points]
    else:
        header = [label_header, *series]
        cells = {(p.label, p.series): shown(p) for p in points}
        rows = [[label, *(cells.get((label, s), NO_FIGURE) for s in series)] for label in labels]
        items = [f"{p.series}, {p.label}: {shown(p)}" for p in points]
    alt = alt_text(kind, unit, items)
    draw = draw_dots if close else draw_bars
    svg, width, height = draw(points, labels, series, unit, chart_id, alt)
    return Chart(svg, caption, alt, header, rows, kind, unit, chart_id, width, height)


# --- trend charts ------------------------------------------------------------------------------


def year_axis(points: list[Point], years: list[str], caption: str) -> list[FinancialYear]:
    """Every financial year from the first to the last of `years` and the points' years."""
    try:
        found = {parse_year(y) for y in [*years, *(p.label for p in points)]}
    except ReportError as error:
        raise ReportError(f"chart '{caption}': {error}") from None
    first, last = min(found), max(found)
    return [FinancialYear(n) for n in range(first.start, last.start + 1)]


def trend_chart(
    points: list[Point],
    years: list[str],
    caption: str,
    *,
    measure: str = "Value",
    breaks: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> Chart | None:
    """Columns on a year axis holding every financial year from first to last: a year
    without a figure keeps its place, labelled "no figure". Points labelled by year.

    `breaks`: year label -> what changed, for each year a new series starts (a change of
    definition, coverage or period): drawn as a break before that year, said in the alt text
    and the data table. `notes`: year label -> what the data table says of that year's
    figure (the period it covers)."""
    if len(points) < 2:
        return None
    breaks, notes = breaks or {}, dict(notes or {})
    for year, why in breaks.items():
        notes[year] = "; ".join(p for p in (f"series break, {why}", notes.get(year)) if p)
    axis = year_axis(points, years, caption)
    points = [Point(parse_year(p.label).label, p.value, p.unit, p.text, p.series) for p in points]
    unique(points, caption)
    unit = chart_unit(points, caption)
    series = list(dict.fromkeys(p.series for p in points))
    kind = "grouped column chart" if series != [""] else "column chart"
    chart_id = identity(kind, caption, points)
    cells = {(p.label, p.series): p for p in points}
    header = ["Year", *(s or measure for s in series)]
    rows = [
        [
            y.label,
            *(shown(cells[y.label, s]) if (y.label, s) in cells else NO_FIGURE for s in series),
        ]
        for y in axis
    ]
    if notes:
        header.append("Note")
        rows = [[*row, notes.get(row[0], "")] for row in rows]
    items = []
    for y in axis:
        found = [(s, cells.get((y.label, s))) for s in series]
        said = [f"{s} {shown(p)}".strip() if p else f"{s} {NO_FIGURE}".strip() for s, p in found]
        items.append(f"{y.label}: {', '.join(said)}")
    alt = alt_text(kind, unit, items)
    if breaks:
        where = "; ".join(f"before {year} ({why})" for year, why in breaks.items())
        alt += f" The series breaks {where}: figures either side are not comparable."
    svg, width, height = draw_columns(points, axis, series, unit, chart_id, alt, list(breaks))
    return Chart(svg, caption, alt, header, rows, kind, unit, chart_id, width, height)
