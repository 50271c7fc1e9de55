"""A web page checked in the real browser (the session's headless Chromium): axe-core with the
WCAG 2.0, 2.1 and 2.2 A and AA rules and the best-practice rules `region` and
`landmark-one-main`; the page's width at 320 CSS px, with and without text spacing; the key
figures' columns; the focus indicator's contrast, from the pixels a reader sees."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from essex_report.render.brand import contrast
from essex_report.review.browser import axe_script

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BEST_PRACTICE = ["region", "landmark-one-main"]
RUN_AXE = """([tags, rules]) => axe.run(document, {
  runOnly: {type: 'tag', values: tags},
  rules: Object.fromEntries(rules.map(rule => [rule, {enabled: true}])),
  resultTypes: ['violations', 'incomplete'],
})"""
# WCAG 2.2, 1.4.12 Text Spacing: what a reader's own stylesheet may set.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)
WIDTH = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
# The most tiles side by side in any one group of key figures.
TILE_COLUMNS = """Math.max(0, ...[...document.querySelectorAll('.key-figures')].map(group =>
  new Set([...group.children].map(tile => Math.round(tile.getBoundingClientRect().left))).size))"""
IN_CHART = "target => !!document.querySelector(target)?.closest('svg[role=img]')"
NARROW = 320  # CSS px: WCAG 2.2, 1.4.10 Reflow


@dataclass
class Audit:
    violations: list[str] = field(default_factory=list)  # "rule: help: where"
    ran: set[str] = field(default_factory=set)  # the rules that checked something
    review: list[str] = field(default_factory=list)  # axe's "needs review", outside charts
    width: int = 0  # the page's scroll width at 320 CSS px
    spaced_width: int = 0  # the same with text spacing applied
    tiles_wide: int = 0  # key figures side by side at 1280 px
    tiles_narrow: int = 0  # and at 320 px


def audit(browser, path: Path) -> Audit:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.resolve().as_uri())
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate(RUN_AXE, [TAGS, BEST_PRACTICE])
        found = Audit()
        for rule in result["violations"]:
            where = "; ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
            found.violations.append(f"{rule['id']}: {rule['help']} ({len(rule['nodes'])}: {where})")
        found.ran = {rule["id"] for rule in result["passes"]}
        found.ran |= {rule["id"] for rule in result["violations"] + result["incomplete"]}
        for rule in result["incomplete"]:
            for node in rule["nodes"]:
                # Chart text sits on the chart's own drawn ground, which axe cannot see.
                if not (
                    rule["id"] == "color-contrast" and page.evaluate(IN_CHART, node["target"][0])
                ):
                    found.review.append(f"{rule['id']}: {' '.join(node['target'])}")
        found.tiles_wide = page.evaluate(TILE_COLUMNS)
        page.set_viewport_size({"width": NARROW, "height": 640})
        found.width = page.evaluate(WIDTH)
        found.tiles_narrow = page.evaluate(TILE_COLUMNS)
        page.add_style_tag(content=TEXT_SPACING)
        found.spaced_width = page.evaluate(WIDTH)
        return found
    finally:
        page.close()


# --- The focus indicator, from pixels ---------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), cls: e.className || '', id: e.id || '',
          href: e.getAttribute('href') || '', nav: !!e.closest('nav'),
          main: !!e.closest('main')};
}"""
FRAME = """() => {
  const e = document.activeElement;
  e.scrollIntoView({block: 'start'});
  window.scrollBy(0, -40);
  const r = e.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height};
}"""
MARGIN = 8  # CSS px around the element: an outline, its offset or a shadow falls inside


def kind(focused: dict) -> str:
    """What sort of control the focus is on: the kinds a reader tabs through."""
    if "skip-link" in focused["cls"]:
        return "skip link"
    if focused["tag"] == "a":
        return "contents link" if focused["nav"] else "link"
    if focused["tag"] == "summary":
        return "details summary"
    if "table-scroll" in focused["cls"]:
        return "table scroll region"
    return focused["tag"]


