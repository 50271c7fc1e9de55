"""The web page step after either renderer (essex_report/webpage.py) and the brand's CSS:
small pages of each renderer's shape, hostile text, refused SVG, and the real 2019/20 page."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from essex_report.charts import style as chart_style
from essex_report.config import load_brand
from essex_report.errors import BuildError, ReportError
from essex_report.render import brand, webpage
from tests import repo as paths

SVG = (
    '<svg id="chart-1" role="img" aria-label="Bar chart. Adults: £668m &amp; &lt;b&gt;x&lt;/b&gt;"'
    ' xmlns:xlink="http://www.w3.org/1999/xlink" width="396pt" height="100pt"'
    ' viewBox="0 0 396 100" xmlns="http://www.w3.org/2000/svg"><defs><style type="text/css">'
    "#chart-1 *{stroke-linecap: butt}</style></defs>"
    '<g id="chart-1-a"><clipPath id="chart-1-c"><rect x="0" y="0" width="9" height="9"/>'
    '</clipPath><use xlink:href="#chart-1-c"/>'
    "<text>&lt;script&gt;alert(1)&lt;/script&gt;</text></g></svg>"
)
HOSTILE = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;essex-report-chart n=&quot;0&quot;&gt;"


def uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def page(figure: str, svg: str = SVG) -> str:
    """A page shaped as pandoc (or Quarto) writes the report: title block, contents, chapters,
    a chart with its data, a wide table, the colophon."""
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8" /><title>Report</title>
<style type="text/css">body {{ color: black; }}</style></head>
<body>
<header id="title-block-header"><h1 class="title">The report</h1>
<p class="author">Essex County Council</p></header>
<nav id="TOC" role="doc-toc"><h2 id="toc-title">Contents</h2>
<ul><li><a href="#one">One</a></li></ul></nav>
<h1 id="one">One</h1><h2 id="two">Two</h2><p>{HOSTILE}</p>
{figure.format(src=uri(svg))}
<details class="chart-data"><summary>Data for this chart</summary>
<table><thead><tr><th>Area</th><th>Value</th><th>Change</th></tr></thead>
<tbody><tr><td>Essex {HOSTILE}</td><td>52%</td><td>up</td></tr></tbody></table></details>
<table><caption>Figures</caption><thead><tr><th>Figure</th><th>Value</th></tr></thead>
<tbody><tr><td>Spending</td><td>£668m</td></tr></tbody></table>
<div class="colophon"><p>Published by Essex County Council.</p></div>
</body></html>"""


PANDOC = (
    '<figure>\n<img src="{src}" alt="Bar chart." />\n<figcaption>A chart</figcaption>\n</figure>'
)
QUARTO = (
    '<div class="quarto-figure quarto-figure-center"><figure>\n<p><img src="{src}" alt="x"></p>'
    "\n<figcaption>A chart</figcaption>\n</figure></div>"
)


def publish(html: str) -> BeautifulSoup:
    return BeautifulSoup(
        webpage.make_page(html, "/* brand */", "Essex County Council"), "html.parser"
    )


@pytest.mark.parametrize("figure", [PANDOC, QUARTO], ids=["pandoc", "quarto"])
def test_both_renderers_pages_become_the_same_page(figure):
    raw = webpage.make_page(page(figure), "/* brand */", "Essex County Council")
    soup = BeautifulSoup(raw, "html.parser")
    body = [child.name for child in soup.body.children if child.name]
    assert body == ["a", "header", "main", "footer"]  # skip link, banner, main, colophon
    assert soup.body.a["href"] == "#main" and soup.main["id"] == "main"
    assert soup.select_one("header.masthead .wordmark").text == "Essex County Council"
    assert soup.select_one("#title-block-header .author") is None  # the banner says it
    assert soup.footer.get_text(strip=True) == "Published by Essex County Council."
    assert [h.name for h in soup.find_all(re.compile(r"h\d"))] == ["h1", "h2", "h2", "h3"]
    assert soup.find("img") is None and soup.find(class_="quarto-figure") is None
    figure = soup.find("figure")
    # one figure: its caption (heard once, as its name), the image (the numbers), its data
    assert [c.name for c in figure.children if c.name] == ["figcaption", "svg", "details"]
    assert figure["aria-labelledby"] == "chart-1-caption"
    assert figure.figcaption["id"] == "chart-1-caption"
    assert figure.figcaption["aria-hidden"] == "true"
    svg = figure.svg
    assert svg["role"] == "img" and svg["aria-label"].startswith("Bar chart. Adults: £668m & <b>")
    assert not svg.get("aria-labelledby")
    assert {c.get("aria-hidden") for c in svg.find_all(recursive=False)} == {"true"}
    assert figure.details.table["aria-labelledby"] == "chart-1-caption"  # named after it
    # SVG names keep their case; the brand's style comes before the renderer's
    assert "<clipPath" in raw and 'viewBox="0 0 396 100"' in raw
    assert [s.get("id") for s in soup.head.find_all("style")] == ["brand", None, "scroll-cues"]


