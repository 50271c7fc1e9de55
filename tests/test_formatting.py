from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essex_report.data.formatting import (
    format_change,
    format_percent_change,
    format_value,
)


@pytest.mark.parametrize(
    ("value", "unit", "printed"),
    [
        ("2.1", "GBP bn", "£2.1bn"),
        ("668", "GBP m", "£668m"),
        ("625", "GBP k", "£625k"),
        ("1.029", "GBP m", "£1.029m"),
        ("495000", "GBP", "£495,000"),
        ("2.50", "GBP", "£2.50"),
        ("36.7", "percent", "36.7%"),
        ("14975", "count", "14,975"),
        ("673000", "tonnes", "673,000 tonnes"),
        ("1000", "kg", "1,000 kg"),
        ("25.5", "miles", "25.5 miles"),
        ("4", "rank", "4"),
        ("5.6", "EUR m", "€5.6m"),
        ("1918.3", "GBP m", "£1,918.3m"),
    ],
)
def test_council_style(value, unit, printed):
    assert format_value(Decimal(value), unit) == printed


def test_decimals_for_derived_figures():
    assert format_value(Decimal("53.5000"), "percent", 1) == "53.5%"
    assert format_value(Decimal("36.94"), "percent", 1) == "36.9%"


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        format_value(Decimal(1), "furlongs")


def test_changes():
    assert format_change(Decimal(82), "count") == "+82"
    assert format_change(Decimal("-0.2"), "GBP bn") == "-£0.2bn"
    assert format_change(Decimal("1.5"), "percent") == "+1.5 percentage points"
    assert format_change(Decimal(0), "count") == "no change"
    assert format_percent_change(Decimal("55.78")) == "+55.8%"


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_printed_digits_read_back_as_the_value(value):
    printed = format_value(value, "GBP m")
    assert printed.startswith("£") and printed.endswith("m")
    assert Decimal(printed[1:-1].replace(",", "")) == value


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_are_grouped_in_threes(number):
    printed = format_value(Decimal(number), "count")
    groups = printed.split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_changes_in_measured_units_keep_their_unit():
    assert format_change(Decimal("-1500"), "tonnes") == "-1,500 tonnes"


# --- Rounding as the council prints (issue 16) ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "printed"),
    [
        ("53.45", "percent", 1, "53.5%"),  # half away from zero, not half to even (53.4%)
        ("0.125", "GBP m", 2, "£0.13m"),
        ("2.5", "count", 0, "3"),
        ("3.5", "count", 0, "4"),
        ("-2.5", "count", 0, "-3"),
    ],
)
def test_halves_round_away_from_zero(value, unit, decimals, printed):
    assert format_value(Decimal(value), unit, decimals) == printed


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "printed"),
    [
        ("999.95", "GBP m", 1, "£1.0bn"),  # not £1,000.0m
        ("999.96", "GBP k", 1, "£1.0m"),
        ("999.5", "GBP m", 0, "£1bn"),
        ("-999.95", "GBP m", 1, "-£1.0bn"),
        ("999.94", "GBP m", 1, "£999.9m"),  # rounding does not reach it
        ("1000", "GBP m", None, "£1,000m"),  # as written: no rounding, no move
        ("999.95", "EUR m", 1, "€1.0bn"),
        ("999.95", "GBP bn", 1, "£1,000.0bn"),  # no unit above billions
    ],
)
def test_a_unit_moves_up_when_rounding_reaches_it(value, unit, decimals, printed):
    assert format_value(Decimal(value), unit, decimals) == printed


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "printed"),
    [
        ("-0.04", "percent", 1, "0.0%"),  # never -0.0%
        ("-0.4", "GBP m", 0, "£0m"),
    ],
)
def test_a_value_that_rounds_to_zero_has_no_sign(value, unit, decimals, printed):
    assert format_value(Decimal(value), unit, decimals) == printed


@pytest.mark.parametrize(
    ("ratio", "printed"),
    [
        (Decimal(-1) * 100 / Decimal(100_000), "-0.001%"),  # 1 on 100,000: not -0.0%
        (Decimal("0.04"), "+0.04%"),
        (Decimal("-0.05"), "-0.1%"),  # half away from zero
        (Decimal("12.25"), "+12.3%"),
        (Decimal(0), "no change"),
    ],
)
def test_a_small_percent_change_keeps_enough_decimals(ratio, printed):
    assert format_percent_change(ratio) == printed


def test_a_small_change_keeps_enough_decimals():
    assert format_change(Decimal("-0.04"), "GBP m", 1) == "-£0.04m"
    assert format_change(Decimal("0.05"), "percent", 1) == "+0.1 percentage points"


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_printed_money_never_shows_minus_zero_nor_four_digit_millions_from_rounding(
    value, decimals
):
    printed = format_value(value, "GBP m", decimals)
    assert not printed.startswith("-£0") or any(c in "123456789" for c in printed)
    if abs(value) < 1000:
        assert not printed.lstrip("-£").startswith("1,000")
