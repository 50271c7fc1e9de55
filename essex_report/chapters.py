"""The report's chapters, each a function of a Report returning what the notebook shows.

Structure comes from the data: the year's framework gives the aims and priorities (or areas
and commitments), the narrative files give the words, the values give the figures.
"""

from __future__ import annotations

import textwrap

from essex_report.figures import FUNDING_SHARES
from essex_report.report import NOT_AVAILABLE, Markdown, Part, Report
from essex_report.text import escape

SPENDING_AREAS = [
    "spend_adults_public_health",
    "spend_children_families",
    "spend_environment_waste",
]
SPENDING_SPLIT = ["spend_day_to_day", "capital_investment"]


def plural(term: str) -> str:
    """Aim -> Aims, Priority -> Priorities (the framework catalogue names terms singly)."""
    return term[:-1] + "ies" if term.endswith("y") else term + "s"


def unavailable(report: Report, what: str) -> Markdown:
    return report.markdown(f"*{escape(what)} for {report.year}: {NOT_AVAILABLE} in the data.*")


# --- Introduction ------------------------------------------------------------------------


def foreword(report: Report) -> list[Part]:
    parts: list[Part] = [report.heading("Foreword", 1)]
    if not report.has_narrative("foreword.md"):
        return parts + [unavailable(report, "The foreword")]
    doc = report.narratives["foreword.md"]
    who = [escape(doc.front[k]) for k in ("author", "role") if doc.front.get(k)]
    parts += report.narrative("foreword.md")
    if who:
        parts.append(report.markdown(f"**{who[0]}**" + "".join(f"\\\n{w}" for w in who[1:])))
    return parts


def grid_table(header: list[str], rows: list[list[list[str]]], widths: list[int]) -> str:
    """A pandoc grid table: cells may hold several lines of Markdown (bullet lists)."""

    def wrapped(cell: list[str], width: int) -> list[str]:
        lines: list[str] = []
        for item in cell:
            indent = "  " if item.startswith("- ") else ""
            lines += textwrap.wrap(
                item, width, subsequent_indent=indent, break_long_words=True, break_on_hyphens=False
            ) or [""]
        return lines

    def row_lines(cells: list[list[str]]) -> list[str]:
        columns = [wrapped(c, w) for c, w in zip(cells, widths, strict=True)]
        height = max(len(c) for c in columns)
        return [
            "| "
            + " | ".join(
                (c[i] if i < len(c) else "").ljust(w) for c, w in zip(columns, widths, strict=True)
            )
            + " |"
            for i in range(height)
        ]

    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    head_rule = "+" + "+".join(":" + "=" * (w + 1) for w in widths) + "+"
    out = [rule, *row_lines([[h] for h in header]), head_rule]
    for row in rows:
        out += [*row_lines(row), rule]
    return "\n".join(out)


def strategic_framework(report: Report) -> list[Part]:
    fw = report.framework
    if fw is None:
        return [
            report.heading("Strategic framework", 1),
            report.markdown(
                escape(
                    f"No strategic framework in the data applies to {report.year}; "
                    "this report gives "
                    "its figures without performance chapters."
                )
            ),
        ]
    cat = report.catalogue
    themes, priorities = plural(fw.theme_term).lower(), plural(fw.priority_term).lower()
    title = f"Strategic {themes} and {priorities}"
    parts: list[Part] = [report.heading(title, 1)]
    parts.append(
        report.markdown(
            escape(
                f"This report is structured by the {fw.name}, which "
                f"applies from {fw.first_year} to {fw.last_year}."
            )
        )
    )
    with_objectives = any(t.equality_objective for t in cat.themes_of(fw))
    header = [f"Our strategic {themes}", f"Our {priorities}"]
    widths = [24, 46] + ([40] if with_objectives else [])
    if with_objectives:
        header.append("Equality objectives")
    rows = []
    for theme in cat.themes_of(fw):
        row = [[escape(theme.title)], [f"- {escape(p.title)}" for p in cat.priorities_of(theme)]]
        if with_objectives:
            row.append([escape(theme.equality_objective)])
        rows.append(row)
    caption = f"Strategic {themes}, {priorities}"
    caption += " and equality objectives" if with_objectives else ""
    table = grid_table(header, rows, widths) + f"\n\n: {escape(caption)} ({escape(fw.name)})\n"
    parts.append(report.markdown(table))
    return parts


# --- Achievements at a glance --------------------------------------------------------------


def at_a_glance(report: Report) -> list[Part]:
    parts: list[Part] = [report.heading(f"{report.year} achievements at a glance", 1)]
    fw = report.framework
    themes = report.catalogue.themes_of(fw) if fw else []
    written = [t for t in themes if report.has_narrative(f"at-a-glance/{t.id}.md")]
    if not written:
        return parts + [unavailable(report, "Achievements at a glance")]
    for theme in themes:
        parts.append(report.heading(theme.title, 2))
        parts += report.narrative(f"at-a-glance/{theme.id}.md") or [
            unavailable(report, f"Achievements for this {fw.theme_term.lower()}")
        ]
    return parts


def in_figures(report: Report, chapter: str, title: str) -> list[Part]:
    """The year's figures for a chapter as a table: what a year without words still shows."""
    keys = sorted(
        (
            (v.indicator, v.breakdown)
            for v in report.data.values.values()
            if report.indicator(v.indicator).chapter == chapter
        ),
        key=lambda key: (report.indicator(key[0]).label, key[1]),
    )
    if not keys:
        return [unavailable(report, title)]
    return [report.heading(title, 2), report.figures_table(keys, f"{title}, {report.year}")]


