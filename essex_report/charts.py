"""Charts in the house style: seaborn bars, each with caption, alt text and its numbers."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from essex_report.text import pipe_table

PALETTE = ["#00507A", "#E27100", "#5B8F22", "#7A3E9D", "#B8292F", "#4D4D4D"]
MAIN = PALETTE[0]


@dataclass(frozen=True)
class Bar:
    label: str  # the category on the axis
    value: float
    text: str  # the value as printed
    group: str = ""  # the series, for grouped bars


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str
    alt: str
    table: str  # Markdown pipe table of the same numbers


def describe(bars: list[Bar], caption: str, kind: str = "Bar chart") -> str:
    parts = [f"{b.group}, {b.label}: {b.text}" if b.group else f"{b.label}: {b.text}" for b in bars]
    return f"{kind}. {caption}. " + "; ".join(parts) + "."


def table_markdown(bars: list[Bar], caption: str, label_header: str) -> str:
    groups = list(dict.fromkeys(b.group for b in bars))
    labels = list(dict.fromkeys(b.label for b in bars))
    if groups == [""]:
        rows = [[b.label, b.text] for b in bars]
        return pipe_table([label_header, "Value"], rows, [60, -14], caption)
    cells = {(b.label, b.group): b.text for b in bars}
    rows = [[label, *(cells.get((label, g), "not available") for g in groups)] for label in labels]
    return pipe_table([label_header, *groups], rows, [50, *([-14] * len(groups))], caption)


def bar_chart(bars: list[Bar], caption: str, label_header: str = "") -> Chart:
    """A horizontal bar chart, grouped when the bars carry groups; values labelled on bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    order = list(dict.fromkeys(b.label for b in bars))
    groups = list(dict.fromkeys(b.group for b in bars))
    grouped = groups != [""]
    frame = pd.DataFrame(
        {
            "label": [textwrap.fill(b.label, 34) for b in bars],
            "value": [b.value for b in bars],
            "group": [b.group for b in bars],
        }
    )
    sns.set_theme(style="white", font="DejaVu Sans", font_scale=0.95)
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.45 * len(bars)), dpi=150)
    sns.barplot(
        data=frame,
        y="label",
        x="value",
        order=[textwrap.fill(label, 34) for label in order],
        hue="group" if grouped else None,
        hue_order=groups if grouped else None,
        palette=PALETTE[: len(groups)] if grouped else None,
        color=None if grouped else MAIN,
        orient="h",
        ax=ax,
        errorbar=None,
    )
    printed = {(b.label, b.group): b.text for b in bars}
    for container, group in zip(ax.containers, groups, strict=False):
        labels = [printed.get((label, group), "") for label in order]
        ax.bar_label(container, labels=labels, padding=4, fontsize=9)
    ax.set(xlabel="", ylabel="", xticks=[])
    ax.margins(x=0.2)
    sns.despine(ax=ax, left=False, bottom=True)
    if grouped:
        ax.legend(
            title="",
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            ncol=min(len(groups), 3),
        )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    kind = "Grouped bar chart" if grouped else "Bar chart"
    return Chart(
        buffer.getvalue(),
        caption,
        describe(bars, caption, kind),
        table_markdown(bars, caption, label_header),
    )
