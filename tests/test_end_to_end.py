"""Build the real 2019/20 report and read what a person would read: the HTML and the PDF."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from essex_report.publish.page import visible_text
from tests import repo as paths

from .conftest import essex_report

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks

# Figures the published Annual Report 2019/20 prints, in the council's style.
PUBLISHED = ["£2.1bn", "£668m", "36.7%", "9.8%", "£186m", "14,975", "707", "£317m", "229"]


@pytest.fixture(scope="module")
def built(built_2019) -> Path:
    return built_2019


@pytest.fixture(scope="module")
def html(built) -> str:
    return (built / "annual-report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_text(built) -> str:
    reader = PdfReader(built / "annual-report.pdf")
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_outputs_are_in_place(built):
    for name in ("annual-report.html", "annual-report.pdf", "figures.csv"):
        assert (built / name).stat().st_size > 0
    executed = sorted(p.name for p in (built / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("figure", PUBLISHED)
def test_published_figures_appear_in_html_and_pdf(figure, html, pdf_text):
    assert figure in visible_text(html)
    assert figure in pdf_text


def test_both_sections_are_there(html, pdf_text):
    for heading in ("achievements at a glance", "Resources", "Our spending", "Our investments"):
        assert heading in visible_text(html)
        assert heading in pdf_text


def test_html_is_self_contained(html):
    """No request leaves the page: charts are inline SVG, the font is embedded, and anything
    with a source is a data: URI."""
    sources = re.findall(
        r"<(?:img|script|link|iframe|source|video|audio|image|use)\b[^>]*?"
        r'(?:src|href)="([^"]*)"',
        html,
    )
    assert all(s.startswith(("data:", "#")) for s in sources), [s[:40] for s in sources]
    assert len(re.findall(r'<svg\b[^>]*role="img"', html)) >= 7  # the charts, inline
    assert re.findall(r'src: url\("data:font/ttf;base64,', html)  # Lato, embedded
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)


def test_html_is_accessible_in_the_basics(html):
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="en-GB"' in html
    charts = re.findall(r"<svg\b[^>]*>", html)
    assert charts and all(re.search(r'aria-label="[^"]{20,}"', tag) for tag in charts)
    assert "<img" not in html and "<figcaption" in html and "<caption" in html


def test_every_chart_has_alt_text_with_its_numbers_and_a_table(html):
    alts = re.findall(r'<svg\b[^>]*aria-label="([^"]*)"', html)
    spending = next(a for a in alts if "£668m" in a)
    assert "£154m" in spending and "£81m" in spending
    funding = next(a for a in alts if "36.7%" in a)
    assert "9.8%" in funding
    # the same numbers as a table, in the chart's figure
    assert re.search(r"Council\s+tax</th>\s*<td[^>]*>36.7%</td>", html)


def test_pdf_is_tagged_and_titled(built):
    reader = PdfReader(built / "annual-report.pdf")
    assert reader.metadata.title == "Essex County Council Annual Report 2019/20"
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en-GB"


def test_the_register_lists_every_printed_figure_with_its_source(built, html):
    rows = list(csv.DictReader((built / "figures.csv").open(encoding="utf-8")))
    by_text = {r["text"] for r in rows}
    for figure in PUBLISHED:
        assert figure in by_text
    assert all(r["source"] and r["sections"] for r in rows)
    assert "About the figures" in visible_text(html)


def test_no_traces_of_the_machinery(html, pdf_text):
    for text in (visible_text(html), pdf_text):
        assert "injected" not in text.lower()
        assert "papermill" not in text.lower()
        assert "nan" not in re.findall(r"\b\w+\b", text.lower())
        assert "{{" not in text and "Traceback" not in text


def test_the_colophon_says_who_published_the_report_and_when(html):
    footer = re.search(r'<footer class="colophon">(.*?)</footer>', html, re.S)[1]
    assert visible_text(f"<body>{footer}</body>") == (
        "Published by Essex County Council, October 2020."
    )


# At least forty figures the published Annual Report 2019/20 prints, as it prints them
# (Resources, achievements at a glance and the twelve priorities).
PUBLISHED_REPORT = [
    "£2.1bn",
    "£1.9bn",
    "£668m",
    "25,700",
    "£154m",
    "£81m",
    "673,000",
    "9.8%",
    "36.7%",
    "£186m",
    "3,500",
    "20,000",
    "£300m",
    "14,975",
    "17%",
    "707",
    "52%",
    "58.5%",
    "3.7%",
    "92.2%",
    "92.4%",
    "91.6%",
    "92.5%",
    "59.9%",
    "£93m",
    "£1.1m",
    "£10m",
    "£25m",
    "£3.1m",
    "£2.50",
    "1,600",
    "4,500",
    "£625k",
    "£1.029m",
    "69%",
    "222,200",
    "50,000",
    "£50,000",
    "£1.52m",
    "£4.5m",
    "375,000",
    "1,644",
    "€5.6m",
    "60,000",
    "7,300",
    "£317m",
    "6,500",
    "£2.9m",
    "229",
    "£495,000",
    "£1.8m",
    "2,145",
]


def normalised(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def test_forty_published_figures_appear_in_html_and_pdf(html, pdf_text):
    assert len(PUBLISHED_REPORT) >= 40
    text = visible_text(html)
    missing = [f for f in PUBLISHED_REPORT if f not in text or f not in pdf_text]
    assert missing == []


def test_every_priority_heading_is_there_as_the_report_words_it(html, pdf_text):
    from essex_report.notebook import open_year

    report = open_year("2019/20")
    headings = [report.title_of(p) for t in report.themes for p in report.priorities(t)]
    assert len(headings) == 12
    assert "Aim 1 Priority 1 - Help people in Essex prosper by increasing their skills" in headings
    for heading in [*headings, "Aim 2 - Help people get the best start in life and age well"]:
        assert heading in normalised(visible_text(html))
        assert heading in normalised(pdf_text)


def test_a_changed_value_changes_every_place_it_is_printed(built, html, pdf_text, real_data):
    """One value, one row: change it and rebuild; the new figure is wherever the old was."""
    from decimal import Decimal

    from essex_report.data.formatting import format_value
    from essex_report.data.load import load_workbook
    from essex_report.years import parse_year

    old = load_workbook(real_data).data(parse_year("2019/20")).get("broadband_premises_enabled")
    new_value = old.value + Decimal(1000)
    old_text, new_text = format_value(old.value, "count"), format_value(new_value, "count")
    values = real_data / "2019-20" / "values.csv"
    text = values.read_text(encoding="utf-8")
    row = f"broadband_premises_enabled,,{old.value},"
    assert text.count(row) == 1
    values.write_text(
        text.replace(row, f"broadband_premises_enabled,,{new_value},"), encoding="utf-8"
    )
    output = real_data.parent / "report"
    result = essex_report(
        "build", "--year", "2019/20", "--data-dir", str(real_data), "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    new_html = visible_text((output / "2019-20" / "annual-report.html").read_text("utf-8"))
    reader = PdfReader(output / "2019-20" / "annual-report.pdf")
    new_pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    old_count = visible_text(html).count(old_text)
    assert old_count >= 3  # at a glance, the priority's words, its table (and the register)
    assert new_html.count(new_text) == old_count and old_text not in new_html
    assert new_pdf.count(new_text) == pdf_text.count(old_text) and old_text not in new_pdf


def test_every_value_of_the_year_is_printed(built):
    """Nothing in the year's data is left out of its report (the register proves it)."""
    from essex_report.data.load import load_workbook
    from essex_report.years import parse_year

    data = load_workbook(paths.DATA_DIR).data(parse_year("2019/20"))
    printed = {
        (r["indicator"], r["breakdown"])
        for r in csv.DictReader((built / "figures.csv").open(encoding="utf-8"))
        if r["year"] == "2019/20"
    }
    assert set(data.values) == printed


