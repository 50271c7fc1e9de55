"""The rendered HTML made into the published web page: one step after either renderer, so
Quarto's page and the built-in renderer's are the same page (WCAG 2.2 AA).

- each chart's SVG inlined where the renderer put an `<img src="data:image/svg+xml;...">`
  (the SVG then draws its text in the page's embedded Lato), its caption first;
- one `h1` (the report's title): every other heading one level down;
- `scope` on every `th`, and each body row's first cell a row header;
- tables of three or more columns in a focusable scroll region named by their caption;
- a skip link, the council's wordmark as a banner, a `main` landmark and the colophon as the
  page's footer; the brand's CSS (`brand.css`) before the renderer's styles.

The page is parsed and written back with a real parser (BeautifulSoup), which escapes every
text and attribute it writes; an SVG is parsed as XML and refused unless it holds only
drawing elements, so no text of the data becomes markup on the way.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter

from essex_report.charts.style import font_dir
from essex_report.config import Brand
from essex_report.errors import BuildError
from essex_report.render.brand import css

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_URI = "data:image/svg+xml;base64,"
# What matplotlib draws a chart with; anything else (script, foreignObject, image) is refused.
DRAWING = {
    "svg", "g", "defs", "style", "path", "use", "clipPath", "rect", "line", "polyline",
    "polygon", "circle", "ellipse", "text", "tspan", "title", "desc", "linearGradient",
    "radialGradient", "stop", "pattern", "mask", "symbol", "marker",
}  # fmt: skip
WIDE = 3  # columns from which a table gets a scroll region of its own
HEADING = re.compile(r"h[1-6]")
SLOT = "essex-report-chart"  # a placeholder element, replaced by the chart's SVG at the end


class _Formatter(HTMLFormatter):
    """BeautifulSoup's "minimal" formatter (escapes &, < and > in text, quotes attributes),
    keeping each element's attributes in the renderer's order rather than sorting them."""

    def __init__(self) -> None:
        super().__init__(entity_substitution=EntitySubstitution.substitute_xml)

    def attributes(self, tag: Tag):
        return list(tag.attrs.items())


def finish(path: Path, stylesheet: str, wordmark: str) -> None:
    """Rewrite a rendered HTML file in place as the published page."""
    path.write_text(make_page(path.read_text(encoding="utf-8"), stylesheet, wordmark), "utf-8")


def make_page(html: str, stylesheet: str, wordmark: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    if soup.body is None or soup.head is None:
        raise BuildError("the renderer wrote an HTML page without <head> or <body>")
    charts = inline_charts(soup)
    shift_headings(soup)
    for table in soup.find_all("table"):
        scope_headers(table)
        if columns(table) >= WIDE:
            scroll_region(soup, table)
    chart_regions(soup)
    qualify_key_figures(soup)
    landmarks(soup, wordmark)
    style = soup.new_tag("style", id="brand")
    style.string = stylesheet
    first = soup.head.find("style")
    if first:
        first.insert_before(style)
    else:
        soup.head.append(style)
    page = soup.decode(formatter=_Formatter())
    for n, svg in enumerate(charts):
        # The serialised page escapes every "<" of its text: only our own slot matches.
        page = page.replace(f'<{SLOT} n="{n}"></{SLOT}>', svg, 1)
    return page


def body(soup: BeautifulSoup) -> Tag:
    """The page's body (make_page refuses a page without one)."""
    if soup.body is None:
        raise BuildError("the renderer wrote an HTML page without <body>")
    return soup.body


def attribute(tag: Tag, name: str) -> str:
    """An attribute's value as text ("" when absent)."""
    value = tag.get(name)
    return " ".join(value) if isinstance(value, list) else str(value or "")


def classes(tag: Tag) -> list[str]:
    return attribute(tag, "class").split()


# --- Charts -----------------------------------------------------------------------------------


def chart_svg(uri: str) -> tuple[str, str]:
    """The SVG of a data: URI, checked and written again as XML: (its id, the SVG)."""
    try:
        text = base64.b64decode(uri[len(SVG_URI) :], validate=True).decode("utf-8")
    except ValueError:
        raise BuildError("a chart in the rendered HTML is not valid base64 SVG") from None
    if "<!" in text.replace("<![CDATA[", ""):  # no DTD, entities or comments to expand
        raise BuildError("a chart's SVG holds a declaration; charts are plain SVG")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise BuildError(f"a chart's SVG does not parse: {error}") from None
    for element in root.iter():
        name = element.tag.rpartition("}")[2]
        if not element.tag.startswith(f"{{{SVG_NS}}}") or name not in DRAWING:
            raise BuildError(f"a chart's SVG holds a <{name}> element; charts only draw")
        for attribute, value in element.attrib.items():
            bare = attribute.rpartition("}")[2]
            if bare.startswith("on") or (bare == "href" and not value.startswith("#")):
                raise BuildError(f"a chart's SVG has a {bare} attribute that could run or fetch")
    if root.get("role") != "img" or not root.get("aria-label") or not root.get("id"):
        raise BuildError("a chart's SVG has no id, role=img or aria-label (its alt text)")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return root.get("id", ""), ET.tostring(root, encoding="unicode")


