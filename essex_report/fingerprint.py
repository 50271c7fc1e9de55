"""Fingerprints of what a build is made from: files by their bytes, the package's own code,
the locked dependencies. A cache key is a digest of fingerprints, never of a timestamp.
Imports nothing of the package."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The package's files that change what a build makes: its code, templates and filters.
PACKAGE_FILES = ("*.py", "*.md", "*.html", "*.lua")


def digest(*parts: object) -> str:
    """One SHA-256 of several parts (text, bytes, or anything JSON can write, sorted)."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8")
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode("utf-8")
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes; "absent" for a file that is not there."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "absent"


def files_digest(paths: Iterable[Path], base: Path) -> dict[str, str]:
    """Each file's digest by its path relative to `base`."""
    return {str(p.relative_to(base)): file_digest(p) for p in sorted(paths)}


@cache
def package_digest() -> str:
    """The package's own code (and templates), as installed: a change to it rebuilds."""
    found = sorted(
        p for pattern in PACKAGE_FILES for p in PACKAGE_DIR.rglob(pattern) if p.is_file()
    )
    return digest(*(f"{p.relative_to(PACKAGE_DIR)}\0{file_digest(p)}" for p in found))


@cache
def environment_digest(root: Path) -> str:
    """The locked dependencies (constraints.txt) and the Python running them."""
    return digest(file_digest(root / "constraints.txt"), sys.version, platform.machine())


def locked_versions(root: Path) -> dict[str, str]:
    """Every dependency constraints.txt pins, with the version installed here (for the run
    manifest: what a reviewer needs to make the same report again)."""
    found = {}
    path = root / "constraints.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        name = line.split("==")[0].strip()
        if not name or name.startswith("#"):
            continue
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
