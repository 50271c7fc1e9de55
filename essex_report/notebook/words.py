"""Words for the notebook API: headings, narrative files and sections, words written in a
cell, a notebook's Markdown cells, and the key figures of a narrative file as tiles.

`Words.fill` is the one placeholder filler: narrative files, words written in a cell and
notebook Markdown cells all pass through it. Narrative text is data: markup.py escapes it,
keeping only the narrative subset (paragraphs, bullets, headings, *italic*, **bold**).
"""

from __future__ import annotations

import dataclasses
import difflib
import re

from essex_report.data.checks import allowed_names, typed_figures
from essex_report.data.model import Framework
from essex_report.data.narrative import (
    CHANGE,
    PLACEHOLDER,
    PREVIOUS,
    REFERENCE,
    Block,
    Narrative,
    brace_problems,
    figure_keys,
    fixed_year,
)
from essex_report.errors import ReportError
from essex_report.notebook.charting import breakdown_chart
from essex_report.notebook.figures import NOT_AVAILABLE, Figures
from essex_report.notebook.markup import escape, fill, heading, unescape, words_markdown
from essex_report.notebook.parts import Part, Parts, Printed
from essex_report.text import hidden_problem, nfc
from essex_report.years import parse_year


class CellProblem(ReportError):
    """A notebook Markdown cell the build refuses (a typed figure, a wrong placeholder)."""


def every_year(text: str) -> None:
    """A notebook runs for every year: a placeholder of a fixed year ({{x@2023/24}}) would be
    right in one year's report and wrong in every other's, so it is refused."""
    for match in PLACEHOLDER.finditer(text):
        ref = REFERENCE.fullmatch(match["body"])
        if ref and fixed_year(ref):
            name = ref["indicator"] + (f"[{ref['breakdown']}]" if ref["breakdown"] else "")
            raise CellProblem(
                f"'{match.group(0)}' names the year {ref['year']}, but a notebook runs for every "
                f"year; write {{{{{name}@previous}}}} for the year before the report's (or put "
                "the words in that year's narrative)"
            )


