"""The figure register: every figure the report prints, where it appears and its source."""

from __future__ import annotations

import csv
import html
import io
import string
from collections.abc import Iterable
from pathlib import Path

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
TEMPLATE = Path(__file__).parent / "templates" / "figures.html"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def merge(records: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One row per figure (indicator, breakdown, year) with every section it appears in.
    `records` are the figures the stitcher collected (essex_report.parts.Figure, as JSON,
    with the section they were printed under)."""
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    for record in records:
        key = (record["indicator"], record["breakdown"], record["year"])
        row = rows.get(key)
        if row is None:
            row = {name: record.get(name, "") for name in COLUMNS if name != "sections"}
            row["sections"] = []
            rows[key] = row
        if record["section"] not in row["sections"]:
            row["sections"].append(record["section"])
    return [{**row, "sections": "; ".join(row["sections"])} for row in rows.values()]


def neutralise(cell: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (= + - @ at the start)."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def to_csv(rows: Iterable[dict[str, str]], columns: Iterable[str] = COLUMNS) -> str:
    """CSV text that is safe to open in a spreadsheet."""
    names = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(str(row.get(name, ""))) for name in names])
    return buffer.getvalue()


def to_html(
    rows: list[dict[str, str]],
    title: str,
    sources: dict[str, str],
    stylesheet: str = "",
    wordmark: str = "",
) -> str:
    """figures.html: the register as an accessible web page beside the report, styled as the
    report is (`stylesheet`, `wordmark`: essex_report.webpage). `sources` maps a source id to
    the title a reader knows it by."""
    head = ["Figure", "As printed", "Year", "Basis", "Where it appears", "Source", "Note"]
    body = []
    for row in rows:
        label = row["label"] + (f": {row['breakdown']}" if row["breakdown"] else "")
        source = sources.get(row["source"], row["source"])
        if row["source_section"]:
            source += f", {row['source_section']}"
        cells = [row["text"], row["year"], row["basis"], row["sections"], source, row["note"]]
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
