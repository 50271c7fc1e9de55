"""Every year's web page, its figures.html and the index, checked in a real browser as WCAG 2.2
AA asks (headless Chromium with axe-core; see tests/webcheck.py). Every page is audited once,
from the session's one build of every year (`built_all`) and its one browser.

Outside CI, without Chromium, Playwright or axe-core, these tests skip, saying how to install
them; .ci/run installs them and sets ESSEX_REPORT_REQUIRE_BROWSER=1, under which they fail
instead of skipping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from essex_report.data.load import load_workbook
from tests import repo as paths

from .webcheck import NARROW, Audit, audit, indicator

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks


@pytest.fixture(scope="module")
def pages(built_all) -> dict[str, Path]:
    found = {"index.html": built_all / "index.html"}
    for year in load_workbook(paths.DATA_DIR).years:
        for name in ("annual-report.html", "figures.html"):
            found[f"{year.slug}/{name}"] = built_all / year.slug / name
    return found


@pytest.fixture(scope="module")
def audits(browser, pages) -> dict[str, Audit]:  # the browser first: skip before building
    return {name: audit(browser, path) for name, path in pages.items()}


def test_every_year_and_the_index_are_audited(audits):
    years = load_workbook(paths.DATA_DIR).years
    assert len(years) >= 8 and len(audits) == 2 * len(years) + 1


def test_axe_finds_no_violations_on_any_page(audits):
    """WCAG 2.0, 2.1 and 2.2 A and AA, `region` and `landmark-one-main`: 0 violations."""
    assert {name: a.violations for name, a in audits.items() if a.violations} == {}
    for name, found in audits.items():
        # the rules ran, with something to check (axe passes a rule with nothing to check)
        assert {"region", "landmark-one-main", "color-contrast", "document-title"} <= found.ran
        assert found.review == [], name  # nothing left for a person to decide


def test_no_sideways_scroll_at_320_css_px(audits):
    """WCAG 2.2, 1.4.10 Reflow: the page is as wide as a 320 px viewport, no wider."""
    assert {name: a.width for name, a in audits.items() if a.width != NARROW} == {}


def test_no_sideways_scroll_with_text_spacing(audits):
    """WCAG 2.2, 1.4.12 Text Spacing (line 1.5, paragraphs 2em, letters 0.12em, words
    0.16em), at 320 px."""
    assert {name: a.spaced_width for name, a in audits.items() if a.spaced_width != NARROW} == {}


def test_key_figures_are_tiles_that_reflow_to_one_column(audits):
    reports = {n: a for n, a in audits.items() if n.endswith("annual-report.html")}
    with_tiles = {n: a for n, a in reports.items() if a.tiles_wide}
    assert "2019-20/annual-report.html" in with_tiles  # the years with "at a glance" words
    assert all(a.tiles_wide >= 3 for a in with_tiles.values())  # side by side at 1280 px
    assert {n: a.tiles_narrow for n, a in with_tiles.items() if a.tiles_narrow != 1} == {}


@pytest.mark.parametrize("page", ["2019-20/annual-report.html", "2019-20/figures.html"])
def test_the_focus_indicator_has_3_to_1_contrast(page, browser, pages):
    """Tabbing through the page, each kind of control shows a focus indicator that differs from
    what was there by at least 3:1 over at least a 2 px bar as wide as the control."""
    found = indicator(browser, pages[page])
    expected = {"skip link", "link"}
    if page.endswith("annual-report.html"):
        expected |= {"contents link", "details summary", "table scroll region"}
    else:
        expected |= {"table scroll region"}
    assert expected <= set(found), found
    faint = {name: v for name, v in found.items() if v[0] < 2 * v[1]}
    assert faint == {}, f"(pixels changed by 3:1, element width) {faint}"


def test_the_skip_link_comes_first_and_leads_to_main(browser, pages):
    page = browser.new_page(viewport={"width": 375, "height": 700})
    try:
        page.goto(pages["2019-20/annual-report.html"].as_uri())
        assert page.locator(".skip-link").bounding_box()["width"] <= 1  # hidden until focused
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip to main content"
        assert page.locator(".skip-link").bounding_box()["width"] > 100  # shown when focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")  # the next stop is the first in main: the contents
        assert page.evaluate("document.activeElement.closest('nav')?.id") == "TOC"
    finally:
        page.close()


def test_print_is_a4_with_table_headers_and_tiles_printed(browser, pages, tmp_path):
    """The print stylesheet: A4, and the dark header rows and tiles printed as they are (a
    browser drops backgrounds when printing, leaving white header text on white)."""
    from pypdf import PdfReader

    page = browser.new_page()
    try:
        page.goto(pages["2019-20/annual-report.html"].as_uri())
        page.emulate_media(media="print")
        kept = page.evaluate(
            """() => [...document.querySelectorAll('thead th, .key-figure')].map(e => {
                 const s = getComputedStyle(e);
                 return s.printColorAdjust || s.webkitPrintColorAdjust; })"""
        )
        assert kept and set(kept) == {"exact"}
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        page.close()
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(pdf).pages
    }
    assert sizes == {(595, 842)}


def test_screenshots_need_a_built_report(tmp_path):
    from essex_report.errors import ReportError
    from essex_report.review.screenshots import take

    with pytest.raises(ReportError, match="no built report in"):
        take(tmp_path, tmp_path / "shots")