class Words:
    """The words of one year of a workbook, and the parts that print them."""

    def __init__(self, figures: Figures):
        self.figures = figures
        self.year = figures.year
        self.framework: Framework | None = figures.catalogue.framework_for(figures.year)
        self.narratives: dict[str, Narrative] = figures.book.narratives.get(figures.year, {})

    # --- words --------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1, new_page: bool = False) -> Part:
        """A heading; its text is printed literally. `new_page`: in the PDF it opens a page
        (an aim of the performance chapter, as the published report sets them)."""
        return Part(heading(text, level) + (" {.new-page}" if new_page else ""))

    def words(self, text: str) -> Part:
        """Words written in a code cell, like narrative: {{placeholders}}, *italic*, **bold**."""
        figures: list[Printed] = []
        every_year(text)
        return Part(self.fill(text, figures, None), tuple(figures))

    def markdown_cell(self, text: str) -> Part:
        """A notebook Markdown cell as the report prints it: words like narrative (headings,
        lists, paragraphs, *italic*, **bold**, placeholders filled, links to the files beside
        the report), everything else printed as written; with the figures it prints. A
        typed figure, a placeholder that names no figure and a hidden character are a
        CellProblem."""
        figures: list[Printed] = []
        every_year(text)

        def inline(words: str, under: tuple[int, str] | None) -> str:
            try:
                return self.fill(words, figures, under, links=True)
            except ReportError as error:  # an unknown indicator, a year not written right
                raise CellProblem(str(error)) from None

        markdown = words_markdown(checked_cell(text), inline)
        typed = typed_figures(text, self.figures.data, None, self.figures.catalogue)
        if typed:
            raise CellProblem(typed[0])
        return Part(markdown, tuple(figures))

    def plain(self, text: str) -> str:
        """Text with its placeholders filled, as plain text (a chart's caption or alt text,
        escaped where it is printed); a fixed year is refused as in a cell."""
        every_year(text)
        figures: list[Printed] = []
        return unescape(self.fill(text, figures, None))

    def unavailable(self, what: str) -> Part:
        """ "<what> for 2019/20: not available in the data." in italics; nothing in a year
        without any words, whose report says once what it does not have
        (about_figures_only), and whose chapters are left out where they print nothing."""
        if not self.has_narrative(""):
            return Part()
        return Part(f"*{escape(f'{what} for {self.year}: {NOT_AVAILABLE} in the data.')}*")

    def about_figures_only(self) -> Part:
        """What a report of a year's figures is, and what it does not have, said once."""
        return Part(
            escape(
                f"This report gives the figures the council published for {self.year}, each "
                "with its source. The words of an annual report for the year (a foreword, "
                "the achievements at a glance, and the activity and performance behind the "
                "figures) are not available in the data, so the figures are given on their "
                "own: in tables by chapter, with the change on the previous year where both "
                "years have a figure of the same kind, and in charts where there is more "
                "than one figure to compare."
            )
        )

    def has_narrative(self, name: str, section: str | None = None) -> bool:
        """Whether a narrative file (or one `##` section of it) has anything to print. A name
        ending in "/" asks about every file in that folder ("performance/"), and "" about
        every file of the year."""
        if name == "" or name.endswith("/"):
            return any(n.startswith(name) and self.has_narrative(n) for n in self.narratives)
        return bool(self._blocks(name, section))

    def narrative(self, name: str, section: str | None = None, level: int = 2) -> Parts:
        """A narrative file of the year (or one `##` section of it, heading included) as
        Markdown and charts. `level` is the level a `##` heading of the file takes; nothing
        when the year has no such file or section."""
        blocks = self._blocks(name, section)
        if section is not None and blocks:
            doc = self.narratives[name]
            top = next(b for b in doc.blocks if b.kind == "heading" and b.text == nfc(section))
            blocks = [top, *blocks]
        parts: list[Part] = []
        lines: list[str] = []
        figures: list[Printed] = []
        printed: list[tuple[str, int]] = []
        under: tuple[int, str] | None = None

        def flush() -> None:
            if lines:
                parts.append(Part("\n\n".join(lines), tuple(figures), tuple(printed)))
            lines.clear()
            figures.clear()
            printed.clear()

        for block in blocks:
            printed.append((name, block.line))
            if block.kind == "heading":
                under = (level + max(block.level, 2) - 2, block.text)
                lines.append(heading(block.text, under[0]))
            elif block.kind == "chart":
                flush()
                chart = breakdown_chart(self.figures, list(block.indicators))
                parts.append(Part(printed=((name, block.line),)) if not chart else chart[0])
                parts.extend(chart[1:])
                printed.clear()
            elif block.kind == "bullets":
                items = [f"- {self.fill(text, figures, under)}" for _, text in block.items]
                lines.append("\n".join(items))
            else:
                lines.append(self.fill(block.text, figures, under))
        flush()
        return Parts(parts)

    def signature(self, name: str = "foreword.md") -> Part:
        """The author and role from a narrative file's front matter, in bold and plain."""
        doc = self.narratives.get(self._known_file(name))
        who = [doc.front[k] for k in ("author", "role") if doc and doc.front.get(k)]
        if not who:
            return Part()
        return Part(f"**{escape(who[0])}**" + "".join(f"\\\n{escape(w)}" for w in who[1:]))

    def placeholders(self, name: str) -> list[tuple[str, str]]:
        """(indicator, breakdown) pairs a narrative file prints for this year, in order, with
        the breakdowns its charts draw."""
        doc = self.narratives.get(self._known_file(name))
        found: dict[tuple[str, str], None] = {}
        for _, text in doc.texts() if doc else []:
            found.update(dict.fromkeys(figure_keys(text)))
        for block in doc.blocks if doc else []:
            for indicator in block.indicators:
                found.update(
                    dict.fromkeys(
                        (v.indicator, v.breakdown) for v in self.figures.breakdowns(indicator)
                    )
                )
        return list(found)

    def key_figures(self, name: str) -> Part:
        """The figures of a narrative file as tiles, each a big number with its one-line
        label: the first figure of every paragraph or bullet that prints one (the words
        themselves follow with report.narrative)."""
        doc = self.narratives.get(self._known_file(name))
        tiles: list[str] = []
        figures: list[Printed] = []
        for block in doc.printable(has_data=self._has_data) if doc else []:
            texts = [t for _, t in block.items] if block.kind == "bullets" else [block.text]
            for text in texts if block.kind in ("bullets", "paragraph") else []:
                value = next((v for k in figure_keys(text) if (v := self.figures.value(*k))), None)
                if value is None:
                    continue
                shown, figure = self.figures.printed(value)
                figures.append(figure)
                said = value.qualifier  # "over", set small above the figure
                number = (f"[{escape(said)}]{{.qualifier}} " if said else "") + escape(shown)
                tiles.append(
                    f"::: {{.key-figure}}\n[{number}]{{.number}}\n\n"
                    f"{escape(self.figures.described(value))}\n:::"
                )
        if not tiles:
            return Part()
        markdown = ":::: {.key-figures}\n" + "\n\n".join(tiles) + "\n::::"
        return Part(markdown, tuple(figures), kind="tiles")

    # --- internals ----------------------------------------------------------------------

    def _known_file(self, name: str) -> str:
        """A narrative file name the year's framework allows (it may be missing this year)."""
        allowed = allowed_names(self.figures.catalogue, self.framework)
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ReportError(
                f"'{name}' is not a narrative file of {self.year}{hint}; see data/README.md"
            )
        return name

    def _blocks(self, name: str, section: str | None) -> list[Block]:
        doc = self.narratives.get(self._known_file(name))
        if doc is None:
            return []
        if section is None:
            return doc.printable(has_data=self._has_data)
        try:  # the narrative is read NFC-normalised: so is the name a notebook gives
            return doc.printable(doc.section(nfc(section)), self._has_data)
        except KeyError:
            return []  # this year's file has no such section: the completeness check says so

    def _has_data(self, block: Block) -> bool:
        return any(self.figures.breakdowns(i) for i in block.indicators)

    def fill(
        self,
        text: str,
        figures: list[Printed],
        under: tuple[int, str] | None,
        links: bool = False,
    ) -> str:
        """The one placeholder filler: `text` with each {{placeholder}} as the figure it
        names, printed (escaped) and appended to `figures`, and the words around them
        escaped, keeping *italic* and **bold** (and, with `links`, links to the files beside
        the report: a notebook's own words)."""

        wrong = brace_problems(text, lambda i: i in self.figures.catalogue.indicators)
        if wrong:  # checks.py reports these in narrative before any notebook runs
            raise CellProblem(wrong[0])

        def resolve(match: re.Match[str]) -> str:
            body = match["body"]
            if body == "year":
                return escape(self.year.label)
            ref = REFERENCE.fullmatch(body)
            if ref is None:
                raise CellProblem(f"'{match.group(0)}' is not a placeholder")
            breakdown = ref["breakdown"] or ""
            if ref["year"] == CHANGE:
                moved = self.figures.change((ref["indicator"], breakdown))
                if moved is None:  # never "up not available on" (narrative: checks.py)
                    raise CellProblem(
                        f"'{match.group(0)}' names a change {self.year} cannot work out (no "
                        "figure for the year before on the same basis), so these words cannot "
                        "print it"
                    )
                text, figure = self.figures.change_printed(moved)
                figures.append(dataclasses.replace(figure, heading=under))
                return escape(text)
            year = self.year.previous() if ref["year"] == PREVIOUS else None
            year = parse_year(ref["year"]) if fixed_year(ref) else year
            value = self.figures.value(ref["indicator"], breakdown, year)
            if value is None:  # never "we have spent not available on" (narrative: checks.py)
                raise CellProblem(
                    f"'{match.group(0)}' names a figure {year or self.year} has no value for, "
                    "so these words cannot print it; put them in the year's narrative, or "
                    "show them only when report.value(...) has the figure"
                )
            text, figure = self.figures.printed(value, under)
            figures.append(figure)
            return escape(text)

        return fill(text, resolve, PLACEHOLDER, links)


def checked_cell(text: str) -> str:
    """A Markdown cell's text, NFC-normalised; a hidden character is a CellProblem."""
    for number, line in enumerate(text.split("\n"), start=1):
        hidden = hidden_problem(line)
        if hidden:
            raise CellProblem(f"line {number} {hidden}")
    return nfc(text)


def markdown_without_year(text: str) -> Part:
    """A Markdown cell above the notebook's `open_year`: its words escaped as any cell's;
    a placeholder is a CellProblem (no year to fill it from)."""
    if PLACEHOLDER.search(text):
        raise CellProblem(
            "a Markdown cell uses placeholders before the notebook opened a year; "
            "put report = open_year(year, data_dir) in a code cell above it"
        )

    def inline(words: str, under: tuple[int, str] | None) -> str:
        return fill(words, lambda match: "", PLACEHOLDER, links=True)

    return Part(words_markdown(checked_cell(text), inline))
