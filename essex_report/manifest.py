"""report/<year>/manifest.json: what a build of the year was made from and what it did, for a
reviewer who wants to make the same report again, and for the next build, which finds the year
up to date when every input is as the manifest records and every output as it wrote them.

It holds every input file with its digest (the notebooks, the configuration, the styles, the
brand, every data file loading read), each notebook's digest and parameters, the package's
version and the locked dependencies' versions, the renderer and its version, timings per stage
and what came from the cache. Paths are written relative to the repository or the data folder:
the manifest is published beside the report and names no folder of the machine that built it.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from essex_report import __version__
from essex_report.data.files import VALUES_FILE, Reads, year_folder
from essex_report.data.load import load_workbook, reads_unchanged, years_with_data
from essex_report.data.model import Workbook
from essex_report.fingerprint import digest, file_digest, locked_versions, package_digest
from essex_report.project import Project
from essex_report.render.base import Renderer, render_inputs
from essex_report.run.keys import notebook_key, parameters
from essex_report.years import FinancialYear

if TYPE_CHECKING:  # the run stage is costly to import; the no-change check must not
    from essex_report.run.execute import Run

FILE = "manifest.json"
FORMAT = 1
DATA = "<data>"  # how the manifest writes the data folder, wherever it is


def _relative(text: str, project: Project) -> str:
    """A recorded path (or a listing's key holding one) without the machine's folders."""
    text = text.replace(str(project.data_dir), DATA)
    return text.replace(f"{project.root}/", "")


def _absolute(text: str, project: Project) -> str:
    """A recorded data path again (reads are of the data folder only)."""
    return text.replace(DATA, str(project.data_dir))


def portable(reads: Reads, project: Project) -> dict[str, dict[str, str]]:
    return {
        "files": {_relative(k, project): v for k, v in sorted(reads.files.items())},
        "listings": {_relative(k, project): v for k, v in sorted(reads.listings.items())},
        "values": dict(sorted(reads.values.items())),
    }


def local(record: dict[str, dict[str, str]], project: Project) -> Reads:
    return Reads(
        {_absolute(k, project): v for k, v in record["files"].items()},
        {_absolute(k, project): v for k, v in record["listings"].items()},
        dict(record.get("values", {})),
    )


@dataclass
class Manifest:
    record: dict[str, Any]

    @classmethod
    def make(
        cls,
        project: Project,
        year: FinancialYear,
        renderer: Renderer,
        formats: tuple[str, ...],
        runs: list[Run],
        reads: Reads,
        render_key: str,
        render_cached: bool,
        outputs: dict[str, Path],
        staging: Path,
        timings: dict[str, float],
        build_date: str | None,
    ) -> Manifest:
        every = Reads(dict(reads.files), dict(reads.listings))
        for run in runs:
            every.merge(run.reads)
        config = project.config
        named = sorted(
            {
                project.config_file,
                project.brand_file,
                *(config.chapter_path(c) for c in config.chapters),
                *config.style_files("html", "css"),
                *config.style_files("typst", "include-in-header"),
                *config.filters,
            }
        )
        inputs = {_relative(str(p), project): file_digest(p) for p in named}
        inputs |= portable(every, project)["files"]
        # values.csv is read value by value (recorded as `values`), and listed here whole.
        for loaded in years_with_data(project.data_dir):
            if loaded <= year:
                path = year_folder(project.data_dir, loaded) / VALUES_FILE
                inputs[_relative(str(path), project)] = file_digest(path)
        published = {fmt: path.name for fmt, path in outputs.items()}
        files = [*published.values(), "figures.csv", "figures.html"]
        return cls(
            {
                "format": FORMAT,
                "year": year.label,
                "package": {"name": "essex-report", "version": __version__},
                "package_code": package_digest(),
                "python": platform.python_version(),
                "dependencies": locked_versions(project.root),
                "renderer": {
                    "name": renderer.name,
                    "version": renderer.version,
                    "identity": digest(renderer.identity),
                },
                "formats": list(formats),
                # The date the cover gives when the data gives none (until issue 18: drafts).
                "build_date": build_date,
                "inputs": dict(sorted(inputs.items())),
                "reads": portable(every, project),
                "render_inputs": render_inputs(project, renderer, formats),
                "notebooks": [
                    {
                        "chapter": run.chapter,
                        "digest": file_digest(config.chapter_path(run.chapter)),
                        "parameters": {k: _relative(v, project) for k, v in run.parameters.items()},
                        "key": run.key,
                        "cached": run.cached,
                        "seconds": round(run.seconds, 3),
                    }
                    for run in runs
                ],
                "render": {
                    "key": render_key,
                    "cached": render_cached,
                    "seconds": round(timings.get("render", 0.0), 3),
                },
                "timings": {stage: round(s, 3) for stage, s in timings.items()},
                "outputs": {name: file_digest(staging / name) for name in files},
                "published": published,
            }
        )

    def write(self, folder: Path) -> Path:
        path = folder / FILE
        path.write_text(json.dumps(self.record, indent=1, ensure_ascii=False) + "\n", "utf-8")
        return path

    def chapters(self) -> list[str]:
        return [str(n.get("chapter")) for n in self.record.get("notebooks", [])]

    def outputs_by_format(self) -> dict[str, str]:
        published = self.record.get("published")
        return {str(k): str(v) for k, v in published.items()} if isinstance(published, dict) else {}


def today(project: Project) -> str:
    when = (
        datetime.fromtimestamp(project.source_date, UTC).date()
        if project.source_date is not None
        else date.today()
    )
    return when.isoformat()


def read_manifest(folder: Path) -> Manifest | None:
    try:
        record = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Manifest(record) if isinstance(record, dict) else None


def up_to_date(
    manifest: Manifest,
    project: Project,
    year: FinancialYear,
    renderer: Renderer,
    formats: tuple[str, ...],
    book: Workbook | None = None,
) -> str | None:
    """The renderer's name as the manifest records it when the year is up to date: the same
    notebooks, parameters, package, dependencies and configuration, every data file and folder
    read as it was, the same styles, brand, renderer and formats, and every output as written.
    None when anything differs (or the manifest is not one this version writes). `book`: the
    year's workbook when the caller has loaded it."""
    record = manifest.record
    try:
        if record.get("format") != FORMAT or record.get("year") != year.label:
            return None
        if record.get("formats") != list(formats):
            return None
        if record.get("build_date") not in (None, today(project)):
            return None  # the cover prints the day of the build: another day, another cover
        if record["renderer"]["identity"] != digest(renderer.identity):
            return None
        if record.get("render_inputs") != render_inputs(project, renderer, formats):
            return None
        notebooks = record["notebooks"]
        if [n["chapter"] for n in notebooks] != list(project.config.chapters):
            return None
        for notebook in notebooks:
            given = parameters(project, year.label)
            if notebook["key"] != notebook_key(project, notebook["chapter"], given):
                return None
        reads = local(record["reads"], project)
        if reads.values and book is None:  # the build has loaded it already; the command not
            book = load_workbook(project.data_dir, year)
        if book is not None and book.problems.errors:
            return None  # the build says what is wrong
        if not reads_unchanged(reads, book):
            return None
        folder = project.year_output_dir(year)
        for name, expected in record["outputs"].items():
            if file_digest(folder / name) != expected:
                return None
        return str(record["renderer"]["name"])
    except (KeyError, TypeError, AttributeError):
        return None
