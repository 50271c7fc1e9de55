"""Where the repository under test is: the folders the tests read and copy."""

from __future__ import annotations

from essex_report.project import PACKAGE_DIR, Project

PROJECT = Project()
ROOT = PROJECT.root
DATA_DIR = PROJECT.data_dir
NOTEBOOKS_DIR = PROJECT.notebooks_dir
REPORT_DIR = PROJECT.output_dir
QUARTO_CONFIG = PROJECT.config_file
STYLES_DIR = ROOT / "styles"

__all__ = [
    "DATA_DIR",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROJECT",
    "QUARTO_CONFIG",
    "REPORT_DIR",
    "ROOT",
]
