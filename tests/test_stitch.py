"""The stitcher honours Quarto's cell options, keeps code, parameters and logs off the page,
treats Markdown cells as words, and registers every figure under the headings above it."""

import base64

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from essex_report.document.stitch import Chapter, Stitched, printed_headings, stitch_notebook
from essex_report.errors import BuildError
from essex_report.notebook.parts import PAYLOAD_MIME, Part, Printed
from essex_report.run.reader import META, cell_options

PNG = base64.b64encode(b"\x89PNG fake").decode()


def cell(source, *outputs, tags=()):
    made = new_code_cell(source, outputs=list(outputs))
    made.metadata["tags"] = list(tags)
    return made


def shown(part: Part):
    data, metadata = part.bundle()
    return new_output("display_data", data=data, metadata=metadata)


def figure(indicator="spend_total", text="£2.1bn", heading=None):
    return Printed(
        indicator, "", "2019/20", "Total", "2.1", "GBP bn", "reported", text, "s", "", heading
    )


def filled(written: str, markdown: str, *figures: Printed):
    """A Markdown cell as the build's engine leaves it: filled, with what it printed."""
    made = new_markdown_cell(markdown)
    made.metadata[META] = {"source": written, "payload": Part(markdown, figures).payload()}
    return made


def words(markdown: str):
    """A Markdown cell of words the engine filled (nothing to escape, no figures)."""
    return filled(markdown, markdown)


def stitched(*cells, defaults=None):
    nb = new_notebook(cells=list(cells))
    into = Stitched()
    chapter = Chapter("notebooks/demo.ipynb", "files", {"echo": False, **(defaults or {})})
    stitch_notebook(nbformat.from_dict(nb), chapter, into)
    return into


def sections(out: Stitched) -> list[tuple[str, str]]:
    return [(e.figure.indicator, e.section) for e in out.entries]


def test_cell_options_are_read_from_the_top_of_the_cell():
    options, code = cell_options("#| echo: true\n#| fig-cap: 'A: b'\nx = 1\n#| not an option")
    assert options == {"echo": True, "fig-cap": "A: b"}
    assert code == "x = 1\n#| not an option"


def test_parameters_code_and_logs_never_reach_the_page():
    out = stitched(
        cell('year = "2019/20"', tags=["parameters"]),
        cell('year = "2018/19"', shown(Part("INJECTED")), tags=["injected-parameters"]),
        cell("print('log')", new_output("stream", name="stdout", text="a log line")),
        cell("x", new_output("execute_result", data={"text/plain": "'a value'"})),
        words("# Resources"),
        cell("show()", shown(Part("Words", (figure(),)))),
        cell("scratch()", shown(Part("scratch")), tags=["remove-cell"]),
    )
    assert out.markdown == ["# Resources", "Words"]
    assert sections(out) == [("spend_total", "Resources")]


def test_echo_include_and_output_options_and_the_execute_defaults():
    out = stitched(
        cell("#| echo: true\nx = 1", shown(Part("shown"))),
        cell("#| include: false\ny = 2", shown(Part("hidden by include"))),
        cell("#| output: false\nz = 3", shown(Part("hidden by output"))),
        words("Prose from a markdown cell\\."),
    )
    assert out.markdown == ["```python\nx = 1\n```", "shown", "Prose from a markdown cell\\."]
    echoed = stitched(cell("w = 4", shown(Part("out"))), defaults={"echo": True})
    assert echoed.markdown == ["```python\nw = 4\n```", "out"]


def test_figures_are_registered_under_the_headings_they_print_beneath():
    part = Part(
        "## Our investments\n\n### Invest to grow\n\ntext £3,500",
        (figure("a", heading=(3, "Invest to grow")),),
    )
    out = stitched(
        words("# Resources"),
        cell("a", shown(Part("Before any sub-heading", (figure("b"),)))),
        cell("b", shown(part)),
        cell("c", shown(Part("## Next year \\- plans", (figure("c"),)))),
    )
    assert dict(sections(out)) == {
        "b": "Resources",
        "a": "Resources > Our investments > Invest to grow",
        "c": "Resources > Our investments > Invest to grow",  # a figure above the heading
    }
    assert out.path == ["Resources", "Next year - plans"]


def test_markdown_cells_arrive_filled_with_the_figures_they_print():
    cell_ = filled(
        "# Resources\n\nWe spent {{spend_total}}.",
        "# Resources\n\nWe spent £2\\.1bn.",
        figure(heading=(1, "Resources")),
    )
    out = stitched(cell_)
    assert out.markdown == ["# Resources\n\nWe spent £2\\.1bn."]
    assert out.entries[0].figure.text == "£2.1bn" and out.entries[0].section == "Resources"


@pytest.mark.parametrize("text", ["we spent {{spend_total}}", "<script>alert(1)</script>"])
def test_a_markdown_cell_not_filled_by_the_build_names_the_notebook_and_cell(text):
    """Issue 16: a cell the engine did not fill would print its own Markdown, HTML too."""
    with pytest.raises(BuildError, match=r"notebook notebooks/demo.ipynb, cell 3: its words"):
        stitched(
            cell('year = "2019/20"', tags=["parameters"]),
            cell('year = "2019/20"', tags=["injected-parameters"]),  # not counted: Papermill's
            words("# Title"),
            new_markdown_cell(text),
        )