def inline_charts(soup: BeautifulSoup) -> list[str]:
    """Every SVG image in the page as inline SVG, in a figure whose caption comes first (the
    Analysis Function puts a chart's title above it). The SVG is named by its own aria-label
    (the alt text); the figure by its figcaption."""
    charts: list[str] = []
    seen: set[str] = set()
    for image in soup.find_all("img", src=lambda s: bool(s) and s.startswith(SVG_URI)):
        chart_id, svg = chart_svg(attribute(image, "src"))
        if chart_id in seen:
            raise BuildError(f"two charts in the page have the id {chart_id}")
        seen.add(chart_id)
        slot = soup.new_tag(SLOT, attrs={"n": str(len(charts))})
        charts.append(svg)
        parent = image.parent
        image.replace_with(slot)
        if parent and parent.name == "p" and not parent.get_text(strip=True):
            parent.unwrap()  # Quarto puts the image in a paragraph of its own
        figure = slot.find_parent("figure")
        if figure is None:
            continue
        wrapper = figure.parent
        if wrapper and wrapper.name == "div" and "quarto-figure" in classes(wrapper):
            wrapper.unwrap()
        caption = figure.find("figcaption")
        if caption:
            caption["id"] = f"{chart_id}-caption"
            figure.insert(0, caption.extract())
        figure["class"] = " ".join([*classes(figure), "chart"])
    return charts


# --- Headings and tables ----------------------------------------------------------------------


def shift_headings(soup: BeautifulSoup) -> None:
    """The report's title is the page's one h1; chapters become h2, and so on down."""
    for heading in body(soup).find_all(HEADING):
        if heading.find_parent(id="title-block-header") or heading.get("id") == "toc-title":
            continue
        heading.name = f"h{min(int(heading.name[1]) + 1, 6)}"


def columns(table: Tag) -> int:
    row = table.find("tr")
    cells = row.find_all(["th", "td"]) if row else []
    return sum(int(attribute(cell, "colspan") or 1) for cell in cells)


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


def scroll_region(soup: BeautifulSoup, table: Tag) -> None:
    """A wide table scrolls on its own at 320 px, not the page: a region a keyboard can reach
    (tabindex 0) and scroll, named by the table's caption, else the heading above it."""
    caption = table.find("caption")
    label = caption or table.find_previous(HEADING)
    region = soup.new_tag("div", attrs={"class": "table-scroll", "role": "region"})
    if label is not None:
        if not label.get("id"):
            label["id"] = new_id(soup, "table-caption")
        region["aria-labelledby"] = label["id"]
    else:
        region["aria-label"] = "Table"
    region["tabindex"] = "0"
    table.wrap(region)


def new_id(soup: BeautifulSoup, stem: str) -> str:
    """An id no element of the page has."""
    n = 1
    while soup.find(id=f"{stem}-{n}"):
        n += 1
    return f"{stem}-{n}"


def chart_regions(soup: BeautifulSoup) -> None:
    """A chart's data table (in its details) is named by the chart's caption."""
    for details in soup.find_all("details", class_="chart-data"):
        figure = details.find_previous("figure")
        caption = figure.find("figcaption") if figure else None
        region = details.find(class_="table-scroll")
        if caption and caption.get("id") and region is not None:
            region["aria-labelledby"] = caption["id"]


def qualify_key_figures(soup: BeautifulSoup) -> None:
    """A key figure's qualifier ("over 375,000", "circa 3,500") in a span of its own, which
    the style sets small above the figure; the words stay in order, with their space."""
    for number in soup.select(".key-figure .number"):
        words = number.get_text()
        qualifier, space, figure = words.rpartition(" ")
        if not space or not qualifier.strip() or len(number.contents) != 1:
            continue
        small = soup.new_tag("span", attrs={"class": "qualifier"})
        small.string = qualifier
        number.clear()
        number.extend([small, " ", figure])


# --- Landmarks --------------------------------------------------------------------------------


def landmarks(soup: BeautifulSoup, wordmark: str) -> None:
    """Skip link, banner (the wordmark), main (everything the renderer wrote) and footer (the
    colophon): every piece of the page is in a landmark."""
    page = body(soup)
    main = soup.new_tag("main", id="main", tabindex="-1")
    for child in list(page.contents):
        main.append(child.extract())
    author = main.select_one("#title-block-header .author")
    if author is not None and author.get_text(strip=True) == wordmark:
        author.decompose()  # the banner names the council already
    skip = soup.new_tag("a", href="#main", attrs={"class": "skip-link"})
    skip.string = "Skip to main content"
    banner = soup.new_tag("header", attrs={"class": "masthead"})
    mark = soup.new_tag("p", attrs={"class": "wordmark"})
    mark.string = wordmark
    banner.append(mark)
    page.extend([skip, banner, main])
    colophon = main.find("div", class_="colophon")
    if colophon is not None:
        footer = soup.new_tag("footer", attrs={"class": "colophon"})
        footer.extend(list(colophon.contents))
        colophon.decompose()
        page.append(footer)


# --- The brand's styles, for the report and the pages beside it -------------------------------


def brand_css(brand: Brand) -> str:
    """The brand as CSS (`brand.css`): custom properties and the embedded Lato."""
    return css(brand, font_dir())


def finish_report(path: Path, brand: Brand) -> None:
    """The rendered report (its renderer embedded report.css already) as the published page."""
    finish(path, brand_css(brand), brand.name)


def page_style(report_css: Path | None, brand: Brand) -> str:
    """Every style of a page the pipeline writes itself (figures.html, index.html): the brand,
    then the report's own stylesheet, so they look like the report."""
    own = report_css.read_text(encoding="utf-8") if report_css else ""
    return f"{brand_css(brand)}\n{own}"
