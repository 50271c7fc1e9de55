"""Stitch a year's executed notebooks into one Markdown document, in the order `_quarto.yml`
gives, honouring Quarto's cell options (`#| echo`, `#| output`, `#| include`, `#| fig-cap`,
`#| fig-alt`, `#| tbl-cap`), the `remove-cell` tag and `_quarto.yml`'s `execute:` defaults.

Markdown cells arrive filled (the engine filled them with the notebook API, in the notebook's
own process) with the figures they print in their metadata. The injected-parameters cell,
code (unless echoed), logs and papermill's banners never reach the page: nbconvert's
TagRemovePreprocessor removes the tagged cells. Every figure shown is registered under the
headings it appears beneath.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from nbconvert.preprocessors import TagRemovePreprocessor
from nbformat import NotebookNode

from essex_report.errors import NotebookError, ReportError
from essex_report.limits import MAX_IMAGE_BYTES
from essex_report.notebook.markup import escape
from essex_report.notebook.parts import PAYLOAD_MIME, Payload, PayloadError, Printed
from essex_report.run.reader import ADDED_TAGS, HIDDEN_TAGS, META, cell_options, source, tags

# A raw attribute ({=typst}, {=html}, {=latex}) not escaped: pandoc passes what it marks to the
# renderer as code.
RAW = re.compile(r"(?<!\\)\{=[^}\s]*\}")

# A heading line; its own attributes (`{.new-page}`: braces the escaping never leaves bare)
# are not part of its text.
HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+(?<!\\)\{[^{}]*\})?\s*#*\s*$", re.MULTILINE)
FENCED = re.compile(r"^(`{3,})[^\n]*\n.*?^\1\s*$", re.MULTILINE | re.DOTALL)  # code shown
EMPHASIS_MARK = re.compile(r"(?<!\\)\*+")  # *italic* and **bold** marks: not printed
DATA_SUMMARY = "Data for this chart"
NUMBER = "essex-report-cell"  # a cell's number, as its author counts, while it is stitched


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@dataclass(frozen=True)
class Entry:
    """A figure printed in the document, under the headings it appears beneath."""

    figure: Printed
    section: str


@dataclass
class Stitched:
    markdown: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    printed: set[tuple[str, int]] = field(default_factory=set)  # narrative (file, line)
    images: dict[str, bytes] = field(default_factory=dict)  # relative path -> file bytes
    path: list[str] = field(default_factory=list)  # the headings above the current point
    # Each Markdown cell as its author wrote it, with where it is: the build checks them
    # against the data it has (a notebook reused from the cache was checked against older).
    written: list[tuple[Where, str]] = field(default_factory=list)

    def add(self, markdown: str, figures: Iterable[Printed] = ()) -> None:
        """Append Markdown and register its figures under the headings they appear beneath."""
        start = list(self.path)
        after: dict[tuple[int, str], list[str]] = {}
        for match in HEADING.finditer(FENCED.sub("", markdown)):  # a "# comment" is code
            level, text = len(match[1]), unescape(match[2])
            del self.path[level - 1 :]
            self.path += [""] * (level - 1 - len(self.path)) + [text]
            after.setdefault((level, text), list(self.path))
        for figure in figures:
            path = after.get(figure.heading, start) if figure.heading else start
            section = " > ".join(p for p in path if p) or "Report"
            self.entries.append(Entry(figure, section))
        if markdown.strip():
            self.markdown.append(markdown)

    def registered(self) -> set[tuple[str, str, str]]:
        """The figures printed themselves (not only as a change, a target or a status)."""
        return {
            (e.figure.indicator, e.figure.breakdown, e.figure.year)
            for e in self.entries
            if not e.figure.measure
        }


@dataclass(frozen=True)
class Where:
    """A cell being stitched, for messages: its notebook and its number."""

    notebook: str
    cell: object

    def error(self, what: str) -> NotebookError:
        """`what` follows "cell 3" (": ..." or " shows ...")."""
        return NotebookError(self.notebook, f"cell {self.cell}{what}")


@dataclass(frozen=True)
class Chapter:
    """One executed notebook being stitched: its name for messages and its cell options."""

    name: str
    assets: str
    defaults: dict[str, Any]


def publishable(nb: NotebookNode) -> NotebookNode:
    """The notebook without the cells that are never published (nbconvert's tag remover),
    each remaining cell numbered as its author counts (Papermill's added cells left out)."""
    number = 0
    for cell in nb.cells:
        if not ADDED_TAGS & tags(cell):
            number += 1
            cell.metadata[NUMBER] = number
    remover = TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS | ADDED_TAGS), enabled=True)
    nb, _ = remover.preprocess(nb, {})
    nb.cells = [c for c in nb.cells if c.cell_type != "raw"]
    return nb


