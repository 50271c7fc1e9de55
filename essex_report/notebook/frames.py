"""An analyst's own chart: the figures as a tidy pandas DataFrame that carries their register
entries, and a chart drawn from it (with seaborn, or any matplotlib code) in the house style:
the afcharts palette, the report's font, SVG in the HTML (vector in the PDF), a caption and alt
text that may hold placeholders ({{year}}), and its numbers registered and given as a table.

The frame has the same columns in every year, whatever the year has, so a cell that charts it
runs for every year; a chart of no rows is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from essex_report.charts import style
from essex_report.data.model import Value
from essex_report.errors import ReportError
from essex_report.notebook.figures import Figures
from essex_report.notebook.markup import pipe_table
from essex_report.notebook.parts import Part, Parts, Printed
from essex_report.years import FinancialYear

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from pandas import DataFrame

COLUMNS = (
    "year",  # "2019/20"
    "indicator",
    "label",  # as the year words it
    "breakdown",  # "" for the headline figure
    "value",  # a float, for drawing
    "unit",
    "text",  # as the report prints it: £2.1bn
    "qualifier",
    "period",
    "basis",
    "series",  # the first year of the unbroken series the figure belongs to (breaks.csv)
    "figure",  # the register's entry (notebook.parts.Printed): what report.chart registers
)
HEIGHT = 220.0  # points: an analyst's chart, as tall as the API's column charts
KINDS = ("bar", "line")


def _series_start(figures: Figures, value: Value) -> str:
    """The first year of the run of the indicator's series the value is in."""
    breaks = [b.year for b in figures.catalogue.breaks.get(value.indicator, [])]
    started = [y for y in breaks if y <= value.year]
    return max(started).label if started else ""


def frame(figures: Figures, indicators: str | Iterable[str], years: int | None = None) -> DataFrame:
    """The figures of the indicators (headline and breakdowns), this year and the `years` - 1
    before it (every earlier year when None), one row each, oldest first."""
    import pandas as pd  # costly to import: only cells that ask for a frame need it

    names = [indicators] if isinstance(indicators, str) else list(indicators)
    for name in names:
        figures.indicator(name)
    if years is not None and years < 1:
        raise ReportError(f"years={years}: expected how many years to give, 1 or more")
    first = FinancialYear(figures.year.start - years + 1) if years else None
    rows: list[dict[str, Any]] = []
    for name in names:
        for year in sorted(y for y in figures.book.years if y <= figures.year):
            if first is not None and year < first:
                continue
            data = figures.book.data(year)
            values = [v for key, v in data.values.items() if key[0] == name]
            for value in sorted(values, key=lambda v: v.breakdown):
                text, record = figures.printed(value)
                rows.append(
                    {
                        "year": year.label,
                        "indicator": name,
                        "label": figures.label(value).removesuffix(f": {value.breakdown}"),
                        "breakdown": value.breakdown,
                        "value": float(value.value),
                        "unit": figures.indicator(name).unit,
                        "text": text,
                        "qualifier": value.qualifier,
                        "period": value.period,
                        "basis": value.published_basis,
                        "series": _series_start(figures, value),
                        "figure": record,
                    }
                )
    found = pd.DataFrame(rows, columns=list(COLUMNS))
    return found.astype({"value": float}) if found.empty else found


def records(data: DataFrame) -> tuple[Printed, ...]:
    """The register entries a frame (or a part of one) carries, each once."""
    if "figure" not in data.columns:
        raise ReportError(
            "the data has no 'figure' column: chart a frame from report.frame(...), filtered "
            "or sorted as you like, so that its numbers are registered"
        )
    found = [f for f in data["figure"] if isinstance(f, Printed)]
    return tuple(dict.fromkeys(found))


def chart(
    figures: Figures,
    data: DataFrame,
    caption: str,
    alt: str | None,
    draw: Callable[[Axes], object] | None,
    fill: Callable[[str], str],
    x: str = "year",
    y: str = "value",
    hue: str | None = None,
    kind: str = "bar",
) -> Parts:
    """A chart of a frame in the house style, its data as a table, its numbers registered.
    `draw(ax)` draws it (seaborn or matplotlib, on the axes given); without it, a seaborn bar
    or line chart of `y` by `x` (coloured by `hue`). `fill` fills placeholders in the caption
    and alt text. Nothing when the frame has no rows (the year has none of its figures)."""
    if kind not in KINDS:
        raise ReportError(f"kind={kind!r}: expected one of {', '.join(KINDS)}")
    registered = records(data)
    if data.empty:
        return Parts()
    caption = fill(caption)
    rows = [[str(r.year), r.label, r.text] for r in data[["year", "label", "text"]].itertuples()]
    said = "; ".join(f"{label} {year}: {text}" for year, label, text in rows)
    alt = fill(alt) if alt else f"Chart. {caption.rstrip('.')}. {said}."
    digest = hashlib.sha256(repr((caption, alt, registered)).encode()).hexdigest()
    chart_id = f"chart-{digest[:10]}"
    with style.style(chart_id):
        from matplotlib.figure import Figure  # costly to import: see charts/style.py

        fig = Figure(figsize=(style.WIDTH / 72, HEIGHT / 72), dpi=72, layout="constrained")
        ax = fig.add_subplot()
        if draw is not None:
            draw(ax)
        else:
            _seaborn(ax, data, x, y, hue, kind)
        _palette_colours(ax)
        svg = style.svg_document(fig, chart_id, alt)
    table = pipe_table(["Year", "Figure", "Value"], rows, [12, 44, -14], "")
    return Parts(
        [
            Part(kind="chart", svg=svg, caption=caption, alt=alt, figures=registered),
            Part(table, kind="chart-data"),
        ]
    )


def _seaborn(ax: Axes, data: DataFrame, x: str, y: str, hue: str | None, kind: str) -> None:
    """The API's own chart of a frame: seaborn's bar or line chart, labelled in words."""
    import seaborn as sns  # costly to import: only a chart of a frame needs it

    if kind == "bar":
        sns.barplot(data=data, x=x, y=y, hue=hue, ax=ax, saturation=1)
    else:
        sns.lineplot(data=data, x=x, y=y, hue=hue, ax=ax)
    ax.set_xlabel("")
    labels = list(dict.fromkeys(data["label"]))
    units = list(dict.fromkeys(data["unit"]))
    ax.set_ylabel(f"{labels[0]} ({units[0]})" if len(labels) == 1 and y == "value" else y)


def _palette_colours(ax: Axes) -> None:
    """seaborn draws bars in its palette's colours at 75% saturation by default: put the
    Analysis Function colours back, so an analyst's chart has the house's colours."""
    import seaborn as sns  # costly to import: see _seaborn
    from matplotlib.colors import to_hex  # costly to import: see charts/style.py

    colours = style.palette(style.MAX_SERIES)
    faded = {to_hex(sns.desaturate(c, 0.75)): c for c in colours}
    for patch in ax.patches:
        found = faded.get(to_hex(patch.get_facecolor()))
        if found is not None:
            patch.set_facecolor(found)
