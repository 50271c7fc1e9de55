"""The notebook API on a small data set: what each building block prints and registers, and
that a figure missing for a year is never an error while a name not in the data is."""

from __future__ import annotations

import re

import pytest

from essex_report.errors import ReportError
from essex_report.notebook import Year, open_year
from essex_report.notebook.parts import PAYLOAD_MIME, Parts
from essex_report.notebook.words import CellProblem


@pytest.fixture
def report(good_data) -> Year:
    return open_year("2019/20", good_data)


def test_a_narrative_section_prints_its_heading_words_and_figures(report):
    parts = report.narrative("resources.md", "Our spending")
    text = "\n\n".join(p.markdown for p in parts)
    assert text.startswith("## Our spending\n\nOver the past year, we have spent £2\\.1bn")
    figures = [(f.indicator, f.text, f.heading) for p in parts for f in p.figures]
    assert figures[0] == ("spend_total", "£2.1bn", (2, "Our spending"))
    assert {("resources.md", 1), ("resources.md", 3)} <= {x for p in parts for x in p.printed}


def test_a_narrative_chart_line_becomes_a_chart_and_its_data(report):
    parts = report.narrative("performance/skills.md", level=4)
    kinds = [p.kind for p in parts]
    assert kinds == ["markdown", "chart", "chart-data", "markdown"]
    chart = parts[1]
    assert chart.svg.startswith("<svg") and "52%" in chart.alt and "58.5%" in chart.alt
    assert "#### What next?" in parts[3].markdown and "*working*" in parts[3].markdown


def test_missing_figures_files_and_sections_print_nothing_or_not_available(report):
    assert report.narrative("contact.md") == Parts()
    assert report.narrative("resources.md", "Our Spending") == Parts()
    assert not report.table(["capital_investment"], "Capital")
    assert report.bar_chart(["capital_investment", "spend_day_to_day"], "x", "y") == Parts()
    assert report.trend_chart("spend_total") == Parts()


def test_words_never_print_not_available_inside_a_sentence(report):
    """Issue 16: "we have spent not available on", at exit 0."""
    with pytest.raises(CellProblem, match=r"'\{\{capital_investment\}\}' names a figure 2019/20"):
        report.words("We invested {{capital_investment}} in {{year}}.")
    with pytest.raises(CellProblem, match="capital_investment"):
        report.markdown_cell("We invested {{capital_investment}}.")


@pytest.mark.parametrize(
    ("written", "braces"),
    [("{spend_total}", "one brace"), ("{{{spend_total}}}", "three braces"), ("{ year }", "one")],
)
def test_a_placeholder_with_the_wrong_braces_is_refused(report, written, braces):
    for fill in (report.words, report.markdown_cell):
        with pytest.raises(CellProblem, match=braces):
            fill(f"We have spent {written} on it.")


def test_a_name_not_in_the_data_is_a_one_line_error(report):
    with pytest.raises(ReportError, match=r"'spend_totl' is not an indicator .*'spend_total'"):
        report.table(["spend_totl"], "x")
    with pytest.raises(ReportError, match=r"'resource.md' is not a narrative file .*resources"):
        report.narrative("resource.md")


def test_a_table_gives_the_figures_and_changes_compare_with_the_previous_year(report):
    part = report.table(["broadband_premises_enabled", "spend_total"], "Figures, 2019/20")
    assert part.kind == "table" and part.markdown.endswith("\n: Figures, 2019/20\n")
    assert part.markdown.startswith("| Figure | 2019/20 |")  # no "Basis", no change column
    assert [f.text for f in part.figures] == ["14,975", "£2.1bn"]
    compared = report.change_table(["broadband_premises_enabled", "spend_total"], "Since 2018/19")
    assert compared.markdown.startswith("| Figure | 2018/19 | 2019/20 | Change | Direction |")
    rows = [r for r in compared.markdown.splitlines() if r.startswith("| Premises")]
    # the change in per cent with the precision of the figures compared (whole numbers)
    assert rows == [
        "| Premises enabled to access superfast broadband | 12,000 | 14,975 | "
        "\\+2,975 (\\+25%) | better |"
    ]
    assert "Total spending" not in compared.markdown  # no 2018/19 figure: no row at all
    assert [f.text for f in compared.figures] == ["12,000", "14,975", "+2,975 (+25%)"]
    assert compared.figures[2].measure == "change" and compared.figures[2].basis == "derived"
    assert not report.change_table(["spend_total"], "Nothing to compare")


def test_one_bar_is_not_a_chart_but_a_table(report):
    parts = report.bar_chart(["spend_total", "capital_investment"], "Spending", "Kind")
    assert [p.kind for p in parts] == ["table"]
    assert parts[0].figures[0].text == "£2.1bn"


def test_parts_display_as_markdown_or_svg_with_their_payload(report):
    words = report.words("{{spend_total}}")
    data, _ = words.bundle()
    assert data["text/markdown"] == "£2\\.1bn"
    assert data[PAYLOAD_MIME]["figures"][0]["indicator"] == "spend_total"
    chart = report.breakdown_chart(["qualification_level3"])[0]
    data, _ = chart.bundle()
    assert "image/svg+xml" in data and data["text/plain"] == chart.alt


