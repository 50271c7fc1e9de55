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
)
TEMPLATE = Path(__file__).parent.parent / "templates" / "figures.html"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One figure of the register: every place it is printed, and its source."""

    indicator: str
    breakdown: str
    year: str
    label: str
    value: str
    unit: str
    basis: str
    text: str
    sections: str  # "; "-separated
    source: str
    source_section: str
    note: str

    def cells(self) -> dict[str, str]:
        return asdict(self)


def merge(entries: Iterable[Entry]) -> list[Row]:
    """One row per figure (indicator, breakdown, year) with every section it appears in, in
    the order the figures are first printed."""
    firsts: dict[tuple[str, str, str], Entry] = {}
    sections: dict[tuple[str, str, str], list[str]] = {}
    for entry in entries:
        f = entry.figure
        key = (f.indicator, f.breakdown, f.year)
        firsts.setdefault(key, entry)
        found = sections.setdefault(key, [])
        if entry.section not in found:
            found.append(entry.section)
    rows = []
    for key, entry in firsts.items():
        f = entry.figure
        rows.append(
            Row(
                f.indicator,
                f.breakdown,
                f.year,
                f.label,
                f.value,
                f.unit,
                f.basis,
                f.text,
                "; ".join(sections[key]),
                f.source,
                f.source_section,
                f.note,
            )
        )
    return rows


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
        label = row.label + (f": {row.breakdown}" if row.breakdown else "")
        source = sources.get(row.source, row.source)
        if row.source_section:
            source += f", {row.source_section}"
        cells = [row.text, row.year, row.basis, row.sections, source, row.note]
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
