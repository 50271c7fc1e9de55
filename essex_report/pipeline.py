"""Build a year's report: validate, run every notebook through Papermill, stitch, render,
and only then move the outputs into report/<year>/. A failed or interrupted build never
replaces the last good report."""

from __future__ import annotations

import html
import json
import os
import shutil
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from essex_report import chart_style, limits, paths, register, webpage
from essex_report.cells import cell_words, notebook_problems
from essex_report.completeness import unprinted_values, unprinted_words
from essex_report.data import Workbook, raise_for
from essex_report.errors import DataError, Problem
from essex_report.execute import run_notebooks
from essex_report.figure_parts import FigureParts
from essex_report.load import load_workbook
from essex_report.markup import escape
from essex_report.publish import (
    build_folder,
    check_output_folder,
    clean_stale,
    failed_dir,
    forget_failed,
    mark_output,
    publish,
    recover,
    year_lock,
)
from essex_report.quarto import QuartoRenderer
from essex_report.render import (
    BuiltinRenderer,
    ReportConfig,
    load_config,
    publication_date,
    render_folder,
)
from essex_report.stitch import Notebook, Stitched, stitch_notebook, write_document
from essex_report.verify import check_outputs
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


def render_into(
    staging: Path,
    stitched: Stitched,
    front: dict,
    renderer: QuartoRenderer | BuiltinRenderer,
    config: ReportConfig,
    formats: tuple[str, ...],
) -> dict[str, Path]:
    """Render in an ordinary temporary folder (not under report/.build-*: Quarto ignores the
    project settings of anything under a dot-folder), then move the documented outputs into
    `staging` and the document the renderer read, with its images, into `staging/source/`.
    Whatever else the renderer left (.quarto/, copies of the styles) goes with the folder."""
    with render_folder() as folder:
        document = folder / f"{DOCUMENT}.md"
        write_document(stitched, front, document)
        rendered = renderer.render(document, config, list(formats))
        if "html" in rendered:  # the same web page from either renderer (webpage.py)
            webpage.finish_report(rendered["html"])
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


def build_year(
    year: FinancialYear,
    renderer: QuartoRenderer | BuiltinRenderer,
    data_dir: Path = paths.DATA_DIR,
    report_dir: Path = paths.REPORT_DIR,
    formats: tuple[str, ...] = ("html", "pdf"),
    say: Callable[[str], None] = print,
    cell_timeout: int | None = None,
) -> BuildResult:
    started = time.perf_counter()
    # Absolute once, here: the notebooks run in other processes with other working folders.
    data_dir, report_dir = Path(data_dir).resolve(), Path(report_dir).resolve()
    check_output_folder(report_dir, data_dir)
    config = load_config()
    # Typst draws the charts' text in the report's font, which the font-lato package holds.
    config = replace(config, font_paths=(*config.font_paths, chart_style.font_dir()))
    timeout = cell_timeout or limits.cell_timeout()
    final = paths.year_report_dir(year, report_dir)
    mark_output(report_dir)
    with year_lock(year, report_dir):
        clean_stale(report_dir)
        recover(final)
        book = load_workbook(data_dir, year)
        raise_for(book.problems)
        raise_for(notebook_problems(book, year))  # the notebooks' words, before they run
        warnings = [str(p) for p in book.problems if p.level == "warning"]
        with build_folder(report_dir, year) as work:
            staging = work / year.slug
            say(f"{year}: running {len(config.chapters)} notebooks with Papermill")
            executed = run_notebooks(
                config,
                year,
                data_dir,
                staging / "notebooks",
                failed_dir(report_dir, year),
                timeout,
            )
            stitched = stitch_year(executed, config, book, year)
            warnings += [str(p) for p in unprinted_values(book, year, registered(stitched))]
            rows = register.merge(stitched.figures)
            stitched.add(colophon(config, renderer.name))
            (staging / "figures.csv").write_text(register.to_csv(rows), encoding="utf-8")
            titles = {i: s.title for i, s in book.catalogue.sources.items()}
            page = register.to_html(
                rows,
                f"{config.title} {year}",
                titles,
                webpage.page_style(config.style_file("html", "css")),
                webpage.wordmark(),
            )
            (staging / "figures.html").write_text(page, encoding="utf-8")
            say(f"{year}: rendering with {renderer.name}")
            front = config.front_matter(year, renderer.name, published(book, year))
            outputs = render_into(staging, stitched, front, renderer, config, formats)
            check_outputs(outputs, rows, renderer.name)
            publish(staging, final)
        forget_failed(report_dir, year)
    placed = {fmt: final / path.name for fmt, path in outputs.items()}
    placed["register"] = final / "figures.csv"
    placed["figures"] = final / "figures.html"
    return BuildResult(year, final, placed, renderer.name, time.perf_counter() - started, warnings)


