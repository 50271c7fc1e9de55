"""The project's Papermill engine: a notebook's cells run in this process, in an IPython shell
of their own, instead of a kernel started for the notebook.

A kernel costs a process start and the package's imports for every notebook; the build runs
each notebook in a process forked from one that has imported them already (run/workers.py),
so each notebook still starts from a clean namespace and writes the same executed notebook
(display data, streams, results and errors as a kernel records them). Registered with
Papermill as `essex` (pyproject's `papermill.engine` entry point), so
`papermill ... --engine essex` runs a notebook as the build does.

Markdown cells are filled here too, in the notebook's own process: the notebook API of the
year the notebook opened fills each cell's placeholders (essex_report.notebook.words), so
the executed notebook reads as the chapter the report prints, and the cell's metadata keeps
its source as written and the figures it printed.
"""

from __future__ import annotations

import base64
import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from nbformat.v4 import new_output

from essex_report.errors import ReportError
from essex_report.notebook.parts import signed
from essex_report.notebook.words import markdown_without_year
from essex_report.notebook.year import opened_year
from essex_report.run.reader import ADDED_TAGS, META, source, tags


class CellFailed(ReportError):
    """A cell the build stops at: a Markdown cell the notebook API refused, or a cell that ran
    longer than the time limit. `number` counts the cells the author wrote (1 = first)."""

    def __init__(self, number: int, message: str, timed_out: bool = False):
        super().__init__(message)
        self.number = number
        self.timed_out = timed_out


class _Outputs:
    """The outputs of the cell being run, in the form a kernel's messages give nbclient."""

    def __init__(self) -> None:
        self.items: list[NotebookNode] = []
        self.count: int | None = None

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.items.append(new_output("stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self.items.append(new_output("display_data", data=_jsonable(data), metadata=metadata or {}))

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self.items.append(
            new_output(
                "execute_result",
                data=_jsonable(data),
                metadata=metadata or {},
                execution_count=self.count,
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.items.append(new_output("error", ename=ename, evalue=evalue, traceback=traceback))


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Display data as a kernel sends it: binary formats base64-encoded."""
    return {
        mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for mime, value in data.items()
    }


class _Publisher(DisplayPublisher):
    outputs: _Outputs

    def publish(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        source: Any = None,
        *,
        transient: Any = None,
        update: bool = False,
        **kwargs: Any,
    ) -> None:
        self.outputs.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        self.outputs.items.clear()


class _ResultHook(DisplayHook):
    outputs: _Outputs

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
        self.outputs.result(format_dict, md_dict)

    def finish_displayhook(self) -> None:
        pass


class _Stream:
    """sys.stdout or sys.stderr while a cell runs."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        self.outputs, self.name = outputs, name

    def write(self, text: str) -> int:
        self.outputs.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class CellShell(InteractiveShell):
    """An IPython shell whose every output goes to the current cell's outputs."""

    display_pub_class = _Publisher
    displayhook_class = _ResultHook

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outputs = _Outputs()
        self.display_pub.outputs = self.outputs  # type: ignore[attr-defined]
        self.displayhook.outputs = self.outputs  # type: ignore[attr-defined]

    def enable_gui(self, gui: Any = None) -> None:
        """No event loop to join: charts are shown inline, as in a kernel."""

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        self.outputs.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    def run(self, code: str) -> list[NotebookNode]:
        """Run one cell's code; its outputs, as a kernel would record them."""
        self.outputs.items = []
        self.outputs.count = self.execution_count
        stdout, stderr = _Stream(self.outputs, "stdout"), _Stream(self.outputs, "stderr")
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            self.run_cell(code, store_history=True)
        return list(self.outputs.items)


def new_shell() -> CellShell:
    """A shell with a clean namespace, charts shown inline as in a kernel."""
    InteractiveShell.clear_instance()
    shell = CellShell.instance()
    with contextlib.suppress(ImportError):  # matplotlib is a dependency, but inline is not
        shell.enable_matplotlib("inline")
    return shell


@contextlib.contextmanager
def time_limit(seconds: int | None, timed_out: list[bool]) -> Iterator[None]:
    """Interrupt a cell that runs longer than `seconds` (in the main thread only: the runner
    that forked this process watches it too)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        timed_out.append(True)
        raise TimeoutError(f"the cell ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def fill_markdown(cell: NotebookNode, number: int) -> None:
    """A Markdown cell as the report prints it, by the notebook API of the year the notebook
    opened (or escaped alone, above `open_year`): its words escaped and placeholders filled,
    its source as written and its figures kept in the metadata, signed in a build."""
    written = source(cell)
    cell.metadata.pop(META, None)  # only the build writes this: never trust a stored copy
    year = opened_year()
    try:
        part = markdown_without_year(written) if year is None else year.markdown_cell(written)
    except ReportError as error:
        raise CellFailed(number, str(error)) from None
    cell.source = part.markdown
    cell.metadata[META] = {
        "source": written,
        "payload": signed({"text/markdown": part.markdown}, part.payload()),
    }


class EssexEngine:
    """Papermill's engine interface (papermill.engines.Engine's), over CellShell.

    Papermill imports this module when it loads its engines' entry points, so nothing of
    Papermill is imported here at module level (it would be an import cycle): the interface
    is written out, with Papermill's execution manager imported when a notebook runs."""

    @classmethod
    def execute_notebook(
        cls,
        nb: NotebookNode,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> NotebookNode:
        """As Engine.execute_notebook: the run wrapped in Papermill's execution manager."""
        from papermill.engines import NotebookExecutionManager  # see the class docstring

        nb_man = NotebookExecutionManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def nb_kernel_name(cls, nb: NotebookNode, name: str | None = None) -> str:
        from papermill.utils import nb_kernel_name  # see the class docstring

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb: NotebookNode, language: str | None = None) -> str:
        from papermill.utils import nb_language  # see the class docstring

        return nb_language(nb, language)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        execution_timeout: int | None = None,
        on_cell: Any = None,
        failed_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            cls._cells(nb_man, execution_timeout, on_cell)
        except CellFailed:
            if failed_path:  # kept for the person who looks into it
                nbformat.write(nb_man.nb, failed_path)
            raise

    @classmethod
    def _cells(cls, nb_man: Any, execution_timeout: int | None, on_cell: Any) -> None:
        shell = new_shell()
        number = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if not ADDED_TAGS & tags(cell):
                number += 1
            if on_cell is not None:
                on_cell(number)
            if cell.cell_type == "markdown":
                fill_markdown(cell, number)
                continue
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            cell.execution_count = shell.execution_count
            timed_out: list[bool] = []
            try:
                with time_limit(execution_timeout, timed_out):
                    cell.outputs = shell.run(source(cell))
            finally:
                nb_man.cell_complete(cell, index)
            if timed_out:
                raise CellFailed(number, "the cell ran too long", timed_out=True)
            if any(o.output_type == "error" for o in cell.outputs):
                nb_man.cell_exception(cell, index)
                return  # Papermill raises for the error output, as for a kernel's


def register() -> None:
    """Make the engine known to Papermill in this process (the entry point does it for the
    papermill command)."""
    from papermill.engines import papermill_engines  # see EssexEngine's docstring

    papermill_engines.register("essex", EssexEngine)
