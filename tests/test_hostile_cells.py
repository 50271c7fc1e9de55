"""Notebook cells that reach past the notebook API (a hostile tester's round on 0.2.0): what
they write, make or change is never published, and the build says so in one line."""

from __future__ import annotations

import pytest

from .conftest import essex_report
from .test_validate_cells import home_with

pytestmark = pytest.mark.e2e  # builds reports


def build(home, out):
    return essex_report(
        "build", "--year", "2019/20", "--output", str(out), env={"ESSEX_REPORT_HOME": str(home)}
    )


def test_a_file_a_cell_writes_into_the_build_folder_is_not_published(tmp_path):
    out = tmp_path / "out"
    cell = (
        "import glob, os\n"
        f"for d in glob.glob(os.path.join({str(out)!r}, '.build-2019-20-*', '2019-20')):\n"
        "    open(os.path.join(d, 'evil.html'), 'w').write('<script>alert(1)</script>')\n"
    )
    home = home_with(tmp_path, cell)
    built = build(home, out)
    assert built.returncode == 1
    assert "evil.html is in the report's build folder" in built.stderr, built.stderr
    assert len(built.stderr.strip().splitlines()) == 1
    assert not (out / "2019-20").exists()  # nothing published


@pytest.mark.parametrize(
    "code",
    [
        '```{=typst}\n#text("INJECTED")\n```',
        'Words `#text("TYPST2")`{=typst} and `<b>B</b>`{=html}',
    ],
)
def test_a_part_made_by_hand_passes_no_code_to_a_renderer(code, tmp_path):
    cell = f"from essex_report.notebook.parts import Part\nPart(markdown={code!r})"
    home = home_with(tmp_path, cell)
    built = build(home, tmp_path / "out")
    assert built.returncode == 1
    assert "notebooks/contact.ipynb" in built.stderr and "code to the renderer" in built.stderr
    assert not (tmp_path / "out" / "2019-20").exists()


def test_a_chart_a_cell_shows_has_a_size_limit(tmp_path):
    cell = (
        "#| fig-alt: noise\n"
        "import os, base64\n"
        "from IPython.display import Image, display\n"
        "png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')\n"
        "display(Image(data=png + os.urandom(3 * 1024 * 1024), format='png'))\n"
    )
    home = home_with(tmp_path, cell)
    built = build(home, tmp_path / "out")
    assert built.returncode == 1
    assert "a chart of 3.0 MB; a chart may be 2 MB at most" in built.stderr, built.stderr


@pytest.mark.parametrize(
    "change",
    [
        "os.remove(os.path.join(data, 'narrative', 'contact.md'))",
        "p = os.path.join(data, 'values.csv')\n"
        "open(p, 'w').write(open(p).read().replace('spend_total,,2.1,', 'spend_total,,9.9,'))",
    ],
)
def test_data_a_cell_changes_while_the_build_runs_stops_the_build(change, tmp_path):
    """The report would print what the data no longer says (£2.1bn against a values.csv of
    9.9), or words whose file is gone; the build says which file changed and keeps the last
    good report."""
    out = tmp_path / "out"
    home = home_with(tmp_path, "pass")
    assert build(home, out).returncode == 0
    page = (out / "2019-20" / "annual-report.html").read_bytes()
    notebook = home / "notebooks" / "contact.ipynb"
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    data = str(home / "data" / "2019-20")
    nb.cells[-1].source = f"import os\ndata = {data!r}\n{change}"
    nbformat.write(nb, notebook)
    built = build(home, out)
    assert built.returncode == 1
    assert "changed while the build ran" in built.stderr and "2019-20/" in built.stderr
    assert (out / "2019-20" / "annual-report.html").read_bytes() == page
