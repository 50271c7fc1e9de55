"""What every renderer is (`Renderer`), and what both renderers share: an ordinary temporary
folder to render in, the subprocess runner, the PDF's header files and fonts.

Both renderers read the one configuration, `_quarto.yml`, and render in an ordinary temporary
folder (`render_folder`): Quarto ignores the project settings of anything under a folder whose
name starts with a dot.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from essex_report import limits
from essex_report.charts.style import font_dir
from essex_report.config import TYPST_BRAND
from essex_report.errors import BuildError, no_space
from essex_report.fingerprint import (
    digest,
    environment_digest,
    file_digest,
    files_digest,
    package_digest,
)
from essex_report.project import Project
from essex_report.render.brand import write_typst
from essex_report.scratch import owned_folder

FORMATS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FULL_DISK = "No space left on device"  # strerror(ENOSPC), as tools print it


class Renderer(Protocol):
    """A renderer of the stitched document. Nothing runs until it is asked for its version
    or to render."""

    @property
    def identity(self) -> str:
        """Which renderer this is, found without running it (its executable's path, size and
        time): a build that finds the same identity as last time reuses what it rendered."""
        ...

    @property
    def name(self) -> str:
        """What rendered the report, with its version, as people read it (never a path)."""
        ...

    @property
    def version(self) -> str: ...

    def render(
        self, document: Path, project: Project, wanted: list[str], created: int | None = None
    ) -> dict[str, Path]:
        """Every wanted format ("html", "pdf", "docx") of `document`, beside it. `created`:
        the PDF's creation date (seconds since 1970), never the time of the build."""
        ...


def executable_identity(path: Path) -> str:
    """An executable as it is on disk: its path, size and modification time."""
    try:
        status = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{status.st_size}:{status.st_mtime_ns}"


def font_paths(project: Project) -> list[Path]:
    """Folders Typst reads fonts from: _quarto.yml's, then the brand font's (Lato, from the
    font-lato package: the charts' text is set in it too)."""
    return [*project.config.font_paths, font_dir()]


def typst_headers(project: Project, folder: Path) -> list[str]:
    """The PDF's header files (typst `include-in-header`), in order, as files in `folder`: the
    brand's Typst written from `_brand.yml` (config.TYPST_BRAND), the house style copied."""
    names = []
    for path in project.config.style_files("typst", "include-in-header"):
        if path.name == TYPST_BRAND:
            write_typst(folder / TYPST_BRAND, project.brand)
        else:
            shutil.copy(path, folder / path.name)
        names.append(path.name)
    return names


@contextmanager
def render_folder() -> Iterator[Path]:
    """A new, ordinary temporary folder to render in, removed afterwards (and by the next
    render, when its build was killed outright: essex_report.scratch).

    Quarto treats a file under any folder whose name starts with a dot as outside every
    project, so no part of the path may start with one (a TMPDIR such as ~/.cache/tmp would).
    """
    base = Path(tempfile.gettempdir()).resolve()
    if any(part.startswith(".") for part in base.parts):
        base = Path("/tmp")
        if not os.access(base, os.W_OK):
            raise BuildError(
                f"the temporary folder {tempfile.gettempdir()} is inside a folder whose name "
                "starts with a dot, which Quarto ignores; set TMPDIR to another folder"
            )
    with owned_folder(base, "essex-report-render-") as folder:
        yield folder


def run(command: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> str:
    """Run a renderer; a failure is one line: its first error message."""
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, timeout=limits.RENDER_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"{what} did not finish in {limits.RENDER_TIMEOUT}s; stopped it") from None
    except OSError as error:
        raise BuildError(f"{what} could not start: {error.strerror}") from None
    if result.returncode != 0:
        lines = [
            ANSI.sub("", line).strip() for line in (result.stderr or result.stdout).split("\n")
        ]
        lines = [line for line in lines if line]
        errors = [line for line in lines if re.match(r"(ERROR|error)\b", line)]
        detail = errors[0] if errors else lines[-1] if lines else "no message"
        if any(FULL_DISK in line for line in lines):  # the disk it renders on, named
            detail = no_space([cwd])
        raise BuildError(f"{what} failed: {detail}")
    return result.stdout


def render_inputs(project: Project, renderer: Renderer, formats: tuple[str, ...]) -> str:
    """What a render is made from besides the document: the styles and filters _quarto.yml
    names, the brand, the renderer, the formats, the package and its dependencies."""
    config = project.config
    named = [
        *config.style_files("html", "css"),
        *config.style_files("typst", "include-in-header"),
        *config.style_files("docx", "reference-doc"),
        *config.filters,
    ]
    return digest(
        "render",
        files_digest(named, project.root),
        file_digest(project.brand_file),
        file_digest(project.config_file),
        renderer.identity,
        list(formats),
        package_digest(),
        environment_digest(project.root),
    )
