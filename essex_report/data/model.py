"""The data model: the typed records loaded from data/ (see load.py), and the workbook that
holds them with every problem found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from essex_report.data import schema
from essex_report.errors import Problems
from essex_report.years import FinancialYear

if TYPE_CHECKING:
    from essex_report.data.narrative import Narrative


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    first_year: FinancialYear
    last_year: FinancialYear
    theme_term: str
    priority_term: str
    source: str
    section: str

    def covers(self, year: FinancialYear) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Theme:
    framework: str
    id: str
    number: int
    title: str
    equality_objective: str
    source: str
    section: str


@dataclass(frozen=True)
class Priority:
    framework: str
    id: str
    theme: str
    number: int
    title: str
    keyword: str
    source: str
    section: str


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    direction: str
    decimals: int | None
    chapter: str
    definition: str


@dataclass(frozen=True)
class Value:
    year: FinancialYear
    indicator: str
    breakdown: str
    value: Decimal
    basis: str
    source: str
    section: str
    note: str
    file: str = ""
    line: int = 0
    derived: bool = False

    @property
    def citation(self) -> str:
        return f"{self.source} > {self.section}" if self.section else self.source


@dataclass(frozen=True)
class Source:
    id: str  # a seed file name or a web address, as values.csv cites it
    title: str
    publisher: str
    published: str
    url: str


@dataclass
class Catalogue:
    sources: dict[str, Source] = field(default_factory=dict)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    priorities: dict[str, Priority] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # What could not be loaded (its problem is reported): references to it are not reported
    # again as unknown.
    rejected_ids: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)  # table files

    def doubtful(self, value: str, table: schema.Table) -> bool:
        return value in self.rejected_ids or table.file in self.unreadable

    def framework_for(self, year: FinancialYear) -> Framework | None:
        return next((f for f in self.frameworks.values() if f.covers(year)), None)

    def themes_of(self, framework: Framework) -> list[Theme]:
        return sorted(
            (t for t in self.themes.values() if t.framework == framework.id), key=lambda t: t.number
        )

    def priorities_of(self, theme: Theme) -> list[Priority]:
        return sorted(
            (p for p in self.priorities.values() if p.theme == theme.id), key=lambda p: p.number
        )


@dataclass
class YearData:
    year: FinancialYear
    values: dict[tuple[str, str], Value] = field(default_factory=dict)
    # Every row the file lists, loaded or not: a reference to a row that was rejected (its
    # problem is reported) is not reported again as missing.
    listed: set[tuple[str, str]] = field(default_factory=set)
    readable: bool = True

    def get(self, indicator: str, breakdown: str = "") -> Value | None:
        return self.values.get((indicator, breakdown))

    def breakdowns(self, indicator: str) -> list[Value]:
        return [v for (i, b), v in self.values.items() if i == indicator and b]


@dataclass
class Workbook:
    """Everything loaded from data/, with the problems found on the way."""

    data_dir: Path
    catalogue: Catalogue
    years: dict[FinancialYear, YearData] = field(default_factory=dict)
    narratives: dict[FinancialYear, dict[str, Narrative]] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)

    def data(self, year: FinancialYear) -> YearData:
        return self.years.get(year) or YearData(year)
