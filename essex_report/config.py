"""The report's configuration, read once per command: `_quarto.yml` (title, chapters, formats,
the workbook's own `essex-report:` section) and `_brand.yml` (colours, font, wordmark).
Imports only the foundations (errors, limits)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from essex_report import limits
from essex_report.errors import ReportError, shown
from essex_report.text import UniqueSafeLoader, hidden_problem

QUARTO_FILE = "_quarto.yml"
BRAND_FILE = "_brand.yml"
SECTION = "essex-report"  # the workbook's own section of _quarto.yml (Quarto ignores it)
HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def read_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML configuration file of the repository as a mapping; missing or not YAML is one
    line saying what the file is for. Anchors and aliases are refused: a few lines of them
    expand to gigabytes (a "billion laughs"), as in the narrative's front matter."""
    try:
        text = path.read_text(encoding="utf-8")
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise ReportError(
                    f"{shown(path)}, line {token.start_mark.line + 1}: a YAML anchor or alias "
                    "(& or *); write each value out in full"
                )
        loaded = yaml.load(text, Loader=UniqueSafeLoader) or {}
    except FileNotFoundError:
        raise ReportError(f"{shown(path)} is missing; it {what}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{shown(path)} cannot be read ({error}); it {what}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ReportError(
            f"{shown(path)}{where} is not valid YAML: {error}".split("\n")[0]
        ) from None
    if not isinstance(loaded, dict):
        raise ReportError(f"{shown(path)} is not a YAML mapping; it {what}")
    return loaded


def positive_seconds(value: object, where: str) -> int:
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,9}", str(value)):
        raise ReportError(f"{where} is {value!r}; expected a whole number of seconds such as 600")
    seconds = int(str(value))
    if not 1 <= seconds <= 24 * 3600:
        raise ReportError(f"{where} is {seconds}; expected from 1 to 86400 seconds")
    return seconds


@dataclass(frozen=True)
class ReportConfig:
    """What `_quarto.yml` says about the report. Paths are absolute, inside `root`."""

    root: Path  # the folder of _quarto.yml, which its paths are relative to
    title: str
    author: str
    chapters: tuple[str, ...]  # as _quarto.yml lists them, relative to root
    lang: str = "en-GB"
    toc: bool = True
    toc_depth: int = 2
    toc_title: str = "Contents"
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    execute: dict[str, Any] = field(default_factory=dict)  # `execute:` cell-option defaults
    filters: tuple[Path, ...] = ()  # Lua filters both renderers run (`filters:`)
    font_paths: tuple[Path, ...] = ()  # folders Typst reads fonts from (typst `font-paths:`)
    cell_timeout: int = limits.CELL_TIMEOUT
    # How far short of its target (per cent of the target) a figure is still "on track".
    target_tolerance: Decimal = Decimal(limits.TARGET_TOLERANCE)

    def chapter_path(self, chapter: str) -> Path:
        return self.root / chapter

    def style_file(self, fmt: str, option: str) -> Path | None:
        """A file an option of a format names (css, reference-doc), as an absolute path."""
        named = self.style_files(fmt, option)
        return named[0] if named else None

    def style_files(self, fmt: str, option: str) -> list[Path]:
        """The files an option of a format names (one or a list), as absolute paths."""
        named = self.formats.get(fmt, {}).get(option) or []
        return [self.root / n for n in ([named] if isinstance(named, str) else named)]


def _inside(root: Path, entry: object, where: str, config: Path, must_exist: bool) -> Path:
    """A path _quarto.yml names, which must lie inside the repository."""
    if not isinstance(entry, str) or not entry.strip():
        raise ReportError(f"{shown(config)}: {where} is {entry!r}; expected a file path")
    path = (root / entry).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ReportError(
            f"{shown(config)}: {where} names {entry}, which is outside the repository; "
            "a build reads only files inside it"
        )
    if must_exist and not path.exists():
        raise ReportError(f"{shown(config)} names {entry}, which does not exist")
    return path


# --- Strings and values that reach a page ------------------------------------------------------

