"""One exception family, and the problems found in the data. Every message is one line for
people: what, where, what to do. Imports nothing of the package."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path


class ReportError(Exception):
    """Base of every error the workbook reports to people (exit code 1, no traceback)."""


class YearError(ReportError, ValueError):
    """A financial year written in a form the workbook does not accept."""


class BuildError(ReportError):
    """The build could not finish; the last good report is untouched."""


class NotebookError(BuildError):
    """A chapter notebook the build stops at: `notebook` (as _quarto.yml lists it) and
    `detail`, what went wrong where in it ("cell 4: ..."); `validate` lists it as a problem of
    that notebook."""

    def __init__(self, notebook: str, detail: str, message: str | None = None):
        super().__init__(message or f"notebook {notebook}, {detail}")
        self.notebook, self.detail = notebook, detail


class Level(Enum):
    """An error stops a build; a warning is reported only."""

    ERROR = "error"
    WARNING = "warning"


class Reason(Enum):
    """What kind of problem it is: code branches on this, never on a message's words."""

    UNREADABLE = "unreadable"  # the file cannot be read (missing, not UTF-8, too large ...)
    NOT_CSV = "not-csv"  # a line that is not valid CSV
    MISSING_COLUMN = "missing-column"
    RENAMED_COLUMN = "renamed-column"  # a column whose name is close to an expected one
    EXTRA_COLUMN = "extra-column"
    FIELD_COUNT = "field-count"
    EMPTY = "empty"  # a cell that must hold a value is empty
    INVALID = "invalid"  # a cell whose value has the wrong form
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"  # a reference to something the catalogue does not hold
    OUT_OF_RANGE = "out-of-range"
    FRAMEWORK = "framework"  # the strategic frameworks do not fit together
    NARRATIVE = "narrative"  # a narrative file's name, form or headings
    PLACEHOLDER = "placeholder"
    TYPED_FIGURE = "typed-figure"  # a figure typed in words instead of a placeholder
    NO_VALUE = "no-value"  # a placeholder or chart naming a figure the year does not have
    TO_WRITE = "to-write"  # a TODO section
    MONEY = "money"  # funding lines, shares and totals that do not agree
    DERIVE = "derive"  # a derived figure that cannot be worked out
    UNPRINTED_WORDS = "unprinted-words"
    UNPRINTED_VALUE = "unprinted-value"
    NOTEBOOK = "notebook"  # a chapter notebook that cannot be read or fails
    NO_DATA = "no-data"  # a year without a data folder


# Paths in messages are shown relative to this folder when inside it: the command's working
# folder, set once at the command's edge (essex_report.cli); absolute otherwise.
_display_base: Path | None = None


def show_paths_from(folder: Path | None) -> None:
    global _display_base
    _display_base = folder


def shown(path: Path | str) -> str:
    """A path as people should read it: relative to the display folder when inside it. A
    symbolic link is named as written, not by where it points (it may point nowhere)."""
    path = Path(path)
    absolute = Path(os.path.abspath(path))
    base = _display_base
    if base is None:
        return str(path)
    candidates = [absolute]
    with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a link loop (3.11)
        candidates.append(absolute.parent.resolve() / absolute.name)
    for candidate in candidates:
        if candidate.is_relative_to(base):
            return str(candidate.relative_to(base)) or "."
    return str(path)


@dataclass(frozen=True)
class Problem:
    """One problem found in the data: file, line, column, what was found and expected."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    level: Level = Level.ERROR
    reason: Reason = Reason.INVALID

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        prefix = "warning: " if self.level is Level.WARNING else ""
        return f"{prefix}{where}: {self.message}"


@dataclass
class Problems:
    """Collects problems as they are found (pandera's lazy validation, in small): every
    problem is kept, in order, and those of a row can be asked for by its file and line."""

    found: list[Problem] = field(default_factory=list)
    _at: dict[tuple[str, int | None], int] = field(default_factory=dict, repr=False)

    def add(
        self,
        file: str,
        message: str,
        reason: Reason,
        *,
        line: int | None = None,
        column: str | None = None,
        level: Level = Level.ERROR,
    ) -> Problem:
        problem = Problem(file, message, line, column, level, reason)
        self.append(problem)
        return problem

    def append(self, problem: Problem) -> None:
        self.found.append(problem)
        if problem.is_error:
            key = (problem.file, problem.line)
            self._at[key] = self._at.get(key, 0) + 1

    def amend(self, file: str, line: int | None, words: str) -> None:
        """Add `words` to the first error of a row (file and line): how many other rows a
        cause affects is said once, with it, rather than once for each of them."""
        for index, problem in enumerate(self.found):
            if problem.is_error and (problem.file, problem.line) == (file, line):
                self.found[index] = replace(problem, message=f"{problem.message} {words}")
                return

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def at(self, file: str, line: int | None) -> int:
        """How many errors a row (file and line) has."""
        return self._at.get((file, line), 0)

    def since(self, mark: int) -> list[Problem]:
        """The problems found after `mark` (a length taken earlier with len())."""
        return self.found[mark:]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.found if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.found if not p.is_error]

    def of(self, *reasons: Reason) -> list[Problem]:
        return [p for p in self.found if p.reason in reasons]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def __bool__(self) -> bool:
        return bool(self.found)


class DataError(ReportError):
    """The data has problems; all of them are listed, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        if len(problems) == 1:
            super().__init__(str(problems[0]))
        else:
            listed = "\n".join(f"  {p}" for p in problems)
            super().__init__(f"{len(problems)} problems in the data:\n{listed}")


def raise_for(problems: Iterable[Problem]) -> None:
    """A DataError listing the errors among `problems`, if there are any."""
    errors = [p for p in problems if p.is_error]
    if errors:
        raise DataError(errors)


def no_space(paths: Iterable[Path | str | None]) -> str:
    """A full disk as one line, naming the disk that is full: of the folders a failure
    involves (the files it names, where the command writes), the one with least room. (A
    copy that fails names the file it copied from first: that disk may have room.)"""
    rooms: list[tuple[int, Path]] = []
    for path in paths:
        if not path:
            continue
        folder = Path(os.path.abspath(path))
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # the folder that exists: where the file would go
        with contextlib.suppress(OSError):
            rooms.append((shutil.disk_usage(folder).free, Path(os.path.abspath(path))))
    if not rooms:
        return "no space left on the disk; free some space and run it again"
    free, fullest = min(rooms, key=lambda room: room[0])
    return (
        f"no space left on the disk that holds {shown(fullest)} ({free // 2**20} MB free); "
        "free some space there and run it again"
    )
