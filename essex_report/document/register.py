"""The figure register: every figure the report prints, where it appears and its source."""

from __future__ import annotations

import csv
import html
import io
import string
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from essex_report.document.stitch import Entry
from essex_report.notebook.parts import Printed

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


def neutralise(cell: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (= + - @ at the start)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def to_csv(rows: Iterable[Row], columns: Iterable[str] = COLUMNS) -> str:
    """CSV text that is safe to open in a spreadsheet."""
    names = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        cells = row.cells()
        writer.writerow([neutralise(str(cells.get(name, ""))) for name in names])
    return buffer.getvalue()


def to_html(
    rows: list[Row],
    title: str,
    sources: dict[str, str],
    stylesheet: str = "",
    wordmark: str = "",
) -> str:
    """figures.html: the register as an accessible web page beside the report, styled as the
    report is (`stylesheet`, `wordmark`: essex_report.render.webpage). `sources` maps a source id to
    the title a reader knows it by."""
    head = ["Figure", "As printed", "Year", "Basis", "Where it appears", "Source", "Note"]
    body = []
    for row in rows:
        f = row.figure
        label = f.label + (f": {f.breakdown}" if f.breakdown else "")
        source = sources.get(f.source, f.source)
        if f.source_section:
            source += f", {f.source_section}"
        cells = [f.text, f.year, f.basis, row.sections, source, f.note]
        body.append(
            f'<tr><th scope="row">{html.escape(label)}</th>'
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
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
