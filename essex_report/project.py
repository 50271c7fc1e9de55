"""The project a command works on: the repository (notebooks, styles, configuration), the data
folder it reads and the output folder it writes. Made once, at the command's edge (the command
line, a notebook's `open_year`, a Quarto hook), and passed down: nothing below reads the
environment or the working folder. Imports only config and the foundations."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from essex_report.config import (
    BRAND_FILE,
    QUARTO_FILE,
    Brand,
    ReportConfig,
    load_brand,
    load_config,
)
from essex_report.years import FinancialYear

PACKAGE_DIR = Path(__file__).resolve().parent
HOME_VARIABLE = "ESSEX_REPORT_HOME"  # points the command at another copy of the repository


def default_root() -> Path:
    """The repository the package was installed from (editable), or $ESSEX_REPORT_HOME. Only
    the command's edges call this."""
    return Path(os.environ.get(HOME_VARIABLE, PACKAGE_DIR.parent)).resolve()


class Project:
    """Where everything is, and the configuration read once."""

    def __init__(
        self,
        root: Path | None = None,
        data_dir: Path | None = None,
        output_dir: Path | None = None,
        source_date: int | None = None,
    ) -> None:
        self.root = (root or default_root()).resolve()
        self.data_dir = (data_dir or self.root / "data").resolve()
        self.output_dir = (output_dir or self.root / "report").resolve()
        # SOURCE_DATE_EPOCH, read at the edge: the date a reproducible build says it was made.
        self.source_date = source_date

    def __repr__(self) -> str:
        return f"Project({self.root}, data={self.data_dir}, output={self.output_dir})"

    # --- the repository --------------------------------------------------------------------

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def default_data_dir(self) -> Path:
        return self.root / "data"

    @property
    def default_output_dir(self) -> Path:
        return self.root / "report"

    @property
    def package_dir(self) -> Path:
        return PACKAGE_DIR

    @property
    def config_file(self) -> Path:
        return self.root / QUARTO_FILE

    @property
    def brand_file(self) -> Path:
        return self.root / BRAND_FILE

    @cached_property
    def config(self) -> ReportConfig:
        """_quarto.yml, parsed once for the command."""
        return load_config(self.config_file)

    @cached_property
    def brand(self) -> Brand:
        """_brand.yml, read once for the command (only commands that render need it)."""
        return load_brand(self.brand_file)

    # --- data and outputs ------------------------------------------------------------------

    def year_output_dir(self, year: FinancialYear) -> Path:
        return self.output_dir / year.slug

    @property
    def cache_dir(self) -> Path:
        """What builds reuse (essex_report.cache): inside the output folder, so that
        `make clean` and a new output folder start afresh."""
        return self.output_dir / ".cache"

    def with_config(self, config: ReportConfig) -> Project:
        """The same project with another configuration (tests, a chapter's own render)."""
        other = Project(self.root, self.data_dir, self.output_dir, self.source_date)
        other.__dict__["config"] = config
        if "brand" in self.__dict__:
            other.__dict__["brand"] = self.brand
        return other