def test_the_register_is_published_beside_the_report_as_a_web_page(built, html):
    page = (built / "figures.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader((built / "figures.csv").open(encoding="utf-8")))
    assert page.count('<th scope="row">') == len(rows)
    assert '<html lang="en-GB">' in page and '<main id="main"' in page and page.count("<h1>") == 1
    assert "Total spending" in page and "£2.1bn" in page
    assert 'href="figures.html"' in html and 'href="figures.csv"' in html


def test_tables_add_what_the_words_do_not_and_the_register_keeps_the_notes(built, html):
    """No table repeats the figures its section's words print: a table of the change on the
    previous year where there is one, in plain words; no "Basis" column, no "(reported)"; the
    editorial note of a figure (a qualifier as published, a date) is for reviewers, in the
    register's spreadsheet, not the report or the public register page."""
    text = visible_text(html)
    assert "Figures for priority" not in text and "Basis" not in text and "(reported)" not in text
    assert "Change on 2018/19" not in text  # a change is printed only where there is one
    assert "Aim 4 Priority 2: change since 2018/19" in text
    assert re.search(r"Council apprentices\s*147\s*229\s*\+82 \(\+56%\)\s*better", text)
    rows = {
        r["indicator"]: r for r in csv.DictReader((built / "figures.csv").open(encoding="utf-8"))
    }
    assert rows["savings_four_years"]["note"].startswith("no qualifier; total for the last four")
    assert rows["spend_total"]["source_title"] == "Essex County Council Annual Report 2019/20"
    page = visible_text((built / "figures.html").read_text(encoding="utf-8"))
    assert "no qualifier" not in page and "004_b7f5c0302c5152d4.txt" not in page
    assert "spend_total" not in page


def test_the_executed_notebooks_read_as_the_chapters_the_report_prints(built, html):
    """Markdown cells are filled where the code runs: no placeholder is left, and what a
    notebook shows is what the report prints."""
    import nbformat

    from essex_report.run.reader import source

    folder = built / "notebooks"
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "{{" not in source(cell), f"{path.name}: {source(cell)[:60]}"
    achievements = nbformat.read(folder / "achievements.ipynb", as_version=4)
    headings = [source(c) for c in achievements.cells if c.cell_type == "markdown"]
    assert "# 2019/20 achievements at a glance" in headings
    assert "2019/20 achievements at a glance" in visible_text(html)


def test_key_figures_print_their_qualifier_and_period(html, pdf_text):
    """Qualifiers and periods are columns of their own, printed with the figure where it
    stands alone, never read out of a note: the report's own words."""
    for text in (visible_text(html), pdf_text):
        assert "375,000 new trees to plant over the next 5 years" in text.lower()
        assert "over 375,000" not in text
        assert "over £317m" in text and "circa 3,500" in text


def test_the_targets_the_report_states_are_judged_and_registered(built, html, pdf_text):
    for text in (visible_text(html), pdf_text):
        assert "Targets and performance, 2019/20" in text
        assert "90% by March 2023" in text
        assert "Not rated: no figure yet" in text
    rows = list(csv.DictReader((built / "figures.csv").open(encoding="utf-8")))
    statuses = [r for r in rows if r["measure"] == "status"]
    assert len(statuses) == 9 and all(r["basis"] == "derived" for r in statuses)
    grants = next(r for r in rows if r["indicator"] == "funding_share_grants_fees")
    assert (grants["basis"], grants["text"]) == ("derived", "53.5%")
    assert grants["formula"].startswith("100% - funding_share_council_tax (36.7%)")
