"""Papermill's own command line works on every notebook, from the repository root."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import repo as paths

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks

PAPERMILL = Path(sys.executable).with_name("papermill")


def run(notebook: Path, output: Path, year: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAPERMILL), str(notebook.relative_to(paths.ROOT)), str(output), "-p", "year", year],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=300,
    )


NOTEBOOKS = sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def shown(nb: dict) -> list[str]:
    return [
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if o.get("data", {}).get("text/markdown")
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_papermill_runs_every_notebook_for_a_year(name, tmp_path):
    output = tmp_path / f"{name}-2023-24.ipynb"
    result = run(paths.NOTEBOOKS_DIR / f"{name}.ipynb", output, "2023/24")
    assert result.returncode == 0, result.stderr
    nb = json.loads(output.read_text())
    # 2023/24 has figures but no words: its report leaves out the chapters of words alone
    assert shown(nb) or name in ("achievements", "contact"), "the chapter shows nothing"
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
    if name == "resources":
        assert "Band D" in " ".join(shown(nb))  # a figure published for 2023/24


def test_an_analyst_running_a_notebook_sees_what_papermill_publishes(tmp_path):
    """JupyterLab's way: change the year in the parameters cell and run every cell."""
    import nbformat
    from nbclient import NotebookClient

    path = paths.NOTEBOOKS_DIR / "resources.ipynb"
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('year = "2019/20"', 'year = "2020/21"')
    NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    output = tmp_path / "papermill.ipynb"
    assert run(path, output, "2020/21").returncode == 0
    assert shown(nb) == shown(json.loads(output.read_text()))
    assert any("£707\\.8m" in text for text in shown(nb))  # escaped Markdown


def test_a_bad_year_fails_in_the_first_cell_with_the_command_line_message(tmp_path, capsys):
    from essex_report.cli import main

    output = tmp_path / "bad.ipynb"
    result = run(paths.NOTEBOOKS_DIR / "resources.ipynb", output, "2019/21")
    assert result.returncode != 0
    main(["validate", "--year", "2019/21"])
    command_line = capsys.readouterr().err.strip().removeprefix("essex-report: ")
    nb = json.loads(output.read_text())
    errors = [
        (i, o)
        for i, c in enumerate(nb["cells"])
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    first_code_after_parameters = next(
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
        and not set(c["metadata"].get("tags", [])) & {"parameters", "injected-parameters"}
    )
    assert [i for i, _ in errors] == [first_code_after_parameters]
    assert errors[0][1]["evalue"] == command_line
    # shown as its message, not as a traceback through the package
    traceback = "".join(errors[0][1]["traceback"])
    assert "essex_report/" not in traceback and len(errors[0][1]["traceback"]) <= 2
