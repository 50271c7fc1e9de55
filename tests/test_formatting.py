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
