"""`validate` runs the chapters as the build does, without letting them change anything (issue
16, 7): on a copy of the data, with the build's time limit, in worker processes; a signal is
"interrupted", never a problem in the data."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from essex_report.cli import main
from essex_report.config import load_config
from essex_report.project import Project
from tests import repo

from .builds import only_chapters, tiny_notebook, wait_for_workers

pytestmark = pytest.mark.e2e  # runs notebooks


def test_a_cell_that_writes_into_the_data_changes_nothing(good_data, tmp_path, monkeypatch, capsys):
    narrative = good_data / "2019-20" / "narrative" / "resources.md"
    before = narrative.read_bytes()
    writer = tiny_notebook(
        tmp_path / "writer.ipynb",
        "from pathlib import Path\n"
        "words = Path(data_dir) / '2019-20' / 'narrative' / 'resources.md'\n"
        "words.write_text(words.read_text() + '\\nWritten by a cell during validate.\\n')",
    )
    only_chapters(monkeypatch, writer)
    monkeypatch.chdir(tmp_path)
    main(["validate", "--year", "2019/20", "--data-dir", str(good_data)])
    assert narrative.read_bytes() == before
    assert not list(tmp_path.glob("essex-report-validate-*"))


def test_validate_stops_a_cell_at_the_build_s_time_limit(good_data, tmp_path, monkeypatch, capsys):
    slow = tiny_notebook(tmp_path / "slow.ipynb", "while True:\n    pass")
    only_chapters(monkeypatch, slow)
    config = dataclasses.replace(Project().config, cell_timeout=2)
    monkeypatch.setattr(Project, "config", property(lambda self: config))
    started = time.monotonic()
    assert main(["validate", "--year", "2019/20", "--data-dir", str(good_data)]) == 1
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert f"{slow}: cell 2 ran for more than 2 s and was stopped" in err


def test_validate_interrupted_says_interrupted(tmp_path):
    """Issue 16: its SIGTERM read "1 problem in the data"."""
    home = repo.copy_home(tmp_path / "home")
    notebook = home / "notebooks" / "contact.ipynb"
    nb = json.loads(notebook.read_text())
    nb["cells"][3]["source"] = ["import time\n", "time.sleep(120)"]
    notebook.write_text(json.dumps(nb))
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        validate = subprocess.Popen(
            [sys.executable, "-m", "essex_report", "validate", "--year", "2019/20"],
            cwd=repo.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ESSEX_REPORT_HOME": str(home)},
            # as from a terminal: a shell's background job would ignore SIGINT
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        workers = wait_for_workers(validate)
        time.sleep(1)
        validate.send_signal(signum)
        out, err = validate.communicate(timeout=60)
        assert validate.returncode == 128 + signum, (out, err)
        assert err.strip().splitlines() == ["essex-report: interrupted"], err
        _, alive = psutil.wait_procs(workers, timeout=5)
        assert alive == []


def test_the_configuration_is_read_once(tmp_path):
    assert load_config(repo.QUARTO_CONFIG).cell_timeout == Project().config.cell_timeout
