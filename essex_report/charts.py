"""Charts: bars for a year's figures, a year axis for a figure across years; SVG, with
caption, alt text stating every number, and the numbers as a table.

(Interim version on main: the charts branch replaces the drawing.)
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal
    unit: str
    text: str
    series: str = ""


@dataclass(frozen=True)
class Chart:
    svg: str
    caption: str
    alt: str
    header: list[str]
    rows: list[list[str]]


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _table(points: list[Point], label_header: str) -> tuple[list[str], list[list[str]]]:
    groups = list(dict.fromkeys(p.series for p in points))
    if groups == [""]:
        return [label_header, "Value"], [[p.label, p.text] for p in points]
    labels = list(dict.fromkeys(p.label for p in points))
    cells = {(p.label, p.series): p.text for p in points}
    rows = [[label, *(cells.get((label, g), "not available") for g in groups)] for label in labels]
    return [label_header, *groups], rows


def _alt(points: list[Point], caption: str, kind: str) -> str:
    parts = [
        f"{p.series}, {p.label}: {p.text}" if p.series else f"{p.label}: {p.text}" for p in points
    ]
    return f"{kind}. {caption}. " + "; ".join(parts) + "."


def bar_chart(points: list[Point], caption: str, label_header: str) -> Chart | None:
    if len(points) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "essex-report"
    labels = list(dict.fromkeys(p.label for p in points))
    groups = list(dict.fromkeys(p.series for p in points))
    fig, ax = plt.subplots(figsize=(6, 0.9 + 0.45 * len(points)))
    height = 0.8 / len(groups)
    for g, group in enumerate(groups):
        for p in (p for p in points if p.series == group):
            y = labels.index(p.label) + g * height
            ax.barh(y, float(p.value), height=height, color=PALETTE[g % len(PALETTE)])
            ax.annotate(
                p.text,
                (float(p.value), y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
    ax.set_yticks(
        [i + 0.4 - height / 2 for i in range(len(labels))],
        [textwrap.fill(label, 30) for label in labels],
    )
    ax.invert_yaxis()
    ax.set_xticks([])
    header, rows = _table(points, label_header)
    return Chart(_svg(fig), caption, _alt(points, caption, "Bar chart"), header, rows)


def trend_chart(points: list[Point], years: list[str], caption: str) -> Chart | None:
    if len(points) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "essex-report"
    fig, ax = plt.subplots(figsize=(6, 3))
    by_year = {p.label: p for p in points}
    for i, year in enumerate(years):
        if year in by_year:
            ax.bar(i, float(by_year[year].value), color=PALETTE[0])
    ax.set_xticks(range(len(years)), years)
    header, rows = _table(points, "Year")
    return Chart(_svg(fig), caption, _alt(points, caption, "Column chart"), header, rows)
