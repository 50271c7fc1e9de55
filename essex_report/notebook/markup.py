"""The one escaping boundary: every string a build reads (data/, notebook Markdown cells,
_quarto.yml, narrative front matter) becomes Markdown here, and only here.

Pandoc (and so Quarto) turns the Markdown into HTML, Typst and Word; a string escaped by
`escape` prints literally in all of them: no HTML, link, image, Typst command, fenced div or
Quarto shortcode can come out of what a build reads. Words keep a small subset (`words`:
headings, bullet and numbered lists, paragraphs, *italic* and **bold**, and in a notebook's
own Markdown links to the files published beside the report); tables and links are built
here too, from escaped parts.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from essex_report.errors import ReportError

# Every ASCII character pandoc may read as markup: escaped with a backslash, it prints as
# itself. A colon is markup only where a line starts with it ("::: name" opens a div, ": " after
# a line makes a definition): escaped there.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+\-.!|~^$@&=])")
LEADING_COLON = re.compile(r"^(\s*):")
EMPHASIS = re.compile(r"\*\*(?P<bold>[^*]+)\*\*|\*(?P<italic>[^*\s][^*]*)\*")
HEADING_LINE = re.compile(r"(?P<marks>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"(?P<indent> *)(?:[-*+•]|(?P<number>[0-9]{1,3})[.)])\s+(?P<text>.*)")
LINK = re.compile(r"\[(?P<words>[^\[\]]+)\]\((?P<target>[^()\s]+)\)")
# Files published beside the report, which a notebook's own words may link to; any other
# link, web addresses included, is printed as written (a notebook's words are not a web page).
OWN_FILES = frozenset({"figures.html", "figures.csv"})
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
        return line_start(_inline(flat))
    if context == "attribute":
        return flat.replace("\\", "\\\\").replace('"', '\\"')
    if context == "url":
        parts = urlsplit(flat)
        if parts.scheme != "https" or not parts.hostname or parts.username:
            raise ReportError(f"'{flat}' is not an https address; only https links are printed")
        return "<" + quote(flat, safe=URL_SAFE) + ">"
    raise ValueError(f"unknown context {context!r}")


def _inline(text: str) -> str:
    """Words escaped where they follow others on a line (a colon is text there)."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", re.sub(r"\s+", " ", text))


def line_start(markdown: str) -> str:
    """Escaped words as the start of a line: a colon there escaped too."""
    return LEADING_COLON.sub(r"\1\\:", markdown)


def link(text: str, url: str) -> str:
    """A link whose words and address both come from data."""
    return f"[{escape(text)}]({escape(url, 'url')})"


def fill(
    text: str, resolve: Callable[[re.Match], str], pattern: re.Pattern, links: bool = False
) -> str:
    """Words as Markdown: placeholders resolved, `*italic*`/`**bold**` kept (around
    placeholders too) and, with `links`, links to the files published beside the report; the
    rest escaped. `resolve` returns the (already escaped) Markdown for one placeholder match."""

    def plain(words: str) -> str:
        out: list[str] = []
        position = 0
        for match in pattern.finditer(words):
            out.append(_inline(words[position : match.start()]))
            out.append(resolve(match))
            position = match.end()
        return "".join(out) + _inline(words[position:])

    def emphasised(words: str) -> str:
        out: list[str] = []
        position = 0
        for match in EMPHASIS.finditer(words):
            out.append(plain(words[position : match.start()]))
            marks = "**" if match["bold"] else "*"
            out.append(f"{marks}{plain(match['bold'] or match['italic'])}{marks}")
            position = match.end()
        return "".join(out) + plain(words[position:])

    if not links:
        return line_start(emphasised(text))
    out: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        if match["target"] in OWN_FILES:  # any other link is printed as written
            out.append(emphasised(text[position : match.start()]))
            out.append(f"[{emphasised(match['words'])}]({match['target']})")
            position = match.end()
    return line_start("".join(out) + emphasised(text[position:]))


def words_markdown(text: str, inline: Callable[[str, tuple[int, str] | None], str]) -> str:
    """Words written as Markdown (a notebook's Markdown cell), as Markdown that prints them:
    headings, bullet and numbered lists and paragraphs kept, each run of words given to
    `inline` (which escapes it; with the heading it is under, or None); everything else
    (HTML, code, fences, divs, tables, raw Typst) printed as written."""
    out: list[str] = []
    under: tuple[int, str] | None = None
    for line in text.split("\n"):
        heading_ = HEADING_LINE.fullmatch(line.strip())
        item = LIST_ITEM.fullmatch(line.rstrip())
        if not line.strip():
            out.append("")
        elif heading_:
            level = len(heading_["marks"])
            printed = inline(heading_["text"], under)
            out.append(f"{'#' * level} {printed}")
            under = (level, unescape(printed))
        elif item:
            marker = f"{item['number']}." if item["number"] else "-"
            out.append(f"{item['indent']}{marker} {inline(item['text'], under)}")
        else:  # never indented: four spaces would make a code block
            out.append(inline(line.strip(), under))
    return "\n".join(out)


def unescape(markdown: str) -> str:
    """Escaped words as they print (the backslashes `escape` added removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


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
