"""What a chapter notebook shows: parts that carry their Markdown and the figures they print.

Every part displays itself in JupyterLab (and in Papermill's executed notebook) as Markdown or
an SVG chart, plus a payload of its own MIME type that the stitcher reads: the figures printed
(for the register), the narrative blocks printed (for the completeness check) and, for a
chart, its caption and alt text. Nothing is remembered anywhere else. The payload crosses the
kernel boundary as JSON and is read back into these types (`Payload.from_json`), checked.

In a build, every part is signed (`signed`): an HMAC of what it shows and its payload, with a
key the build makes for each run and gives only to its notebook workers (`sign_with`), never
to the notebook's parameters. The build accepts a payload of this MIME type only with that
signature (essex_report.run.trust), so a cell that displays the type by hand, or a copy of a
part with its words changed, stops the build; the register is then checked against the data
(essex_report.document.register.misprinted). (Code that reads the key from the worker's own
memory could still sign: a cell is code the build runs, and the signature is not a sandbox.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

PAYLOAD_MIME = "application/vnd.essex-report.part+json"
KINDS = ("markdown", "table", "chart-data", "chart", "tiles")
SIGNATURE = "signature"  # the payload's field holding its signature
_key: list[bytes] = []  # this process's signing key: set in a build's notebook worker only


def sign_with(key: bytes) -> None:
    """Sign every part this process shows with `key` (a build's notebook worker)."""
    _key[:] = [key] if key else []


def signature(key: bytes, shown: dict[str, Any], payload: dict[str, Any]) -> str:
    """The HMAC-SHA256 of what a part shows (its display data but the payload) and of its
    payload (but the signature), in one canonical JSON form."""
    body = {k: v for k, v in payload.items() if k != SIGNATURE}
    message = json.dumps([shown, body], sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def signed(shown: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with its signature, when this process signs (outside a build: as it is)."""
    if not _key:
        return payload
    return {**payload, SIGNATURE: signature(_key[0], shown, payload)}


def signed_by(key: bytes, shown: dict[str, Any], payload: object) -> bool:
    """Whether `payload` carries the signature `key` gives it with what it shows."""
    if not isinstance(payload, dict) or not isinstance(payload.get(SIGNATURE), str):
        return False
    return hmac.compare_digest(payload[SIGNATURE], signature(key, shown, payload))


class PayloadError(ValueError):
    """A payload that is not what the notebook API writes."""


def _text(record: dict[str, Any], name: str, default: str | None = None) -> str:
    value = record.get(name, default)
    if not isinstance(value, str):
        raise PayloadError(f"'{name}' is {value!r}; expected text")
    return value


@dataclass(frozen=True)
class Printed:
    """One figure as printed, as the register lists it. `heading` is the heading inside the
    same part that the figure is printed under, if any (the stitcher knows the headings
    above)."""

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
    note: str = ""  # the data row's note, for reviewers
    qualifier: str = ""  # printed before the number where the figure stands alone ("over")
    period: str = ""  # the period it covers, or a target's date ("by March 2023")
    formula: str = ""  # a derived figure (basis "derived"): how it was worked out
    # What of the indicator this is: "" the figure itself; "change" its change on the
    # previous year; "gap" what its published total has beyond its lines; "target", "status"
    # and "travel" its target, the status against it and its direction of travel.
    measure: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, record: object) -> Printed:
        if not isinstance(record, dict):
            raise PayloadError(f"a figure is {type(record).__name__}; expected an object")
        heading = record.get("heading")
        if heading is not None:
            if (
                not isinstance(heading, list | tuple)
                or len(heading) != 2
                or not isinstance(heading[0], int)
                or not isinstance(heading[1], str)
            ):
                raise PayloadError(f"a figure's heading is {heading!r}; expected [level, text]")
            heading = (heading[0], heading[1])
        return cls(
            indicator=_text(record, "indicator"),
            breakdown=_text(record, "breakdown"),
            year=_text(record, "year"),
            label=_text(record, "label"),
            value=_text(record, "value"),
            unit=_text(record, "unit"),
            basis=_text(record, "basis"),
            text=_text(record, "text"),
            source=_text(record, "source"),
            source_section=_text(record, "source_section"),
            heading=heading,
            note=_text(record, "note", ""),
            qualifier=_text(record, "qualifier", ""),
            period=_text(record, "period", ""),
            formula=_text(record, "formula", ""),
            measure=_text(record, "measure", ""),
        )


@dataclass(frozen=True)
class Payload:
    """What a part tells the stitcher, read back from an executed notebook."""

    kind: str
    figures: tuple[Printed, ...]
    printed: tuple[tuple[str, int], ...]
    caption: str = ""
    alt: str = ""

    @classmethod
    def from_json(cls, record: object) -> Payload:
        if not isinstance(record, dict):
            raise PayloadError("the payload is not an object")
        kind = _text(record, "kind")
        if kind not in KINDS:
            raise PayloadError(f"kind '{kind}' is not one of {', '.join(KINDS)}")
        figures = record.get("figures", [])
        printed = record.get("printed", [])
        if not isinstance(figures, list) or not isinstance(printed, list):
            raise PayloadError("figures and printed must be lists")
        blocks = []
        for item in printed:
            if (
                not isinstance(item, list | tuple)
                or len(item) != 2
                or not isinstance(item[0], str)
                or not isinstance(item[1], int)
            ):
                raise PayloadError(f"a printed block is {item!r}; expected [file, line]")
            blocks.append((item[0], item[1]))
        return cls(
            kind,
            tuple(Printed.from_json(f) for f in figures),
            tuple(blocks),
            _text(record, "caption", ""),
            _text(record, "alt", ""),
        )


@dataclass(frozen=True)
class Part:
    """A piece of a chapter: Markdown (already escaped) with what it prints.

    kind: "markdown", "table", "chart-data" (a chart's numbers), "chart" or "tiles".
    """

    markdown: str = ""
    figures: tuple[Printed, ...] = ()
    printed: tuple[tuple[str, int], ...] = ()  # narrative (file, line) blocks printed
    kind: str = "markdown"
    svg: str = ""  # charts only
    caption: str = ""  # charts and tables
    alt: str = ""  # charts only

    def __bool__(self) -> bool:
        return bool(self.markdown.strip() or self.svg)

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "figures": [f.to_json() for f in self.figures],
            "printed": [list(p) for p in self.printed],
            "caption": self.caption,
            "alt": self.alt,
        }

    def bundle(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The display data (and metadata) Jupyter stores for this part: Markdown, or an SVG
        chart with its alt text as plain text; the payload travels in the data."""
        if self.kind == "chart":
            shown: dict[str, Any] = {"image/svg+xml": self.svg, "text/plain": self.alt}
        else:
            shown = {"text/markdown": self.markdown}
        return {**shown, PAYLOAD_MIME: signed(shown, self.payload())}, {}

    def _ipython_display_(self) -> None:
        if self:
            from IPython.display import publish_display_data  # only inside a kernel

            data, metadata = self.bundle()
            publish_display_data(data, metadata=metadata)


class Parts(tuple[Part, ...]):
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