def test_markdown_cells_fill_placeholders_and_refuse_typed_figures(report):
    part = report.markdown_cell("# Money\n\nWe spent **{{spend_total}}** in {{year}}.")
    assert part.markdown == "# Money\n\nWe spent **£2\\.1bn** in 2019/20\\."
    assert part.figures[0].heading == (1, "Money")
    with pytest.raises(CellProblem, match=r"^.spend_totl. is not an indicator"):
        report.markdown_cell("We spent {{spend_totl}}.")
    with pytest.raises(CellProblem) as refused:
        report.markdown_cell("We spent £2.1bn.")
    assert "the number '£2.1bn' is typed in the text" in str(refused.value)
    assert "write {{spend_total}} instead" in str(refused.value)


def test_data_text_in_headings_is_printed_literally(report):
    assert report.heading("<b>1</b> # {{x}}", 2).markdown == "## \\<b\\>1\\</b\\> \\# \\{\\{x\\}\\}"


def test_the_figures_of_a_narrative_file_leave_out_the_year_placeholder(good_data):
    skills = good_data / "2019-20" / "narrative" / "performance" / "skills.md"
    skills.write_text("In {{year}}, {{qualification_level3[Essex]}}.\n", encoding="utf-8")
    report = open_year("2019/20", good_data)
    assert report.placeholders("performance/skills.md") == [("qualification_level3", "Essex")]
    assert report.table(report.placeholders("performance/skills.md"), "x").figures


def test_key_figures_are_tiles_of_the_first_figure_of_each_bullet(report):
    part = report.key_figures("at-a-glance/aim-1.md")
    assert part.kind == "tiles" and part.markdown.startswith(":::: {.key-figures}")
    assert "[14,975]{.number}" in part.markdown
    assert "Premises enabled to access superfast broadband" in part.markdown  # the label
    assert [f.indicator for f in part.figures] == ["broadband_premises_enabled"]
    assert not report.key_figures("contact.md")  # no such file this year: no tiles


def test_a_key_figure_keeps_the_qualifier_its_data_gives():
    tiles = open_year("2019/20").key_figures("at-a-glance/aim-2.md").markdown
    assert "[[circa]{.qualifier} 3,500]{.number}" in tiles
    assert "[[over]{.qualifier} 250]{.number}" in tiles


def test_the_api_s_pieces_compose_without_a_class_chain(good_data):
    """Year composes the modules; each can be used on its own with the year's figures."""
    from essex_report.data.load import load_workbook
    from essex_report.notebook import charting, funding, sources, tables
    from essex_report.notebook.figures import Figures
    from essex_report.notebook.year import Year as YearClass
    from essex_report.years import parse_year

    year = parse_year("2019/20")
    figures = Figures(load_workbook(good_data, year), year)
    assert figures.change("broadband_premises_enabled").delta == 2975
    assert tables.table(figures, ["spend_total"], "t").figures[0].text == "£2.1bn"
    assert charting.breakdown_chart(figures, ["qualification_level3"])[0].kind == "chart"
    # the published shares, as a chart of three bars
    assert funding.shares_chart(figures, "funding_lines_total", "Funding", "Source")
    assert "Annual Report 2019/20" in sources.sources_list(figures).markdown
    assert not issubclass(YearClass, Figures)  # composed, not inherited


def test_captions_and_labels_say_each_phrase_once():
    """Labels keep what tells them apart; a caption names its subject and year once."""
    from essex_report.notebook.charting import shared_start

    assert shared_start(
        ["Share of spending funded by council tax", "Share of spending funded by business rates"]
    ) == ("Share of spending funded by", ["Council tax", "Business rates"])
    assert shared_start(["Day-to-day spending on services", "Capital investment"]) == (
        "",
        ["Day-to-day spending on services", "Capital investment"],
    )
    assert shared_start(["Spending on adults", "Spending on children"])[0] == "Spending on"
    assert shared_start(["Total spending", "Total"]) == ("", ["Total spending", "Total"])
    report = open_year("2019/20")
    chart, data = report.breakdown_chart(
        ["participation_learning_2018_leavers", "participation_learning_2019_leavers"]
    )
    assert chart.caption == "Participation in learning"  # not "..., 2018 ... and ..., 2019"
    assert data.markdown.startswith("| Area | 2018 Year 11 leavers | 2019 Year 11 leavers |")
    assert chart.alt.count("Participation in learning") == 0
    trend = open_year("2022/23").trend_chart("capital_investment", least=2)[0]
    assert trend.caption == "Capital investment (budget), 2017/18 to 2022/23"
    assert (
        "(reported)"
        not in report.bar_chart(["spend_total", "spend_day_to_day"], "x", "y")[0].caption
    )


