"""How spending was funded, for the resources chapter: each source's share, and what it is a
share of, with the gap between the published funding lines and spending said in words."""

from __future__ import annotations

from essex_report.data.derive import FUNDING_SHARES, LINE_SHARES
from essex_report.notebook.charting import bar_chart
from essex_report.notebook.figures import Figures
from essex_report.notebook.markup import escape
from essex_report.notebook.parts import Part, Parts, Printed


def funding_chart(report: Figures) -> Parts:
    """How spending was funded: each source's share, saying what it is a share of. Where
    the published funding lines and spending do not agree, the gap is a bar of its own
    and a sentence; where no spending total is published on the same basis, the shares
    are of the funding lines, and a sentence says so."""
    share = report.value(FUNDING_SHARES[0])
    if share is None:
        return _funding_lines_chart(report)
    if not share.derived:  # as published: "of our spending"
        return bar_chart(
            report, list(FUNDING_SHARES), "Share of spending funded by each source", "Source"
        )
    figures: list[Printed] = []

    def text(indicator: str) -> str:
        value = report.value(indicator)
        assert value is not None, indicator  # derived from the same inputs as the share
        shown, figure = report.printed(value)
        figures.append(figure)
        return shown

    total = next(
        t
        for t in ("spend_budget_total", "spend_total")
        if (v := report.value(t)) is not None and v.basis == share.basis
    )
    what = "total budgeted spending" if total == "spend_budget_total" else "total spending"
    chart = bar_chart(
        report,
        [*FUNDING_SHARES, "funding_share_not_covered"],
        f"Share of {what} funded by each source",
        "Source",
    )
    gap = report.value("funding_gap")
    if gap is None or gap.value == 0:
        return chart
    more = "less" if gap.value > 0 else "more"
    amount = report.printed(gap)[0].lstrip("-")
    figures.append(report.printed(gap)[1])
    words = (
        f"The funding lines published for {report.year} add up to "
        f"{text('funding_lines_total')}, {amount} {more} than {what} of {text(total)}"
    )
    if gap.value > 0:
        words += (
            f": {text('funding_share_not_covered')} of spending is not covered by the lines "
            "published (a line such as use of reserves may not be among them)."
        )
    return Parts([chart, Part(escape(words + ("" if gap.value > 0 else ".")), tuple(figures))])


def _funding_lines_chart(report: Figures) -> Parts:
    """For a year with funding lines but no spending total on their basis: each line's
    share of the lines, said to be that."""
    lines = report.value("funding_lines_total")
    if report.value(LINE_SHARES[0]) is None or lines is None:
        return Parts()
    figures: list[Printed] = []
    total, figure = report.printed(lines)
    figures.append(figure)
    words = (
        f"No total of spending is published for {report.year} on the same basis as its "
        f"funding lines, so these are shares of the funding lines ({total}), not of spending."
    )
    chart = bar_chart(
        report, list(LINE_SHARES), "Share of the published funding lines from each source", "Source"
    )
    return Parts([chart, Part(escape(words), tuple(figures))])
