"""Load the cross-year catalogues (sources, frameworks, themes, priorities, indicators)."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from pathlib import Path

from essex_report.data import schema
from essex_report.data.files import Row, read_table
from essex_report.data.model import Catalogue, Framework, Indicator, Priority, Source, Theme
from essex_report.errors import Problem, Problems, Reason, shown
from essex_report.years import parse_year


def unknown(file: str, row: Row, column: str, value: str, known: Iterable[str]) -> Problem:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(
        file,
        f"'{value}' is not a known {column}{hint}",
        line=row.line,
        column=column,
        reason=Reason.UNKNOWN,
    )


def load_catalogue(data_dir: Path, problems: Problems) -> Catalogue:
    cat = Catalogue()
    for table in schema.CATALOGUES:
        path = data_dir / table.file
        before = len(problems)
        rows = read_table(path, table, problems, root=data_dir)
        file = shown(path)
        if not rows and len(problems) > before:
            cat.unreadable.add(table.file)
        for row in rows:
            if problems.at(file, row.line):  # a row is used only without problems of its own
                cat.rejected_ids.add(row.cells.get("id", ""))
                continue
            _add(cat, table, row, file, problems)
    _check_overlaps(cat, data_dir, problems)
    return cat


def _add(cat: Catalogue, table: schema.Table, row: Row, file: str, problems: Problems) -> None:
    """One checked row into the catalogue, with the references it makes."""
    c = row.cells
    if table is schema.SOURCES:
        cat.sources[c["id"]] = Source(c["id"], c["title"], c["publisher"], c["published"], c["url"])
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
            problems.add(
                file,
                f"{fw.last_year} is before first_year {fw.first_year}",
                Reason.FRAMEWORK,
                line=row.line,
                column="last_year",
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
            problems.append(unknown(file, row, "framework", c["framework"], cat.frameworks))
    elif table is schema.PRIORITIES:
        _add_priority(cat, row, file, problems)
    else:
        cat.indicators[c["id"]] = Indicator(
            c["id"],
            c["label"],
            c["unit"],
            c["direction"],
            int(c["decimals"]) if c["decimals"] else None,
            c["chapter"],
            c["definition"],
        )


def _add_priority(cat: Catalogue, row: Row, file: str, problems: Problems) -> None:
    c = row.cells
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
        problems.append(unknown(file, row, "theme", c["theme"], cat.themes))
    elif theme.framework != c["framework"]:
        problems.add(
            file,
            f"theme '{c['theme']}' belongs to framework '{theme.framework}', not "
            f"'{c['framework']}'",
            Reason.FRAMEWORK,
            line=row.line,
            column="theme",
        )


def _check_overlaps(cat: Catalogue, data_dir: Path, problems: Problems) -> None:
    shared = set(cat.themes) & set(cat.priorities)
    for name in sorted(shared):
        problems.add(
            shown(data_dir / schema.PRIORITIES.file),
            f"id '{name}' is also a theme id; ids must be unique",
            Reason.DUPLICATE,
            column="id",
        )
    frameworks = sorted(cat.frameworks.values(), key=lambda f: f.first_year)
    for earlier, later in itertools.pairwise(frameworks):
        if later.first_year <= earlier.last_year:
            problems.add(
                shown(data_dir / schema.FRAMEWORKS.file),
                f"'{later.id}' starts in {later.first_year}, before "
                f"'{earlier.id}' ends in {earlier.last_year}; a year has one framework",
                Reason.FRAMEWORK,
                column="first_year",
            )
