"""Putting a finished report in place, and keeping a failed build's notebooks beside it.

Publishing deletes only what a build made: a year folder holding anything that is not part of
a report is refused, and the old report is removed only once the new one is in place."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from essex_report.errors import BuildError, shown
from essex_report.publish.folder import FAILED, MARKER, MARKER_TEXT, YEAR_ENTRIES
from essex_report.years import FinancialYear


def swap_in(staging: Path, final: Path) -> None:
    """Swap the finished build into place; the old folder is removed only afterwards, and only
    when everything in it is part of a report (checked again: it may have changed since)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    old = final.parent / f".old-{final.name}-{os.getpid()}"
    if final.exists():
        if final.is_symlink() or not final.is_dir():
            raise BuildError(f"{shown(final)} is not a report folder; move it away")
        stranger = next((e.name for e in final.iterdir() if e.name not in YEAR_ENTRIES), None)
        if stranger is not None:
            raise BuildError(
                f"{shown(final / stranger)} is not part of a report, and publishing "
                "would delete it; move it out of the report folder and build again"
            )
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


def failed_dir(output_dir: Path, year: FinancialYear) -> Path:
    """Where a failed build keeps its executed notebooks: beside the last good report, never
    inside it."""
    return output_dir / FAILED / year.slug


def forget_failed(output_dir: Path, year: FinancialYear) -> None:
    """After a good build, the notebooks of an earlier failure of the year are out of date."""
    folder = failed_dir(output_dir, year)
    if folder.is_dir() and all(p.suffix == ".ipynb" for p in folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)
        if folder.parent.is_dir() and not any(folder.parent.iterdir()):
            folder.parent.rmdir()
