"""The figures of one year, as the notebook API prints them: each value with its catalogue
entry, the text the report prints and the register's record of it."""

from __future__ import annotations

import difflib
from decimal import Decimal

from essex_report.data.derive import Change, change, citations
from essex_report.data.formatting import format_value
from essex_report.data.model import Break, Catalogue, Indicator, Value, Workbook, YearData
from essex_report.errors import ReportError
from essex_report.notebook.parts import Printed
from essex_report.years import FinancialYear

NOT_AVAILABLE = "not available"
# What a figure is, said after its label where it is not a result for the year (a rate set
# for the year says so in its own label: "Band D council tax").
KIND_WORDS = {"budget": "budget", "cumulative": "running total", "target": "target"}
Key = str | tuple[str, str]  # an indicator id, or (indicator id, breakdown)


def key_of(key: Key) -> tuple[str, str]:
    return (key, "") if isinstance(key, str) else key


class Figures:
    """One year of a workbook: its values, and how each is printed and registered."""

    def __init__(self, book: Workbook, year: FinancialYear):
        self.book = book
        self.year = year
        self.catalogue: Catalogue = book.catalogue
        self.data: YearData = book.data(year)

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
        """A value as the report prints it: £2.1bn, 36.7%, 673,000 tonnes (a derived figure
        rounded here, once, from its exact value)."""
        unit = self.indicator(value.indicator).unit
        return format_value(value.value, unit, value.decimals if value.derived else None)

    def standalone(self, value: Value) -> str:
        """A value printed on its own (a tile, a table cell), with its qualifier: over £668m."""
        return " ".join(p for p in (value.qualifier, self.text(value)) if p)

    def printed(
        self, value: Value, under: tuple[int, str] | None = None, measure: str = ""
    ) -> tuple[str, Printed]:
        """A value as printed, with the register's record of it."""
        ind = self.indicator(value.indicator)
        text = self.text(value)
        return text, Printed(
            value.indicator,
            value.breakdown,
            value.year.label,
            value.label or ind.label,
            register_value(value),
            ind.unit,
            value.published_basis,
            text,
            value.source,
            value.section,
            under,
            value.note,
            qualifier=value.qualifier,
            period=value.period,
            formula=value.formula,
            measure=measure,
        )

    def label(self, value: Value) -> str:
        """The figure's label as its year words it (values.csv `label`, else the catalogue's),
        with its breakdown."""
        name = value.label or self.indicator(value.indicator).label
        return f"{name}: {value.breakdown}" if value.breakdown else name

    def described(self, value: Value) -> str:
        """The label with the period the figure covers: "New trees to plant over the next 5
        years"."""
        return " ".join(p for p in (self.label(value), value.period) if p)

    def series_break(self, indicator: str, earlier: FinancialYear) -> Break | None:
        """The first break in an indicator's series after `earlier`, up to this year."""
        return self.catalogue.break_between(indicator, earlier, self.year)

    def change(self, key: Key) -> Change | None:
        """The change from the previous year, where both years have the figure on one basis
        and its series does not break between them."""
        indicator, breakdown = key_of(key)
        now = self.value(indicator, breakdown)
        before = self.value(indicator, breakdown, self.year.previous())
        if now is None or before is None or self.series_break(indicator, before.year):
            return None
        return change(now, before, self.indicator(indicator).direction)

    def change_printed(self, moved: Change) -> tuple[str, Printed]:
        """A change as printed (+£57.90 (+4.99%)), with the register's record of it: a figure
        of its own, derived from the two years' figures."""
        now = moved.current
        ind = self.indicator(now.indicator)
        text = moved.describe(ind.unit)
        name = self.label(now)
        label = f"Change in {name[:1].lower()}{name[1:]} on {moved.previous.year}"
        return text, Printed(
            now.indicator,
            now.breakdown,
            now.year.label,
            label,
            str(moved.delta),
            ind.unit,
            "derived",
            text,
            "derived",
            citations((now, moved.previous)),
            formula=moved.formula(),
            measure="change",
        )

    @staticmethod
    def kind(values: list[Value]) -> str:
        """ " (budget)" when every value is a budget (a running total, a target); "" for
        results for the year and rates set for it. The data's notes go to the register."""
        kinds = {KIND_WORDS.get(v.basis, "") for v in values}
        return f" ({kinds.pop()})" if len(kinds) == 1 and "" not in kinds else ""


def register_value(value: Value) -> str:
    """A value as the register gives it: as typed; a derived one exact to 10 places (the
    report prints it rounded once, from the exact value)."""
    if not value.derived:
        return str(value.value)
    exact = value.value.quantize(Decimal("1e-10")).normalize()
    return f"{exact:f}"
