"""Where a build may write, what it checks before it publishes, and what it leaves behind:
never a lost data folder, never a broken report in place of a good one (issue 8: 1, 4, 15)."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from essex_report.cli import main
from tests import repo as paths

from .builds import reuse_executed, snapshot, wait_for_workers


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def build(output: Path, data: Path | None = None, *extra: str) -> int:
    args = ["build", "--year", "2019/20", "--output", str(output), *extra]
    return main([*args, "--data-dir", str(data)] if data else args)


@pytest.fixture
def no_notebooks(monkeypatch):
    """A refusal must come before anything runs; if it does not, nothing runs either."""
    from essex_report import pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("the build went ahead: the output folder was not refused")

    monkeypatch.setattr(pipeline, "run_all", refuse)


# --- 1. An output folder a build could damage is refused, in one line ------------------------


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("data", "is the data folder or inside it; choose another folder"),
        ("data/2019-20", "is the data folder or inside it; choose another folder"),
        ("repository", "is the repository itself; use its report/ folder"),
        ("notebooks", "is the notebooks folder or inside it; choose another folder"),
        ("package", "is the essex_report package or inside it; choose another folder"),
        # (the data folder named, or the tests' own: a clone under /tmp holds both)
        ("above the repository", "holds "),
    ],
)
def test_an_output_folder_holding_data_or_code_is_refused(
    where, message, good_data, no_notebooks, capsys
):
    output = {
        "data": good_data,
        "data/2019-20": good_data / "2019-20",
        "repository": paths.ROOT,
        "notebooks": paths.NOTEBOOKS_DIR,
        "package": paths.PACKAGE_DIR,
        "above the repository": paths.ROOT.parent,
    }[where]
    before = listing(good_data)
    assert build(output, good_data) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"essex-report: --output {output.resolve()} {message}")
    assert err.endswith("folder") and "\n" not in err
    assert listing(good_data) == before
    assert not (output / "2019-20" / "annual-report.html").exists()


@pytest.mark.parametrize(
    ("content", "stranger"),
    [
        ({"notes.txt": "mine"}, "notes.txt"),
        ({"2019-20/values.csv": "indicator"}, "2019-20/values.csv"),
        ({"index.html": "<p>my web site</p>"}, "index.html"),  # no build wrote it
        ({"frameworks.csv": "id"}, "frameworks.csv"),
        ({"2019-20": "-> data"}, "2019-20"),  # a link where a report folder belongs
        ({".locks": "-> data"}, ".locks"),  # a link where the build writes its locks
    ],
)
def test_an_output_folder_holding_anything_but_reports_is_refused(
    content, stranger, tmp_path, good_data, no_notebooks, capsys
):
    output = tmp_path / "out"
    for relative, text in content.items():
        (output / relative).parent.mkdir(parents=True, exist_ok=True)
        if text == "-> data":
            (output / relative).symlink_to(good_data, target_is_directory=True)
        else:
            (output / relative).write_text(text)
    before, data_before = listing(output), listing(good_data)
    assert build(output, good_data) == 1
    assert listing(good_data) == data_before
    assert capsys.readouterr().err.strip() == (
        f"essex-report: --output {output} holds {stranger}, which is not part of a report; "
        "a build replaces report folders, so it writes only into an empty folder or one of "
        "earlier reports: choose another --output, or move that out"
    )
    assert listing(output) == before


def test_an_output_or_data_folder_that_is_a_file_is_one_line(tmp_path, good_data, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert build(a_file, good_data) == 1
    assert (
        capsys.readouterr().err.strip()
        == f"essex-report: --output {a_file} is a file; give a folder"
    )
    assert main(["validate", "--data-dir", str(a_file)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"essex-report: --data-dir {a_file} is a file; give the data folder"
    )


@pytest.mark.e2e
def test_the_repository_report_folder_and_earlier_reports_are_accepted(built_2019, tmp_path):
    from essex_report.project import Project
    from essex_report.publish.folder import check_output_folder

    check_output_folder(Project())  # the repository's report/: its README.md is its own
    output = tmp_path / "report"
    shutil.copytree(built_2019, output / "2019-20")
    (output / "failed" / "2018-19").mkdir(parents=True)
    check_output_folder(Project(output_dir=output))


def test_publishing_deletes_nothing_a_build_did_not_make(tmp_path):
    """A file put into a report folder after the build started is not deleted with it."""
    from essex_report.errors import BuildError
    from essex_report.publish.swap import swap_in as publish

    final, staging = tmp_path / "report" / "2019-20", tmp_path / "staging"
    final.mkdir(parents=True)
    staging.mkdir()
    (final / "annual-report.html").write_text("old")
    (final / "my-notes.txt").write_text("keep me")
    (staging / "annual-report.html").write_text("new")
    with pytest.raises(BuildError, match=r"my-notes\.txt is not part of a report"):
        publish(staging, final)
    assert (final / "my-notes.txt").read_text() == "keep me"
    assert (staging / "annual-report.html").read_text() == "new"


# --- 4. Every output is checked before it replaces the last good report ---------------------


@pytest.mark.e2e
def test_a_renderer_that_writes_nothing_keeps_the_last_good_report(
    previous, built_2019, tmp_path, monkeypatch, capsys
):
    """A `quarto` on PATH that only exits 0 used to be published as "built", deleting the
    last good HTML and PDF. (This one answers `--version`, as Quarto does, to get as far as
    rendering; one that does not stops sooner, before anything is written.)"""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    quarto = bin_dir / "quarto"
    quarto.write_text('#!/bin/sh\n[ "$1" = --version ] && echo 1.10.18\nexit 0\n')
    quarto.chmod(quarto.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    reuse_executed(monkeypatch, built_2019)
    before = snapshot(previous)
    assert build(previous) == 1
    err = capsys.readouterr().err.strip()
    assert err == ("essex-report: quarto render wrote no annual-report.html (html)")
    assert snapshot(previous) == before
    assert not list(previous.glob(".build-*"))


def register_row(indicator: str, text: str):
    from essex_report.document.register import Row
    from essex_report.notebook.parts import Printed

    return Row(Printed(indicator, "", "2019/20", "", "", "", "", text, "", ""), "")


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


@pytest.mark.e2e
def test_an_output_that_is_empty_broken_or_missing_figures_is_refused(built_2019, tmp_path):
    from essex_report.errors import BuildError
    from essex_report.publish.verify import check_outputs

    good_html = (built_2019 / "annual-report.html").read_bytes()
    good_pdf = (built_2019 / "annual-report.pdf").read_bytes()
    from essex_report.publish.verify import Expected

    figures = Expected([register_row("spend_total", "£2.1bn")], [(1, "Resources")], 7, 12000)
    cases = {
        "the r wrote an empty annual-report.html": {"html": b"", "pdf": good_pdf},
        "annual-report.html from the r does not show 1 of the 1 figures of figures.csv "
        "(first: £2.1bn for spend_total)": {
            "html": b"<html><body><h2>Resources</h2><p>No figures</p>"
            b"<style>/* \xc2\xa32.1bn */</style></body></html>",
            "pdf": good_pdf,
        },
        "annual-report.pdf from the r does not open as a PDF": {
            "html": good_html,
            "pdf": b"%PDF-1.7 not really",
        },
        "annual-report.html from the r is not a readable HTML page (it has no <body>)": {
            "html": b"\xc2\xa32.1bn",
            "pdf": good_pdf,
        },
    }
    for expected, contents in cases.items():
        outputs = {
            fmt: write(tmp_path, f"annual-report.{fmt}", content)
            for fmt, content in contents.items()
        }
        with pytest.raises(BuildError) as raised:
            check_outputs(outputs, figures, "r")
        assert str(raised.value).startswith(expected), str(raised.value)
    good = {
        "html": write(tmp_path, "annual-report.html", good_html),
        "pdf": write(tmp_path, "annual-report.pdf", good_pdf),
    }
    check_outputs(good, figures, "r")  # the real report passes


# --- 15. What a killed build leaves behind, SIGHUP, and where a failed notebook goes ---------


def start_build(output: Path, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "essex_report", "build", "--year", "2019/20"]
        + ["--output", str(output), "--data-dir", str(data)],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.e2e
def test_the_next_build_removes_what_a_killed_build_left(tmp_path, good_data, capsys):
    output = tmp_path / "report"
    first = start_build(output, good_data)
    kernels = wait_for_workers(first)
    first.kill()  # SIGKILL: no handler runs, the build folder stays
    first.communicate(timeout=30)
    for kernel in kernels:
        kernel.kill()
    assert list(output.glob(".build-*"))
    # A live build's folder (this process holds its lock) must survive the clean-up.
    from essex_report.publish.folder import build_folder
    from essex_report.years import parse_year

    with build_folder(output, parse_year("2018/19")) as live:
        (good_data / "2019-20" / "values.csv").write_text("broken\n")  # fails right after
        assert build(output, good_data) == 1
        capsys.readouterr()
        assert [p.name for p in output.glob(".build-*")] == [live.name]
    assert not list(output.glob(".build-*"))


@pytest.mark.e2e
def test_sighup_stops_a_build_like_sigterm(tmp_path, good_data):
    output = tmp_path / "report"
    build_process = start_build(output, good_data)
    kernels = wait_for_workers(build_process)
    build_process.send_signal(signal.SIGHUP)
    _, err = build_process.communicate(timeout=60)
    assert build_process.returncode == 128 + signal.SIGHUP, err  # 129, as a shell says
    assert err.strip().endswith("essex-report: interrupted; the last good report is in place")
    _, alive = psutil.wait_procs(kernels, timeout=5)
    assert alive == []
    assert not list(output.glob(".build-*"))


def test_validate_piped_into_head_keeps_its_exit_status(good_data):
    """`essex-report validate | head -1` exited 0 with errors: the closed pipe was taken as
    success."""
    values = good_data / "2019-20" / "values.csv"
    bad = "".join(f"spend_total,row{n},£2.1bn,reported,x,,\n" for n in range(3000))
    values.write_text(values.read_text() + bad)
    command = (
        f"set -o pipefail; {sys.executable} -m essex_report validate --data-dir {good_data} "
        "2>&1 | head -1"
    )
    result = essex_report_shell(command)
    assert result.returncode == 1, result
    assert result.stdout.count("\n") == 1


def essex_report_shell(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, cwd=paths.ROOT, timeout=120
    )
