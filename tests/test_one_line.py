"""Every failure is one line (issue 16, 8): the disk that is full is the one named, and a
render killed outright leaves no temporary folder behind once the next build has run."""

from __future__ import annotations

import errno
from collections import namedtuple
from pathlib import Path

from essex_report import errors, scratch
from essex_report.cli import main

Usage = namedtuple("Usage", "total used free")


def test_the_full_disk_is_named_not_the_file_copied_from(tmp_path, monkeypatch, capsys):
    """shutil.copyfile reports a full disk with the file it copied from as `filename`: the
    message named /tmp, which had room, instead of the report folder, which had none."""
    full, roomy = tmp_path / "report", tmp_path / "tmp"
    full.mkdir()
    roomy.mkdir()
    monkeypatch.setattr(
        errors.shutil,
        "disk_usage",
        lambda p: Usage(10**9, 10**9, 0 if Path(p).is_relative_to(full) else 10**9),
    )
    failure = OSError(errno.ENOSPC, "No space left on device", str(roomy / "annual-report.html"))
    failure.filename2 = str(full / "2019-20" / "annual-report.html")
    said = errors.no_space([failure.filename, failure.filename2])
    assert said.startswith(f"no space left on the disk that holds {full}")
    assert "0 MB free" in said and said.endswith("free some space there and run it again")


def test_a_full_disk_without_a_file_named_names_the_fullest_disk_it_writes_to(
    tmp_path, monkeypatch, capsys
):
    def build(args):
        raise OSError(errno.ENOSPC, "No space left on device")  # no file named: a write()

    output = tmp_path / "out"
    monkeypatch.setattr("essex_report.cli.cmd_build", build)
    monkeypatch.setattr(
        errors.shutil,
        "disk_usage",
        lambda p: Usage(10**9, 10**9, 5 * 2**20 if Path(p).is_relative_to(tmp_path) else 10**9),
    )
    assert main(["build", "--year", "2019/20", "--output", str(output)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err == (
        f"essex-report: no space left on the disk that holds {output} (5 MB free); free some "
        "space there and run it again"
    )


def test_a_killed_render_s_folder_is_removed_by_the_next_build(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    import tempfile

    from essex_report.render import base

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    script = (
        "import os\n"
        "from essex_report.render.base import render_folder\n"
        "with render_folder() as folder:\n"
        "    (folder / 'annual-report.md').write_text('x')\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", script], env={**os.environ, "TMPDIR": str(tmp_path)})
    left = [p for p in tmp_path.glob("essex-report-render-*") if p.is_dir()]
    assert len(left) == 1  # killed outright: nothing could remove it
    with base.render_folder() as live:  # the next build's render tidies what no render owns
        assert not left[0].exists() and live.exists()
        with base.render_folder() as other:  # ... and never a live render's folder
            assert live.exists() and other.exists()
    assert not list(tmp_path.glob("essex-report-render-*"))


def test_an_owned_folder_is_never_removed_while_its_command_lives(tmp_path):
    with scratch.owned_folder(tmp_path, "x-") as folder:
        assert scratch.remove_abandoned(tmp_path, "x-") == [] and folder.is_dir()
    assert list(tmp_path.iterdir()) == []
