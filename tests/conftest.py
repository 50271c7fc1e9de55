"""Shared fixtures: small data sets of the tests' own, and the repository's real data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from essex_report.errors import show_paths_from
from tests import repo as paths

# Messages name files relative to where the tests run, as the command line does.
show_paths_from(Path.cwd())

FIXTURES = Path(__file__).parent / "fixtures"
pytest_plugins = ["tests.loopback"]  # `listener`: a loopback server no build may fetch from
GOOD = FIXTURES / "good"


# Fixtures that build a report: a test that uses one is an end-to-end test whatever its marks.
BUILDS = {"builtin_2019", "built_2019", "built_all", "previous", "quarto_2019", "built", "both"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test-fast` (-m "not e2e") must never pay for a build by accident."""
    for item in items:
        if BUILDS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


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


def path_without_quarto() -> str:
    """PATH without any folder holding a `quarto`: the built-in renderer, unless a test passes
    --quarto (so a developer's Quarto on PATH does not change what the suite tests)."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if not (Path(f) / "quarto").exists())


def essex_report(*args: str, env: dict | None = None, timeout: int = 600):
    """Run the command as a person would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "essex_report", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=timeout,
        env={**os.environ, "PATH": path_without_quarto(), **(env or {})},
    )


@dataclass(frozen=True)
class Built:
    """A year built by the command: its report folder and what the command printed."""

    folder: Path
    stdout: str


@pytest.fixture(scope="session")
def builtin_2019(tmp_path_factory) -> Built:
    """The real 2019/20 report by the built-in renderer, with Word, built once for every test
    that reads it."""
    output = tmp_path_factory.mktemp("report")
    result = essex_report("build", "--year", "2019/20", "--word", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "built in" in result.stdout and "renderer" in result.stdout
    return Built(output / "2019-20", result.stdout)


@pytest.fixture(scope="session")
def built_2019(builtin_2019) -> Path:
    return builtin_2019.folder


@pytest.fixture(scope="session")
def built_all(tmp_path_factory) -> Path:
    """Every year and the index, by the built-in renderer, built once for every test that reads
    them (every-year checks, the browser's accessibility checks)."""
    output = tmp_path_factory.mktemp("all")
    result = essex_report("build", "--all", "--output", str(output), timeout=1200)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (essex_report.browser) for every page the tests open. Without
    Chromium, Playwright or axe-core the test skips, saying how to install them; under
    ESSEX_REPORT_REQUIRE_BROWSER=1 (CI) it fails instead."""
    from essex_report.review import browser as chromium

    reason = chromium.missing()
    if reason:
        if os.environ.get("ESSEX_REPORT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ESSEX_REPORT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    with chromium.launch() as launched:
        yield launched


# Where setup-quarto.sh installs Quarto unless told otherwise.
OFFLINE_QUARTO = Path.home() / ".cache" / "quarto-offline" / "bin" / "quarto"
INSTALL_QUARTO = (
    "Quarto not found: install it with `quarto=$(bash ../shared/tools/quarto/setup-quarto.sh)`"
    " and set ESSEX_REPORT_QUARTO=$quarto, or put quarto on PATH"
)


def find_quarto() -> str | None:
    """ESSEX_REPORT_QUARTO, else quarto on PATH, else setup-quarto.sh's default install."""
    given = os.environ.get("ESSEX_REPORT_QUARTO")
    if given:
        return given
    return shutil.which("quarto") or (str(OFFLINE_QUARTO) if OFFLINE_QUARTO.is_file() else None)


@pytest.fixture(scope="session")
def quarto() -> str:
    """The real Quarto. Without it the test skips, saying how to install it; under
    ESSEX_REPORT_REQUIRE_QUARTO=1 (CI) it fails instead."""
    found = find_quarto()
    if found and Path(found).is_file():
        return found
    if os.environ.get("ESSEX_REPORT_REQUIRE_QUARTO") == "1":
        pytest.fail(f"ESSEX_REPORT_REQUIRE_QUARTO=1 but {INSTALL_QUARTO}")
    pytest.skip(INSTALL_QUARTO)


@pytest.fixture
def previous(built_2019, tmp_path) -> Path:
    """An output folder holding a last good 2019/20 report."""
    output = tmp_path / "report"
    shutil.copytree(built_2019, output / "2019-20")
    return output
