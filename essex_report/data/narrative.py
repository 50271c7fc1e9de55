"""The year's narrative, parsed: a small Markdown subset (paragraphs, `- ` bullets, headings,
`*italic*`, `**bold**`) with placeholders, and the numbers typed in words.

Narrative text is data, never markup: essex_report.notebook.markup escapes everything but the
subset, so HTML, links and Typst commands typed into a narrative file print literally.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import yaml

from essex_report.errors import DataError, Problem, Problems, Reason, shown
from essex_report.text import UniqueBaseLoader, hidden_problem

PLACEHOLDER = re.compile(r"\{\{\s*(?P<body>[^{}]*?)\s*\}\}")
# {{id}}, {{id[Breakdown]}}, {{id@2018/19}} (a fixed year), {{id@previous}} (the year before
# the report's), {{id@change}} (the change on the previous year).
PREVIOUS, CHANGE = "previous", "change"
REFERENCE = re.compile(
    r"(?P<indicator>[a-z][a-z0-9_]*)(?:\[(?P<breakdown>[^\[\]]+)\])?"
    r"(?:@(?P<year>[0-9/-]+|previous|change))?"
)


def fixed_year(ref: re.Match[str]) -> bool:
    """A placeholder naming a year of its own ({{id@2023/24}}): right in one year's report."""
    return bool(ref["year"]) and ref["year"] not in (PREVIOUS, CHANGE)


def figure_keys(text: str) -> list[tuple[str, str]]:
    """(indicator, breakdown) of every placeholder in `text` that prints a figure of the year
    itself, or its change (not {{year}}, not another year's figure), in order."""
    keys = []
    for match in PLACEHOLDER.finditer(text):
        ref = REFERENCE.fullmatch(match["body"])
        if ref and ref["year"] in (None, CHANGE) and match["body"] != "year":
            keys.append((ref["indicator"], ref["breakdown"] or ""))
    return keys


# A placeholder written with another number of braces than two on each side.
BRACED = re.compile(r"(?<!\{)(?P<open>\{+)\s*(?P<body>[^{}]*?)\s*(?P<close>\}+)(?!\})")
COUNTS = {1: "one brace", 3: "three braces", 4: "four braces"}


def brace_problems(text: str, is_indicator: Callable[[str], bool]) -> list[str]:
    """A message for every `{name}` or `{{{name}}}` in `text` that names the year or a figure
    (`is_indicator`): one brace prints as written, three print braces around the figure."""
    found = []
    for match in BRACED.finditer(text):
        width = len(match["open"])
        ref = REFERENCE.fullmatch(match["body"])
        if width == 2 or width != len(match["close"]) or ref is None:
            continue  # a placeholder, or one not closed (reported as such), or other words
        if match["body"] != "year" and not is_indicator(ref["indicator"]):
            continue
        count = COUNTS.get(width, f"{width} braces")
        what = "the year" if match["body"] == "year" else "a figure"
        result = "it would print as written" if width == 1 else "braces would print around it"
        found.append(
            f"'{match.group(0)}' names {what} with {count} on each side, so {result}; "
            f"write {{{{{match['body']}}}}}"
        )
    return found


CHART_LINE = re.compile(r"\{\{\s*chart:\s*(?P<ids>[a-z0-9_,\s]+?)\s*\}\}")
# A number standing on its own: not part of a name (J7a, RIS2), a range (16-17) or a date
# (2019/20). Optional currency before and scale or percent after.
NUMBER = re.compile(
    r"(?<![\w./-])(?P<currency>[£€])?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?P<suffix>%|bn|m|k)?(?![\w/-]|[.,]\d)"
)
NAME_WORD = re.compile(r"\b[A-Z][A-Za-z]*\s$")
TODO = "TODO:"  # a paragraph starting so is a drafting note: checked as a to-do, never printed


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, bullets, chart, todo (a drafting note, never printed)
    line: int
    text: str = ""
    level: int = 0
    items: tuple[tuple[int, str], ...] = ()  # bullets: (line, text)
    indicators: tuple[str, ...] = ()  # chart


