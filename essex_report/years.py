"""Financial years: `2019/20` for people, `2019-20` in paths (the slug).

This parser is the only way a year string reaches a file path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from essex_report.errors import YearError

_FORMS = (
    re.compile(r"(?P<start>\d{4})[/-](?P<end>\d{2})"),
    re.compile(r"(?P<start>\d{4})-(?P<end>\d{4})"),
)
ACCEPTED = "write it as 2019/20 (2019-20 and 2019-2020 are accepted too)"


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK local-government financial year, April to March, named by its first year."""

    start: int

    @property
    def label(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start + 1)

    def __str__(self) -> str:
        return self.label


def parse_year(text: object) -> FinancialYear:
    """Parse `2019/20`, `2019-20` or `2019-2020`; anything else is a YearError."""
    if isinstance(text, FinancialYear):
        return text
    raw = str(text) if text is not None else ""
    shown = repr(raw) if raw.strip() else "an empty year"
    for form in _FORMS:
        match = form.fullmatch(raw.strip())
        if not match:
            continue
        start = int(match["start"])
        end = int(match["end"])
        expected_end = start + 1 if len(match["end"]) == 4 else (start + 1) % 100
        if not 1990 <= start <= 2098:
            raise YearError(f"{shown} is outside the years the workbook knows (1990/91 to 2098/99)")
        if end != expected_end:
            raise YearError(
                f"{shown} is not a financial year: its second year must follow the first; "
                + ACCEPTED
            )
        return FinancialYear(start)
    raise YearError(f"{shown} is not a financial year: {ACCEPTED}")
