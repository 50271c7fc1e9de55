"""Figures, tables and charts for the notebook API (essex_report.notebook builds on this).

Each method returns parts carrying the figures they print. A figure the year does not have
is left out of tables and charts; an indicator id that is not in data/indicators.csv is a
one-line error naming it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from essex_report import charts
from essex_report.data import Indicator, Value, Workbook
from essex_report.errors import ReportError
from essex_report.figures import change
from essex_report.formatting import format_value
from essex_report.markup import heading, pipe_table
from essex_report.parts import Figure, Part, Parts
from essex_report.years import FinancialYear

NOT_AVAILABLE = "not available"
BASIS_LABELS = {
    "reported": "Reported",
    "budget": "Budget",
    "set": "Set for the year",
    "cumulative": "Running total",
    "target": "Target",
}
Key = str | tuple[str, str]  # an indicator id, or (indicator id, breakdown)


class FigureParts:
    """The figures of one year of a workbook, and the parts that print them."""

    def __init__(self, book: Workbook, year: FinancialYear):
        self.book = book
        self.year = year
        self.catalogue = book.catalogue
        self.data = book.data(year)

    # --- figures ------------------------------------------------------------------------

    def indicator(self, indicator: str) -> Indicator:
        """The catalogue entry of an indicator id (label, unit, direction ...)."""
        try:
            return self.catalogue.indicators[indicator]
        except KeyError:
            close = difflib.get_close_matches(indicator, list(self.catalogue.indicators), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ReportError(
                f"'{indicator}' is not an indicator in data/indicators.csv{hint}"
            ) from None

    def value(
        self, indicator: str, breakdown: str = "", year: FinancialYear | None = None
    ) -> Value | None:
        """The year's value of a figure (or another year's), or None when it has none."""
        self.indicator(indicator)
        return self.book.data(year or self.year).get(indicator, breakdown)

    def breakdowns(self, indicator: str) -> list[Value]:
        """The year's values of an indicator's parts (Essex, England, a district ...)."""
        self.indicator(indicator)
        return self.data.breakdowns(indicator)

    def text(self, value: Value) -> str:
        """A value as the report prints it: £2.1bn, 36.7%, 673,000 tonnes."""
        ind = self.indicator(value.indicator)
        return format_value(value.value, ind.unit, ind.decimals if value.derived else None)

    def printed(self, value: Value, under: tuple[int, str] | None = None) -> tuple[str, Figure]:
        """A value as printed, with the register's record of it."""
        ind = self.indicator(value.indicator)
        text = self.text(value)
        return text, Figure(
            value.indicator,
            value.breakdown,
            value.year.label,
            ind.label,
            str(value.value),
            ind.unit,
            value.basis,
            text,
            value.source,
            value.section,
            under,
            value.note,
        )

    def label(self, value: Value) -> str:
        ind = self.indicator(value.indicator)
        return f"{ind.label}: {value.breakdown}" if value.breakdown else ind.label

    @staticmethod
    def basis_label(value: Value) -> str:
        """How a figure was arrived at, in a word or two (its notes go to the register)."""
        return BASIS_LABELS[value.basis]

    # --- tables -------------------------------------------------------------------------

    def table(self, keys: Iterable[Key], caption: str) -> Part:
        """A table of figures with their basis and, where the previous year has the figure
        on the same basis, the change. Figures the year does not have are left out."""
        previous = self.year.previous()
        rows: list[list[str]] = []
        figures: list[Figure] = []
        for key in keys:
            indicator, breakdown = (key, "") if isinstance(key, str) else key
            value = self.value(indicator, breakdown)
            if value is None:
                continue
            text, figure = self.printed(value)
            figures.append(figure)
            before = self.value(indicator, breakdown, previous)
            moved = change(value, before, self.indicator(indicator).direction) if before else None
            change_text = ""
            if moved:
                was, was_figure = self.printed(before)
                figures.append(was_figure)
                what = moved.describe(self.indicator(indicator).unit)
                change_text = (
                    "no change" if moved.delta == 0 else f"{what}, {moved.verdict}"
                ) + f" (from {was})"
            rows.append([self.label(value), text, self.basis_label(value), change_text])
        if not rows:
            return Part()
        header = ["Figure", "Value", "Basis"]
        widths = [44, -12, 16]
        if any(row[3] for row in rows):
            header.append(f"Change on {previous}")
            widths.append(28)
            rows = [[*row[:3], row[3] or NOT_AVAILABLE] for row in rows]
        else:
            rows = [row[:3] for row in rows]
        markdown = pipe_table(header, rows, widths, caption)
        return Part(markdown, tuple(figures), kind="table", caption=caption)

    def chapter_keys(self, chapter: str) -> list[tuple[str, str]]:
        """Every figure the year has of a chapter ("resources" or "performance"), by label."""
        keys = [k for k, v in self.data.values.items() if self.indicator(k[0]).chapter == chapter]
        return sorted(keys, key=lambda k: (self.indicator(k[0]).label, k[1]))

    def chapter_table(self, chapter: str, title: str, level: int = 2) -> Parts:
        """A heading and a table of every figure of a chapter: what a year without words
        still shows. Nothing when the year has no figures of the chapter."""
        keys = self.chapter_keys(chapter)
        if not keys:
            return Parts()
        return Parts([Part(heading(title, level)), self.table(keys, f"{title}, {self.year}")])

    # --- charts -------------------------------------------------------------------------

    def _point(self, value: Value, label: str, series: str = "") -> tuple[charts.Point, Figure]:
        text, figure = self.printed(value)
        unit = self.indicator(value.indicator).unit
        return charts.Point(label, value.value, unit, text, series), figure

    def _chart(
        self, drawn: charts.Chart | None, figures: list[Figure], fallback: list[Value]
    ) -> Parts:
        """A chart and its data as a table; a table of the figures when no chart is drawn
        (one bar is not a chart)."""
        if drawn is None:
            return Parts([self.table([(v.indicator, v.breakdown) for v in fallback], "")])
        data = pipe_table(drawn.header, drawn.rows, [44] + [-14] * (len(drawn.header) - 1), "")
        return Parts(
            [
                Part(
                    kind="chart",
                    svg=drawn.svg,
                    caption=drawn.caption,
                    alt=drawn.alt,
                    figures=tuple(figures),
                ),
                Part(data, kind="chart-data"),
            ]
        )

    def bar_chart(self, indicators: list[str], caption: str, label_header: str) -> Parts:
        """A bar chart of several figures' values this year (the ones the year has)."""
        present = [v for v in (self.value(i) for i in indicators) if v is not None]
        drawn = [self._point(v, self.indicator(v.indicator).label) for v in present]
        if not drawn:
            return Parts()
        bases = sorted({BASIS_LABELS[v.basis].lower() for v in present})
        chart = charts.bar_chart(
            [p for p, _ in drawn], f"{caption}, {self.year} ({', '.join(bases)})", label_header
        )
        return self._chart(chart, [f for _, f in drawn], present)

    def breakdown_chart(self, indicators: list[str]) -> Parts:
        """A bar chart of an indicator's parts (Essex, region, UK ...), or of several
        indicators' parts grouped."""
        values = [v for i in indicators for v in self.breakdowns(i)]
        several = len(indicators) > 1
        drawn = [
            self._point(v, v.breakdown, self.indicator(v.indicator).label if several else "")
            for v in values
        ]
        if not drawn:
            return Parts()
        labels = " and ".join(self.indicator(i).label for i in indicators)
        header = "Figure" if several else "Area"
        measure = "Value" if several else self.indicator(indicators[0]).label
        chart = charts.bar_chart(
            [p for p, _ in drawn], f"{labels}, {self.year}", header, measure=measure
        )
        return self._chart(chart, [f for _, f in drawn], values)

    def trend_chart(self, indicator: str, least: int = 3) -> Parts:
        """The figure across years up to this one, on this year's basis, on a year axis; a
        year without a figure on that basis is shown as a gap. Nothing when fewer than
        `least` years have it."""
        current = self.value(indicator)
        if current is None:
            return Parts()
        series = [
            value
            for year in sorted(self.book.years)
            if year <= self.year
            and (value := self.value(indicator, "", year)) is not None
            and value.basis == current.basis
        ]
        if len(series) < least:
            return Parts()
        drawn = [self._point(v, v.year.label) for v in series]
        years = [FinancialYear(n).label for n in range(series[0].year.start, self.year.start + 1)]
        basis = BASIS_LABELS[current.basis].lower()
        caption = f"{self.indicator(indicator).label}, {years[0]} to {years[-1]} ({basis})"
        measure = self.indicator(indicator).label
        chart = charts.trend_chart([p for p, _ in drawn], years, caption, measure=measure)
        return self._chart(chart, [f for _, f in drawn], series)

    def trends(self, chapter: str, level: int = 2) -> Parts:
        """A "Trends" heading and a trend chart for every figure of a chapter published for
        this year and at least two earlier years on the same basis."""
        found = [
            self.trend_chart(i.id)
            for i in sorted(self.catalogue.indicators.values(), key=lambda i: i.label)
            if i.chapter == chapter
        ]
        found = [chart for chart in found if chart]
        return Parts([Part(heading("Trends", level)), *found]) if found else Parts()

    def funding_chart(self) -> Parts:
        """How spending was funded: each source's share, saying what it is a share of (see
        essex_report.funding)."""
        from essex_report.funding import funding_chart

        return funding_chart(self)
