"""The Jupyter kernels a build starts: launched quietly, recorded, and stopped when a build
fails or is interrupted. Only kernels this process started through `quiet_kernel_manager`
are ever stopped, never another child of the process."""

from __future__ import annotations

import contextlib
import subprocess
import threading

import psutil

_started: dict[int, psutil.Process] = {}  # pid -> the kernel (psutil guards against pid reuse)
_lock = threading.Lock()


def quiet_kernel_manager() -> type:
    """A kernel manager whose kernels do not write to the build's terminal, and are recorded.

    A kernel stopped mid-cell can print low-level noise (a libzmq assertion, say) that would
    break the one-line error a person sees; anything that matters reaches the build through
    the notebook itself (an error output, or Papermill's dead-kernel error).
    """
    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: object) -> None:  # type: ignore[override]
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            if pid:
                _record(pid)

    return QuietKernelManager


def _record(pid: int) -> None:
    try:
        process = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    with _lock:
        _started[pid] = process


def started() -> list[psutil.Process]:
    """The kernels this process started that are still running."""
    with _lock:
        for pid in [pid for pid, p in _started.items() if not p.is_running()]:
            del _started[pid]
        return list(_started.values())


def stop_kernels() -> None:
    """Terminate (then kill) the kernels this process started, and what they started."""
    kernels = started()
    family: list[psutil.Process] = []
    for kernel in kernels:
        try:
            family += [kernel, *kernel.children(recursive=True)]
        except psutil.Error:
            continue
    _, alive = psutil.wait_procs(family, timeout=1)  # a finished kernel is still exiting
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(alive, timeout=3)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    with _lock:
        for kernel in kernels:
            _started.pop(kernel.pid, None)
