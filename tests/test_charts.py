"""Charts: one unit per chart, drawn lengths proportional to the data, real year axes with
labelled gaps, units everywhere, AF style, clean reproducible SVG in Lato."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from essex_report.charts import style as chart_style
from essex_report.charts.make import bar_chart, trend_chart
from essex_report.charts.model import Chart, Point, tick
from essex_report.data.formatting import format_value
from essex_report.data.load import load_workbook
from essex_report.errors import ReportError
from tests import repo as paths

NS = {"svg": "http://www.w3.org/2000/svg"}
# How many of a common base unit one unit is: the test's own, so it checks the module's scaling.
BASE = {"GBP": 1, "GBP k": 1e3, "GBP m": 1e6, "GBP bn": 1e9, "EUR m": 1e6, "tonnes": 1e3}


def P(label: str, value: str, unit: str, text: str, series: str = "") -> Point:
    return Point(label, Decimal(value), unit, text, series)


SPLIT = [
    P("Day-to-day spending on services", "1.9", "GBP bn", "£1.9bn"),
    P("Capital investment", "186", "GBP m", "£186m"),
]


# --- reading what was drawn ----------------------------------------------------------------------


def elements(chart: Chart) -> dict[str, ET.Element]:
    root = ET.fromstring(chart.svg)
    return {e.get("id"): e for e in root.iter() if e.get("id")}


def box(element: ET.Element, clips: dict | None = None) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of the path a group holds, in SVG user units: the part that shows
    inside its clip path when `clips` (the document's elements) is given."""
    path = element.find("svg:path", NS)
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    clip = re.fullmatch(r"url\(#(.+)\)", path.get("clip-path", ""))
    if clips is not None and clip:
        rect = clips[clip[1]].find("svg:rect", NS)
        left, top = float(rect.get("x")), float(rect.get("y"))
        right, bottom = left + float(rect.get("width")), top + float(rect.get("height"))
        x0, x1 = max(x0, left), max(min(x1, right), max(x0, left))
        y0, y1 = max(y0, top), max(min(y1, bottom), max(y0, top))
    return x0, y0, x1, y1


def bars(chart: Chart) -> list[tuple[float, float, float, float]]:
    """The visible box of every bar or column, in the order of the points given."""
    found = elements(chart)
    boxes = []
    for n in range(len(found)):
        if f"{chart.id}-bar-{n}" not in found:
            break
        boxes.append(box(found[f"{chart.id}-bar-{n}"], found))
    return boxes


def texts(chart: Chart) -> list[str]:
    return [t.text or "" for t in ET.fromstring(chart.svg).iter(f"{{{NS['svg']}}}text")]


def assert_proportional(chart: Chart, points: list[Point]) -> None:
    """Bar lengths (columns: heights) proportional to the values, from one baseline."""
    drawn = bars(chart)
    assert len(drawn) == len(points), chart.caption
    columns = chart.kind.endswith("column chart")
    lengths = [(y1 - y0) if columns else (x1 - x0) for x0, y0, x1, y1 in drawn]
    ends = [(y1, y0) if columns else (x0, x1) for x0, y0, x1, y1 in drawn]
    values = [abs(float(p.value)) * BASE.get(p.unit, 1) for p in points]
    biggest = max(values)
    per_unit = max(lengths) / biggest
    for point, value, length in zip(points, values, lengths, strict=True):
        assert length == pytest.approx(value * per_unit, abs=0.05), (chart.caption, point)
    baselines = [end[0] if p.value >= 0 else end[1] for p, end in zip(points, ends, strict=True)]
    assert max(baselines) - min(baselines) < 0.05, chart.caption


# --- one unit per chart --------------------------------------------------------------------------


def test_money_at_different_scales_is_drawn_in_one_unit():
    chart = bar_chart(SPLIT, "Day-to-day spending and capital investment, 2019/20", "Spending")
    assert chart.unit == "GBP m"
    (a, b) = [x1 - x0 for x0, _, x1, _ in bars(chart)]
    assert a / b == pytest.approx(1900 / 186, rel=1e-3)  # not 1.9 / 186
    assert "£1,000m" in texts(chart)  # the value axis states the unit
    # the alt text states the unit and the numbers, not the caption (the figure says it once)
    assert chart.alt == (
        "Bar chart in £ million: Day-to-day spending on services: £1.9bn; "
        "Capital investment: £186m."
    )