@dataclass
class Narrative:
    path: Path
    front: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def section(self, heading: str) -> list[Block]:
        """The blocks under a `##` heading, up to the next heading of the same level."""
        found: list[Block] = []
        inside = False
        for block in self.blocks:
            if block.kind == "heading" and block.level <= 2:
                if inside:
                    break
                inside = block.text.strip() == heading
                continue
            if inside:
                found.append(block)
        if not inside and not found:
            raise KeyError(heading)
        return found

    def todos(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "todo"]

    def printable(
        self, blocks: list[Block] | None = None, has_data: Callable[[Block], bool] = bool
    ) -> list[Block]:
        """Blocks to print: drafting notes and charts without data dropped, and headings left
        with nothing under them."""
        blocks = [
            b
            for b in (self.blocks if blocks is None else blocks)
            if b.kind != "todo" and (b.kind != "chart" or has_data(b))
        ]
        kept: list[Block] = []
        for index, block in enumerate(blocks):
            if block.kind == "heading":
                below = []
                for later in blocks[index + 1 :]:
                    if later.kind == "heading" and later.level <= block.level:
                        break
                    below.append(later)
                if all(b.kind == "heading" for b in below):
                    continue
            kept.append(block)
        return kept

    def texts(self) -> Iterator[tuple[int, str]]:
        """Every run of words with its line number (headings, paragraphs, bullets)."""
        for block in self.blocks:
            if block.kind in ("heading", "paragraph"):
                yield block.line, block.text
            yield from block.items


def parse_narrative(path: Path, text: str, problems: Problems | None = None) -> Narrative:
    """A narrative file's front matter and blocks. Problems of form (front matter that is not
    `key: text` lines) are appended to `problems`, or raised when none is given."""
    found: list[Problem] = []
    doc = Narrative(path)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        hidden = hidden_problem(line)
        if hidden:
            found.append(Problem(shown(path), hidden, line=number, reason=Reason.NARRATIVE))
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            doc.front = _front_matter(path, "\n".join(lines[1:end]), found)
            start = end + 1
    if problems is None and found:
        raise DataError(found)
    if problems is not None:
        problems.extend(found)
    paragraph: list[str] = []
    para_line = 0
    bullets: list[list] = []

    def flush() -> None:
        nonlocal paragraph, bullets
        if paragraph:
            text = " ".join(paragraph)
            kind = "todo" if text.startswith(TODO) else "paragraph"
            doc.blocks.append(Block(kind, para_line, text))
            paragraph = []
        if bullets:
            doc.blocks.append(
                Block("bullets", bullets[0][0], items=tuple((n, " ".join(t)) for n, t in bullets))
            )
            bullets = []

    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.fullmatch(r"(#{1,6})\s+(.*)", line)
        chart = CHART_LINE.fullmatch(line)
        if heading:
            flush()
            doc.blocks.append(Block("heading", number, heading[2].strip(), level=len(heading[1])))
        elif chart:
            flush()
            ids = tuple(i.strip() for i in chart["ids"].split(",") if i.strip())
            doc.blocks.append(Block("chart", number, indicators=ids))
        elif re.match(r"[-•]\s+", line):
            if paragraph:
                flush()
            bullets.append([number, [re.sub(r"^[-•]\s+", "", line)]])
        elif bullets and raw[:1].isspace():
            bullets[-1][1].append(line)
        elif bullets:
            flush()
            paragraph, para_line = [line], number
        else:
            if not paragraph:
                para_line = number
            paragraph.append(line)
    flush()
    return doc


