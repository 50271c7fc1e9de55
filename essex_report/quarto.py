"""Quarto: the renderer, and the root project's steps.

`QuartoRenderer` renders the year's stitched document with `quarto render`, in a project of
its own derived from the root `_quarto.yml`. Run as `python3 -m essex_report.quarto STEP`,
this module is two steps of the root project (see _quarto.yml):
- `pre-render`: `quarto render` at the repository root builds the default year through the
  pipeline, as `essex-report build` does;
- `ipynb-filter`: a chapter Papermill executed, rendered on its own (`quarto render
  report/resources-2020-21.ipynb --profile chapter`), shows its charts with their captions
  and alt text.
"""

from __future__ import annotations

import ast
import base64
import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from essex_report import paths
from essex_report.brand import BRAND_FILE, TYPST_FILE, write_typst
from essex_report.errors import BuildError, ReportError
from essex_report.markup import escape
from essex_report.parts import PAYLOAD_MIME
from essex_report.render import FORMATS, ReportConfig, load_config, run, typst_headers

DEFAULT_YEAR = "2019/20"
QUARTO_FORMAT = {"html": "html", "pdf": "typst", "docx": "docx"}
# Files the format options name, copied beside the document where Quarto looks for them.
NAMED_FILES = ("css", "include-in-header", "reference-doc")
# Set by an outer `quarto render` (this module as its pre-render step); they describe the
# outer project and must not leak into the render of the year's document.
OUTER_PROJECT = ("QUARTO_PROJECT_", "QUARTO_USE_FILE_FOR_PROJECT_", "QUARTO_PROFILE")


def quarto_version(executable: str) -> str:
    try:
        result = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReportError(f"--quarto {executable}: could not run it ({error})") from None
    version = result.stdout.strip().splitlines()
    if result.returncode != 0 or not version:
        raise ReportError(f"--quarto {executable}: `quarto --version` failed; reinstall Quarto")
    return version[0]


class QuartoRenderer:
    """`quarto render` on the stitched document, with a project file derived from _quarto.yml."""

    def __init__(self, executable: str):
        self.executable = executable
        self.version = quarto_version(executable)
        self.name = f"Quarto {self.version}"  # never the path: it is printed in the report

    def render(self, document: Path, config: ReportConfig, wanted: list[str]) -> dict[str, Path]:
        folder = document.parent
        write_project(folder, config, wanted)
        env = {k: v for k, v in os.environ.items() if not k.startswith(OUTER_PROJECT)}
        # The project lists exactly the wanted formats: one Quarto run renders them all.
        run([self.executable, "render", document.name, "--to", "all"], folder, "quarto render", env)
        outputs = {fmt: document.with_suffix(FORMATS[fmt]) for fmt in wanted}
        for fmt, path in outputs.items():
            if not path.is_file():
                raise BuildError(f"quarto render wrote no {path.name} ({fmt})")
        return outputs


def write_project(folder: Path, config: ReportConfig, wanted: list[str]) -> Path:
    """`_quarto.yml` beside the document: the root configuration's formats (only the wanted
    ones), its filters and font paths, with every file they name copied into the folder."""

    def local(path: Path) -> str:
        shutil.copy(path, folder / path.name)
        return path.name

    formats = {}
    for fmt in wanted:
        name = QUARTO_FORMAT[fmt]
        options = copy.deepcopy(config.formats.get(name, {}))
        for option in NAMED_FILES:
            if options.get(option) and (name, option) != ("typst", "include-in-header"):
                options[option] = local(config.style_file(name, option))
        if name == "typst":
            options["include-in-header"] = typst_headers(config, folder)
            # Relative to the folder: Quarto reads a path starting with / as project-relative.
            options["font-paths"] = [os.path.relpath(p, folder) for p in config.font_paths]
        formats[name] = options
    project = {
        "project": {"type": "default"},
        "format": formats,
        "filters": [local(f) for f in config.filters],
    }
    path = folder / "_quarto.yml"
    path.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    return path


