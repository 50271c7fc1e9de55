"""Funding shares state their base: of spending where a spending total is published on the same
basis, else of the funding lines, said in words; a gap between the two is shown, not hidden."""

from __future__ import annotations

from essex_report.data.load import load_workbook
from essex_report.notebook import open_year
from essex_report.years import parse_year


def text(parts) -> str:
    return "\n".join(p.markdown + p.alt for p in parts).replace("\\", "")


def test_shares_are_of_total_budgeted_spending_and_the_gap_is_shown():
    parts = open_year("2020/21").funding_chart()
    shown = text(parts)
    assert "Share of total budgeted spending funded by each source, 2020/21 (budget)" in shown
    assert "council tax: 36.4%" in shown.lower()  # 707.8 of 1,944.0, not 36.9% of the lines
    assert "Share of spending not covered by the published funding lines | 1.3%" in shown
    assert (
        "The funding lines published for 2020/21 add up to £1,918.3m, £25.7m less than total "
        "budgeted spending of £1,944.0m: 1.3% of spending is not covered"
    ) in shown
    registered = {f.indicator for p in parts for f in p.figures}
    assert {"funding_lines_total", "funding_gap", "spend_budget_total"} <= registered


def test_without_a_spending_total_the_shares_are_of_the_funding_lines(real_data):
    values = real_data / "2020-21" / "values.csv"
    rows = values.read_text(encoding="utf-8").splitlines(keepends=True)
    values.write_text("".join(r for r in rows if not r.startswith("spend_budget_other,")), "utf-8")
    report = open_year("2020/21", real_data)
    assert report.value("funding_share_council_tax") is None
    shown = text(report.funding_chart())
    assert "Share of the published funding lines from each source" in shown
    assert "Council tax's share of the published funding lines: 36.9%" in shown
    assert "so these are shares of the funding lines (£1,918.3m), not of spending" in shown
    warnings = [str(p) for p in load_workbook(real_data).problems if not p.is_error]
    assert any("no spending total is published on the same basis" in w for w in warnings)


def test_a_reconciliation_that_cannot_run_says_so(real_data):
    values = real_data / "2020-21" / "values.csv"
    rows = values.read_text(encoding="utf-8").splitlines(keepends=True)
    values.write_text(
        "".join(r for r in rows if not r.startswith("funding_business_rates,")), "utf-8"
    )
    book = load_workbook(real_data, parse_year("2020/21"))
    assert any(
        "cannot be reconciled with spending (funding_business_rates missing)" in str(p)
        for p in book.problems
    )
    assert book.data(parse_year("2020/21")).get("funding_gap") is None


def test_published_shares_stay_shares_of_spending():
    shown = text(open_year("2019/20").funding_chart())
    assert "Share of spending funded by each source, 2019/20 (reported)" in shown
    assert "36.7%" in shown and "not covered" not in shown