def pixels(png: bytes) -> list[tuple[int, int, int]]:
    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def indicator(browser, path: Path, stops: int = 250) -> dict[str, tuple[int, float]]:
    """Tab through the page; for the first control of each kind, compare the pixels around it
    focused and not: (how many pixels changed by 3:1 or more, and the element's width)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    found: dict[str, tuple[int, float]] = {}
    try:
        page.goto(path.resolve().as_uri())
        for _ in range(stops):
            page.keyboard.press("Tab")
            name = kind(page.evaluate(FOCUSED))
            if name in found or name == "body":
                continue
            box = page.evaluate(FRAME)
            clip = {
                "x": max(box["x"] - MARGIN, 0),
                "y": max(box["y"] - MARGIN, 0),
                "width": min(box["width"] + 2 * MARGIN, 1280 - max(box["x"] - MARGIN, 0)),
                "height": min(box["height"] + 2 * MARGIN, 200),
            }
            focused = pixels(page.screenshot(clip=clip))
            page.evaluate(
                "() => { window.focusedForTest = document.activeElement; "
                "document.activeElement.blur(); }"
            )
            unfocused = pixels(page.screenshot(clip=clip))
            page.evaluate("() => window.focusedForTest.focus({preventScroll: true})")
            changed = sum(
                1
                for a, b in zip(focused, unfocused, strict=True)
                if a != b and contrast(hex_colour(a), hex_colour(b)) >= 3
            )
            found[name] = (changed, box["width"])
        return found
    finally:
        page.close()


# --- What a screen reader hears: the accessibility tree ---------------------------------------


def said(snapshot: str, text: str) -> int:
    """How many times the accessibility tree's snapshot says `text` (a caption, a figure as
    printed), as words of its own ("52%" is not heard in "152%"). A row's name (its cells'
    words, which Playwright prints and a screen reader does not announce) is left out."""
    row = r"""^(\s*- )'?row "(?:[^"\\]|\\.)*"'?"""
    lines = [re.sub(row, r"\1row", line) for line in snapshot.splitlines()]
    pattern = rf"(?<![\w.,£€-]){re.escape(' '.join(text.split()))}(?![\w%]|[.,]\d)"
    return len(re.findall(pattern, "\n".join(" ".join(line.split()) for line in lines)))


@dataclass
class Heard:
    """A chart, or a table, as the accessibility tree gives it."""

    caption: str
    values: list[str]  # the figures of its data table, as printed
    closed: str  # the tree with the chart's data closed, as a reader first meets it
    opened: str  # and with its data opened (a table: the same)


# The text of each data cell that is one run of words (not a list of items).
CELLS = """t => [...t.querySelectorAll('tbody td')].filter(td => !td.querySelector('li, p'))
  .map(td => td.textContent.trim().split(/\\s+/).join(' '))"""


def _listen(figure, data, inside: bool) -> str:
    """The tree of a chart and its data (one tree when the data is inside the figure)."""
    return figure.aria_snapshot() + ("" if inside else "\n" + data.aria_snapshot())


def heard(browser, path: Path) -> tuple[list[Heard], list[Heard]]:
    """Every chart (figure.chart) and every captioned table of a page, as heard."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    charts, tables = [], []
    try:
        page.goto(path.resolve().as_uri())
        figures = page.locator("figure.chart")
        for n in range(figures.count()):
            figure = figures.nth(n)
            caption = figure.locator("figcaption").inner_text().strip()
            inside = figure.locator("details")
            # the chart's data: inside its figure, else (as pages were) right after it
            data = inside if inside.count() else figure.locator("xpath=following::details[1]")
            values = data.evaluate(CELLS)

            closed = _listen(figure, data, inside.count() > 0)
            data.locator("summary").click(timeout=5000)
            charts.append(Heard(caption, values, closed, _listen(figure, data, inside.count() > 0)))
        captioned = page.locator("table:has(caption)")
        for n in range(captioned.count()):
            table = captioned.nth(n)
            region = table.locator("xpath=ancestor::div[@role='region']")
            whole = region if region.count() else table
            caption = table.locator("caption").inner_text().strip()
            values = table.evaluate(CELLS)
            snapshot = whole.aria_snapshot()
            tables.append(Heard(caption, values, snapshot, snapshot))
        return charts, tables
    finally:
        page.close()
