"""How complete each year's data is: figures present out of those its report uses."""

from __future__ import annotations

from dataclasses import dataclass

from essex_report.data.model import Workbook
from essex_report.data.narrative import figure_keys
from essex_report.years import FinancialYear


@dataclass(frozen=True)
class YearStatus:
    year: FinancialYear
    framework: str
    used: list[tuple[str, str]]  # (indicator, breakdown) the year lists or its narrative prints
    missing: list[tuple[str, str]]
    narrative_files: int
    to_write: int  # narrative sections still marked TODO

    @property
    def present(self) -> int:
        return len(self.used) - len(self.missing)

    def summary(self) -> str:
        figures = f"{self.present} of {len(self.used)} figures"
        words = f"{self.narrative_files} narrative files"
        if self.to_write:
            words += f", {self.to_write} sections to write"
        return f"{self.year}  {self.framework:<48}  {figures:<18}  {words}"


def year_status(book: Workbook, year: FinancialYear) -> YearStatus:
    data = book.data(year)
    used: dict[tuple[str, str], None] = dict.fromkeys(sorted(data.listed))
    narratives = book.narratives.get(year, {})
    to_write = 0
    for doc in narratives.values():
        to_write += len(doc.todos())
        texts = [text for _, text in doc.texts()] + [b.text for b in doc.todos()]
        for text in texts:
            used.update(dict.fromkeys(figure_keys(text)))
    used.update(dict.fromkeys(k for k in data.values if k not in used))
    # Still to find: a row with no value, or a figure the words print that has no row. A row
    # with a value that has a problem of its own is not one (validate reports its problem).
    missing = [
        key
        for key in used
        if key in data.to_find or (key not in data.listed and not data.get(*key))
    ]
    framework = book.catalogue.framework_for(year)
    return YearStatus(
        year,
        framework.name if framework else "no framework",
        list(used),
        missing,
        len(narratives),
        to_write,
    )
