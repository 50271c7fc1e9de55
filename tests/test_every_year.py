"""Any year from data alone, under the framework in force that year, compared across years."""

from __future__ import annotations

import csv
import re
from decimal import Decimal, localcontext

import page
import pytest

from essex_report.data.derive import EXACT, change
from essex_report.data.load import load_workbook
from essex_report.data.model import Value
from essex_report.data.scaffold import new_year
from essex_report.errors import ReportError
from essex_report.years import parse_year
from tests import repo as paths

from .conftest import essex_report
from .documents import read_pdf
from .test_end_to_end import visible_text

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks

Y = parse_year


@pytest.fixture(scope="module")
def book():
    return load_workbook(paths.DATA_DIR)


def value(year: str, amount: str, basis: str = "reported", breakdown: str = "") -> Value:
    return Value(Y(year), "x", breakdown, Decimal(amount), basis, "s", "", "")


# --- Frameworks are data --------------------------------------------------------------------


def test_framework_in_force_each_year(book):
    cat = book.catalogue
    assert cat.framework_for(Y("2016/17")) is None
    for year in ("2017/18", "2019/20", "2020/21"):
        assert cat.framework_for(Y(year)).id == "org-strategy-2017-21"
    for year in ("2021/22", "2022/23", "2024/25"):
        assert cat.framework_for(Y(year)).id == "everyones-essex-2021-25"
    everyones = cat.framework_for(Y("2022/23"))
    assert len(cat.themes_of(everyones)) == 4
    assert sum(len(cat.priorities_of(t)) for t in cat.themes_of(everyones)) == 20


# --- Year on year ---------------------------------------------------------------------------


def test_change_arithmetic_and_the_good_direction():
    moved = change(value("2019/20", "229"), value("2018/19", "147"), "up")
    assert moved.delta == 82 and round(moved.ratio, 1) == Decimal("55.8")
    assert moved.good is True and moved.verdict == "better"
    assert moved.describe("count") == "+82 (+56%)"  # per cent as precise as the counts
    worse = change(value("2019/20", "3.7"), value("2018/19", "3.0"), "down")
    assert worse.good is False and worse.verdict == "worse"
    assert worse.describe("percent") == "+0.7 percentage points"
    assert change(value("2019/20", "5"), value("2018/19", "6"), "neutral").verdict == "down"


def test_no_change_between_different_bases():
    assert (
        change(value("2019/20", "186", "reported"), value("2018/19", "300", "budget"), "up") is None
    )
    assert (
        change(value("2019/20", "1", "cumulative"), value("2018/19", "1", "cumulative"), "up")
        is None
    )


# --- Derived figures --------------------------------------------------------------------------


def test_band_d_total_is_derived_from_its_elements(book):
    data = book.data(Y("2016/17"))
    total = data.get("band_d_total")
    assert (
        total.derived
        and total.value == data.get("band_d_general").value + data.get("band_d_social_care").value
    )
    assert not book.data(Y("2017/18")).get("band_d_total").derived  # published: typed wins


def test_funding_shares_from_funding_lines_are_shares_of_spending(book):
    data = book.data(Y("2020/21"))
    lines = [
        data.get(i).value
        for i in ("funding_council_tax", "funding_business_rates", "funding_income_grants")
    ]
    shares = [
        data.get(i)
        for i in (
            "funding_share_council_tax",
            "funding_share_business_rates",
            "funding_share_grants_fees",
        )
    ]
    assert all(s.derived and s.basis == "budget" for s in shares)
    spending = data.get("spend_budget_total").value  # the lines of relations.csv, added up
    for line, share in zip(lines, shares, strict=True):
        with localcontext(EXACT):  # exact: rounded only when printed
            assert share.value == line * 100 / spending
    data = book.data(Y("2019/20"))
    balance = data.get("funding_share_grants_fees")
    typed = [
        data.get(i).value for i in ("funding_share_council_tax", "funding_share_business_rates")
    ]
    assert balance.derived and balance.value == 100 - sum(typed)


def test_reconciliation_is_a_warning_naming_year_and_difference(book):
    data = book.data(Y("2020/21"))
    funding = data.get("funding_lines_total").value
    spending = data.get("spend_budget_total").value
    assert spending > funding  # the published 2020/21 lines do not reconcile
    result = essex_report("validate", "--year", "2020/21")
    assert result.returncode == 0
    assert (
        f"2020/21: funding_lines_total adds up to £{funding:,}m, £{spending - funding:,}m less "
        f"than spend_budget_total (£{spending:,}m); the report shows the difference (funding_gap)"
    ) in result.stdout


