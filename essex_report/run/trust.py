"""Which outputs of an executed notebook the notebook API made in this run.

A build makes a signing key for each run of its notebooks and gives it only to the workers it
forks (never to a notebook's parameters, so it is in no notebook file); every part the
notebook API shows, and every Markdown cell the engine fills, is signed with it
(essex_report.notebook.parts). When a worker has finished, its executed notebook is checked
here, in the build's own process: a payload of the project's MIME type without the run's
signature (displayed by hand, or a part copied with its words changed) or a Markdown cell the
engine did not fill stops the build, naming the notebook's cell, before anything is stitched
or kept in the cache."""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode

from essex_report.notebook.parts import PAYLOAD_MIME, signed_by
from essex_report.run.reader import ADDED_TAGS, META, source, tags

NOT_MADE = (
    "shows a part the notebook API did not make in this build (a display of its own MIME "
    "type, or a part changed after it was made), so its figures could not be checked; show "
    "words, tables and charts with the notebook API"
)
NOT_FILLED = "was not filled by the build's engine; run the notebook with essex-report build"


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def shown(data: dict[str, Any]) -> dict[str, str]:
    """What an output shows: its display data but the payload, as text."""
    return {mime: _text(value) for mime, value in data.items() if mime != PAYLOAD_MIME}


def untrusted(nb: NotebookNode, key: bytes) -> tuple[int, str] | None:
    """The first cell (numbered as its author counts) showing what the notebook API did not
    make in this run, and what it is; None when every part is signed with `key`."""
    number = 0
    for cell in nb.cells:
        if ADDED_TAGS & tags(cell):
            continue  # Papermill's own cells: never published
        number += 1
        if cell.cell_type == "markdown":
            recorded = cell.metadata.get(META)
            payload = recorded.get("payload") if isinstance(recorded, dict) else None
            if not signed_by(key, {"text/markdown": source(cell)}, payload):
                return number, NOT_FILLED
            continue
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            if PAYLOAD_MIME in data and not signed_by(key, shown(data), data[PAYLOAD_MIME]):
                return number, NOT_MADE
    return None
