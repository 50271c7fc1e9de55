"""The charts' house style: Analysis Function (afcharts) style and palette, Lato, clean SVG.

Matplotlib is imported inside functions: importing it takes half a second, and most commands
(years, new-year) never draw.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from essex_report.errors import ReportError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "Lato"  # the family name the SVG names, the HTML's @font-face and Typst's font paths
# A chart is 288 pt (4 in, 384 CSS px) wide and its text 12 pt: in the PDF, at its own size,
# no larger than the body text (12 pt); on the web page, at most its own size (report.css),
# so its text is 16 CSS px at 1280 px and at least 14 CSS px on a 375 px phone (343 px wide).
WIDTH = 288.0
LABEL_SIZE = 12.0  # category and year labels, points
VALUE_SIZE = 12.0  # values printed at the bars, ticks, legend, points
NOTE_SIZE = 12.0  # "no figure" at a gap
TEXT = "#1a1a1a"  # afcharts' label colour
QUIET = "#3d3d3d"  # the baseline and gap notes (afcharts' dark grey, 11:1 on white)
GUIDE = "#d9d9d9"  # the faint line along a dot plot's row
MAX_SERIES = 6  # the Analysis Function categorical palette has six colours

# Overrides of afcharts.mplstyle: our font and sizes, text kept as text, reproducible SVG.
RC: dict[str, object] = {
    "font.family": FONT,
    "font.size": VALUE_SIZE,
    "xtick.labelsize": VALUE_SIZE,
    "ytick.labelsize": VALUE_SIZE,
    "axes.labelsize": VALUE_SIZE,
    "legend.fontsize": VALUE_SIZE,
    "figure.dpi": 72,  # one pixel per point while laying out
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "axes.unicode_minus": False,  # a hyphen-minus, as the printed figures have
    "text.parse_math": False,  # labels come from data: "$" is a dollar sign, never mathtext
    "text.usetex": False,
}


def font_dir() -> Path:
    """The folder holding Lato's TTF files (from the font-lato package): Typst's font path."""
    import font_lato

    return Path(font_lato.font_directory)


def preload() -> None:
    """Import matplotlib and register the font now (before the build forks its workers)."""
    import matplotlib.figure
    import matplotlib.style
    import matplotlib.textpath  # noqa: F401

    register_font()


@cache
def register_font() -> None:
    """Make Lato known to matplotlib (once per process)."""
    from matplotlib import font_manager

    for path in sorted(font_dir().glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))


def palette(count: int) -> list[str]:
    """The Analysis Function colours for `count` series, in order (duo for two)."""
    from afcharts.af_colours import get_af_colours

    if count > MAX_SERIES:
        raise ReportError(
            f"a chart can show at most {MAX_SERIES} series, not {count}; split it into charts"
        )
    if count == 1:
        return get_af_colours("categorical", number_of_colours=MAX_SERIES)[:1]
    return list(get_af_colours("categorical", number_of_colours=count))


@contextmanager
def style(salt: str) -> Iterator[None]:
    """afcharts' matplotlib style with the overrides above; `salt` makes clip-path ids unique
    to the chart and the same in every build."""
    import matplotlib.style

    register_font()
    with matplotlib.style.context(["afcharts.afcharts", {**RC, "svg.hashsalt": salt}]):
        yield


def text_width(text: str, size: float) -> float:
    """The width in points of one line of Lato at `size` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    register_font()
    prop = FontProperties(family=FONT, size=size)
    return max(
        (text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0])
        for line in text.split("\n")
    )


def svg_document(fig: Figure, chart_id: str, alt: str) -> str:
    """The figure as a standalone SVG: no prolog or DTD (an external reference), no metadata,
    every id prefixed with `chart_id` and its one CSS rule scoped to the chart, so several
    charts can be inlined in one HTML page; the root is an image named by `alt`."""
    buffer = io.StringIO()
    fig.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    own = re.escape(chart_id + "-")
    svg = re.sub(rf'\bid="(?!{own})', f'id="{chart_id}-', svg)
    svg = re.sub(rf"url\(#(?!{own})", f"url(#{chart_id}-", svg)
    svg = re.sub(rf'href="#(?!{own})', f'href="#{chart_id}-', svg)
    svg = svg.replace('<style type="text/css">*{', f'<style type="text/css">#{chart_id} *{{', 1)
    root = f'<svg id={quoteattr(chart_id)} role="img" aria-label={quoteattr(alt)} '
    return svg.replace("<svg ", root, 1)
