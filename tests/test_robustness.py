"""A failed, interrupted or concurrent build never loses the last good report, and text from
data never becomes markup."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from tests import repo as paths

from .builds import snapshot, wait_for_workers
from .conftest import essex_report

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks


def start_build(
    output: Path, env: dict | None = None, extra: list[str] | None = None
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "essex_report",
            "build",
            "--year",
            "2019/20",
            "--output",
            str(output),
            *(extra or []),
        ],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def failing_home(tmp_path) -> Path:
    """A copy of the workbook whose contact notebook raises in its fourth cell, after its kernel
    has written to its own stderr (noise a person must not see)."""
    home = paths.copy_home(tmp_path / "home")
    notebook = home / "notebooks" / "contact.ipynb"
    nb = json.loads(notebook.read_text())
    nb["cells"][3]["source"] = [
        "#| echo: false\n",
        "import os\n",
        "os.write(2, b'low-level kernel noise\\n')\n",
        "raise RuntimeError('the contact notebook broke')",
    ]
    notebook.write_text(json.dumps(nb))
    return home


def test_a_failing_notebook_keeps_the_last_good_report(failing_home, built_2019):
    output = failing_home / "report"
    shutil.copytree(built_2019, output / "2019-20")
    before = snapshot(output)
    result = essex_report(
        "build",
        "--year",
        "2019/20",
        "--output",
        str(output),
        env={"ESSEX_REPORT_HOME": str(failing_home)},
    )
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert "notebook notebooks/contact.ipynb failed in cell 4" in message
    assert "RuntimeError: the contact notebook broke" in message
    # Kept beside the last good report, never inside it, and the message says where.
    kept = output / "failed" / "2019-20" / "contact.ipynb"
    assert kept.is_file() and "the contact notebook broke" in kept.read_text()
    assert "executed notebook kept in " in message and message.endswith("contact.ipynb)")
    assert sorted(p.name for p in (output / "2019-20").iterdir()) == sorted(
        p.name for p in built_2019.iterdir()
    )
    assert snapshot(output) == before
    assert not list(output.glob(".build-*"))


def test_debug_shows_the_traceback(failing_home, tmp_path):
    result = essex_report(
        "--debug",
        "build",
        "--year",
        "2019/20",
        "--output",
        str(tmp_path / "out"),
        env={"ESSEX_REPORT_HOME": str(failing_home)},
    )
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_sigterm_mid_build_keeps_the_report_and_stops_every_kernel(previous):
    before = snapshot(previous)
    build = start_build(previous)
    kernels = wait_for_workers(build)
    build.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    _, err = build.communicate(timeout=60)
    assert build.returncode == 128 + signal.SIGTERM  # 143, as a shell reports it
    # Stopping takes about a second; waiting out a time-out (30 s) is a bug a person notices.
    assert time.monotonic() - signalled < 15
    assert "interrupted; the last good report is in place" in err
    assert snapshot(previous) == before
    _, alive = psutil.wait_procs(kernels, timeout=5)
    assert alive == []
    assert not list(previous.glob(".build-*"))


@pytest.mark.parametrize("after", [0.2, 0.6, 1.0, 1.5])
def test_sigterm_at_any_moment_stops_the_build_and_never_hangs(previous, after):
    """A SIGTERM while the build imports, forks or runs notebooks: it stops, promptly, with
    130 (it once hung, a lock held by a fork's handler; once built on, matplotlib having
    caught the interrupt while importing; once aborted, a C extension's import interrupted)."""
    before = snapshot(previous)
    build = start_build(previous, extra=["--no-cache"])
    time.sleep(after)
    build.send_signal(signal.SIGTERM)
    _, err = build.communicate(timeout=30)
    if build.returncode == -signal.SIGTERM:  # before the command had started: nothing done
        assert err == "" and not list(previous.glob(".build-*"))
    else:
        assert build.returncode == 128 + signal.SIGTERM, err
        assert err.strip().splitlines()[-1].endswith("the last good report is in place")
    assert snapshot(previous) == before


def test_a_second_build_of_the_same_year_stops_with_a_clear_message(previous):
    first = start_build(previous)
    wait_for_workers(first)
    second = essex_report("build", "--year", "2019/20", "--output", str(previous))
    assert second.returncode == 1
    assert "a build of 2019/20 is already running" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert len(PdfReader(previous / "2019-20" / "annual-report.pdf").pages) > 20


def test_text_from_data_stays_text(real_data, tmp_path):
    """HTML, script, javascript: links and Typst commands in data print literally."""
    hostile = (
        "<script>alert(1)</script> and [x](javascript:alert(1)) and "
        "#set page(fill: red) and <b>bold?</b>"
    )
    foreword = real_data / "2019-20" / "narrative" / "foreword.md"
    foreword.write_text(foreword.read_text() + f"\n{hostile}\n", encoding="utf-8")
    indicators = real_data / "indicators.csv"
    indicators.write_text(
        indicators.read_text().replace(
            "spend_total,Total spending", 'spend_total,"=HYPERLINK(""x"")"'
        ),
        encoding="utf-8",
    )
    output = tmp_path / "report"
    result = essex_report(
        "build", "--year", "2019/20", "--data-dir", str(real_data), "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    html = (output / "2019-20" / "annual-report.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert 'href="javascript' not in html.lower() and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[x](javascript:alert(1))" in html
    pdf = " ".join(
        p.extract_text() for p in PdfReader(output / "2019-20" / "annual-report.pdf").pages
    )
    pdf = re.sub(r"\s+", " ", pdf)
    assert "<script>alert(1)</script>" in pdf and "#set page(fill: red)" in pdf
    register = (output / "2019-20" / "figures.csv").read_text("utf-8")
    assert "'=HYPERLINK" in register and ",=HYPERLINK" not in register