# --- New year by data alone -------------------------------------------------------------------


def test_new_year_copies_structure_not_values(real_data):
    """2024/25 takes the figures of the framework in force (every year of Everyone's Essex)
    and the headings of the latest year with words (2019/20) under its own framework, empty
    of values: none of the old framework's figures."""
    written = new_year(Y("2024/25"), real_data)
    target = real_data / "2024-25"
    assert target / "values.csv" in written
    rows = list(csv.DictReader((target / "values.csv").open()))
    book = load_workbook(real_data)
    model = set().union(*(book.data(Y(y)).listed for y in ("2021/22", "2022/23", "2023/24")))
    model = {(i, "" if b == "August 2023" else b) for i, b in model}  # a date is its year's own
    assert {(r["indicator"], r["breakdown"]) for r in rows} == model
    assert "broadband_premises_enabled" not in {r["indicator"] for r in rows}
    checked = essex_report("validate", "--year", "2024/25", "--data-dir", str(real_data))
    assert f"2024/25: {len(rows)} figures still to find (rows without a value)" in checked.stdout
    # years counts the same figures: every one the TODO lines name has a row
    listed = essex_report("years", "--data-dir", str(real_data)).stdout
    assert f"0 of {len(rows)} figures" in next(x for x in listed.splitlines() if "2024/25" in x)
    assert all(r["value"] == r["basis"] == r["source"] == "" for r in rows)
    narrative = target / "narrative"
    names = {p.relative_to(narrative).as_posix() for p in narrative.rglob("*.md")}
    assert "performance/good-jobs.md" in names and "at-a-glance/area-1.md" in names
    assert not any("aim-1" in n or n.endswith("skills.md") for n in names)
    assert (narrative / "resources.md").read_text().startswith("## Our track record")


def test_new_year_keeps_headings_and_placeholders(good_data):
    new_year(Y("2020/21"), good_data)
    skills = (good_data / "2020-21" / "narrative" / "performance" / "skills.md").read_text()
    assert "## Workforce skills" in skills and "## What next?" in skills
    assert (
        "{{qualification_level3[Essex]}}" in skills and "{{chart:qualification_level3}}" in skills
    )
    assert "52" not in skills  # words and values stay behind
    rows = list(csv.DictReader((good_data / "2020-21" / "values.csv").open()))
    assert {(r["indicator"], r["breakdown"]) for r in rows} == set(
        load_workbook(good_data).data(Y("2019/20")).listed
    )
    book = load_workbook(good_data, Y("2020/21"))
    assert [p for p in book.problems if p.is_error] == []


def test_new_year_refuses_a_year_with_data(good_data):
    before = (good_data / "2019-20" / "values.csv").read_bytes()
    with pytest.raises(ReportError, match="already exists; new-year never changes a year"):
        new_year(Y("2019/20"), good_data)
    assert (good_data / "2019-20" / "values.csv").read_bytes() == before
    result = essex_report("new-year", "2019/20")
    assert result.returncode == 1 and "already exists" in result.stderr


def test_years_lists_frameworks_and_completeness():
    lines = essex_report("years").stdout.splitlines()
    by_year = {line.split()[0]: line for line in lines}
    assert "no framework" in by_year["2016/17"]
    assert "Organisation Strategy" in by_year["2019/20"]
    assert "Everyone's Essex" in by_year["2022/23"]
    assert re.search(r"(\d+) of \1 figures", by_year["2019/20"])


# --- Partial years ----------------------------------------------------------------------------


