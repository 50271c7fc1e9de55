"""What a build is doing, as it does it: on a terminal, one line per year redrawn as its
notebooks and render finish; otherwise (a log, CI) a plain line per event. Imports only the
foundations."""

from __future__ import annotations

import threading
from typing import TextIO

from essex_report.years import FinancialYear


class Progress:
    """What a build is doing: on a terminal, one line per year redrawn as its notebooks and
    render finish; otherwise (a log, CI) a plain line per event."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.lines: dict[FinancialYear, str] = {}
        self.drawn = 0
        self.lock = threading.Lock()

    def say(self, year: FinancialYear, what: str, detail: str) -> None:
        with self.lock:  # years render side by side: one line at a time
            self._say(year, what, detail)

    def _say(self, year: FinancialYear, what: str, detail: str) -> None:
        if not self.live:
            print(f"{year}: {what}: {detail}", file=self.stream, flush=True)
            return
        done = self.lines.get(year, "").count("■")
        mark = "■" if what not in ("rendering",) else ""
        self.lines[year] = f"{year}  {'■' * (done + len(mark))}  {what}: {detail}"
        self._draw()

    def _draw(self) -> None:
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F")
        for line in self.lines.values():
            self.stream.write(f"\x1b[2K{line[:120]}\n")
        self.drawn = len(self.lines)
        self.stream.flush()

    def close(self) -> None:
        self.lines.clear()
