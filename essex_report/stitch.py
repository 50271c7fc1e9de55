"""Stitch a year's executed notebooks into one Markdown document, in the order `_quarto.yml`
gives, honouring Quarto's cell options (`#| echo`, `#| output`, `#| include`, `#| fig-cap`,
`#| fig-alt`, `#| tbl-cap`), the `remove-cell` tag and `_quarto.yml`'s `execute:` defaults.

Markdown cells are words like the narrative: placeholders are filled and registered, and a
typed figure stops the build naming the notebook and cell. The injected-parameters cell, code
(unless echoed), logs and papermill's banners never reach the page. Every figure shown is
registered under the headings it appears beneath.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from essex_report.errors import BuildError, ReportError
from essex_report.markup import escape
from essex_report.parts import PAYLOAD_MIME, Figure

OPTION = re.compile(r"#\|\s?(.*)")
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
ADDED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}  # cells Papermill adds
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
DATA_SUMMARY = "Data for this chart"
# Fills a Markdown cell's placeholders: (markdown, figures), or a message per typed figure.
Words = Callable[[str], tuple[str, list[Figure], list[str]]]


def cell_options(source: str) -> tuple[dict, str]:
    """Quarto's `#|` options at the top of a code cell, and the code after them."""
    lines = source.split("\n")
    options: list[str] = []
    for line in lines:
        match = OPTION.match(line)
        if not match:
            break
        options.append(match[1])
    try:
        parsed = yaml.safe_load("\n".join(options)) if options else {}
    except yaml.YAMLError as error:
        raise ReportError(f"its '#|' options are not valid YAML: {error}".split("\n")[0]) from None
    return (parsed if isinstance(parsed, dict) else {}), "\n".join(lines[len(options) :])


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@dataclass
class Stitched:
    markdown: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)  # register records, with "section"
    printed: set[tuple[str, int]] = field(default_factory=set)  # narrative (file, line)
    images: dict[str, bytes] = field(default_factory=dict)  # relative path -> file bytes
    path: list[str] = field(default_factory=list)  # the headings above the current point

    def add(self, markdown: str, figures: list[dict] | None = None) -> None:
        """Append Markdown and register its figures under the headings they appear beneath."""
        start = list(self.path)
        after: dict[tuple[int, str], list[str]] = {}
        for match in HEADING.finditer(markdown):
            level, text = len(match[1]), unescape(match[2])
            del self.path[level - 1 :]
            self.path += [""] * (level - 1 - len(self.path)) + [text]
            after.setdefault((level, text), list(self.path))
        for figure in figures or []:
            under = figure.get("heading")
            path = after.get(tuple(under), start) if under else start
            section = " > ".join(p for p in path if p) or "Report"
            self.figures.append({**figure, "section": section})
        if markdown.strip():
            self.markdown.append(markdown)


@dataclass
class Notebook:
    """One executed notebook being stitched: its name for messages and its cell options."""

    name: str
    assets: str
    defaults: dict
    words: Words | None = None


def stitch_notebook(nb: dict, book: Notebook, into: Stitched) -> None:
    """Append one executed notebook's publishable content to `into`."""
    authored = [
        c for c in nb["cells"] if not ADDED_TAGS & set(c.get("metadata", {}).get("tags", []))
    ]
    for number, cell in enumerate(authored, start=1):
        where = f"notebook {book.name}, cell {number}"
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS or cell["cell_type"] == "raw":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            _markdown_cell(source, book, where, into)
            continue
        try:
            options, code = cell_options(source)
        except ReportError as error:
            raise BuildError(f"{where}: {error}") from None
        options = {**book.defaults, **options}
        if options.get("include") is False:
            continue
        if options.get("echo") is True and code.strip():
            into.add(f"```python\n{code.strip()}\n```")
        if options.get("output") is False:
            continue
        for index, output in enumerate(cell.get("outputs", []), start=1):
            _output(
                output,
                options,
                f"{book.assets}/{Path(book.name).stem}-{number}-{index}",
                where,
                into,
            )


def _markdown_cell(source: str, book: Notebook, where: str, into: Stitched) -> None:
    if book.words is None:
        into.add(source)
        return
    markdown, figures, typed = book.words(source)
    if typed:
        raise BuildError(f"{where}: {typed[0]}")
    into.add(markdown, [f.to_json() for f in figures])


def _output(output: dict, options: dict, stem: str, where: str, into: Stitched) -> None:
    kind = output["output_type"]
    if kind == "error":
        raise BuildError(f"{where}: {output['ename']}: {output['evalue']}")
    if kind not in ("display_data", "execute_result"):
        return  # streams: logs and warnings are not part of the publication
    data = output.get("data", {})
    part = data.get(PAYLOAD_MIME)
    if part is not None:
        _part(part, data, options, stem, where, into)
    elif "image/svg+xml" in data or "image/png" in data:
        # A chart drawn in the notebook itself: it needs the cell's caption and alt text.
        _figure(data, options.get("fig-cap", ""), options.get("fig-alt", ""), stem, where, into)
    elif "text/markdown" in data:
        raise BuildError(
            f"{where} shows Markdown that the notebook API did not make, so its figures would "
            "be neither checked nor registered; show words with report.words(...)"
        )
    elif "text/html" in data:
        raise BuildError(
            f"{where} shows HTML, which the PDF cannot print; show a table with "
            "report.table(...) or hide the cell with '#| include: false'"
        )
    # text/plain alone (a value left at the end of a cell) is not part of the publication


def _part(part: dict, data: dict, options: dict, stem: str, where: str, into: Stitched) -> None:
    figures = part.get("figures", [])
    into.printed.update((file, line) for file, line in part.get("printed", []))
    if part["kind"] == "chart":
        caption = options.get("fig-cap") or part.get("caption", "")
        alt = options.get("fig-alt") or part.get("alt", "")
        _figure(data, caption, alt, stem, where, into, figures)
        return
    markdown = _text(data.get("text/markdown", ""))
    if part["kind"] == "table" and options.get("tbl-cap"):
        old = escape(part.get("caption", ""))
        markdown = markdown.replace(f"\n: {old}\n", f"\n: {escape(str(options['tbl-cap']))}\n")
    if part["kind"] == "chart-data":
        markdown = (
            f'<details class="chart-data">\n<summary>{DATA_SUMMARY}</summary>\n\n'
            f"{markdown}\n\n</details>"
        )
    into.add(markdown, figures)


def _figure(
    data: dict,
    caption: str,
    alt: str,
    stem: str,
    where: str,
    into: Stitched,
    figures: list[dict] | None = None,
) -> None:
    if not alt:
        raise BuildError(f"{where}: a chart has no alt text; add '#| fig-alt: ...' to the cell")
    if "image/svg+xml" in data:
        path, content = f"{stem}.svg", _text(data["image/svg+xml"]).encode()
    else:
        path, content = f"{stem}.png", base64.b64decode(_text(data["image/png"]))
    into.images[path] = content
    into.add(f'![{escape(caption)}]({path}){{fig-alt="{escape(alt, "attribute")}"}}', figures)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def write_document(stitched: Stitched, front: dict, path: Path) -> None:
    """The year's document: YAML front matter, then every chapter's Markdown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for relative, content in stitched.images.items():
        target = path.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    body = "\n\n".join(part.strip("\n") for part in stitched.markdown if part.strip())
    path.write_text(f"---\n{header}---\n\n{body}\n", encoding="utf-8")
