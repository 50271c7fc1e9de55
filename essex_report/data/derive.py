"""Derived figures and year-on-year changes: pure functions of the data's values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from essex_report.data.files import VALUES_FILE, year_folder
from essex_report.data.formatting import format_change, format_percent_change
from essex_report.data.model import Catalogue, Value, Workbook, YearData
from essex_report.errors import Level, Problems, Reason, shown

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Derivation:
    """How one indicator is computed from others of the same year, basis and breakdown.
    `unless`: the rule does not apply when the year has any of these indicators (a share of
    the funding lines is not worked out where a share of spending can be)."""

    inputs: tuple[str, ...]
    compute: Callable[..., Decimal]
    method: str
    unless: tuple[str, ...] = ()


def _of(part: Decimal, whole: Decimal) -> Decimal:
    return part * HUNDRED / whole


def _of_billions(part: Decimal, whole_bn: Decimal) -> Decimal:
    return part * HUNDRED / (whole_bn * 1000)  # part in £m, whole in £bn


FUNDING_LINES = ("funding_council_tax", "funding_business_rates", "funding_income_grants")
FUNDING_SHARES = (
    "funding_share_council_tax",
    "funding_share_business_rates",
    "funding_share_grants_fees",
)
LINE_SHARES = (
    "funding_line_share_council_tax",
    "funding_line_share_business_rates",
    "funding_line_share_grants_fees",
)
SPENDING_TOTALS = ("spend_budget_total", "spend_total")
# A complete set of budget lines by service (2020/21's), which funding lines should match.
SPENDING_LINES = (
    "spend_budget_education_skills",
    "spend_budget_adults_health",
    "spend_budget_children_families",
    "spend_budget_environment_waste",
    "spend_budget_public_health",
    "spend_budget_infrastructure",
    "spend_budget_other",
)
BUDGET_TOTAL = "total budgeted spending (the budget lines by service added up)"


def _shares_of_spending(line: str, name: str) -> tuple[Derivation, ...]:
    """A funding line as a share of spending: of total budgeted spending, else of total
    spending (both on the line's basis)."""
    return (
        Derivation((line, "spend_budget_total"), _of, f"{name} as a share of {BUDGET_TOTAL}"),
        Derivation((line, "spend_total"), _of_billions, f"{name} as a share of total spending"),
    )


def _share_of_lines(line: str, name: str) -> tuple[Derivation, ...]:
    others = tuple(i for i in FUNDING_LINES if i != line)
    return (
        Derivation(
            (line, *others),
            lambda part, *rest: _of(part, part + sum(rest)),
            f"{name} as a share of the published funding lines (council tax, business rates, "
            "income and grants); no spending total is published on the same basis",
            unless=SPENDING_TOTALS,
        ),
    )


# Tried in order, totals first; a typed value always wins over a derivation.
DERIVATIONS: dict[str, tuple[Derivation, ...]] = {
    "spend_budget_total": (
        Derivation(SPENDING_LINES, lambda *lines: sum(lines), f"{BUDGET_TOTAL}"),
    ),
    "funding_lines_total": (
        Derivation(
            FUNDING_LINES, lambda *lines: sum(lines), "the published funding lines added up"
        ),
    ),
    "funding_gap": (
        Derivation(
            ("spend_budget_total", *FUNDING_LINES),
            lambda total, *lines: total - sum(lines),
            f"{BUDGET_TOTAL} less the published funding lines",
        ),
        Derivation(
            ("spend_total", *FUNDING_LINES),
            lambda total, *lines: total * 1000 - sum(lines),
            "total spending less the published funding lines",
        ),
    ),
    "funding_share_council_tax": _shares_of_spending("funding_council_tax", "council tax"),
    "funding_share_business_rates": _shares_of_spending("funding_business_rates", "business rates"),
    "funding_share_grants_fees": (
        *_shares_of_spending("funding_income_grants", "income and grants"),
        Derivation(
            ("funding_share_council_tax", "funding_share_business_rates"),
            lambda ct, br: HUNDRED - ct - br,
            "100% less the shares of spending funded by council tax and business rates",
        ),
    ),
    "funding_share_not_covered": (
        Derivation(
            ("funding_gap", "spend_budget_total"),
            _of,
            f"spending not covered by the published funding lines, as a share of {BUDGET_TOTAL}",
        ),
        Derivation(
            ("funding_gap", "spend_total"),
            _of_billions,
            "spending not covered by the published funding lines, as a share of total spending",
        ),
    ),
    "funding_line_share_council_tax": _share_of_lines("funding_council_tax", "council tax"),
    "funding_line_share_business_rates": _share_of_lines(
        "funding_business_rates", "business rates"
    ),
    "funding_line_share_grants_fees": _share_of_lines("funding_income_grants", "income and grants"),
    "band_d_total": (
        Derivation(
            ("band_d_general", "band_d_social_care"),
            lambda a, b: a + b,
            "general element plus social care element",
        ),
    ),
    "household_waste_per_household": (
        Derivation(
            ("household_waste", "households"),
            lambda t, h: t * 1000 / h,
            "household waste in kg divided by the number of households",
        ),
    ),
}


def derive(book: Workbook) -> Workbook:
    """The second step of loading: every year's derived figures added to its values."""
    for year, data in book.years.items():
        book.years[year] = with_derived(data, book.catalogue, book.problems, book.data_dir)
    return book


def with_derived(
    data: YearData,
    cat: Catalogue,
    problems: Problems | None = None,
    data_dir: Path | None = None,
) -> YearData:
    """The year's values plus every derived figure whose inputs are all present (derived
    figures may feed others, so derive until nothing new appears)."""
    out = YearData(data.year, dict(data.values), data.listed, data.readable)
    failed: set[str] = set()
    found = True
    while found:
        found = False
        for indicator, rules in DERIVATIONS.items():
            if indicator not in cat.indicators or out.get(indicator) or indicator in failed:
                continue
            try:
                value = _derive(indicator, rules, out, cat)
            except ArithmeticError:  # a division by zero: the inputs add up to nothing
                failed.add(indicator)
                if problems is not None and data_dir is not None:
                    file = year_folder(data_dir, data.year) / VALUES_FILE
                    problems.add(
                        shown(file),
                        f"{indicator} cannot be derived for {data.year}: its inputs "
                        "divide by zero (do the lines it is a share of add up to 0?); it "
                        "is printed as not available",
                        Reason.DERIVE,
                        level=Level.WARNING,
                    )
                continue
            if value is not None:
                out.values[(indicator, "")] = value
                found = True
    return out


def _derive(
    indicator: str, rules: tuple[Derivation, ...], data: YearData, cat: Catalogue
) -> Value | None:
    """The first rule whose inputs are present and agree; ArithmeticError when the only rules
    that could run divide by zero."""
    error: ArithmeticError | None = None
    for rule in rules:
        found = [data.get(i) for i in rule.inputs]
        inputs = [v for v in found if v is not None]
        if len(inputs) != len(found):
            continue
        if len({v.basis for v in inputs}) != 1:
            continue  # never combine a budget with an outturn
        if any(
            (other := data.get(i)) is not None and other.basis == inputs[0].basis
            for i in rule.unless
        ):
            continue
        places = cat.indicators[indicator].decimals
        try:
            result = rule.compute(*(v.value for v in inputs))
            result = result.quantize(Decimal(1).scaleb(-(1 if places is None else places)))
        except ArithmeticError as raised:
            error = raised
            continue
        return Value(
            data.year,
            indicator,
            "",
            result,
            inputs[0].basis,
            "derived: " + rule.method,
            "; ".join(f"{v.indicator} ({v.citation})" for v in inputs),
            "",
            derived=True,
        )
    if error is not None:
        raise error
    return None


@dataclass(frozen=True)
class Change:
    current: Value
    previous: Value
    delta: Decimal  # in the current value's unit
    ratio: Decimal | None  # percent change, None when the previous value is 0
    good: bool | None  # None when neither direction is better

    def describe(self, unit: str) -> str:
        places = max(_places(self.current.value), _places(self.previous.value))
        parts = [format_change(self.delta, unit, places)]
        if self.ratio is not None and unit != "percent" and self.delta != 0:
            parts.append(f"({format_percent_change(self.ratio)})")
        return " ".join(parts)

    @property
    def verdict(self) -> str:
        if self.delta == 0:
            return "no change"
        if self.good is None:
            return "up" if self.delta > 0 else "down"
        return "better" if self.good else "worse"


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


COMPARABLE_BASES = ("reported", "budget", "set")


def change(current: Value, previous: Value, direction: str) -> Change | None:
    """The change from one year to the next, only between figures on the same basis."""
    if current.basis != previous.basis or current.basis not in COMPARABLE_BASES:
        return None
    if current.breakdown != previous.breakdown:
        return None
    delta = current.value - previous.value
    ratio = delta * HUNDRED / previous.value if previous.value else None
    good = None if direction == "neutral" or delta == 0 else (delta > 0) == (direction == "up")
    return Change(current, previous, delta, ratio, good)
