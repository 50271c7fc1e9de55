"""The one reader of notebooks: a chapter notebook read with nbformat, and what the build
needs of each cell (its source, tags, Quarto `#|` options, whether Papermill added it).
Used by the runner, the stitcher, validate and the Quarto hooks."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat
import yaml
from nbformat import NotebookNode

from essex_report.errors import BuildError, ReportError
from essex_report.text import UniqueSafeLoader

OPTION = re.compile(r"#\|\s?(.*)")
# Cells never published: the parameters (ours and Papermill's) and cells the author hides.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
ADDED_TAGS = frozenset({"injected-parameters", "papermill-error-cell-tag"})  # Papermill's
META = "essex-report"  # a cell's metadata key for what the build recorded (filled Markdown)


def read_notebook(path: Path, name: str | None = None) -> NotebookNode:
    """A notebook file as nbformat 4; anything else is one line naming it."""
    name = name or str(path)
    if not path.is_file():
        raise BuildError(f"_quarto.yml lists {name}, which does not exist")
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BuildError(
            f"{name} is not a valid notebook ({detail[:120]}); restore it with "
            f"git checkout {name}, or save it again from JupyterLab"
        ) from error
    if not isinstance(nb.get("cells"), list):
        raise BuildError(f"{name} is not a valid notebook (it has no cells)")
    return nb


def source(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def tags(cell: dict[str, Any]) -> set[str]:
    found = (cell.get("metadata") or {}).get("tags") or []
    return {str(t) for t in found} if isinstance(found, list) else set()


def authored(nb: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells the author wrote, in order (Papermill's added cells left out): what "cell 3"
    means in a message."""
    return [c for c in nb.get("cells", []) if not ADDED_TAGS & tags(c)]


def is_hidden(cell: dict[str, Any]) -> bool:
    return bool(HIDDEN_TAGS & tags(cell)) or cell.get("cell_type") == "raw"


def cell_options(text: str) -> tuple[dict[str, Any], str]:
    """Quarto's `#|` options at the top of a code cell, and the code after them."""
    lines = text.split("\n")
    options: list[str] = []
    for line in lines:
        match = OPTION.match(line)
        if not match:
            break
        options.append(match[1])
    try:
        parsed = yaml.load("\n".join(options), Loader=UniqueSafeLoader) if options else {}
    except yaml.YAMLError as error:
        raise ReportError(f"its '#|' options are not valid YAML: {error}".split("\n")[0]) from None
    return (parsed if isinstance(parsed, dict) else {}), "\n".join(lines[len(options) :])


def parameters(nb: dict[str, Any]) -> dict[str, str]:
    """The values a notebook was executed with: Papermill's injected cell, else the cell
    tagged `parameters` (only plain assignments of constants are read)."""
    found: dict[str, str] = {}
    for tag in ("parameters", "injected-parameters"):  # injected values win
        for cell in nb.get("cells", []):
            if tag not in tags(cell):
                continue
            try:
                body = ast.parse(source(cell)).body
            except SyntaxError:
                continue
            for node in body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = str(node.value.value)
    return found
