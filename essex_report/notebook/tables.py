"""Tables of figures, printed where they add something the words do not: the figures of a
chapter that has no words (a year's figures report), a figure on its own, the change on the
previous year where both years have a figure of the same kind and its series does not break,
and a total's lines with the total and any gap between them."""

from __future__ import annotations

from collections.abc import Iterable

from essex_report.data.derive import citations
from essex_report.data.formatting import format_value
from essex_report.data.totals import Lines, lines_of
from essex_report.notebook.figures import NOT_AVAILABLE, Figures, Key, key_of
from essex_report.notebook.markup import escape, heading, pipe_table
from essex_report.notebook.parts import Part, Parts, Printed


def table(figures: Figures, keys: Iterable[Key], caption: str) -> Part:
    """A table of figures as the year prints them: each labelled, with the period it covers
    and what kind of figure it is when it is not a result for the year ("(budget)"), and its
    value with its qualifier ("over £668m"). Figures the year does not have are left out."""
    rows: list[list[str]] = []
    printed: list[Printed] = []
    for key in keys:
        value = figures.value(*key_of(key))
        if value is None:
            continue
        printed.append(figures.printed(value)[1])
        rows.append([figures.described(value) + figures.kind([value]), figures.standalone(value)])
    if not rows:
        return Part()
    markdown = pipe_table(["Figure", figures.year.label], rows, [56, -14], caption)
    return Part(markdown, tuple(printed), kind="table", caption=caption)


def change_table(figures: Figures, keys: Iterable[Key], caption: str) -> Part:
    """The figures that the previous year has too, of the same kind and with no break in their
    series between the two years: both years, the change (in the figure's unit and in per
    cent, registered as a figure of its own) and whether it is better or worse. Nothing when
    no figure can be compared (report.change says why a figure is not)."""
    previous = figures.year.previous()
    rows: list[list[str]] = []
    printed: list[Printed] = []
    for key in dict.fromkeys(key_of(k) for k in keys):
        moved = figures.change(key)
        if moved is None:
            continue
        before, was = figures.printed(moved.previous)
        now, record = figures.printed(moved.current)
        shown, change_record = figures.change_printed(moved)
        printed += [was, record, change_record]
        verdict = "" if moved.delta == 0 else moved.verdict  # "no change" says it once
        rows.append([figures.label(moved.current), before, now, shown, verdict])
    if not rows:
        return Part()
    header = ["Figure", previous.label, figures.year.label, "Change", "Direction"]
    markdown = pipe_table(header, rows, [36, -12, -12, -20, 14], caption)
    return Part(markdown, tuple(printed), kind="table", caption=caption)


def chapter_keys(figures: Figures, chapter: str) -> list[tuple[str, str]]:
    """Every figure the year has of a chapter ("resources" or "performance"), by label."""
    keys = [k for k in figures.data.values if figures.indicator(k[0]).chapter == chapter]
    return sorted(keys, key=lambda k: (figures.indicator(k[0]).label, k[1]))


def keys_table(figures: Figures, keys: list[tuple[str, str]], title: str, level: int) -> Parts:
    """A heading and a table of these figures ("<title>, <year>"); nothing without any."""
    if not keys:
        return Parts()
    return Parts([Part(heading(title, level)), table(figures, keys, f"{title}, {figures.year}")])


def chapter_table(figures: Figures, chapter: str, title: str, level: int = 2) -> Parts:
    """A heading and a table of every figure of a chapter: what a year without words
    still shows. Nothing when the year has no figures of the chapter."""
    return keys_table(figures, chapter_keys(figures, chapter), title, level)


def changes(figures: Figures, chapter: str, title: str, level: int = 2) -> Parts:
    """A heading and a table of the change on the previous year of every figure of a chapter
    that both years have on one basis, whether or not the year has words. Nothing when no
    figure can be compared."""
    caption = f"{title}, {figures.year.previous()} to {figures.year}"
    compared = change_table(figures, chapter_keys(figures, chapter), caption)
    return Parts([Part(heading(title, level)), compared]) if compared else Parts()


def lines_table(figures: Figures, total: str, caption: str, with_lines: bool = True) -> Parts:
    """A total's lines as the year has them (relations.csv), the total, and what lies between:
    a published total the lines fall short of shows the gap as a row and in words; lines the
    year lacks are named. `with_lines`: the lines themselves too (not when a chart of them
    shows them). Nothing when the year has none of the total's lines."""
    figures.indicator(total)
    lines = lines_of(total, figures.catalogue, figures.data)
    if lines is None:
        return Parts()
    rows: list[list[str]] = []
    printed: list[Printed] = []
    for value in lines.lines if with_lines else ():
        printed.append(figures.printed(value)[1])
        rows.append([figures.described(value), figures.standalone(value)])
    for name in lines.missing:
        rows.append([figures.indicator(name).label, NOT_AVAILABLE])
    words = ""
    if lines.value is not None:
        shown, record = figures.printed(lines.value)
        printed.append(record)
        rows.append([figures.label(lines.value), figures.standalone(lines.value)])
        if lines.gap is not None and not lines.agrees:
            added, gap, records = gap_printed(figures, lines)
            printed += records
            rows.append([records[1].label, gap])
            name = figures.label(lines.value)
            words = (
                f"The lines published for {figures.year} add up to {added}, {gap} less than "
                f"{name[:1].lower()}{name[1:]} of {shown}: not every line is published."
            )
    elif lines.missing:
        lacking = ", ".join(figures.indicator(i).label for i in lines.missing)
        words = (
            f"The lines of {figures.indicator(total).label.lower()} published for "
            f"{figures.year} are incomplete ({lacking}: {NOT_AVAILABLE}), so the total is "
            "not given."
        )
    if not rows:
        return Parts([Part(escape(words)) if words else None])
    table_part = Part(
        pipe_table(["Line", "Value"], rows, [50, -16], caption),
        tuple(printed),
        kind="table",
        caption=caption,
    )
    return Parts([table_part, Part(escape(words)) if words else None])


def gap_printed(figures: Figures, lines: Lines) -> tuple[str, str, list[Printed]]:
    """The lines added up and what a published total has beyond them, as printed and
    registered: two figures of their own, derived from the total and its lines."""
    total = lines.value
    if total is None or lines.gap is None:
        raise ValueError("a gap needs a published total")  # callers check
    inputs = [f"{v.indicator} ({figures.text(v)})" for v in lines.lines]
    cited = citations((total, *lines.lines))
    records = []
    for measure, amount, label, formula in (
        ("lines", lines.sum, "the lines published added up", " + ".join(inputs)),
        (
            "gap",
            lines.gap,
            "not in the lines published",
            f"{total.indicator} ({figures.text(total)}) - (" + " + ".join(inputs) + ")",
        ),
    ):
        text = format_value(amount, lines.unit, lines.places)
        records.append(
            Printed(
                total.indicator,
                "",
                total.year.label,
                f"{figures.label(total)}: {label}",
                str(amount),
                lines.unit,
                "derived",
                text,
                "derived",
                cited,
                formula=formula,
                measure=measure,
            )
        )
    return records[0].text, records[1].text, records
