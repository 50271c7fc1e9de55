"""Where the repository under test is: the folders the tests read and copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from essex_report.project import PACKAGE_DIR, Project

PROJECT = Project()
ROOT = PROJECT.root
DATA_DIR = PROJECT.data_dir
NOTEBOOKS_DIR = PROJECT.notebooks_dir
REPORT_DIR = PROJECT.output_dir
QUARTO_CONFIG = PROJECT.config_file
STYLES_DIR = ROOT / "styles"


def copy_home(home: Path) -> Path:
    """A copy, in `home`, of what a clone holds that a build reads: the data, the notebooks,
    the styles, the configuration, the brand and the locked versions (the cache's keys)."""
    for name in ("data", "notebooks", "styles"):
        shutil.copytree(ROOT / name, home / name)
    for name in ("_quarto.yml", "_brand.yml", "constraints.txt"):
        shutil.copy(ROOT / name, home / name)
    return home


__all__ = [
    "DATA_DIR",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROJECT",
    "QUARTO_CONFIG",
    "REPORT_DIR",
    "ROOT",
    "copy_home",
]
