"""Worker processes for notebooks: each (year, notebook) runs in a process forked from this
one after the notebook API, matplotlib, IPython and Papermill are imported, so a notebook
starts in milliseconds with a clean namespace. Several run at once; a cell that runs too long
is stopped, a worker that dies is named, and an interrupt stops every worker this process
started (and nothing else)."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from essex_report import interrupt
from essex_report.data.files import Reads, recording
from essex_report.imports import defer_slow_imports

PR_SET_PDEATHSIG = 1  # prctl(2)
STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}  # what stops a build
GRACE = 10  # seconds past the cell time limit before a worker that did not stop is killed
_running: dict[int, Worker] = {}  # pid -> the workers this process started, still running


@dataclass(frozen=True)
class Task:
    """One notebook to run: Papermill's arguments, and where a failed run is kept."""

    name: str  # for messages: notebooks/resources.ipynb
    notebook: Path
    output: Path
    parameters: dict[str, str]
    cwd: Path
    timeout: int
    failed_copy: Path | None = None
    key: bytes = b""  # the run's signing key (run/trust.py): given to the worker, nowhere else


@dataclass
class Outcome:
    task: Task
    ok: bool = False
    cell: int = 0  # the last cell that started (1 = the author's first)
    kind: str = ""  # error, timeout, died, failed
    ename: str = ""
    evalue: str = ""
    seconds: float = 0.0
    reads: Reads = field(default_factory=Reads)  # what the notebook's data loading read


def preload() -> None:
    """Import what every notebook imports, once, before workers are forked."""
    # costly to import (IPython, matplotlib, Papermill): only commands that run notebooks
    # pay for them, once, before the fork
    defer_slow_imports()
    import IPython.core.interactiveshell  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import papermill  # noqa: F401

    import essex_report.notebook  # noqa: F401  (costly: imported before the fork)
    from essex_report.charts import style  # costly: imported before the fork

    style.preload()
    # What is imported is shared with every worker until written to: kept out of the garbage
    # collector's sight, a worker's collections do not copy those pages.
    gc.collect()
    gc.freeze()


def _die_with(parent: int) -> None:
    """Linux: this worker is killed when the build that forked it dies, however it dies (a
    SIGKILL runs no handler that could stop it); elsewhere the build stops it itself."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the line above ran
        os._exit(1)


def _child(task: Task, conn: Connection, parent: int) -> None:
    """The forked worker: run the notebook with Papermill and the project's engine, report."""
    import papermill  # imported before the fork (preload): this costs nothing here
    from papermill.exceptions import PapermillExecutionError

    from essex_report.notebook.parts import sign_with  # imported before the fork
    from essex_report.run.engine import CellFailed, register  # imported before the fork

    _die_with(parent)
    # Nothing of the build's open files stays open here: its locks (the year's, its build
    # folder's) must end with the build, not with the last of its workers.
    own = conn.fileno()
    os.closerange(3, own)
    os.closerange(own + 1, os.sysconf("SC_OPEN_MAX"))
    devnull = os.open(os.devnull, os.O_WRONLY)  # a worker never writes to the terminal
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    register()
    sign_with(task.key)
    cell = [0]

    def on_cell(number: int) -> None:
        cell[0] = number
        conn.send(("cell", number))

    try:
        with recording() as reads:
            papermill.execute_notebook(
                str(task.notebook),
                str(task.output),
                parameters=task.parameters,
                engine_name="essex",
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=str(task.cwd),
                execution_timeout=task.timeout,
                on_cell=on_cell,
                failed_path=str(task.output),
            )
        conn.send(("done", {"reads": reads.to_json()}))
    except PapermillExecutionError as error:
        conn.send(("error", {"ename": error.ename, "evalue": str(error.evalue)}))
    except CellFailed as error:
        kind = "timeout" if error.timed_out else "refused"
        conn.send((kind, {"cell": error.number, "evalue": str(error)}))
    except BaseException as error:
        conn.send(("failed", {"ename": type(error).__name__, "evalue": str(error)}))
    finally:
        conn.close()
        os._exit(0)