def _front_matter(path: Path, text: str, problems: list[Problem]) -> dict[str, str]:
    """Front matter as `key: text` pairs, read as plain strings (no dates, no numbers). YAML
    aliases are refused: a few lines of them expand to gigabytes (a "billion laughs")."""
    try:
        tokens = list(yaml.scan(text, Loader=yaml.BaseLoader))
        if any(isinstance(t, yaml.AliasToken | yaml.AnchorToken) for t in tokens):
            line = next(t for t in tokens if isinstance(t, yaml.AliasToken | yaml.AnchorToken))
            problems.append(
                Problem(
                    shown(path),
                    "the front matter uses a YAML anchor or alias (& or *); write each "
                    "value out in full",
                    line=line.start_mark.line + 2,
                    reason=Reason.NARRATIVE,
                )
            )
            return {}
        loaded = yaml.load(text, Loader=UniqueBaseLoader) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.append(
            Problem(
                shown(path),
                f"the front matter is not valid YAML ({error.problem}); write each line as "
                'key: text, in double quotes when the text holds ": " (role: "Leader: ...")',
                line=mark.line + 2 if mark else 1,
                reason=Reason.NARRATIVE,
            )
        )
        return {}
    except yaml.YAMLError as error:
        problems.append(
            Problem(
                shown(path),
                f"the front matter is not valid YAML ({error})",
                reason=Reason.NARRATIVE,
            )
        )
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        problems.append(
            Problem(
                shown(path),
                "the front matter must be lines of key: text (author: ..., role: ...)",
                line=2,
                reason=Reason.NARRATIVE,
            )
        )
        return {}
    front = {str(k): v for k, v in loaded.items()}
    published = front.get("published")
    if published and not any(_is_date(published, form) for form in DATE_FORMATS):
        at = next((n for n, s in enumerate(text.splitlines(), 2) if s.startswith("published")), 2)
        problems.append(
            Problem(
                shown(path),
                f"published: {published!r} is not a date; write a month and year (October "
                "2020) or a day, month and year (21 October 2020)",
                line=at,
                reason=Reason.NARRATIVE,
            )
        )
    return front


# A publication date as people write it (`published:` in a foreword), and the same form in
# Quarto's `date-format`: Quarto reads `date` as a date and prints it in its own format
# ("2020-10-01" for "October 2020") unless told the form.
DATE_FORMATS = {"%d %B %Y": "D MMMM YYYY", "%B %Y": "MMMM YYYY"}


def _is_date(text: str, form: str) -> bool:
    try:
        datetime.strptime(" ".join(text.split()), form)
    except ValueError:
        return False
    return True


# --- No figure typed twice ---------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A number typed in narrative text, in a form comparable with the data's values."""

    text: str
    kind: str  # "money" (base units of a currency), "percent" or "plain"
    amount: Decimal


SCALES = {"k": Decimal(10**3), "m": Decimal(10**6), "bn": Decimal(10**9)}


def literal_numbers(text: str) -> Iterator[Literal]:
    """Numbers typed in words (placeholders removed).

    Not treated as figures, when written as bare whole numbers: years (1900 to 2099), single
    digits, and numbers that follow a capitalised word, which in council prose are names and
    ordinals far more often than figures ("Level 3", "Year 11", "COVID 19", "7 day working").
    """
    words = PLACEHOLDER.sub(" ", text)
    for match in NUMBER.finditer(words):
        bare = not (
            match["currency"] or match["suffix"] or match["fraction"] or "," in match["number"]
        )
        before = NAME_WORD.search(words, 0, match.start())
        if bare and before:
            continue
        digits = match["number"].replace(",", "")
        amount = Decimal(digits + (f".{match['fraction']}" if match["fraction"] else ""))
        suffix = match["suffix"] or ""
        if suffix == "%":
            yield Literal(match.group(0), "percent", amount)
        elif match["currency"] or suffix in SCALES:
            yield Literal(match.group(0), "money", amount * SCALES.get(suffix, Decimal(1)))
        elif (
            "," in match["number"]
            or match["fraction"]
            or not (amount < 10 or 1900 <= amount <= 2099)
        ):
            yield Literal(match.group(0), "plain", amount)
