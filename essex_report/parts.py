"""What a chapter notebook shows: parts that carry their Markdown and the figures they print.

Every part displays itself in JupyterLab (and in Papermill's executed notebook) as Markdown or
an SVG chart, plus a payload of its own MIME type that the stitcher reads: the figures printed
(for the register), the narrative blocks printed (for the completeness check) and, for a
chart, its caption and alt text. Nothing is remembered anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

PAYLOAD_MIME = "application/vnd.essex-report.part+json"


@dataclass(frozen=True)
class Figure:
    """One printed figure, as the register lists it. `heading` is the heading inside the same
    part that the figure is printed under, if any (the stitcher knows the headings above)."""

    indicator: str
    breakdown: str
    year: str
    label: str
    value: str
    unit: str
    basis: str
    text: str
    source: str
    source_section: str
    heading: tuple[int, str] | None = None
    note: str = ""  # the data row's note (a qualifier as published, a date), for reviewers

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Part:
    """A piece of a chapter: Markdown (already escaped) with what it prints.

    kind: "markdown", "table", "chart-data" (a chart's numbers) or "chart".
    """

    markdown: str = ""
    figures: tuple[Figure, ...] = ()
    printed: tuple[tuple[str, int], ...] = ()  # narrative (file, line) blocks printed
    kind: str = "markdown"
    svg: str = ""  # charts only
    caption: str = ""  # charts and tables
    alt: str = ""  # charts only

    def __bool__(self) -> bool:
        return bool(self.markdown.strip() or self.svg)

    def payload(self) -> dict:
        return {
            "kind": self.kind,
            "figures": [f.to_json() for f in self.figures],
            "printed": [list(p) for p in self.printed],
            "caption": self.caption,
            "alt": self.alt,
        }

    def bundle(self) -> tuple[dict, dict]:
        """The display data (and metadata) Jupyter stores for this part: Markdown, or an SVG
        chart with its alt text as plain text; the payload travels in the data."""
        if self.kind == "chart":
            shown = {"image/svg+xml": self.svg, "text/plain": self.alt}
        else:
            shown = {"text/markdown": self.markdown}
        return {**shown, PAYLOAD_MIME: self.payload()}, {}

    def _ipython_display_(self) -> None:
        if self:
            from IPython.display import publish_display_data

            data, metadata = self.bundle()
            publish_display_data(data, metadata=metadata)


class Parts(tuple):
    """Several parts in reading order; displays each (an empty list displays nothing)."""

    def __new__(cls, items: Iterable[Part | Parts | None] = ()) -> Parts:
        return super().__new__(cls, flatten(items))

    def _ipython_display_(self) -> None:
        for part in self:
            part._ipython_display_()


def flatten(items: Iterable[Part | Parts | None]) -> Iterator[Part]:
    for item in items:
        if isinstance(item, Part):
            if item:
                yield item
        elif item is not None:
            yield from flatten(item)


def show(*items: Part | Parts | None) -> None:
    """Display parts in order: what a notebook cell prints."""
    Parts(items)._ipython_display_()
