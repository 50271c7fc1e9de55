"""A cache of what builds made, keyed by the content it was made from (essex_report.
fingerprint), never by timestamps. An entry is a folder of files and an `entry.json` naming
its kind, its key and every file's digest: an entry whose record does not match its key, or a
file whose bytes do not match its digest (edited by hand, cut short, copied from elsewhere),
is not used: it is rebuilt, and overwritten. Imports only the foundations and fingerprint."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essex_report.fingerprint import file_digest

FORMAT = 1  # the layout of entries; a cache of another layout is not read
VARIANTS = 8  # entries kept for one key (a notebook run for each of the data it read lately)


@dataclass(frozen=True)
class Entry:
    key: str
    files: dict[str, Path]  # name -> path inside the entry
    meta: dict[str, Any] = field(default_factory=dict)


class Cache:
    """Entries under `folder` (report/.cache/ by default). A disabled cache (--no-cache)
    finds nothing and keeps nothing."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder = folder
        self.enabled = enabled

    def _place(self, kind: str, key: str, variant: str = "") -> Path:
        return self.folder / kind / key[:2] / key / (variant or "only")

    def variants(self, kind: str, key: str) -> list[Entry]:
        """Every entry kept for `key` (each made from other data), newest first, checked."""
        if not self.enabled:
            return []
        folder = self._place(kind, key).parent
        kept = sorted(
            (p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else [],
            key=_made,
            reverse=True,
        )
        return [e for p in kept if (e := self.get(kind, key, p.name)) is not None]

    def get(self, kind: str, key: str, variant: str = "") -> Entry | None:
        """The entry for `key`, checked whole; None when there is none or it does not check."""
        if not self.enabled:
            return None
        place = self._place(kind, key, variant)
        try:
            record = json.loads((place / "entry.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            return None
        if record.get("kind") != kind or record.get("key") != key:
            return None  # a foreign entry: made for something else
        digests = record.get("files")
        if not isinstance(digests, dict):
            return None
        files = {}
        for name, expected in digests.items():
            path = place / "files" / name
            if Path(name).name != name or file_digest(path) != expected:
                return None
            files[name] = path
        meta = record.get("meta")
        return Entry(key, files, meta if isinstance(meta, dict) else {})

    def put(
        self,
        kind: str,
        key: str,
        files: dict[str, Path],
        meta: dict[str, Any],
        variant: str = "",
    ) -> None:
        """Keep copies of `files` (name -> path) under `key` (and `variant`), whole or not at
        all; only the newest VARIANTS of a key are kept."""
        if not self.enabled:
            return
        place = self._place(kind, key, variant)
        place.parent.mkdir(parents=True, exist_ok=True)
        try:
            building = Path(tempfile.mkdtemp(prefix=f".new-{os.getpid()}-", dir=place.parent))
        except OSError:  # a cache that cannot be written is not a failed build
            return
        try:
            (building / "files").mkdir()
            digests = {}
            for name, path in files.items():
                shutil.copyfile(path, building / "files" / name)
                digests[name] = file_digest(building / "files" / name)
            record = {"format": FORMAT, "kind": kind, "key": key, "files": digests, "meta": meta}
            (building / "entry.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
            if place.exists():
                shutil.rmtree(place, ignore_errors=True)
            os.rename(building, place)
        except OSError:  # a cache that cannot be written is not a failed build
            shutil.rmtree(building, ignore_errors=True)
            return
        siblings = sorted(
            (p for p in place.parent.iterdir() if not p.name.startswith(".")),
            key=_made,
            reverse=True,
        )
        for old in siblings[VARIANTS:]:
            shutil.rmtree(old, ignore_errors=True)

    def clear_partial(self) -> None:
        """Remove entries a killed build left half-written (never one a live build, of this
        output folder or another process, is writing: its pid is in the name)."""
        for leftover in self.folder.glob("*/*/*/.new-*"):
            pid = leftover.name.split("-")[1]
            if pid.isdigit() and _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                shutil.rmtree(leftover)


def _made(path: Path) -> int:
    """When an entry was made (0 for one another build removed meanwhile)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
