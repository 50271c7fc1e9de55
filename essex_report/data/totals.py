"""How a year's lines stand against their total: which set of lines the year has (relations.csv
`sum` rows), which lines it lacks, and the gap between the lines and a published total, exact
and judged against the rounding the total was published with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from essex_report.data.derive import EXACT, pounds
from essex_report.data.formatting import SCALE, decimals_of
from essex_report.data.model import Catalogue, Relation, Value, YearData


@dataclass(frozen=True)
class Lines:
    """One set of lines of a total, as a year has it."""

    total: str  # the total's indicator id
    relation: Relation
    lines: tuple[Value, ...]  # the lines the year has, in the relation's order
    missing: tuple[str, ...]  # the lines it lacks
    value: Value | None  # the year's total (typed or derived), on the lines' basis
    gap: Decimal | None  # a typed total less its lines, in `unit` (None: no typed total)
    unit: str  # the lines' unit, which the gap is given in
    tolerance: Decimal  # how far apart rounding alone can put the total and its lines, in `unit`
    places: int  # decimal places the lines and the total were published with, in `unit`

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def sum(self) -> Decimal:
        """The lines added up, exact, in `unit`."""
        with localcontext(EXACT):
            return sum((v.value for v in self.lines), Decimal(0))

    @property
    def agrees(self) -> bool:
        """The lines add up to the total, within the rounding it was published with."""
        return self.gap is None or abs(self.gap) <= self.tolerance

    @property
    def short(self) -> bool:
        """The lines add up to less than the published total: some are not published."""
        return self.gap is not None and self.gap > self.tolerance

    @property
    def over(self) -> bool:
        """The lines add up to more than their total: impossible, so a figure is wrong."""
        return self.gap is not None and -self.gap > self.tolerance


def half_unit(value: Value, cat: Catalogue) -> Decimal:
    """Half a unit of the last place a typed value was published with, in pounds (or its own
    unit): how far rounding may have moved it. A derived value is exact."""
    if value.derived:
        return Decimal(0)
    scale = SCALE.get(cat.indicators[value.indicator].unit, 1)
    return Decimal(1).scaleb(-decimals_of(value.value)) / 2 * scale


def line_sets(total: str, cat: Catalogue, data: YearData) -> list[Lines]:
    """Every set of lines of `total` of which the year has at least one line, complete sets
    first (in relations.csv's order), then the most complete."""
    found = []
    for relation in cat.lines_of(total):
        present = [v for i in relation.inputs if (v := data.get(i)) is not None]
        if not present:
            continue
        basis = present[0].basis
        lines = tuple(v for v in present if v.basis == basis)
        missing = tuple(i for i in relation.inputs if data.get(i) not in lines)
        found.append(_lines(total, relation, lines, missing, cat, data))
    return sorted(found, key=lambda s: (bool(s.missing), len(s.missing)))


def lines_of(total: str, cat: Catalogue, data: YearData) -> Lines | None:
    """The year's set of lines of `total`: the first complete one, else the most complete."""
    sets = line_sets(total, cat, data)
    return sets[0] if sets else None


def _lines(
    total: str,
    relation: Relation,
    lines: tuple[Value, ...],
    missing: tuple[str, ...],
    cat: Catalogue,
    data: YearData,
) -> Lines:
    unit = cat.indicators[relation.inputs[0]].unit  # a sum's lines share one unit (catalogue)
    scale = SCALE.get(unit, 1)
    value = data.get(total)
    if value is not None and value.basis != lines[0].basis:
        value = None
    gap = None
    tolerance = Decimal(0)
    places = max(decimals_of(v.value) if not v.derived else (v.decimals or 0) for v in lines)
    if value is not None and not value.derived and not missing:
        shift = int((Decimal(SCALE.get(cat.indicators[total].unit, 1)) / scale).log10())
        places = max(places, decimals_of(value.value) - shift)
        with localcontext(EXACT):
            gap = (pounds(value, cat) - sum((pounds(v, cat) for v in lines), Decimal(0))) / scale
            tolerance = (half_unit(value, cat) + sum(half_unit(v, cat) for v in lines)) / scale
    return Lines(total, relation, lines, missing, value, gap, unit, tolerance, places)
