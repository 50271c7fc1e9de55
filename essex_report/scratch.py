"""Temporary folders a command owns while it runs (a render's, validate's), and the removal of
those whose command was killed outright: each folder has a lock file beside it, locked while
its command lives (the system drops the lock however the process dies), so the next command
removes a folder whose lock nobody holds, and never a live one. Imports nothing of the
package."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

LOCK = ".lock"
NEW = ".new"  # a lock file not yet locked: its name until it is
STALE_NEW = 3600  # seconds after which an unlocked new lock file is a killed command's


@contextlib.contextmanager
def owned_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder `parent/<prefix>XXXX`, removed when the block ends; first, the folders of
    `prefix` whose command died are removed."""
    remove_abandoned(parent, prefix)
    handle, new = tempfile.mkstemp(prefix=prefix, suffix=LOCK + NEW, dir=parent)
    with os.fdopen(handle, "w") as owner:
        fcntl.flock(owner, fcntl.LOCK_EX)
        lock = Path(new.removesuffix(NEW))
        os.rename(new, lock)  # seen by a cleaner only once locked
        folder = Path(str(lock).removesuffix(LOCK))
        try:
            folder.mkdir()
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)


def remove_abandoned(parent: Path, prefix: str) -> list[Path]:
    """Remove the folders of `prefix` in `parent` that no live command owns."""
    removed = []
    for lock in sorted(parent.glob(f"{prefix}*{LOCK}")):
        with contextlib.suppress(OSError), open(lock) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its command is running
            folder = Path(str(lock).removesuffix(LOCK))
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(folder)
    for new in parent.glob(f"{prefix}*{LOCK}{NEW}"):  # killed before it locked
        with contextlib.suppress(OSError):
            if time.time() - new.stat().st_mtime > STALE_NEW:
                new.unlink()
    return removed
