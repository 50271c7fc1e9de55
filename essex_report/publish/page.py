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


# --- Active content and outside loads ----------------------------------------------------------

# Elements that run code, embed another page, submit or redirect: a report has none.
RUNS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
        "portal", "fencedframe", "noembed"}  # fmt: skip
# Attributes whose value a browser fetches (on any element), and those that navigate (a, area).
FETCHES = {"src", "srcset", "poster", "data", "background", "action", "formaction", "ping",
           "codebase", "archive", "lowsrc", "dynsrc", "manifest", "xlink:href"}  # fmt: skip
FETCHED_HREF = {"link", "image", "use", "feimage", "script", "tref", "mpath"}  # href loads
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:", "livescript:")
CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<target>.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
CSS_STRING = re.compile(r"(['\"])(?P<target>.*?)\1", re.DOTALL)
IMAGE_SET = re.compile(r"image-set\((?P<inner>[^)]*)\)", re.IGNORECASE)


def _plain_address(value: str) -> str:
    """An address as a browser reads its scheme: spaces, tabs and controls dropped, lower case."""
    return re.sub(r"[\x00-\x20\x7f]", "", value).lower()


def _embedded(value: str) -> bool:
    """Whether an address needs nothing from outside: a fragment, or data inside the page."""
    plain = _plain_address(value)
    return plain.startswith("#") or (
        plain.startswith("data:") and not plain.startswith("data:text/html")
    )


def _style_problem(css: str) -> str | None:
    if "<" in css:
        return "a <style> holding markup"
    lowered = css.lower()
    if "expression(" in lowered or "javascript:" in _plain_address(lowered):
        return "a style that runs code"
    if "@import" in lowered:
        return "a style that loads another (@import)"
    targets = [m["target"] for m in CSS_URL.finditer(css)]
    for inner in IMAGE_SET.finditer(css):
        targets += [m["target"] for m in CSS_STRING.finditer(inner["inner"])]
    outside = next((t for t in targets if not _embedded(t)), None)
    return None if outside is None else f"a style that loads {outside}"


class _Active(HTMLParser):
    """The first thing in a page that runs, navigates to code, or loads from outside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None
        self.style: list[str] | None = None  # the text of a <style> being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is None:
            self.found = self._problem(tag, {name: value or "" for name, value in attrs})
        if tag == "style":
            self.style = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self.style is not None:
            if self.found is None:
                self.found = _style_problem("".join(self.style))
            self.style = None

    def handle_data(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)

    @staticmethod
    def _problem(tag: str, attrs: dict[str, str]) -> str | None:
        if tag in RUNS:
            article = "an" if tag[0] in "aeiou" else "a"
            return f"{article} <{tag}> element"
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            return "a <meta> that refreshes or redirects the page"
        if tag in ("animate", "set") and "href" in attrs.get("attributename", "").lower():
            return f"an <{tag}> that changes an address"
        for name, value in attrs.items():
            if name.startswith("on"):
                return f"an {name} attribute on <{tag}> (code run by the browser)"
            address = _plain_address(value)
            if name in ("href", "xlink:href", "action", "formaction", "src", "data"):
                scheme = next((s for s in DANGEROUS_SCHEMES if address.startswith(s)), None)
                if scheme == "data:" and _embedded(value) and tag not in ("a", "area"):
                    scheme = None  # an image or font inside the page
                if scheme is not None:
                    return f"a {scheme} address in the {name} of <{tag}>"
            fetched = name in FETCHES or (name == "href" and tag in FETCHED_HREF)
            if fetched:
                candidates = [c.split()[0] for c in value.split(",") if c.strip()]
                candidates = candidates if name == "srcset" else [value]
                outside = next((c for c in candidates if not _embedded(c)), None)
                if outside is not None:
                    return f"<{tag}> that loads {outside.strip()} ({name}), from outside the page"
            if name == "style":
                problem = _style_problem(value)
                if problem is not None:
                    return f"{problem} (a style attribute on <{tag}>)"
        return None


def active_content(html: str) -> str | None:
    """What in a page would run code, navigate to code or load anything from outside it
    (the first such thing, as people read it), or None: a published page only shows."""
    reader = _Active()
    reader.feed(html)
    reader.close()
    return reader.found
