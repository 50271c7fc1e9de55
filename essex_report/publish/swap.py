"""Putting a finished report in place, and keeping a failed build's notebooks beside it.

The new report replaces the old one in one atomic step: Linux's renameat2 with
RENAME_EXCHANGE swaps the two folders, so there is never a moment without a report, whatever
stops the build and whenever (a signal, a lost machine). The old report, now in the build's
own folder, is removed afterwards. Where the system cannot exchange two folders, the old one
is renamed aside first and the next build puts it back if the build stopped in between.
Publishing deletes only what a build made: a year folder holding anything that is not part of
a report is refused."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

from essex_report.errors import BuildError, shown
from essex_report.publish.folder import FAILED, MARKER, MARKER_TEXT, YEAR_ENTRIES
from essex_report.years import FinancialYear

RENAME_EXCHANGE = 2  # renameat2(2): swap the two paths, atomically
AT_FDCWD = -100
UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _exchange(a: Path, b: Path) -> bool:
    """Swap what two paths name in one atomic step; False where the system or the file
    system cannot (not Linux, an old kernel, some network file systems)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, final: Path) -> None:
    """Put the finished build in place of the last good report in one atomic step; the old
    folder is removed only afterwards, and only when everything in it is part of a report
    (checked again: it may have changed since)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    if not final.exists() and not final.is_symlink():
        os.rename(staging, final)  # nothing to replace: one rename
        return
    if final.is_symlink() or not final.is_dir():
        raise BuildError(f"{shown(final)} is not a report folder; move it away")
    stranger = next((e.name for e in final.iterdir() if e.name not in YEAR_ENTRIES), None)
    if stranger is not None:
        raise BuildError(
            f"{shown(final / stranger)} is not part of a report, and publishing "
            "would delete it; move it out of the report folder and build again"
        )
    if _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # the old report, now in the build's folder
        return
    old = final.parent / f".old-{final.name}-{os.getpid()}"
    os.rename(final, old)  # a moment without a report: recover() ends it if the build dies
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
