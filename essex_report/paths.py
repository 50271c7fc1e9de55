"""Every path the workbook uses, in one place. Nothing depends on the working directory."""

from __future__ import annotations

import os
from pathlib import Path

from essex_report.years import FinancialYear

PACKAGE_DIR = Path(__file__).resolve().parent
# The package is installed in editable mode from the repository, which holds data/ and
# notebooks/ beside it; ESSEX_REPORT_HOME points elsewhere when needed (tests, a checkout
# used from another environment).
ROOT = Path(os.environ.get("ESSEX_REPORT_HOME", PACKAGE_DIR.parent)).resolve()
DATA_DIR = ROOT / "data"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORT_DIR = ROOT / "report"
QUARTO_CONFIG = ROOT / "_quarto.yml"
STYLES_DIR = PACKAGE_DIR / "styles"

VALUES_FILE = "values.csv"
NARRATIVE_DIR = "narrative"


def year_data_dir(year: FinancialYear, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / year.slug


def year_report_dir(year: FinancialYear, report_dir: Path = REPORT_DIR) -> Path:
    return report_dir / year.slug


def shown(path: Path) -> str:
    """A path as people should read it: relative to the working folder when inside it. A
    symbolic link is named as written, not by where it points (it may point nowhere)."""
    cwd = Path.cwd()
    for candidate in (Path(os.path.abspath(path)), _resolved(path)):
        if candidate is not None and candidate.is_relative_to(cwd):
            return str(candidate.relative_to(cwd))
    return str(path)


def _resolved(path: Path) -> Path | None:
    try:
        return Path(os.path.abspath(path)).parent.resolve() / Path(path).name
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        return None
