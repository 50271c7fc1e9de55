"""Load the data and check it against its schemas, collecting every problem in one pass."""

from __future__ import annotations

import csv
import difflib
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from essex_report import paths, schema
from essex_report.errors import DataError, Problem
from essex_report.years import FinancialYear, parse_year


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A file's text as UTF-8 (a byte-order mark and Windows line endings are accepted)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(paths.shown(path), "the file is missing"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(
                paths.shown(path),
                f"is not UTF-8: byte 0x{raw[error.start]:02X} at byte offset {error.start}; "
                "save the file as UTF-8 (in Excel: 'CSV UTF-8')",
                line=line,
            )
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _header_problems(file: str, header: list[str], table: schema.Table) -> list[Problem]:
    found: list[Problem] = []
    expected = table.names
    extra = [name for name in header if name not in expected]
    for name in expected:
        if name in header:
            continue
        close = difflib.get_close_matches(name, extra, n=1)
        if close:
            message = f"found a column named '{close[0]}'; expected '{name}'"
            extra.remove(close[0])
        else:
            message = f"the column is missing; expected the columns {', '.join(expected)}"
        found.append(Problem(file, message, line=1, column=name))
    for name in extra:
        found.append(
            Problem(
                file,
                f"is not a column of {table.file}; expected only {', '.join(expected)}",
                line=1,
                column=name,
            )
        )
    duplicated = {name for name in header if header.count(name) > 1}
    for name in sorted(duplicated):
        found.append(Problem(file, "the column appears twice", line=1, column=name))
    return found


def read_table(path: Path, table: schema.Table, problems: list[Problem]) -> list[Row]:
    """Rows of a CSV file checked against its table schema; problems are appended."""
    text = read_text(path, problems)
    if text is None:
        return []
    file = paths.shown(path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        problems.append(
            Problem(file, f"the file is empty; expected the header {','.join(table.names)}")
        )
        return []
    header_problems = _header_problems(file, header, table)
    problems.extend(header_problems)
    if any(
        p.message.startswith(("the column is missing", "found a column named"))
        for p in header_problems
    ):
        return []  # without its columns no row can be read; the header problem says why
    rows: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    line = reader.line_num
    for record in reader:
        first_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                Problem(
                    file,
                    f"has {len(record)} fields; expected {len(header)} like the header "
                    "(a comma inside a field needs the field in double quotes)",
                    line=first_line,
                )
            )
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        for column in table.columns:
            if column.name not in cells:
                continue
            value = cells[column.name]
            if not value:
                if column.required:
                    problems.append(
                        Problem(
                            file,
                            f"is empty; expected {_expected(table, column)}",
                            line=first_line,
                            column=column.name,
                        )
                    )
                continue
            message = column.check(value) if column.check else None
            if message:
                problems.append(Problem(file, message, line=first_line, column=column.name))
        key = tuple(cells.get(name, "") for name in table.key)
        if key in seen:
            shown_key = " + ".join(f"{n} '{v}'" for n, v in zip(table.key, key, strict=True))
            problems.append(
                Problem(
                    file,
                    f"duplicate key {shown_key}: already on line {seen[key]}",
                    line=first_line,
                    column=table.key[0],
                )
            )
        else:
            seen[key] = first_line
        rows.append(Row(first_line, cells))
    return rows


def _expected(table: schema.Table, column: schema.Column) -> str:
    return f"a value in every row of {table.file}"


# --- The model ---------------------------------------------------------------------------


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


def _ok(row: Row, problems_before: int, problems: list[Problem], file: str) -> bool:
    """A row is used only when it produced no problem of its own."""
    return not any(p.file == file and p.line == row.line for p in problems[problems_before:])


def load_catalogue(data_dir: Path, problems: list[Problem]) -> Catalogue:
    cat = Catalogue()
    for table in schema.CATALOGUES:
        path = data_dir / table.file
        before = len(problems)
        rows = read_table(path, table, problems)
        file = paths.shown(path)
        if not rows and len(problems) > before:
            cat.unreadable.add(table.file)
        for row in rows:
            if not _ok(row, before, problems, file):
                cat.rejected_ids.add(row.cells.get("id", ""))
                continue
            c = row.cells
            if table is schema.SOURCES:
                cat.sources[c["id"]] = Source(
                    c["id"], c["title"], c["publisher"], c["published"], c["url"]
                )
            elif table is schema.FRAMEWORKS:
                fw = Framework(
                    c["id"],
                    c["name"],
                    parse_year(c["first_year"]),
                    parse_year(c["last_year"]),
                    c["theme_term"],
                    c["priority_term"],
                    c["source"],
                    c["section"],
                )
                if fw.last_year < fw.first_year:
                    problems.append(
                        Problem(
                            file,
                            f"{fw.last_year} is before first_year {fw.first_year}",
                            line=row.line,
                            column="last_year",
                        )
                    )
                cat.frameworks[fw.id] = fw
            elif table is schema.THEMES:
                cat.themes[c["id"]] = Theme(
                    c["framework"],
                    c["id"],
                    int(c["number"]),
                    c["title"],
                    c["equality_objective"],
                    c["source"],
                    c["section"],
                )
                if c["framework"] not in cat.frameworks and not cat.doubtful(
                    c["framework"], schema.FRAMEWORKS
                ):
                    problems.append(
                        _unknown(file, row, "framework", c["framework"], cat.frameworks)
                    )
            elif table is schema.PRIORITIES:
                cat.priorities[c["id"]] = Priority(
                    c["framework"],
                    c["id"],
                    c["theme"],
                    int(c["number"]),
                    c["title"],
                    c["keyword"],
                    c["source"],
                    c["section"],
                )
                theme = cat.themes.get(c["theme"])
                if theme is None and cat.doubtful(c["theme"], schema.THEMES):
                    cat.rejected_ids.add(c["id"])
                elif theme is None:
                    cat.rejected_ids.add(c["id"])
                    problems.append(_unknown(file, row, "theme", c["theme"], cat.themes))
                elif theme.framework != c["framework"]:
                    problems.append(
                        Problem(
                            file,
                            f"theme '{c['theme']}' belongs to framework "
                            f"'{theme.framework}', not '{c['framework']}'",
                            line=row.line,
                            column="theme",
                        )
                    )
            else:
                decimals = int(c["decimals"]) if c["decimals"] else None
                cat.indicators[c["id"]] = Indicator(
                    c["id"],
                    c["label"],
                    c["unit"],
                    c["direction"],
                    decimals,
                    c["chapter"],
                    c["definition"],
                )
    _check_overlaps(cat, data_dir, problems)
    return cat


