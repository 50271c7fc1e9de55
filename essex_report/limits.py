"""Every limit the workbook enforces, in one place: what it reads, how long a notebook cell
may run, how large a number may be."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from essex_report import paths
from essex_report.errors import ReportError

MAX_DATA_FILE_BYTES = 50 * 1024 * 1024  # a data file larger than this is refused, not read
MAX_DIGITS = 15  # significant digits of a value: beyond this a float (charts) loses them
MAX_DECIMALS = 6  # decimal places a derived figure may be printed with
CELL_TIMEOUT = 600  # seconds a notebook cell may run, unless _quarto.yml or --cell-timeout say
CONFIG_KEY = "essex-report"  # the workbook's own section of _quarto.yml (Quarto ignores it)


def cell_timeout(config: Path = paths.QUARTO_CONFIG) -> int:
    """Seconds a cell may run: `essex-report: cell-timeout:` in _quarto.yml, else 10 minutes."""
    try:
        loaded = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return CELL_TIMEOUT  # the build reports an unreadable _quarto.yml itself
    section = loaded.get(CONFIG_KEY) if isinstance(loaded, dict) else None
    value = section.get("cell-timeout", CELL_TIMEOUT) if isinstance(section, dict) else None
    if value is None:
        return CELL_TIMEOUT
    return positive_seconds(value, f"{paths.shown(config)}: {CONFIG_KEY}: cell-timeout")


def positive_seconds(value: object, where: str) -> int:
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,9}", str(value)):
        raise ReportError(f"{where} is {value!r}; expected a whole number of seconds such as 600")
    seconds = int(str(value))
    if not 1 <= seconds <= 24 * 3600:
        raise ReportError(f"{where} is {seconds}; expected from 1 to 86400 seconds")
    return seconds
