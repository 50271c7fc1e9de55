"""The figure register: every figure the report prints, where it appears and its source.

`figures.csv` is the reviewers' register: every column, the data's identifiers and the
editors' notes (how a figure was transcribed) included, with each source also named as a
reader knows it. `figures.html` is the public page: each figure as printed, what it is, where
the report prints it and the publication it comes from, by title, publisher, date and
section; no identifiers, no editors' notes.
"""

from __future__ import annotations

import csv
import html
import io
import string
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from essex_report.data.model import Source, Workbook
from essex_report.document.stitch import Entry
from essex_report.notebook.figures import Figures, register_value
from essex_report.notebook.parts import Printed
from essex_report.years import FinancialYear, parse_year

COLUMNS = (
    "indicator",
    "breakdown",
    "year",
    "label",
    "value",
    "unit",
    "basis",
    "text",
    "sections",
    "source",
    "source_section",
    "note",
    # added later, so at the end: what of the indicator the row is (the figure, its change,
    # its target ...), the qualifier and period printed with it, a derived figure's formula
    "measure",
    "qualifier",
    "period",
    "formula",
)
# The source as a reader knows it, after the reviewers' columns (from data/sources.csv).
SOURCE_COLUMNS = ("source_title", "source_publisher", "source_published", "source_url")
# What each basis is, in the words the report's "About the figures" uses.
BASIS_WORDS = {
    "reported": "result for the year",
    "budget": "budget for the year",
    "set": "set for the year",
    "cumulative": "running total",
    "target": "target",
}
TEMPLATE = Path(__file__).parent.parent / "templates" / "figures.html"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One figure of the register: the figure as printed, and every place it is printed."""

    figure: Printed
    sections: str  # "; "-separated, in the order the report prints them

    @property
    def indicator(self) -> str:
        return self.figure.indicator

    @property
    def text(self) -> str:
        return self.figure.text

    def cells(self) -> dict[str, str]:
        """The register's columns (COLUMNS) for this figure."""
        found = {name: str(value) for name, value in asdict(self.figure).items()}
        return {name: self.sections if name == "sections" else found[name] for name in COLUMNS}


def merge(entries: Iterable[Entry]) -> list[Row]:
    """One row per figure (indicator, measure, breakdown, year) with every section it appears
    in, in the order the figures are first printed."""
    firsts: dict[tuple[str, str, str, str], Printed] = {}
    sections: dict[tuple[str, str, str, str], list[str]] = {}
    for entry in entries:
        f = entry.figure
        key = (f.indicator, f.measure, f.breakdown, f.year)
        firsts.setdefault(key, f)
        found = sections.setdefault(key, [])
        if entry.section not in found:
            found.append(entry.section)
    return [Row(figure, "; ".join(sections[key])) for key, figure in firsts.items()]


def misprinted(rows: Iterable[Row], book: Workbook) -> str | None:
    """What is wrong with the first figure the register lists otherwise than the data holds
    and prints it (the register rebuilt from the data: a notebook cannot change a figure, or
    how it prints, without the build saying so), or None."""
    years: dict[str, Figures] = {}
    for row in rows:
        f = row.figure
        if f.measure:  # a change, gap, target or status: worked out from figures checked here
            continue
        if f.year not in years:
            year: FinancialYear = parse_year(f.year)
            years[f.year] = Figures(book, year)
        figures = years[f.year]
        value = figures.data.get(f.indicator, f.breakdown)
        name = f"{f.indicator}[{f.breakdown}]" if f.breakdown else f.indicator
        if value is None:
            return f"figures.csv would list {name} for {f.year}, which is not in the data"
        printed = figures.text(value)
        if register_value(value) != f.value or printed != f.text:
            return (
                f"figures.csv would list {name} for {f.year} as {f.value}, printed {f.text}, "
                f"but the data holds {value.value}, printed {printed}: a notebook changed a "
                "figure or how it prints"
            )
    return None


def neutralise(cell: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (= + - @ at the start)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def to_csv(rows: Iterable[Row], sources: dict[str, Source] | None = None) -> str:
    """The reviewers' register as CSV text that is safe to open in a spreadsheet: COLUMNS,
    then each figure's source as a reader knows it (SOURCE_COLUMNS)."""
    known = sources or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, *SOURCE_COLUMNS])
    for row in rows:
        cells = row.cells()
        source = known.get(row.figure.source)
        named = (
            [source.title, source.publisher, source.published, source.url]
            if source
            else [""] * len(SOURCE_COLUMNS)
        )
        writer.writerow([neutralise(c) for c in [*(cells[n] for n in COLUMNS), *named]])
    return buffer.getvalue()


def citation(figure: Printed, sources: dict[str, Source]) -> str:
    """A figure's source as HTML a reader can follow: the publication's title (a link when it
    is on the web), its publisher and date, and the section the figure is in."""
    source = sources.get(figure.source)
    if source is None:  # not in data/sources.csv: validate refuses such a row
        return html.escape(figure.source)
    title = html.escape(source.title)
    if source.url:
        title = f'<a href="{html.escape(source.url, quote=True)}">{title}</a>'
    else:
        title = f"<cite>{title}</cite>"
    said = ", ".join(html.escape(p) for p in (source.publisher, source.published) if p)
    section = html.escape(figure.source_section.replace(" > ", ": "))
    return title + (f" ({said})" if said else "") + (f", {section}" if section else "")


def to_html(
    rows: list[Row],
    title: str,
    sources: dict[str, Source],
    stylesheet: str = "",
    wordmark: str = "",
) -> str:
    """figures.html: the public register, a web page beside the report, styled as the report
    is (`stylesheet`, `wordmark`: essex_report.render.webpage)."""
    head = ["Figure", "As printed", "Year", "What it is", "Where the report prints it", "Source"]
    body = []
    for row in rows:
        f = row.figure
        label = f.label + (f": {f.breakdown}" if f.breakdown else "")
        places = "".join(f"<li>{html.escape(s)}</li>" for s in row.sections.split("; "))
        cells = [
            html.escape(f.text),
            html.escape(f.year),
            html.escape(BASIS_WORDS.get(f.basis, f.basis)),
            f'<ul class="places">{places}</ul>',
            citation(f, sources),
        ]
        body.append(
            f'<tr><th scope="row">{html.escape(label)}</th>'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    header = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(title),
        stylesheet=stylesheet,
        wordmark=html.escape(wordmark),
        count=len(rows),
        header=header,
        rows="\n".join(body),
    )
