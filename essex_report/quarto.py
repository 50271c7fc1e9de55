"""Quarto: the renderer, and the root project's `pre-render` step.

`QuartoRenderer` renders the year's stitched document with `quarto render`, in a project of
its own derived from the root `_quarto.yml`. Run as `python3 -m essex_report.quarto`, this
module is the root project's pre-render step: `quarto render` at the repository root builds
the default year through the pipeline, as `essex-report build` does.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from essex_report.errors import BuildError, ReportError
from essex_report.render import FORMATS, ReportConfig, run

DEFAULT_YEAR = "2019/20"
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
        self.version = quarto_version(executable)
        self.name = f"Quarto {self.version}"  # never the path: it is printed in the report

    def render(self, document: Path, config: ReportConfig, wanted: list[str]) -> dict[str, Path]:
        folder = document.parent
        write_project(folder, config, wanted)
        env = {k: v for k, v in os.environ.items() if not k.startswith(OUTER_PROJECT)}
        # The project lists exactly the wanted formats: one Quarto run renders them all.
        run([self.executable, "render", document.name, "--to", "all"], folder, "quarto render", env)
        outputs = {fmt: document.with_suffix(FORMATS[fmt]) for fmt in wanted}
        for fmt, path in outputs.items():
            if not path.is_file():
                raise BuildError(f"quarto render wrote no {path.name} ({fmt})")
        return outputs


def write_project(folder: Path, config: ReportConfig, wanted: list[str]) -> Path:
    """`_quarto.yml` beside the document: the root configuration's formats (only the wanted
    ones), its filters and font paths, with every file they name copied into the folder."""

    def local(path: Path) -> str:
        shutil.copy(path, folder / path.name)
        return path.name

    formats = {}
    for fmt in wanted:
        name = QUARTO_FORMAT[fmt]
        options = copy.deepcopy(config.formats.get(name, {}))
        for option in NAMED_FILES:
            if options.get(option):
                options[option] = local(config.style_file(name, option))
        if name == "typst" and config.font_paths:
            options["font-paths"] = [str(p) for p in config.font_paths]
        formats[name] = options
    project = {
        "project": {"type": "default"},
        "format": formats,
        "filters": [local(f) for f in config.filters],
    }
    path = folder / "_quarto.yml"
    path.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    return path


def pre_render() -> int:
    """The root project's pre-render step: a whole-project `quarto render` builds the default
    year through the pipeline, with the Quarto that runs it; a single document's render (a
    chapter, `quarto render notebooks/x.ipynb`) needs nothing built first."""
    if os.environ.get("QUARTO_PROJECT_RENDER_ALL") != "1":
        return 0
    from essex_report.cli import main

    arguments = ["build", "--year", DEFAULT_YEAR]
    running = Path(os.environ.get("QUARTO_BIN_PATH", "")) / "quarto"
    if os.environ.get("QUARTO_BIN_PATH") and running.is_file():
        arguments += ["--quarto", str(running)]
    return main(arguments)


if __name__ == "__main__":
    sys.exit(pre_render())
