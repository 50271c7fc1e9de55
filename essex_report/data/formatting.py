"""Numbers in the council's own style: £2.1bn, £668m, £625k, 36.7%, 14,975.

Rounding is done once, here, when a figure is printed: half away from zero (53.45 -> 53.5, as
the council prints, not Python's half to even), a unit moving up when rounding reaches it
(£999.95m to one place is £1.0bn, not £1,000.0m), and never a sign on a figure that rounds to
nothing (0.0%, not -0.0%)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY_UNITS = {"GBP": "", "GBP k": "k", "GBP m": "m", "GBP bn": "bn"}
EURO_UNITS = {"EUR m": "m", "EUR bn": "bn"}  # EUR bn: only as rounding moves a figure up
PLAIN_UNITS = ("count", "tonnes", "kg", "miles", "rank")
# Measures print with their unit everywhere: 673,000 tonnes, 1,000 kg, 25 miles.
MEASURES = {"tonnes": " tonnes", "kg": " kg", "miles": " miles"}
UNITS = (*MONEY_UNITS, "EUR m", "percent", *PLAIN_UNITS)  # the units data may use
# How many pounds one unit is, so figures written at different scales can be compared.
SCALE = {"GBP": 1, "GBP k": 10**3, "GBP m": 10**6, "GBP bn": 10**9, "EUR m": 10**6}
# The unit a figure moves up to when rounding reaches a thousand of its own (£999.95m -> £1.0bn).
UNIT_ABOVE = {"GBP k": "GBP m", "GBP m": "GBP bn", "EUR m": "EUR bn"}
THOUSAND = Decimal(1000)


def decimals_of(value: Decimal) -> int:
    """The number of decimal places a value was written with (`2.50` -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rounded(value: Decimal, decimals: int) -> Decimal:
    """`value` to `decimals` places, halves away from zero (as the council prints)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _digits(value: Decimal, decimals: int) -> str:
    return f"{abs(rounded(value, decimals)):,.{decimals}f}"


def format_value(value: Decimal, unit: str, decimals: int | None = None) -> str:
    """Format a value in its unit; `decimals` defaults to the places it was written with."""
    places = decimals_of(value) if decimals is None else decimals
    near = rounded(value, places)
    if unit in UNIT_ABOVE and abs(value) < THOUSAND <= abs(near):
        return format_value(value / THOUSAND, UNIT_ABOVE[unit], places)
    sign = "-" if near < 0 else ""
    digits = _digits(value, places)
    if unit in MONEY_UNITS:
        return f"{sign}£{digits}{MONEY_UNITS[unit]}"
    if unit in EURO_UNITS:
        return f"{sign}€{digits}{EURO_UNITS[unit]}"
    if unit == "percent":
        return f"{sign}{digits}%"
    if unit in PLAIN_UNITS:
        return f"{sign}{digits}{MEASURES.get(unit, '')}"
    raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def enough_decimals(value: Decimal, decimals: int) -> int:
    """`decimals`, or more when a value that is not zero would round to zero with them: a
    change is never printed as nothing (-0.0%) when there is one."""
    if value == 0 or rounded(value, decimals) != 0:
        return decimals
    return max(decimals, -value.adjusted())


def format_change(delta: Decimal, unit: str, decimals: int | None = None) -> str:
    """A signed difference: +£0.2bn, -1,234, +1.2 points (percentages change by points)."""
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "-"
    places = enough_decimals(delta, decimals_of(delta) if decimals is None else decimals)
    text = format_value(abs(delta), unit, places)
    if unit == "percent":
        return f"{sign}{text[:-1]} percentage points"
    return sign + text


def format_percent_change(ratio: Decimal, decimals: int = 1) -> str:
    """A relative change given as a percentage: +55.8%, -3.0%; `decimals` places (the
    precision of the figures compared: +4.99% between £1,163.70 and £1,221.75), or more for a
    change too small for them (-0.001%, one in 100,000: never -0.0%)."""
    if ratio == 0:
        return "no change"
    sign = "+" if ratio > 0 else "-"
    return f"{sign}{_digits(abs(ratio), enough_decimals(ratio, decimals))}%"
