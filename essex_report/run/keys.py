"""What a notebook's run is made from, as one key: the notebook, its parameters, the package's
code and locked dependencies, and the configuration. (The data its loading reads is checked
apart: data/load.py `reads_unchanged`.) Light to import: the no-change check uses it."""

from __future__ import annotations

from essex_report.fingerprint import digest, environment_digest, file_digest, package_digest
from essex_report.project import Project

KIND = "notebook"  # the cache's entries of executed notebooks


def notebook_key(project: Project, chapter: str, parameters: dict[str, str]) -> str:
    return digest(
        KIND,
        file_digest(project.config.chapter_path(chapter)),
        parameters,
        package_digest(),
        environment_digest(project.root),
        file_digest(project.config_file),
    )


def parameters(project: Project, year_label: str) -> dict[str, str]:
    """The parameters a chapter runs with for a year."""
    return {"year": year_label, "data_dir": str(project.data_dir)}