def pre_render() -> int:
    """The root project's pre-render step: a whole-project `quarto render` builds the default
    year through the pipeline, with the Quarto that runs it; a chapter's render (profile
    `chapter`) needs nothing built first."""
    # Every render of the project includes the brand's Typst that _quarto.yml names
    # (report/styles/brand.typ, git-ignored): written from _brand.yml here, before Quarto reads it.
    try:
        config = load_config()
        for path in config.style_files("typst", "include-in-header"):
            if path.name == TYPST_FILE:
                write_typst(path, config.root / BRAND_FILE)
    except ReportError as error:
        print(f"essex-report: {error}", file=sys.stderr)
        return 1
    # A chapter's render (profile `chapter`) can be a whole-project render too: when it is the
    # only executed chapter, Quarto counts rendering it as rendering every document.
    profiles = os.environ.get("QUARTO_PROFILE", "").split(",")
    if os.environ.get("QUARTO_PROJECT_RENDER_ALL") != "1" or "chapter" in profiles:
        return 0
    from essex_report.cli import main

    arguments = ["build", "--year", DEFAULT_YEAR]
    running = Path(os.environ.get("QUARTO_BIN_PATH", "")) / "quarto"
    if os.environ.get("QUARTO_BIN_PATH") and running.is_file():
        arguments += ["--quarto", str(running)]
    return main(arguments)


def chart_markdown(output: dict) -> dict:
    """A chart output as Markdown Quarto renders with its caption and alt text.

    Quarto takes an image output's caption and alt text only from the cell's `#| fig-cap` and
    `#| fig-alt` options, which cannot hold a year's figures; the notebook API carries them in
    the part's payload, and Markdown carries them to Quarto (the image as a data: URI)."""
    data = output.get("data", {})
    part = data.get(PAYLOAD_MIME) or {}
    if part.get("kind") != "chart" or "image/svg+xml" not in data:
        return output
    svg = (
        "".join(data["image/svg+xml"])
        if isinstance(data["image/svg+xml"], list)
        else data["image/svg+xml"]
    )
    image = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = escape(part.get("alt", ""), "attribute")
    caption = escape(part.get("caption", ""))
    markdown = f'![{caption}](data:image/svg+xml;base64,{image}){{fig-alt="{alt}"}}'
    return {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": markdown}}


def parameters(nb: dict) -> dict[str, str]:
    """The year and data folder a notebook was executed for (Papermill's injected cell, else
    the cell tagged `parameters`)."""
    found: dict[str, str] = {}
    for tag in ("parameters", "injected-parameters"):  # injected values win
        for cell in nb.get("cells", []):
            if tag in cell.get("metadata", {}).get("tags", []):
                source = (
                    "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                )
                for node in ast.parse(source).body:
                    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                        found.update(
                            {
                                t.id: str(node.value.value)
                                for t in node.targets
                                if isinstance(t, ast.Name)
                            }
                        )
    return found


def ipynb_filter(nb: dict) -> dict:
    """Quarto's `ipynb-filters` step for a chapter rendered on its own: charts as Markdown
    (`chart_markdown`), and Markdown cells' placeholders filled for the notebook's year as the
    build fills them. (Front matter added here would come too late: Quarto reads a notebook's
    metadata before its filters run.)"""
    from essex_report.cells import cell_words
    from essex_report.figure_parts import FigureParts
    from essex_report.load import load_workbook
    from essex_report.years import parse_year

    given = parameters(nb)
    year = parse_year(given.get("year", DEFAULT_YEAR))
    data_dir = Path(given["data_dir"]) if given.get("data_dir") else paths.DATA_DIR
    report = FigureParts(load_workbook(data_dir, year), year)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = [chart_markdown(o) for o in cell.get("outputs", [])]
        elif cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = cell_words(report, text)[0]
    return nb


STEPS = {"pre-render": pre_render}


def main(argv: list[str]) -> int:
    if argv == ["ipynb-filter"]:
        notebook = json.loads(sys.stdin.read())
        sys.stdout.write(json.dumps(ipynb_filter(notebook)))
        return 0
    if len(argv) == 1 and argv[0] in STEPS:
        return STEPS[argv[0]]()
    print("usage: python3 -m essex_report.quarto pre-render | ipynb-filter", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
