"""A year's report, stage by stage: load the data, run the chapter notebooks, stitch them into
one document with its register, render it, check every output, and only then put it in place
of report/<year>/. A failed or interrupted build never replaces the last good report.

`validate_year` runs the same stages up to the document (no rendering), so what it accepts
the build accepts."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from essex_report.data.load import load_workbook
from essex_report.data.model import Workbook
from essex_report.document import front, register
from essex_report.document.completeness import unprinted_values, unprinted_words
from essex_report.document.stitch import Chapter, Stitched, stitch_notebook, write_document
from essex_report.errors import NotebookError, Problem, Reason, raise_for
from essex_report.project import Project
from essex_report.publish.folder import (
    build_folder,
    check_output_folder,
    clean_stale,
    mark_output,
    year_lock,
)
from essex_report.publish.swap import failed_dir, forget_failed, recover, swap_in
from essex_report.publish.verify import check_outputs
from essex_report.render.base import Renderer, render_folder
from essex_report.render.select import render
from essex_report.render.webpage import page_style
from essex_report.run.execute import run_notebooks
from essex_report.run.reader import read_notebook
from essex_report.years import FinancialYear

DOCUMENT = "annual-report"
ASSETS = "annual-report_files"


@dataclass(frozen=True)
class BuildResult:
    year: FinancialYear
    folder: Path
    outputs: dict[str, Path]
    renderer: str
    seconds: float
    warnings: list[str]


def build_year(
    project: Project,
    year: FinancialYear,
    renderer: Renderer,
    formats: tuple[str, ...] = ("html", "pdf"),
    say: Callable[[str], None] = print,
    cell_timeout: int | None = None,
) -> BuildResult:
    started = time.perf_counter()
    check_output_folder(project)
    timeout = cell_timeout or project.config.cell_timeout
    final = project.year_output_dir(year)
    mark_output(project.output_dir)
    with year_lock(year, project.output_dir):
        clean_stale(project.output_dir)
        recover(final)
        book = load(project, year)
        warnings = [str(p) for p in book.problems.warnings]
        with build_folder(project.output_dir, year) as work:
            staging = work / year.slug
            say(f"{year}: running {len(project.config.chapters)} notebooks with Papermill")
            failed = failed_dir(project.output_dir, year)
            executed = run_notebooks(project, year, staging / "notebooks", failed, timeout)
            stitched = stitch(project, executed)
            raise_for(unprinted_words(book, year, stitched.printed))
            warnings += [str(p) for p in unprinted_values(book, year, stitched.registered())]
            rows = write_register(project, book, year, stitched, staging)
            say(f"{year}: rendering with {renderer.name}")
            stitched.add(front.colophon(project.config, renderer.name))
            matter = front.front_matter(
                project.config, year, renderer.name, front.foreword_date(book, year)
            )
            outputs = render_into(staging, stitched, matter, renderer, project, formats)
            check_outputs(outputs, rows, renderer.name)
            swap_in(staging, final)
        forget_failed(project.output_dir, year)
    placed = {fmt: final / path.name for fmt, path in outputs.items()}
    placed["register"] = final / "figures.csv"
    placed["figures"] = final / "figures.html"
    return BuildResult(year, final, placed, renderer.name, time.perf_counter() - started, warnings)


def load(project: Project, year: FinancialYear) -> Workbook:
    """The data stage: the workbook for the year, stopping on any error in the data."""
    book = load_workbook(project.data_dir, year)
    raise_for(book.problems)
    return book


def stitch(project: Project, executed: list[Path]) -> Stitched:
    """The document stage: the executed notebooks as one document, in the chapters' order."""
    stitched = Stitched()
    defaults = {k: v for k, v in project.config.execute.items() if k != "ipynb-filters"}
    for chapter, path in zip(project.config.chapters, executed, strict=True):
        stitch_notebook(read_notebook(path, chapter), Chapter(chapter, ASSETS, defaults), stitched)
    return stitched


def write_register(
    project: Project, book: Workbook, year: FinancialYear, stitched: Stitched, into: Path
) -> list[register.Row]:
    """figures.csv and figures.html: every figure printed, where, and its source."""
    rows = register.merge(stitched.entries)
    (into / "figures.csv").write_text(register.to_csv(rows), encoding="utf-8")
    titles = {i: s.title for i, s in book.catalogue.sources.items()}
    page = register.to_html(
        rows,
        f"{project.config.title} {year}",
        titles,
        page_style(project.config.style_file("html", "css"), project.brand),
        project.brand.name,
    )
    (into / "figures.html").write_text(page, encoding="utf-8")
    return rows


def render_into(
    staging: Path,
    stitched: Stitched,
    matter: dict[str, object],
    renderer: Renderer,
    project: Project,
    formats: tuple[str, ...],
) -> dict[str, Path]:
    """The render stage, in an ordinary temporary folder (not under report/.build-*: Quarto
    ignores the project settings of anything under a dot-folder); the documented outputs are
    moved into `staging`, and the document the renderer read, with its images, into
    `staging/source/`. Whatever else the renderer left goes with the folder."""
    with render_folder() as folder:
        document = folder / f"{DOCUMENT}.md"
        write_document(stitched, matter, document)
        rendered = render(renderer, document, project, list(formats))
        outputs = {}
        for fmt, path in rendered.items():
            outputs[fmt] = staging / path.name
            shutil.move(path, outputs[fmt])
        source = staging / "source"
        source.mkdir()
        for read in (document, folder / ASSETS):
            if read.exists():
                shutil.move(read, source / read.name)
    return outputs


def validate_year(project: Project, book: Workbook, year: FinancialYear) -> list[Problem]:
    """What the build would refuse or warn about, found by running the year's chapters as the
    build does (no rendering): a notebook or cell that fails, words no chapter prints, values
    no chapter prints."""
    with tempfile.TemporaryDirectory(prefix="essex-report-validate-") as work:
        into = Path(work) / "notebooks"
        try:
            executed = run_notebooks(project, year, into, None, project.config.cell_timeout)
            stitched = stitch(project, executed)
        except NotebookError as error:
            return [Problem(error.notebook, error.detail, reason=Reason.NOTEBOOK)]
    return unprinted_words(book, year, stitched.printed) + unprinted_values(
        book, year, stitched.registered()
    )
