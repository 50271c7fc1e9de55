"""What a year's report is (its `Edition`: title, publication date or draft, a report with
words or the year's figures alone), its front matter, and the words the document opens and
closes with (a draft's notice, the colophon, the register attached to the PDF).

A publication date comes from the data (`published:` in the year's foreword), never from the
day of the build: a year without one is a draft, and says so on its cover, in its title and
on the web page. The renderer's name is the run's metadata (the command's output, the HTML's
generator tag), never the reader's text."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from essex_report.config import ReportConfig
from essex_report.data.model import Workbook
from essex_report.data.narrative import DATE_FORMATS
from essex_report.notebook.markup import escape
from essex_report.years import FinancialYear

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DRAFT = "draft"
FIGURES_ONLY = "the figures"  # what a year's report is called when it has no words
REGISTER_CSV = "figures.csv"  # attached to the PDF: the register, readable from the PDF alone


def template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text(encoding="utf-8"))


def publication_date(published: str) -> dict[str, str]:
    """`date` and `date-format` for the front matter from `published` ("October 2020",
    "21 October 2020"); anything else is a ValueError saying what to write."""
    text = " ".join(published.split())
    for python, quarto in DATE_FORMATS.items():
        try:
            datetime.strptime(text, python)
        except ValueError:
            continue
        return {"date": text, "date-format": quarto}
    raise ValueError(
        f"published: {published!r} is not a date; write a month and year (October 2020) or "
        "a day, month and year (21 October 2020)"
    )


def foreword_date(book: Workbook, year: FinancialYear) -> str | None:
    """The publication date the year's foreword gives (`published:` in its front matter;
    loading the narrative checked that it is a date)."""
    doc = book.narratives.get(year, {}).get("foreword.md")
    text = doc.front.get("published") if doc else None
    return " ".join(text.split()) if text else None


def created(published: str | None, year: FinancialYear, source_date: int | None) -> int:
    """The document's date for the PDF's metadata, in seconds since 1970: SOURCE_DATE_EPOCH
    when given, else the publication date, else the end of the financial year; never the time
    of the build, so that the same inputs give the same bytes."""
    if source_date is not None:
        return source_date
    when = date(year.start + 1, 3, 31)
    if published:
        text = " ".join(published.split())
        for python in DATE_FORMATS:
            try:
                when = datetime.strptime(text, python).date()
                break
            except ValueError:
                continue
    return int(datetime(when.year, when.month, when.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Edition:
    """What a year's report is, as its cover, title and colophon say it."""

    publisher: str  # "Essex County Council"
    name: str  # "Essex County Council Annual Report 2019/20" (", the figures" without words)
    year: FinancialYear
    published: str | None  # "October 2020"; None: a draft, never given the build's date
    figures_only: bool  # no words for the year: a report of its figures

    @property
    def draft(self) -> bool:
        return self.published is None

    @property
    def title(self) -> str:
        """The title on the cover, the web page and the PDF's metadata."""
        return f"{self.name} ({DRAFT})" if self.draft else self.name


def edition(config: ReportConfig, book: Workbook, year: FinancialYear) -> Edition:
    """The year's edition: a report with words when any narrative file of the year has
    something to print, else a report of the year's figures; published when the foreword
    gives a date."""
    narratives = book.narratives.get(year, {}).values()
    words = any(doc.printable() for doc in narratives)
    name = f"{config.title} {year}" + ("" if words else f": {FIGURES_ONLY}")
    return Edition(config.author, name, year, foreword_date(book, year), not words)


def front_matter(config: ReportConfig, edition: Edition) -> dict[str, Any]:
    """The document's metadata: the cover's title and date (a draft has none), and a
    description for search engines in the reader's words. Pandoc and Quarto read metadata
    strings as Markdown: each is escaped, so it prints as written (config.py has checked it
    is plain words)."""
    what = "figures" if edition.figures_only else "annual report"
    when = f"published in {edition.published}" if edition.published else "a draft"
    matter: dict[str, Any] = {
        "title": escape(edition.title),
        "author": escape(config.author),
        "lang": config.lang,
        # `toc` itself is each format's (the renderers give it; Word's is a list, not a field)
        "toc-depth": config.toc_depth,
        "toc-title": escape(config.toc_title),
        "description-meta": escape(f"{edition.publisher} {what} for {edition.year}, {when}."),
    }
    if edition.published:
        matter |= publication_date(edition.published)
    return matter


def opening(edition: Edition) -> str:
    """What the document opens with: for a draft, a notice that it is one."""
    if not edition.draft:
        return ""
    return template("draft.md").substitute(
        publisher=escape(edition.publisher), year=escape(edition.year.label)
    )


def colophon(edition: Edition, attached: str | None = None) -> str:
    """The report's last words: who published it and when (or that it is a draft), and,
    in the PDF, the register attached to it (`attached`: its path beside the document)."""
    if edition.draft:
        said = f"A draft prepared by {edition.publisher}; it has not been published."
    else:
        said = f"Published by {edition.publisher}, {edition.published}."
    attach = template("attach.md").substitute(path=attached) if attached else ""
    return template("colophon.md").substitute(words=escape(said)) + attach
