"""The data model: the typed records loaded from data/ (see load.py), and the workbook that
holds them with every problem found on the way."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from essex_report.data import schema
from essex_report.data.files import record_value, recording_now
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
class Relation:
    """How a figure is worked out from others (relations.csv): `rule` applied to `inputs`.
    A figure may have several relations, tried in the file's order."""

    figure: str
    rule: str  # one of schema.RULES
    inputs: tuple[str, ...]
    unless: tuple[str, ...] = ()
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Break:
    """A series break (breaks.csv): from `year` on, the indicator is not comparable with the
    years before (its definition, coverage or period changed)."""

    indicator: str
    year: FinancialYear
    change: str  # one of schema.BREAK_KINDS
    reason: str
    source: str
    section: str


@dataclass(frozen=True)
class Value:
    """One figure of a year. A derived figure (`formula` set) is exact, never rounded: it is
    rounded once, when printed, to `decimals` places; its `basis` is that of its inputs (so it
    is compared only with figures of the same basis) and it is published as `derived`."""

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
    qualifier: str = ""  # "over", as published before the number
    period: str = ""  # "over the next 5 years", "year to February 2018", "by March 2023"
    label: str = ""  # the year's own wording of the figure, where it differs from the catalogue
    formula: str = ""  # a derived figure: how it was worked out, with its inputs' values
    decimals: int | None = None  # a derived figure: places it is printed with
    rule: str = ""  # a derived figure: the rule of relations.csv that made it
    inputs: tuple[str, ...] = ()  # a derived figure: the indicators it was made from

    @property
    def citation(self) -> str:
        return f"{self.source} > {self.section}" if self.section else self.source

    @property
    def published_basis(self) -> str:
        """The basis the report and the register give: `derived` for a derived figure."""
        return "derived" if self.derived else self.basis


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
    relations: list[Relation] = field(default_factory=list)
    breaks: dict[str, list[Break]] = field(default_factory=dict)  # indicator -> its breaks
    # What could not be loaded (its problem is reported): references to it are not reported
    # again as unknown.
    rejected_ids: set[str] = field(default_factory=set)
    rejected_rows: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # (table file, id) -> (file as shown, line) of a refused row
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

    def relations_of(self, figure: str) -> list[Relation]:
        """How a figure is worked out, in the order relations.csv tries them."""
        return [r for r in self.relations if r.figure == figure]

    def lines_of(self, total: str) -> list[Relation]:
        """The `sum` relations of a total: each a set of lines that add up to it."""
        return [r for r in self.relations if r.figure == total and r.rule == "sum"]

    def break_between(
        self, indicator: str, earlier: FinancialYear, later: FinancialYear
    ) -> Break | None:
        """The first series break of an indicator after `earlier`, up to `later`."""
        return next((b for b in self.breaks.get(indicator, []) if earlier < b.year <= later), None)


def fingerprint(value: Value | None) -> str:
    """What a notebook could print of a value: every field but where its row is."""
    if value is None:
        return "absent"
    fields = dataclasses.asdict(value)
    fields.pop("file"), fields.pop("line")
    return hashlib.sha256(repr(sorted(fields.items())).encode("utf-8")).hexdigest()


class Values(dict[tuple[str, str], Value]):
    """A year's values by (indicator, breakdown). While files.recording() is on (a notebook
    runs), every value read is noted with its fingerprint, and a read of the whole (iterating,
    counting) notes the whole year: a notebook's cached run is used again only while what it
    read is unchanged, so a value no notebook read changes nothing that is reused."""

    def __init__(self, year: FinancialYear, kind: str = "value", items: Any = ()) -> None:
        super().__init__(items)
        self.year, self.kind = year, kind

    def key(self, key: tuple[str, ...]) -> str:
        return "|".join((self.year.slug, self.kind, *key))

    def fingerprint(self, key: tuple[str, ...]) -> str:
        """What a read noted under `key` saw: one value (indicator, breakdown), the whole year
        ("*",), or an indicator's breakdowns ("*", indicator: no indicator is named "*")."""
        if key and key[0] == "*" and len(key) <= 2:
            of = key[1:]  # () the whole year, (indicator,) its breakdowns
            read = [(k, v) for k, v in dict.items(self) if not of or (k[0] == of[0] and k[1])]
            return hashlib.sha256(
                repr(sorted((k, fingerprint(v)) for k, v in read)).encode("utf-8")
            ).hexdigest()
        return fingerprint(dict.get(self, (key[0], key[1])) if len(key) == 2 else None)

    def breakdowns(self, indicator: str) -> list[Value]:
        """An indicator's breakdown values, in the order of the data, noted as one read (a
        breakdown added, removed or changed is a change; another indicator's is not)."""
        if recording_now():
            record_value(self.key(("*", indicator)), self.fingerprint(("*", indicator)))
        return [v for (i, b), v in dict.items(self) if i == indicator and b]

    def _one(self, key: object) -> None:
        if recording_now() and isinstance(key, tuple) and len(key) == 2:
            record_value(self.key(key), self.fingerprint(key))

    def _all(self) -> None:
        if recording_now():
            record_value(self.key(("*",)), self.fingerprint(("*",)))

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        self._one(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: tuple[str, str]) -> Value:
        self._one(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._one(key)
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self._all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._all()
        return dict.keys(self)

    def values(self) -> Any:
        self._all()
        return dict.values(self)

    def items(self) -> Any:
        self._all()
        return dict.items(self)


@dataclass
class YearData:
    year: FinancialYear
    values: dict[tuple[str, str], Value] = field(default_factory=dict)
    # Every row the file lists, loaded or not: a reference to a row that was rejected (its
    # problem is reported) is not reported again as missing.
    listed: set[tuple[str, str]] = field(default_factory=set)
    # Rows whose value is empty: figures still to find (a row with a value that has a problem
    # of its own is listed, but is not one of these).
    to_find: set[tuple[str, str]] = field(default_factory=set)
    readable: bool = True
    empty: dict[tuple[str, str], int] = field(default_factory=dict)  # rows without a value: line

    # Target rows (basis `target`), which may stand beside the figure of the same indicator;
    # a target without a figure is in `values` too, as the figure the year prints.
    targets: dict[tuple[str, str], Value] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every year's values are Values, whoever built the year (load, derive, a test).
        if not isinstance(self.values, Values):
            self.values = Values(self.year, "value", self.values)
        if not isinstance(self.targets, Values):
            self.targets = Values(self.year, "target", self.targets)

    def get(self, indicator: str, breakdown: str = "") -> Value | None:
        return self.values.get((indicator, breakdown))

    def breakdowns(self, indicator: str) -> list[Value]:
        assert isinstance(self.values, Values)  # made one by __post_init__
        return self.values.breakdowns(indicator)


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
