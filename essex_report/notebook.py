"""The notebook API: the building blocks a chapter notebook composes.

    from essex_report.notebook import open_year, show
    report = open_year(year, data_dir)          # checks the year and its data; one-line errors
    show(report.heading("Resources", 1))        # a heading (text from data is escaped)
    report.narrative("resources.md", "Our spending")   # one `##` section of a narrative file
    report.table(["spend_total", "capital_investment"], "Spending, 2019/20")
    report.bar_chart(["spend_day_to_day", "capital_investment"], "Spending", "Kind")
    report.trend_chart("band_d_total")          # the figure across years, on a year axis

Every method returns parts (essex_report.parts) that display themselves and carry the figures
they print, so the register needs nothing else. A figure the year does not have is never an
error: tables and charts leave it out, words say "not available". A name that is not in the
data (an indicator id, a narrative file) is a one-line error naming it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from essex_report import paths
from essex_report.data import Priority, Theme, Workbook, raise_for
from essex_report.errors import ReportError
from essex_report.load import load_workbook
from essex_report.markup import escape, grid_table
from essex_report.parts import Part, Parts, show
from essex_report.words import WordParts
from essex_report.years import parse_year

__all__ = ["Year", "open_year", "show"]


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


class Year(WordParts):
    """One financial year of the workbook, as a chapter notebook sees it."""

    def __init__(self, year: object, data_dir: str | Path | None = None):
        label = parse_year(year)
        folder = Path(data_dir).resolve() if data_dir else paths.DATA_DIR
        book: Workbook = load_workbook(folder, label)
        raise_for(book.problems)
        super().__init__(book, label)
        fw = self.framework
        self.terms = Terms(fw.theme_term, fw.priority_term) if fw else Terms("Aim", "Priority")
        self.themes: list[Theme] = self.catalogue.themes_of(fw) if fw else []

    # --- the framework ------------------------------------------------------------------

    def priorities(self, theme: Theme) -> list[Priority]:
        """The priorities (or commitments) of an aim (or area), in order."""
        return self.catalogue.priorities_of(theme)

    def name_of(self, item: Theme | Priority) -> str:
        """An aim's or priority's title as the year's report words it: the `title:` in the
        front matter of its narrative file when the year gives one, else the framework's."""
        for folder in ("performance", "at-a-glance"):
            doc = self.narratives.get(f"{folder}/{item.id}.md")
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
        if fw is None:
            return Parts(
                [
                    Part(
                        escape(
                            f"No strategic framework in the data applies to {self.year}; this "
                            "report gives its figures without performance chapters."
                        )
                    )
                ]
            )
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

    def outline(self) -> Parts:
        """For a year whose performance is not written up: the framework's structure, to say
        what the council reports against."""
        fw = self.framework
        if fw is None:
            return Parts([self.unavailable("Activity and performance chapters")])
        parts = [
            Part(
                escape(
                    f"The activity and performance narrative for {self.year} is not available "
                    f"in the data. The {fw.name} sets out what the council reports against:"
                )
            )
        ]
        for theme in self.themes:
            items = "\n".join(f"- {escape(self.title_of(p))}" for p in self.priorities(theme))
            parts += [self.heading(self.title_of(theme), 2), Part(items)]
        return Parts(parts)

    def sources(self) -> Part:
        """The documents and web pages the year's figures come from, for readers."""
        from essex_report.about import sources_list

        return sources_list(self)


def open_year(year: object, data_dir: str | Path | None = None) -> Year:
    """A chapter notebook's first call: checks the year and its data, with one-line errors."""
    _quiet_errors()
    return Year(year, data_dir)


def _quiet_errors() -> None:
    """In a kernel, show a ReportError as its one-line message rather than a traceback; `%tb`
    prints the traceback when it is wanted."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, None), tb_offset=0, exception_only=True)
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
        return None

    shell.set_custom_exc((ReportError,), handler)
