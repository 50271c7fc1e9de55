"""Notebook Markdown cells are words like the narrative: their placeholders are filled from
data and registered, and a number typed in them that equals a figure of the year is refused,
naming the notebook and cell. Used by the stitcher (build) and by `essex-report validate`."""

from __future__ import annotations

import json
import re

from essex_report import paths
from essex_report.checks import typed_figures
from essex_report.data import Workbook
from essex_report.errors import Problem, ReportError
from essex_report.figure_parts import NOT_AVAILABLE, FigureParts
from essex_report.markup import escape
from essex_report.parts import Figure
from essex_report.text import PLACEHOLDER, REFERENCE
from essex_report.years import FinancialYear, parse_year


def cell_words(report: FigureParts, text: str) -> tuple[str, list[Figure], list[str]]:
    """A notebook Markdown cell with its placeholders filled: the Markdown, the figures it
    prints, and a message for every problem (a typed figure, an unknown placeholder).
    The cell's own Markdown is kept as written; only the figures are inserted."""
    figures: list[Figure] = []
    problems: list[str] = []

    def resolve(match: re.Match, under: tuple[int, str] | None) -> str:
        body = match["body"]
        if body == "year":
            return escape(report.year.label)
        ref = REFERENCE.fullmatch(body)
        if ref is None:
            problems.append(f"'{match.group(0)}' is not a placeholder")
            return match.group(0)
        try:
            year = parse_year(ref["year"]) if ref["year"] else None
            value = report.value(ref["indicator"], ref["breakdown"] or "", year)
        except ReportError as error:
            problems.append(str(error))
            return match.group(0)
        if value is None:
            return escape(NOT_AVAILABLE)
        shown, figure = report.printed(value, under)
        figures.append(figure)
        return escape(shown)

    under: tuple[int, str] | None = None
    lines = []
    for line in text.split("\n"):
        found = re.match(r"(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if found:
            under = (len(found[1]), re.sub(r"\\(.)", r"\1", found[2]))
        lines.append(PLACEHOLDER.sub(lambda m, u=under: resolve(m, u), line))
    problems += typed_figures(text, report.data, None, report.catalogue)
    return "\n".join(lines), figures, problems


def notebook_problems(book: Workbook, year: FinancialYear) -> list[Problem]:
    """Every problem in the chapter notebooks' Markdown cells for a year, without running
    them: a typed figure, a placeholder naming no indicator. (A placeholder naming a figure the
    year does not have prints "not available".)"""
    from essex_report.render import load_config

    report = FigureParts(book, year)
    problems = []
    for chapter in load_config().chapters:
        path = paths.ROOT / chapter
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            problems.append(Problem(chapter, f"cannot be read as a notebook: {error}"))
            continue
        for number, cell in enumerate(nb.get("cells", []), start=1):
            if cell.get("cell_type") != "markdown":
                continue
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for message in cell_words(report, text)[2]:
                problems.append(Problem(chapter, f"cell {number}: {message}"))
    return problems
