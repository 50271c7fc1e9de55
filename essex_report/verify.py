"""Check every output of a build before it replaces the last good report: each exists and is
not empty, the HTML parses and its visible text shows every figure of the register, the PDF
opens and has pages, the Word file is a Word file."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from essex_report.errors import BuildError

HIDDEN = {"script", "style", "head", "template", "noscript"}  # text a reader never sees


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []
        self.body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.body |= tag in ("body", "main")
        self.hidden += tag in HIDDEN

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The words a reader sees, with runs of white space (and no-break spaces) as one space."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    if not parser.body:
        raise ValueError("it has no <body>")
    return re.sub(r"\s+", " ", " ".join(parser.parts).replace("\xa0", " "))


def check_outputs(outputs: dict[str, Path], figures: list[dict[str, str]], renderer: str) -> None:
    """Raise BuildError, in one line, for the first output that is not what it should be."""
    for fmt, path in outputs.items():
        if not path.is_file():
            raise BuildError(f"the {renderer} wrote no {path.name}; the last good report is kept")
        if path.stat().st_size == 0:
            raise BuildError(
                f"the {renderer} wrote an empty {path.name}; the last good report is kept"
            )
        problem = {"html": _html_problem, "pdf": _pdf_problem, "docx": _docx_problem}.get(fmt)
        why = problem(path, figures) if problem else None
        if why:
            raise BuildError(f"{path.name} from the {renderer} {why}; the last good report is kept")


def _html_problem(path: Path, figures: list[dict[str, str]]) -> str | None:
    try:
        text = visible_text(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return f"is not a readable HTML page ({error})"
    missing = [row for row in figures if row["text"] and row["text"] not in text]
    if missing:
        first = missing[0]
        return (
            f"does not show {len(missing)} of the {len(figures)} figures of figures.csv "
            f"(first: {first['text']} for {first['indicator']})"
        )
    return None


def _pdf_problem(path: Path, figures: list[dict[str, str]]) -> str | None:
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(path).pages)
    except Exception as error:  # pypdf raises many kinds of error for a broken file
        return f"does not open as a PDF ({type(error).__name__}: {str(error)[:100]})"
    return None if pages else "has no pages"


def _docx_problem(path: Path, figures: list[dict[str, str]]) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" in archive.namelist():
                return None
    except zipfile.BadZipFile:
        pass
    return "is not a Word document"
