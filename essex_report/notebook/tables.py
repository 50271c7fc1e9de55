"""Tables of figures: each with its basis and, where the previous year has the figure on the
same basis, the change."""

from __future__ import annotations

from collections.abc import Iterable

from essex_report.notebook.figures import NOT_AVAILABLE, Figures, Key, key_of
from essex_report.notebook.markup import heading, pipe_table
from essex_report.notebook.parts import Part, Parts, Printed


def table(figures: Figures, keys: Iterable[Key], caption: str) -> Part:
    """A table of figures with their basis and, where the previous year has the figure
    on the same basis, the change. Figures the year does not have are left out."""
    previous = figures.year.previous()
    rows: list[list[str]] = []
    printed: list[Printed] = []
    for key in keys:
        indicator, breakdown = key_of(key)
        value = figures.value(indicator, breakdown)
        if value is None:
            continue
        text, record = figures.printed(value)
        printed.append(record)
        moved = figures.change(key)
        change_text = ""
        if moved:
            was, was_record = figures.printed(moved.previous)
            printed.append(was_record)
            what = moved.describe(figures.indicator(indicator).unit)
            change_text = (
                "no change" if moved.delta == 0 else f"{what}, {moved.verdict}"
            ) + f" (from {was})"
        rows.append([figures.label(value), text, figures.basis_label(value), change_text])
    if not rows:
        return Part()
    header = ["Figure", "Value", "Basis"]
    widths = [44, -12, 16]
    if any(row[3] for row in rows):
        header.append(f"Change on {previous}")
        widths.append(28)
        rows = [[*row[:3], row[3] or NOT_AVAILABLE] for row in rows]
    else:
        rows = [row[:3] for row in rows]
    markdown = pipe_table(header, rows, widths, caption)
    return Part(markdown, tuple(printed), kind="table", caption=caption)


def chapter_keys(figures: Figures, chapter: str) -> list[tuple[str, str]]:
    """Every figure the year has of a chapter ("resources" or "performance"), by label."""
    keys = [k for k in figures.data.values if figures.indicator(k[0]).chapter == chapter]
    return sorted(keys, key=lambda k: (figures.indicator(k[0]).label, k[1]))


def chapter_table(figures: Figures, chapter: str, title: str, level: int = 2) -> Parts:
    """A heading and a table of every figure of a chapter: what a year without words
    still shows. Nothing when the year has no figures of the chapter."""
    keys = chapter_keys(figures, chapter)
    if not keys:
        return Parts()
    return Parts([Part(heading(title, level)), table(figures, keys, f"{title}, {figures.year}")])