def stitch_notebook(nb: NotebookNode, chapter: Chapter, into: Stitched) -> None:
    """Append one executed notebook's publishable content to `into`."""
    for cell in publishable(nb).cells:
        where = Where(chapter.name, cell.metadata.get(NUMBER, "?"))
        if cell.cell_type == "markdown":
            _markdown_cell(cell, where, into)
            continue
        try:
            options, code = cell_options(source(cell))
        except ReportError as error:
            raise where.error(f": {error}") from None
        options = {**chapter.defaults, **options}
        if options.get("include") is False:
            continue
        if options.get("echo") is True and code.strip():
            into.add(code_block(code.strip()))
        if options.get("output") is False:
            continue
        stem = f"{chapter.assets}/{Path(chapter.name).stem}-{cell.metadata.get(NUMBER, 0)}"
        for index, output in enumerate(cell.get("outputs", []), start=1):
            _output(output, options, f"{stem}-{index}", where, into)


def code_block(code: str) -> str:
    """Code shown as it is: in a fence longer than any run of backticks inside it, so the
    code cannot close the fence and go on as Markdown (or HTML)."""
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])
    return f"{fence}python\n{code}\n{fence}"


def _markdown_cell(cell: NotebookNode, where: Where, into: Stitched) -> None:
    """A Markdown cell as the build's engine filled it (its words escaped, its figures
    recorded); one the engine did not fill would print its own Markdown, HTML included."""
    recorded = cell.metadata.get(META)
    if not isinstance(recorded, dict):
        raise where.error(": its words were not filled by the build; run it with the build")
    payload = _payload(recorded.get("payload"), where)
    into.written.append((where, str(recorded.get("source", ""))))
    into.add(source(cell), payload.figures)


def _payload(record: object, where: Where) -> Payload:
    try:
        return Payload.from_json(record)
    except PayloadError as error:
        raise where.error(f": its output is not one the notebook API makes ({error})") from None


def _output(
    output: dict[str, Any], options: dict[str, Any], stem: str, where: Where, into: Stitched
) -> None:
    kind = output["output_type"]
    if kind == "error":
        raise where.error(f": {output['ename']}: {output['evalue']}")
    if kind not in ("display_data", "execute_result"):
        return  # streams: logs and warnings are not part of the publication
    data = output.get("data", {})
    if PAYLOAD_MIME in data:
        _part(_payload(data[PAYLOAD_MIME], where), data, options, stem, where, into)
    elif "image/svg+xml" in data or "image/png" in data:
        # A chart drawn in the notebook itself: it needs the cell's caption and alt text.
        _figure(data, options.get("fig-cap", ""), options.get("fig-alt", ""), stem, where, into)
    elif "text/markdown" in data:
        raise where.error(
            " shows Markdown that the notebook API did not make, so its figures would "
            "be neither checked nor registered; show words with report.words(...)"
        )
    elif "text/html" in data:
        raise where.error(
            " shows HTML, which the PDF cannot print; show a table with "
            "report.table(...) or hide the cell with '#| include: false'"
        )
    # text/plain alone (a value left at the end of a cell) is not part of the publication


