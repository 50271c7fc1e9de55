"""Right figures for any year, through the notebook API: year-on-year changes and @previous,
qualifiers and periods as columns, derived figures published as derived with their formula,
series breaks, targets judged by one rule, per-year labels, an analyst's own chart, and
new-year's scaffold. (Relations and exact arithmetic: test_relations.py; a year added from a
budget page: test_add_a_year.py.)"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest

from essex_report.charts import style
from essex_report.config import load_config, target_tolerance
from essex_report.data import targets
from essex_report.data.load import load_workbook
from essex_report.data.model import Value
from essex_report.data.scaffold import new_year
from essex_report.errors import ReportError
from essex_report.notebook import open_year
from essex_report.notebook.targets import HEADER
from essex_report.notebook.words import CellProblem
from essex_report.years import parse_year
from tests import repo as paths

Y = parse_year


def plain(parts) -> str:
    return "\n".join(p.markdown + p.alt for p in parts).replace("\\", "")


# --- year on year ------------------------------------------------------------------------------


def test_a_change_is_printed_with_the_precision_of_the_figures_compared():
    """Band D rose from £1,163.70 to £1,221.75 in 2018/19: the council published 4.99%."""
    report = open_year("2018/19")
    part = report.change("band_d_total")
    assert plain([part]) == (
        "Band D council tax: county element: £1,221.75 in 2018/19, +£58.05 (+4.99%) on "
        "2017/18 (£1,163.70)."
    )
    change = next(f for f in part.figures if f.measure == "change")
    assert change.text == "+£58.05 (+4.99%)" and change.basis == "derived"
    assert change.formula == "band_d_total 2018/19 (1221.75) - band_d_total 2017/18 (1163.70)"
    words = report.words("Band D rose by {{band_d_total@change}} on {{band_d_total@previous}}.")
    assert plain([words]) == "Band D rose by +£58.05 (+4.99%) on £1,163.70."
    assert {f.measure for f in words.figures} == {"change", ""}


def test_the_change_on_the_previous_year_does_not_depend_on_words():
    parts = open_year("2018/19").changes("resources", "Change on the previous year")
    shown = plain(parts)
    assert (
        "| Band D council tax: county element | £1,163.70 | £1,221.75 | +£58.05 (+4.99%) |" in shown
    )
    registered = {(f.indicator, f.measure) for p in parts for f in p.figures}
    assert ("band_d_total", "change") in registered
    assert not open_year("2016/17").changes("resources", "Change")  # no year before: nothing


def test_a_fixed_year_in_a_notebook_cell_is_refused_suggesting_previous():
    report = open_year("2019/20")
    for fill in (report.markdown_cell, report.words):
        with pytest.raises(CellProblem) as refused:
            fill("Apprentices: {{council_apprentices}}, from {{council_apprentices@2018/19}}.")
        assert "names the year 2018/19, but a notebook runs for every year" in str(refused.value)
        assert "write {{council_apprentices@previous}}" in str(refused.value)
    filled = report.markdown_cell(
        "From {{council_apprentices@previous}} to {{council_apprentices}}."
    )
    assert filled.markdown == "From 147 to 229\\."  # a cell's words are escaped
    assert [f.year for f in filled.figures] == ["2018/19", "2019/20"]


def test_previous_and_change_in_narrative_are_checked(real_data):
    people = real_data / "2019-20" / "narrative" / "performance" / "people.md"
    text = people.read_text(encoding="utf-8")
    people.write_text(
        text + "\nRecycling moved by {{household_waste_recycled@change}} and spending by "
        "{{spend_total@change}}.\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in load_workbook(real_data, Y("2019/20")).problems.errors]
    assert any(
        "'household_waste_recycled@change': the series breaks in 2019/20 (2018/19's rate" in p
        for p in problems
    )
    assert any(
        "'spend_total@change': the 2018/19 figure (budget) and the 2019/20 figure (reported) "
        "are not on one basis" in p
        for p in problems
    )


# --- qualifiers, periods, derived bases, labels ------------------------------------------------


def test_qualifier_and_period_come_from_their_columns_not_the_note(good_data):
    tiles = open_year("2019/20").key_figures("at-a-glance/aim-3.md").markdown.replace("\\", "")
    assert "[375,000]{.number}\n\nNew trees to plant over the next 5 years" in tiles
    assert "over]{.qualifier} 375,000" not in tiles
    assert "[[over]{.qualifier} £317m]{.number}" in tiles
    values = good_data / "2019-20" / "values.csv"
    text = values.read_text(encoding="utf-8")
    values.write_text(  # a note that starts "over" is a reviewer's note, nothing more
        text.replace(
            "broadband_premises_enabled,,14975,reported,,,,",
            "broadband_premises_enabled,,14975,reported,,,,",
        ).replace(
            "Developing supportive infrastructure,",
            "Developing supportive infrastructure,over; a note",
        ),
        encoding="utf-8",
    )
    report = open_year("2019/20", good_data)
    assert "[14,975]{.number}" in report.key_figures("at-a-glance/aim-1.md").markdown
    values.write_text(
        text.replace(
            "broadband_premises_enabled,,14975,reported,,",
            "broadband_premises_enabled,,14975,reported,over,in the year",
        ),
        encoding="utf-8",
    )
    report = open_year("2019/20", good_data)
    tiles = report.key_figures("at-a-glance/aim-1.md")
    assert "[[over]{.qualifier} 14,975]{.number}" in tiles.markdown
    assert "in the year" in tiles.markdown
    record = tiles.figures[0]
    assert (record.qualifier, record.period, record.text) == ("over", "in the year", "14,975")
    table = report.table(["broadband_premises_enabled"], "t").markdown
    assert "over 14,975" in table and "in the year" in table


def test_a_qualifier_is_one_of_the_known_words(good_data, capsys):
    from essex_report.cli import main

    values = good_data / "2019-20" / "values.csv"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("14975,reported,,", "14975,reported,more then,"), "utf-8")
    assert main(["validate", "--data-dir", str(good_data)]) == 1
    err = capsys.readouterr().err
    assert "line 5, column 'qualifier': expected one of: an estimated, over, more than" in err


def test_a_derived_share_is_published_as_derived_with_its_formula():
    report = open_year("2019/20")
    share = report.value("funding_share_grants_fees")
    assert share.derived and share.published_basis == "derived"
    text, record = report.printed(share)
    assert (text, record.basis) == ("53.5%", "derived")
    assert record.formula == (
        "100% - funding_share_council_tax (36.7%) - funding_share_business_rates (9.8%)"
    )
    # the report prints the figure (no "Basis" column); the register says it is derived
    table = plain([report.table(["funding_share_grants_fees"], "t")])
    assert "| Share of spending funded by grants, fees and charges | 53.5% |" in table


def test_a_label_follows_the_wording_of_its_year():
    label = "Household waste reused, recycled or composted (former NI192)"
    report = open_year("2022/23")
    value = report.value("household_waste_recycled")
    assert report.label(value) == label and report.printed(value)[1].label == label
    assert open_year("2019/20").label(open_year("2019/20").value("household_waste_recycled")) == (
        "Household waste recycled or composted"
    )


# --- series breaks -----------------------------------------------------------------------------


def test_a_series_break_is_drawn_and_nothing_is_compared_across_it():
    report = open_year("2022/23")
    parts = report.trend_chart("household_waste_recycled")
    chart, data = parts[0], parts[1]
    assert 'id="chart-' in chart.svg and "-break-2019-20" in chart.svg
    assert "-break-2022-23" in chart.svg and len(re.findall(r">series break<", chart.svg)) == 2
    assert "The series breaks before 2019/20 (coverage changed: 2018/19's rate" in chart.alt
    assert "figures either side are not comparable" in chart.alt
    assert "series break, definition changed: from 2022/23" in data.markdown.replace("\\", "")
    report = open_year("2019/20")
    assert report.figures.change("household_waste_recycled") is None  # 50.1% -> 55%: a break
    assert not report.change_table(["household_waste_recycled"], "t")  # nothing compared
    said = plain([report.change("household_waste_recycled")])
    assert "not compared with 2019/20: the series breaks in 2019/20 (coverage)" in said
    assert "+4.9" not in said


def test_a_period_that_differs_is_shown_in_the_trend_data():
    book = load_workbook(paths.DATA_DIR)
    assert book.catalogue.break_between("new_school_places", Y("2017/18"), Y("2019/20"))
    report = open_year("2019/20")
    parts = report.trend_chart("new_school_places", least=2)
    data = plain(parts[1:])
    assert "| 2017/18 | 2,500 | year to February 2018 |" in data
    assert "series break, period changed: 2017/18's count" in data


# --- targets -----------------------------------------------------------------------------------


def value(year: str, amount: str, basis: str = "reported") -> Value:
    return Value(Y(year), "x", "", Decimal(amount), basis, "s", "", "")


@pytest.mark.parametrize(
    ("latest", "direction", "expected"),
    [
        ("90", "up", targets.MET),
        ("95", "up", targets.MET),
        ("86", "up", targets.ON_TRACK),  # 4.4% short of 90: within 5%
        ("85", "up", targets.OFF_TRACK),  # 5.6% short
        ("80", "down", targets.MET),
        ("94", "down", targets.ON_TRACK),
        ("95", "down", targets.OFF_TRACK),
        ("90", "neutral", targets.NOT_RATED),
    ],
)
def test_the_status_follows_one_tolerance_rule(latest, direction, expected):
    found, why = targets.status(
        value("2022/23", "90", "target"), value("2022/23", latest), direction, Decimal(5)
    )
    assert found == expected, why


def test_without_a_target_or_a_figure_there_is_no_rating():
    assert targets.status(None, value("2019/20", "1"), "up", Decimal(5)) == (
        targets.NOT_RATED,
        "no target",
    )
    assert targets.status(value("2019/20", "1", "target"), None, "up", Decimal(5))[0] == (
        targets.NOT_RATED
    )


def test_the_2019_20_targets_are_the_report_s_own_and_none_is_rated():
    report = open_year("2019/20")
    part = report.targets()
    shown = plain([part])
    # No target has a figure yet: the columns that would say "not available" nine times are
    # left out, and the caption says so once; the status is still in words on every row.
    assert shown.startswith("| Figure | Target | Status |")
    assert "not available" not in shown
    assert part.caption == (
        "Targets and performance, 2019/20 (no latest figure or direction of travel yet)"
    )
    assert (
        "| Foster care placements provided by the council | 90% by March 2023 | Not rated" in shown
    )
    assert "| New trees to plant | 375,000 over the next 5 years |" in shown
    assert shown.count("Not rated: no figure yet") == 9
    statuses = [f for f in part.figures if f.measure == "status"]
    assert len(statuses) == 9 and all(f.basis == "derived" for f in statuses)
    assert {f.measure for f in part.figures} == {"status", "target"}  # only what is printed
    one = report.targets(["council_apprentices"], "Apprentices")
    assert plain([one]).startswith("| " + " | ".join(HEADER[:5]) + " |")
    assert (
        "| Council apprentices | no target | 229 (2019/20) | Not rated: no target | improving "
        "since 2018/19 |" in plain([one])
    )
    assert one.caption == "Apprentices (no direction of travel over three or more years yet)"


def test_a_target_stands_beside_the_figure_it_aims_at(real_data):
    """A year may state a target for a figure it also reports; the rule judges one by the
    other, with the tolerance _quarto.yml sets."""
    values = real_data / "2019-20" / "values.csv"
    with values.open("a", encoding="utf-8") as rows:
        rows.write(
            "council_apprentices,,240,target,,by March 2020,,004_b7f5c0302c5152d4.txt,"
            "Aim 4 Priority 2 > Creating the right conditions,a test's own target\n"
        )
    report = open_year("2019/20", real_data)
    assert report.value("council_apprentices").value == 229  # the figure, not the target
    shown = plain([report.targets(["council_apprentices"])])
    assert "| 240 by March 2020 | 229 (2019/20) | On track | improving since 2018/19 |" in shown


def test_the_tolerance_is_set_once_in_the_configuration(tmp_path):
    assert load_config(paths.QUARTO_CONFIG).target_tolerance == Decimal(5)
    with pytest.raises(ReportError, match="target-tolerance is 'five'; expected a per cent"):
        target_tolerance("five", "_quarto.yml: essex-report: target-tolerance")


# --- an analyst's own chart ---------------------------------------------------------------------


def test_a_frame_has_the_same_columns_in_every_year():
    from essex_report.notebook.frames import COLUMNS

    empty = open_year("2016/17").frame("council_apprentices")
    assert list(empty.columns) == list(COLUMNS) and empty.empty
    found = open_year("2019/20").frame(["council_apprentices", "qualification_level3"])
    apprentices = found[found.indicator == "council_apprentices"]
    assert list(apprentices.year) == ["2018/19", "2019/20"]
    assert list(apprentices.text) == ["147", "229"]
    assert all(f.indicator == i for f, i in zip(found.figure, found.indicator, strict=True))
    assert set(found[found.indicator == "qualification_level3"].breakdown) == {
        "Essex",
        "Region",
        "UK",
    }


def test_an_analyst_s_seaborn_chart_gets_the_house_style_and_registers_its_numbers():
    import seaborn as sns

    report = open_year("2019/20")
    data = report.frame("council_apprentices")
    parts = report.chart(
        data,
        "Council apprentices to {{year}}",
        "Council apprentices: {{council_apprentices@previous}} then {{council_apprentices}}",
        draw=lambda ax: sns.barplot(data, x="year", y="value", ax=ax),
    )
    chart, table = parts
    assert chart.kind == "chart" and chart.caption == "Council apprentices to 2019/20"
    assert chart.alt == "Council apprentices: 147 then 229"
    assert f"font-family:{style.FONT}" in chart.svg.replace(" ", "") or "Lato" in chart.svg
    assert "#12436d" in chart.svg.lower()  # the Analysis Function palette's first colour
    assert "<image" not in chart.svg  # vector, not a picture
    assert [(f.year, f.text) for f in chart.figures] == [("2018/19", "147"), ("2019/20", "229")]
    assert "| 2018/19 | Council apprentices | 147 |" in table.markdown
    assert report.chart(open_year("2016/17").frame("council_apprentices"), "x") == ()
    default = report.chart(data, "Apprentices, {{year}}")  # the API's own seaborn chart
    assert default[0].alt.startswith(
        "Chart. Apprentices, 2019/20. Council apprentices 2018/19: 147"
    )
    with pytest.raises(CellProblem, match="names the year 2018/19"):
        report.chart(data, "Apprentices {{council_apprentices@2018/19}}")
    with pytest.raises(ReportError, match="has no 'figure' column"):
        report.chart(data.drop(columns="figure"), "x")


# --- new-year ----------------------------------------------------------------------------------


def test_new_year_takes_the_figures_of_the_framework_in_force(real_data):
    new_year(Y("2024/25"), real_data)
    book = load_workbook(real_data)
    rows = list(csv.DictReader((real_data / "2024-25" / "values.csv").open(encoding="utf-8")))
    keys = {(r["indicator"], r["breakdown"]) for r in rows}
    everyones = set().union(*(book.data(Y(y)).listed for y in ("2021/22", "2022/23", "2023/24")))
    # "August 2023" is when 2023/24's running total stood at its figure: not 2024/25's date
    dated = ("broadband_premises_cumulative", "August 2023")
    assert keys == everyones - {dated} | {(dated[0], "")}
    resources = (real_data / "2024-25" / "narrative" / "resources.md").read_text("utf-8")
    assert "## Our spending" in resources  # the latest year's structure ...
    named = set(re.findall(r"\{\{([a-z_0-9]+)", resources))
    assert named and named <= {k[0] for k in keys}  # ... asking for no other framework's figure
    assert "spend_adults_public_health" not in resources


def test_figures_still_to_find_are_rows_without_a_value_whatever_else_is_wrong(good_data, capsys):
    from essex_report.cli import main

    values = good_data / "2019-20" / "values.csv"
    with values.open("a", encoding="utf-8") as rows:
        rows.write("capital_investment,,,,,,,,,\n")  # a figure still to find
        rows.write("spend_day_to_day,,1.9,reported,,,,https://unknown.example/,,\n")  # a problem
    main(["validate", "--data-dir", str(good_data)])
    out = capsys.readouterr()
    assert "2019/20: 1 figures still to find (rows without a value)" in out.out
    assert "'https://unknown.example/' is not in data/sources.csv" in out.err
    from essex_report.data import status

    found = status.year_status(load_workbook(good_data), Y("2019/20"))
    assert found.missing == [("capital_investment", "")]


def test_a_change_that_cannot_be_made_says_why():
    report = open_year("2019/20")
    said = {i: plain([report.change(i)]) for i in ("household_waste_recycled", "spend_total")}
    assert said["household_waste_recycled"].endswith(
        "2018/19 is not compared with 2019/20: the series breaks in 2019/20 (coverage)."
    )
    assert said["spend_total"].endswith("the figures are on different bases (budget, reported).")
    assert not report.change("spend_total").figures
