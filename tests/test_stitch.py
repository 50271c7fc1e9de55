"""The stitcher honours Quarto's cell options and keeps code, parameters and logs off the page."""

import base64

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from essex_report.errors import BuildError
from essex_report.register import REGISTER_MIME
from essex_report.stitch import Stitched, cell_options, stitch_notebook

PNG = base64.b64encode(b"\x89PNG fake").decode()


def cell(source, *outputs, tags=()):
    made = new_code_cell(source, outputs=list(outputs))
    made.metadata["tags"] = list(tags)
    return made


def markdown_output(text, records=()):
    return new_output("display_data", data={"text/markdown": text, REGISTER_MIME: list(records)})


def stitched(*cells):
    nb = new_notebook(cells=list(cells))
    into = Stitched()
    stitch_notebook(nbformat.from_dict(nb), "demo", "files", into, {"echo": False})
    return into


def test_cell_options_are_read_from_the_top_of_the_cell():
    options, code = cell_options("#| echo: true\n#| fig-cap: 'A: b'\nx = 1\n#| not an option")
    assert options == {"echo": True, "fig-cap": "A: b"}
    assert code == "x = 1\n#| not an option"


def test_parameters_code_and_logs_never_reach_the_page():
    out = stitched(
        cell('year = "2019/20"', tags=["parameters"]),
        cell('year = "2018/19"', markdown_output("INJECTED"), tags=["injected-parameters"]),
        cell("print('log')", new_output("stream", name="stdout", text="a log line")),
        cell("show()", markdown_output("# Resources", [{"indicator": "x"}])),
    )
    assert out.markdown == ["# Resources"]
    assert out.records == [{"indicator": "x"}]


def test_echo_include_and_output_options():
    out = stitched(
        cell("#| echo: true\nx = 1", markdown_output("shown")),
        cell("#| include: false\ny = 2", markdown_output("hidden by include")),
        cell("#| output: false\nz = 3", markdown_output("hidden by output")),
        new_markdown_cell("Prose from a markdown cell."),
    )
    assert out.markdown == ["```python\nx = 1\n```", "shown", "Prose from a markdown cell."]


def test_figure_caption_and_alt_from_cell_options():
    image = new_output("display_data", data={"image/png": PNG, "text/plain": "fig"})
    out = stitched(
        cell('#| fig-cap: "Spending, 2019/20"\n#| fig-alt: "Bar chart: a \\"b\\""\nplot()', image)
    )
    assert out.markdown == [
        '![Spending, 2019/20](files/demo-1-1.png){fig-alt="Bar chart: a \\"b\\""}'
    ]
    assert out.images["files/demo-1-1.png"] == b"\x89PNG fake"


def test_figure_caption_and_alt_from_output_metadata():
    image = new_output(
        "display_data",
        data={"image/png": PNG},
        metadata={"essex_report": {"fig-cap": "Cap", "fig-alt": "Alt"}},
    )
    assert stitched(cell("chart()", image)).markdown == [
        '![Cap](files/demo-1-1.png){fig-alt="Alt"}'
    ]


def test_an_svg_chart_is_written_as_an_svg_file():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>£186m</text></svg>'
    image = new_output(
        "display_data",
        data={"image/svg+xml": svg, "image/png": PNG},
        metadata={"essex_report": {"fig-cap": "Cap", "fig-alt": "Alt"}},
    )
    out = stitched(cell("chart()", image))
    assert out.markdown == ['![Cap](files/demo-1-1.svg){fig-alt="Alt"}']
    assert out.images == {"files/demo-1-1.svg": svg.encode("utf-8")}


def test_a_chart_without_alt_text_stops_the_build():
    image = new_output("display_data", data={"image/png": PNG})
    with pytest.raises(BuildError, match="notebook demo, cell 1: a chart has no alt text"):
        stitched(cell("plot()", image))


def test_an_error_output_names_notebook_and_cell():
    error = new_output("error", ename="ValueError", evalue="bad", traceback=[])
    with pytest.raises(BuildError, match="notebook demo, cell 2: ValueError: bad"):
        stitched(cell("ok()"), cell("boom()", error))
