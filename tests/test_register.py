import csv
import dataclasses
import io

from essex_report.document.register import Row, merge, neutralise, to_csv
from essex_report.document.stitch import Entry
from essex_report.notebook.parts import Printed


def record(section, **overrides):
    base = dict(
        indicator="spend_total",
        breakdown="",
        year="2019/20",
        label="Total spending",
        value="2.1",
        unit="GBP bn",
        basis="reported",
        text="£2.1bn",
        source="004_b7f5c0302c5152d4.txt",
        source_section="Resources > Our spending",
    )
    return Entry(Printed(**{**base, **overrides}), section)


def test_one_row_per_figure_with_every_section():
    rows = merge([record("Resources"), record("At a glance"), record("Resources")])
    assert len(rows) == 1
    assert rows[0].sections == "Resources; At a glance"


def test_formula_prefixes_are_neutralised():
    for cell in ("=1+1", "+44", "-3", "@SUM(A1)"):
        assert neutralise(cell).startswith("'")
    assert neutralise("£2.1bn") == "£2.1bn"
    text = to_csv(merge([record('=cmd|" /C calc"!A0')]))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["sections"].startswith("'=")


def test_the_public_page_names_sources_and_keeps_notes_and_ids_for_reviewers():
    """figures.html: each source by its title, publisher, date and section, and no data
    identifiers or editors' notes; figures.csv keeps both, and names the source too."""
    from essex_report.data.model import Source
    from essex_report.document.register import to_html

    seed = "004_b7f5c0302c5152d4.txt"
    sources = {
        seed: Source(
            seed, "Essex County Council Annual Report 2019/20", "Essex County Council",
            "October 2020", "",
        ),
        "https://www.bbc.com/news/x": Source(
            "https://www.bbc.com/news/x", "BBC News: the budget", "BBC News", "",
            "https://www.bbc.com/news/x",
        ),
    }  # fmt: skip
    rows = merge(
        [
            record("Resources > Our spending", note="no qualifier; 'over the past year'"),
            record("Resources", indicator="band_d_total", source="https://www.bbc.com/news/x",
                   source_section="", label="Band D council tax", text="£1,401.12"),
        ]
    )  # fmt: skip
    page = to_html(rows, "Essex County Council Annual Report 2019/20", sources)
    assert seed not in page and "spend_total" not in page and "no qualifier" not in page
    assert (
        "<cite>Essex County Council Annual Report 2019/20</cite> (Essex County Council, "
        "October 2020), Resources: Our spending"
    ) in page
    assert '<a href="https://www.bbc.com/news/x">BBC News: the budget</a> (BBC News)' in page
    assert "result for the year" in page and ">reported<" not in page
    assert 'href="figures.csv">figures.csv<' not in page  # links say where they lead
    table = list(csv.DictReader(io.StringIO(to_csv(rows, sources))))
    assert table[0]["indicator"] == "spend_total" and table[0]["note"].startswith("no qualifier")
    assert table[0]["source"] == seed
    assert table[0]["source_title"] == "Essex County Council Annual Report 2019/20"
    assert table[1]["source_url"] == "https://www.bbc.com/news/x"


def test_a_figure_printed_otherwise_than_the_data_prints_it_is_found(good_data):
    """Issue 16: a notebook that changes how figures print (Figures.text patched in a cell)
    made the page and the register say £9.9bn where the data says 2.1 (£2.1bn)."""
    from essex_report.data.load import load_workbook
    from essex_report.document.register import misprinted

    book = load_workbook(good_data)
    good = Printed("spend_total", "", "2019/20", "Total", "2.1", "GBP bn", "reported",
                   "£2.1bn", "s", "")  # fmt: skip
    assert misprinted([Row(good, "Resources")], book) is None
    forged = dataclasses.replace(good, text="£9.9bn")
    assert misprinted([Row(forged, "Resources")], book) == (
        "figures.csv would list spend_total for 2019/20 as 2.1, printed £9.9bn, but the data "
        "holds 2.1, printed £2.1bn: a notebook changed a figure or how it prints"
    )
    other = dataclasses.replace(good, value="9.9")
    assert "as 9.9, printed £2.1bn, but the data holds 2.1" in (
        misprinted([Row(other, "Resources")], book) or ""
    )
    missing = dataclasses.replace(good, indicator="capital_investment")
    assert "not in the data" in (misprinted([Row(missing, "Resources")], book) or "")
