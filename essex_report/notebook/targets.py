"""The target table: for each figure with a target, the target and its date, the latest figure,
the status by the configured tolerance rule and the direction of travel, all in words (never
colour alone) and every one of them registered. The rule is essex_report.data.targets."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from essex_report.data.derive import citations
from essex_report.data.targets import Judgement, judge
from essex_report.notebook.figures import NOT_AVAILABLE, Figures
from essex_report.notebook.markup import pipe_table
from essex_report.notebook.parts import Part, Printed

HEADER = [
    "Figure",
    "Target",
    "Latest figure",
    "Status",
    "On the previous year",
    "Over three or more years",
]
WIDTHS = [30, 18, 16, 18, 18, 18]
OPTIONAL = (2, 4, 5)  # left out when no row has one: the latest figure and the travel


def judged(
    figures: Figures, indicators: Iterable[str] | None, tolerance: Decimal
) -> list[Judgement]:
    """The judgements of the indicators given (those without a target are "not rated"), or of
    every indicator the year states a target for."""
    names = (
        list(indicators)
        if indicators is not None
        else sorted(
            {i for i, b in figures.data.targets if not b}, key=lambda i: figures.indicator(i).label
        )
    )
    for name in names:
        figures.indicator(name)
    return [judge(figures.book, name, figures.year, tolerance) for name in names]


def _record(figures: Figures, found: Judgement, measure: str, text: str, formula: str) -> Printed:
    ind = figures.indicator(found.indicator)
    return Printed(
        found.indicator,
        "",
        figures.year.label,
        f"{ind.label}: {measure}",
        text,
        "",
        "derived",
        text,
        "derived",
        citations(v for v in (found.target, found.latest) if v),
        formula=formula,
        measure=measure,
    )


def target_table(
    figures: Figures, tolerance: Decimal, indicators: Iterable[str] | None, caption: str
) -> Part:
    """A table of targets and performance against them; nothing when there is nothing to
    judge (no indicator given and no target stated for the year)."""
    found = judged(figures, indicators, tolerance)
    if not found:
        return Part()
    rows: list[list[str]] = []
    printed: list[tuple[int, Printed]] = []  # each with the column that prints it
    for item in found:
        target = NOT_AVAILABLE if item.target is None else figures.standalone(item.target)
        if item.target is not None:
            printed.append((1, figures.printed(item.target, measure="target")[1]))
            if item.target.period:
                target += f" {item.target.period}"
        else:
            target = "no target"
        latest = NOT_AVAILABLE
        if item.latest is not None:
            printed.append((2, figures.printed(item.latest)[1]))
            latest = f"{figures.standalone(item.latest)} ({item.latest.year})"
        status = item.status if item.status != "not rated" else f"not rated: {item.why}"
        status = status[:1].upper() + status[1:]
        one, years = item.on_previous_year.describe(), item.over_years.describe()
        printed += [
            (3, _record(figures, item, "status", status, item.why)),
            (4, _record(figures, item, "travel", one, "on the previous year")),
            (5, _record(figures, item, "travel over years", years, "over three or more years")),
        ]
        label = figures.indicator(item.indicator).label
        rows.append([label, target, latest, status, one, years])
    # A column no target has anything for yet is said once, in the caption, not row by row.
    empty = [c for c in OPTIONAL if all(row[c].startswith(NOT_AVAILABLE) for row in rows)]
    if empty:
        caption += f" (no {_listed(empty)} yet)"
    kept = [c for c in range(len(HEADER)) if c not in empty]
    markdown = pipe_table(
        [HEADER[c] for c in kept],
        [[row[c] for c in kept] for row in rows],
        [WIDTHS[c] for c in kept],
        caption,
    )
    shown = tuple(record for column, record in printed if column in kept)
    return Part(markdown, shown, kind="table", caption=caption)


def _listed(columns: list[int]) -> str:
    """The columns left out, in words: "latest figure or direction of travel"."""
    names = {2: "latest figure", 4: "direction of travel on the previous year"}
    names[5] = "direction of travel over three or more years"
    if 4 in columns and 5 in columns:
        names[4], columns = "direction of travel", [c for c in columns if c != 5]
    words = [names[c] for c in columns]
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"
