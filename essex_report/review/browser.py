"""A real browser for checking the web pages as readers meet them: the system's headless
Chromium (Debian's `chromium`), driven by Playwright for Python, which never downloads a browser
of its own here (no `playwright install`). Used by tests/test_accessibility.py (with axe-core)
and by `make screenshots`. Playwright is in the `dev` extra; `.ci/run` installs Chromium and
axe-core (`npm ci --prefix .ci/node`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from essex_report.errors import ReportError, shown
from essex_report.project import default_root

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Headless, and nothing that reaches the network on its own (updates, sync, field trials).
ARGS = (
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
AXE = default_root() / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "bash .ci/run installs both (apt-get install chromium; npm ci --prefix .ci/node)"


def chromium() -> str | None:
    """ESSEX_REPORT_CHROMIUM, else Debian's chromium."""
    given = os.environ.get("ESSEX_REPORT_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return next((c for c in CHROMIUM if Path(c).is_file()), None) or shutil.which("chromium")


def axe_script() -> Path | None:
    """axe-core's script: ESSEX_REPORT_AXE, else the copy .ci/run installs into .ci/node."""
    given = os.environ.get("ESSEX_REPORT_AXE")
    path = Path(given) if given else AXE
    return path if path.is_file() else None


def missing(need_axe: bool = True) -> str | None:
    """Why the browser checks cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: make install (the dev extra)"
    if chromium() is None:
        return f"Chromium not found (set ESSEX_REPORT_CHROMIUM, or {INSTALL})"
    if need_axe and axe_script() is None:
        where = os.environ.get("ESSEX_REPORT_AXE") or shown(AXE)
        return f"axe-core not found at {where} (set ESSEX_REPORT_AXE, or {INSTALL})"
    return None


@contextmanager
def launch() -> Iterator[Browser]:
    """One headless Chromium for every page a run opens."""
    reason = missing(need_axe=False)
    if reason:
        raise ReportError(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(ARGS))
        try:
            yield browser
        finally:
            browser.close()
