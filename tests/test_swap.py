"""Publishing never leaves a moment without a report (issue 16, 6): the new report goes in
place by one atomic step, and a signal at any step of the swap leaves either the old report
or the new one in report/<year>/, complete, before and after the next build tidies up."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from essex_report.publish import swap
from essex_report.publish.folder import clean_stale
from tests import repo

# Each step of the swap the test can interrupt: the function swap.py calls for it.
STEPS = ("mark", "exchange", "tidy")
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)

CHILD = """
import os, signal, sys
from pathlib import Path
from essex_report import cli, interrupt
from essex_report.publish import swap

step, when, signum, exchange = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
signal.signal(signal.SIGTERM, cli._terminate)  # as the command line does: asked, then checked
signal.signal(signal.SIGINT, signal.default_int_handler)  # raised at once, mid-step
calls = {{
    "mark": ("Path", "write_text"), "exchange": ("os", "rename"), "tidy": ("shutil", "rmtree")
}}
if exchange and hasattr(swap, "_exchange"):
    calls["exchange"] = ("swap", "_exchange")
elif not exchange:
    swap._exchange = lambda a, b: False  # a system without an atomic exchange
holder_name, name = calls[step]
holder = {{"Path": Path, "swap": swap, "shutil": swap.shutil, "os": swap.os}}[holder_name]
original = getattr(holder, name)

def interrupted(*args, **kwargs):
    if when == "before":
        os.kill(os.getpid(), signum)
    result = original(*args, **kwargs)
    if when == "after":
        os.kill(os.getpid(), signum)
    return result

setattr(holder, name, interrupted)
swap.swap_in(Path(sys.argv[5]), Path(sys.argv[6]))
interrupt.check()  # where the build looks next
"""


def report(folder: Path, words: str) -> Path:
    folder.mkdir(parents=True)
    for name in ("annual-report.html", "annual-report.pdf", "figures.csv"):
        (folder / name).write_text(f"{words} {name}", encoding="utf-8")
    return folder


def whole(folder: Path) -> str | None:
    """Which report a folder holds, when it holds one whole: 'old' or 'new'."""
    if not folder.is_dir():
        return None
    texts = {
        (folder / n).read_text(encoding="utf-8").split()[0] if (folder / n).is_file() else ""
        for n in ("annual-report.html", "annual-report.pdf", "figures.csv")
    }
    return texts.pop() if len(texts) == 1 and texts <= {"old", "new"} else None


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic", "two-renames"])
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("step", STEPS)
def test_a_signal_at_any_step_leaves_a_whole_report_in_place(
    tmp_path, step, when, signum, exchange
):
    output = tmp_path / "report"
    final = report(output / "2019-20", "old")
    staging = report(output / ".build-2019-20-1-x" / "2019-20", "new")
    script = textwrap.dedent(CHILD.format())
    child = subprocess.run(
        [sys.executable, "-c", script, step, when, str(int(signum)), "1" if exchange else "0"]
        + [str(staging), str(final)],
        cwd=repo.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode != 0 or when == "after"  # the signal was met
    if exchange or step != "exchange":  # the atomic swap: never a moment without a report
        assert whole(final) in ("old", "new"), (child.stderr, sorted(output.rglob("*")))
    swap.recover(final)  # what the next build does first
    clean_stale(output)
    assert whole(final) in ("old", "new")
    assert not list(output.glob(".old-*"))


def test_the_swap_puts_the_new_report_in_place_and_removes_the_old_one(tmp_path):
    output = tmp_path / "report"
    final = report(output / "2019-20", "old")
    staging = report(output / ".build-x" / "2019-20", "new")
    swap.swap_in(staging, final)
    assert whole(final) == "new" and not staging.exists()
    assert sorted(p.name for p in output.iterdir()) == [".build-x", "2019-20"]
    first = report(tmp_path / "first" / ".build-y" / "2019-20", "new")
    swap.swap_in(first, tmp_path / "first" / "2019-20")  # no report yet: one rename
    assert whole(tmp_path / "first" / "2019-20") == "new"


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_exchange_is_one_step_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    assert swap._exchange(a, b) is True
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
