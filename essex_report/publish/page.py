"""Read an HTML page as a reader (or a checker) meets it: the words it shows, its headings,
captions, images' alt text, and what it links to or loads. The one HTML reader of the
package and its tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

HIDDEN = {"script", "style", "head", "template", "noscript"}  # text a reader never sees
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LOADS = ("img", "script", "iframe", "source", "video", "audio", "embed", "object")


def squeeze(text: str) -> str:
    """Runs of white space (and no-break spaces) as one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@dataclass
class Page:
    """What an HTML page shows and does."""

    text: str = ""  # every word a reader sees, white space squeezed
    has_body: bool = False
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text)
    captions: list[str] = field(default_factory=list)  # tables' <caption>
    figure_captions: list[str] = field(default_factory=list)  # <figcaption>
    alts: list[str] = field(default_factory=list)  # images' alt, inline charts' aria-label
    sources: list[str] = field(default_factory=list)  # src of img, script, iframe ...
    links: list[str] = field(default_factory=list)  # href of a and link
    description: str = ""  # <meta name="description">
    generator: str = ""  # <meta name="generator">
    tags: set[str] = field(default_factory=set)  # every element name in the page
    attributes: set[str] = field(default_factory=set)  # every attribute name in the page

    @property
    def heading_texts(self) -> list[str]:
        return [text for _, text in self.headings]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.hidden = 0
        self.words: list[str] = []
        self.open: str | None = None  # a heading or caption being read
        self.collected: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        page = self.page
        page.tags.add(tag)
        page.attributes.update(found)
        page.has_body |= tag in ("body", "main")
        self.hidden += tag in HIDDEN
        if tag in HEADINGS | {"caption", "figcaption"}:
            self.open, self.collected = tag, []
        if tag == "img":
            page.alts.append(found.get("alt", ""))
        if tag == "svg" and found.get("role") == "img":  # a chart inlined in the page
            page.alts.append(found.get("aria-label", ""))
        if tag in LOADS and (found.get("src") or found.get("data")):
            page.sources.append(found.get("src") or found.get("data", ""))
        if tag in ("a", "link", "area", "base") and found.get("href"):
            page.links.append(found["href"])
        if tag == "meta" and found.get("name") in ("description", "generator"):
            setattr(page, found["name"], squeeze(found.get("content", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if tag != self.open:
            return
        text = squeeze("".join(self.collected))
        if tag == "caption":
            self.page.captions.append(text)
        elif tag == "figcaption":
            self.page.figure_captions.append(text)
        else:
            self.page.headings.append((int(tag[1]), text))
        self.open = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.words.append(data)
        if self.open:
            self.collected.append(data)


def read_html(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.page.text = squeeze(" ".join(reader.words))
    return reader.page


def visible_text(html: str) -> str:
    """The words a reader sees; a page without a body is a ValueError."""
    page = read_html(html)
    if not page.has_body:
        raise ValueError("it has no <body>")
    return page.text
