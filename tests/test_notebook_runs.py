"""How a build meets a notebook that never ends, a kernel that dies, a file that is not a
notebook, and the other processes of its own process (issue 8: 13, 14, 16). Tiny notebooks
run through the real Papermill and kernels: each test costs one kernel start, not a build."""

from __future__ import annotations

import subprocess
import sys

import psutil
import pytest

from essex_report.cli import main

from .builds import only_chapters, tiny_notebook

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks


def build(good_data, output, *extra: str) -> int:
    return main(
        ["build", "--year", "2019/20", "--data-dir", str(good_data), "--output", str(output)]
        + list(extra)
    )


def test_a_cell_that_runs_forever_is_stopped_and_named(good_data, tmp_path, monkeypatch, capsys):
    notebook = tiny_notebook(tmp_path / "slow.ipynb", "x = 1", "while True:\n    pass")
    only_chapters(monkeypatch, notebook)
    assert build(good_data, tmp_path / "out", "--cell-timeout", "2") == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        f"essex-report: notebook {notebook} cell 3 ran for more than 2 s and was stopped (raise "
        "the limit with essex-report: cell-timeout in _quarto.yml or build --cell-timeout) "
        "(executed notebook kept in "
    ), err
    assert (tmp_path / "out" / "failed" / "2019-20" / "slow.ipynb").is_file()


def test_the_cell_time_limit_comes_from_quarto_yml(tmp_path):
    import yaml

    from essex_report.config import load_config
    from essex_report.errors import ReportError
    from tests import repo as paths

    settings = yaml.safe_load(paths.QUARTO_CONFIG.read_text())["essex-report"]
    assert settings["cell-timeout"] == load_config(paths.QUARTO_CONFIG).cell_timeout == 600
    config = tmp_path / "_quarto.yml"
    chapters = "book:\n  chapters: [notebooks/a.ipynb]\n"
    config.write_text(chapters + "execute:\n  echo: false\nessex-report:\n  cell-timeout: 42\n")
    assert load_config(config).cell_timeout == 42
    config.write_text(chapters + "essex-report:\n  cell-timeout: forever\n")
    with pytest.raises(ReportError) as raised:
        load_config(config)
    assert str(raised.value).endswith(
        "_quarto.yml: essex-report: cell-timeout is 'forever'; expected a whole number of "
        "seconds such as 600"
    )


def test_a_bad_cell_timeout_flag_is_one_line(capsys):
    with pytest.raises(SystemExit) as done:
        main(["build", "--year", "2019/20", "--cell-timeout", "0"])
    assert done.value.code == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("argument --cell-timeout: is 0; expected from 1 to 86400 seconds")
    )


def test_a_killed_notebook_process_names_its_notebook(good_data, tmp_path, monkeypatch, capsys):
    notebook = tiny_notebook(
        tmp_path / "killed.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    )
    only_chapters(monkeypatch, notebook)
    assert build(good_data, tmp_path / "out") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(
        f"essex-report: notebook {notebook} stopped in cell 2: the process running it died "
        "(killed, or out of memory)"
    ), err


def test_a_notebook_that_is_not_json_is_one_line(good_data, tmp_path, monkeypatch, capsys):
    notebook = tmp_path / "broken.ipynb"
    notebook.write_text('{"cells": [')
    only_chapters(monkeypatch, notebook)
    assert build(good_data, tmp_path / "out") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"essex-report: {notebook} is not a valid notebook (")
    assert err.endswith(
        f"); restore it with git checkout {notebook}, or save it again from JupyterLab"
    )


def test_stopping_kernels_spares_other_children_of_the_process(
    good_data, tmp_path, monkeypatch, capsys
):
    """A failed build used to terminate every child of the process, not only its kernels."""
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kernel_pids = tmp_path / "kernel.pid"
        notebook = tiny_notebook(
            tmp_path / "fails.ipynb",
            f"import os\nopen({str(kernel_pids)!r}, 'w').write(str(os.getpid()))",
            "raise RuntimeError('this notebook fails')",
        )
        only_chapters(monkeypatch, notebook)
        assert build(good_data, tmp_path / "out") == 1
        assert "RuntimeError: this notebook fails" in capsys.readouterr().err
        assert bystander.poll() is None, "the build stopped a process it did not start"
        assert not psutil.pid_exists(int(kernel_pids.read_text())), "the kernel still runs"
    finally:
        bystander.kill()
        bystander.wait()
