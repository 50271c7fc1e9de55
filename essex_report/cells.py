"""Notebook Markdown cells are words like the narrative: their placeholders are filled from
data and registered, and a number typed in them that equals a figure of the year is refused,
naming the notebook and cell. Used by the stitcher (build) and by `essex-report validate`."""

from __future__ import annotations

import re

from essex_report.checks import typed_figures
from essex_report.errors import ReportError
from essex_report.figure_parts import NOT_AVAILABLE, FigureParts
from essex_report.markup import escape
from essex_report.parts import Figure
from essex_report.text import PLACEHOLDER, REFERENCE
from essex_report.years import parse_year


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