def test_a_partial_year_renders_honestly(good_data, tmp_path):
    output = tmp_path / "out"
    result = essex_report(
        "build", "--year", "2018/19", "--data-dir", str(good_data), "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    html = (output / "2018-19" / "annual-report.html").read_text("utf-8")
    text = visible_text(html)
    assert "nan" not in re.findall(r"\b\w+\b", text.lower())
    assert "12,000" in text  # the one figure the year has
    # a report of the year's figures, saying once what it lacks, with no empty chapters
    assert "Annual Report 2018/19: the figures (draft)" in text
    assert text.count("not available in the data") == 1 and "Foreword" not in text
    assert "<img" not in html and "<svg" not in html  # one figure: no chart, and no empty chart
    assert "{{" not in text


# --- Every year at once -----------------------------------------------------------------------


def test_every_year_has_its_report(built_all, book):
    for year in book.years:
        folder = built_all / year.slug
        assert (folder / "annual-report.html").is_file() and (
            folder / "annual-report.pdf"
        ).is_file()
        register = list(csv.DictReader((folder / "figures.csv").open()))
        assert {r["year"] for r in register} <= {
            year.label,
            year.previous().label,
            *(y.label for y in book.years if y < year),
        }


def test_2022_23_is_structured_by_everyones_essex(built_all):
    text = visible_text((built_all / "2022-23" / "annual-report.html").read_text("utf-8"))
    assert "Strategic areas and commitments" in text
    assert "Strong, inclusive and sustainable economy" in text and "Good jobs" in text
    assert "Outcomes for vulnerable children" in text  # the twentieth commitment
    assert "Aim 1 -" not in text and "Organisation Strategy" not in text
    assert "Area 1 Commitment 1" not in text  # internal labels, not a list for readers


def test_2019_20_is_unchanged_by_the_other_years(built_all, built_2019):
    for name in ("figures.csv", "source/annual-report.md"):
        assert (built_all / "2019-20" / name).read_bytes() == (built_2019 / name).read_bytes()


def test_every_year_s_pdf_passes_pdf_ua_1(built_all, book):
    """page-validation's PDF/UA-1 profile: every rule passes in every year's PDF."""
    for year in book.years:
        report = page.validate_pdf(built_all / year.slug / "annual-report.pdf", profile="ua1")
        failed = [(f.rule_id, f.message) for f in report.failures]
        assert report.rules.failed == 0 and report.rules.passed > 0, (year.label, failed)


def test_every_year_s_pdf_has_its_cover(built_all, book):
    """Council, title, year and publication date: the year's own (`published:` in the
    foreword's front matter) where the data gives it; else the cover, the title and the web
    page say it is a draft, and no date is printed (never the day of the build)."""
    for year in book.years:
        pdf = read_pdf(built_all / year.slug / "annual-report.pdf")
        html = visible_text((built_all / year.slug / "annual-report.html").read_text("utf-8"))
        cover = pdf.pages[0]
        assert cover.startswith(f"Essex County Council Annual Report {year.label}")
        if year.label == "2019/20":
            assert cover.endswith("Published October 2020")
            assert "draft" not in pdf.title.lower() and "Draft" not in html
        else:
            assert cover.endswith("(draft) Draft: not yet published"), cover
            assert pdf.title.endswith("(draft)") and "has not been published" in html
            assert not re.search(r"Published \d", " ".join(pdf.pages) + html)


def test_index_links_every_year(built_all, book):
    index = (built_all / "index.html").read_text("utf-8")
    for year in book.years:
        assert f'href="{year.slug}/annual-report.html"' in index
        assert f'href="{year.slug}/annual-report.pdf"' in index
    assert '<html lang="en-GB">' in index


def test_the_change_on_the_previous_year_is_printed_when_the_year_has_words(real_data):
    """Writing a year's resources narrative no longer removes the year-on-year comparison:
    2018/19's Band D, +4.99% as the council published it, in the HTML and the register."""
    narrative = real_data / "2018-19" / "narrative"
    narrative.mkdir()
    (narrative / "resources.md").write_text(
        "## Our spending\n\nWe planned to spend {{spend_total}} in {{year}}.\n", "utf-8"
    )
    output = real_data.parent / "out"
    result = essex_report(
        "build", "--year", "2018/19", "--data-dir", str(real_data), "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    text = visible_text((output / "2018-19" / "annual-report.html").read_text("utf-8"))
    assert "We planned to spend £1.8bn in 2018/19." in text
    assert "Change on the previous year, 2017/18 to 2018/19" in text
    assert "+£58.05 (+4.99%)" in text
    rows = list(csv.DictReader((output / "2018-19" / "figures.csv").open(encoding="utf-8")))
    change = next(r for r in rows if (r["indicator"], r["measure"]) == ("band_d_total", "change"))
    # (a cell starting "+" is kept from a spreadsheet's formulas by a leading "'")
    assert change["text"] == "'+£58.05 (+4.99%)" and change["basis"] == "derived"
