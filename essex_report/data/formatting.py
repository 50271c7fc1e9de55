"""Numbers in the council's own style: £2.1bn, £668m, £625k, 36.7%, 14,975."""

from __future__ import annotations

from decimal import Decimal

MONEY_UNITS = {"GBP": "", "GBP k": "k", "GBP m": "m", "GBP bn": "bn"}
EURO_UNITS = {"EUR m": "m"}
PLAIN_UNITS = ("count", "tonnes", "kg", "miles", "rank")
# Measures print with their unit everywhere: 673,000 tonnes, 1,000 kg, 25 miles.
MEASURES = {"tonnes": " tonnes", "kg": " kg", "miles": " miles"}
UNITS = (*MONEY_UNITS, *EURO_UNITS, "percent", *PLAIN_UNITS)
# How many pounds one unit is, so figures written at different scales can be compared.
SCALE = {"GBP": 1, "GBP k": 10**3, "GBP m": 10**6, "GBP bn": 10**9, "EUR m": 10**6}


def decimals_of(value: Decimal) -> int:
    """The number of decimal places a value was written with (`2.50` -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _digits(value: Decimal, decimals: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-decimals)) if decimals else value.quantize(1)
    return f"{abs(rounded):,.{decimals}f}"


def format_value(value: Decimal, unit: str, decimals: int | None = None) -> str:
    """Format a value in its unit; `decimals` defaults to the places it was written with."""
    places = decimals_of(value) if decimals is None else decimals
    sign = "-" if value < 0 else ""
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


def format_change(delta: Decimal, unit: str, decimals: int | None = None) -> str:
    """A signed difference: +£0.2bn, -1,234, +1.2 points (percentages change by points)."""
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "-"
    text = format_value(abs(delta), unit, decimals)
    if unit == "percent":
        return f"{sign}{text[:-1]} percentage points"
    return sign + text


def format_percent_change(ratio: Decimal, decimals: int = 1) -> str:
    """A relative change given as a percentage: +55.8%, -3.0%; `decimals` places (the
    precision of the figures compared: +4.99% between £1,163.70 and £1,221.75)."""
    sign = "+" if ratio > 0 else "-" if ratio < 0 else ""
    return f"{sign}{_digits(abs(ratio), decimals)}%"
