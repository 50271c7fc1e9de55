"""Run the chapter notebooks in this process, without kernels, Papermill or a renderer, to learn
what a year's report would print: which figures, which narrative blocks. `essex-report
validate` uses it, so completeness (a value no chapter prints, a section no chapter prints) is
known before a build; the build itself checks the executed notebooks again.
"""

from __future__ import annotations

import contextlib
import io
import json
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from essex_report import limits, paths
from essex_report.cells import cell_words
from essex_report.completeness import unprinted_values, unprinted_words
from essex_report.data import Workbook
from essex_report.errors import Problem, ReportError
from essex_report.figure_parts import FigureParts
from essex_report.parts import PAYLOAD_MIME
from essex_report.render import load_config
from essex_report.stitch import HIDDEN_TAGS
from essex_report.years import FinancialYear


def printed(book: Workbook, year: FinancialYear) -> tuple[list[dict], set, list[Problem]]:
    """The figures and narrative blocks the year's chapters print, and a problem for every
    cell that fails (named by notebook and cell)."""
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    payloads: list[dict] = []

    class Collect(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, **kwargs) -> None:
            if PAYLOAD_MIME in data:
                payloads.append(data[PAYLOAD_MIME])

    shell = InteractiveShell.instance()
    shell.display_pub = Collect(shell=shell)
    report = FigureParts(book, year)
    seconds = limits.cell_timeout()
    figures: list[dict] = []
    problems: list[Problem] = []
    for chapter in load_config().chapters:
        nb = json.loads((paths.ROOT / chapter).read_text(encoding="utf-8"))
        shell.reset(new_session=False)
        shell.user_ns.update(year=year.label, data_dir=str(Path(book.data_dir).resolve()))
        for number, cell in enumerate(nb["cells"], start=1):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if set(cell.get("metadata", {}).get("tags", [])) & HIDDEN_TAGS:
                continue
            if cell["cell_type"] == "markdown":
                figures += [f.to_json() for f in cell_words(report, source)[1]]
            elif cell["cell_type"] == "code":
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                    time_limit(seconds, f"{chapter}: cell {number}"),
                ):
                    result = shell.run_cell(source, store_history=False)
                error = result.error_before_exec or result.error_in_exec
                if error is not None:
                    message = str(error).split("\n")[0]
                    problems.append(
                        Problem(chapter, f"cell {number}: {type(error).__name__}: {message}")
                    )
                    break
    for payload in payloads:
        figures += payload.get("figures", [])
    blocks = {(file, line) for p in payloads for file, line in p.get("printed", [])}
    return figures, blocks, problems


@contextlib.contextmanager
def time_limit(seconds: int, where: str) -> Iterator[None]:
    """Stop a cell that runs too long, as the build's time limit does (main thread only)."""

    def stop(signum, frame):
        raise ReportError(f"{where} ran for more than {seconds} s and was stopped")

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def completeness(book: Workbook, year: FinancialYear) -> list[Problem]:
    """What the build would refuse (words no chapter prints, a failing cell) or warn about
    (values no chapter prints), found by running the chapters here."""
    try:
        figures, blocks, problems = printed(book, year)
    except ReportError as error:
        return [Problem("notebooks", str(error))]
    registered = {(f["indicator"], f["breakdown"], f["year"]) for f in figures}
    if problems:
        return problems  # a chapter that stops prints nothing after it: nothing more to say
    return unprinted_words(book, year, blocks) + unprinted_values(book, year, registered)