def _part(
    part: Payload,
    data: dict[str, Any],
    options: dict[str, Any],
    stem: str,
    where: Where,
    into: Stitched,
) -> None:
    into.printed.update(part.printed)
    if part.kind == "chart":
        caption = options.get("fig-cap") or part.caption
        alt = options.get("fig-alt") or part.alt
        _figure(data, caption, alt, stem, where, into, part.figures)
        return
    markdown = _text(data.get("text/markdown", ""))
    if part.kind == "table" and options.get("tbl-cap"):
        old = escape(part.caption)
        markdown = markdown.replace(f"\n: {old}\n", f"\n: {escape(str(options['tbl-cap']))}\n")
    raw = RAW.search(markdown)
    if raw:  # the API never writes one: a part made by hand would pass code to a renderer
        raise where.error(f": its output passes {raw[0]} code to the renderer; show words "
                          "with report.words(...)")  # fmt: skip
    if part.kind == "chart-data":
        markdown = (
            f'<details class="chart-data">\n<summary>{DATA_SUMMARY}</summary>\n\n'
            f"{markdown}\n\n</details>"
        )
    into.add(markdown, part.figures)


def _figure(
    data: dict[str, Any],
    caption: str,
    alt: str,
    stem: str,
    where: Where,
    into: Stitched,
    figures: Iterable[Printed] = (),
) -> None:
    if not alt:
        raise where.error(": a chart has no alt text; add '#| fig-alt: ...' to the cell")
    if "image/svg+xml" in data:
        path, content = f"{stem}.svg", _text(data["image/svg+xml"]).encode()
    else:
        path, content = f"{stem}.png", base64.b64decode(_text(data["image/png"]))
    if len(content) > MAX_IMAGE_BYTES:
        size, most = len(content) / 2**20, MAX_IMAGE_BYTES / 2**20
        raise where.error(f": a chart of {size:.1f} MB; a chart may be {most:.0f} MB at most")
    into.images[path] = content
    into.add(f'![{escape(caption)}]({path}){{fig-alt="{escape(alt, "attribute")}"}}', figures)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def heading_level(part: str) -> int | None:
    """The level of a part that is a heading and nothing else ("# Foreword": 1)."""
    found = HEADING.fullmatch(part.strip())
    return len(found[1]) if found and "\n" not in part.strip() else None


def without_empty_headings(parts: list[str]) -> list[str]:
    """The parts without the headings that have nothing under them (a chapter or section a
    year has nothing to print for: a year without words has no foreword), as narrative
    headings with nothing under them are left out."""
    parts = [p for p in parts if p.strip()]
    kept: list[str] = []
    for n, part in enumerate(parts):
        level = heading_level(part)
        if level is not None:
            later = [heading_level(p) for p in parts[n + 1 :]]
            below = next((i for i, lv in enumerate(later) if lv is None or lv <= level), None)
            if below is None or later[below] is not None:
                continue  # the next thing is a heading no deeper than this one, or the end
        kept.append(part)
    return kept


def printed_headings(parts: list[str]) -> list[tuple[int, str]]:
    """Every heading the document prints (level, text as a reader sees it): none left out for
    having nothing under it, none of code shown in a cell."""
    found = []
    for part in without_empty_headings(parts):
        for match in HEADING.finditer(FENCED.sub("", part)):
            found.append((len(match[1]), unescape(EMPHASIS_MARK.sub("", match[2]))))
    return found


def write_document(stitched: Stitched, front: dict[str, Any], path: Path) -> None:
    """The year's document: YAML front matter, then every chapter's Markdown (headings with
    nothing under them left out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for relative, content in stitched.images.items():
        target = path.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    body = "\n\n".join(part.strip("\n") for part in without_empty_headings(stitched.markdown))
    path.write_text(f"---\n{header}---\n\n{body}\n", encoding="utf-8")