def test_headers_are_scoped_and_only_a_table_wider_than_the_page_scrolls():
    soup = publish(page(PANDOC))
    assert {th["scope"] for th in soup.select("thead th")} == {"col"}
    rows = soup.select("tbody tr")
    assert all(row.find().name == "th" and row.find()["scope"] == "row" for row in rows)
    assert soup.find_all("td") and not soup.select("tbody td:first-child")
    regions = soup.select("div.table-scroll")
    # the chart's data holds a 37-character word: wider than 288 px; "Figures" fits
    assert len(regions) == 1 and regions[0].find("table").find("th").text == "Area"
    region = regions[0]
    assert region["role"] == "region" and region["tabindex"] == "0"
    cue = soup.find(id=region["aria-labelledby"])  # named by its cue, not its table again
    assert cue.text == "Scroll sideways to see the whole table" and cue.parent is region
    style = soup.find("style", id="scroll-cues").string
    assert re.fullmatch(
        rf"@media \(max-width: \d+px\) \{{ #{cue['id']} \{{ display: block; \}} \}}", style
    )


def test_a_table_scrolls_only_when_it_can_be_wider_than_a_320_px_screen():
    from essex_report.render.tables import narrowest, scrolls_below

    def table(*rows: str) -> BeautifulSoup:
        cells = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in r.split('|'))}</tr>" for r in rows)
        return BeautifulSoup(f"<table><tbody>{cells}</tbody></table>", "html.parser").table

    narrow = table("Essex|52%", "Region|55%")
    assert scrolls_below(narrow) < 320
    long_words = table("Participation|Participation|Participation|Participation")
    assert scrolls_below(long_words) > 320
    right = BeautifulSoup(
        '<table><tr><td style="text-align: right;">£1,221.75 £1,221.75 £1,221.75</td></tr>'
        "<tr><td>£1,221.75 £1,221.75 £1,221.75</td></tr></table>",
        "html.parser",
    ).table
    figures, words = right.find_all("td")
    assert narrowest(right) > 0
    from essex_report.render.tables import cell_width

    assert cell_width(figures) > 2.5 * cell_width(words) - 50  # a figure never wraps


def test_each_chapter_ends_with_a_way_back_to_the_contents():
    soup = publish(page(PANDOC))
    links = soup.select("p.back-to-contents > a")
    assert [a["href"] for a in links] == ["#TOC"] * 1  # one chapter, before the colophon
    assert soup.find(id="TOC") is not None and links[0].text == "Back to contents"


def test_the_generator_tag_names_what_made_the_page():
    html = webpage.make_page(page(PANDOC), "", "Essex County Council", "essex-report; Quarto 9")
    soup = BeautifulSoup(html, "html.parser")
    assert [m["content"] for m in soup.find_all("meta", attrs={"name": "generator"})] == [
        "essex-report; Quarto 9"
    ]


def test_text_of_the_data_stays_text():
    """Escaped text is written back escaped; text that looks like the chart's placeholder is
    not replaced by a chart; the SVG's text and label stay text."""
    html = webpage.make_page(page(PANDOC), "", "Essex County Council")
    assert "<script" not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert html.count('&lt;essex-report-chart n="0"&gt;') == 2
    assert html.count("<svg") == 1


@pytest.mark.parametrize(
    "svg, why",
    [
        (SVG.replace("<g ", "<script>alert(1)</script><g ", 1), "<script>"),
        (SVG.replace("<g ", "<foreignObject><p>x</p></foreignObject><g ", 1), "<foreignObject>"),
        (SVG.replace('<g id="chart-1-a"', '<g id="chart-1-a" onclick="x()"'), "onclick"),
        (SVG.replace('xlink:href="#chart-1-c"', 'xlink:href="http://x/y.svg"'), "href"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]>' + SVG, "declaration"),
        (SVG.replace(' role="img"', ""), "role=img"),
        (SVG[:-6], "does not parse"),
    ],
)
def test_a_chart_that_is_more_than_a_drawing_is_refused(svg, why):
    with pytest.raises(BuildError, match=re.escape(why)):
        webpage.make_page(page(PANDOC, svg), "", "Essex County Council")