def _unknown(file: str, row: Row, column: str, value: str, known: Iterable[str]) -> Problem:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(file, f"'{value}' is not a known {column}{hint}", line=row.line, column=column)


def _check_overlaps(cat: Catalogue, data_dir: Path, problems: list[Problem]) -> None:
    shared = set(cat.themes) & set(cat.priorities)
    for name in sorted(shared):
        problems.append(
            Problem(
                paths.shown(data_dir / schema.PRIORITIES.file),
                f"id '{name}' is also a theme id; ids must be unique",
                column="id",
            )
        )
    frameworks = sorted(cat.frameworks.values(), key=lambda f: f.first_year)
    for earlier, later in itertools.pairwise(frameworks):
        if later.first_year <= earlier.last_year:
            problems.append(
                Problem(
                    paths.shown(data_dir / schema.FRAMEWORKS.file),
                    f"'{later.id}' starts in {later.first_year}, before "
                    f"'{earlier.id}' ends in {earlier.last_year}; a year has one "
                    "framework",
                    column="first_year",
                )
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


def load_values(
    year: FinancialYear, data_dir: Path, cat: Catalogue, problems: list[Problem]
) -> YearData:
    path = paths.year_data_dir(year, data_dir) / paths.VALUES_FILE
    before = len(problems)
    rows = read_table(path, schema.VALUES, problems)
    file = paths.shown(path)
    data = YearData(year, readable=len(problems) == before or bool(rows))
    for row in rows:
        c = row.cells
        data.listed.add((c["indicator"], c["breakdown"]))
        if c["value"]:
            for column, what in (
                ("basis", f"how the figure was arrived at: one of {', '.join(schema.BASES)}"),
                (
                    "source",
                    "where the figure was published (seed file name or web address): "
                    "every value needs a source",
                ),
            ):
                if not c[column]:
                    problems.append(
                        Problem(file, f"is empty; expected {what}", line=row.line, column=column)
                    )
        indicator = cat.indicators.get(c["indicator"])
        if (
            c["indicator"]
            and indicator is None
            and schema.INDICATOR_ID.fullmatch(c["indicator"])
            and not cat.doubtful(c["indicator"], schema.INDICATORS)
        ):
            problems.append(_unknown(file, row, "indicator", c["indicator"], cat.indicators))
        if (
            c["source"]
            and schema.check_source(c["source"]) is None
            and c["source"] not in cat.sources
        ):
            problems.append(
                Problem(
                    file,
                    f"'{c['source']}' is not in data/sources.csv; add a row "
                    "there saying what the source is (title, publisher, date)",
                    line=row.line,
                    column="source",
                )
            )
        if schema.SEED_FILE.fullmatch(c["source"]) and not c["section"]:
            problems.append(
                Problem(
                    file,
                    "is empty; expected the heading the figure is printed "
                    "under in the seed (e.g. 'Resources > Our spending')",
                    line=row.line,
                    column="section",
                )
            )
        if not _ok(row, before, problems, file) or indicator is None or not c["value"]:
            continue
        value = schema.parse_number(c["value"])
        if indicator.unit == "percent" and value > 100:
            problems.append(
                Problem(
                    file,
                    f"found {value}; a percentage is between 0 and 100",
                    line=row.line,
                    column="value",
                )
            )
            continue
        data.values[(c["indicator"], c["breakdown"])] = Value(
            year,
            c["indicator"],
            c["breakdown"],
            value,
            c["basis"],
            c["source"],
            c["section"],
            c["note"],
            file,
            row.line,
        )
    return data


def years_with_data(data_dir: Path = paths.DATA_DIR) -> list[FinancialYear]:
    """Every year folder under data/, oldest first (folders must be named by slug)."""
    found = []
    for child in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if child.is_dir() and child.name[:1].isdigit():
            try:
                year = parse_year(child.name)
            except ValueError:
                continue
            if year.slug == child.name:
                found.append(year)
    return found


def raise_for(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
