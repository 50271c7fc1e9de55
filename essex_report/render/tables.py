"""Tables of the web page: headers scoped, and a scroll region only for a table that can be
wider than the page.

No script runs in the page, so whether a table scrolls is worked out here, when the page is
made: its narrowest width is the sum of its columns' longest unbreakable runs of text (measured
in the page's Lato, with WCAG 1.4.12's letter spacing) and their padding. A table that may not
fit a 320 CSS px screen sits in a region a keyboard can reach and scroll, named by a visible
cue ("Scroll sideways to see the whole table") that shows at the widths where it scrolls; a
table that always fits is left alone: no tab stop, no landmark, its caption heard once.
"""

from __future__ import annotations

import re
from functools import cache

from bs4 import BeautifulSoup, Tag

from essex_report.charts.style import text_width

SIZE = 15.0  # table text there, px (0.9375 of the 16 px body text)
PADDING = 24.0  # px: a cell's padding, left and right (0.75rem each)
LETTER_SPACING = 0.12  # em a character (WCAG 2.2, 1.4.12), which a reader's style may add
BOLD = 1.06  # Lato Bold is about this much wider than Lato Regular
# main's padding either side of a table on a screen of at least 40em (2rem), else 1rem.
PAGE_PADDING = {True: 64.0, False: 32.0}
CUE = "Scroll sideways to see the whole table"


@cache
def word_width(word: str, bold: bool) -> float:
    """The width in px of a run of text that cannot break, at the tables' size."""
    width = text_width(word, SIZE) + LETTER_SPACING * SIZE * len(word)
    return width * (BOLD if bold else 1.0)


def cell_width(cell: Tag) -> float:
    """The narrowest a cell can be: its longest word (its whole text when it may not wrap:
    figures, right-aligned), plus its padding."""
    text = " ".join(cell.get_text(" ").split())
    right = cell.name == "td" and "text-align: right" in str(cell.get("style", ""))
    runs = [text] if right else re.split(r"\s+", text)
    bold = cell.name == "th"
    return max((word_width(run, bold) for run in runs if run), default=0.0) + PADDING


def narrowest(table: Tag) -> float:
    """The narrowest the table can be laid out, in CSS px."""
    widths: dict[int, float] = {}
    for row in table.find_all("tr"):
        column = 0
        for cell in row.find_all(["th", "td"], recursive=False):
            span = int(str(cell.get("colspan") or 1))
            if span == 1:
                widths[column] = max(widths.get(column, 0.0), cell_width(cell))
            column += span
    return sum(widths.values())


def scrolls_below(table: Tag) -> float:
    """The screen width (CSS px) below which the table is wider than the page."""
    width = narrowest(table)
    narrow = width + PAGE_PADDING[False]
    return narrow if narrow <= 640 else width + PAGE_PADDING[True]


def scope_headers(table: Tag) -> None:
    """Column headers scoped to their columns; the first cell of each body row (which names
    the row: a figure, a service, an area, a year, an aim) a header scoped to its row."""
    head = table.find("thead")
    if head:
        for cell in head.find_all("th"):
            cell["scope"] = "col"
    for body in table.find_all("tbody"):
        for row in body.find_all("tr", recursive=False):
            first = row.find(["td", "th"], recursive=False)
            if first is not None:
                first.name = "th"
                first["scope"] = "row"


def new_id(soup: BeautifulSoup, stem: str) -> str:
    """An id no element of the page has."""
    n = 1
    while soup.find(id=f"{stem}-{n}"):
        n += 1
    return f"{stem}-{n}"


def scroll_region(soup: BeautifulSoup, table: Tag) -> tuple[str, int] | None:
    """A table that can be wider than a 320 px screen scrolls on its own, not the page: in a
    region a keyboard can reach (tabindex 0) and scroll, named by its cue. Returns the cue's
    id and the screen width below which it shows; None, and the table left alone, when the
    table always fits."""
    below = scrolls_below(table)
    if below <= 320:
        return None
    name = new_id(soup, "scroll-cue")
    cue = soup.new_tag("p", attrs={"class": "scroll-cue", "id": name})
    cue.string = CUE
    region = soup.new_tag("div", attrs={"class": "table-scroll", "role": "region"})
    region["aria-labelledby"] = name
    region["tabindex"] = "0"
    table.wrap(region)
    table.insert_before(cue)
    return name, round(below)


def scroll_tables(soup: BeautifulSoup) -> None:
    """Every table of a page: headers scoped, a scroll region where it can be wider than the
    page, and the style that shows each region's cue below the width where it scrolls."""
    rules = []
    for table in soup.find_all("table"):
        scope_headers(table)
        found = scroll_region(soup, table)
        if found is not None:
            cue, below = found
            rules.append(f"@media (max-width: {below}px) {{ #{cue} {{ display: block; }} }}")
    if rules and soup.head is not None:
        style = soup.new_tag("style", id="scroll-cues")
        style.string = "\n".join(rules)
        soup.head.append(style)