def run(
    tasks: list[Task],
    jobs: int,
    on_done: Callable[[Outcome], None] | None = None,
    keep_going: bool = False,
) -> list[Outcome]:
    """Run every task, `jobs` at a time; stop at the first that fails (its outcome is last)
    unless `keep_going`. Outcomes of tasks that finished, in the order they finished."""
    pending = list(tasks)
    live: dict[Connection, tuple[Worker, Outcome, float, float]] = {}
    done: list[Outcome] = []
    try:
        while pending or live:
            interrupt.check()
            while pending and len(live) < max(1, jobs):
                task = pending.pop(0)
                process, parent = Worker.fork(task)
                started = time.monotonic()
                live[parent] = (process, Outcome(task), started, started)
            ready = wait(list(live), timeout=1.0)
            now = time.monotonic()
            for conn in list(live):
                process, outcome, started, since = live[conn]
                finished = False
                if conn in ready:
                    try:
                        kind, detail = conn.recv()
                    except (EOFError, OSError):
                        kind, detail = "died", {}
                    if kind == "cell":
                        outcome.cell = int(detail)
                        live[conn] = (process, outcome, started, now)
                        continue
                    outcome.ok = kind == "done"
                    outcome.kind = "" if outcome.ok else kind
                    outcome.ename = str(detail.get("ename", ""))
                    outcome.evalue = str(detail.get("evalue", ""))
                    outcome.cell = int(detail.get("cell", outcome.cell))
                    if "reads" in detail:
                        outcome.reads = Reads.from_json(detail["reads"])
                    finished = True
                elif now - since > outcome.task.timeout + GRACE:
                    outcome.kind = "timeout"
                    finished = True
                if finished:
                    process.stop()
                    conn.close()
                    del live[conn]
                    outcome.seconds = now - started
                    done.append(outcome)
                    if on_done is not None:
                        on_done(outcome)
                    if not outcome.ok and not keep_going:
                        return done
        return done
    finally:
        for process, *_ in live.values():
            process.stop()
        for conn in live:
            conn.close()


class Worker:
    """A process forked from this one to run one notebook. Forked directly (os.fork), not
    through multiprocessing: a Dask worker is a daemon process, which multiprocessing does not
    let have children."""

    def __init__(self, pid: int):
        self.pid = pid
        self.exited = False

    @classmethod
    def fork(cls, task: Task) -> tuple[Worker, Connection]:
        parent_pid = os.getpid()
        read, write = os.pipe()
        # No signal handler runs while forking (one that raised inside the fork's own handlers
        # would leave logging's lock held): a signal that comes meanwhile waits for the fork.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            pid = os.fork()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            raise
        if pid == 0:  # the worker, which never returns
            try:
                os.setpgid(0, 0)  # a group of its own: what a cell starts goes with it
                for signum in STOPPING:  # the parent's handlers, then signals as usual
                    signal.signal(signum, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                os.close(read)
                _child(task, Connection(write, readable=False), parent_pid)
            finally:
                os._exit(1)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        with contextlib.suppress(OSError):  # as the worker does, whichever runs first
            os.setpgid(pid, pid)
        os.close(write)
        worker = cls(pid)
        _running[pid] = worker
        return worker, Connection(read, writable=False)

    def _reaped(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.exited:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid = self.pid
            if pid == self.pid:
                self.exited = True
            elif time.monotonic() >= deadline:
                return False
            else:
                time.sleep(0.01)
        return True

    def stop(self) -> None:
        """End the worker: it has reported (and exits), or it is stopped."""
        for signum, grace in ((None, 2.0), (signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
            if signum is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signum)
            if self._reaped(grace):
                break
        with contextlib.suppress(OSError):  # anything a cell started and left running
            os.killpg(self.pid, signal.SIGKILL)
        _running.pop(self.pid, None)


def stop_workers() -> None:
    """Stop every worker this process started that is still running (an interrupt)."""
    for worker in list(_running.values()):
        with contextlib.suppress(Exception):
            worker.stop()
