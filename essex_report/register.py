"""The figure register: every figure the report prints, where it appears and its source."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass

REGISTER_MIME = "application/vnd.essex-report.figures+json"
# Output metadata key under which a chart carries its caption and alt text.
CHART_METADATA = "essex_report"
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
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Record:
    indicator: str
    breakdown: str
    year: str
    label: str
    value: str
    unit: str
    basis: str
    text: str
    section: str
    source: str
    source_section: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def merge(records: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One row per figure (indicator, breakdown, year) with every section it appears in."""
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
