"""Read a rendered report as a person or a checker would: the HTML page and the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

A4 = (595.28, 841.89)  # points


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def compact(text: str) -> str:
    """Text without any whitespace: a PDF's text breaks lines anywhere, even after a hyphen."""
    return re.sub(r"\s+", "", text)


@dataclass
class Page(HTMLParser):
    """What an HTML page shows: headings, captions, images' alt text, what it loads."""

    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # tables' <caption>
    figure_captions: list[str] = field(default_factory=list)  # <figcaption>
    alts: list[str] = field(default_factory=list)  # images' alt, inline charts' aria-label
    sources: list[str] = field(default_factory=list)  # src of img, script, iframe...
    links: list[str] = field(default_factory=list)  # href of a and link
    description: str = ""

    def __post_init__(self) -> None:
        super().__init__()
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption"):
            self._open, self._text = tag, []
        if tag == "img":
            self.alts.append(attrs.get("alt") or "")
        if tag == "svg" and attrs.get("role") == "img":  # a chart inlined in the page
            self.alts.append(attrs.get("aria-label") or "")
        if tag in ("img", "script", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.sources.append(attrs["src"])
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "meta" and attrs.get("name") == "description":
            self.description = squeeze(attrs.get("content") or "")

    def handle_endtag(self, tag):
        if tag != self._open:
            return
        text = squeeze("".join(self._text))
        if tag == "caption":
            self.captions.append(text)
        elif tag == "figcaption":
            self.figure_captions.append(text)
        else:
            self.headings.append(text)
        self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


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
