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

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from essex_report import paths
from essex_report.data import Priority, Theme, Workbook, raise_for
from essex_report.errors import ReportError
from essex_report.figure_parts import NOT_AVAILABLE, FigureParts
from essex_report.load import load_workbook
from essex_report.markup import escape, fill, grid_table, heading
from essex_report.parts import Figure, Part, Parts, show
from essex_report.text import PLACEHOLDER, REFERENCE, Block, figure_keys
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


class Year(FigureParts):
    """One financial year of the workbook, as a chapter notebook sees it."""

    def __init__(self, year: object, data_dir: str | Path | None = None):
        label = parse_year(year)
        folder = Path(data_dir).resolve() if data_dir else paths.DATA_DIR
        book: Workbook = load_workbook(folder, label)
        raise_for(book.problems)
        super().__init__(book, label)
        self.framework = self.catalogue.framework_for(label)
        self.narratives = book.narratives.get(label, {})
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

    # --- words --------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> Part:
        """A heading; its text is printed literally."""
        return Part(heading(text, level))

    def words(self, text: str) -> Part:
        """Words written in a code cell, like narrative: {{placeholders}}, *italic*, **bold**."""
        figures: list[Figure] = []
        return Part(self._fill(text, figures, None), tuple(figures))

    def unavailable(self, what: str) -> Part:
        """ "<what> for 2019/20: not available in the data." in italics."""
        return Part(f"*{escape(f'{what} for {self.year}: {NOT_AVAILABLE} in the data.')}*")

    def has_narrative(self, name: str, section: str | None = None) -> bool:
        """Whether a narrative file (or one `##` section of it) has anything to print. A name
        ending in "/" asks about every file in that folder ("performance/")."""
        if name.endswith("/"):
            return any(n.startswith(name) and self.has_narrative(n) for n in self.narratives)
        return bool(self._blocks(name, section))

    def narrative(self, name: str, section: str | None = None, level: int = 2) -> Parts:
        """A narrative file of the year (or one `##` section of it, heading included) as
        Markdown and charts. `level` is the level a `##` heading of the file takes; nothing
        when the year has no such file or section."""
        blocks = self._blocks(name, section)
        if section is not None and blocks:
            doc = self.narratives[name]
            top = next(b for b in doc.blocks if b.kind == "heading" and b.text == section)
            blocks = [top, *blocks]
        parts: list[Part] = []
        lines: list[str] = []
        figures: list[Figure] = []
        printed: list[tuple[str, int]] = []
        under: tuple[int, str] | None = None

        def flush() -> None:
            if lines:
                parts.append(Part("\n\n".join(lines), tuple(figures), tuple(printed)))
            lines.clear(), figures.clear(), printed.clear()

        for block in blocks:
            printed.append((name, block.line))
            if block.kind == "heading":
                under = (level + max(block.level, 2) - 2, block.text)
                lines.append(heading(block.text, under[0]))
            elif block.kind == "chart":
                flush()
                chart = self.breakdown_chart(list(block.indicators))
                parts.append(Part(printed=((name, block.line),)) if not chart else chart[0])
                parts.extend(chart[1:])
                printed.clear()
            elif block.kind == "bullets":
                items = [f"- {self._fill(text, figures, under)}" for _, text in block.items]
                lines.append("\n".join(items))
            else:
                lines.append(self._fill(block.text, figures, under))
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
                    dict.fromkeys((v.indicator, v.breakdown) for v in self.breakdowns(indicator))
                )
        return list(found)

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

    # --- internals ----------------------------------------------------------------------

    def _known_file(self, name: str) -> str:
        """A narrative file name the year's framework allows (it may be missing this year)."""
        from essex_report.checks import allowed_names

        allowed = allowed_names(self.catalogue, self.framework)
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
        try:
            return doc.printable(doc.section(section), self._has_data)
        except KeyError:
            return []  # this year's file has no such section: the completeness check says so

    def _has_data(self, block: Block) -> bool:
        return any(self.breakdowns(i) for i in block.indicators)

    def _fill(self, text: str, figures: list[Figure], under: tuple[int, str] | None) -> str:
        def resolve(match: re.Match) -> str:
            body = match["body"]
            if body == "year":
                return escape(self.year.label)
            ref = REFERENCE.fullmatch(body)
            if ref is None:  # checks.py reports these before any notebook runs
                raise ReportError(f"'{match.group(0)}' is not a placeholder")
            year = parse_year(ref["year"]) if ref["year"] else None
            value = self.value(ref["indicator"], ref["breakdown"] or "", year)
            if value is None:
                return escape(NOT_AVAILABLE)
            text, figure = self.printed(value, under)
            figures.append(figure)
            return escape(text)

        return fill(text, resolve, PLACEHOLDER)


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
