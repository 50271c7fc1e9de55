"""Charts of a year's figures as parts: a chart (essex_report.charts) and its numbers as a
table; a table of the figures when there is nothing to chart (one bar is not a chart).

Captions and labels are written, not concatenated: each phrase once. Labels that all start
with the same words ("Share of spending funded by council tax", "... by business rates") keep
only what tells them apart ("Council tax", "Business rates"); a caption names the year once,
and what kind of figure the chart shows only when it is not a result for the year
(Figures.kind)."""

from __future__ import annotations

from essex_report.charts.make import bar_chart as make_bar_chart
from essex_report.charts.make import trend_chart as make_trend_chart
from essex_report.charts.model import Chart, Point
from essex_report.data.model import Value
from essex_report.notebook.figures import Figures
from essex_report.notebook.markup import heading, pipe_table
from essex_report.notebook.parts import Part, Parts, Printed
from essex_report.notebook.tables import table
from essex_report.years import FinancialYear


def shared_start(labels: list[str]) -> tuple[str, list[str]]:
    """The words every label starts with, and each label without them, capitalised:
    ("Share of spending funded by", ["Council tax", "Business rates"]). Nothing is taken
    when fewer than two words are shared or a label would be left empty."""
    words = [label.split() for label in labels]
    shared = 0
    while len(labels) > 1 and all(len(w) > shared + 1 for w in words):
        if len({w[shared] for w in words}) != 1:
            break
        shared += 1
    if shared < 2:
        return "", labels
    rest = [" ".join(w[shared:]) for w in words]
    return " ".join(words[0][:shared]).rstrip(",:;"), [r[0].upper() + r[1:] for r in rest]


def _point(figures: Figures, value: Value, label: str, series: str = "") -> tuple[Point, Printed]:
    """A value as a chart draws it: printed with its qualifier ("over £668m") at its bar, in
    its data and alt text."""
    record = figures.printed(value)[1]
    unit = figures.indicator(value.indicator).unit
    return Point(label, value.value, unit, figures.standalone(value), series), record


def chart_parts(
    figures: Figures,
    drawn: Chart | None,
    printed: list[Printed],
    fallback: list[Value],
) -> Parts:
    """A chart and its data as a table; when no chart is drawn (one value), a table of the
    figure under its own name."""
    if drawn is None:
        keys = [(v.indicator, v.breakdown) for v in fallback]
        named = figures.label(fallback[0]) + figures.kind(fallback)
        return Parts([table(figures, keys, f"{named}, {fallback[0].year}")])
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


def bar_chart(
    figures: Figures,
    indicators: list[str],
    caption: str,
    label_header: str,
    measure: str | None = None,
) -> Parts:
    """A bar chart of several figures' values this year (the ones the year has), captioned
    "<caption>, <year>"; its table's columns are `label_header` and `measure` (by default
    the caption)."""
    present = [v for v in (figures.value(i) for i in indicators) if v is not None]
    if not present:
        return Parts()
    _, labels = shared_start([figures.indicator(v.indicator).label for v in present])
    drawn = [_point(figures, v, label) for v, label in zip(present, labels, strict=True)]
    kind = figures.kind(present)  # " (budget)", unless the caption says so ("Budgeted ...")
    said = kind.strip(" ()").split()[0] if kind else ""
    title = f"{caption}{'' if said in caption.lower() else kind}, {figures.year}"
    chart = make_bar_chart([p for p, _ in drawn], title, label_header, measure=measure or caption)
    return chart_parts(figures, chart, [f for _, f in drawn], present)


def breakdown_chart(figures: Figures, indicators: list[str]) -> Parts:
    """A bar chart of an indicator's parts (Essex, region, UK ...), or of several indicators'
    parts grouped: "Participation in learning", its series "2018 Year 11 leavers" and
    "2019 Year 11 leavers"."""
    values = [v for i in indicators for v in figures.breakdowns(i)]
    if not values:
        return Parts()
    labels = [figures.indicator(i).label for i in indicators]
    start, series = shared_start(labels)
    if len(indicators) > 1:
        named = dict(zip(indicators, series, strict=True))
        drawn = [_point(figures, v, v.breakdown, named[v.indicator]) for v in values]
        caption = start or f"{', '.join(labels[:-1])} and {labels[-1]}"
        measure = "Figure"
    else:
        drawn = [_point(figures, v, v.breakdown) for v in values]
        caption = f"{labels[0]}, {figures.year}"
        measure = labels[0]
    chart = make_bar_chart([p for p, _ in drawn], caption, "Area", measure=measure)
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
    label = figures.indicator(indicator).label + figures.kind([current])
    caption = f"{label}, {years[0]} to {years[-1]}"
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
