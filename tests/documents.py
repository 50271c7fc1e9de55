"""Read a rendered report as a person or a checker would: the HTML page (with the package's
one HTML reader, essex_report.publish.page) and the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from essex_report.publish.page import Page, read_html

A4 = (595.28, 841.89)  # points


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def compact(text: str) -> str:
    """Text without any whitespace: a PDF's text breaks lines anywhere, even after a hyphen."""
    return re.sub(r"\s+", "", text)


def read_page(path: Path) -> Page:
    """An HTML file as the package's one HTML reader sees it."""
    return read_html(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pdf:
    text: str  # every page's text, whitespace squeezed
    pages: list[str]
    outline: list[tuple[int, str, int]]  # (level, title, page index)
    alts: list[str]  # /Alt of the structure tree's elements, in order
    sizes: set[tuple[float, float]]
    title: str


def read_pdf(path: Path) -> Pdf:
    reader = PdfReader(path)
    pages = [squeeze(p.extract_text()) for p in reader.pages]
    outline: list[tuple[int, str, int]] = []

    def walk_outline(items, level):
        for item in items:
            if isinstance(item, list):
                walk_outline(item, level + 1)
            else:
                outline.append((level, item.title, reader.get_destination_page_number(item)))

    walk_outline(reader.outline, 1)
    alts: list[str] = []

    def walk_structure(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk_structure(child)
        elif hasattr(node, "get"):
            if node.get("/Alt") is not None:
                alts.append(str(node["/Alt"]))
            if node.get("/K") is not None:
                walk_structure(node["/K"])

    walk_structure(reader.trailer["/Root"]["/StructTreeRoot"])
    sizes = {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }
    title = reader.metadata.title if reader.metadata else ""
    return Pdf(squeeze(" ".join(pages)), pages, outline, alts, sizes, title or "")


def numbered(text: str, kind: str) -> list[int]:
    """The numbers of the PDF's "Table 3:" (or "Figure 3:") captions, in order."""
    return [int(n) for n in re.findall(rf"\b{kind}\s(\d+):", text)]
