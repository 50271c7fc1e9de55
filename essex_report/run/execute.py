"""Run the chapter notebooks of one or more years with Papermill and the project's engine,
several at once, each in a worker of its own (run/workers.py), reusing a cached run whose
inputs have not changed: the notebook's cells, its parameters, the package's code and locked
dependencies, the configuration, and every data file and folder its loading read.

Every way a notebook can fail (an error, a Markdown cell the notebook API refuses, a cell that
runs too long, a worker that dies, a file that is not a notebook) is one line naming the
notebook and the cell, with the executed notebook kept beside the last good report."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from essex_report import interrupt
from essex_report.cache import Cache
from essex_report.data.files import Reads
from essex_report.data.load import reads_unchanged
from essex_report.data.model import Workbook
from essex_report.errors import NotebookError, shown
from essex_report.fingerprint import digest
from essex_report.project import Project
from essex_report.run import workers
from essex_report.run.keys import KIND, notebook_key, parameters
from essex_report.run.reader import read_notebook
from essex_report.run.trust import untrusted
from essex_report.years import FinancialYear


@dataclass
class Run:
    """One chapter of one year: where its executed notebook goes, and how it got there."""

    year: FinancialYear
    chapter: str
    output: Path
    parameters: dict[str, str]
    key: str
    cached: bool = False
    seconds: float = 0.0
    reads: Reads = field(default_factory=Reads)


def notebook_name(chapter: str) -> str:
    return Path(chapter).stem


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def plan(
    project: Project,
    year: FinancialYear,
    into: Path,
    cache: Cache,
    book: Workbook | None = None,
) -> list[Run]:
    """Every chapter of the year, each reused from the cache when nothing it read changed
    (`book`: the year's data as it is now, to compare the values it read with)."""
    into.mkdir(parents=True, exist_ok=True)
    runs = []
    for chapter in project.config.chapters:
        given = parameters(project, year.label)
        output = into / f"{notebook_name(chapter)}.ipynb"
        run = Run(year, chapter, output, given, notebook_key(project, chapter, given))
        for entry in cache.variants(KIND, run.key):
            try:
                reads = Reads.from_json(entry.meta.get("reads"))
            except ValueError:
                continue
            if "notebook.ipynb" in entry.files and reads_unchanged(reads, book):
                shutil.copyfile(entry.files["notebook.ipynb"], output)
                run.cached, run.reads = True, reads
                break
        runs.append(run)
    return runs


def execute(
    project: Project,
    runs: list[Run],
    timeout: int,
    cache: Cache,
    failed_dir: Callable[[FinancialYear], Path | None],
    jobs: int | None = None,
    on_done: Callable[[Run], None] | None = None,
    keep_going: bool = False,
) -> dict[FinancialYear, NotebookError]:
    """Run every run the cache did not provide, `jobs` at a time; keep each in the cache.
    A failure is kept (its notebook too) and stops the others, unless `keep_going`, when
    the runs of other years go on. The first failure of each year that failed."""
    missing = [r for r in runs if not r.cached]
    for run in missing:  # a chapter must be a notebook before anything runs
        read_notebook(project.config.chapter_path(run.chapter), run.chapter)
    for run in runs:
        if run.cached and on_done is not None:
            on_done(run)
    if not missing:
        return {}
    by_output = {r.output: r for r in missing}
    key = secrets.token_bytes(32)  # this run's: parts are signed with it (run/trust.py)
    tasks = [
        workers.Task(
            r.chapter,
            project.config.chapter_path(r.chapter),
            r.output,
            r.parameters,
            project.root,  # the notebook runs in the repository, as in JupyterLab
            timeout,
            key=key,
        )
        for r in missing
    ]

    def done(outcome: workers.Outcome) -> None:
        if outcome.ok:  # checked before anything is stitched or cached
            refused = untrusted(read_notebook(outcome.task.output, outcome.task.name), key)
            if refused is not None:
                outcome.ok, outcome.kind = False, "refused"
                outcome.cell, outcome.evalue = refused
        if not outcome.ok:
            return
        run = by_output[outcome.task.output]
        run.seconds, run.reads = outcome.seconds, outcome.reads
        reads = run.reads.to_json()
        cache.put(
            KIND,
            run.key,
            {"notebook.ipynb": run.output},
            {"chapter": run.chapter, "year": run.year.label, "reads": reads},
            variant=digest(reads),  # one entry for each state of the data it read
        )
        if on_done is not None:
            on_done(run)

    workers.preload()
    interrupt.check()  # a stop asked for while importing (which a library may have caught)
    outcomes = workers.run(tasks, jobs or default_jobs(), on_done=done, keep_going=keep_going)
    failures: dict[FinancialYear, NotebookError] = {}
    for outcome in outcomes:
        year = by_output[outcome.task.output].year
        if not outcome.ok and year not in failures:
            failures[year] = failure(outcome, failed_dir(year))
    return failures


def run_notebooks(
    project: Project,
    year: FinancialYear,
    into: Path,
    failed_dir: Path | None,
    timeout: int,
    jobs: int | None = None,
    cache: Cache | None = None,
) -> list[Path]:
    """Execute each chapter notebook for the year into `into`, in the configuration's order;
    a failed notebook is kept in `failed_dir` (when given) for the person who looks into it."""
    store = cache or Cache(into / ".cache", enabled=False)
    runs = plan(project, year, into, store)
    failures = execute(project, runs, timeout, store, lambda _: failed_dir, jobs)
    if failures:
        raise failures[year]
    return [run.output for run in runs]


def failure(outcome: workers.Outcome, failed_dir: Path | None) -> NotebookError:
    """One line for a notebook that failed, with the executed notebook kept for inspection."""
    task = outcome.task
    kept = ""
    if failed_dir is not None and task.output.is_file():
        failed_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(task.output, failed_dir / task.output.name)
        kept = f" (executed notebook kept in {shown(failed_dir / task.output.name)})"
    cell = outcome.cell or "?"
    first = outcome.evalue.strip().splitlines()
    message = first[0] if first else ""
    if outcome.kind == "error":
        what = f"failed in cell {cell}: {outcome.ename}: {message}"
    elif outcome.kind == "refused":  # a Markdown cell: said as a problem of the file
        what = f"cell {cell}: {message}"
        return NotebookError(task.name, what, f"{task.name}: {what}{kept}")
    elif outcome.kind == "timeout":
        what = (
            f"cell {cell} ran for more than {task.timeout} s and was stopped (raise the limit "
            "with essex-report: cell-timeout in _quarto.yml or build --cell-timeout)"
        )
    elif outcome.kind == "died":
        what = f"stopped in cell {cell}: the process running it died (killed, or out of memory)"
    else:
        what = f"could not be run: {outcome.ename}: {message[:200]}"
    return NotebookError(task.name, what, f"notebook {task.name} {what}{kept}")
