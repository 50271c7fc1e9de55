"""The data stage module by module: reading files with located problems and reason codes,
the catalogues, the checks that span files, money, how complete a year is, web addresses and
the limits. (tests/test_validation.py and test_hostile_data.py try the whole stage.)"""

from __future__ import annotations

from decimal import Decimal

from essex_report import limits
from essex_report.data import catalogue, checks, derive, files, money, schema, status, web
from essex_report.data.load import load_workbook
from essex_report.data.model import Value, YearData
from essex_report.errors import Level, Problems, Reason
from essex_report.years import parse_year
from tests import repo as paths

Y = parse_year("2019/20")


def test_a_table_s_problems_carry_their_line_column_and_reason(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(
        "indicator,breakdown,value,basis,source,section,note\n"
        "spend_total,,2.1,reported,004_b7f5c0302c5152d4.txt,S,\n"
        "spend_total,,2.2,reported,004_b7f5c0302c5152d4.txt,S,\n"
        'broadband,,"12,0,reported\n'
        "band_d,,£1.3,set,004_b7f5c0302c5152d4.txt,S,\n",
        encoding="utf-8",
    )
    problems = Problems()
    rows = files.read_table(path, schema.VALUES, problems)
    found = [(p.line, p.column, p.reason) for p in problems]
    assert found == [
        (3, "indicator", Reason.DUPLICATE),
        (4, "value", Reason.NOT_CSV),
        (5, "value", Reason.INVALID),
    ]
    assert problems.at(str(path), 5) == 1 and problems.at(str(path), 2) == 0
    assert [r.line for r in rows] == [2, 3, 5]
    assert files.year_folder(tmp_path, Y) == tmp_path / "2019-20"


def test_a_missing_column_stops_the_rows_but_not_the_report(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("indicator,breakdwn,value,basis,source,section,note\nx,,1,,,,\n")
    problems = Problems()
    assert files.read_table(path, schema.VALUES, problems) == []
    assert [p.reason for p in problems] == [Reason.RENAMED_COLUMN]


def test_a_theme_naming_an_unknown_framework_is_unknown_and_its_priorities_wait(good_data):
    themes = good_data / "themes.csv"
    themes.write_text(themes.read_text().replace("test-strategy,aim-1,", "no-such,aim-1,", 1))
    problems = Problems()
    cat = catalogue.load_catalogue(good_data, problems)
    unknown = problems.of(Reason.UNKNOWN)
    assert [p.column for p in unknown] == ["framework"] and "'no-such'" in unknown[0].message
    assert "aim-1" in cat.themes  # the row is typed; what refers to it is checked against it


def test_typed_figures_and_placeholders_are_found_in_words(good_data):
    book = load_workbook(good_data, Y)
    messages = checks.typed_figures(
        "We spent £2.1bn in 2019/20.", book.data(Y), None, book.catalogue
    )
    assert messages and "write {{spend_total}} instead" in messages[0]
    assert checks.typed_figures("In 2019/20, 3 things.", book.data(Y), None, book.catalogue) == []
    framework = book.catalogue.framework_for(Y)
    assert "performance/skills.md" in checks.allowed_names(book.catalogue, framework)


def value(indicator: str, amount: str, derived: bool = False) -> Value:
    return Value(Y, indicator, "", Decimal(amount), "reported", "x", "", "", derived=derived)


def test_published_shares_must_add_up_to_100(tmp_path):
    """The catalogue's `rest` relation says the three funding shares make 100%: published
    all three, they must, within the rounding of published shares."""
    cat = load_workbook(paths.DATA_DIR).catalogue
    data = YearData(Y)
    names = ("funding_share_council_tax", "funding_share_business_rates")
    shares = zip((*names, "funding_share_grants_fees"), ("36.7", "9.8", "40"), strict=True)
    for indicator, amount in shares:
        data.values[(indicator, "")] = value(indicator, amount)
    problems = Problems()
    money.check_relations(data, cat, problems, tmp_path)
    assert [p.reason for p in problems] == [Reason.MONEY]
    assert "add up to 86.5%; expected 100% within 0.5 points" in problems.found[0].message


def test_funding_lines_without_a_spending_total_are_said_to_be_so(tmp_path):
    cat = load_workbook(paths.DATA_DIR).catalogue
    data = YearData(Y)
    for indicator in ("funding_council_tax", "funding_business_rates", "funding_income_grants"):
        data.values[(indicator, "")] = value(indicator, "10")
    data = derive.with_derived(data, cat)
    problems = Problems()
    money.check_relations(data, cat, problems, tmp_path)
    assert [p.level for p in problems] == [Level.WARNING]
    assert (
        "funding_lines_total (£30.0m, reported) cannot be compared with spend_budget_total or "
        "spend_total: none is in the data on the same basis"
    ) in problems.found[0].message


def test_a_year_s_status_counts_figures_present_and_sections_to_write(good_data):
    skills = good_data / "2019-20" / "narrative" / "performance" / "skills.md"
    skills.write_text("## Skills\n\nTODO: write this, using {{apprentices_started}}.\n")
    book = load_workbook(good_data)
    found = status.year_status(book, Y)
    assert found.to_write == 1
    assert ("apprentices_started", "") in found.missing
    assert found.present == len(found.used) - len(found.missing)
    assert "sections to write" in found.summary()


def test_web_addresses_are_parsed_not_pattern_matched():
    assert web.check_web_address("https://www.essex.gov.uk/budget") is None
    assert "user name or password" in web.check_web_address("https://me@evil.example/")
    assert "expected a web address starting https://" in web.check_web_address("javascript:x")
    assert "U+0000" in web.check_web_address("https://a.example/\x00")


def test_a_number_longer_than_the_limit_is_refused_saying_the_limit():
    digits = "9" * (limits.MAX_DIGITS + 1)
    message = schema.check_number(digits)
    assert message and f"expected at most {limits.MAX_DIGITS}" in message
    assert schema.check_number("9" * limits.MAX_DIGITS) is None
