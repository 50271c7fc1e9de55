"""Build a year's report: validate, run every notebook through Papermill, stitch, render,
and only then move the outputs into report/<year>/. A failed or interrupted build never
replaces the last good report."""

from __future__ import annotations

import fcntl
import html
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from essex_report import paths, register
from essex_report.checks import load_workbook
from essex_report.data import Source, raise_for
from essex_report.errors import BuildError
from essex_report.kernels import quiet_kernel_manager, stop_kernels
from essex_report.quarto import QuartoRenderer
from essex_report.render import BuiltinRenderer, ReportConfig, load_config, render_folder
from essex_report.stitch import Stitched, stitch_notebook, write_document
from essex_report.text import escape, pipe_table
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


@contextmanager
def year_lock(year: FinancialYear, report_dir: Path) -> Iterator[None]:
    """One build of a year at a time; a second one stops with a clear message."""
    locks = report_dir / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{year.slug}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(
                f"a build of {year} is already running ({holder}); wait for it to "
                "finish, then run the command again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def notebook_name(chapter: str) -> str:
    return Path(chapter).stem


def run_notebooks(
    config: ReportConfig, year: FinancialYear, data_dir: Path, into: Path, failed_dir: Path
) -> list[Path]:
    """Execute each chapter notebook with Papermill, several at once (each in its own kernel).

    A failure names the notebook and the cell, and keeps the executed notebook for inspection.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    into.mkdir(parents=True, exist_ok=True)
    for chapter in config.chapters:
        if not (paths.ROOT / chapter).is_file():
            raise BuildError(f"_quarto.yml lists {chapter}, which does not exist")

    manager = quiet_kernel_manager()

    def run(chapter: str) -> Path:
        output = into / f"{notebook_name(chapter)}.ipynb"
        papermill.execute_notebook(
            str(paths.ROOT / chapter),
            str(output),
            parameters={"year": year.label, "data_dir": str(data_dir)},
            progress_bar=False,
            log_output=False,
            cwd=str(paths.ROOT),
            kernel_name="python3",
            kernel_manager_class=manager,
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
        return output

    workers = min(len(config.chapters), max(2, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="notebook")
    futures = [pool.submit(run, chapter) for chapter in config.chapters]
    try:
        executed = []
        for chapter, future in zip(config.chapters, futures, strict=True):
            try:
                executed.append(future.result())
            except PapermillExecutionError as error:
                output = into / f"{notebook_name(chapter)}.ipynb"
                failed_dir.mkdir(parents=True, exist_ok=True)
                kept = failed_dir / output.name
                shutil.copy(output, kept)
                message = str(error.evalue).strip().splitlines()
                raise BuildError(
                    f"notebook {chapter} failed in cell {_cell_number(output, error.exec_count)}: "
                    f"{error.ename}: {message[0] if message else ''} "
                    f"(executed notebook kept in {paths.shown(kept)})"
                ) from error
        return executed
    except BaseException:
        # A failure or an interrupt: stop the other notebooks' kernels, then let their threads
        # finish writing before the caller deletes the build folder under them.
        pool.shutdown(wait=False, cancel_futures=True)
        stop_kernels()
        # A cancelled future never counts as done for wait(): leave those out.
        wait([future for future in futures if not future.cancelled()], timeout=30)
        raise
    finally:
        pool.shutdown(wait=False)


def _cell_number(executed: Path, exec_count: int | None) -> str:
    """The failing cell's position in the notebook as its author sees it (1 = first cell):
    the cells Papermill adds (injected parameters, error banners) are not counted."""
    added = {"injected-parameters", "papermill-error-cell-tag"}
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return str(exec_count)
    authored = [c for c in cells if not added & set(c.get("metadata", {}).get("tags", []))]
    for index, cell in enumerate(authored):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return str(index + 1)
    return str(exec_count)


def appendix(
    rows: list[dict[str, str]], year: FinancialYear, renderer: str, sources: dict[str, Source]
) -> str:
    """The "About the figures" chapter, generated from the figure register."""
    intro = escape(
        "Every figure in this report comes from one row of the workbook's data, with its "
        "source: a published document and the heading it appears under, or a web page. The "
        "register published beside the report as figures.csv lists every place each figure "
        "appears. Derived figures say how they were computed. Renderer of this edition: "
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
        + (f": <{s.url}>" if s.url else escape(f" (text of the published document: {s.id})"))
        for s in used
    )
    return f"# About the figures\n\n{intro}\n\n{table}\n\n## Sources\n\n{listed}\n"


def publish(staging: Path, final: Path) -> None:
    """Swap the finished build into place; the old folder is removed only afterwards."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.parent / f".old-{final.name}-{os.getpid()}"
    if final.exists():
        os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def recover(final: Path) -> None:
    """Put back a report left aside by a build interrupted between its two renames."""
    if final.exists():
        return
    for old in sorted(final.parent.glob(f".old-{final.name}-*")):
        os.rename(old, final)
        return


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
) -> BuildResult:
    started = time.perf_counter()
    config = load_config()
    final = paths.year_report_dir(year, report_dir)
    with year_lock(year, report_dir):
        recover(final)
        book = load_workbook(data_dir, year)
        raise_for(book.problems)
        warnings = [str(p) for p in book.problems if p.level == "warning"]
        report_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".build-{year.slug}-", dir=report_dir))
        try:
            staging = work / year.slug
            say(f"{year}: running {len(config.chapters)} notebooks with Papermill")
            executed = run_notebooks(
                config, year, data_dir, staging / "notebooks", final / "failed"
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
            (staging / "figures.csv").write_text(register.to_csv(rows), encoding="utf-8")
            say(f"{year}: rendering with {renderer.name}")
            front = config.front_matter(year, renderer.name)
            outputs = render_into(staging, stitched, front, renderer, config, formats)
            publish(staging, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
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