# Characters a renderer may read as markup in words it is given (HTML, Typst, pandoc's
# Markdown, Quarto's shortcodes): words that reach a page are printed as written, so they
# need none of them.
MARKUP = set("<>{}[]`$\\")
LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")  # BCP 47: en-GB
LENGTH = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3})?(?:cm|mm|in|pt|em)")  # Typst: 2cm, 11pt
PAPER = re.compile(r"[a-z][a-z0-9-]{0,19}")  # Typst's paper names: a4, us-letter
FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,62}")  # a font family: Lato, DejaVu Sans Mono
SIZE = re.compile(r"(?:[6-9]|[1-3][0-9])(?:\.[0-9])?pt")  # the base size: 6pt to 39.9pt
PDF_STANDARDS = {"ua-1", "a-1b", "a-2b", "a-2u", "a-3b", "a-3u", "a-4", "1.7", "2.0"}
TOP_LEVEL = {
    "project", "book", "title", "subtitle", "author", "lang", "toc", "toc-depth",
    "toc-title", "execute", "filters", "format", SECTION,
}  # fmt: skip
PLAIN_FIELDS = ("title", "subtitle", "author", "toc-title")


class _Checked:
    """One configuration file's values, each checked as it is read: anything else is one
    line naming the file, the field and what it may be."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def refuse(self, where: str, what: str) -> ReportError:
        return ReportError(f"{shown(self.path)}: {where} {what}")

    def plain(self, value: object, where: str) -> str:
        """Words printed as written: text, no hidden characters, no markup characters."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.refuse(where, f"is {value!r}; expected plain words")
        text = str(value)
        hidden = hidden_problem(text)
        if hidden:
            raise self.refuse(where, hidden)
        if not text.strip() or len(text) > limits.MAX_WORDS:
            raise self.refuse(
                where, f"is {len(text)} characters; expected plain words, 1 to {limits.MAX_WORDS}"
            )
        if MARKUP & set(text):
            raise self.refuse(
                where,
                f"is {text!r}; expected plain words (it is printed as written, so it "
                "holds none of < > { } [ ] ` $ \\)",
            )
        return text

    def matches(self, value: object, pattern: re.Pattern[str], where: str, example: str) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.refuse(where, f"is {value!r}; expected {example}")
        if not pattern.fullmatch(str(value)):
            raise self.refuse(where, f"is {str(value)!r}; expected {example}")
        return str(value)

    def flag(self, value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.refuse(where, f"is {value!r}; expected true or false")
        return value

    def number(self, value: object, where: str, low: float, high: float) -> float:
        """A number from `low` to `high` (YAML's number, or a string holding one)."""
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = float("nan")
        if isinstance(value, bool) or not low <= number <= high:  # nan fails both
            raise self.refuse(where, f"is {value!r}; expected a number from {low:g} to {high:g}")
        return number

    def whole(self, value: object, where: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.refuse(where, f"is {value!r}; expected a whole number from {low} to {high}")
        return value

    def mapping(self, value: object, where: str, known: set[str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.refuse(where, f"is {value!r}; expected a mapping")
        for key in value:
            if known is not None and key not in known:
                listed = ", ".join(sorted(known))
                raise self.refuse(
                    f"{where}: {key}" if where else str(key),
                    f"is not a field essex-report reads (expected only {listed}); remove it",
                )
        return value


# The options of each format the renderers are given, and what each may be: anything else
# could add a script, a style, a download or raw Typst to the report.
HTML_OPTIONS = {"embed-resources", "minimal", "format-links", "css", "toc", "toc-depth",
                "number-sections"}  # fmt: skip
TYPST_OPTIONS = {"pdf-standard", "include-in-header", "papersize", "margin", "font-paths",
                 "fontsize", "mainfont", "toc", "toc-depth", "number-sections"}  # fmt: skip
DOCX_OPTIONS = {"reference-doc", "toc", "toc-depth", "number-sections"}
FORMAT_OPTIONS = {"html": HTML_OPTIONS, "typst": TYPST_OPTIONS, "docx": DOCX_OPTIONS}
MARGINS = {"x", "y", "top", "bottom", "left", "right"}


def _check_format(check: _Checked, name: str, options: dict[str, Any]) -> None:
    """One format's options, each of the form the renderers are safe with."""
    where = f"format: {name}"
    known = FORMAT_OPTIONS[name]
    for option, value in options.items():
        at = f"{where}: {option}"
        if option not in known:
            raise check.refuse(
                at,
                "is not an option essex-report gives the renderers (it could add a script, a "
                f"style or a download); expected only {', '.join(sorted(known))}",
            )
        if option in ("minimal", "format-links", "toc", "number-sections"):
            check.flag(value, at)
        elif option == "embed-resources" and value is not True:
            raise check.refuse(at, f"is {value!r}; expected true (the page is one file)")
        elif option == "toc-depth":
            check.whole(value, at, 1, 6)
        elif option == "papersize":
            check.matches(value, PAPER, at, "a paper name such as a4")
        elif option == "fontsize":
            check.matches(value, LENGTH, at, "a size such as 11pt")
        elif option == "mainfont":
            check.matches(value, FAMILY, at, "a font family such as Lato")
        elif option == "margin":
            for side, length in check.mapping(value, at, MARGINS).items():
                check.matches(length, LENGTH, f"{at}: {side}", "a length such as 2cm")
        elif option == "pdf-standard":
            wanted = [value] if isinstance(value, str) else value
            if (
                not isinstance(wanted, list)
                or not set(wanted) <= PDF_STANDARDS
                or "ua-1" not in wanted
            ):
                raise check.refuse(
                    at,
                    f"is {value!r}; expected ua-1 (the report's PDF is PDF/UA-1), "
                    f"with any of {', '.join(sorted(PDF_STANDARDS - {'ua-1'}))}",
                )


CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<target>.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
CSS_ESCAPE = re.compile(r"\\(?:(?P<hex>[0-9a-fA-F]{1,6})\s?|(?P<char>.))", re.DOTALL)


def _check_style(path: Path) -> None:
    """A style sheet the report names loads nothing: a renderer that embeds resources (pandoc,
    Quarto) would fetch an outside address, or read a file outside the repository, while it
    builds, and put it in the page as data: (where no check of the page could tell). CSS
    escapes are read first (`@\\69mport` is `@import`)."""
    try:
        written = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{shown(path)} cannot be read as UTF-8 ({error})") from None

    def char(found: re.Match[str]) -> str:
        if found["hex"]:
            code = int(found["hex"], 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return found["char"] if found["char"] != "\n" else ""

    text = CSS_ESCAPE.sub(char, written)

    def where(position: int) -> str:
        line = text.count("\n", 0, position) + 1
        return f"{shown(path)}, line {line}"

    imported = text.lower().find("@import")
    if imported >= 0:
        raise ReportError(
            f"{where(imported)}: loads another style sheet (@import); a style the report "
            "names may load nothing"
        )
    for found in CSS_URL.finditer(text):
        target = found["target"].strip()
        if not target.lower().startswith(("data:", "#")):
            raise ReportError(
                f"{where(found.start())}: loads {target} (url()); a style the report names may "
                "load nothing"
            )


def load_config(path: Path) -> ReportConfig:
    """_quarto.yml, checked: chapters listed, every file it names inside the repository,
    every string that reaches a page plain words, every format option one the renderers are
    safe with."""
    config = read_yaml(path, "lists the report's chapters")
    check = _Checked(path)
    check.mapping(config, "", TOP_LEVEL)
    root = path.parent
    book = check.mapping(config.get("book"), "book")
    chapters = book.get("chapters")
    if (
        not chapters
        or not isinstance(chapters, list)
        or not all(isinstance(c, str) for c in chapters)
    ):
        raise ReportError(f"{shown(path)}: book: chapters must list the notebooks in order")
    for chapter in chapters:
        _inside(root, chapter, "book: chapters", path, must_exist=False)
        if chapters.count(chapter) > 1:  # one executed notebook per chapter
            raise check.refuse("book: chapters", f"lists {chapter} twice; list it once")
    words = {
        field_: check.plain(config[field_], field_) for field_ in PLAIN_FIELDS if field_ in config
    }
    for field_ in ("title", "author"):
        if field_ in book:
            words.setdefault(field_, check.plain(book[field_], f"book: {field_}"))
    raw_formats = check.mapping(config.get("format"), "format")
    formats: dict[str, dict[str, Any]] = {}
    for name, options in raw_formats.items():
        if name not in FORMAT_OPTIONS:
            raise check.refuse(
                f"format: {name}",
                f"is not a format essex-report renders; expected {', '.join(FORMAT_OPTIONS)}",
            )
        formats[str(name)] = dict(check.mapping(options, f"format: {name}"))
        _check_format(check, name, formats[str(name)])
    for name, options in formats.items():
        for option in ("css", "include-in-header", "reference-doc"):
            named = options.get(option) or []
            for entry in [named] if isinstance(named, str) else named:
                # brand.typ is written before each render: it need not exist yet.
                must = not str(entry).endswith(f"/{TYPST_BRAND}")
                named = _inside(root, entry, f"format: {name}: {option}", path, must)
                if option == "css":
                    if not named.is_file():
                        raise check.refuse(f"format: {name}: css", f"names {entry}, not a file")
                    _check_style(named)
    filters = tuple(
        _inside(root, f, "filters", path, must_exist=True) for f in config.get("filters") or []
    )
    font_paths = tuple(
        _inside(root, f, "format: typst: font-paths", path, must_exist=True)
        for f in formats.get("typst", {}).get("font-paths") or []
    )
    own = config.get(SECTION) or {}
    timeout = own.get("cell-timeout") if isinstance(own, dict) else None
    cell_timeout = (
        limits.CELL_TIMEOUT
        if timeout is None
        else positive_seconds(timeout, f"{shown(path)}: {SECTION}: cell-timeout")
    )
    tolerance = own.get("target-tolerance") if isinstance(own, dict) else None
    lang = check.matches(config.get("lang", "en-GB"), LANG, "lang", "a language tag such as en-GB")
    return ReportConfig(
        root=root,
        title=words.get("title", "Annual Report"),
        author=words.get("author", ""),
        chapters=tuple(chapters),
        lang=lang,
        toc=check.flag(config.get("toc", True), "toc"),
        toc_depth=check.whole(config.get("toc-depth", 2), "toc-depth", 1, 6),
        toc_title=words.get("toc-title", "Contents"),
        formats=formats,
        filters=filters,
        font_paths=font_paths,
        execute=dict(check.mapping(config.get("execute"), "execute")),
        cell_timeout=cell_timeout,
        target_tolerance=target_tolerance(tolerance, f"{shown(path)}: {SECTION}: target-tolerance"),
    )


def target_tolerance(value: object, where: str) -> Decimal:
    """The per cent of a target a figure may fall short by and be on track (0 to 100)."""
    if value is None:
        return Decimal(limits.TARGET_TOLERANCE)
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", str(value)):
        raise ReportError(f"{where} is {value!r}; expected a per cent of the target such as 5")
    tolerance = Decimal(str(value))
    if tolerance > 100:
        raise ReportError(f"{where} is {tolerance}; expected from 0 to 100 per cent")
    return tolerance


# --- _brand.yml -------------------------------------------------------------------------------

TYPST_BRAND = "brand.typ"  # the brand as Typst, written from _brand.yml before each render


@dataclass(frozen=True)
class Brand:
    name: str  # the wordmark: the council's name, set in the brand font
    colours: dict[str, str]  # role or palette name -> #RRGGBB
    font: str  # the family of body text and headings
    monospace: str
    size: str  # base font size, e.g. 11pt
    line_height: float
    heading_colour: str
    link_colour: str
    palette: dict[str, str] = field(default_factory=dict)  # the named palette, in order

    def colour(self, name: str) -> str:
        return self.colours[name]


# What _brand.yml may hold: each field is read below, and checked, because both renderers
# and every page write it into CSS or Typst (a logo or a font source would be a download).
BRAND_FIELDS = {"meta", "color", "typography"}
META_FIELDS = {"name", "link"}
TYPOGRAPHY_FIELDS = {"fonts", "base", "headings", "link", "monospace"}
TYPE_FIELDS = {"family", "size", "line-height", "weight", "style", "color", "decoration"}
NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")  # a colour's name: dark-blue (a CSS property name)
HOME = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~/?#&=%+-]*)?")
WORD = re.compile(r"[a-z][a-z-]{0,19}|[1-9]00")  # bold, underline, 700
TYPE_SIZE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3})?(?:pt|px|em|rem|%)")  # 11pt, 1.25rem
FONT_FIELDS = {"family", "source", "weight", "style"}


def load_brand(path: Path) -> Brand:
    """`_brand.yml` read and checked, every field: colours a palette name or #RRGGBB under
    plain names, fonts plain family names the system has (never downloaded), sizes and
    heights numbers, the name plain words."""
    raw = read_yaml(path, "gives the report's identity")
    check = _Checked(path)
    check.mapping(raw, "", BRAND_FIELDS)
    colour = check.mapping(raw.get("color"), "color")
    palette: dict[str, str] = {}
    for key, value in check.mapping(colour.get("palette"), "color: palette").items():
        check.matches(key, NAME, f"color: palette: {key!r}", "a name such as dark-blue")
        palette[str(key)] = str(value)

    def resolve(value: object, where: str) -> str:
        text = str(value)
        text = palette.get(text, text)
        if not HEX.fullmatch(text):
            raise check.refuse(where, f"is {value!r}; expected a palette name or #RRGGBB")
        return text.upper()

    colours = {name: resolve(value, f"color: palette: {name}") for name, value in palette.items()}
    for role, value in colour.items():
        if role != "palette":
            check.matches(role, NAME, f"color: {role!r}", "a role such as primary")
            colours[str(role)] = resolve(value, f"color: {role}")
    typography = check.mapping(raw.get("typography"), "typography", TYPOGRAPHY_FIELDS)
    kinds = {
        kind: check.mapping(typography.get(kind), f"typography: {kind}", TYPE_FIELDS)
        for kind in ("base", "headings", "link", "monospace")
    }
    for kind, settings in kinds.items():  # every field, whether this package reads it or not
        at = f"typography: {kind}"
        for key in ("weight", "style", "decoration"):
            if key in settings:
                check.matches(settings[key], WORD, f"{at}: {key}", "a word")
        if "family" in settings:
            check.matches(settings["family"], FAMILY, f"{at}: family", "a font family")
        if "size" in settings:
            check.matches(settings["size"], TYPE_SIZE, f"{at}: size", "a size such as 11pt")
        if "line-height" in settings:
            check.number(settings["line-height"], f"{at}: line-height", 1, 3)
        if "color" in settings:
            resolve(settings["color"], f"{at}: color")
    fonts = typography.get("fonts") or []
    for font in fonts if isinstance(fonts, list) else [fonts]:
        font = check.mapping(font, "typography: fonts", FONT_FIELDS)
        check.matches(font.get("family"), FAMILY, "typography: fonts: family", "a family")
        for key in ("weight", "style"):
            if key in font:
                check.matches(font[key], WORD, f"typography: fonts: {key}", "a word")
        if font.get("source", "system") != "system":
            raise check.refuse(
                "typography: fonts: source",
                f"is {font.get('source')!r}; expected system (fonts come from the packages "
                "the set-up installs, never from a download)",
            )
    meta = check.mapping(raw.get("meta"), "meta", META_FIELDS)
    name = meta.get("name") or {}
    if isinstance(name, dict):
        full = check.plain(name.get("full", ""), "meta: name: full")
        if "short" in name:
            check.plain(name["short"], "meta: name: short")
    else:
        full = check.plain(name, "meta: name")
    for site, address in check.mapping(meta.get("link"), "meta: link", {"home"}).items():
        check.matches(address, HOME, f"meta: link: {site}", "a web address starting https://")
    base, monospace = kinds["base"], kinds["monospace"]
    return Brand(
        name=full,
        colours=colours,
        font=check.matches(
            base.get("family", "Lato"),
            FAMILY,
            "typography: base: family",
            "a font family such as Lato",
        ),
        monospace=check.matches(
            monospace.get("family", "DejaVu Sans Mono"),
            FAMILY,
            "typography: monospace: family",
            "a font family such as DejaVu Sans Mono",
        ),
        size=check.matches(
            base.get("size", "11pt"), SIZE, "typography: base: size", "a size such as 11pt"
        ),
        line_height=check.number(
            base.get("line-height", 1.5), "typography: base: line-height", 1, 3
        ),
        heading_colour=resolve(
            kinds["headings"].get("color", colours.get("foreground", "#000000")), "headings"
        ),
        link_colour=resolve(kinds["link"].get("color", colours.get("primary", "#000000")), "link"),
        palette={k: colours[k] for k in palette},
    )