def test_money_with_percent_is_an_error_naming_what_was_mixed():
    mixed = [SPLIT[1], P("Share funded by council tax", "36.7", "percent", "36.7%")]
    with pytest.raises(ReportError, match=r"mixes units .*GBP m \(Capital investment\) with "):
        bar_chart(mixed, "Money and shares", "Figure")
    with pytest.raises(ReportError, match="unknown unit 'furlongs'"):
        bar_chart([SPLIT[1], P("x", "1", "furlongs", "1")], "Odd", "Figure")


def test_units_show_in_labels_alt_text_and_table_header():
    waste = [P("Household waste", "560000", "tonnes", "560,000"), P("Other", "70", "tonnes", "70")]
    chart = bar_chart(waste, "Waste", "Measure", measure="Waste collected")
    assert "560,000 tonnes" in texts(chart) and "tonnes" in texts(chart)  # label and axis
    assert "Household waste: 560,000 tonnes" in chart.alt
    assert chart.header == ["Measure", "Waste collected"]  # units in the cells and the axis
    assert chart.rows == [["Household waste", "560,000 tonnes"], ["Other", "70 tonnes"]]
    per_household = [P("2018/19", "612", "kg", "612"), P("2019/20", "598", "kg", "598 kg")]
    trend = trend_chart(per_household, [], "Waste per household", measure="Waste per household")
    assert trend.header == ["Year", "Waste per household"]
    assert trend.rows == [["2018/19", "612 kg"], ["2019/20", "598 kg"]]
    assert "2018/19: 612 kg; 2019/20: 598 kg" in trend.alt
    assert {"612 kg", "598 kg", "kg"} <= set(texts(trend))
    roads = bar_chart([P("A", "120", "miles", "120"), P("B", "80", "miles", "80")], "Roads", "Road")
    assert "A: 120 miles" in roads.alt and roads.header[1] == "Value"


def test_counts_need_no_unit_and_ticks_keep_the_steps_decimals():
    places = [
        P("Beaulieu Park School", "1200", "count", "1,200"),
        P("Paxman", "900", "count", "900"),
    ]
    chart = bar_chart(places, "New school places", "School")
    assert chart.header == ["School", "Value"] and chart.alt.startswith("Bar chart: Beaulieu")
    assert [tick(x, "percent", 0.25) for x in (0, 0.25, 0.5)] == ["0%", "0.25%", "0.50%"]
    assert tick(1500, "GBP m", 500) == "£1,500m" and tick(-2, "EUR m", 1) == "-€2m"


def test_mass_units_convert_and_rank_only_with_rank():
    mixed = [P("Tonnes", "2", "tonnes", "2"), P("Kilograms", "500", "kg", "500")]
    chart = bar_chart(mixed, "Mass", "Measure")
    assert chart.unit == "kg"
    assert_proportional(chart, mixed)
    with pytest.raises(ReportError, match="rank"):
        bar_chart([P("Rank", "3", "rank", "3"), P("Count", "3", "count", "3")], "R", "M")


# --- what is drawn, and what is not ------------------------------------------------------------


def test_one_value_is_not_a_chart():
    assert bar_chart(SPLIT[:1], "One bar", "Spending") is None
    assert trend_chart([P("2019/20", "1", "count", "1")], ["2017/18", "2019/20"], "One") is None


def test_trend_has_every_year_on_its_axis_and_labels_the_gap():
    points = [
        P("2016/17", "1130.13", "GBP", "£1,130.13"),
        P("2017/18", "1163.70", "GBP", "£1,163.70"),
        P("2019-20", "1221.75", "GBP", "£1,221.75"),  # any accepted year form
    ]
    chart = trend_chart(points, ["2015/16", "2016/17", "2019/20"], "Band D council tax")
    assert chart.kind == "column chart"
    labels = texts(chart)
    for year in ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20"):
        assert year in labels
    found = elements(chart)
    gaps = {key for key in found if "-gap-" in key}
    assert gaps == {f"{chart.id}-gap-2015-16", f"{chart.id}-gap-2018-19"}
    gap_words = " ".join(t.text or "" for t in found[f"{chart.id}-gap-2018-19"].iter())
    assert "no" in gap_words and "figure" in gap_words
    # columns sit at their years: 2019/20 three slots after 2016/17, not two
    centres = [(x0 + x1) / 2 for x0, _, x1, _ in bars(chart)]
    slot = centres[1] - centres[0]
    assert centres[2] - centres[0] == pytest.approx(3 * slot, abs=0.01)
    assert ["2018/19", "no figure"] in chart.rows and chart.rows[0] == ["2015/16", "no figure"]
    assert "2018/19: no figure; 2019/20: £1,221.75." in chart.alt
    assert_proportional(chart, points)


