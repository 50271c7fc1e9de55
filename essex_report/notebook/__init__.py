"""Stage 2, the notebook API: the building blocks a chapter notebook composes.

    from essex_report.notebook import open_year, show
    report = open_year(year, data_dir)          # checks the year and its data; one-line errors
    show(report.heading("Resources", 1))        # a heading (text from data is escaped)
    report.narrative("resources.md", "Our spending")   # one `##` section of a narrative file
    report.table(["spend_total", "capital_investment"], "Spending, 2019/20")
    report.bar_chart(["spend_day_to_day", "capital_investment"], "Spending", "Kind")
    report.trend_chart("band_d_total")          # the figure across years, on a year axis

Every method returns parts (parts.py) that display themselves and carry the figures they
print, so the register needs nothing else. A figure the year does not have is left out of
tables and charts; words that print it are a one-line error (never "we spent not available"),
as is a name that is not in the data (an indicator id, a narrative file).

May import the data stage, the charts, the project and the foundations.
"""

from essex_report.notebook.parts import show
from essex_report.notebook.year import Year, open_year

__all__ = ["Year", "open_year", "show"]
