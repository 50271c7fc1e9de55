"""The Jupyter kernels a build starts: launched quietly, and stopped when a build fails or is
interrupted."""

from __future__ import annotations

import subprocess


def quiet_kernel_manager() -> type:
    """A kernel manager whose kernels do not write to the build's terminal.

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

    return QuietKernelManager


def stop_kernels() -> None:
    """Terminate (then kill) every child process of this one: the Papermill kernels."""
    try:
        import psutil
    except ImportError:
        return
    children = psutil.Process().children(recursive=True)
    _, alive = psutil.wait_procs(children, timeout=1)  # a finished kernel is still exiting
    for child in alive:
        child.terminate()
    _, alive = psutil.wait_procs(alive, timeout=3)
    for child in alive:
        child.kill()