def test_echoed_code_cannot_close_its_fence():
    code = '#| echo: true\nhtml = """\n```\n<script>alert(1)</script>\n```"""'
    out = stitched(cell(code))
    assert out.markdown[0].startswith("````python\n") and out.markdown[0].endswith("\n````")


def test_a_payload_that_the_notebook_api_did_not_write_is_refused():
    forged = new_output("display_data", data={PAYLOAD_MIME: {"kind": "poster", "figures": []}})
    with pytest.raises(BuildError, match=r"cell 1: its output is not one the notebook API"):
        stitched(cell("display(forged)", forged))


def test_a_chart_part_becomes_a_figure_with_alt_text_and_its_data_in_a_details_element():
    chart = Part(
        kind="chart", svg="<svg/>", caption="Spending", alt="Bar chart. 1", figures=(figure(),)
    )
    data = Part("| a | b |\n|---|--:|\n| x | 1 |\n", kind="chart-data")
    out = stitched(cell("chart()", shown(chart), shown(data)))
    assert out.markdown[0] == '![Spending](files/demo-1-1.svg){fig-alt="Bar chart. 1"}'
    assert out.images["files/demo-1-1.svg"] == b"<svg/>"
    assert out.markdown[1].startswith('<details class="chart-data">\n<summary>Data for this chart')
    assert len(out.entries) == 1


def test_cell_options_override_captions_of_charts_and_tables():
    chart = Part(kind="chart", svg="<svg/>", caption="Old", alt="Old alt")
    table = Part("| a |\n|---|\n| 1 |\n\n: Old caption\n", kind="table", caption="Old caption")
    out = stitched(
        cell('#| fig-cap: "New"\n#| fig-alt: "New alt"\nchart()', shown(chart)),
        cell('#| tbl-cap: "New caption"\ntable()', shown(table)),
    )
    assert out.markdown[0] == '![New](files/demo-1-1.svg){fig-alt="New alt"}'
    assert out.markdown[1].endswith("\n: New caption\n")


def test_a_plot_drawn_in_the_notebook_needs_the_cells_alt_text():
    image = new_output("display_data", data={"image/png": PNG, "text/plain": "fig"})
    out = stitched(
        cell('#| fig-cap: "Spending"\n#| fig-alt: "Bar chart: a \\"b\\""\nplot()', image)
    )
    assert out.markdown == ['![Spending](files/demo-1-1.png){fig-alt="Bar chart: a \\"b\\""}']
    assert out.images["files/demo-1-1.png"] == b"\x89PNG fake"
    with pytest.raises(BuildError, match="cell 1: a chart has no alt text"):
        stitched(cell("plot()", image))


def test_html_output_is_refused_because_the_pdf_cannot_print_it():
    table = new_output("execute_result", data={"text/html": "<table/>", "text/plain": "df"})
    with pytest.raises(BuildError, match="cell 1 shows HTML, which the PDF cannot print"):
        stitched(cell("df", table))


def test_an_error_output_names_notebook_and_cell():
    error = new_output("error", ename="ValueError", evalue="bad", traceback=[])
    with pytest.raises(BuildError, match=r"notebooks/demo\.ipynb, cell 2: ValueError: bad"):
        stitched(cell("ok()"), cell("boom()", error))


def test_narrative_blocks_printed_are_collected():
    out = stitched(cell("n()", shown(Part("words", printed=(("resources.md", 3),)))))
    assert out.printed == {("resources.md", 3)}


def test_markdown_the_notebook_api_did_not_make_is_refused():
    """display(Markdown(f"We spent {x}")) would bypass the register, the typed-figure check
    and the escaping of data text."""
    raw = new_output("display_data", data={"text/markdown": "We spent £668m <script>"})
    with pytest.raises(BuildError, match=r"cell 1 shows Markdown that the notebook API did not"):
        stitched(cell("display(Markdown(text))", raw))


def test_headings_with_nothing_under_them_are_left_out():
    """A chapter (or section) a year has nothing to print for is left out, as a narrative
    heading with nothing under it is."""
    from essex_report.document.stitch import without_empty_headings

    parts = [
        "# About this report", "Words.", "# Foreword", "# Framework", "## Aims", "A table.",
        "# Achievements", "## Aim 1", "## Aim 2", "# Contact us", "",
    ]  # fmt: skip
    assert without_empty_headings(parts) == [
        "# About this report", "Words.", "# Framework", "## Aims", "A table.",
    ]  # fmt: skip
    assert without_empty_headings(["# Title\n\nWords in the same part."]) != []


def test_a_heading_s_own_attributes_are_not_its_text():
    stitched = Stitched()
    stitched.add("## Aim 1 \\- Growth {.new-page}\n\nWords.", [])
    stitched.add("### A \\{b\\}", [])
    assert stitched.path == ["", "Aim 1 - Growth", "A {b}"]


def test_a_comment_in_echoed_code_is_not_a_heading():
    """An echoed cell's "# Check the year" is code: the output checks looked for it as a
    heading, and figures were registered under it."""
    out = stitched(
        words("# Resources"),
        cell("#| echo: true\n# Check the year\nx = 1", shown(Part("We spent", (figure(),)))),
    )
    assert printed_headings(out.markdown) == [(1, "Resources")]
    assert sections(out) == [("spend_total", "Resources")]
