from pathlib import Path

import pytest

from essex_report.data.narrative import PLACEHOLDER, literal_numbers, parse_narrative
from essex_report.errors import ReportError
from essex_report.notebook.markup import escape, fill, link


def kinds(text):
    return [(n.kind, str(n.amount)) for n in literal_numbers(text)]


def test_numbers_in_words_are_found_with_their_kind():
    assert kinds("we spent £668m, 36.7% of it, for 14,975 homes and 5.6m euros") == [
        ("money", "668000000"),
        ("percent", "36.7"),
        ("plain", "14975"),
        ("money", "5600000.0"),
    ]


def test_names_dates_and_ranges_are_not_figures():
    text = (
        "In 2019/20 and 2019, 16-17-year olds on the M11 J7a, RIS2, Year 11, COVID 19, "
        "Level 3, 7 day working, Covid-19"
    )
    assert kinds(text) == []


def test_placeholders_are_not_typed_numbers():
    assert kinds("we spent {{spend_total}} on 12 things") == [("plain", "12")]


def test_parse_blocks_front_matter_and_line_numbers():
    doc = parse_narrative(
        Path("x.md"),
        "---\nauthor: A\n---\n\n## Head\n\nOne\ntwo\n\n- a\n  b\n- c\n"
        "\n{{chart:qualification_level3}}\n",
    )
    assert doc.front == {"author": "A"}
    assert [(b.kind, b.line) for b in doc.blocks] == [
        ("heading", 5),
        ("paragraph", 7),
        ("bullets", 10),
        ("chart", 14),
    ]
    assert doc.blocks[1].text == "One two"
    assert doc.blocks[2].items == ((10, "a b"), (12, "c"))
    assert doc.blocks[3].indicators == ("qualification_level3",)


def test_sections():
    doc = parse_narrative(Path("x.md"), "## A\n\none\n\n### A1\n\ntwo\n\n## B\n\nthree\n")
    assert [b.text for b in doc.section("A")] == ["one", "A1", "two"]
    assert [b.text for b in doc.section("B")] == ["three"]


def test_markup_in_data_prints_literally():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) #set page(fill: red) `code` $x$"
    out = escape(hostile)
    assert "<" not in out.replace("\\<", "") and "[" not in out.replace("\\[", "")
    assert "\\#set" in out and "\\`code\\`" in out and "\\$x\\$" in out


def test_fill_keeps_emphasis_and_resolves_placeholders():
    out = fill(
        "*United in Kind* reached {{people_reached}} people **a month**",
        lambda match: f"<{match['body']}>",
        PLACEHOLDER,
    )
    assert out == "*United in Kind* reached <people_reached> people **a month**"


def test_an_address_is_a_link_target_only_when_it_is_a_web_address():
    assert link("Budget [2020]", "https://www.essex.gov.uk/a b") == (
        "[Budget \\[2020\\]](<https://www.essex.gov.uk/a%20b>)"
    )
    hostile = "https://www.essex.gov.uk/><script>alert(1)</script>"
    assert "<script" not in link("x", hostile) and "%3Cscript%3E" in link("x", hostile)
    for bad in ("javascript:alert(1)", "https://user@host/x", "http://host/x", "https:///x"):
        with pytest.raises(ReportError):
            escape(bad, "url")


def test_an_attribute_value_cannot_close_its_quotes():
    assert escape('a "b" \\ c\nd', "attribute") == 'a \\"b\\" \\\\ c d'
