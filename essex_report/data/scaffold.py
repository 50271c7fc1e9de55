"""Start a new year: the structure of the latest year, empty of values and words."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from essex_report.data import schema
from essex_report.data.checks import FIXED_NARRATIVES, allowed_names
from essex_report.data.files import NARRATIVE_DIR, VALUES_FILE, year_folder
from essex_report.data.load import load_workbook
from essex_report.data.model import Workbook
from essex_report.data.narrative import PLACEHOLDER, Narrative, figure_keys
from essex_report.errors import ReportError, shown
from essex_report.years import FinancialYear

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
AS_AT = re.compile(rf"(?:{MONTHS}) (?:19|20)\d\d")


def model_year(book: Workbook, year: FinancialYear) -> FinancialYear | None:
    """The year whose words to copy: the latest earlier year with narrative, else the latest."""
    earlier = [y for y in sorted(book.years) if y < year] or sorted(book.years)
    with_words = [y for y in earlier if book.narratives.get(y)]
    chosen = with_words or earlier
    return chosen[-1] if chosen else None


def figures_to_find(book: Workbook, year: FinancialYear, words: FinancialYear) -> list[tuple]:
    """(indicator, breakdown) rows for the new year: the figures of the framework in force,
    that is every figure the earlier years under the new year's framework list (latest year
    first; the latest earlier year's when no earlier year has that framework), and, when
    `words` is under the same framework, every figure its narrative prints (a different
    framework's figures are not carried over)."""
    cat = book.catalogue
    framework = cat.framework_for(year)
    earlier = [y for y in sorted(book.years, reverse=True) if y < year and book.data(y).listed]
    same = [y for y in earlier if cat.framework_for(y) == framework]
    keys: dict[tuple[str, str], None] = {}
    for source in same or earlier[:1]:
        # a breakdown that is a date ("August 2023": a running total as at then) is the
        # earlier year's own; the new year's row leaves it for its own date
        listed = [(i, "" if AS_AT.fullmatch(b) else b) for i, b in book.data(source).listed]
        keys.update(dict.fromkeys(sorted(listed)))
    if cat.framework_for(words) == framework:
        for doc in book.narratives.get(words, {}).values():
            for _, text in doc.texts():
                keys.update(dict.fromkeys(figure_keys(text)))
            for block in doc.blocks:
                for indicator in block.indicators:
                    keys.update(
                        dict.fromkeys(k for k in book.data(words).listed if k[0] == indicator)
                    )
    return list(keys)


def skeleton(doc: Narrative, figures: set[tuple[str, str]] | None = None) -> str:
    """A narrative file's headings, each followed by a TODO naming the figures it used (only
    those in `figures`, the (indicator, breakdown) rows the new year is to find, when given: a
    year of another framework asks for no figure of its own, and for none without a row)."""

    def keep(name: str) -> bool:
        return figures is None or any(key[0] == name for key in figures)

    def asks_for(placeholder: str) -> bool:
        return figures is None or all(key in figures for key in figure_keys(placeholder))

    sections: list[tuple[str | None, list[str], list[str]]] = [(None, [], [])]
    for block in doc.blocks:
        if block.kind == "heading":
            sections.append((f"{'#' * block.level} {block.text}", [], []))
        elif block.kind == "chart":
            shown = [i for i in block.indicators if keep(i)]
            if shown:
                sections[-1][2].append("{{chart:" + ",".join(shown) + "}}")
        else:
            texts = [t for _, t in block.items] if block.kind == "bullets" else [block.text]
            sections[-1][1].extend(
                m.group(0)
                for t in texts
                for m in PLACEHOLDER.finditer(t)
                if keep(m["body"].split("[")[0].split("@")[0]) and asks_for(m.group(0))
            )
    lines: list[str] = []
    if doc.front:
        lines += ["---", *(f'{key}: ""' for key in doc.front), "---", ""]
    for heading, used, charts in sections:
        if heading is None and not used and not charts and len(sections) > 1:
            continue
        if heading:
            lines += [heading, ""]
        named = ", ".join(dict.fromkeys(used))
        lines += [f"TODO: write this section{f', using {named}' if named else ''}.", ""]
        lines += [line for chart in charts for line in (chart, "")]
    return "\n".join(lines).rstrip() + "\n"


def new_year(year: FinancialYear, data_dir: Path) -> list[Path]:
    """Create data/<year>/ from the latest year's structure; never touch a year with data."""
    target = year_folder(data_dir, year)
    if target.exists():
        raise ReportError(
            f"{shown(target)} already exists; new-year never changes a year "
            "that has data (edit its files, or remove the folder to start again)"
        )
    book = load_workbook(data_dir)
    model = model_year(book, year)
    if model is None:
        raise ReportError(f"there is no year in {shown(data_dir)} to copy the structure from")
    written: list[Path] = []
    target.mkdir(parents=True)
    # values.csv: the figures to find, empty
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(schema.VALUES.names)
    to_find = figures_to_find(book, year, model)
    for indicator, breakdown in to_find:
        writer.writerow([indicator, breakdown] + [""] * (len(schema.VALUES.names) - 2))
    (target / VALUES_FILE).write_text(buffer.getvalue(), encoding="utf-8")
    written.append(target / VALUES_FILE)
    # narrative: the model's headings and placeholders, for the new year's framework
    cat = book.catalogue
    new_framework = cat.framework_for(year)
    same_framework = new_framework == cat.framework_for(model)
    folder = target / NARRATIVE_DIR
    for name in sorted(allowed_names(cat, new_framework)):
        doc = book.narratives.get(model, {}).get(name)
        if doc is None and name not in FIXED_NARRATIVES and same_framework:
            continue
        figures = None if same_framework else set(to_find)
        text = skeleton(doc, figures) if doc is not None else "TODO: write this section.\n"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
