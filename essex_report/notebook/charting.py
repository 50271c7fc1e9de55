"""Charts of a year's figures as parts: a chart (essex_report.charts) and its numbers as a
table; a table of the figures when there is nothing to chart (one bar is not a chart)."""

from __future__ import annotations

from essex_report.charts.make import bar_chart as make_bar_chart
from essex_report.charts.make import trend_chart as make_trend_chart
from essex_report.charts.model import Chart, Point
from essex_report.data.model import Value
from essex_report.notebook.figures import BASIS_LABELS, Figures
from essex_report.notebook.markup import heading, pipe_table
from essex_report.notebook.parts import Part, Parts, Printed
from essex_report.notebook.tables import table
from essex_report.years import FinancialYear


def _point(figures: Figures, value: Value, label: str, series: str = "") -> tuple[Point, Printed]:
    """A value as a chart draws it: printed with its qualifier ("over £668m") at its bar, in
    its data and alt text."""
    record = figures.printed(value)[1]
    unit = figures.indicator(value.indicator).unit
    return Point(label, value.value, unit, figures.standalone(value), series), record


def chart_parts(
    figures: Figures, drawn: Chart | None, printed: list[Printed], fallback: list[Value]
) -> Parts:
    """A chart and its data as a table; a table of the figures when no chart is drawn."""
    if drawn is None:
        return Parts([table(figures, [(v.indicator, v.breakdown) for v in fallback], "")])
    widths = [44] + [-14] * (len(drawn.header) - 1)
    if drawn.header[-1] == "Note":  # a trend's notes (periods, series breaks) are words
        widths[-1] = 40
    data = pipe_table(drawn.header, drawn.rows, widths, "")
    return Parts(
        [
            Part(
                kind="chart",
                svg=drawn.svg,
                caption=drawn.caption,
                alt=drawn.alt,
                figures=tuple(printed),
            ),
            Part(data, kind="chart-data"),
        ]
    )


def bar_chart(figures: Figures, indicators: list[str], caption: str, label_header: str) -> Parts:
    """A bar chart of several figures' values this year (the ones the year has)."""
    present = [v for v in (figures.value(i) for i in indicators) if v is not None]
    drawn = [_point(figures, v, figures.indicator(v.indicator).label) for v in present]
    if not drawn:
        return Parts()
    bases = sorted({BASIS_LABELS[v.basis].lower() for v in present})
    chart = make_bar_chart(
        [p for p, _ in drawn], f"{caption}, {figures.year} ({', '.join(bases)})", label_header
    )
    return chart_parts(figures, chart, [f for _, f in drawn], present)


def breakdown_chart(figures: Figures, indicators: list[str]) -> Parts:
    """A bar chart of an indicator's parts (Essex, region, UK ...), or of several indicators'
    parts grouped."""
    values = [v for i in indicators for v in figures.breakdowns(i)]
    several = len(indicators) > 1
    drawn = [
        _point(figures, v, v.breakdown, figures.indicator(v.indicator).label if several else "")
        for v in values
    ]
    if not drawn:
        return Parts()
    labels = " and ".join(figures.indicator(i).label for i in indicators)
    header = "Figure" if several else "Area"
    measure = "Value" if several else figures.indicator(indicators[0]).label
    chart = make_bar_chart(
        [p for p, _ in drawn], f"{labels}, {figures.year}", header, measure=measure
    )
    return chart_parts(figures, chart, [f for _, f in drawn], values)


def trend_chart(figures: Figures, indicator: str, least: int = 3) -> Parts:
    """The figure across years up to this one, on this year's basis, on a year axis; a year
    without a figure on that basis is shown as a gap. Nothing when fewer than `least` years
    have it."""
    current = figures.value(indicator)
    if current is None:
        return Parts()
    series = [
        value
        for year in sorted(figures.book.years)
        if year <= figures.year
        and (value := figures.value(indicator, "", year)) is not None
        and value.basis == current.basis
    ]
    if len(series) < least:
        return Parts()
    drawn = [_point(figures, v, v.year.label) for v in series]
    years = [FinancialYear(n).label for n in range(series[0].year.start, figures.year.start + 1)]
    basis = BASIS_LABELS[current.basis].lower()
    label = figures.indicator(indicator).label
    caption = f"{label}, {years[0]} to {years[-1]} ({basis})"
    breaks = {
        b.year.label: f"{b.change} changed: {b.reason}"
        for b in figures.catalogue.breaks.get(indicator, [])
        if series[0].year < b.year <= figures.year
    }
    notes = {v.year.label: _note(v) for v in series if _note(v)}
    chart = make_trend_chart(
        [p for p, _ in drawn], years, caption, measure=label, breaks=breaks, notes=notes
    )
    return chart_parts(figures, chart, [f for _, f in drawn], series)


def _note(value: Value) -> str:
    """What a trend's data table says of one year's figure: the period it covers, and its
    own wording where the year's report words it differently."""
    return "; ".join(p for p in (value.label, value.period) if p)


def trends(figures: Figures, chapter: str, level: int = 2) -> Parts:
    """A "Trends" heading and a trend chart for every figure of a chapter published for this
    year and at least two earlier years on the same basis."""
    found = [
        trend_chart(figures, i.id)
        for i in sorted(figures.catalogue.indicators.values(), key=lambda i: i.label)
        if i.chapter == chapter
    ]
    found = [chart for chart in found if chart]
    return Parts([Part(heading("Trends", level)), *found]) if found else Parts()
