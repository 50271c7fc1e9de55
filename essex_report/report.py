"""The notebook-facing API: one year's report, its figures, narrative, tables and charts.

Notebooks call `open_report(year, data_dir)` and then show chapters; everything they show
goes through `Report.show`, which records the figures each output prints for the register.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from essex_report import paths
from essex_report.charts import Bar, Chart, bar_chart
from essex_report.data import Indicator, Value, Workbook, raise_for
from essex_report.errors import ReportError
from essex_report.figures import change
from essex_report.formatting import format_value
from essex_report.load import load_workbook
from essex_report.register import CHART_METADATA, REGISTER_MIME, Record
from essex_report.text import PLACEHOLDER, REFERENCE, Block, escape, fill, pipe_table
from essex_report.years import FinancialYear, parse_year

NOT_AVAILABLE = "not available"
BASIS_LABELS = {
    "reported": "Reported",
    "budget": "Budget",
    "set": "Set for the year",
    "cumulative": "Running total",
    "target": "Target",
}


@dataclass(frozen=True)
class Markdown:
    text: str
    records: tuple[Record, ...] = ()


Part = Markdown | Chart


class Report:
    """One financial year's report, built from `data_dir` (the repository's data/ by default)."""

    def __init__(self, year: object, data_dir: str | Path | None = None):
        self.year: FinancialYear = parse_year(year)
        self.data_dir = Path(data_dir).resolve() if data_dir else paths.DATA_DIR
        self.book: Workbook = load_workbook(self.data_dir, self.year)
        raise_for(self.book.problems)
        self.catalogue = self.book.catalogue
        self.data = self.book.data(self.year)
        self.framework = self.catalogue.framework_for(self.year)
        self.narratives = self.book.narratives.get(self.year, {})
        self.section: list[str] = []
        self._records: list[Record] = []

    # --- figures -------------------------------------------------------------------------

    def indicator(self, indicator: str) -> Indicator:
        try:
            return self.catalogue.indicators[indicator]
        except KeyError:
            raise ReportError(f"'{indicator}' is not an indicator in data/indicators.csv") from None

    def value(
        self, indicator: str, breakdown: str = "", year: FinancialYear | None = None
    ) -> Value | None:
        return self.book.data(year or self.year).get(indicator, breakdown)

    def text(self, value: Value) -> str:
        """A value as printed, without recording it."""
        ind = self.indicator(value.indicator)
        return format_value(value.value, ind.unit, ind.decimals if value.derived else None)

    def figure(self, indicator: str, breakdown: str = "", year: FinancialYear | None = None) -> str:
        """A figure as printed, recorded in the register under the current section."""
        value = self.value(indicator, breakdown, year)
        if value is None:
            return NOT_AVAILABLE
        return self.record(value)

    def record(self, value: Value) -> str:
        ind = self.indicator(value.indicator)
        text = self.text(value)
        self._records.append(
            Record(
                value.indicator,
                value.breakdown,
                value.year.label,
                ind.label,
                str(value.value),
                ind.unit,
                value.basis,
                text,
                " > ".join(self.section) or "Report",
                value.source,
                value.section,
            )
        )
        return text

    # --- output --------------------------------------------------------------------------

    def markdown(self, text: str) -> Markdown:
        records, self._records = tuple(self._records), []
        return Markdown(text, records)

    def enter(self, title: str, level: int) -> None:
        """Make `title` (at heading `level`) the section figures are registered under."""
        del self.section[level - 1 :]
        self.section.append(title)

    def heading(self, title: str, level: int) -> Markdown:
        """A heading; it becomes the section figures below it are registered under."""
        self.enter(title, level)
        return self.markdown(f"{'#' * level} {escape(title)}")

    def show(self, *parts: Part) -> None:
        """Display parts in a notebook: Markdown with its figure records, charts as images."""
        from IPython.display import display

        for part in parts:
            if isinstance(part, Chart):
                display(
                    {"image/png": base64.b64encode(part.png).decode(), "text/plain": part.alt},
                    raw=True,
                    metadata={CHART_METADATA: {"fig-cap": part.caption, "fig-alt": part.alt}},
                )
                part = self.markdown(part.table)
            if part.text.strip() or part.records:
                display(
                    {
                        "text/markdown": part.text,
                        REGISTER_MIME: [r.to_json() for r in part.records],
                    },
                    raw=True,
                )

    # --- narrative -----------------------------------------------------------------------

    def has_narrative(self, name: str, section: str | None = None) -> bool:
        """Whether a narrative file (or one `##` section of it) has anything to print."""
        doc = self.narratives.get(name)
        if doc is None:
            return False
        printable = doc.printable(has_data=self._has_data)
        if section is None:
            return bool(printable)
        return any(b.kind == "heading" and b.level == 2 and b.text == section for b in printable)

    def _has_data(self, block: Block) -> bool:
        """A chart block has data when the year has breakdowns of any of its indicators."""
        return any(self.data.breakdowns(i) for i in block.indicators)

    def narrative(self, name: str, section: str | None = None, level: int = 2) -> list[Part]:
        """A narrative file (or one `##` section of it) as Markdown and charts.

        `level` is the heading level a `##` heading in the file takes in the report.
        """
        doc = self.narratives.get(name)
        if doc is None:
            return []
        blocks = doc.printable(doc.section(section) if section else doc.blocks, self._has_data)
        parts: list[Part] = []
        lines: list[str] = []
        for block in blocks:
            if block.kind == "heading":
                if lines:
                    parts.append(self.markdown("\n\n".join(lines)))
                    lines = []
                parts.append(self.heading(block.text, level + max(block.level, 2) - 2))
            elif block.kind == "chart":
                if lines:
                    parts.append(self.markdown("\n\n".join(lines)))
                    lines = []
                parts.append(self.breakdown_chart(block.indicators))
            else:
                lines.append(self._block_markdown(block))
        if lines:
            parts.append(self.markdown("\n\n".join(lines)))
        return parts

    def _block_markdown(self, block: Block) -> str:
        if block.kind == "bullets":
            return "\n".join(f"- {fill(text, self._resolve)}" for _, text in block.items)
        return fill(block.text, self._resolve)

    def _resolve(self, match: re.Match) -> str:
        body = match["body"]
        if body == "year":
            return escape(self.year.label)
        ref = REFERENCE.fullmatch(body)
        if ref is None:  # checks.py reports these before any notebook runs
            raise ReportError(f"'{match.group(0)}' is not a placeholder")
        year = parse_year(ref["year"]) if ref["year"] else None
        return escape(self.figure(ref["indicator"], ref["breakdown"] or "", year))

    def placeholders(self, name: str) -> list[tuple[str, str]]:
        """(indicator, breakdown) pairs a narrative file prints for this year, in order."""
        doc = self.narratives.get(name)
        found: list[tuple[str, str]] = []
        for _, text in doc.texts() if doc else []:
            for match in PLACEHOLDER.finditer(text):
                ref = REFERENCE.fullmatch(match["body"])
                if (
                    ref
                    and not ref["year"]
                    and (ref["indicator"], ref["breakdown"] or "") not in found
                ):
                    found.append((ref["indicator"], ref["breakdown"] or ""))
        for block in doc.blocks if doc else []:
            for indicator in block.indicators:
                found += [
                    (v.indicator, v.breakdown)
                    for v in self.data.breakdowns(indicator)
                    if (v.indicator, v.breakdown) not in found
                ]
        return found

    # --- tables and charts ---------------------------------------------------------------

    def figures_table(self, keys: list[tuple[str, str]], caption: str) -> Markdown:
        """A table of figures with basis and, where the previous year has one on the same
        basis, the change."""
        rows = []
        previous = self.year.previous()
        any_change = False
        for indicator, breakdown in keys:
            value = self.value(indicator, breakdown)
            if value is None:
                continue
            ind = self.indicator(indicator)
            label = f"{ind.label}: {breakdown}" if breakdown else ind.label
            before = self.value(indicator, breakdown, previous)
            moved = change(value, before, ind.direction) if before else None
            change_text = ""
            if moved:
                any_change = True
                moved_text = (
                    "no change"
                    if moved.delta == 0
                    else f"{moved.describe(ind.unit)}, {moved.verdict}"
                )
                change_text = f"{moved_text} (from {self.record(before)})"
            rows.append([label, self.record(value), self.basis_label(value), change_text])
        if not rows:
            return self.markdown("")
        header = ["Figure", "Value", "Basis"]
        widths = [44, -12, 16]
        if any_change:
            header.append(f"Change on {previous}")
            widths.append(28)
            rows = [[*row[:3], row[3] or NOT_AVAILABLE] for row in rows]
        else:
            rows = [row[:3] for row in rows]
        return self.markdown(pipe_table(header, rows, widths, caption))

    @staticmethod
    def basis_label(value: Value) -> str:
        """How a figure was arrived at (a running total with its date)."""
        label = BASIS_LABELS[value.basis]
        return f"{label} ({value.note})" if value.basis == "cumulative" and value.note else label

    def breakdown_chart(self, indicators: tuple[str, ...] | list[str]) -> Chart:
        """A bar chart of one indicator's breakdowns, or several grouped by breakdown."""
        bars: list[Bar] = []
        for indicator in indicators:
            ind = self.indicator(indicator)
            for value in self.data.breakdowns(indicator):
                if len(indicators) > 1:  # one row per indicator, one bar per breakdown
                    bars.append(
                        Bar(ind.label, float(value.value), self.record(value), value.breakdown)
                    )
                else:
                    bars.append(Bar(value.breakdown, float(value.value), self.record(value)))
        labels = [self.indicator(i).label for i in indicators]
        caption = f"{' and '.join(labels)}, {self.year}"
        return bar_chart(bars, caption, label_header="Figure" if len(indicators) > 1 else "Area")

    def trend_chart(self, indicator: str) -> Chart | None:
        """The indicator across years, on this year's basis, when at least three years have it."""
        current = self.value(indicator)
        if current is None:
            return None
        series = [
            value
            for year in sorted(self.book.years)
            if year <= self.year
            and (value := self.value(indicator, "", year)) is not None
            and value.basis == current.basis
        ]
        if len(series) < 3:
            return None
        ind = self.indicator(indicator)
        bars = [Bar(v.year.label, float(v.value), self.record(v)) for v in series]
        basis = BASIS_LABELS[current.basis].lower()
        caption = f"{ind.label}, {series[0].year} to {series[-1].year} ({basis})"
        gaps = [
            y.label
            for y in (FinancialYear(n) for n in range(series[0].year.start, self.year.start))
            if y not in {v.year for v in series}
        ]
        if gaps:
            caption += f"; no figure on this basis for {', '.join(gaps)}"
        return bar_chart(bars, caption, label_header="Year")

    def values_chart(self, indicators: list[str], caption: str, label_header: str) -> Chart | None:
        """A bar chart of several indicators' headline values (the ones this year has)."""
        present = [v for v in (self.value(i) for i in indicators) if v is not None]
        if not present:
            return None
        bars = [
            Bar(self.indicator(v.indicator).label, float(v.value), self.record(v)) for v in present
        ]
        bases = sorted({BASIS_LABELS[v.basis].lower() for v in present})
        return bar_chart(bars, f"{caption}, {self.year} ({', '.join(bases)})", label_header)


def open_report(year: object, data_dir: str | Path | None = None) -> Report:
    """The notebooks' first call: checks the year and the data, with one-line errors."""
    _quiet_errors()
    return Report(year, data_dir)


def _quiet_errors() -> None:
    """In a kernel, show a ReportError as its one-line message rather than a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, None), tb_offset=0, exception_only=True)
        return None

    shell.set_custom_exc((ReportError,), handler)
