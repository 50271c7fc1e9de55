"""The root Quarto project's steps (see _quarto.yml), run as `python3 -m essex_report.hooks
STEP` by a Quarto user's `quarto render`. Like the command line, this is an edge: it makes
the Project, and calls the pipeline through the command line's own entry.

- `pre-render`: writes the house style's generated files (the brand as Typst and CSS, the
  font files); `quarto render` (and `quarto preview`) at the repository root builds the
  default year through the pipeline, as `essex-report build` does, with the Quarto that runs
  it, and writes the index.html that `quarto preview` serves at /: the report;
- `ipynb-filter`: a chapter Papermill executed, rendered on its own (`quarto render
  report/chapters/resources-2020-21.ipynb --profile chapter`), shows its charts with their captions
  and alt text, and its Markdown cells filled for its year when Papermill's own engine ran
  it (the build's engine fills them as it runs).
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
import string
import sys
from pathlib import Path
from typing import Any

from essex_report import cli
from essex_report.config import TYPST_BRAND
from essex_report.errors import ReportError
from essex_report.notebook.markup import escape
from essex_report.notebook.parts import PAYLOAD_MIME
from essex_report.notebook.year import Year, open_year
from essex_report.project import Project
from essex_report.render.base import font_paths
from essex_report.render.brand import write_typst
from essex_report.render.webpage import brand_css, finish_report
from essex_report.run.reader import META, parameters, source
from essex_report.years import FinancialYear, parse_year

DEFAULT_YEAR = "2019/20"
STYLES = "styles"  # the house style, beside _quarto.yml
BRAND_CSS = "brand.css"  # the brand as CSS, for a chapter rendered on its own
FONTS = "fonts"  # the brand's font files, for a chapter's PDF
PREVIEW_PAGE = "index.html"  # what `quarto preview` serves at /: the default year's report
PREVIEW_TEMPLATE = Path(__file__).resolve().parent / "templates" / "preview.html"


def pre_render(project: Project) -> int:
    """A whole-project `quarto render` builds the default year through the pipeline, with the
    Quarto that runs it; a chapter's render (profile `chapter`) needs nothing built first."""
    try:
        house_style(project)
    except ReportError as error:
        print(f"essex-report: {error}", file=sys.stderr)
        return 1
    # A chapter's render (profile `chapter`) can be a whole-project render too: when it is the
    # only executed chapter, Quarto counts rendering it as rendering every document.
    profiles = os.environ.get("QUARTO_PROFILE", "").split(",")
    if os.environ.get("QUARTO_PROJECT_RENDER_ALL") != "1" or "chapter" in profiles:
        return 0
    arguments = ["build", "--year", DEFAULT_YEAR]
    running = Path(os.environ.get("QUARTO_BIN_PATH", "")) / "quarto"
    if os.environ.get("QUARTO_BIN_PATH") and running.is_file():
        arguments += ["--quarto", str(running)]
    status = cli.main(arguments)
    if status == 0:
        preview_page(project, parse_year(DEFAULT_YEAR))
    return status


def house_style(project: Project) -> None:
    """The brand as the files a render of the project reads, written from _brand.yml and the
    font package before Quarto reads them (git-ignored, never edited by hand): brand.typ for
    the PDF, which _quarto.yml names; and, for a chapter rendered on its own (profile
    `chapter`), brand.css (the brand's colours and Lato, embedded) and the font files in
    styles/fonts/, which _quarto-chapter.yml names."""
    for path in project.config.style_files("typst", "include-in-header"):
        if path.name == TYPST_BRAND:
            write_typst(path, project.brand)
    styles = project.root / STYLES
    (styles / BRAND_CSS).write_text(brand_css(project.brand), encoding="utf-8")
    fonts = styles / FONTS
    fonts.mkdir(exist_ok=True)
    for folder in font_paths(project):
        for font in sorted(folder.glob("*.ttf")):
            copy = fonts / font.name
            if not copy.is_file() or copy.read_bytes() != font.read_bytes():
                shutil.copyfile(font, copy)


def preview_page(project: Project, year: FinancialYear) -> Path:
    """index.html at the project's root (git-ignored), which `quarto preview` serves at /:
    it takes the reader straight to the year's report."""
    report = project.year_output_dir(year) / "annual-report.html"
    target = report.relative_to(project.root).as_posix()
    page = string.Template(PREVIEW_TEMPLATE.read_text(encoding="utf-8")).substitute(
        target=html.escape(target, quote=True),
        title=html.escape(f"{project.config.title} {year}"),
    )
    path = project.root / PREVIEW_PAGE
    path.write_text(page, encoding="utf-8")
    return path


def chart_markdown(output: dict[str, Any]) -> dict[str, Any]:
    """A chart output as Markdown Quarto renders with its caption and alt text.

    Quarto takes an image output's caption and alt text only from the cell's `#| fig-cap` and
    `#| fig-alt` options, which cannot hold a year's figures; the notebook API carries them in
    the part's payload, and Markdown carries them to Quarto (the image as a data: URI)."""
    data = output.get("data", {})
    part = data.get(PAYLOAD_MIME) or {}
    if part.get("kind") != "chart" or "image/svg+xml" not in data:
        return output
    svg = data["image/svg+xml"]
    svg = "".join(svg) if isinstance(svg, list) else svg
    image = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = escape(part.get("alt", ""), "attribute")
    caption = escape(part.get("caption", ""))
    markdown = f'![{caption}](data:image/svg+xml;base64,{image}){{fig-alt="{alt}"}}'
    return {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": markdown}}


def ipynb_filter(nb: dict[str, Any]) -> dict[str, Any]:
    """Quarto's `ipynb-filters` step for a chapter rendered on its own. (Front matter added
    here would come too late: Quarto reads a notebook's metadata before its filters run.)"""
    given = parameters(nb)
    year: Year | None = None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = [chart_markdown(o) for o in cell.get("outputs", [])]
        elif cell.get("cell_type") == "markdown" and META not in cell.get("metadata", {}):
            if "{{" not in source(cell):
                continue
            year = year or open_year(given.get("year", DEFAULT_YEAR), given.get("data_dir"))
            cell["source"] = year.markdown_cell(source(cell)).markdown
    return nb


def post_render(project: Project, outputs: list[Path]) -> int:
    """A chapter rendered on its own (profile `chapter`): its HTML made a page as the
    report's is (webpage.py: the brand's style, inline charts, landmarks)."""
    try:
        for path in outputs:
            if path.suffix == ".html" and path.is_file():
                finish_report(path, project.brand, "essex-report; Quarto (a chapter)")
    except ReportError as error:
        print(f"essex-report: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv == ["ipynb-filter"]:
        notebook = json.loads(sys.stdin.read())
        sys.stdout.write(json.dumps(ipynb_filter(notebook)))
        return 0
    if argv == ["pre-render"]:
        return pre_render(Project())
    if argv == ["post-render"]:  # Quarto lists the outputs, relative to the project
        project = Project()
        listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines()
        return post_render(project, [project.root / name for name in listed if name.strip()])
    print(
        "usage: python3 -m essex_report.hooks pre-render | post-render | ipynb-filter",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
