"""Checks that span files: narrative placeholders, figures typed twice, sums and references."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal

from essex_report.data import schema
from essex_report.data.derive import COMPARABLE_BASES
from essex_report.data.files import loading
from essex_report.data.formatting import PLAIN_UNITS, SCALE, format_value
from essex_report.data.model import Catalogue, Framework, Value, Workbook, YearData
from essex_report.data.money import check_relations
from essex_report.data.narrative import (
    CHANGE,
    CHART_LINE,
    PLACEHOLDER,
    PREVIOUS,
    REFERENCE,
    Narrative,
    brace_problems,
    fixed_year,
    literal_numbers,
)
from essex_report.errors import Level, Problems, Reason, shown
from essex_report.years import FinancialYear, parse_year

FIXED_NARRATIVES = ("foreword.md", "resources.md", "contact.md", "performance/introduction.md")
# What is left of a placeholder that does not close: `{{spend_total}`, `{{spend_total`, `x}}`.
BROKEN_PLACEHOLDER = re.compile(r"\{\{[^{}\s]*\}?|\{?[^{}\s]*\}\}")


def check(book: Workbook) -> Workbook:
    """The third step of loading: what spans files, for every year whose narrative is loaded."""
    for year in book.narratives:
        check_year(book, year)
    return book


def check_year(book: Workbook, year: FinancialYear) -> None:
    cat = book.catalogue
    framework = cat.framework_for(year)
    index = _figure_index(book.data(year), cat)
    for name, doc in book.narratives.get(year, {}).items():
        todos = doc.todos()
        if todos:
            lines = ", ".join(str(b.line) for b in todos)
            book.problems.add(
                shown(doc.path),
                f"{len(todos)} section{'s' if len(todos) > 1 else ''} "
                f"still to write (TODO on line{'s' if len(todos) > 1 else ''} {lines})",
                Reason.TO_WRITE,
                level=Level.WARNING,
            )
        _check_name(name, doc, cat, framework, book.problems)
        _check_structure(doc, cat, book.problems)
        _check_placeholders(doc, year, book)
        _check_typed_figures(doc, book.data(year), index, cat, book.problems)
    check_relations(book.data(year), cat, book.problems, book.data_dir)


def allowed_names(cat: Catalogue, framework: Framework | None) -> set[str]:
    names = set(FIXED_NARRATIVES)
    if framework is not None:
        for theme in cat.themes_of(framework):
            names |= {f"at-a-glance/{theme.id}.md", f"performance/{theme.id}.md"}
            names |= {f"performance/{p.id}.md" for p in cat.priorities_of(theme)}
    return names


def _check_name(
    name: str, doc: Narrative, cat: Catalogue, framework: Framework | None, problems: Problems
) -> None:
    allowed = allowed_names(cat, framework)
    stem = name.rsplit("/", 1)[-1].removesuffix(".md")
    priority = cat.priorities.get(stem)
    if (
        name in allowed
        or cat.doubtful(stem, schema.THEMES)
        or cat.doubtful(stem, schema.PRIORITIES)
        or (priority is not None and cat.doubtful(priority.theme, schema.THEMES))
    ):
        return  # allowed, or the catalogue row it depends on has its own problem
    close = difflib.get_close_matches(name, sorted(allowed), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    scope = f"the {framework.name} framework" if framework else "a year with no framework"
    problems.add(
        shown(doc.path),
        f"'{name}' does not name an aim, priority or section of {scope}"
        f"{hint}; expected one of the files listed in data/README.md",
        Reason.NARRATIVE,
    )


def _check_structure(doc: Narrative, cat: Catalogue, problems: Problems) -> None:
    """Headings that follow each other level by level, with no placeholder in them, and every
    placeholder closed: anything else would be printed wrongly or break the PDF."""
    file = shown(doc.path)
    previous = 1  # a file's words sit under the chapter's heading: its first heading is ##
    for block in doc.blocks:
        if block.kind != "heading":
            continue
        level = max(block.level, 2)  # a # heading prints as ##
        if level > previous + 1:
            problems.add(
                file,
                f"the heading '{'#' * block.level} {block.text}' skips a level; make it "
                f"{'#' * (previous + 1)} (a file starts at ##, and each level goes one down)",
                Reason.NARRATIVE,
                line=block.line,
            )
        previous = level
        if "{{" in block.text or "}}" in block.text:
            problems.add(
                file,
                f"the heading '{block.text}' holds a placeholder; a heading is printed as "
                "written, so put the figure in the text under it",
                Reason.PLACEHOLDER,
                line=block.line,
            )
    for line, text in doc.texts():
        for message in brace_problems(text, lambda i: i in cat.indicators):
            problems.add(file, message, Reason.PLACEHOLDER, line=line)
        rest = PLACEHOLDER.sub(" ", text)
        for match in BROKEN_PLACEHOLDER.finditer(rest):
            name = match.group(0).strip("{}") or "indicator_id"
            problems.add(
                file,
                f"'{match.group(0)}' is a placeholder that is not closed; write {{{{{name}}}}}",
                Reason.PLACEHOLDER,
                line=line,
            )


def _check_placeholders(doc: Narrative, year: FinancialYear, book: Workbook) -> None:
    file = shown(doc.path)
    for block in doc.blocks:
        if block.kind == "chart":
            for indicator in block.indicators:
                problem = _reference_problem(indicator, "", year, book, chart=True)
                if problem:
                    book.problems.add(file, problem, Reason.UNKNOWN, line=block.line)
                elif not book.data(year).breakdowns(indicator):
                    book.problems.add(
                        file,
                        f"the chart of '{indicator}' has no figures for {year} in "
                        f"data/{year.slug}/values.csv; it is left out",
                        Reason.NO_VALUE,
                        line=block.line,
                        level=Level.WARNING,
                    )
    for line, text in doc.texts():
        for match in PLACEHOLDER.finditer(text):
            body = match["body"]
            if body == "year" or CHART_LINE.fullmatch(match.group(0)):
                if CHART_LINE.fullmatch(match.group(0)):
                    book.problems.add(
                        file,
                        "a chart placeholder must stand on a line of its own",
                        Reason.PLACEHOLDER,
                        line=line,
                    )
                continue
            ref = REFERENCE.fullmatch(body)
            if not ref:
                book.problems.add(
                    file,
                    f"'{{{{{body}}}}}' is not a placeholder; expected {{{{indicator_id}}}}, "
                    "{{indicator_id[Breakdown]}}, {{indicator_id@previous}}, "
                    "{{indicator_id@change}} or {{indicator_id@2018/19}}",
                    Reason.PLACEHOLDER,
                    line=line,
                )
                continue
            target = year.previous() if ref["year"] == PREVIOUS else year
            if fixed_year(ref):
                try:
                    target = parse_year(ref["year"])
                except ValueError as error:
                    book.problems.add(file, str(error), Reason.PLACEHOLDER, line=line)
                    continue
            breakdown = ref["breakdown"] or ""
            problem = _reference_problem(ref["indicator"], breakdown, target, book)
            if problem is None and ref["year"] == CHANGE:
                problem = _change_problem(ref["indicator"], breakdown, year, book)
            if problem:
                book.problems.add(file, problem, Reason.NO_VALUE, line=line)


def _reference_problem(
    indicator: str, breakdown: str, year: FinancialYear, book: Workbook, chart: bool = False
) -> str | None:
    cat = book.catalogue
    if cat.doubtful(indicator, schema.INDICATORS):
        return None  # the indicators file or this row has its own problem
    if indicator not in cat.indicators:
        close = difflib.get_close_matches(indicator, list(cat.indicators), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{indicator}' is not an indicator in data/indicators.csv{hint}"
    data = book.data(year)
    where = f"data/{year.slug}/values.csv"
    if chart:
        return None
    if data.get(indicator, breakdown) is None:
        empty = data.empty.get((indicator, breakdown))
        if empty is not None:
            part = f"[{breakdown}]" if breakdown else ""
            return (
                f"'{indicator}{part}' has no value for {year} yet (its row in {where}, line "
                f"{empty}, is empty), and these words print it; fill in the value, or take "
                "the placeholder out"
            )
        if (indicator, breakdown) in data.listed or not data.readable:
            return None  # the row's own problem is already reported
        part = f"[{breakdown}]" if breakdown else ""
        return f"'{indicator}{part}' has no value for {year}; expected a row in {where}"
    return None


def _change_problem(
    indicator: str, breakdown: str, year: FinancialYear, book: Workbook
) -> str | None:
    """Why {{indicator@change}} cannot print a change for `year`, if it cannot."""
    if indicator not in book.catalogue.indicators:
        return None  # reported as unknown
    now = book.data(year).get(indicator, breakdown)
    before = book.data(year.previous()).get(indicator, breakdown)
    if now is None:
        return None  # reported as having no value
    if before is None:
        return (
            f"'{indicator}@change' has no figure of {year.previous()} to compare with; "
            f"expected a row in data/{year.previous().slug}/values.csv"
        )
    if before.basis != now.basis or now.basis not in COMPARABLE_BASES:
        return (
            f"'{indicator}@change': the {year.previous()} figure ({before.basis}) and the "
            f"{year} figure ({now.basis}) are not on one basis, so they are not compared"
        )
    broken = book.catalogue.break_between(indicator, before.year, now.year)
    if broken is not None:
        return (
            f"'{indicator}@change': the series breaks in {broken.year} ({broken.reason}), "
            "so the two years are not compared"
        )
    return None


def _figure_index(data: YearData, cat: Catalogue) -> dict[tuple[str, Decimal], list[Value]]:
    """The year's values keyed as typed numbers are compared: money in pounds (or euros),
    percentages, and plain counts."""
    index: dict[tuple[str, Decimal], list[Value]] = {}
    for value in data.values.values():
        unit = cat.indicators[value.indicator].unit
        if unit == "percent":
            key = ("percent", value.value)
        elif unit in SCALE:
            key = ("money", value.value * SCALE[unit])
        elif unit in PLAIN_UNITS:
            key = ("plain", value.value)
        else:
            continue
        index.setdefault(key, []).append(value)
    return index


def _check_typed_figures(
    doc: Narrative,
    data: YearData,
    index: dict[tuple[str, Decimal], list[Value]],
    cat: Catalogue,
    problems: Problems,
) -> None:
    """No figure typed twice: a number in the words that equals one of the year's values."""
    for line, text in doc.texts():
        for message in typed_figures(text, data, index, cat):
            problems.add(shown(doc.path), message, Reason.TYPED_FIGURE, line=line)


def typed_figures(
    text: str,
    data: YearData,
    index: dict[tuple[str, Decimal], list[Value]] | None,
    cat: Catalogue,
) -> list[str]:
    """A message for every number typed in `text` that equals one of the year's values
    (narrative files and notebook Markdown cells alike). Not a read of the values a notebook
    prints (files.recording): the build checks every Markdown cell again against the data
    it has, so a cached notebook cannot hide a figure typed in it."""
    if index is None:
        with loading():
            index = _figure_index(data, cat)
    found = []
    for literal in literal_numbers(text):
        matches = index.get((literal.kind, literal.amount))
        if not matches:
            continue
        value = matches[0]
        shown = format_value(value.value, cat.indicators[value.indicator].unit)
        part = f"[{value.breakdown}]" if value.breakdown else ""
        origin = f"{value.file} line {value.line}" if value.file else value.source
        found.append(
            f"the number '{literal.text}' is typed in the text, but it is a figure of "
            f"{data.year} ({value.indicator}{part} = {shown}, {origin}); write "
            f"{{{{{value.indicator}{part}}}}} instead"
        )
    return found
