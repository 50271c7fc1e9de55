"""The README's four worked edits, made as an analyst's editor saves them (nbformat), then the
year built: each change is in the HTML, the PDF and the register."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from tests import repo as paths

from .conftest import essex_report
from .test_end_to_end import visible_text

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks


def edit(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def source(nb, starts: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.source.startswith(starts))


def add_a_chart_across_years(nb) -> None:
    """Edit 1 (performance.ipynb): a chart of council apprentices across the years."""
    nb.cells.append(nbformat.v4.new_code_cell('report.trend_chart("council_apprentices", least=2)'))


def add_a_table(nb) -> None:
    """Edit 2 (resources.ipynb): a table of three figures, after "Our spending"."""
    cell = nbformat.v4.new_code_cell(
        "report.table(\n"
        '    ["spend_total", "spend_day_to_day", "capital_investment"],\n'
        '    f"Spending and investment at a glance, {report.year}",\n'
        ")"
    )
    nb.cells.insert(source(nb, 'report.narrative("resources.md", "Our spending")') + 1, cell)


def move_a_section(nb) -> None:
    """Edit 3 (resources.ipynb): "Next year" moved before "Our investments"."""
    moved = nb.cells.pop(source(nb, 'report.narrative("resources.md", "Next year")'))
    nb.cells.insert(source(nb, 'report.narrative("resources.md", "Our investments")'), moved)


ANALYST_CHART = """import seaborn as sns

apprentices = report.frame("council_apprentices")
report.chart(
    apprentices,
    "Council apprentices up to {{year}}",
    draw=lambda ax: sns.barplot(apprentices, x="year", y="value", ax=ax),
)"""


def add_your_own_chart(nb) -> None:
    """Edit 4 (performance.ipynb): the analyst's own seaborn chart of a frame."""
    nb.cells.append(nbformat.v4.new_code_cell(ANALYST_CHART))


def add_words_with_a_figure(nb) -> None:
    """A Markdown cell with a placeholder, under the chapter's heading."""
    words = "In {{year}} the council spent {{spend_total}} in all."
    nb.cells.insert(source(nb, "# Resources") + 1, nbformat.v4.new_markdown_cell(words))


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    home = paths.copy_home(tmp_path_factory.mktemp("home"))
    edit(home / "notebooks" / "performance.ipynb", add_a_chart_across_years)
    edit(home / "notebooks" / "resources.ipynb", add_a_table)
    edit(home / "notebooks" / "resources.ipynb", move_a_section)
    edit(home / "notebooks" / "resources.ipynb", add_words_with_a_figure)
    edit(home / "notebooks" / "performance.ipynb", add_your_own_chart)
    output = home / "out"
    result = essex_report(
        "build", "--year", "2019/20", "--output", str(output), env={"ESSEX_REPORT_HOME": str(home)}
    )
    assert result.returncode == 0, result.stderr
    return output / "2019-20"


@pytest.fixture(scope="module")
def html(edited) -> str:
    return visible_text((edited / "annual-report.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf(edited) -> str:
    reader = PdfReader(edited / "annual-report.pdf")
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def register(edited) -> list[dict[str, str]]:
    return list(csv.DictReader((edited / "figures.csv").open(encoding="utf-8")))


def test_a_chart_across_years(edited, html, pdf, register):
    caption = "Council apprentices, 2018/19 to 2019/20"
    assert caption in html and caption in pdf
    markdown = (edited / "source" / "annual-report.md").read_text(encoding="utf-8")
    assert re.search(r"!\[Council apprentices, 2018/19 to 2019/20\]\(.*\.svg\)", markdown)
    years = {r["year"] for r in register if r["indicator"] == "council_apprentices"}
    assert years == {"2018/19", "2019/20"}


def test_a_table_of_some_figures(html, pdf, register):
    caption = "Spending and investment at a glance, 2019/20"
    assert caption in html and caption in pdf
    where = {r["indicator"]: r["sections"] for r in register}
    for indicator in ("spend_total", "spend_day_to_day", "capital_investment"):
        assert "Resources > Our spending" in where[indicator].split("; ")


def test_a_section_moved(html, pdf, register):
    for text in (html, pdf):
        assert (
            text.index("Next year") < text.index("Our investments") < text.index("Invest to grow")
        )
    sections = {r["indicator"]: r["sections"] for r in register if r["year"] == "2019/20"}
    assert "Resources > Our investments > Invest to grow" in sections["new_school_places"]


def test_a_markdown_cell_prints_and_registers_its_figures(html, pdf, register):
    sentence = "In 2019/20 the council spent £2.1bn in all."
    assert sentence in html and sentence in pdf
    spend = next(r for r in register if r["indicator"] == "spend_total")
    assert spend["sections"].split("; ")[0] == "Resources"


def test_a_figure_typed_in_a_markdown_cell_stops_the_build_naming_notebook_and_cell(tmp_path):
    home = paths.copy_home(tmp_path / "home")
    typed = nbformat.v4.new_markdown_cell("Over the year we spent £668m on adults.")
    edit(home / "notebooks" / "resources.ipynb", lambda nb: nb.cells.insert(3, typed))
    env = {"ESSEX_REPORT_HOME": str(home)}
    for command in (["validate", "--year", "2019/20"], ["build", "--year", "2019/20"]):
        result = essex_report(*command, "--data-dir", str(home / "data"), env=env)
        assert result.returncode == 1
        assert (
            "notebooks/resources.ipynb: cell 4: the number '£668m' is typed in the text, but it "
            "is a figure of 2019/20 (spend_adults_public_health = £668m"
        ) in result.stderr
        assert "write {{spend_adults_public_health}} instead" in result.stderr
    assert not (home / "report" / "2019-20").exists()


def test_your_own_seaborn_chart(edited, html, pdf, register):
    """Edit 4: caption with the year filled, an SVG in the page (text in Lato, the Analysis
    Function palette), its numbers in the register and as a table; and the same notebook runs
    for every other year (a year without the figures has no chart, not a KeyError)."""
    caption = "Council apprentices up to 2019/20"
    assert caption in html and caption in pdf
    page = (edited / "annual-report.html").read_text(encoding="utf-8")
    svg = re.search(
        r'<svg\b[^>]*aria-label="Chart\. Council apprentices up to 2019/20\.[^"]*"', page
    )
    assert svg, "the chart is inline SVG, named by its alt text"
    assert "2018/19: 147" in svg.group(0) and "2019/20: 229" in svg.group(0)
    chart = page[svg.start() : page.index("</svg>", svg.start())]
    assert "Lato" in chart and "#12436d" in chart.lower()
    years = {r["year"] for r in register if r["indicator"] == "council_apprentices"}
    assert {"2018/19", "2019/20"} <= years
    home = edited.parent.parent
    result = essex_report("validate", env={"ESSEX_REPORT_HOME": str(home)})
    assert "KeyError" not in result.stderr
    # The Markdown cell added above ("the council spent {{spend_total}}") holds for every year
    # but 2016/17, which has no total: never "spent not available in all" (issue 16), one line.
    errors = [line for line in result.stderr.splitlines() if "cell" in line]
    assert result.returncode == 1 and errors == [
        "notebooks/resources.ipynb: cell 4: '{{spend_total}}' names a figure 2016/17 has no "
        "value for, so these words cannot print it; put them in the year's narrative, or show "
        "them only when report.value(...) has the figure"
    ], result.stderr
