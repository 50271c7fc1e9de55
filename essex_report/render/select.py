"""Which renderer a build uses, chosen in this one place, and the one way to render: the
renderer's outputs, with the HTML made the published web page whichever renderer wrote it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from essex_report.errors import ReportError
from essex_report.project import Project
from essex_report.render.base import Renderer, font_paths
from essex_report.render.builtin import BuiltinRenderer
from essex_report.render.quarto import QuartoRenderer


def choose_renderer(quarto: str | None = None) -> Renderer:
    """Quarto when given or on PATH; otherwise the built-in renderer. Nothing runs yet."""
    if quarto:
        found = shutil.which(quarto) if os.sep not in quarto else None
        path = Path(found or quarto).resolve()
        if not path.is_file() or not os.access(path, os.X_OK):
            raise ReportError(f"--quarto {quarto}: no such executable")
        return QuartoRenderer(str(path))
    on_path = shutil.which("quarto")
    return QuartoRenderer(on_path) if on_path else BuiltinRenderer()


def generator(renderer: Renderer) -> str:
    """The HTML's generator tag: the workbook and the renderer with its version (the run's
    metadata: never in the words a reader sees)."""
    return f"essex-report; {renderer.name}"


def render(
    renderer: Renderer,
    document: Path,
    project: Project,
    wanted: list[str],
    created: int | None = None,
) -> dict[str, Path]:
    """The outputs of `document` from `renderer`, the HTML made the published web page, the
    PDF's tables given row headers and the Word file's charts a PNG each."""
    # costly to import (bs4, pypdf): a year that is up to date chooses a renderer, never renders
    from essex_report.render import pdf, webpage, word

    outputs = renderer.render(document, project, wanted, created)
    if "html" in outputs:  # the same web page from either renderer
        webpage.finish_report(outputs["html"], project.brand, generator(renderer))
    if "pdf" in outputs:  # row headers, which Typst cannot tag
        pdf.row_headers(outputs["pdf"])
    if "docx" in outputs:  # each chart a PNG too, for Word that draws no SVG
        word.finish(outputs["docx"], font_paths(project))
    return outputs
