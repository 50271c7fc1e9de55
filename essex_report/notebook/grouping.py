"""A year's figures grouped by the framework's aims (or areas), for a year without words: each
figure under the aim whose words print it in any year reported by the same framework (the
words of 2019/20 place the apprentices under "Transform the council"), the rest together.

The grouping is read from the narrative, never from a list of indicators: a year whose words
name other figures groups them by its own words."""

from __future__ import annotations

from essex_report.data.load import load_narratives, years_with_data
from essex_report.data.model import Framework, Theme
from essex_report.data.narrative import figure_keys
from essex_report.errors import Problems
from essex_report.notebook.figures import Figures
from essex_report.notebook.markup import heading
from essex_report.notebook.parts import Part, Parts
from essex_report.notebook.tables import change_table, table

FOLDERS = ("performance", "at-a-glance")


def themes_of_figures(figures: Figures, framework: Framework) -> dict[str, Theme]:
    """Each indicator's aim (or area), from the words of every year the framework reports:
    a narrative file of a priority, or of the aim itself, that prints the figure."""
    catalogue, data_dir = figures.catalogue, figures.book.data_dir
    found: dict[str, Theme] = {}
    for year in years_with_data(data_dir):
        if catalogue.framework_for(year) != framework:
            continue
        # Only those years' words are read (never their figures); their problems are the
        # build of those years' concern, not this one's.
        words = figures.book.narratives.get(year) or load_narratives(year, data_dir, Problems())
        for name, doc in sorted(words.items()):
            folder, _, stem = name.removesuffix(".md").partition("/")
            if folder not in FOLDERS:
                continue
            owner = catalogue.priorities.get(stem)
            theme = catalogue.themes.get(owner.theme if owner else stem)
            if theme is None:
                continue
            used = [key[0] for _, text in doc.texts() for key in figure_keys(text)]
            used += [i for block in doc.blocks for i in block.indicators]
            for indicator in used:
                found.setdefault(indicator, theme)
    return found


def figures_by_theme(
    figures: Figures,
    chapter: str,
    themes: list[Theme],
    framework: Framework | None,
    title_of: dict[str, str],
    level: int = 2,
) -> Parts:
    """For each aim (or area) with figures this year, a heading (`title_of` its id), a table
    of its figures and the change on the previous year where both have them; then the
    figures no aim's words print, under "Other figures" (or with no heading at all when no
    figure could be placed)."""
    keys = [k for k in figures.data.values if figures.indicator(k[0]).chapter == chapter]
    keys.sort(key=lambda k: (figures.indicator(k[0]).label, k[1]))
    placed = themes_of_figures(figures, framework) if framework else {}
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for theme in themes:
        mine = [k for k in keys if placed.get(k[0]) == theme]
        if mine:
            groups.append((title_of[theme.id], mine))
    rest = [k for k in keys if k[0] not in placed]
    if rest:
        groups.append(("Other figures" if groups else "", rest))
    parts: list[Part | Parts] = []
    for title, group in groups:
        name = title or f"{chapter.capitalize()} figures"
        if title:
            parts.append(Part(heading(title, level)))
        parts.append(table(figures, group, f"{name}, {figures.year}"))
        parts.append(
            change_table(figures, group, f"{name}: change since {figures.year.previous()}")
        )
    return Parts(parts)
