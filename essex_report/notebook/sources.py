"""The sources a year's report cites, listed for readers by title, publisher and date."""

from __future__ import annotations

from essex_report.data.model import Source, Value
from essex_report.notebook.figures import Figures
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


def sources_list(report: Figures) -> Part:
    """A bulleted list: title (a link when the source is on the web), publisher, date."""
    items = []
    for source in cited(report):
        title = link(source.title, source.url) if source.url else f"*{escape(source.title)}*"
        rest = ", ".join(p for p in (source.publisher, source.published) if p)
        # A page cited at an http:// address has no checked https link: its address is text.
        at = f" (cited at {source.id})" if not source.url and "://" in source.id else ""
        items.append(f"- {title}" + escape((f", {rest}" if rest else "") + at))
    if not items:
        return Part(escape(f"No figure of {report.year} is in the data."))
    return Part("\n".join(items))
