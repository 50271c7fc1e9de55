"""validate runs the same cell checks as the build, so "data OK" means the build will accept
it: a cell showing a DataFrame or HTML, a chart without alt text, a fixed year in a notebook
cell are refused by both with the same line naming the notebook and the cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests import repo as paths

from .conftest import essex_report

pytestmark = pytest.mark.e2e  # runs the notebooks

CELLS = {
    "a DataFrame": (
        "import pandas as pd\npd.DataFrame({'a': [1]})",
        "shows HTML, which the PDF cannot print",
    ),
    "a chart without alt text": (
        "from matplotlib.figure import Figure\nfrom IPython.display import display\n"
        "fig = Figure()\nfig.add_subplot().plot([1, 2])\ndisplay(fig)",
        "a chart has no alt text; add '#| fig-alt: ...' to the cell",
    ),
    "a fixed year": (
        "report.words('Apprentices were {{council_apprentices@2018/19}}.')",
        "names the year 2018/19, but a notebook runs for every year; write "
        "{{council_apprentices@previous}}",
    ),
}


def home_with(tmp_path: Path, source: str) -> Path:
    home = paths.copy_home(tmp_path / "home")
    path = home / "notebooks" / "contact.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return home


@pytest.mark.parametrize("case", sorted(CELLS))
def test_validate_refuses_what_the_build_refuses(case, tmp_path):
    source, said = CELLS[case]
    home = home_with(tmp_path, source)
    env = {"ESSEX_REPORT_HOME": str(home)}
    results = [
        essex_report("validate", "--year", "2019/20", env=env),
        essex_report("build", "--year", "2019/20", "--output", str(home / "out"), env=env),
    ]
    for result in results:
        assert result.returncode == 1, (case, result.stdout)
        assert "notebooks/contact.ipynb" in result.stderr and "cell 5" in result.stderr
        assert said in result.stderr, result.stderr
    assert "data OK" not in results[0].stdout


def test_validate_names_the_data_the_analyst_edits_not_its_copy(tmp_path):
    """validate runs the chapters on a copy of the data; a problem they find names the file in
    data/, as the build's does, and is said to be in the notebooks."""
    home = home_with(tmp_path, "pass")
    path = home / "notebooks" / "contact.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("We took on 229 apprentices."))
    nbformat.write(nb, path)
    env = {"ESSEX_REPORT_HOME": str(home)}
    checked = essex_report("validate", "--year", "2019/20", env=env)
    built = essex_report("build", "--year", "2019/20", "--output", str(home / "out"), env=env)
    assert checked.returncode == built.returncode == 1
    said = next(line for line in checked.stderr.splitlines() if "'229'" in line)
    assert "essex-report-validate-" not in checked.stderr
    assert "2019-20/values.csv line 105" in said and said in built.stderr, built.stderr
    assert checked.stderr.splitlines()[-1] == "1 problem in the notebooks (2019/20)"
