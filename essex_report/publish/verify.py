"""Check every output of a build for what it must hold before it replaces the last good report:
each exists and is not empty; the HTML parses, runs nothing, loads nothing from outside and
shows every heading of the document and every figure of the register as text; the PDF's text
holds them too, on a number of pages the document implies; the Word file is a Word file.

The checks look for what must be there and what must not, never for exact markup, so either
renderer's page (and any later design of it) passes when it shows the report."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2

from essex_report.document.register import Row
from essex_report.errors import BuildError
from essex_report.publish.page import active_content, read_html, squeeze

# Pages a document may need beyond one for each chapter (a chapter starts a page): the cover
# and the contents, and one for every so many words, chart or table. Generous on purpose: it
# catches a renderer that drew nothing (a blank page) or ran away, not a layout.
SPARE_PAGES = 4
WORDS_A_PAGE = 100
QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})


@dataclass(frozen=True)
class Expected:
    """What the outputs must show: the register's figures, the document's headings (level,
    text as printed), and what bounds the PDF's pages (chapters, words, charts and tables)."""

    figures: list[Row]
    headings: list[tuple[int, str]]
    chapters: int = 0
    words: int = 0
    blocks: int = 0  # charts and tables: each may need a page of its own

    @property
    def pages(self) -> tuple[int, int]:
        """The fewest and most pages the PDF may have."""
        low = max(1, self.chapters)
        return low, low + SPARE_PAGES + self.blocks + self.words // WORDS_A_PAGE


def check_outputs(
    outputs: dict[str, Path], expected: Expected, renderer: str, pages: tuple[Path, ...] = ()
) -> None:
    """Raise BuildError, in one line, for the first output that is not what it should be;
    `pages` (figures.html) are the build's own pages, checked to run and load nothing."""
    for page in pages:
        active = active_content(page.read_text(encoding="utf-8"))
        if active:
            raise BuildError(f"{page.name} has {active}; the last good report is kept")
    for fmt, path in outputs.items():
        if not path.is_file():
            raise BuildError(f"the {renderer} wrote no {path.name}; the last good report is kept")
        if path.stat().st_size == 0:
            raise BuildError(
                f"the {renderer} wrote an empty {path.name}; the last good report is kept"
            )
        checks: dict[str, Callable[[Path, Expected], str | None]] = {
            "html": _html_problem,
            "pdf": _pdf_problem,
            "docx": _docx_problem,
        }
        why = checks[fmt](path, expected) if fmt in checks else None
        if why:
            raise BuildError(f"{path.name} from the {renderer} {why}; the last good report is kept")


def comparable(text: str) -> str:
    """Text as two renderings of the same words compare: compatibility forms (ligatures), no
    invisible characters, straight quotes, no white space or hyphens (a line may break at
    either)."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"[\s\-‐‑]", "", text)


def _missing(what: str, wanted: list[str], found: Callable[[str], bool]) -> str | None:
    missing = [w for w in wanted if not found(w)]
    if not missing:
        return None
    return f"does not show {len(missing)} of the {len(wanted)} {what} (first: {missing[0]})"


def _figures(expected: Expected) -> list[str]:
    return [f"{row.text} for {row.indicator}" for row in expected.figures if row.text]


def _html_problem(path: Path, expected: Expected) -> str | None:
    try:
        html = path.read_text(encoding="utf-8")
        page = read_html(html)
    except (UnicodeDecodeError, ValueError) as error:
        return f"is not a readable HTML page ({error})"
    if not page.has_body:
        return "is not a readable HTML page (it has no <body>)"
    active = active_content(html)
    if active:
        return f"has {active}; a published page only shows"
    headings = {comparable(text) for text in page.heading_texts}
    return _missing(
        "headings", [text for _, text in expected.headings], lambda h: comparable(h) in headings
    ) or _missing(
        "figures of figures.csv",
        _figures(expected),
        lambda f: squeeze(f.rsplit(" for ", 1)[0]) in page.text,
    )


def pdf_text(path: Path) -> tuple[str, int]:
    """A PDF's text, as PDFium (Chromium's PDF engine) reads it, and its number of pages: a
    report in a twentieth of the time pypdf takes."""
    document = pypdfium2.PdfDocument(path)
    try:
        pages = [document[i] for i in range(len(document))]
        text = " ".join(page.get_textpage().get_text_range() for page in pages)
        return text, len(pages)
    finally:
        document.close()


def _pdf_problem(path: Path, expected: Expected) -> str | None:
    try:
        text, pages = pdf_text(path)
    except Exception as error:  # a broken file fails in many ways
        return f"does not open as a PDF ({type(error).__name__}: {str(error)[:100]})"
    text = comparable(text)
    if not pages:
        return "has no pages"
    low, high = expected.pages
    if not low <= pages <= high:
        return (
            f"has {pages} page{'s' if pages != 1 else ''}; the document implies {low} to {high} "
            f"({expected.chapters} chapters, {expected.words} words)"
        )
    return _missing(
        "headings", [text for _, text in expected.headings], lambda h: comparable(h) in text
    ) or _missing(
        "figures of figures.csv",
        _figures(expected),
        lambda f: comparable(f.rsplit(" for ", 1)[0]) in text,
    )


def _docx_problem(path: Path, expected: Expected) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" in archive.namelist():
                return None
    except zipfile.BadZipFile:
        pass
    return "is not a Word document"
