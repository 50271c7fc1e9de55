"""Shares state their base, which the catalogue declares (relations.csv): of spending where a
spending total is on the same basis, else of the funding lines, said in words; a gap between
the two is shown, not hidden; lines a year lacks are named."""

from __future__ import annotations

from essex_report.data.load import load_workbook
from essex_report.notebook import open_year
from essex_report.years import parse_year

CAPTION = "How spending was funded"


def text(parts) -> str:
    return "\n".join(p.caption + "\n" + p.markdown + p.alt for p in parts).replace("\\", "")


def shares(report):
    return report.shares_chart("funding_lines_total", CAPTION, "Source")


def test_shares_are_of_total_budgeted_spending_and_the_gap_is_shown():
    parts = shares(open_year("2020/21"))
    shown = text(parts)
    # each phrase once: the caption says what the shares are of, the labels what they are
    assert f"{CAPTION}: shares of total budgeted spending, 2020/21\n" in shown
    assert "council tax: 36.4%" in shown.lower()  # 707.8 of 1,944.0, not 36.9% of the lines
    assert "| Not covered by the published funding lines | 1.3% |" in shown
    assert (
        "The lines published for 2020/21 add up to £1,918.3m, £25.7m less than total "
        "budgeted spending of £1,944.0m: 1.3% of it is not covered by the lines published."
    ) in shown
    registered = {f.indicator for p in parts for f in p.figures}
    assert {"funding_lines_total", "funding_gap", "spend_budget_total"} <= registered
    derived = [f for p in parts for f in p.figures if f.indicator == "funding_share_council_tax"]
    assert derived[0].basis == "derived"
    assert derived[0].formula == (
        "funding_council_tax (£707.8m) / spend_budget_total (£1,944.0m) × 100"
    )


def test_without_a_spending_total_the_shares_are_of_the_funding_lines(real_data):
    values = real_data / "2020-21" / "values.csv"
    rows = values.read_text(encoding="utf-8").splitlines(keepends=True)
    values.write_text("".join(r for r in rows if not r.startswith("spend_budget_other,")), "utf-8")
    report = open_year("2020/21", real_data)
    assert report.value("funding_share_council_tax") is None
    shown = text(shares(report))
    assert f"{CAPTION}: shares of total of the published funding lines" in shown
    assert "Council tax's share of the published funding lines: 36.9%" in shown
    assert "so these are shares of total of the published funding lines (£1,918.3m)" in shown
    warnings = [str(p) for p in load_workbook(real_data).problems if not p.is_error]
    assert any(
        "the lines of spend_budget_total are incomplete" in w and "not spend_budget_other" in w
        for w in warnings
    )
    assert any(
        "funding_lines_total (£1,918.3m, budget) cannot be compared with spend_budget_total or "
        "spend_total" in w
        for w in warnings
    )


def test_a_reconciliation_that_cannot_run_says_so(real_data):
    values = real_data / "2020-21" / "values.csv"
    rows = values.read_text(encoding="utf-8").splitlines(keepends=True)
    values.write_text(
        "".join(r for r in rows if not r.startswith("funding_business_rates,")), "utf-8"
    )
    book = load_workbook(real_data, parse_year("2020/21"))
    assert any(
        "the lines of funding_lines_total are incomplete: the year has funding_council_tax, "
        "funding_income_grants but not funding_business_rates" in str(p)
        for p in book.problems
    )
    assert book.data(parse_year("2020/21")).get("funding_gap") is None


def test_published_shares_stay_shares_of_spending():
    shown = text(shares(open_year("2019/20")))
    assert f"{CAPTION}: shares of total spending, 2019/20\n" in shown  # no "(reported)"
    assert "| Council tax | 36.7% |" in shown and "not covered" not in shown
    assert "Share of spending funded by council tax" not in shown  # each phrase once
