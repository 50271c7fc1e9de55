"""Targets and performance against them, as council performance reports publish them (Kent's
quarterly performance report, Havering's): the target, the latest figure, a status worked out
by one tolerance rule, and the direction of travel, on the previous year and over three or
more years, from the indicator's direction of good. Computed here, never typed.

The rule (the tolerance is `essex-report: target-tolerance` in _quarto.yml, a per cent of the
target):
- met: the latest figure is at the target or beyond it, in the direction of good;
- on track: short of the target by no more than the tolerance;
- off track: short by more;
- not rated: no target, no figure to judge it by, or no direction of good.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from essex_report.data.derive import EXACT, HUNDRED, change
from essex_report.data.model import Catalogue, Value, Workbook
from essex_report.years import FinancialYear

MET, ON_TRACK, OFF_TRACK, NOT_RATED = "met", "on track", "off track", "not rated"
RESULT_BASES = ("reported", "cumulative", "set")  # what a target is judged by: results
LEAST_YEARS = 3  # the longer direction of travel needs this many years of one series


@dataclass(frozen=True)
class Travel:
    """Which way a figure moved: `word` is "improving", "worsening", "no change", "up" or
    "down" (an indicator with no direction of good), or "" when it cannot be said (`why`)."""

    word: str
    since: Value | None  # the figure it is compared with
    why: str = ""

    def describe(self) -> str:
        if not self.word:
            return f"not available ({self.why})" if self.why else "not available"
        return f"{self.word} since {self.since.year}" if self.since else self.word


@dataclass(frozen=True)
class Judgement:
    indicator: str
    target: Value | None
    latest: Value | None
    status: str  # MET, ON_TRACK, OFF_TRACK or NOT_RATED
    why: str  # how the status was reached, in words and numbers
    on_previous_year: Travel
    over_years: Travel


def latest_figure(book: Workbook, indicator: str, year: FinancialYear) -> Value | None:
    """The most recent result of the indicator up to `year` (never a budget or a target)."""
    for earlier in sorted((y for y in book.years if y <= year), reverse=True):
        value = book.data(earlier).get(indicator)
        if value is not None and value.basis in RESULT_BASES:
            return value
    return None


def status(
    target: Value | None, latest: Value | None, direction: str, tolerance: Decimal
) -> tuple[str, str]:
    """The status and how it was reached, by the tolerance rule."""
    if target is None:
        return NOT_RATED, "no target"
    if latest is None:
        return NOT_RATED, "no figure yet"
    if direction == "neutral":
        return NOT_RATED, "no direction of good"
    ahead = latest.value >= target.value if direction == "up" else latest.value <= target.value
    if ahead:
        return MET, f"{latest.value} against a target of {target.value}"
    if target.value == 0:
        return OFF_TRACK, f"{latest.value} against a target of 0"
    with localcontext(EXACT):
        short = abs(target.value - latest.value) * HUNDRED / abs(target.value)
    found = ON_TRACK if short <= tolerance else OFF_TRACK
    where = "within" if found == ON_TRACK else "beyond"
    shown = short.quantize(Decimal("0.1"))
    return found, (
        f"{latest.value} against a target of {target.value}: short by {shown}% of the target, "
        f"{where} the tolerance of {tolerance}%"
    )


def _word(latest: Value, earlier: Value, direction: str) -> str:
    moved = change(latest, earlier, direction)
    if moved is None:
        return ""
    return {"better": "improving", "worse": "worsening"}.get(moved.verdict, moved.verdict)


def series(book: Workbook, cat: Catalogue, latest: Value) -> list[Value]:
    """The unbroken run of the indicator's figures on the latest figure's basis, one a year,
    ending with it (oldest first)."""
    run = [latest]
    year = latest.year
    while True:
        previous = book.data(year.previous()).get(latest.indicator, latest.breakdown)
        if (
            previous is None
            or previous.basis != latest.basis
            or cat.break_between(latest.indicator, previous.year, year)
        ):
            return run[::-1]
        run.append(previous)
        year = previous.year


def travel(book: Workbook, cat: Catalogue, latest: Value | None) -> tuple[Travel, Travel]:
    """The direction of travel on the previous year, and over three or more years."""
    if latest is None:
        none = Travel("", None)  # the status says there is no figure
        return none, none
    direction = cat.indicators[latest.indicator].direction
    run = series(book, cat, latest)
    if len(run) < 2:
        one = Travel("", None, f"no comparable figure for {latest.year.previous()}")
    else:
        one = Travel(_word(latest, run[-2], direction), run[-2])
    if len(run) < LEAST_YEARS:
        years = Travel("", None, f"fewer than {LEAST_YEARS} years of comparable figures")
    else:
        years = Travel(_word(latest, run[0], direction), run[0])
    return one, years


def judge(book: Workbook, indicator: str, year: FinancialYear, tolerance: Decimal) -> Judgement:
    """The year's target for an indicator (stated in that year's data) against its latest
    figure."""
    target = book.data(year).targets.get((indicator, ""))
    latest = latest_figure(book, indicator, year)
    direction = book.catalogue.indicators[indicator].direction
    found, why = status(target, latest, direction, tolerance)
    one, years = travel(book, book.catalogue, latest)
    return Judgement(indicator, target, latest, found, why, one, years)
