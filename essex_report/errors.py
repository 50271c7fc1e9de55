"""One exception family. Every message is one line for people: what, where, what to do."""

from __future__ import annotations

from dataclasses import dataclass


class ReportError(Exception):
    """Base of every error the workbook reports to people (exit code 1, no traceback)."""


class YearError(ReportError, ValueError):
    """A financial year written in a form the workbook does not accept."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the data: file, line, column, what was found and expected."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    level: str = "error"  # "error" stops a build; "warning" is reported only

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{where}: {self.message}"


class DataError(ReportError):
    """The data has problems; all of them are listed, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        if len(problems) == 1:
            super().__init__(str(problems[0]))
        else:
            listed = "\n".join(f"  {p}" for p in problems)
            super().__init__(f"{len(problems)} problems in the data:\n{listed}")


class BuildError(ReportError):
    """The build could not finish; the last good report is untouched."""
