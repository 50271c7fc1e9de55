"""The PDF as a publisher checks it: the brand's font embedded, a cover, contents on their own
page, running heads and "Page N of M", key figures as tiles, tables and charts kept whole.

Read from the built-in renderer's 2019/20 (conftest `builtin_2019`); tests/test_quarto.py
checks that Quarto's PDF has the same pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import repo as paths

from .conftest import Built
from .documents import compact, numbered, read_pdf, squeeze

TITLE = "Essex County Council Annual Report 2019/20"


@pytest.fixture(scope="module")
def pdf_path(builtin_2019: Built) -> Path:
    return builtin_2019.folder / "annual-report.pdf"


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[str]:
    return read_pdf(pdf_path).pages


@pytest.fixture(scope="module")
def source(builtin_2019: Built) -> str:
    return (builtin_2019.folder / "source" / "annual-report.md").read_text(encoding="utf-8")


def plain(text: str) -> str:
    """Text to compare, from the Markdown or the PDF: no escapes, straight quotes, no spaces."""
    return compact(text.replace("\\", "").replace("\u2019", "'").replace("\u2018", "'"))


def sized_text(pdf_path: Path, page: int) -> list[tuple[str, float, str]]:
    """(text, font size, font) of every run of text on a page, in order."""
    runs: list[tuple[str, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((squeeze(text), size * tm[0], str(font.get("/BaseFont")) if font else ""))

    PdfReader(pdf_path).pages[page].extract_text(visitor_text=visit)
    return runs


@pytest.mark.e2e
def test_every_font_is_lato_and_embedded(pdf_path):
    fonts = {}
    for page in PdfReader(pdf_path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font.get("/DescendantFonts") or [font])[0].get_object()
            descriptor = descriptor["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).split("+")[-1]] = embedded
    assert fonts and all(name.startswith("Lato-") for name in fonts), fonts
    assert all(fonts.values()), fonts
    assert {"Lato-Regular", "Lato-Bold"} <= set(fonts)


@pytest.mark.e2e
def test_a_cover_then_the_contents_on_their_own_page(pages, source):
    assert pages[0] == "Essex County Council Annual Report 2019/20 Published October 2020"
    assert pages[1].startswith("Contents Foreword")
    assert pages[1].endswith(f"Page 2 of {len(pages)}")
    first_chapter = re.search(r"^# (.+)$", source, re.M)[1]
    assert pages[2].startswith(first_chapter) and "Contents" not in pages[2]


@pytest.mark.e2e
def test_running_heads_and_page_n_of_m(pages, source):
    chapters = re.findall(r"^# (.+)$", source, re.M)
    chapter = None
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(f"Essex County Council Page {number} of {len(pages)}"), number
        opening = [c for c in chapters if text.startswith(squeeze(c))]
        if opening or text.startswith("Contents"):
            chapter = opening[0] if opening else None
            continue  # a chapter's band names it: no running head
        assert text.startswith(f"{TITLE} {chapter}"), (number, text[:120])


@pytest.mark.e2e
def test_key_figures_are_tiles_of_a_big_number_and_its_label(pdf_path, pages, source):
    tiles = re.findall(r"\[(?:\[(\w+)\]\{\.qualifier\} )?([^\]]+)\]\{\.number\}\n\n(.+)\n", source)
    assert len(tiles) >= 20 and any(qualifier for qualifier, _, _ in tiles)
    text = plain(" ".join(pages))
    for qualifier, number, label in tiles:
        assert plain(qualifier + number + label) in text, label
    glance = next(i for i, p in enumerate(pages) if p.startswith("2019/20 achievements"))
    runs = sized_text(pdf_path, glance)
    sizes = {t: size for t, size, _ in runs}
    assert sizes["14,975"] >= 2 * sizes["Inward investment projects"]  # its label, wrapped


@pytest.mark.e2e
def test_captions_are_titles_without_numbers(pages, source):
    text = " ".join(pages)
    assert numbered(text, "Figure") == [] and numbered(text, "Table") == []
    for caption in re.findall(r"^: (.+)$", source, re.M):
        assert plain(caption) in plain(text)


@pytest.mark.e2e
def test_a_table_that_fits_a_page_is_never_split(pages, source):
    """Each captioned table's rows all print on the page of its caption."""
    tables = re.findall(r"((?:^\|.*\|\n)+)\n: (.+)\n", source, re.M)
    assert len(tables) >= 1
    for rows, caption in tables:
        labels = [r.split("|")[1] for r in rows.splitlines()[2:]]
        page = plain(next(p for p in pages if plain(caption) in plain(p)))
        assert [label for label in labels if plain(label) not in page] == [], caption


@pytest.mark.e2e
def test_a_chart_and_its_data_share_a_page(pdf_path, pages, source):
    charts = re.findall(r"^!\[(.+)\]\(.*\n\n<details.*\n.*\n\n((?:\|.*\|\n)+)", source, re.M)
    assert len(charts) >= 5
    for caption, rows in charts:
        page = plain(next(p for p in pages if plain(caption) in plain(p)))
        values = [r.split("|")[-2] for r in rows.splitlines()[2:]]
        assert "Dataforthischart" in page, caption
        assert [v for v in values if plain(v) not in page] == [], caption


CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="160" viewBox="0 0 300 160">'
    '<rect x="0" y="20" width="250" height="40" fill="#12436D"/></svg>'
)


