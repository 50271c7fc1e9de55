"""Build a year's report: validate, run every notebook through Papermill, stitch, render,
and only then move the outputs into report/<year>/. A failed or interrupted build never
replaces the last good report."""

from __future__ import annotations

import html
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from essex_report import limits, paths, register
from essex_report.data import Source, raise_for
from essex_report.execute import run_notebooks
from essex_report.load import load_workbook
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
from essex_report.render import BuiltinRenderer, QuartoRenderer, load_config
from essex_report.stitch import Stitched, stitch_notebook, write_document
from essex_report.text import escape, pipe_table
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


def appendix(
    rows: list[dict[str, str]], year: FinancialYear, renderer: str, sources: dict[str, Source]
) -> str:
    """The "About the figures" chapter, generated from the figure register."""
    intro = escape(
        "Every figure in this report comes from one row of the workbook's data, with its "
        "source: a published document and the heading it appears under, or a web page. The "
        "register published beside the report as figures.csv lists every place each figure "
        "appears. Derived figures say how they were computed. This edition was rendered by the "
        f"{renderer}."
    )

    def source(row: dict[str, str]) -> str:
        known = sources.get(row["source"])
        title = known.title if known else row["source"]
        return title + (f" > {row['source_section']}" if row["source_section"] else "")

    table = pipe_table(
        ["Figure", "As printed", "Basis", "Source"],
        [
            [
                row["label"]
                + (f": {row['breakdown']}" if row["breakdown"] else "")
                + (f" ({row['year']})" if row["year"] != year.label else ""),
                row["text"],
                row["basis"],
                source(row),
            ]
            for row in rows
        ],
        [40, -11, 10, 39],
        f"Every figure printed in the report, {year}",
    )
    if not rows:
        return f"# About the figures\n\n{escape('This report prints no figures yet.')}\n\n{intro}\n"
    used = [sources[s] for s in dict.fromkeys(r["source"] for r in rows) if s in sources]
    listed = "\n".join(
        "- "
        + escape(", ".join(p for p in (s.title, s.publisher, s.published) if p))
        + (
            f": <{s.url}>"
            if s.url
            # A web page cited at an http:// address has no checked https link: its address
            # is printed as text.
            else escape(f" (cited at {s.id})")
            if s.id.startswith("http")
            else escape(f" (text of the published document: {s.id})")
        )
        for s in used
    )
    return f"# About the figures\n\n{intro}\n\n{table}\n\n## Sources\n\n{listed}\n"


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
    timeout = cell_timeout or limits.cell_timeout()
    final = paths.year_report_dir(year, report_dir)
    mark_output(report_dir)
    with year_lock(year, report_dir):
        clean_stale(report_dir)
        recover(final)
        book = load_workbook(data_dir, year)
        raise_for(book.problems)
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
            stitched = Stitched()
            for path in executed:
                stitch_notebook(
                    json.loads(path.read_text(encoding="utf-8")),
                    path.stem,
                    ASSETS,
                    stitched,
                    {"echo": False},
                )
            rows = register.merge(stitched.records)
            stitched.markdown.append(appendix(rows, year, renderer.name, book.catalogue.sources))
            document = staging / f"{DOCUMENT}.md"
            write_document(stitched, config.front_matter(year, renderer.name), document)
            (staging / "figures.csv").write_text(register.to_csv(rows), encoding="utf-8")
            say(f"{year}: rendering with the {renderer.name}")
            outputs = renderer.render(document, config, list(formats))
            source = staging / "source"
            source.mkdir()
            for leftover in [
                document,
                document.with_suffix(".typ"),
                staging / ASSETS,
                staging / "_quarto.yml",
            ]:
                if leftover.exists():
                    shutil.move(str(leftover), source / leftover.name)
            check_outputs(outputs, rows, renderer.name)
            publish(staging, final)
        forget_failed(report_dir, year)
    placed = {fmt: final / path.name for fmt, path in outputs.items()}
    placed["register"] = final / "figures.csv"
    return BuildResult(year, final, placed, renderer.name, time.perf_counter() - started, warnings)


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
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Essex County Council annual reports</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; max-width: 46em; margin: 2em auto;
  padding: 0 1em; color: #1d1d1b; line-height: 1.5; }}
h1 {{ color: #00507a; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #c8d3da; padding: 0.4em 0.7em; text-align: left; }}
thead th {{ background: #00507a; color: #fff; }}
a {{ color: #00507a; }}
a:focus {{ outline: 3px solid #ffbf47; }}
</style>
</head>
<body>
<main>
<h1>Essex County Council annual reports</h1>
<p>Each year's report as an accessible web page and a PDF, built from the workbook's data.</p>
<table>
<caption>Annual reports by financial year</caption>
<thead><tr><th scope="col">Year</th><th scope="col">Framework and figures</th>
<th scope="col">Report</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""
    path = report_dir / "index.html"
    staging = path.with_suffix(".html.tmp")
    staging.write_text(page, encoding="utf-8")
    os.replace(staging, path)
    return path
