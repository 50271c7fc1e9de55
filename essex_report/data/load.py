"""Load the workbook from data/: the catalogues, every year's values and narrative.

Loading is the first of three steps: `load` reads and types what the files hold (problems of
form: file, line, column), `derive.derive` adds the derived figures, `checks.check` checks
what spans files. `load_workbook` runs the three, as every command and notebook does.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from essex_report.data import schema
from essex_report.data.catalogue import load_catalogue, unknown
from essex_report.data.checks import check
from essex_report.data.derive import derive
from essex_report.data.files import (
    NARRATIVE_DIR,
    VALUES_FILE,
    Reads,
    listing_digest,
    loading,
    read_table,
    read_text,
    record_listing,
    year_folder,
)
from essex_report.data.model import Catalogue, Value, Values, Workbook, YearData
from essex_report.data.narrative import Narrative, parse_narrative
from essex_report.errors import Problems, Reason, shown
from essex_report.fingerprint import file_digest
from essex_report.years import FinancialYear, parse_year


def load_workbook(data_dir: Path, only: FinancialYear | None = None) -> Workbook:
    """Load, derive, check: the workbook with every problem found (values of all years,
    narrative of `only` or of all). Loading reads every value; only what is read of them
    afterwards is noted as what a notebook read (files.recording)."""
    with loading():
        return check(derive(load(data_dir, only)))


def load(data_dir: Path, only: FinancialYear | None = None) -> Workbook:
    """The catalogues, the values of every year (or, for `only`, of that year and the years
    before it: a year's report compares with earlier years, never later ones), and the
    narrative of every year (or of `only`)."""
    problems = Problems()
    cat = load_catalogue(data_dir, problems)
    book = Workbook(data_dir, cat, problems=problems)
    years = years_with_data(data_dir)
    if only is not None and only not in years:
        problems.add(
            shown(year_folder(data_dir, only)),
            f"there is no data for {only}; years with data: "
            f"{', '.join(y.label for y in years) or 'none'} "
            f"(start one with: essex-report new-year {only})",
            Reason.NO_DATA,
        )
        return book
    if only is not None:
        years = [y for y in years if y <= only]
    # The years loaded (a later year added changes nothing for an earlier one).
    record_listing(years_listing(data_dir, only), [y.slug for y in years])
    citing: Counter[tuple[str, str]] = Counter()  # value rows citing a refused catalogue row
    for year in years:
        book.years[year] = load_values(year, data_dir, cat, problems, citing)
    for (table, key), count in citing.items():
        file, line = cat.rejected_rows[(table, key)]
        rows = "row cites" if count == 1 else "rows cite"
        what = "source" if table == schema.SOURCES.file else "indicator"
        problems.amend(file, line, f"({count} value {rows} this {what})")
    for year in years if only is None else [only]:
        book.narratives[year] = load_narratives(year, data_dir, problems)
    return book


def years_with_data(data_dir: Path) -> list[FinancialYear]:
    """Every year folder under data/, oldest first (folders must be named by slug)."""
    found = []
    children = sorted(data_dir.iterdir()) if data_dir.is_dir() else []
    for child in children:
        if child.is_dir() and child.name[:1].isdigit():
            try:
                year = parse_year(child.name)
            except ValueError:
                continue
            if year.slug == child.name:
                found.append(year)
    return found


def load_values(
    year: FinancialYear,
    data_dir: Path,
    cat: Catalogue,
    problems: Problems,
    citing: Counter[tuple[str, str]] | None = None,
) -> YearData:
    """A year's values.csv; `citing` counts the rows citing a source or an indicator whose
    own row is refused (that one problem says how many: each row is not reported again)."""
    path = year_folder(data_dir, year) / VALUES_FILE
    before = len(problems)
    # Recorded value by value as it is read (model.Values), not as a file: a notebook that
    # did not read the value that changed is not run again.
    rows = read_table(path, schema.VALUES, problems, root=data_dir, note_file=False)
    file = shown(path)
    data = YearData(year, readable=len(problems) == before or bool(rows))
    for row in rows:
        c = row.cells
        data.listed.add((c["indicator"], c["breakdown"]))
        if not c["value"]:
            data.to_find.add((c["indicator"], c["breakdown"]))
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
                    problems.add(
                        file,
                        f"is empty; expected {what}",
                        Reason.EMPTY,
                        line=row.line,
                        column=column,
                    )
        indicator = cat.indicators.get(c["indicator"])
        if (
            c["indicator"]
            and indicator is None
            and schema.INDICATOR_ID.fullmatch(c["indicator"])
            and not cat.doubtful(c["indicator"], schema.INDICATORS)
        ):
            problems.append(unknown(file, row, "indicator", c["indicator"], cat.indicators))
        for table, cited in ((schema.SOURCES, c["source"]), (schema.INDICATORS, c["indicator"])):
            if citing is not None and (table.file, cited) in cat.rejected_rows:
                citing[(table.file, cited)] += 1
        if (
            c["source"]
            and schema.check_source(c["source"]) is None
            and c["source"] not in cat.sources
            and not cat.doubtful(c["source"], schema.SOURCES)  # its row said so, with a count
        ):
            problems.add(
                file,
                f"'{c['source']}' is not in data/sources.csv; add a row "
                "there saying what the source is (title, publisher, date)",
                Reason.UNKNOWN,
                line=row.line,
                column="source",
            )
        if schema.SEED_FILE.fullmatch(c["source"]) and not c["section"]:
            problems.add(
                file,
                "is empty; expected the heading the figure is printed "
                "under in the seed (e.g. 'Resources > Our spending')",
                Reason.EMPTY,
                line=row.line,
                column="section",
            )
        if not c["value"] and not problems.at(file, row.line):
            data.empty[(c["indicator"], c["breakdown"])] = row.line  # a figure still to find
        if problems.at(file, row.line) or indicator is None or not c["value"]:
            continue
        amount = schema.parse_number(c["value"])
        if indicator.unit == "percent" and amount > 100:
            problems.add(
                file,
                f"found {amount}; a percentage is between 0 and 100",
                Reason.OUT_OF_RANGE,
                line=row.line,
                column="value",
            )
            continue
        key = (c["indicator"], c["breakdown"])
        earlier = data.values.get(key)
        if earlier is not None and "target" not in (earlier.basis, c["basis"]):
            name = c["indicator"] + (f"[{c['breakdown']}]" if c["breakdown"] else "")
            problems.add(
                file,
                f"{name} already has a figure for {year} on line {earlier.line} "
                f"({earlier.basis}); a year has one figure of each indicator (and may have a "
                "target besides)",
                Reason.DUPLICATE,
                line=row.line,
                column="basis",
            )
            continue
        value = Value(
            year,
            c["indicator"],
            c["breakdown"],
            amount,
            c["basis"],
            c["source"],
            c["section"],
            c["note"],
            file,
            row.line,
            qualifier=c["qualifier"],
            period=c["period"],
            label=c["label"],
        )
        if value.basis == "target":
            data.targets[key] = value
        if earlier is None or earlier.basis == "target":
            data.values[key] = value
    return data


def narrative_files(folder: Path, problems: Problems) -> list[Path]:
    """Every `*.md` under a narrative folder, without following links to folders (a link to a
    folder, or a folder named *.md, is a problem: its words would silently go missing)."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        record_listing(f"folder:{here}", [*dirs, *files])
        for name in sorted(dirs):
            path = here / name
            if path.is_symlink():
                problems.add(
                    shown(path),
                    "is a link to a folder; put the files here instead",
                    Reason.NARRATIVE,
                )
                dirs.remove(name)
            elif name.endswith(".md"):
                found.append(path)  # read_text says it is a folder
                dirs.remove(name)
        found += [here / name for name in files if name.endswith(".md")]
    return sorted(found)


def load_narratives(
    year: FinancialYear, data_dir: Path, problems: Problems
) -> dict[str, Narrative]:
    folder = year_folder(data_dir, year) / NARRATIVE_DIR
    found: dict[str, Narrative] = {}
    if not folder.is_dir():
        record_listing(f"folder:{folder}", [])  # a narrative folder added later counts
    for path in narrative_files(folder, problems) if folder.is_dir() else []:
        text = read_text(path, problems, root=data_dir)
        if text is not None:
            found[path.relative_to(folder).as_posix()] = parse_narrative(path, text, problems)
    return found


def years_listing(data_dir: Path, only: FinancialYear | None) -> str:
    return f"years:{only.slug if only else '*'}:{data_dir}"


def reads_unchanged(reads: Reads, book: Workbook | None = None) -> bool:
    """Whether every file, folder and value a process read (files.recording) is as it was
    then. Values are compared with `book`, loaded now (the years up to the one it is for)."""
    if reads.values and (book is None or not values_unchanged(reads.values, book)):
        return False
    for path, recorded in reads.files.items():
        if file_digest(Path(path)) != recorded:
            return False
    for key, recorded in reads.listings.items():
        kind, _, rest = key.partition(":")
        if kind == "folder":
            folder = Path(rest)
            names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        elif kind == "years":
            only, _, data_dir = rest.partition(":")
            years = years_with_data(Path(data_dir))
            limit = None if only == "*" else parse_year(only)
            names = [y.slug for y in years if limit is None or y <= limit]
        else:
            return False
        if listing_digest(names) != recorded:
            return False
    return True


def values_unchanged(recorded: dict[str, str], book: Workbook) -> bool:
    for key, fingerprint in recorded.items():
        slug, kind, *rest = key.split("|")
        year = parse_year(slug)
        if year not in book.years and book.years and year > max(book.years):
            return False  # a year after the one loaded: not what this build is about
        data = book.data(year)
        values = data.targets if kind == "target" else data.values
        if not isinstance(values, Values):
            return False
        if values.fingerprint(tuple(rest)) != fingerprint:
            return False
    return True
