"""The project's Papermill engine and its workers: a notebook runs in a process forked from the
build, with a clean namespace, its Markdown cells filled by the notebook API, and records what
a kernel records; failures, time limits and deaths are named by notebook and cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from essex_report.errors import NotebookError
from essex_report.project import Project
from essex_report.run import engine, execute, workers
from essex_report.run.reader import META, parameters, read_notebook, source
from essex_report.years import parse_year
from tests import repo

from .builds import tiny_notebook


def task(path: Path, out: Path, timeout: int = 60, **parameters: str) -> workers.Task:
    return workers.Task(path.name, path, out, {"year": "2019/20", **parameters}, repo.ROOT, timeout)


def run_one(path: Path, out: Path, timeout: int = 60, **parameters: str) -> workers.Outcome:
    workers.preload()
    return workers.run([task(path, out, timeout, **parameters)], jobs=1)[0]


def test_a_notebook_s_outputs_are_recorded_as_a_kernel_records_them(tmp_path):
    notebook = tiny_notebook(
        tmp_path / "outputs.ipynb",
        "print('a line')\nimport sys; print('to stderr', file=sys.stderr)",
        "from IPython.display import display, Markdown\ndisplay(Markdown('*words*'))\n6 * 7",
        "1 / 0",
    )
    outcome = run_one(notebook, tmp_path / "out.ipynb")
    assert not outcome.ok and outcome.kind == "error" and outcome.cell == 4
    assert outcome.ename == "ZeroDivisionError"
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    code = [c for c in cells if c["cell_type"] == "code"]
    streams = [(o["name"], o["text"]) for o in code[2]["outputs"]]  # after the injected cell
    assert streams == [("stdout", "a line\n"), ("stderr", "to stderr\n")]
    shown, result = code[3]["outputs"]
    assert shown["output_type"] == "display_data" and shown["data"]["text/markdown"] == "*words*"
    assert result["output_type"] == "execute_result" and result["data"]["text/plain"] == "42"
    assert result["execution_count"] == code[3]["execution_count"]
    error = code[4]["outputs"][0]
    assert error["output_type"] == "error" and error["ename"] == "ZeroDivisionError"


def test_every_notebook_starts_with_a_clean_namespace(tmp_path):
    first = tiny_notebook(tmp_path / "first.ipynb", "leftover = 1")
    second = tiny_notebook(tmp_path / "second.ipynb", "leftover")
    workers.preload()
    outcomes = workers.run(
        [task(first, tmp_path / "1.ipynb"), task(second, tmp_path / "2.ipynb")], jobs=1
    )
    assert outcomes[0].ok
    assert not outcomes[1].ok and outcomes[1].ename == "NameError"


def test_markdown_cells_are_filled_in_the_notebook_s_own_process(tmp_path, good_data):
    notebook = tiny_notebook(
        tmp_path / "words.ipynb",
        "from essex_report.notebook import open_year\nreport = open_year(year, data_dir)",
    )
    nb = nbformat.read(notebook, as_version=4)
    written = "# Spending in {{year}}\n\nWe spent {{spend_total}}."
    cell = nbformat.v4.new_markdown_cell(written)
    cell.metadata[META] = {"source": "forged", "payload": {"kind": "markdown", "figures": []}}
    nb.cells.append(cell)
    nbformat.write(nb, notebook)
    outcome = run_one(notebook, tmp_path / "out.ipynb", data_dir=str(good_data))
    assert outcome.ok, outcome
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    filled = executed.cells[-1]
    assert source(filled) == "# Spending in 2019/20\n\nWe spent £2\\.1bn\\."  # words escaped
    assert filled.metadata[META]["source"] == written  # never the stored copy's
    figures = filled.metadata[META]["payload"]["figures"]
    assert [(f["indicator"], f["heading"]) for f in figures] == [
        ("spend_total", [1, "Spending in 2019/20"])
    ]
    assert parameters(executed)["year"] == "2019/20"


def test_a_markdown_cell_the_notebook_api_refuses_names_its_cell(tmp_path, good_data):
    notebook = tiny_notebook(
        tmp_path / "typed.ipynb",
        "from essex_report.notebook import open_year\nreport = open_year(year, data_dir)",
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("We spent £2.1bn."))
    nbformat.write(nb, notebook)
    outcome = run_one(notebook, tmp_path / "out.ipynb", data_dir=str(good_data))
    assert outcome.kind == "refused" and outcome.cell == 3
    assert "the number '£2.1bn' is typed in the text" in outcome.evalue


def test_a_cell_past_its_time_limit_is_stopped(tmp_path):
    notebook = tiny_notebook(tmp_path / "slow.ipynb", "x = 1", "while True:\n    pass")
    outcome = run_one(notebook, tmp_path / "out.ipynb", timeout=1)
    assert outcome.kind == "timeout" and outcome.cell == 3


def test_run_notebooks_runs_the_chapters_of_the_configuration_in_order(tmp_path, monkeypatch):
    from .builds import only_chapters

    one = tiny_notebook(tmp_path / "one.ipynb", "print(year)")
    two = tiny_notebook(tmp_path / "two.ipynb", "raise ValueError('no')")
    only_chapters(monkeypatch, one)
    project = Project()
    into = tmp_path / "executed"
    executed = execute.run_notebooks(project, parse_year("2018/19"), into, None, 60)
    assert executed == [into / "one.ipynb"]
    out = read_notebook(executed[0])
    assert out.cells[-1].outputs[0]["text"] == "2018/19\n"
    only_chapters(monkeypatch, one, two)
    with pytest.raises(NotebookError) as failed:
        execute.run_notebooks(Project(), parse_year("2018/19"), into, tmp_path / "kept", 60)
    assert failed.value.notebook == str(two) and failed.value.detail.startswith("failed in cell 2")
    assert (tmp_path / "kept" / "two.ipynb").is_file()


def test_the_engine_is_registered_with_papermill_for_its_command():
    from papermill.engines import papermill_engines

    engine.register()
    assert papermill_engines.get_engine("essex") is engine.EssexEngine


FORGED = (
    "from IPython.display import display\n"
    "from essex_report.notebook.parts import PAYLOAD_MIME\n"
    "payload = {'kind': 'markdown', 'figures': [], 'printed': []}\n"
    "display({'text/markdown': 'We spent £9.9bn.', PAYLOAD_MIME: payload}, raw=True)"
)
COPIED = (
    "from IPython.display import display\n"
    "data, _ = report.words('We spent {{spend_total}}.').bundle()\n"
    "data['text/markdown'] = 'We spent £9.9bn.'\n"
    "display(data, raw=True)"
)


@pytest.mark.parametrize("forgery", [FORGED, COPIED])
def test_a_payload_the_notebook_api_did_not_make_in_this_build_is_refused(
    tmp_path, monkeypatch, forgery
):
    """Issue 16: a cell displayed the project's own MIME type by hand, and the page printed
    "We spent £9.9bn" while the register said £2.1bn."""
    from .builds import only_chapters

    notebook = tiny_notebook(
        tmp_path / "forged.ipynb",
        "from essex_report.notebook import open_year\nreport = open_year(year, data_dir)",
        "report.words('We spent {{spend_total}}.')",
        forgery,
    )
    only_chapters(monkeypatch, notebook)
    with pytest.raises(NotebookError) as refused:
        execute.run_notebooks(Project(), parse_year("2019/20"), tmp_path / "out", None, 60)
    assert refused.value.detail.startswith("cell 4: shows a part the notebook API did not make")


def test_parts_the_notebook_api_made_are_accepted(tmp_path, monkeypatch):
    from .builds import only_chapters

    notebook = tiny_notebook(
        tmp_path / "genuine.ipynb",
        "from essex_report.notebook import open_year\nreport = open_year(year, data_dir)",
        "report.words('We spent {{spend_total}}.')",
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("# Spending in {{year}}"))
    nbformat.write(nb, notebook)
    only_chapters(monkeypatch, notebook)
    out = execute.run_notebooks(Project(), parse_year("2019/20"), tmp_path / "out", None, 60)
    assert read_notebook(out[0]).cells[-1].source == "# Spending in 2019/20"


def test_only_parts_signed_with_the_run_s_key_are_trusted():
    from essex_report.notebook import parts
    from essex_report.run import trust

    key = b"k" * 32
    part = parts.Part("We spent £2\\.1bn\\.")
    parts.sign_with(key)
    try:
        data, _ = part.bundle()
        cell = nbformat.v4.new_markdown_cell("# Title")
        cell.metadata[META] = {"payload": parts.signed({"text/markdown": "# Title"}, {})}
    finally:
        parts.sign_with(b"")
    output = nbformat.v4.new_output("display_data", data=data)
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("x", outputs=[output])])
    assert trust.untrusted(nb, key) is None
    assert trust.untrusted(nb, b"another run's key" * 2) == (1, trust.NOT_FILLED)
    output["data"]["text/markdown"] = "We spent £9\\.9bn\\."
    assert trust.untrusted(nb, key) == (2, trust.NOT_MADE)
    cell.source = "# Another title"
    assert trust.untrusted(nb, key) == (1, trust.NOT_FILLED)


def test_a_process_a_cell_starts_and_leaves_goes_with_its_worker(tmp_path):
    import os
    import time

    pid_file = tmp_path / "child.pid"
    notebook = tiny_notebook(
        tmp_path / "forks.ipynb",
        "import subprocess\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))",
    )
    assert run_one(notebook, tmp_path / "out.ipynb").ok
    child = int(pid_file.read_text())
    for _ in range(50):  # killed, then reaped by init
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as stat:
            if stat.read().split()[2] == "Z":
                break
        time.sleep(0.1)
    else:
        raise AssertionError("the cell's child still runs after its worker ended")
