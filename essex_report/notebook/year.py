"""`Year`: one financial year as a chapter notebook sees it, and `open_year`, a notebook's
first call. Year composes the pieces of the notebook API (figures, tables, charts, words,
funding, sources) behind one object, so a notebook reads `report.table(...)`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from essex_report import limits
from essex_report.data.load import load_workbook
from essex_report.data.model import Catalogue, Indicator, Priority, Theme, Value, Workbook
from essex_report.errors import ReportError, raise_for, show_paths_from
from essex_report.notebook import charting, frames, funding, grouping, sources, tables, targets
from essex_report.notebook.figures import Figures, Key
from essex_report.notebook.markup import escape, grid_table
from essex_report.notebook.parts import Part, Parts, Printed
from essex_report.notebook.words import Words
from essex_report.project import Project
from essex_report.years import FinancialYear, parse_year

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from pandas import DataFrame


@dataclass(frozen=True)
class Terms:
    """What the year's framework calls its parts: Aim/Priority (2017-21), Area/Commitment."""

    theme: str
    priority: str

    @property
    def themes(self) -> str:
        return plural(self.theme)

    @property
    def priorities(self) -> str:
        return plural(self.priority)


def plural(term: str) -> str:
    return term[:-1] + "ies" if term.endswith("y") else term + "s"


