"""A request to stop (Ctrl-C, SIGTERM, SIGHUP), carried out where the build checks for it: at
every stage, between notebooks and at least once a second while they run.

An interrupt raised wherever the signal arrives stopped builds in the middle of an import (a C
extension left half initialised: the interpreter aborted), of a fork (a lock of logging's left
held: the build hung), or was caught by a library and lost (matplotlib catches and warns while
importing). Imports nothing of the package."""

from __future__ import annotations

_requested: list[int] = []


def request(signum: int) -> None:
    _requested.append(signum)


def check() -> None:
    """Raise KeyboardInterrupt when a stop was asked for."""
    if _requested:
        raise KeyboardInterrupt


def asked_by() -> int | None:
    """The signal that first asked for a stop, if one did."""
    return _requested[0] if _requested else None


def forget() -> None:
    _requested.clear()