def test_grouped_bars_have_a_legend_clear_of_the_bars_in_the_af_palette():
    points = [
        P("2018 leavers", "52.2", "percent", "52.2%", "Essex"),
        P("2018 leavers", "72.4", "percent", "72.4%", "England"),
        P("2019 leavers", "61.6", "percent", "61.6%", "Essex"),
    ]
    chart = bar_chart(points, "Participation in learning", "Figure")
    assert chart.kind == "grouped bar chart"
    assert chart.header == ["Figure", "Essex", "England"]
    assert chart.rows[1] == ["2019 leavers", "61.6%", "no figure"]
    assert "England, 2018 leavers: 72.4%" in chart.alt
    found = elements(chart)
    legend = next(e for key, e in found.items() if "legend" in key)
    legend_bottom = max(box(g)[3] for g in legend.iter() if g.find("svg:path", NS) is not None)
    assert legend_bottom < min(y0 for _, y0, _, _ in bars(chart))
    fills = [
        re.search(r"fill: (#\w+)", found[f"{chart.id}-bar-{n}"][0].get("style"))[1] for n in (0, 1)
    ]
    assert [f.upper() for f in fills] == ["#12436D", "#F46A25"]  # afcharts duo, in order
    single = bar_chart(SPLIT, "Split", "Spending")
    assert "fill: #12436d" in single.svg.lower()


def test_long_labels_wrap():
    long = "Spending on adult social care and public health in the county"
    chart = bar_chart([P(long, "668", "GBP m", "£668m"), SPLIT[1]], "Spending", "Service")
    lines = [t for t in texts(chart) if t and t in long]
    assert len(lines) >= 2 and " ".join(lines) == long


# --- the SVG itself ------------------------------------------------------------------------------


def test_svg_keeps_text_as_lato_text_and_is_clean():
    chart = bar_chart(SPLIT, "Split", "Spending")
    svg = chart.svg
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg and "<metadata" not in svg
    assert "<script" not in svg and "<image" not in svg and "<style" in svg
    assert not re.search(r'(?:href|src)="(?!#)', svg)  # only references inside the document
    assert not re.search(r"url\((?!#)", svg)
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families == {"'Lato'"}
    assert "£186m" in texts(chart) and "Capital investment" in texts(chart)


def test_svg_is_the_same_in_every_build_and_ids_differ_between_charts():
    first = bar_chart(SPLIT, "Split", "Spending")
    assert first.svg == bar_chart(list(SPLIT), "Split", "Spending").svg
    other = bar_chart(SPLIT, "Another caption", "Spending")
    ids = set(elements(first)) & set(elements(other))
    assert not ids and first.id != other.id
    assert all(key == first.id or key.startswith(first.id + "-") for key in elements(first))
    # inlined in a page, a chart's CSS reaches only its own elements
    assert re.findall(r"<style[^>]*>(.*?)</style>", first.svg, re.S) == [
        f"#{first.id} *{{stroke-linejoin: round; stroke-linecap: butt}}"
    ]


