"""The data's schemas, declared once (pandera's habit: the declaration apart from the code that
checks it). essex_report.data.files checks every file against them as it reads it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from essex_report import limits
from essex_report.data.formatting import UNITS
from essex_report.data.web import check_web_address
from essex_report.years import parse_year

SEED_FILE = re.compile(r"[0-9]{3}_[0-9a-f]{16}\.txt")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
INDICATOR_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
BASES = ("reported", "budget", "set", "cumulative", "target")
DIRECTIONS = ("up", "down", "neutral")
CHAPTERS = ("resources", "performance")
# How a figure is worked out from others (relations.csv); essex_report.data.derive applies them.
RULES = ("sum", "share", "difference", "rest", "change")
# What a series break changes (breaks.csv).
BREAK_KINDS = ("definition", "coverage", "period")
# Words a figure may be published with before its number ("over 250"): values.csv `qualifier`.
QUALIFIERS = (
    "an estimated",
    "over",
    "more than",
    "at least",
    "almost",
    "nearly",
    "around",
    "about",
    "circa",
    "approximately",
    "up to",
    "under",
    "less than",
)


def check_id(text: str) -> str | None:
    return None if ID.fullmatch(text) else "expected an id of lower-case words joined by '-'"


def check_indicator_id(text: str) -> str | None:
    if INDICATOR_ID.fullmatch(text):
        return None
    return "expected an indicator id of lower-case words joined by '_'"


def check_year(text: str) -> str | None:
    try:
        year = parse_year(text)
    except ValueError as error:
        return str(error)
    return None if text == year.label else f"expected the year written as {year.label}"


def check_int(text: str) -> str | None:
    return None if re.fullmatch(r"[0-9]{1,4}", text) else "expected a whole number such as 3"


def check_decimals(text: str) -> str | None:
    if re.fullmatch(r"[0-9]{1,2}", text) and int(text) <= limits.MAX_DECIMALS:
        return None
    return f"expected a number of decimal places from 0 to {limits.MAX_DECIMALS}"


def check_term(text: str) -> str | None:
    """A word the report prints as a heading or label (Aim, Commitment): plain words only."""
    if re.fullmatch(r"[A-Za-z]+(?:[ '-][A-Za-z]+)*", text) and len(text) <= 40:
        return None
    return "expected a plain word such as Aim or Commitment (letters, spaces and hyphens)"


def check_source(text: str) -> str | None:
    """A seed file name, or a web address (http is accepted here: a source is cited by the
    address it was read at; the link printed in the report is its `url` in sources.csv)."""
    if SEED_FILE.fullmatch(text):
        return None
    if text.startswith(("https://", "http://")):
        return check_web_address(text, schemes=("https", "http"))
    return (
        "expected a seed file name such as 004_b7f5c0302c5152d4.txt or a web address "
        "starting https://"
    )


def check_ids(text: str) -> str | None:
    """Indicator ids separated by spaces (relations.csv `inputs`, `unless`)."""
    for name in text.split():
        if not INDICATOR_ID.fullmatch(name):
            return (
                f"'{name}' is not an indicator id; expected indicator ids separated by spaces "
                "(funding_council_tax spend_budget_total)"
            )
    return None


def check_text(text: str) -> str | None:
    """Free text that a spreadsheet would not read as a formula."""
    if text[:1] in ("=", "+", "-", "@"):
        return f"starts with '{text[0]}', which a spreadsheet reads as a formula; reword it"
    return None


def parse_number(text: str) -> Decimal:
    """A plain number as the data holds it; ValueError says what to write instead."""
    cleaned = text.strip()
    if PLAIN_NUMBER.fullmatch(cleaned):
        digits = len(cleaned.replace(".", "").lstrip("0"))
        if digits > limits.MAX_DIGITS:
            raise ValueError(
                f"found a number of {digits} digits; expected at most {limits.MAX_DIGITS} "
                "(write it in the indicator's unit: 2.1 for £2.1bn)"
            )
        return Decimal(cleaned)
    if cleaned.startswith("-") and PLAIN_NUMBER.fullmatch(cleaned[1:]):
        if Decimal(cleaned[1:]) == 0:
            raise ValueError(f"found {cleaned}; write 0 without a sign")
        raise ValueError(f"found {cleaned}; expected an amount of 0 or more")
    bare = re.sub(r"[\s,]", "", cleaned)
    bare = re.sub(r"(bn|m|k)$", "", re.sub(r"%$", "", re.sub(r"^[£€]", "", bare)))
    if PLAIN_NUMBER.fullmatch(bare):
        raise ValueError(
            f"found {cleaned!r}; expected a plain number: write {bare} (no thousands "
            "separators, no £, € or %; the scale comes from the indicator's unit)"
        )
    raise ValueError(f"found {cleaned!r}; expected a plain number such as 14975 or 36.7")


def check_number(text: str) -> str | None:
    try:
        parse_number(text)
    except ValueError as error:
        return str(error)
    return None


def one_of(*choices: str) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        return None if text in choices else f"expected one of: {', '.join(choices)}"

    return check


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True
    # A function text -> problem or None, applied when the cell is not empty.
    check: Callable[[str], str | None] | None = None
    # The file may leave the column out (its cells are then empty): columns added after
    # files were written (values.csv's qualifier, period and label).
    may_be_absent: bool = False


@dataclass(frozen=True)
class Table:
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    title: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


FRAMEWORKS = Table(
    "frameworks.csv",
    (
        Column("id", check=check_id),
        Column("name"),
        Column("first_year", check=check_year),
        Column("last_year", check=check_year),
        Column("theme_term", check=check_term),
        Column("priority_term", check=check_term),
        Column("source", check=check_source),
        Column("section"),
    ),
    key=("id",),
)

THEMES = Table(
    "themes.csv",
    (
        Column("framework", check=check_id),
        Column("id", check=check_id),
        Column("number", check=check_int),
        Column("title"),
        Column("equality_objective", required=False),
        Column("source", check=check_source),
        Column("section"),
    ),
    key=("id",),
)

PRIORITIES = Table(
    "priorities.csv",
    (
        Column("framework", check=check_id),
        Column("id", check=check_id),
        Column("theme", check=check_id),
        Column("number", check=check_int),
        Column("title"),
        Column("keyword"),
        Column("source", check=check_source),
        Column("section"),
    ),
    key=("id",),
)

INDICATORS = Table(
    "indicators.csv",
    (
        Column("id", check=check_indicator_id),
        Column("label"),
        Column("unit", check=one_of(*UNITS)),
        Column("direction", check=one_of(*DIRECTIONS)),
        Column("decimals", required=False, check=check_decimals),
        Column("chapter", check=one_of(*CHAPTERS)),
        Column("definition"),
    ),
    key=("id",),
)

VALUES = Table(
    "values.csv",
    (
        Column("indicator", check=check_indicator_id),
        Column("breakdown", required=False, check=check_text),
        # A row with no value is a figure still to fill (new-year scaffolds list them);
        # a row with a value needs its basis and source (checked in essex_report.data).
        Column("value", required=False, check=check_number),
        Column("basis", required=False, check=one_of(*BASES)),
        # Printed with the figure wherever it stands on its own (a tile, a table), never read
        # out of the note: "over" 250; 375,000 ... "over the next 5 years".
        Column("qualifier", required=False, check=one_of(*QUALIFIERS), may_be_absent=True),
        Column("period", required=False, check=check_text, may_be_absent=True),
        # The figure's label as this year's report words it, where it differs from the
        # catalogue's.
        Column("label", required=False, check=check_text, may_be_absent=True),
        Column("source", required=False, check=check_source),
        Column("section", required=False),
        Column("note", required=False),
    ),
    # A year has one figure of each indicator and breakdown, and may have a target besides
    # (essex_report.data.load checks that two rows of other bases are not both figures).
    key=("indicator", "breakdown", "basis"),
)

SOURCES = Table(
    "sources.csv",
    (
        Column("id", check=check_source),
        Column("title"),
        Column("publisher"),
        Column("published", required=False),
        Column("url", required=False, check=check_web_address),
    ),
    key=("id",),
)

RELATIONS = Table(
    "relations.csv",
    (
        Column("figure", check=check_indicator_id),
        Column("rule", check=one_of(*RULES)),
        Column("inputs", check=check_ids),
        # The rule is not used in a year that has any of these figures on the inputs' basis.
        Column("unless", required=False, check=check_ids),
        Column("note", required=False),
    ),
    key=("figure", "rule", "inputs"),
)

BREAKS = Table(
    "breaks.csv",
    (
        Column("indicator", check=check_indicator_id),
        Column("year", check=check_year),  # the first year of the new series
        Column("change", check=one_of(*BREAK_KINDS)),
        Column("reason", check=check_text),
        Column("source", check=check_source),
        Column("section", required=False),
    ),
    key=("indicator", "year"),
)

# In the order they are loaded: each may refer to those before it.
CATALOGUES = (SOURCES, FRAMEWORKS, THEMES, PRIORITIES, INDICATORS, RELATIONS, BREAKS)