class Year:
    """One financial year of the workbook, as a chapter notebook sees it. `tolerance`: how far
    short of its target (per cent of the target) a figure is still on track (_quarto.yml's
    essex-report: target-tolerance)."""

    def __init__(
        self,
        book: Workbook,
        year: FinancialYear,
        tolerance: Decimal = Decimal(limits.TARGET_TOLERANCE),
    ):
        self.tolerance = tolerance
        self.figures = Figures(book, year)
        self.words_of = Words(self.figures)
        self.book = book
        self.year = year
        fw = self.framework = self.words_of.framework
        self.terms = Terms(fw.theme_term, fw.priority_term) if fw else Terms("Aim", "Priority")
        self.themes: list[Theme] = self.catalogue.themes_of(fw) if fw else []

    # --- the year's data ---------------------------------------------------------------

    @property
    def catalogue(self) -> Catalogue:
        return self.book.catalogue

    @property
    def data(self) -> Any:
        return self.figures.data

    def indicator(self, indicator: str) -> Indicator:
        return self.figures.indicator(indicator)

    def value(
        self, indicator: str, breakdown: str = "", year: FinancialYear | None = None
    ) -> Value | None:
        return self.figures.value(indicator, breakdown, year)

    def breakdowns(self, indicator: str) -> list[Value]:
        return self.figures.breakdowns(indicator)

    def printed(self, value: Value, under: tuple[int, str] | None = None) -> tuple[str, Printed]:
        return self.figures.printed(value, under)

    def label(self, value: Value) -> str:
        return self.figures.label(value)

    # --- words (notebook/words.py) -----------------------------------------------------

    def heading(self, text: str, level: int = 1, new_page: bool = False) -> Part:
        """A heading; its text is printed literally. `new_page`: it opens a page in the PDF."""
        return self.words_of.heading(text, level, new_page)

    def words(self, text: str) -> Part:
        """Words written in a code cell, like narrative: {{placeholders}}, *italic*, **bold**."""
        return self.words_of.words(text)

    def markdown_cell(self, text: str) -> Part:
        """A notebook Markdown cell with its placeholders filled (the build calls this)."""
        return self.words_of.markdown_cell(text)

    def unavailable(self, what: str) -> Part:
        """ "<what> for 2019/20: not available in the data." in italics."""
        return self.words_of.unavailable(what)

    @property
    def figures_only(self) -> bool:
        """Whether the year has no words at all: its report is a report of its figures."""
        return not self.has_narrative("")

    def about_figures_only(self) -> Part:
        """What a report of a year's figures is, and what it does not have, said once."""
        said = self.words_of.about_figures_only()
        if self.framework is None:
            return Part(said.markdown + "\n\n" + escape(self.no_framework()))
        return said

    def no_framework(self) -> str:
        return (
            f"No strategic framework in the data applies to {self.year}: its figures are not "
            "grouped by aims or areas, and there is no performance chapter."
        )

    def has_narrative(self, name: str, section: str | None = None) -> bool:
        """Whether a narrative file (or one `##` section of it) has anything to print."""
        return self.words_of.has_narrative(name, section)

    def narrative(self, name: str, section: str | None = None, level: int = 2) -> Parts:
        """A narrative file of the year (or one `##` section of it, heading included)."""
        return self.words_of.narrative(name, section, level)

    def signature(self, name: str = "foreword.md") -> Part:
        """The author and role from a narrative file's front matter."""
        return self.words_of.signature(name)

    def placeholders(self, name: str) -> list[tuple[str, str]]:
        """(indicator, breakdown) pairs a narrative file prints for this year, in order."""
        return self.words_of.placeholders(name)

    def key_figures(self, name: str) -> Part:
        """The figures of a narrative file as tiles, each a big number with its label."""
        return self.words_of.key_figures(name)

    # --- tables and charts (notebook/tables.py, charting.py, funding.py) ---------------

    def table(self, keys: Iterable[Key], caption: str) -> Part:
        """Figures as the year prints them, each labelled (with "(budget)", "(target)" ...
        where it is not a result for the year)."""
        return tables.table(self.figures, keys, caption)

    def change_table(self, keys: Iterable[Key], caption: str) -> Part:
        """The figures the previous year has too, of the same kind: both years, the change and
        whether it is better or worse (a series break says it is not compared); nothing when
        none can be compared."""
        return tables.change_table(self.figures, keys, caption)

    def chapter_table(
        self, chapter: str, title: str, level: int = 2, besides: Iterable[Part | Parts] = ()
    ) -> Parts:
        """A heading and a table of every figure of a chapter the year has, but those the
        parts in `besides` (charts printed already) show."""
        shown = {(f.indicator, f.breakdown) for part in Parts(besides) for f in part.figures}
        keys = [k for k in tables.chapter_keys(self.figures, chapter) if k not in shown]
        return tables.keys_table(self.figures, keys, title, level)

    def figures_by_theme(self, chapter: str, level: int = 2) -> Parts:
        """A year without words: its figures of a chapter under each aim (or area) whose
        words print them in the framework's other years, each group a table with the change
        on the previous year; the rest as "Other figures"."""
        titles = {t.id: self.title_of(t) for t in self.themes}
        return grouping.figures_by_theme(
            self.figures, chapter, self.themes, self.framework, titles, level
        )

    def bar_chart(
        self, indicators: list[str], caption: str, label_header: str, measure: str | None = None
    ) -> Parts:
        """A bar chart of several figures of the year: "<caption>, <year>"; its data as a
        table of `label_header` and `measure` (by default the caption)."""
        return charting.bar_chart(self.figures, indicators, caption, label_header, measure)

    def breakdown_chart(self, indicators: list[str]) -> Parts:
        """A bar chart of a figure's parts (Essex, region, UK)."""
        return charting.breakdown_chart(self.figures, indicators)

    def trend_chart(self, indicator: str, least: int = 3) -> Parts:
        """A figure across years, on a year axis, gaps marked."""
        return charting.trend_chart(self.figures, indicator, least)

    def trends(self, chapter: str, level: int = 2) -> Parts:
        """A trend chart of every figure of a chapter published for three or more years."""
        return charting.trends(self.figures, chapter, level)

    def shares_chart(self, total: str, caption: str, label_header: str) -> Parts:
        """Each line of a total as a share of the base the catalogue declares (how spending
        was funded), saying what that base is and what the lines leave of it."""
        return funding.shares_chart(self.figures, total, caption, label_header)

    def lines(self, total: str, caption: str, label_header: str) -> Parts:
        """A bar chart of a total's lines (relations.csv), then the total and any gap between
        it and its lines, as a table and in words; lines the year lacks are named."""
        names = funding.lines_named(self.figures, total)
        chart = charting.bar_chart(self.figures, names, caption, label_header)
        drawn = any(part.kind == "chart" for part in chart)
        totals = tables.lines_table(self.figures, total, f"{caption}: total", with_lines=not drawn)
        return Parts([chart, totals])

    def lines_table(self, total: str, caption: str) -> Parts:
        """A total's lines, the total and any gap between them, as a table and in words."""
        return tables.lines_table(self.figures, total, caption)

    def change(self, indicator: str, breakdown: str = "") -> Part:
        """The change on the previous year in words, in the figure's unit and in per cent
        (with the precision of the figures compared), registered; "not compared" when the two
        years cannot be compared."""
        moved = self.figures.change((indicator, breakdown))
        value = self.value(indicator, breakdown)
        name = self.label(value) if value else self.indicator(indicator).label
        previous = self.year.previous()
        if moved is None:
            before = self.value(indicator, breakdown, previous)
            why = f"no figure of {previous} or {self.year} to compare"
            if value is not None and before is not None:
                broken = self.figures.series_break(indicator, previous)
                if broken:
                    why = f"the series breaks in {broken.year} ({broken.change})"
                elif before.basis != value.basis:
                    why = f"the figures are on different bases ({before.basis}, {value.basis})"
                else:
                    why = f"{value.basis} figures are not compared year on year"
                why = f"{previous} is not compared with {self.year}: {why}"
            return Part(escape(f"{name}: {why}."))
        shown, record = self.figures.change_printed(moved)
        now, now_record = self.printed(moved.current)
        was, was_record = self.printed(moved.previous)
        words = f"{name}: {now} in {self.year}, {shown} on {previous} ({was})."
        return Part(escape(words), (now_record, was_record, record))

    def changes(self, chapter: str, title: str, level: int = 2) -> Parts:
        """A heading and a table of the change on the previous year of every figure of a
        chapter both years have on one basis (printed whether or not the year has words)."""
        return tables.changes(self.figures, chapter, title, level)

    def targets(self, indicators: Iterable[str] | None = None, caption: str = "") -> Part:
        """Targets and performance against them: the target, the latest figure, a status
        (met, on track, off track, not rated) and the direction of travel. Every target the
        year states, or the indicators given ("not rated" where there is no target)."""
        caption = caption or f"Targets and performance, {self.year}"
        return targets.target_table(self.figures, self.tolerance, indicators, caption)

    def frame(self, indicators: str | Iterable[str], years: int | None = None) -> DataFrame:
        """The figures as a tidy pandas DataFrame (year, indicator, label, breakdown, value,
        text ...), one row a figure, with each figure's register entry: this year and the
        `years` - 1 before it, or every earlier year."""
        return frames.frame(self.figures, indicators, years)

    def chart(
        self,
        data: DataFrame,
        caption: str,
        alt: str | None = None,
        draw: Callable[[Axes], object] | None = None,
        *,
        x: str = "year",
        y: str = "value",
        hue: str | None = None,
        kind: str = "bar",
    ) -> Parts:
        """A chart of a frame in the house style: `draw(ax)` draws it (seaborn on the axes
        given), else a seaborn bar (or line) chart of `y` by `x`; caption and alt text may
        hold placeholders; its numbers are registered and given as a table."""
        return frames.chart(
            self.figures, data, caption, alt, draw, self.words_of.plain, x, y, hue, kind
        )

    def sources(self) -> Part:
        """The documents and web pages the year's figures come from, for readers."""
        return sources.sources_list(self.figures)

    def figures_here(self, keys: Iterable[Key], what: str) -> Part:
        """On the web page, a collapsed list of these figures (a section's: `keys` from
        report.placeholders) with their sources; `what` names the section."""
        return sources.figures_here(self.figures, list(keys), what)

    def register_links(self) -> Part:
        """Where the register of every figure and its source is: linked from the web page, and
        said in words in the PDF (which carries it as an attachment) and Word."""
        return sources.register_links()

    # --- the framework -----------------------------------------------------------------

    def priorities(self, theme: Theme) -> list[Priority]:
        """The priorities (or commitments) of an aim (or area), in order."""
        return self.catalogue.priorities_of(theme)

    def name_of(self, item: Theme | Priority) -> str:
        """An aim's or priority's title as the year's report words it: the `title:` in the
        front matter of its narrative file when the year gives one, else the framework's."""
        for folder in ("performance", "at-a-glance"):
            doc = self.words_of.narratives.get(f"{folder}/{item.id}.md")
            if doc and doc.front.get("title"):
                return doc.front["title"]
        return item.title

    def title_of(self, item: Theme | Priority) -> str:
        """ "Aim 1 - Enable inclusive economic growth", "Aim 1 Priority 2 - ..."."""
        if isinstance(item, Theme):
            return f"{self.terms.theme} {item.number} - {self.name_of(item)}"
        theme = self.catalogue.themes[item.theme]
        return (
            f"{self.terms.theme} {theme.number} {self.terms.priority} {item.number} - "
            f"{self.name_of(item)}"
        )

    def framework_table(self) -> Parts:
        """The framework the report is structured by: a sentence naming it, and its aims (or
        areas), priorities (or commitments) and any equality objectives as a table."""
        fw = self.framework
        if fw is None:  # a year before every framework: its report says so once
            return Parts() if self.figures_only else Parts([Part(escape(self.no_framework()))])
        terms = self.terms
        objectives = any(t.equality_objective for t in self.themes)
        header = [f"Our strategic {terms.themes.lower()}", f"Our {terms.priorities.lower()}"]
        header += ["Equality objectives"] if objectives else []
        rows = [
            [[t.title], [f"- {p.title}" for p in self.priorities(t)]]
            + ([[t.equality_objective]] if objectives else [])
            for t in self.themes
        ]
        caption = f"{fw.name}: strategic {terms.themes.lower()}, {terms.priorities.lower()}"
        caption += " and equality objectives" if objectives else ""
        widths = [24, 46] + ([40] if objectives else [])
        intro = escape(
            f"This report is structured by the {fw.name}, which applies from {fw.first_year} "
            f"to {fw.last_year}."
        )
        table = grid_table(header, rows, widths, caption)
        return Parts([Part(intro), Part(table, kind="table", caption=caption)])


