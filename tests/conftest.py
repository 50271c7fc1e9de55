"""Shared fixtures: small data sets of the tests' own, and the repository's real data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from essex_report import paths

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"


@pytest.fixture
def good_data(tmp_path: Path) -> Path:
    """A writable copy of the small valid data set."""
    target = tmp_path / "data"
    shutil.copytree(GOOD, target)
    return target


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A writable copy of the repository's data/ folder."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


def essex_report(*args: str, env: dict | None = None, timeout: int = 600):
    """Run the command as a person would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "essex_report", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def built_2019(tmp_path_factory) -> Path:
    """The real 2019/20 report, built once for every test that reads it."""
    output = tmp_path_factory.mktemp("report")
    result = essex_report("build", "--year", "2019/20", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "built in" in result.stdout and "renderer" in result.stdout
    return output / "2019-20"
