"""The figures of one year, as the notebook API prints them: each value with its catalogue
entry, the text the report prints and the register's record of it."""

from __future__ import annotations

import difflib

from essex_report.data.derive import Change, change
from essex_report.data.formatting import format_value
from essex_report.data.model import Catalogue, Indicator, Value, Workbook, YearData
from essex_report.errors import ReportError
from essex_report.notebook.parts import Printed
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
        """A value as the report prints it: £2.1bn, 36.7%, 673,000 tonnes."""
        ind = self.indicator(value.indicator)
        return format_value(value.value, ind.unit, ind.decimals if value.derived else None)

    def printed(self, value: Value, under: tuple[int, str] | None = None) -> tuple[str, Printed]:
        """A value as printed, with the register's record of it."""
        ind = self.indicator(value.indicator)
        text = self.text(value)
        return text, Printed(
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

    def change(self, key: Key) -> Change | None:
        """The change from the previous year, where both years have the figure on one basis."""
        indicator, breakdown = key_of(key)
        now = self.value(indicator, breakdown)
        before = self.value(indicator, breakdown, self.year.previous())
        if now is None or before is None:
            return None
        return change(now, before, self.indicator(indicator).direction)

    @staticmethod
    def basis_label(value: Value) -> str:
        """How a figure was arrived at, in a word or two (its notes go to the register)."""
        return BASIS_LABELS[value.basis]
