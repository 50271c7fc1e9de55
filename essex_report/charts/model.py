"""What a chart is: its points, units and data, and the words that go with it (alt text, the
table of its numbers). Drawing is in draw.py, making a chart from points in make.py.

Every chart plots its values converted to one unit (so £1.9bn and £186m are drawn as 1,900
and 186 in £m), prints each value at its bar, shows the unit on its value axis, and comes with
alt text stating every number and its data as a table. A chart with fewer than two values is
not drawn: the figure belongs in a sentence or a table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from essex_report.errors import ReportError

NO_FIGURE = "no figure"

# Units that can share an axis: (family, how many of the family's base unit one unit is).
UNITS: dict[str, tuple[str, int]] = {
    "GBP": ("£", 1),
    "GBP k": ("£", 10**3),
    "GBP m": ("£", 10**6),
    "GBP bn": ("£", 10**9),
    "EUR m": ("€", 10**6),
    "percent": ("%", 1),
    "count": ("number", 1),
    "rank": ("rank", 1),
    "miles": ("miles", 1),
    "kg": ("mass", 1),
    "tonnes": ("mass", 1000),
}
NAMES = {"GBP k": "£ thousand", "GBP m": "£ million", "GBP bn": "£ billion", "EUR m": "€ million"}
TICK_SUFFIX = {"GBP k": "k", "GBP m": "m", "GBP bn": "bn", "EUR m": "m", "percent": "%"}
WORDS = ("tonnes", "kg", "miles")  # printed after a value that does not carry them already


@dataclass(frozen=True)
class Point:
    label: str  # the category, or the financial year ("2019/20") of a trend
    value: Decimal  # in `unit`
    unit: str  # the indicator's unit, one of UNITS
    text: str  # the value as the report prints it ("£668m", "1.9bn" ...)
    series: str = ""  # for grouped bars: the series ("Essex", "England")


@dataclass(frozen=True)
class Chart:
    svg: str  # a standalone SVG document (no prolog): text as text in Lato, ids prefixed by `id`
    caption: str
    alt: str  # names the chart, its unit and every number
    header: list[str]  # the chart's data as a table: header with units ...
    rows: list[list[str]]  # ... and rows, plain text (values as the report prints them)
    kind: str  # "bar chart", "grouped bar chart", "column chart", "grouped column chart"
    unit: str  # the unit the values are drawn in ("GBP m")
    id: str  # unique to the chart's content, the same in every build
    width: float  # points
    height: float  # points


# --- units -------------------------------------------------------------------------------------


def header_unit(unit: str) -> str:
    """The unit in a table header, whose cells print values at their own scale (£1.9bn);
    empty for a count."""
    family = UNITS[unit][0]
    return unit if family == "mass" else "" if unit == "count" else family


def unit_name(unit: str) -> str:
    """The unit as a reader sees it on an axis: "£ million", "%", "tonnes" ("" for a count)."""
    return NAMES.get(unit, header_unit(unit))


def chart_unit(points: list[Point], caption: str) -> str:
    """The one unit a chart is drawn in; units that cannot share an axis are a ReportError."""
    unknown = sorted({p.unit for p in points} - UNITS.keys())
    if unknown:
        raise ReportError(
            f"chart '{caption}': unknown unit '{unknown[0]}'; expected one of {', '.join(UNITS)}"
        )
    units = list(dict.fromkeys(p.unit for p in points))
    if len({UNITS[u][0] for u in units}) > 1:
        mixed = " with ".join(
            f"{u} ({', '.join(p.label for p in points if p.unit == u)})" for u in units
        )
        raise ReportError(
            f"chart '{caption}' mixes units that cannot share an axis: {mixed}; "
            "draw them as separate charts"
        )
    if len(units) == 1:
        return units[0]
    # the largest scale at which every non-zero value is at least 1 (£1.9bn, £186m -> £m)
    smallest = min((abs(p.value) * UNITS[p.unit][1] for p in points if p.value), default=0)
    by_scale = sorted(units, key=lambda u: UNITS[u][1], reverse=True)
    return next((u for u in by_scale if smallest >= UNITS[u][1]), by_scale[-1])


def plotted(point: Point, unit: str) -> float:
    """The point's value in `unit` (exact in Decimal, then a float for drawing)."""
    return float(point.value * UNITS[point.unit][1] / UNITS[unit][1])


def shown(point: Point) -> str:
    """The value as printed, with its unit when the printed form has none ("1,200 tonnes")."""
    if point.unit in WORDS and not point.text.endswith(point.unit):
        return f"{point.text} {point.unit}"
    if point.unit == "percent" and not point.text.endswith("%"):
        return f"{point.text}%"
    return point.text


def tick(value: float, unit: str, step: float) -> str:
    """A value axis label: £500m, 2.5%, 1,000 (as many decimals as the step between ticks)."""
    exponent = Decimal(repr(round(step, 9))).normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) and value else 0
    number = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 else ""
    prefix = UNITS[unit][0] if UNITS[unit][0] in ("£", "€") else ""
    return f"{sign}{prefix}{number}{TICK_SUFFIX.get(unit, '')}"


# --- checks shared by both kinds ---------------------------------------------------------------


def identity(kind: str, caption: str, points: list[Point]) -> str:
    digest = hashlib.sha256(repr((kind, caption, points)).encode()).hexdigest()
    return f"chart-{digest[:10]}"


def unique(points: list[Point], caption: str) -> None:
    seen: set[tuple[str, str]] = set()
    for p in points:
        if (p.label, p.series) in seen:
            where = f"{p.series}, {p.label}" if p.series else p.label
            raise ReportError(f"chart '{caption}' has two values for {where}; keep one")
        seen.add((p.label, p.series))


def alt_text(kind: str, unit: str, items: list[str]) -> str:
    """What a chart shows, for a reader who cannot see it: its kind, the unit it is drawn in
    and every number. Not its caption, which the figure says once, above it."""
    named = f"{kind.capitalize()} in {unit_name(unit)}" if unit_name(unit) else kind.capitalize()
    if unit_name(unit) == "%":
        named = f"{kind.capitalize()} of percentages"
    return f"{named}: {'; '.join(items)}."
