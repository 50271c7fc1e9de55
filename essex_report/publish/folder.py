"""Where a build may write: the output folder, its locks and each build's private folder.

An output folder holds reports and nothing else: publishing replaces a year's folder, so it
only ever writes where everything is something a build made. It is refused when it is (or is
inside) the data, the notebooks or the package, when it is the repository itself, and when it
holds anything that is not part of a report. Publishing deletes only what a build made.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from essex_report.errors import BuildError, ReportError
from essex_report.project import Project
from essex_report.years import FinancialYear

MARKER = ".essex-report"  # written by every build into the output folder and each year's folder
CACHE = ".cache"  # what builds reuse (essex_report.cache), kept in the output folder
MARKER_TEXT = "Written by essex-report build: the reports here are replaced by later builds.\n"
YEAR_ENTRIES = {
    "annual-report.html",
    "annual-report.pdf",
    "annual-report.docx",
    "figures.csv",
    "figures.html",
    "manifest.json",
    "notebooks",
    "source",
    "failed",  # where builds before failed/<year>/ kept a failed build's notebooks
    MARKER,
}
FAILED = "failed"  # failed/<year>/: executed notebooks of the last failed build of a year
# In the repository's report/ folder: tracked files, Quarto's own output folder, the PNGs of
# `make screenshots` and the chapters a Quarto user rendered on their own (report/chapters/,
# the README's chapter command): kept, never touched.
# ("styles": where the house style lived before 0.2; a checkout keeps its untracked brand.typ.)
REPOSITORY_ENTRIES = {"README.md", "_book", "chapters", "screenshots", "styles"}
YEAR_FOLDER = re.compile(r"[0-9]{4}-[0-9]{2}")
OWNER = "owner.lock"  # inside a build folder, locked by the build that owns it


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_output_folder(project: Project) -> None:
    """Refuse, in one line, an output folder that a build could damage."""
    output = project.output_dir.resolve()
    where = f"--output {output}"
    protected = {
        "the data folder": project.data_dir,
        "the repository's data folder": project.default_data_dir,
        "the notebooks folder": project.notebooks_dir,
        "the essex_report package": project.package_dir,
    }
    if output == project.root:
        raise ReportError(f"{where} is the repository itself; use its report/ folder")
    for name, folder in protected.items():
        if _inside(output, folder.resolve()):
            raise ReportError(f"{where} is {name} or inside it; choose another folder")
        if _inside(folder.resolve(), output):
            raise ReportError(f"{where} holds {name}; choose another folder")
    if output.exists() and not output.is_dir():
        raise ReportError(f"{where} is a file; give a folder")
    stranger = _stranger(output, output == project.default_output_dir.resolve())
    if stranger is not None:
        raise ReportError(
            f"{where} holds {stranger}, which is not part of a report; a build replaces "
            "report folders, so it writes only into an empty folder or one of earlier "
            "reports: choose another --output, or move that out"
        )


def _stranger(output: Path, in_repository: bool) -> str | None:
    """The first thing in an output folder that a build did not make, or None."""
    if not output.is_dir():
        return None
    marked = (output / MARKER).is_file()
    for entry in sorted(output.iterdir()):
        name = entry.name
        if entry.is_symlink():  # a build never makes one; it could lead anywhere
            return name
        if name in (MARKER, ".locks", CACHE) or name.startswith((".build-", ".old-")):
            continue
        if name == "index.html" and marked:
            continue
        if name in REPOSITORY_ENTRIES and in_repository:
            continue
        if name == FAILED and entry.is_dir():
            continue
        if YEAR_FOLDER.fullmatch(name) and entry.is_dir():
            inner = next((e.name for e in entry.iterdir() if e.name not in YEAR_ENTRIES), None)
            if inner is None:
                continue
            return f"{name}/{inner}"
        return name
    return None


def mark_output(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


@contextmanager
def year_lock(year: FinancialYear, output_dir: Path) -> Iterator[None]:
    """One build of a year at a time; a second one stops with a clear message."""
    locks = output_dir / ".locks"
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


@contextmanager
def build_folder(output_dir: Path, year: FinancialYear) -> Iterator[Path]:
    """A private folder for one build, locked by its owner while the build lives (a lock the
    system drops when the process dies, however it dies), removed when the build ends."""
    work = Path(tempfile.mkdtemp(prefix=f".build-{year.slug}-{os.getpid()}-", dir=output_dir))
    with open(work / f"{OWNER}.new", "w") as owner:
        fcntl.flock(owner, fcntl.LOCK_EX)
        os.rename(work / f"{OWNER}.new", work / OWNER)  # seen by a cleaner only once locked
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    return pid == os.getpid() or psutil.pid_exists(pid)


def clean_stale(output_dir: Path) -> list[Path]:
    """Remove the build folders no live build owns (left by a build killed with SIGKILL, or a
    lost machine), and put back or remove reports a killed build had set aside."""
    removed = []
    for folder in sorted(output_dir.glob(".build-*")):
        if folder.is_symlink() or not folder.is_dir():
            continue  # not a build's (the output folder check refuses it)
        owner = folder / OWNER
        if owner.is_file():
            with open(owner) as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live build's
                shutil.rmtree(folder, ignore_errors=True)
        else:  # killed before it locked its folder: its pid is in the name
            pid = re.match(r"\.build-[0-9]{4}-[0-9]{2}-([0-9]+)-", folder.name)
            if pid is None or _alive(int(pid[1])):
                continue
            shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    for old in sorted(output_dir.glob(".old-*")):
        found = re.fullmatch(r"\.old-([0-9]{4}-[0-9]{2})-([0-9]+)", old.name)
        if found is None or old.is_symlink() or _alive(int(found[2])):
            continue
        final = output_dir / found[1]
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)  # the report that replaced it is in place
            removed.append(old)
        else:
            os.rename(old, final)
    return removed
