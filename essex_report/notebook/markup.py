"""The one escaping boundary: every string from data/ becomes Markdown here, and only here.

Pandoc (and so Quarto) turns the Markdown into HTML, Typst and Word; a string escaped by
`escape` prints literally in all of them: no HTML, link, image, Typst command or Quarto
shortcode can come out of the data. Tables and links are built here too, from escaped parts.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from essex_report.errors import ReportError

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+\-.!|~^$@&=])")
EMPHASIS = re.compile(r"\*\*(?P<bold>[^*]+)\*\*|\*(?P<italic>[^*\s][^*]*)\*")
# Characters left as they are in a link target; everything else is percent-encoded.
URL_SAFE = "/:?#[]@!$&*+,;=%-._~"


def escape(text: str, context: str = "text") -> str:
    """`text` from data as Markdown that prints it literally.

    context "text": running text, headings, table cells, captions;
    "attribute": inside a double-quoted pandoc attribute (alt text);
    "url": a link target, which must be an https address (checked on load by
    essex_report.data.web, and again here).
    """
    flat = re.sub(r"\s+", " ", str(text))  # a newline would end a line or a table row
    if context == "text":
        return MARKDOWN_SPECIALS.sub(r"\\\1", flat)
    if context == "attribute":
        return flat.replace("\\", "\\\\").replace('"', '\\"')
    if context == "url":
        parts = urlsplit(flat)
        if parts.scheme != "https" or not parts.hostname or parts.username:
            raise ReportError(f"'{flat}' is not an https address; only https links are printed")
        return "<" + quote(flat, safe=URL_SAFE) + ">"
    raise ValueError(f"unknown context {context!r}")


def link(text: str, url: str) -> str:
    """A link whose words and address both come from data."""
    return f"[{escape(text)}]({escape(url, 'url')})"


def fill(text: str, resolve: Callable[[re.Match], str], pattern: re.Pattern) -> str:
    """Narrative words as Markdown: placeholders resolved, `*italic*`/`**bold**` kept, the rest
    escaped. `resolve` returns the (already escaped) Markdown for one placeholder match."""
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(_emphasis(text[position : match.start()]))
        out.append(resolve(match))
        position = match.end()
    out.append(_emphasis(text[position:]))
    return "".join(out)


def _emphasis(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in EMPHASIS.finditer(text):
        out.append(escape(text[position : match.start()]))
        if match["bold"]:
            out.append(f"**{escape(match['bold'])}**")
        else:
            out.append(f"*{escape(match['italic'])}*")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def heading(text: str, level: int) -> str:
    return f"{'#' * level} {escape(text)}"


def pipe_table(header: list[str], rows: list[list[str]], widths: list[int], caption: str) -> str:
    """A Markdown pipe table of plain-text cells (escaped here), with a caption.

    `widths` are relative column widths; a column whose width is negative is right-aligned
    (numbers). The separator line carries the widths, which pandoc and Quarto both honour.
    """
    rule = "|" + "|".join(("-" * abs(w) + ":") if w < 0 else (":" + "-" * w) for w in widths) + "|"
    lines = ["| " + " | ".join(escape(h) for h in header) + " |", rule]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + (f"\n\n: {escape(caption)}\n" if caption else "\n")


def grid_table(
    header: list[str], rows: list[list[list[str]]], widths: list[int], caption: str
) -> str:
    """A pandoc grid table whose cells may hold several paragraphs or a bullet list: each cell
    is a list of plain-text items (escaped here); an item starting "- " is a bullet."""

    def markdown(item: str) -> str:
        return "- " + escape(item[2:]) if item.startswith("- ") else escape(item)

    # A word is never split (a split escape would change its meaning): columns widen instead.
    widths = [
        max(
            [width]
            + [
                len(word) + 2
                for row in [[[h] for h in header], *rows]
                for word in markdown_words(row[i], markdown)
            ]
        )
        for i, width in enumerate(widths)
    ]

    def wrapped(cell: list[str], width: int) -> list[str]:
        lines: list[str] = []
        for item in cell:
            lines += textwrap.wrap(
                markdown(item),
                width,
                subsequent_indent="  " if item.startswith("- ") else "",
                break_long_words=False,
                break_on_hyphens=False,
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
    return "\n".join(out) + (f"\n\n: {escape(caption)}\n" if caption else "\n")


def markdown_words(cell: list[str], markdown: Callable[[str], str]) -> list[str]:
    return [word for item in cell for word in markdown(item).split()]