def test_a_year_without_words_is_a_report_of_its_figures_saying_once_what_it_lacks():
    report = open_year("2022/23")
    assert report.figures_only and not open_year("2019/20").figures_only
    assert not report.unavailable("The foreword")  # said once, in about_figures_only
    assert "not available in the data" in report.about_figures_only().markdown
    parts = report.figures_by_theme("performance")
    assert [p.kind for p in parts] == ["table"]  # no area's words place them: one table
    assert "Household waste reused, recycled or composted" in parts[0].markdown
    assert parts[0].caption == "Performance figures, 2022/23"


def test_a_figures_report_groups_figures_under_the_aims_whose_words_print_them():
    """2020/21 has no words; the 2019/20 words of the same framework print the Green Flag
    awards under Aim 3, so 2020/21's figure goes there, with its change on 2019/20."""
    from essex_report.notebook.grouping import themes_of_figures

    report = open_year("2020/21")
    placed = themes_of_figures(report.figures, report.framework)
    assert placed["green_flag_awards"].id == "aim-3"
    parts = report.figures_by_theme("performance")
    headings = [p.markdown for p in parts if p.markdown.startswith("## ")]
    assert headings == [
        "## Aim 3 \\- Help create great places to grow up, live and work",
        "## Other figures",
    ]
    compared = next(p for p in parts if "change since 2019/20" in p.caption)
    assert "| Green Flag awards for country parks | 7 | 7 | no change |  |" in compared.markdown


def test_the_figures_behind_a_section_are_one_click_away_on_the_web_page():
    """Not a table repeating the words: on the web page only, a folded list of the section's
    figures under the publications they come from, its toggle named after the section."""
    report = open_year("2019/20")
    part = report.figures_here(report.placeholders("performance/skills.md"), "Aim 1 Priority 1")
    text = part.markdown
    assert text.startswith("::: {.web-only}\n<details") and text.endswith("</details>\n:::")
    assert "<summary>The figures of Aim 1 Priority 1 and their sources</summary>" in text
    assert "From *Essex County Council Annual Report 2019/20*, Essex County Council, " in text
    assert "- Unemployment of 16\\-17\\-year\\-olds: Essex: 3\\.7% (Aim 1 Priority 1: " in text
    hostile = report.figures_here(["spend_total"], "<b>x</b> & y").markdown
    assert "<summary>The figures of &lt;b&gt;x&lt;/b&gt; &amp; y and their sources" in hostile
    assert not report.figures_here([], "Aim 9")


def test_a_year_before_every_framework_says_so_once_and_has_no_framework_chapter():
    report = open_year("2016/17")
    assert report.framework is None and report.figures_only
    assert report.framework_table() == Parts()  # its heading, with nothing under it, is left out
    said = report.about_figures_only().markdown
    assert said.count("No strategic framework in the data applies to 2016/17") == 1


HOSTILE_CELL = [
    "<script>alert(1)</script>",
    '<iframe src="http://127.0.0.1:8765/f"></iframe>',
    '<img src="http://127.0.0.1:8765/i.png">',
    "[a](javascript:alert(2)) and [b](https://example.org/x)",
    "<style>body{display:none}</style>",
    "```{=typst}\n#set page(fill: red)\n```",
    "`#set page(fill: red)`{=typst} and $x^2$ and @ref",
    "::: {.callout-warning}\nwarned\n:::",
    "    indented like code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Term\n: a definition",
    "<!-- a comment -->",
]


@pytest.mark.parametrize("hostile", HOSTILE_CELL)
def test_a_markdown_cell_s_own_markup_prints_as_written(report, hostile):
    """Issue 16 (1): a notebook Markdown cell reached the HTML and the PDF live; narrative
    files escape the same text. Only the words' subset is kept."""
    markdown = report.markdown_cell(hostile).markdown
    live = re.sub(r"\\.", "", markdown)  # what is left once every escaped character is taken out
    for mark in ("<", "](", "`", "{", "$", "@", "\n    ", "|", "#", "*"):
        assert mark not in live
    # a colon starting a line would open a div or make a definition
    assert not any(line.lstrip().startswith(":") for line in markdown.split("\n"))
    printed = [re.sub(r"\\(.)", r"\1", line) for line in markdown.split("\n")]
    assert printed == [line.strip() for line in hostile.split("\n")]


def test_a_quarto_shortcode_in_a_markdown_cell_is_refused(report):
    with pytest.raises(CellProblem, match=r"'\{\{< meta title >\}\}' is not a placeholder"):
        report.markdown_cell("The title is {{< meta title >}}.")


def test_a_markdown_cell_keeps_the_words_subset_and_links_to_the_report_s_own_files(report):
    written = (
        "# About {{year}}\n\n- **one** and *two*\n  - nested\n1. first\n\n"
        "See [the register](figures.html) and [the data](figures.csv)."
    )
    assert report.markdown_cell(written).markdown == (
        "# About 2019/20\n\n- **one** and *two*\n  - nested\n1. first\n\n"
        "See [the register](figures.html) and [the data](figures.csv)\\."
    )


def test_a_hidden_character_in_a_markdown_cell_is_named(report):
    with pytest.raises(CellProblem, match=r"line 2 holds U\+202E RIGHT-TO-LEFT OVERRIDE"):
        report.markdown_cell("# Title\nWe \u202espent")
