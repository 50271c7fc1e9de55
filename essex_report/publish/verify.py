"""Check every output of a build before it replaces the last good report: each exists and is
not empty, the HTML parses and its visible text shows every figure of the register, the PDF
opens and has pages, the Word file is a Word file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pypdf import PdfReader

from essex_report.document.register import Row
from essex_report.errors import BuildError
from essex_report.publish.page import visible_text


def check_outputs(outputs: dict[str, Path], figures: list[Row], renderer: str) -> None:
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


def _html_problem(path: Path, figures: list[Row]) -> str | None:
    try:
        text = visible_text(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return f"is not a readable HTML page ({error})"
    missing = [row for row in figures if row.text and row.text not in text]
    if missing:
        first = missing[0]
        return (
            f"does not show {len(missing)} of the {len(figures)} figures of figures.csv "
            f"(first: {first.text} for {first.indicator})"
        )
    return None


def _pdf_problem(path: Path, figures: list[Row]) -> str | None:
    try:
        pages = len(PdfReader(path).pages)
    except Exception as error:  # pypdf raises many kinds of error for a broken file
        return f"does not open as a PDF ({type(error).__name__}: {str(error)[:100]})"
    return None if pages else "has no pages"


def _docx_problem(path: Path, figures: list[Row]) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" in archive.namelist():
                return None
    except zipfile.BadZipFile:
        pass
    return "is not a Word document"
