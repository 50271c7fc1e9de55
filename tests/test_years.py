import pytest
from hypothesis import given
from hypothesis import strategies as st

from essex_report.errors import YearError
from essex_report.years import FinancialYear, parse_year


@pytest.mark.parametrize("text", ["2019/20", "2019-20", "2019-2020", " 2019/20 "])
def test_accepted_forms(text):
    year = parse_year(text)
    assert (year.label, year.slug) == ("2019/20", "2019-20")


@pytest.mark.parametrize(
    "text",
    [
        "2019",
        "2019/21",
        "20/21",
        "",
        "../x",
        "/etc/passwd",
        "2019/20/..",
        "2019-2021",
        "2019/2",
        "two thousand",
        "2019\\20",
        None,
        "1066/67",
    ],
)
def test_rejected_forms_say_what_is_accepted(text):
    with pytest.raises(YearError) as error:
        parse_year(text)
    message = str(error.value)
    assert "\n" not in message
    assert "2019/20" in message or "outside the years" in message


def test_previous_and_next():
    year = parse_year("2019/20")
    assert year.previous() == parse_year("2018/19")
    assert year.next().label == "2020/21"


@given(st.integers(min_value=1990, max_value=2098))
def test_every_form_of_a_year_round_trips(start):
    year = FinancialYear(start)
    for text in (year.label, year.slug, f"{start}-{start + 1}"):
        assert parse_year(text) == year
    assert "/" not in year.slug and ".." not in year.slug


@given(st.text(max_size=12))
def test_anything_else_is_a_year_error_or_a_safe_slug(text):
    try:
        year = parse_year(text)
    except YearError:
        return
    assert year.slug.replace("-", "").isdigit() and len(year.slug) == 7
