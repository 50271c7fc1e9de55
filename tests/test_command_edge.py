"""The command's edge: paths resolved once where the caller stands, and every failure it can
meet is one line with a non-zero exit (issue 8: 3 and 13)."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from essex_report.cli import main
from tests import repo as paths

from .builds import reuse_executed


@pytest.mark.e2e
def test_relative_paths_are_read_where_the_command_runs(good_data, tmp_path):
    """A relative --data-dir was validated in the caller's folder, but the notebooks read the
    repository's data/: the report showed other figures than the ones checked, at exit 0."""
    caller = tmp_path / "caller"
    caller.mkdir()
    shutil.move(good_data, caller / "data")
    values = caller / "data" / "2019-20" / "values.csv"
    values.write_text(
        values.read_text().replace(
            "broadband_premises_enabled,,14975,", "broadband_premises_enabled,,12345,"
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "essex_report", "build", "--year", "2019/20"]
        + ["--data-dir", "data", "--output", "out"],
        cwd=caller,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "  html     out/2019-20/annual-report.html" in result.stdout
    html = (caller / "out" / "2019-20" / "annual-report.html").read_text(encoding="utf-8")
    assert "12,345" in html and "14,975" not in html
    register = (caller / "out" / "2019-20" / "figures.csv").read_text(encoding="utf-8")
    assert (
        "broadband_premises_enabled,,2019/20,Premises enabled to access superfast broadband,12345,"
        in register
    )


@pytest.fixture
def unwritable(monkeypatch):
    """Writing anything under `folder` fails with `code`, as on a read-only or full disk."""

    def make(folder: Path, code: int, only: str = ""):
        write_text, mkdir = pathlib.Path.write_text, pathlib.Path.mkdir

        def refuse(path: Path) -> None:
            if path.resolve().is_relative_to(folder.resolve()) and path.name.endswith(only):
                raise OSError(code, os.strerror(code), str(path))

        def guarded_write(self, *args, **kwargs):
            refuse(self)
            return write_text(self, *args, **kwargs)

        def guarded_mkdir(self, *args, **kwargs):
            if not self.exists():
                refuse(self)
            return mkdir(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "write_text", guarded_write)
        monkeypatch.setattr(pathlib.Path, "mkdir", guarded_mkdir)

    return make


def test_a_read_only_output_folder_is_one_line(good_data, tmp_path, unwritable, capsys):
    output = tmp_path / "out"
    output.mkdir()
    unwritable(output, errno.EROFS)
    args = ["build", "--year", "2019/20", "--data-dir", str(good_data), "--output", str(output)]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"essex-report: cannot write {output}/.essex-report (Read-only file system); choose a "
        "folder you can write to"
    )


@pytest.mark.e2e
def test_a_full_disk_is_one_line_and_keeps_the_last_good_report(
    built_2019, tmp_path, monkeypatch, unwritable, capsys
):
    output = tmp_path / "out"
    shutil.copytree(built_2019, output / "2019-20")
    before = (output / "2019-20" / "annual-report.html").read_bytes()
    reuse_executed(monkeypatch, built_2019)
    unwritable(output, errno.ENOSPC, only="figures.csv")
    assert main(["build", "--year", "2019/20", "--output", str(output)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("essex-report: no space left on the disk that holds ")
    assert "/figures.csv (" in err and err.endswith("free some space there and run it again")
    assert (output / "2019-20" / "annual-report.html").read_bytes() == before
    assert not list(output.glob(".build-*"))


def test_an_unexpected_error_is_one_line_and_debug_shows_it(monkeypatch, capsys):
    from essex_report import cli

    def fail(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded\nwhile reading")

    monkeypatch.setattr(cli, "load_workbook", fail)
    assert main(["validate"]) == 1
    assert capsys.readouterr().err.strip() == (
        "essex-report: unexpected RecursionError: maximum recursion depth exceeded while "
        "reading (run again with --debug for the traceback, and report it)"
    )
    with pytest.raises(RecursionError):
        main(["--debug", "validate"])


def test_a_missing_data_folder_is_one_line(tmp_path, capsys):
    assert main(["years", "--data-dir", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"essex-report: --data-dir {tmp_path / 'nowhere'} does not exist; give the data folder"
    )


def test_quarto_given_as_a_relative_path_is_resolved_once(tmp_path, monkeypatch):
    from essex_report.cli import _resolve_paths, parser, project_of

    (tmp_path / "bin").mkdir()
    monkeypatch.chdir(tmp_path)
    args = parser().parse_args(["build", "--year", "2019/20", "--quarto", "bin/quarto"])
    _resolve_paths(args)
    assert args.quarto == str(tmp_path / "bin" / "quarto")
    project = project_of(args)  # the defaults are the repository's, wherever it runs from
    assert project.data_dir == paths.DATA_DIR and project.output_dir == paths.REPORT_DIR
