"""Quarto as the renderer: `quarto render` on the year's stitched document, in a project of
its own derived from the root `_quarto.yml`. (The root project's own steps, which a Quarto
user's `quarto render` runs, are in essex_report/hooks.py.)"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from functools import cached_property
from pathlib import Path

import yaml

from essex_report.errors import BuildError, ReportError
from essex_report.project import Project
from essex_report.render import word
from essex_report.render.base import (
    FORMATS,
    executable_identity,
    font_paths,
    run,
    typst_headers,
)

QUARTO_FORMAT = {"html": "html", "pdf": "typst", "docx": "docx"}
# Files the format options name, copied beside the document where Quarto looks for them.
NAMED_FILES = ("css", "include-in-header", "reference-doc")
# Set by an outer `quarto render` (this module as its pre-render step); they describe the
# outer project and must not leak into the render of the year's document.
OUTER_PROJECT = ("QUARTO_PROJECT_", "QUARTO_USE_FILE_FOR_PROJECT_", "QUARTO_PROFILE")


def quarto_version(executable: str) -> str:
    try:
        result = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReportError(f"--quarto {executable}: could not run it ({error})") from None
    version = result.stdout.strip().splitlines()
    if result.returncode != 0 or not version:
        raise ReportError(f"--quarto {executable}: `quarto --version` failed; reinstall Quarto")
    return version[0]


class QuartoRenderer:
    """`quarto render` on the stitched document, with a project file derived from _quarto.yml."""

    def __init__(self, executable: str):
        self.executable = executable

    @cached_property
    def version(self) -> str:
        return quarto_version(self.executable)

    @property
    def name(self) -> str:
        return f"Quarto {self.version}"  # never the path: it is printed in the report

    @property
    def identity(self) -> str:
        return f"quarto:{executable_identity(Path(self.executable))}"

    def render(
        self, document: Path, project: Project, wanted: list[str], created: int | None = None
    ) -> dict[str, Path]:
        folder = document.parent
        write_project(folder, project, wanted)
        env = {k: v for k, v in os.environ.items() if not k.startswith(OUTER_PROJECT)}
        if created is not None:  # Typst dates the PDF by it (reproducible builds)
            env["SOURCE_DATE_EPOCH"] = str(created)
        # The project lists exactly the wanted formats: one Quarto run renders them all.
        run([self.executable, "render", document.name, "--to", "all"], folder, "quarto render", env)
        outputs = {fmt: document.with_suffix(FORMATS[fmt]) for fmt in wanted}
        for fmt, path in outputs.items():
            if not path.is_file():
                raise BuildError(f"quarto render wrote no {path.name} ({fmt})")
        return outputs


def write_project(folder: Path, project: Project, wanted: list[str]) -> Path:
    """`_quarto.yml` beside the document: the root configuration's formats (only the wanted
    ones), its filters and font paths, with every file they name copied into the folder."""

    config = project.config

    def local(path: Path) -> str:
        shutil.copy(path, folder / path.name)
        return path.name

    formats = {}
    for fmt in wanted:
        name = QUARTO_FORMAT[fmt]
        options = copy.deepcopy(config.formats.get(name, {}))
        for option in NAMED_FILES:
            named = config.style_file(name, option)
            if named is not None and (name, option) != ("typst", "include-in-header"):
                options[option] = local(named)
        if name == "typst":
            options["include-in-header"] = typst_headers(project, folder)
            # Relative to the folder: Quarto reads a path starting with / as project-relative.
            options["font-paths"] = [os.path.relpath(p, folder) for p in font_paths(project)]
        # Contents in HTML and the PDF; Word's are a list (styles/report.lua), not a field
        # that stays empty until Word updates it.
        options["toc"] = config.toc and name != "docx"
        if name == "docx":  # styled by the brand
            options.setdefault("reference-doc", word.reference_doc(project.brand, folder).name)
        formats[name] = options
    settings = {
        "project": {"type": "default"},
        "format": formats,
        "filters": [local(f) for f in config.filters],
    }
    path = folder / "_quarto.yml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path
