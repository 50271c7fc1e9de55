"""Checks on how a year's figures relate, by the relations the catalogue declares
(relations.csv), the same for every name a line is given: derived shares within 0 to 100, lines
not above their total, published shares that make 100%, lines that do not cover their total
said to be incomplete (naming what is missing), and a difference that cannot be worked out or
is not nil said so. Problems are located: the values.csv line of the figure concerned."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from essex_report.data.files import VALUES_FILE, year_folder
from essex_report.data.formatting import decimals_of, enough_decimals, format_value
from essex_report.data.model import Catalogue, Value, YearData
from essex_report.data.totals import line_sets
from essex_report.errors import Level, Problems, Reason, shown

SHARE_TOLERANCE = Decimal("0.5")  # percentage points: published shares are rounded


def check_relations(data: YearData, cat: Catalogue, problems: Problems, data_dir: Path) -> None:
    file = shown(year_folder(data_dir, data.year) / VALUES_FILE)
    _check_derived(data, cat, problems, file)
    _check_rests(data, cat, problems, file)
    _check_totals(data, cat, problems, file)
    _check_differences(data, cat, problems, file)


def text(value: Value, cat: Catalogue) -> str:
    """A value as a message shows it: as printed, with enough decimals that a figure that is
    not nil never reads as nil (-0.05%, not 0.0%)."""
    unit = cat.indicators[value.indicator].unit
    places = value.decimals if value.derived else None
    places = decimals_of(value.value) if places is None else places
    return format_value(value.value, unit, enough_decimals(value.value, places))


def leaves(value: Value, data: YearData) -> Iterator[Value]:
    """The typed values a derived value is made of (its own inputs, theirs, and so on)."""
    if not value.derived:
        yield value
        return
    for name in value.inputs:
        found = data.get(name)
        if found is not None and found is not value:
            yield from leaves(found, data)


def _line(value: Value, data: YearData) -> int | None:
    """The values.csv line a problem with `value` is shown at: its own, or its first input's."""
    lines = [v.line for v in leaves(value, data) if v.line]
    return lines[0] if lines else None


def _check_derived(data: YearData, cat: Catalogue, problems: Problems, file: str) -> None:
    """Invariants of derived figures, as of typed ones, on their exact values: a share
    between 0 and 100; a difference (what lines leave of a total) not below nil."""
    for value in data.values.values():
        if not value.derived:
            continue
        if value.rule in ("share", "rest") and not 0 <= value.value <= 100:
            problems.add(
                file,
                f"{value.indicator} works out at {text(value, cat)} ({value.formula}); a share "
                "is between 0% and 100%: check the figures it is made of",
                Reason.MONEY,
                line=_line(value, data),
                column="value",
            )
        elif value.rule == "difference" and value.value < 0:
            problems.add(
                file,
                f"{value.inputs[1]} adds up to more than {value.inputs[0]} ({value.formula}): "
                "lines cannot be above their total; check the figures they are made of",
                Reason.MONEY,
                line=_line(value, data),
                column="value",
            )


def _check_rests(data: YearData, cat: Catalogue, problems: Problems, file: str) -> None:
    """Shares published together (a `rest` relation: the figure and its inputs make 100%)."""
    for relation in cat.relations:
        if relation.rule != "rest":
            continue
        shares = [data.get(i) for i in (*relation.inputs, relation.figure)]
        typed = [v for v in shares if v is not None and not v.derived]
        if len(typed) != len(shares):
            continue
        total = sum((v.value for v in typed), Decimal(0))
        if abs(total - 100) > SHARE_TOLERANCE:
            names = ", ".join(v.indicator for v in typed)
            problems.add(
                file,
                f"the shares {names} add up to {total}%; expected 100% within "
                f"{SHARE_TOLERANCE} points",
                Reason.MONEY,
                line=typed[0].line,
                column="value",
            )


def _check_totals(data: YearData, cat: Catalogue, problems: Problems, file: str) -> None:
    """Each total against its lines: lines above a published total are an error; lines short
    of it a warning (the report shows the gap); a set of lines the year has only in part is
    incomplete, naming the lines it lacks."""
    totals = list(dict.fromkeys(r.figure for r in cat.relations if r.rule == "sum"))
    sets = {total: line_sets(total, cat, data) for total in totals}
    covered = {v.indicator for found in sets.values() for s in found if s.complete for v in s.lines}
    for total, found in sets.items():
        complete = [s for s in found if s.complete]
        for lines in complete[:1]:
            if lines.value is None or lines.gap is None:
                continue
            unit = lines.unit
            added = format_value(lines.sum, unit, lines.places)
            gap = format_value(lines.gap, unit, lines.places)
            published = text(lines.value, cat)
            if lines.over:
                problems.add(
                    file,
                    f"the lines of {total} ({', '.join(lines.relation.inputs)}) add up to "
                    f"{added}, more than the total of {published} published; lines cannot be "
                    "above their total",
                    Reason.MONEY,
                    line=lines.value.line,
                    column="value",
                )
            elif lines.short:
                problems.add(
                    file,
                    f"{data.year}: the lines of {total} add up to {added}, "
                    f"{gap} less than its published total of "
                    f"{published}: not every line is published; the report shows the gap",
                    Reason.MONEY,
                    line=lines.value.line,
                    level=Level.WARNING,
                )
        if complete:
            continue
        for lines in found[:1]:
            if lines.value is not None or all(v.indicator in covered for v in lines.lines):
                continue  # a total published as it is; or lines of another total's set
            to_find = [i for i in lines.missing if (i, "") in data.to_find]
            why = f" ({', '.join(to_find)} still to find)" if to_find else ""
            problems.add(
                file,
                f"{data.year}: the lines of {total} are incomplete: the year has "
                f"{', '.join(v.indicator for v in lines.lines)} but not "
                f"{', '.join(lines.missing)}{why}; {total} and what is worked out from it "
                "are not printed",
                Reason.MONEY,
                line=lines.lines[0].line or None,
                level=Level.WARNING,
            )


def _check_differences(data: YearData, cat: Catalogue, problems: Problems, file: str) -> None:
    """A difference between two totals (what the funding lines leave of spending): said when
    it is not nil, and when it cannot be worked out because the year has only one of them."""
    figures = dict.fromkeys(r.figure for r in cat.relations if r.rule == "difference")
    for figure in figures:
        relations = [r for r in cat.relations_of(figure) if r.rule == "difference"]
        found = data.get(figure)
        if found is not None and found.derived and found.value > 0:
            taken = data.get(found.inputs[1])
            whole = data.get(found.inputs[0])
            if taken is not None and whole is not None:
                problems.add(
                    file,
                    f"{data.year}: {taken.indicator} adds up to {text(taken, cat)}, "
                    f"{text(found, cat)} less than {whole.indicator} ({text(whole, cat)}); "
                    f"the report shows the difference ({figure})",
                    Reason.MONEY,
                    level=Level.WARNING,
                )
            continue
        if found is not None:
            continue
        for taken_name in dict.fromkeys(r.inputs[1] for r in relations):
            taken = data.get(taken_name)
            if taken is None:
                continue
            wholes = [r.inputs[0] for r in relations if r.inputs[1] == taken_name]
            problems.add(
                file,
                f"{data.year}: {taken_name} ({text(taken, cat)}, {taken.basis}) cannot be "
                f"compared with {' or '.join(wholes)}: none is in the data on the same basis, "
                f"so {figure} is not known and the report does not give it",
                Reason.MONEY,
                level=Level.WARNING,
            )
            break
