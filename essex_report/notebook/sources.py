"""The sources a year's report cites, listed for readers by title, publisher and date."""

from __future__ import annotations

import html

from essex_report.data.model import Source, Value
from essex_report.notebook.figures import Figures, Key, key_of
from essex_report.notebook.markup import escape, link
from essex_report.notebook.parts import Part


def printable_values(report: Figures) -> list[Value]:
    """Every value the year's report can print: the year's own, and the earlier years' a
    change or a trend compares them with (same indicator and breakdown)."""
    own = list(report.data.values.values())
    keys = [(v.indicator, v.breakdown) for v in own]
    earlier = [
        value
        for year in sorted(report.book.years)
        if year < report.year
        for key in keys  # each asked for: an earlier year's other values are not read
        if (value := report.book.data(year).values.get(key)) is not None
    ]
    return [*own, *earlier]


def cited(report: Figures) -> list[Source]:
    """The sources of those values, seed documents first, then web pages, each once (a
    derived figure's inputs are values of the same year, cited in their own right)."""
    ids = dict.fromkeys(v.source for v in printable_values(report) if not v.derived)
    known = [report.catalogue.sources[i] for i in ids if i in report.catalogue.sources]
    return sorted(known, key=lambda s: (bool(s.url), s.title.lower()))


def citation(source: Source) -> str:
    """A source as Markdown: title (a link when it is on the web), publisher, date."""
    title = link(source.title, source.url) if source.url else f"*{escape(source.title)}*"
    rest = ", ".join(p for p in (source.publisher, source.published) if p)
    # A page cited at an http:// address has no checked https link: its address is text.
    at = f" (cited at {source.id})" if not source.url and "://" in source.id else ""
    return title + escape((f", {rest}" if rest else "") + at)


def sources_list(report: Figures) -> Part:
    """A bulleted list: title (a link when the source is on the web), publisher, date."""
    items = [f"- {citation(source)}" for source in cited(report)]
    if not items:
        return Part(escape(f"No figure of {report.year} is in the data."))
    return Part("\n".join(items))


REGISTER_WEB = (
    "Every figure in this report is listed, with where it appears and the publication it "
    "comes from, in [the register of figures and their sources](figures.html), published "
    "beside this report, and in [a spreadsheet of every figure and its source](figures.csv)."
)
REGISTER_PRINT = (
    "Every figure in this report is listed, with where it appears and the publication it "
    "comes from, in the register of figures and their sources, published beside this report "
    "on the council's website. The PDF of this report carries the register as a spreadsheet "
    "(figures.csv): a PDF reader lists it among the document's attachments."
)


def figures_here(report: Figures, keys: list[Key], what: str) -> Part:
    """On the web page only, a collapsed list of the figures a section's words print, each
    with the publication it comes from (its title, publisher, date and section): the figures
    behind the words one click away, not repeated in a table. `what` names the section in
    the toggle ("Aim 1 Priority 1"), so that no two toggles have the same name."""
    by_source: dict[str, list[str]] = {}
    for key in dict.fromkeys(key_of(k) for k in keys):
        value = report.value(*key)
        if value is None:
            continue
        label = f"{report.label(value)}{report.kind([value])}: {report.text(value)}"
        where = f" ({value.section.replace(' > ', ': ')})" if value.section else ""
        by_source.setdefault(value.source, []).append(f"- {escape(label + where)}")
    if not by_source:
        return Part()
    items = []
    for ident, lines in by_source.items():
        source = report.catalogue.sources.get(ident)
        items += [f"From {citation(source) if source else escape(ident)}:", "", *lines, ""]
    summary = html.escape(f"The figures of {what} and their sources")  # raw HTML: escaped so
    return Part(
        "::: {.web-only}\n"
        f'<details class="section-figures">\n<summary>{summary}</summary>\n\n'
        + "\n".join(items)
        + "\n</details>\n:::"
    )


def register_links() -> Part:
    """Where the register of figures is: links to the files published beside the web page;
    in the PDF and Word, read on their own, where to find it (the PDF carries it)."""
    return Part(
        f"::: {{.web-only}}\n{REGISTER_WEB}\n:::\n\n::: {{.print-only}}\n{REGISTER_PRINT}\n:::"
    )
