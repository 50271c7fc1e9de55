"""Run a year's chapter notebooks with Papermill and the project's engine, several at once,
each in a worker of its own (run/workers.py); every way a notebook can fail (an error, a
Markdown cell the notebook API refuses, a cell that runs too long, a worker that dies, a file
that is not a notebook) is one line naming the notebook and the cell, with the executed
notebook kept beside the last good report."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from essex_report.errors import NotebookError, shown
from essex_report.project import Project
from essex_report.run import workers
from essex_report.run.reader import read_notebook
from essex_report.years import FinancialYear


def notebook_name(chapter: str) -> str:
    return Path(chapter).stem


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_notebooks(
    project: Project,
    year: FinancialYear,
    into: Path,
    failed_dir: Path | None,
    timeout: int,
    jobs: int | None = None,
) -> list[Path]:
    """Execute each chapter notebook for the year into `into`, in the configuration's order;
    a failed notebook is kept in `failed_dir` (when given) for the person who looks into it."""
    config = project.config
    into.mkdir(parents=True, exist_ok=True)
    for chapter in config.chapters:  # a chapter must be a notebook before anything runs
        read_notebook(config.chapter_path(chapter), chapter)
    tasks = [
        workers.Task(
            chapter,
            config.chapter_path(chapter),
            into / f"{notebook_name(chapter)}.ipynb",
            {"year": year.label, "data_dir": str(project.data_dir)},
            project.root,  # the notebook runs in the repository, as in JupyterLab
            timeout,
        )
        for chapter in config.chapters
    ]
    workers.preload()
    outcomes = workers.run(tasks, jobs or default_jobs())
    failed = next((o for o in outcomes if not o.ok), None)
    if failed is not None:
        raise _failure(failed, failed_dir)
    return [task.output for task in tasks]


def _failure(outcome: workers.Outcome, failed_dir: Path | None) -> NotebookError:
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