def published(book: Workbook, year: FinancialYear) -> str | None:
    """The publication date the year's foreword gives (`published:` in its front matter),
    checked: the cover prints it."""
    doc = book.narratives.get(year, {}).get("foreword.md")
    text = doc.front.get("published") if doc else None
    if text:
        try:
            publication_date(text)
        except ValueError as error:
            lines = doc.path.read_text(encoding="utf-8").splitlines()
            line = next((n for n, s in enumerate(lines, 1) if s.startswith("published:")), None)
            raise DataError([Problem(paths.shown(doc.path), str(error), line=line)]) from None
    return text or None


def write_index(report_dir: Path, years: list[FinancialYear], statuses: dict[str, str]) -> Path:
    """report/index.html: every year's report, HTML and PDF, newest first."""
    rows = []
    for year in sorted(years, reverse=True):
        folder = paths.year_report_dir(year, report_dir)
        if not (folder / f"{DOCUMENT}.html").is_file():
            continue
        links = [f'<a href="{year.slug}/{DOCUMENT}.html">HTML</a>']
        if (folder / f"{DOCUMENT}.pdf").is_file():
            links.append(f'<a href="{year.slug}/{DOCUMENT}.pdf">PDF</a>')
        rows.append(
            f'<tr><th scope="row">{html.escape(year.label)}</th>'
            f"<td>{html.escape(statuses.get(year.label, ''))}</td>"
            f"<td>{' | '.join(links)}</td></tr>"
        )
    config = load_config()
    page = template("index.html").substitute(
        publisher=html.escape(config.author),
        rows="\n".join(rows),
        stylesheet=webpage.page_style(config.style_file("html", "css")),
        wordmark=html.escape(webpage.wordmark()),
    )
    path = report_dir / "index.html"
    staging = path.with_suffix(".html.tmp")
    staging.write_text(page, encoding="utf-8")
    os.replace(staging, path)
    return path


def template(name: str) -> string.Template:
    return string.Template((paths.PACKAGE_DIR / "templates" / name).read_text(encoding="utf-8"))


def colophon(config: ReportConfig, renderer: str) -> str:
    """The report's last words: who published it, and what rendered it."""
    return template("colophon.md").substitute(
        publisher=escape(config.author), title=escape(config.title), renderer=escape(renderer)
    )


def stitch_year(
    executed: list[Path], config: ReportConfig, book: Workbook, year: FinancialYear
) -> Stitched:
    """The executed notebooks as one document; every narrative section of the year printed."""
    report = FigureParts(book, year)
    stitched = Stitched()
    for path in executed:
        notebook = Notebook(
            paths.shown(paths.NOTEBOOKS_DIR / path.name),
            ASSETS,
            {k: v for k, v in config.execute.items() if k != "ipynb-filters"},
            lambda text: cell_words(report, text),
        )
        stitch_notebook(json.loads(path.read_text(encoding="utf-8")), notebook, stitched)
    raise_for(unprinted_words(book, year, stitched.printed))
    return stitched


def registered(stitched: Stitched) -> set[tuple[str, str, str]]:
    return {(f["indicator"], f["breakdown"], f["year"]) for f in stitched.figures}
