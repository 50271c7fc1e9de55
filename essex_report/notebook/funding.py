"""Shares of a whole, as the resources chapter shows how spending was funded: each line of a
total (the funding lines) as a share of the base the catalogue declares (spending), saying
what that base is, with what the lines leave of it (the gap) as a bar and a sentence. The
relations come from relations.csv: nothing here names an indicator."""

from __future__ import annotations

from essex_report.data.model import Relation, Value
from essex_report.notebook.charting import bar_chart
from essex_report.notebook.figures import Figures
from essex_report.notebook.markup import escape
from essex_report.notebook.parts import Part, Parts, Printed


def _relations(figures: Figures, rule: str) -> list[Relation]:
    return [r for r in figures.catalogue.relations if r.rule == rule]


def lines_named(figures: Figures, total: str) -> list[str]:
    """Every line any set of the total's lines names, in relations.csv's order."""
    return list(dict.fromkeys(i for r in figures.catalogue.lines_of(total) for i in r.inputs))


def share_figure(figures: Figures, line: str, of_total: str, within: bool) -> str | None:
    """The figure that is `line` as a share: of `of_total` itself (within), or of another
    base (not within)."""
    return next(
        (
            r.figure
            for r in _relations(figures, "share")
            if r.inputs[0] == line and (r.inputs[1] == of_total) == within
        ),
        None,
    )


def shares_chart(figures: Figures, total: str, caption: str, label_header: str) -> Parts:
    """Each line of `total` as a share of the base the catalogue declares (a chart), what the
    base is, and what the lines leave of it. Where the year has no base on the lines' basis,
    each line's share of the lines themselves, said to be that. Nothing when the year has
    neither."""
    figures.indicator(total)
    lines = lines_named(figures, total)
    names = [s for line in lines if (s := share_figure(figures, line, total, False))]
    shares = [v for name in names if (v := figures.value(name)) is not None]
    if not shares:
        return _shares_of_lines(figures, total, lines, caption, label_header)
    base = _base(figures, shares)
    gap = next(
        (
            v
            for r in _relations(figures, "difference")
            if r.inputs[1] == total and (v := figures.value(r.figure)) is not None
        ),
        None,
    )
    uncovered = None
    if gap is not None:
        name = share_figure(figures, gap.indicator, total, False)
        uncovered = figures.value(name) if name else None
    of = f"shares of {_name(figures, base)}" if base else "shares"
    chart = bar_chart(
        figures,
        [*names, *([uncovered.indicator] if uncovered else [])],
        f"{caption}: {of}",
        label_header,
        "Share",
    )
    if gap is None or gap.value == 0 or base is None:
        return chart
    printed: list[Printed] = []

    def text(value: Value) -> str:
        shown, figure = figures.printed(value)
        printed.append(figure)
        return shown

    lines_total = figures.value(total)
    words = f"The lines published for {figures.year} add up to "
    words += f"{text(lines_total)}, " if lines_total else ""
    words += f"{text(gap)} less than {_name(figures, base)} of {text(base)}"
    if uncovered is not None:
        words += f": {text(uncovered)} of it is not covered by the lines published"
    return Parts([chart, Part(escape(words + "."), tuple(printed))])


def _base(figures: Figures, shares: list[Value]) -> Value | None:
    """What the shares are shares of: a derived share's own base; for shares as published,
    the first base the catalogue declares that the year has on their basis."""
    for share in shares:
        if share.derived and share.rule == "share":
            return figures.value(share.inputs[1])
    bases = [r.inputs[1] for s in shares for r in figures.catalogue.relations_of(s.indicator)]
    for name in dict.fromkeys(bases):
        value = figures.value(name)
        if value is not None and value.basis == shares[0].basis:
            return value
    return None


def _name(figures: Figures, value: Value) -> str:
    label = figures.label(value)
    return label[:1].lower() + label[1:]


def _shares_of_lines(
    figures: Figures, total: str, lines: list[str], caption: str, label_header: str
) -> Parts:
    """For a year with the lines but no base on their basis: each line's share of the lines,
    said to be that."""
    names = [s for line in lines if (s := share_figure(figures, line, total, True))]
    lines_total = figures.value(total)
    if lines_total is None or not any(figures.value(n) for n in names):
        return Parts()
    shown, record = figures.printed(lines_total)
    bases = [
        figures.indicator(r.inputs[1]).label.lower()
        for r in _relations(figures, "share")
        if r.inputs[0] in lines and r.inputs[1] != total
    ]
    missing = " or ".join(dict.fromkeys(bases)) or "other total"
    name = _name(figures, lines_total)
    words = (
        f"No {missing} is in the data for {figures.year} on the same basis as {name}, so "
        f"these are shares of {name} ({shown})."
    )
    chart = bar_chart(figures, names, f"{caption}: shares of {name}", label_header, "Share")
    return Parts([chart, Part(escape(words), (record,))])