def test_a_chart_keeps_its_data_wherever_it_falls(tmp_path):
    """Charts at every height of the page (more words before each): none is parted from its
    data, whose table would otherwise start the next page on its own."""
    from essex_report.render.base import render_folder
    from essex_report.render.builtin import BuiltinRenderer

    sections = []
    for k in range(1, 25):
        words = "\n\n".join(f"Words {k}.{n} of the section before chart {k}." for n in range(k))
        sections.append(
            f'{words}\n\n![Chart {k}](chart.svg){{fig-alt="Chart {k}: one bar."}}\n\n'
            '<details class="chart-data">\n<summary>Data for this chart</summary>\n\n'
            f"| Area | Value |\n|:--|--:|\n| A | {k}1 |\n| B | {k}2 |\n| C | {k}3 |\n\n</details>\n"
        )
    with render_folder() as folder:
        (folder / "chart.svg").write_text(CHART)
        document = folder / "charts.md"
        document.write_text(
            "---\ntitle: Charts\nlang: en-GB\n---\n\n# Charts\n\n" + "\n".join(sections)
        )
        pages = read_pdf(BuiltinRenderer().render(document, paths.PROJECT, ["pdf"])["pdf"]).pages
    assert len(pages) > 5
    for k in range(1, 25):
        page = next(p for p in pages if f"Chart {k} " in p or p.endswith(f"Chart {k}"))
        assert all(f"{k}{row}" in page.split() for row in (1, 2, 3)), k


def test_a_long_table_breaks_with_its_header_on_every_page(tmp_path):
    from essex_report.render.base import render_folder
    from essex_report.render.builtin import BuiltinRenderer

    rows = "\n".join(f"| Row {n} of the long table | {n} |" for n in range(1, 121))
    table = f"| Figure heading | Value heading |\n|:--|--:|\n{rows}\n\n: A long table\n"
    with render_folder() as folder:
        document = folder / "long.md"
        document.write_text(f"---\ntitle: Long\nlang: en-GB\n---\n\n# Tables\n\nWords.\n\n{table}")
        pages = read_pdf(BuiltinRenderer().render(document, paths.PROJECT, ["pdf"])["pdf"]).pages
    holding = [p for p in pages if "Row " in p]
    assert len(holding) >= 3 and "A long table" in holding[0]
    # no row without its header: the header row starts every page the table runs onto
    for page in holding:
        assert re.search(r"Figure heading Value heading Row \d+ of", page), page[:200]


@pytest.mark.e2e
def test_a_reader_is_given_the_title_headings_tables_and_contents_as_the_web_page(pdf_path):
    """The cover's title is the PDF's one H1 and chapters are H2 (the web page's levels);
    every table body row starts with a row header; the contents' page numbers are read."""
    from .documents import page_text_by_kind, structure, table_rows

    tags = structure(pdf_path)
    headings = [(tag, title) for tag, title in tags if re.fullmatch(r"H\d", tag)]
    assert headings[0] == ("H1", "Annual Report 2019/20")
    assert [t for t, _ in headings].count("H1") == 1
    assert ("H2", "Contents") in headings and ("H2", "Resources") in headings
    assert ("H3", "Our spending") in headings
    rows = table_rows(pdf_path)
    assert len(rows) >= 20
    assert all(row[0] == ("TH", "/Row") and {t for t, _ in row[1:]} <= {"TD"} for row in rows)
    read, furniture = page_text_by_kind(pdf_path, 1)
    assert "Resources" in read and re.search(r"Resources \d+ ", read)  # its page number
    assert "Page 2 of" in furniture and "Page 2 of" not in read


def test_row_headers_are_added_to_a_typst_pdf_which_stays_pdf_ua_1(tmp_path):
    """Typst tags only the header row; the first cell of every body row becomes a row
    header, named by the row's other cells, and the PDF still passes PDF/UA-1."""
    import page as validator
    import typst

    from essex_report.render.pdf import row_headers

    from .documents import table_rows

    source = tmp_path / "t.typ"
    source.write_text(
        '#set document(title: "Tables")\n#set text(lang: "en")\n= Tables\n'
        "#table(columns: 3, table.header([Area], [2018], [2019]),"
        " [Essex], [92.2%], [91.6%], [England], [92.4%], [92.5%])\n"
        "#table(columns: 2, table.header([Service], [Spending]), [Adults], [£668m])\n",
        encoding="utf-8",
    )
    pdf = tmp_path / "t.pdf"
    typst.compile(str(source), output=str(pdf), pdf_standards=["ua-1"])
    assert table_rows(pdf)[0] == [("TD", ""), ("TD", ""), ("TD", "")]  # as Typst tags it
    assert row_headers(pdf) == 3
    assert table_rows(pdf) == [
        [("TH", "/Row"), ("TD", ""), ("TD", "")],
        [("TH", "/Row"), ("TD", ""), ("TD", "")],
        [("TH", "/Row"), ("TD", "")],
    ]
    report = validator.validate_pdf(pdf, profile="ua1")
    assert report.is_compliant and report.rules.failed == 0, report.failures
    assert "£668m" in PdfReader(pdf).pages[0].extract_text()


@pytest.mark.e2e
def test_no_page_is_less_than_half_full_but_before_an_opening(pdf_path):
    """Laid out like the published report: a page less than half full only where the next
    opens a chapter or an aim (each on a page of its own), or at the end; and each aim of the
    performance chapter opens a page."""
    from .documents import page_fill

    pdf = read_pdf(pdf_path)
    openings = {title for level, title, _ in pdf.outline if level <= 2}
    fills = page_fill(pdf_path)
    short = [
        (number, round(fill, 2), fills[number][1][:40])
        for number, (fill, _) in enumerate(fills[1:-1], start=1)
        if fill < 0.5 and fills[number + 1][1] not in openings
    ]
    assert short == []
    aims = [title for level, title, _ in pdf.outline if re.match(r"Aim \d - ", title)]
    assert len(aims) == 4 and all(any(first == aim for _, first in fills) for aim in aims)
