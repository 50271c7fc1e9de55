"""The rendered HTML made into the published web page: one step after either renderer, so
Quarto's page and the built-in renderer's are the same page (WCAG 2.2 AA), and a screen reader
hears each thing once.

- each chart's SVG inlined where the renderer put an `<img src="data:image/svg+xml;...">`
  (the SVG then draws its text in the page's embedded Lato): one figure, named by its caption
  (shown above the chart, and heard once, as the figure's name), an image named by its alt
  text (the numbers), and its data, a table named after the chart, in a "Data for this chart"
  disclosure inside the figure;
- one `h1` (the report's title): every other heading one level down;
- `scope` on every `th`, and each body row's first cell a row header; a scroll region only for
  a table that can be wider than the page (tables.py);
- a skip link, the council's wordmark as a banner, a `main` landmark, a way back to the
  contents at the end of each chapter, and the colophon as the page's footer; the brand's CSS
  (`brand.css`) before the renderer's styles; the generator tag naming what made the page.

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
from essex_report.render.tables import scroll_tables

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_URI = "data:image/svg+xml;base64,"
# What matplotlib draws a chart with; anything else (script, foreignObject, image) is refused.
DRAWING = {
    "svg", "g", "defs", "style", "path", "use", "clipPath", "rect", "line", "polyline",
    "polygon", "circle", "ellipse", "text", "tspan", "title", "desc", "linearGradient",
    "radialGradient", "stop", "pattern", "mask", "symbol", "marker",
}  # fmt: skip
HEADING = re.compile(r"h[1-6]")
SLOT = "essex-report-chart"  # a placeholder element, replaced by the chart's SVG at the end


class _Formatter(HTMLFormatter):
    """BeautifulSoup's "minimal" formatter (escapes &, < and > in text, quotes attributes),
    keeping each element's attributes in the renderer's order rather than sorting them."""

    def __init__(self) -> None:
        super().__init__(entity_substitution=EntitySubstitution.substitute_xml)

    def attributes(self, tag: Tag):
        return list(tag.attrs.items())


def finish(path: Path, stylesheet: str, wordmark: str, generator: str = "") -> None:
    """Rewrite a rendered HTML file in place as the published page."""
    html = make_page(path.read_text(encoding="utf-8"), stylesheet, wordmark, generator)
    path.write_text(html, "utf-8")


def make_page(html: str, stylesheet: str, wordmark: str, generator: str = "") -> str:
    soup = BeautifulSoup(html, "html.parser")
    if soup.body is None or soup.head is None:
        raise BuildError("the renderer wrote an HTML page without <head> or <body>")
    if generator:
        generated_by(soup, generator)
    charts = inline_charts(soup)
    shift_headings(soup)
    scroll_tables(soup)
    back_to_contents(soup)
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
    for child in root:  # the drawing: a reader hears the image's name, the numbers, once
        child.set("aria-hidden", "true")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return root.get("id", ""), ET.tostring(root, encoding="unicode")


def inline_charts(soup: BeautifulSoup) -> list[str]:
    """Every SVG image in the page as inline SVG, in a figure whose caption comes first (the
    Analysis Function puts a chart's title above it), followed by its data. The figure is
    named by its caption, which is heard as that name only (not read again as text); the
    SVG by its own aria-label (the numbers); the data table after the chart."""
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
        figure["class"] = " ".join([*classes(figure), "chart"])
        caption = figure.find("figcaption")
        if caption:
            caption["id"] = f"{chart_id}-caption"
            caption["aria-hidden"] = "true"  # heard once: as the figure's name
            figure["aria-labelledby"] = caption["id"]
            figure.insert(0, caption.extract())
        chart_data(figure, caption)
    return charts


def chart_data(figure: Tag, caption: Tag | None) -> None:
    """The chart's data (the "Data for this chart" disclosure the stitcher puts after the
    figure) moved into the figure, its table named after the chart."""
    details = figure.find_next_sibling()
    if details is None or details.name != "details" or "chart-data" not in classes(details):
        return
    figure.append(details.extract())
    table = details.find("table")
    if table is not None and caption is not None and not table.find("caption"):
        table["aria-labelledby"] = caption["id"]


# --- Headings and tables ----------------------------------------------------------------------


def shift_headings(soup: BeautifulSoup) -> None:
    """The report's title is the page's one h1; chapters become h2, and so on down."""
    for heading in body(soup).find_all(HEADING):
        if heading.find_parent(id="title-block-header") or heading.get("id") == "toc-title":
            continue
        heading.name = f"h{min(int(heading.name[1]) + 1, 6)}"


def back_to_contents(soup: BeautifulSoup) -> None:
    """A link back to the contents at the end of each chapter (before the next chapter's
    heading, and before the colophon): the page is long, and a phone has no sidebar."""
    toc = soup.find(id="TOC")
    if toc is None:
        return
    chapters = [h for h in body(soup).find_all("h2") if not h.find_parent(id="TOC")]
    for chapter in chapters[1:]:
        chapter.insert_before(_back_link(soup))
    colophon = body(soup).find("div", class_="colophon")
    if chapters and colophon is not None:
        colophon.insert_before(_back_link(soup))


def _back_link(soup: BeautifulSoup) -> Tag:
    paragraph = soup.new_tag("p", attrs={"class": "back-to-contents"})
    link = soup.new_tag("a", href="#TOC")
    link.string = "Back to contents"
    paragraph.append(link)
    return paragraph


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


def finish_report(path: Path, brand: Brand, generator: str = "") -> None:
    """The rendered report (its renderer embedded report.css already) as the published page;
    `generator` (what made it, the renderer's version included) in its generator tag."""
    finish(path, brand_css(brand), brand.name, generator)


def generated_by(soup: BeautifulSoup, generator: str) -> None:
    """One generator tag, ours, in place of the renderer's ("pandoc", "quarto-1.10.18")."""
    head = soup.head
    assert head is not None  # make_page refuses a page without one
    for old in head.find_all("meta", attrs={"name": "generator"}):
        old.decompose()
    head.append(soup.new_tag("meta", attrs={"name": "generator", "content": generator}))


def finish_tables(html: str) -> str:
    """A page the pipeline writes itself (figures.html) with its tables made as the report's
    are: headers scoped, a scroll region and its cue where a table can be wider than the
    page."""
    soup = BeautifulSoup(html, "html.parser")
    scroll_tables(soup)
    return soup.decode(formatter=_Formatter())


def page_style(report_css: Path | None, brand: Brand) -> str:
    """Every style of a page the pipeline writes itself (figures.html, index.html): the brand,
    then the report's own stylesheet, so they look like the report."""
    own = report_css.read_text(encoding="utf-8") if report_css else ""
    return f"{brand_css(brand)}\n{own}"
