"""Derived figures and year-on-year changes: pure functions of the data's values.

Which figure is worked out from which is data (relations.csv, one `Relation` a row); this
module holds the rules (sum, share, difference, rest, change) and no indicator id. A derived
figure is exact: computed from the unrounded values it is made of (derived ones included) and
rounded once, when printed, to its indicator's `decimals` (else the places its rule gives).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from pathlib import Path

from essex_report.data.files import VALUES_FILE, year_folder
from essex_report.data.formatting import (
    SCALE,
    decimals_of,
    format_change,
    format_percent_change,
    format_value,
)
from essex_report.data.model import Catalogue, Relation, Value, Workbook, YearData
from essex_report.errors import Level, Problems, Reason, shown

HUNDRED = Decimal(100)
# Precision of derived arithmetic: far beyond the 15 digits a value may have, so a quotient
# rounded once when printed is rounded as the exact fraction would be.
EXACT = Context(prec=60)
COMPARABLE_BASES = ("reported", "budget", "set")
SHOWN_PLACES = 6  # a derived input is shown in a formula exactly when it has this few places


def derive(book: Workbook) -> Workbook:
    """The second step of loading: every year's derived figures added to its values, oldest
    year first (a change needs the previous year's figures, derived ones included)."""
    for year in sorted(book.years):
        book.years[year] = with_derived(
            book.years[year],
            book.catalogue,
            book.problems,
            book.data_dir,
            previous=book.years.get(year.previous()),
        )
    return book


def with_derived(
    data: YearData,
    cat: Catalogue,
    problems: Problems | None = None,
    data_dir: Path | None = None,
    previous: YearData | None = None,
) -> YearData:
    """The year's values plus every derived figure whose inputs are present (derived figures
    may feed others, so derive until nothing new appears). A typed value always wins."""
    out = dataclasses.replace(data, values=dict(data.values))
    figures = derivation_order(cat)
    failed: set[str] = set()
    found = True
    while found:
        found = False
        for figure in figures:
            if (figure, "") in out.values or figure in failed:
                continue
            try:
                value = derived(figure, cat, out, previous)
            except ArithmeticError:  # a division by zero: the whole adds up to nothing
                failed.add(figure)
                if problems is not None and data_dir is not None:
                    problems.add(
                        shown(year_folder(data_dir, data.year) / VALUES_FILE),
                        f"{figure} cannot be derived for {data.year}: its inputs divide by "
                        "zero (do the lines it is a share of add up to 0?); it is printed as not "
                        "available",
                        Reason.DERIVE,
                        level=Level.WARNING,
                    )
                continue
            if value is not None:
                out.values[(figure, "")] = value
                found = True
    return out


def derivation_order(cat: Catalogue) -> list[str]:
    """The figures relations.csv works out, each after every figure its rules read (inputs
    and `unless`): whether a rule applies never depends on the order of the file's rows."""
    needs: dict[str, set[str]] = {}
    for relation in cat.relations:
        found = needs.setdefault(relation.figure, set())
        found.update(i for i in (*relation.inputs, *relation.unless) if i != relation.figure)
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(figure: str) -> None:
        if state.get(figure) is not None:  # done, or on the path (a loop: taken as it comes)
            return
        state[figure] = "visiting"
        for other in sorted(needs.get(figure, ())):
            if other in needs:
                visit(other)
        state[figure] = "done"
        order.append(figure)

    for figure in needs:
        visit(figure)
    return order


def derived(
    figure: str, cat: Catalogue, data: YearData, previous: YearData | None = None
) -> Value | None:
    """The figure by the first of its relations whose inputs the year has, on one basis;
    ArithmeticError when the only relations that could apply divide by zero."""
    error: ArithmeticError | None = None
    for relation in cat.relations_of(figure):
        inputs = _inputs(relation, cat, data, previous)
        if inputs is None:
            continue
        try:
            return _apply(relation, inputs, cat, data)
        except ArithmeticError as raised:
            error = raised
    if error is not None:
        raise error
    return None


def _inputs(
    relation: Relation, cat: Catalogue, data: YearData, previous: YearData | None
) -> list[Value] | None:
    """The values a relation combines, when the year has them all on one basis and nothing
    stops the rule (an `unless` figure on that basis; a series break for a change)."""
    if relation.rule == "change":
        name = relation.inputs[0]
        now, before = data.get(name), previous.get(name) if previous else None
        if now is None or before is None or now.basis != before.basis:
            return None
        if now.basis not in COMPARABLE_BASES or cat.break_between(name, before.year, now.year):
            return None
        return [now, before]
    found = [data.get(i) for i in relation.inputs]
    inputs = [v for v in found if v is not None]
    if len(inputs) != len(found) or len({v.basis for v in inputs}) != 1:
        return None  # never combine a budget with an outturn
    basis = inputs[0].basis
    if any((v := data.get(u)) is not None and v.basis == basis for u in relation.unless):
        return None
    return inputs


def pounds(value: Value, cat: Catalogue) -> Decimal:
    """A value on a common scale: money in pounds (or euros), anything else as it is."""
    return value.value * SCALE.get(cat.indicators[value.indicator].unit, 1)


def shown_input(value: Value, cat: Catalogue, with_year: bool = False) -> str:
    """An input as a formula names it: its id and its value as printed (exact when typed)."""
    unit = cat.indicators[value.indicator].unit
    places = None
    if value.derived:  # exact: as printed, or more precisely where a few more places say it
        exact = decimals_of(value.value.normalize())
        places = max(value.decimals or 0, exact if exact <= SHOWN_PLACES else 0)
    text = format_value(value.value, unit, places)
    year = f" {value.year}" if with_year else ""
    return f"{value.indicator}{year} ({text})"


def _apply(relation: Relation, inputs: list[Value], cat: Catalogue, data: YearData) -> Value:
    """The derived value: exact arithmetic, the formula with its inputs, the places it prints."""
    figure = cat.indicators[relation.figure]
    scale = SCALE.get(figure.unit, 1)
    names = [shown_input(v, cat, relation.rule == "change") for v in inputs]
    places = max(decimals_of(v.value) if not v.derived else (v.decimals or 0) for v in inputs)
    with localcontext(EXACT):
        if relation.rule == "sum":
            result = sum((pounds(v, cat) for v in inputs), Decimal(0)) / scale
            formula = " + ".join(names)
            same = all(cat.indicators[v.indicator].unit == figure.unit for v in inputs)
            default = places if same else 1
        elif relation.rule == "difference":
            result = (pounds(inputs[0], cat) - pounds(inputs[1], cat)) / scale
            formula = f"{names[0]} - {names[1]}"
            same = all(cat.indicators[v.indicator].unit == figure.unit for v in inputs)
            default = places if same else 1
        elif relation.rule == "share":
            result = pounds(inputs[0], cat) * HUNDRED / pounds(inputs[1], cat)
            formula = f"{names[0]} / {names[1]} × 100"
            default = 1
        elif relation.rule == "rest":
            result = HUNDRED - sum((v.value for v in inputs), Decimal(0))
            formula = "100% - " + " - ".join(names)
            default = places
        else:  # change: in per cent, with the precision of the figures compared
            now, before = inputs
            result = (now.value - before.value) * HUNDRED / before.value
            formula = f"({names[0]} - {names[1]}) / {names[1]} × 100"
            default = places
    if result == 0:
        result = Decimal(0)  # never a negative zero
    return Value(
        data.year,
        relation.figure,
        "",
        result,
        inputs[0].basis,
        "derived",
        citations(inputs),
        relation.note,
        derived=True,
        formula=formula,
        decimals=figure.decimals if figure.decimals is not None else default,
        rule=relation.rule,
        inputs=relation.inputs,
    )


def citations(inputs: Iterable[Value]) -> str:
    """What a derived figure is made of, for the register: each input by its id and year
    (each input has a row of its own there, with its source)."""
    named = "; ".join(dict.fromkeys(f"{v.indicator} {v.year}" for v in inputs))
    return f"from {named}" if named else ""


# --- changes on the previous year -----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    current: Value
    previous: Value
    delta: Decimal  # exact, in the current value's unit
    ratio: Decimal | None  # exact percent change, None when the previous value is 0
    good: bool | None  # None when neither direction is better

    @property
    def places(self) -> int:
        """The precision of the figures compared: the most places either is printed with."""
        return max(_places(self.current), _places(self.previous))

    def amount(self, unit: str) -> str:
        """The change in the figure's unit: +£57.90, +82, +0.5 percentage points."""
        return format_change(self.delta, unit, self.places)

    def percent(self) -> str:
        """The change in per cent, with the precision of the figures compared: +4.99%."""
        if self.ratio is None:
            return ""
        return format_percent_change(self.ratio, self.places)

    def describe(self, unit: str) -> str:
        """+£57.90 (+4.99%); a change in a percentage is in points only."""
        parts = [self.amount(unit)]
        if self.ratio is not None and unit != "percent" and self.delta != 0:
            parts.append(f"({self.percent()})")
        return " ".join(parts)

    def formula(self) -> str:
        """How the change was worked out, for the register."""
        now, before = self.current, self.previous
        base = f"{now.indicator} {now.year} ({now.value}) - {before.indicator} {before.year} "
        return base + f"({before.value})"

    @property
    def verdict(self) -> str:
        if self.delta == 0:
            return "no change"
        if self.good is None:
            return "up" if self.delta > 0 else "down"
        return "better" if self.good else "worse"


def _places(value: Value) -> int:
    if value.derived:
        return value.decimals or 0
    return decimals_of(value.value)


def change(current: Value, previous: Value, direction: str) -> Change | None:
    """The change from one year to the next, only between figures on the same basis (a
    series break is the caller's to check: essex_report.data.model.Catalogue.break_between)."""
    if current.basis != previous.basis or current.basis not in COMPARABLE_BASES:
        return None
    if current.breakdown != previous.breakdown:
        return None
    with localcontext(EXACT):
        delta = current.value - previous.value
        ratio = delta * HUNDRED / previous.value if previous.value else None
    good = None if direction == "neutral" or delta == 0 else (delta > 0) == (direction == "up")
    return Change(current, previous, delta, ratio, good)
