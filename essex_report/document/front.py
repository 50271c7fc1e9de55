"""The document's front matter (title, author, language, contents, publication date) and its
last words (the colophon), from the configuration and the year's data."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from essex_report.config import ReportConfig
from essex_report.data.model import Workbook
from essex_report.errors import DataError, Problem, Reason, shown
from essex_report.notebook.markup import escape
from essex_report.years import FinancialYear

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A publication date as people write it, and the same form in Quarto's `date-format`: Quarto
# reads `date` as a date and prints it in its own format ("2020-10-01" for "October 2020").
DATE_FORMATS = {"%d %B %Y": "D MMMM YYYY", "%B %Y": "MMMM YYYY"}


def template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text(encoding="utf-8"))


def publication_date(published: str | None, today: date | None = None) -> dict[str, str]:
    """`date` and `date-format` for the front matter: `published` ("October 2020",
    "21 October 2020"), else today's date. Anything else is a ValueError saying what to write."""
    if not published:
        when = today or date.today()
        return {"date": f"{when.day} {when:%B %Y}", "date-format": "D MMMM YYYY"}
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
    """The publication date the year's foreword gives (`published:` in its front matter),
    checked: the cover prints it."""
    doc = book.narratives.get(year, {}).get("foreword.md")
    text = doc.front.get("published") if doc else None
    if doc is not None and text:
        try:
            publication_date(text)
        except ValueError as error:
            lines = doc.path.read_text(encoding="utf-8").splitlines()
            line = next((n for n, s in enumerate(lines, 1) if s.startswith("published:")), None)
            raise DataError(
                [Problem(shown(doc.path), str(error), line=line, reason=Reason.NARRATIVE)]
            ) from None
    return text or None


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


def front_matter(
    config: ReportConfig,
    year: FinancialYear,
    renderer: str,
    published: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The document's metadata. `date` (the PDF's cover): the publication date the year's
    data gives (`published:` in the foreword's front matter), else the build date."""
    return {
        "title": f"{config.title} {year}",
        "author": config.author,
        "lang": config.lang,
        "toc": config.toc,
        "toc-depth": config.toc_depth,
        "toc-title": config.toc_title,
        "description-meta": f"{config.title} {year}; renderer: {renderer}",
        **publication_date(published, today),
    }


def colophon(config: ReportConfig, renderer: str) -> str:
    """The report's last words: who published it, and what rendered it."""
    return template("colophon.md").substitute(
        publisher=escape(config.author), title=escape(config.title), renderer=escape(renderer)
    )
