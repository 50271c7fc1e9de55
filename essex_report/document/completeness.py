"""Completeness, checked on every build: every narrative section of the year is printed, and
every value of the year is printed or listed as not printed, with its file and line."""

from __future__ import annotations

from essex_report.data.files import VALUES_FILE, year_folder
from essex_report.data.model import Workbook
from essex_report.data.narrative import Block
from essex_report.errors import Level, Problem, Reason, shown
from essex_report.years import FinancialYear


def unprinted_words(
    book: Workbook, year: FinancialYear, printed: set[tuple[str, int]]
) -> list[Problem]:
    """An error for every narrative block of the year that no chapter printed: a section
    renamed, added, or words before the first heading that no notebook asks for."""
    data = book.data(year)

    def has_data(block: Block) -> bool:
        return any(data.breakdowns(i) for i in block.indicators)

    problems = []
    for name, doc in sorted(book.narratives.get(year, {}).items()):
        missed = [b for b in doc.printable(has_data=has_data) if (name, b.line) not in printed]
        for block in missed[:1] if missed else []:
            what = {"heading": f"the section '{block.text}'", "bullets": "this list"}.get(
                block.kind, "this paragraph"
            )
            more = f" (nor {len(missed) - 1} more parts of the file)" if len(missed) > 1 else ""
            problems.append(
                Problem(
                    shown(doc.path),
                    f"{what} is printed by no chapter{more}; rename the section back, or print "
                    f"it from a notebook with report.narrative({name!r}, ...)",
                    line=block.line,
                    reason=Reason.UNPRINTED_WORDS,
                )
            )
    return problems


def unprinted_values(
    book: Workbook, year: FinancialYear, registered: set[tuple[str, str, str]]
) -> list[Problem]:
    """A warning for every value of the year (not derived) that the report does not print."""
    return [
        Problem(
            shown(year_folder(book.data_dir, year) / VALUES_FILE),
            f"not printed: {value.indicator}"
            + (f"[{value.breakdown}]" if value.breakdown else "")
            + " is in the data but no chapter prints it",
            line=value.line,
            level=Level.WARNING,
            reason=Reason.UNPRINTED_VALUE,
        )
        for value in sorted(book.data(year).values.values(), key=lambda v: v.line)
        if not value.derived and (value.indicator, value.breakdown, year.label) not in registered
    ]