def test_two_charts_with_one_id_are_refused():
    html = page(PANDOC + PANDOC)
    with pytest.raises(BuildError, match="two charts in the page have the id chart-1"):
        webpage.make_page(html, "", "Essex County Council")


# --- The brand's CSS --------------------------------------------------------------------------


def test_the_brand_css_embeds_lato_and_names_every_colour():
    found = load_brand(paths.ROOT / "_brand.yml")
    css = brand.css(found, chart_style.font_dir())
    faces = re.findall(r"@font-face \{[^}]*\}", css)
    assert len(faces) == 4 and all('src: url("data:font/ttf;base64,' in f for f in faces)
    assert {re.search(r"font-weight: (\d+)", f)[1] for f in faces} == {"400", "700"}
    assert "http" not in css.replace("http://www.w3.org", "")  # nothing to fetch
    for name, colour in found.colours.items():
        assert f"--brand-{name}: {colour};" in css
    assert '--brand-font: "Lato"' in css


def test_a_brand_text_colour_below_4_5_to_1_is_refused(tmp_path: Path):
    from tests import repo as paths

    text = (paths.ROOT / "_brand.yml").read_text(encoding="utf-8")
    weak = tmp_path / "_brand.yml"
    weak.write_text(
        text.replace("color: dark-blue\n    decoration", "color: turquoise\n    decoration")
    )
    with pytest.raises(
        ReportError, match=r"link #28A197 .* contrast of 3\.\d\d:1; text needs 4\.5:1"
    ):
        brand.css(load_brand(weak), chart_style.font_dir())
    assert round(brand.contrast("#FFDD00", "#0B0C0C"), 1) == 14.5  # the focus bar on yellow


# --- The real page ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_real_page_has_one_h1_scoped_headers_and_inline_charts(built_2019):
    soup = BeautifulSoup((built_2019 / "annual-report.html").read_text("utf-8"), "html.parser")
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == [
        "Essex County Council Annual Report 2019/20"
    ]
    assert len(soup.find_all("main")) == 1 and soup.body.find().get("class") == ["skip-link"]
    headers = soup.find_all("th")
    assert len(headers) > 40 and all(th.get("scope") in ("col", "row") for th in headers)
    charts = soup.select("figure.chart > svg[role=img][aria-label]")
    assert len(charts) >= 7 and not soup.find("img")
    for region in soup.select("div.table-scroll"):
        assert soup.find(id=region["aria-labelledby"])["class"] == ["scroll-cue"]
    assert len(soup.select(".key-figures > .key-figure .number")) >= 16


def test_one_reader_sees_a_page_s_words_headings_and_what_it_loads():
    from essex_report.publish.page import read_html, visible_text

    page = read_html(
        '<html><head><title>T</title><meta name="description" content="A  report">'
        "<style>p{}</style></head><body><h2>Money &amp; more</h2><p>£2.1bn\xa0spent</p>"
        '<script src="https://x.example/a.js">alert(1)</script><img src="i.png" alt="A chart">'
        "<table><caption>Spending</caption></table></body></html>"
    )
    assert page.text == "Money & more £2.1bn spent Spending"
    assert page.headings == [(2, "Money & more")] and page.captions == ["Spending"]
    assert page.sources == ["https://x.example/a.js", "i.png"] and page.alts == ["A chart"]
    assert page.description == "A report" and "script" in page.tags
    with pytest.raises(ValueError, match="no <body>"):
        visible_text("<p>no body</p>")


def test_the_index_lists_every_built_year_newest_first(tmp_path):
    from essex_report.project import Project
    from essex_report.publish.index import write_index

    for slug in ("2018-19", "2019-20"):
        (tmp_path / slug).mkdir()
        (tmp_path / slug / "annual-report.html").write_text("<html></html>")
    (tmp_path / "2019-20" / "annual-report.pdf").write_bytes(b"%PDF")
    from essex_report.years import parse_year

    years = [parse_year("2018/19"), parse_year("2019/20"), parse_year("2020/21")]
    path = write_index(Project(output_dir=tmp_path), years, {"2019/20": "Organisation Strategy"})
    html = path.read_text()
    assert html.index("2019/20") < html.index("2018/19") and "2020/21" not in html
    assert '<a href="2019-20/annual-report.pdf">PDF</a>' in html
    assert "2018-19/annual-report.pdf" not in html
