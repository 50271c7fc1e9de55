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


def structure(path: Path) -> list[tuple[str, str]]:
    """The PDF's structure elements, in reading order: (tag, title), tags without the slash
    ("H2", "TH"); the title is a heading's text (its /T)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get") and node.get("/S") is not None:
            found.append((str(node["/S"]).lstrip("/"), str(node.get("/T", ""))))
            if node.get("/K") is not None:
                walk(node["/K"])

    root = PdfReader(path).trailer["/Root"]["/StructTreeRoot"]
    walk(root["/K"])
    return found


def table_rows(path: Path) -> list[list[tuple[str, str]]]:
    """Each table body row of the PDF as (tag, scope) per cell: ("TH", "/Row"), ("TD", "")."""
    rows: list[list[tuple[str, str]]] = []

    def cells(node) -> list:
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        items = kids if isinstance(kids, list) else [kids]
        return [k.get_object() for k in items if hasattr(k.get_object(), "get")]

    def scope(cell) -> str:
        attributes = cell.get("/A")
        owned = attributes if isinstance(attributes, list) else [attributes]
        return next((str(a.get("/Scope", "")) for a in owned if a and a.get("/O") == "/Table"), "")

    def walk(node) -> None:
        node = node.get_object()
        for child in cells(node):
            if child.get("/S") == "/TBody":
                for row in cells(child):
                    rows.append([(str(c["/S"]).lstrip("/"), scope(c)) for c in cells(row)])
            elif child.get("/S") is not None:
                walk(child)

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return rows


def page_text_by_kind(path: Path, index: int) -> tuple[str, str]:
    """A page's text that a reader is given (tagged content) and the text marked as an
    artifact (running heads, page furniture), whitespace squeezed."""
    reader = PdfReader(path)
    stack: list[str] = []
    content: list[str] = []
    artifacts: list[str] = []

    def before(operator, operands, cm, tm) -> None:
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(words, cm, tm, font, size) -> None:
        (artifacts if "/Artifact" in stack else content).append(words)

    reader.pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return squeeze(" ".join(content)), squeeze(" ".join(artifacts))


def _collect(runs: list[tuple[float, str]]):
    """A text visitor that appends (baseline on the page, text) of every run to `runs`."""

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            runs.append((tm[5] * cm[3] + cm[5], text.strip()))

    return visit


def page_fill(path: Path, margin: float = 56.7) -> list[tuple[float, str]]:
    """Each page's fill (how far down its body text runs, 0 to 1, between the top and bottom
    margins) and its first line of body text (below the running head)."""
    reader = PdfReader(path)
    height = float(reader.pages[0].mediabox.height)
    found = []
    for page in reader.pages:
        runs: list[tuple[float, str]] = []
        page.extract_text(visitor_text=_collect(runs))
        body = [(y, t) for y, t in runs if margin + 2 < y < height - margin - 6]
        if not body:
            found.append((0.0, ""))
            continue
        lowest = min(y for y, _ in body)
        first = max(body, key=lambda run: run[0])[1]
        found.append(((height - margin - lowest) / (height - 2 * margin), first))
    return found