def test_the_svg_is_an_image_named_by_its_alt_text_and_data_stays_text():
    hostile = 'Area <script>alert(1)</script> & "quoted" $x^2$ {{y}}'
    points = [P(hostile, "5", "count", "5"), P("B & C", "-2", "count", "-2")]
    chart = bar_chart(points, "Hostile <b>caption</b>", "Area")
    root = ET.fromstring(chart.svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-label") == chart.alt
    assert hostile in chart.alt and "<script" not in chart.svg
    assert not [e for e in root.iter() if not e.tag.startswith("{http://www.w3.org/2000/svg}")]
    assert " ".join(texts(chart)).count("$x^2$") == 1  # a dollar sign, not mathtext
    assert_proportional(chart, points)  # a negative value goes the other way from zero


def test_text_is_readable_on_a_phone_and_no_larger_than_the_pdf_s_body_text():
    """The SVG scales to its container: a font size of s user units in a chart w units wide is
    s * 343 / w CSS px on a 375 px screen (the page's width less its padding): at least 14 px.
    In the PDF a chart is set at its own size (1 unit a point): no larger than the 12 pt body
    text, and no smaller than 10 pt."""
    trend = [P(f"{y}/{(y + 1) % 100:02d}", str(y), "GBP", f"£{y:,}") for y in range(2016, 2024)]
    for chart in (bar_chart(SPLIT, "Split", "Spending"), trend_chart(trend, [], "Trend")):
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', chart.svg)[1])
        assert re.search(r'<svg [^>]*width="([\d.]+)pt"', chart.svg)[1] == f"{width:g}"
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", chart.svg)]
        assert sizes and min(sizes) * 343 / width >= 14
        assert min(sizes) >= 10 and max(sizes) <= 12


def test_close_figures_are_dots_on_a_scale_that_shows_their_difference():
    """92.2% beside 92.4% as bars from zero look the same: as dots on a scale spanning the
    values, 0.1 points apart are seen apart; far-apart figures stay bars from zero."""
    points = [
        P("2018 Year 11 leavers", "92.2", "percent", "92.2%", "Essex"),
        P("2018 Year 11 leavers", "92.4", "percent", "92.4%", "England"),
        P("2019 Year 11 leavers", "91.6", "percent", "91.6%", "Essex"),
        P("2019 Year 11 leavers", "92.5", "percent", "92.5%", "England"),
    ]
    chart = bar_chart(points, "Participation in learning", "Area")
    assert chart.kind == "grouped dot plot" and chart.alt.startswith("Grouped dot plot")
    found = elements(chart)
    xs = [
        float(found[f"{chart.id}-dot-{n}"].find(".//svg:use", NS).get("x"))
        for n in range(len(points))
    ]
    per_point = (xs[3] - xs[2]) / (92.5 - 91.6)
    for x, p in zip(xs, points, strict=True):  # one linear scale
        assert x - xs[2] == pytest.approx((float(p.value) - 91.6) * per_point, abs=0.05)
    assert per_point * 0.2 > 10  # 92.2% and 92.4% more than 10 points apart
    assert "0%" not in texts(chart)  # the scale does not start at zero...
    assert {"91.5%", "92.5%"} <= set(texts(chart))  # ...and its ticks say where it is
    assert all(p.text in texts(chart) for p in points)
    assert bar_chart(SPLIT, "Split", "Spending").kind == "bar chart"


def test_gridlines_run_behind_the_printed_values_and_labels():
    """Every printed value and label above a bar sits on a white ground of its own."""
    long = "Spending on adult social care and public health in the county"
    chart = bar_chart([P(long, "668", "GBP m", "£668m"), SPLIT[1]], "Spending", "Service")
    found = elements(chart)
    for n in range(2):
        value = found[f"{chart.id}-value-{n}"]
        grounds = [e for e in value.iter() if "fill: #ffffff" in (e.get("style") or "")]
        assert grounds, ET.tostring(value)[:200]


def test_typst_draws_the_svg_with_lato_text(tmp_path):
    import typst
    from pypdf import PdfReader

    chart = bar_chart(SPLIT, "Split", "Spending")
    (tmp_path / "chart.svg").write_text(chart.svg, encoding="utf-8")
    (tmp_path / "doc.typ").write_text('#image("chart.svg", alt: "chart")\n', encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    typst.compile(
        str(tmp_path / "doc.typ"), output=str(pdf), font_paths=[str(chart_style.font_dir())]
    )
    page = PdfReader(pdf).pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("Lato" in f for f in fonts), fonts
    words = page.extract_text()
    assert "Capital investment" in words and "£186m" in words and "£1.9bn" in words


# --- every chart the report draws from the real data ---------------------------------------------


def real_charts() -> list[tuple[Chart, list[Point]]]:
    """Every year's breakdown charts (one indicator, and as the narratives group them), trends
    of three or more years on one basis, and the resources chapter's multi-indicator charts."""
    book = load_workbook(paths.DATA_DIR)
    cat = book.catalogue

    def point(value, label: str, series: str = "") -> Point:
        ind = cat.indicators[value.indicator]
        text = format_value(value.value, ind.unit, value.decimals if value.derived else None)
        return Point(label, value.value, ind.unit, text, series)

    drawn: list[tuple[Chart | None, list[Point]]] = []
    for year, data in sorted(book.years.items()):
        for indicator in sorted({i for i, b in data.values if b}):
            points = [point(v, v.breakdown) for v in data.breakdowns(indicator)]
            drawn.append((bar_chart(points, f"{indicator}, {year}", "Area"), points))
        for narrative in book.narratives.get(year, {}).values():
            for block in narrative.blocks:
                if block.kind == "chart" and len(block.indicators) > 1:
                    points = [
                        point(v, cat.indicators[i].label, v.breakdown)
                        for i in block.indicators
                        for v in data.breakdowns(i)
                    ]
                    drawn.append((bar_chart(points, f"{block.indicators}", "Figure"), points))
        for group in [*notebook_chart_groups(), *relation_groups(cat)]:
            points = [point(v, cat.indicators[i].label) for i in group if (v := data.get(i))]
            drawn.append((bar_chart(points, f"{group[0]}, {year}", "Service"), points))
        for indicator in sorted({i for i, b in data.values if not b}):
            basis = data.get(indicator).basis
            series = [
                v
                for y, d in sorted(book.years.items())
                if y <= year and (v := d.get(indicator)) is not None and v.basis == basis
            ]
            if len(series) >= 3:
                points = [point(v, v.year.label) for v in series]
                drawn.append((trend_chart(points, [year.label], f"{indicator} to {year}"), points))
    return [(chart, points) for chart, points in drawn if chart is not None]


def relation_groups(cat) -> list[list[str]]:
    """The figures the notebook API charts together by the catalogue's relations: each set of
    a total's lines, and those lines' shares (how spending was funded)."""
    groups = [list(r.inputs) for r in cat.relations if r.rule == "sum"]
    shares = [r for r in cat.relations if r.rule == "share"]
    for lines in list(groups):
        groups.append(list(dict.fromkeys(r.figure for r in shares if r.inputs[0] in lines)))
    return [g for g in groups if g]


def notebook_chart_groups() -> list[list[str]]:
    """The indicators of every `report.bar_chart([...], ...)` the chapter notebooks draw."""
    groups = []
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", "") == "bar_chart"
                    and isinstance(node.args[0], ast.List)
                ):
                    groups.append([element.value for element in node.args[0].elts])
    assert groups, "the notebooks draw no bar charts of several figures"
    return groups


def test_every_real_chart_draws_lengths_proportional_to_its_values():
    charts = real_charts()
    kinds = {chart.kind for chart, _ in charts}
    assert len(charts) >= 20
    assert kinds == {"bar chart", "column chart", "dot plot", "grouped dot plot"}
    assert any(c.caption.startswith("spend_day_to_day, 2019/20") for c, _ in charts)
    for chart, points in charts:
        if chart.kind.endswith("dot plot"):
            continue  # test_close_figures_are_dots_on_a_scale_that_shows_their_difference
        assert_proportional(chart, points)
        found = elements(chart)
        for n, p in enumerate(points):  # every value printed at its bar, with its unit
            value = found[f"{chart.id}-value-{n}"]
            assert p.text in "".join(value.itertext())
        if chart.kind == "column chart":  # every year from the first to the last
            years = [row[0] for row in chart.rows]
            starts = [int(y[:4]) for y in years]
            assert starts == list(range(starts[0], starts[-1] + 1))
            assert all(y in texts(chart) for y in years)
            # each column at its year: x is one linear function of the year for every column
            centres = [(x0 + x1) / 2 for x0, _, x1, _ in bars(chart)]
            at = [int(p.label[:4]) for p in points]
            slot = (centres[-1] - centres[0]) / (at[-1] - at[0])
            for centre, start in zip(centres, at, strict=True):
                assert centre - centres[0] == pytest.approx((start - at[0]) * slot, abs=0.01)


def test_bars_are_drawn_with_their_ids_and_text_as_text():
    from essex_report.charts.draw import draw_bars

    points = [Point("A", Decimal(3), "count", "3"), Point("B", Decimal(6), "count", "6")]
    svg, width, height = draw_bars(points, ["A", "B"], [""], "count", "chart-x", "Alt text")
    assert 'id="chart-x-bar-0"' in svg and 'id="chart-x-bar-1"' in svg
    assert ">6<" in svg.replace(" ", "") and width > 0 and height > 0


def test_a_qualified_value_too_wide_for_its_column_takes_two_lines_not_a_turn():
    """ "almost 55%" does not fit a column of five years: the qualifier goes on a line of its
    own above the figure, read level; a figure too wide even so is turned upright."""
    years = ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    values = [("50.1", "50.1%"), ("55", "almost 55%"), ("48.8", "48.8%"), ("50", "50%")]
    points = [
        P(y, v, "percent", t) for y, (v, t) in zip(years[:2] + years[3:], values, strict=True)
    ]
    chart = trend_chart(points, years, "Household waste recycled or composted")
    found = elements(chart)
    labels = [found[f"{chart.id}-value-{n}"] for n in range(len(points))]
    turned = [g for g in labels if "rotate(-90" in ET.tostring(g, encoding="unicode")]
    assert not turned
    words = [[t.text for t in g.iter(f"{{{NS['svg']}}}text")] for g in labels]
    assert words[1] == ["almost", "55%"] and words[0] == ["50.1%"]
    wide = [P(y, "1353.15", "GBP", "around £1,353.15") for y in years]
    chart = trend_chart(wide, years, "Band D council tax")
    found = elements(chart)
    assert "rotate(-90" in ET.tostring(found[f"{chart.id}-value-0"], encoding="unicode")