def trends(report: Report, chapter: str, level: int = 2) -> list[Part]:
    """A chart for every figure of the chapter published for this year and at least two
    earlier years on the same basis (years without a published figure are left out)."""
    charts: list[Part] = []
    for indicator in sorted(report.catalogue.indicators.values(), key=lambda i: i.label):
        if indicator.chapter != chapter:
            continue
        chart = report.trend_chart(indicator.id)
        if chart is not None:
            charts.append(chart)
    return [report.heading("Trends", level), *charts] if charts else []


# --- Resources -------------------------------------------------------------------------------


def resources_section(report: Report, section: str) -> list[Part]:
    """One `##` section of resources.md with its heading; nothing when the year has none."""
    if not report.has_narrative("resources.md", section):
        return []
    return [report.heading(section, 2), *report.narrative("resources.md", section, level=2)]


def has_figures(report: Report, chapter: str) -> bool:
    return any(report.indicator(i).chapter == chapter for i, _ in report.data.values)


def spending_charts(report: Report) -> list[Part]:
    """Where the money went: spending by area, and how spending was funded."""
    if not has_figures(report, "resources"):
        return [unavailable(report, "Figures on spending, funding and investment")]
    parts: list[Part] = []
    areas = report.values_chart(SPENDING_AREAS, "Spending on selected services", "Service")
    budget_lines = [i for i in report.catalogue.indicators if i.startswith("spend_budget_")]
    budget = report.values_chart(budget_lines, "Budgeted spending by service", "Service")
    share = report.value(FUNDING_SHARES[0])
    caption = (
        "Share of funding from each source (shares of the published funding lines)"
        if share is not None and share.derived
        else "Share of spending funded by each source"
    )
    funding = report.values_chart(list(FUNDING_SHARES), caption, "Source of funding")
    parts += [chart for chart in (areas, budget, funding) if chart is not None]
    if areas is None and budget is None:
        parts.append(unavailable(report, "Spending by service"))
    if funding is None:
        parts.append(unavailable(report, "How spending was funded"))
    return parts


def capital_chart(report: Report) -> list[Part]:
    if not has_figures(report, "resources"):
        return []  # spending_charts has said the year has no resources figures
    chart = report.values_chart(
        SPENDING_SPLIT, "Day-to-day spending and capital investment", "Spending"
    )
    return [chart] if chart is not None else [unavailable(report, "Capital investment")]


def resources_in_figures(report: Report) -> list[Part]:
    """For a year without resources narrative, its resources figures; for any year, trends."""
    parts: list[Part] = []
    if not report.has_narrative("resources.md") and has_figures(report, "resources"):
        parts += in_figures(report, "resources", "Resources in figures")
    return parts + trends(report, "resources")


# --- Activity and performance -------------------------------------------------------------------


def performance(report: Report) -> list[Part]:
    fw = report.framework
    parts: list[Part] = [report.heading(f"{report.year} Activity and Performance", 1)]
    if fw is None:
        parts.append(
            report.markdown(
                escape(
                    f"No strategic framework in the data applies to {report.year}, so this "
                    "report has no performance chapters; the year's published figures follow."
                )
            )
        )
        return parts + in_figures(report, "performance", "Activity and performance in figures")
    cat = report.catalogue
    themes = cat.themes_of(fw)
    names = [f"performance/{t.id}.md" for t in themes]
    names += [f"performance/{p.id}.md" for t in themes for p in cat.priorities_of(t)]
    if not any(report.has_narrative(name) for name in names):
        return (
            parts
            + outline(report)
            + in_figures(report, "performance", "Activity and performance in figures")
            + trends(report, "performance")
        )
    parts += report.narrative("performance/introduction.md", level=2)
    for theme in themes:
        parts.append(report.heading(f"{fw.theme_term} {theme.number} - {theme.title}", 2))
        summary = report.narrative(f"performance/{theme.id}.md", level=4)
        if summary:
            parts += [report.heading("Summary", 3), *summary]
        for priority in cat.priorities_of(theme):
            parts += priority_section(report, theme.number, priority)
    return parts + trends(report, "performance")


def outline(report: Report) -> list[Part]:
    """The framework's structure, for a year whose performance is not yet written up."""
    fw = report.framework
    cat = report.catalogue
    parts: list[Part] = [
        report.markdown(
            escape(
                f"The activity and performance narrative for {report.year} is not available in the "
                f"data. The {fw.name} sets out what the council reports against:"
            )
        )
    ]
    for theme in cat.themes_of(fw):
        parts.append(report.heading(f"{fw.theme_term} {theme.number} - {theme.title}", 2))
        items = [
            f"- {escape(f'{fw.priority_term} {p.number} - {p.title}')}"
            for p in cat.priorities_of(theme)
        ]
        parts.append(report.markdown("\n".join(items)))
    return parts


def priority_section(report: Report, theme_number: int, priority) -> list[Part]:
    fw = report.framework
    title = (
        f"{fw.theme_term} {theme_number} {fw.priority_term} {priority.number} - {priority.title}"
    )
    parts: list[Part] = [report.heading(title, 3)]
    name = f"performance/{priority.id}.md"
    words = report.narrative(name, level=4)
    if not words:
        return parts + [unavailable(report, f"A report on this {fw.priority_term.lower()}")]
    parts += words
    keys = report.placeholders(name)
    if keys:
        report.enter(title, 3)
        parts.append(
            report.figures_table(
                keys,
                f"Figures for {fw.priority_term.lower()} "
                f"{theme_number}.{priority.number}, "
                f"{report.year}",
            )
        )
    return parts


# --- Contact ------------------------------------------------------------------------------------


def contact(report: Report) -> list[Part]:
    parts: list[Part] = [report.heading("Contact us", 1)]
    return parts + (
        report.narrative("contact.md", level=2) or [unavailable(report, "Contact details")]
    )