# The years opened in this process, latest last: the build fills a notebook's Markdown cells
# with the year its code cells opened (essex_report.run.engine).
_opened: list[Year] = []


def open_year(year: object, data_dir: str | Path | None = None) -> Year:
    """A chapter notebook's first call: checks the year and its data, with one-line errors.
    `data_dir` empty or None is the repository's data/ folder."""
    _quiet_errors()
    label = parse_year(year)
    project = Project(data_dir=Path(data_dir) if data_dir else None)
    show_paths_from(project.root)
    book = load_workbook(project.data_dir, label)
    raise_for(book.problems)
    opened = Year(book, label, project.config.target_tolerance)
    _opened.append(opened)
    return opened


def opened_year() -> Year | None:
    """The year the notebook running in this process opened last, if any."""
    return _opened[-1] if _opened else None


def _quiet_errors() -> None:
    """In a kernel, show a ReportError as its one-line message rather than a traceback; `%tb`
    prints the traceback when it is wanted."""
    try:
        from IPython import get_ipython  # present in a kernel; absent is fine
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell: Any, etype: Any, value: Any, tb: Any, tb_offset: Any = None) -> None:
        shell.showtraceback((etype, value, None), tb_offset=0, exception_only=True)
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
        return None

    shell.set_custom_exc((ReportError,), handler)
