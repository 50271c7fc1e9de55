"""Cheap builds for tests of the pipeline's edges: tiny notebooks run through the real
Papermill and the build's engine, or the notebooks of the session's built report reused, so that no
test pays for a full build it does not need."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from essex_report.config import load_config
from essex_report.project import Project
from tests import repo


def tiny_notebook(path: Path, *cells: str) -> Path:
    """A notebook with the workbook's parameters cell, then one code cell per source."""
    parameters = {
        "cell_type": "code",
        "execution_count": None,
        "id": "parameters",
        "metadata": {"tags": ["parameters"]},
        "outputs": [],
        "source": 'year = "2019/20"\ndata_dir = ""',
    }
    code = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"cell-{n}",
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for n, source in enumerate(cells)
    ]
    notebook = {
        "cells": [parameters, *code],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def only_chapters(monkeypatch: pytest.MonkeyPatch, *chapters: Path) -> None:
    """Commands in this process run these notebooks instead of the report's chapters."""
    config = load_config(repo.QUARTO_CONFIG)
    chapters_config = dataclasses.replace(config, chapters=tuple(str(c) for c in chapters))
    monkeypatch.setattr(Project, "config", property(lambda self: chapters_config))


def reuse_executed(monkeypatch: pytest.MonkeyPatch, built: Path) -> None:
    """Builds in this process take the executed notebooks of `built` instead of running
    Papermill: everything after the notebooks (stitch, render, checks, publish) is real."""
    from essex_report import pipeline
    from essex_report.run.execute import Run

    def run_all(project, plans, options, cache):
        for plan in plans:
            into = plan.staging / "notebooks"
            into.mkdir(parents=True, exist_ok=True)
            plan.runs = []
            for chapter in project.config.chapters:
                name = Path(chapter).stem + ".ipynb"
                shutil.copy(built / "notebooks" / name, into / name)
                plan.runs.append(Run(plan.year, chapter, into / name, {}, "copied", cached=True))

    monkeypatch.setattr(pipeline, "run_all", run_all)


REPORT_FILES = ("annual-report.html", "annual-report.pdf", "figures.csv")


def snapshot(output: Path) -> dict[str, bytes]:
    """The last good 2019/20 report's files, to compare after a build that must not touch it."""
    return {name: (output / "2019-20" / name).read_bytes() for name in REPORT_FILES}


def workers_of(pid: int) -> list[psutil.Process]:
    """The notebook workers a build started: processes forked from it, so they carry its own
    command line (`python -m essex_report build ...`)."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "essex_report" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # exited, or a zombie, between listing and asking
            continue
    return found


def wait_for_workers(process: subprocess.Popen, timeout: float = 60) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = workers_of(process.pid)
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("the build started no notebook worker")
