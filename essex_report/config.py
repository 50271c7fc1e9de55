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

QUARTO_FILE = "_quarto.yml"
BRAND_FILE = "_brand.yml"
SECTION = "essex-report"  # the workbook's own section of _quarto.yml (Quarto ignores it)
HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def read_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML configuration file of the repository as a mapping; missing or not YAML is one
    line saying what the file is for. Read as YAML 1.1 without aliases' expansion limits
    mattering: a configuration file is small and the repository's own."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ReportError(f"{shown(path)} is missing; it {what}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{shown(path)} cannot be read ({error}); it {what}") from None
    except yaml.YAMLError as error:
        raise ReportError(f"{shown(path)} is not valid YAML: {error}".split("\n")[0]) from None
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


def load_config(path: Path) -> ReportConfig:
    """_quarto.yml, checked: chapters listed, every file it names inside the repository."""
    config = read_yaml(path, "lists the report's chapters")
    root = path.parent
    book = config.get("book") or {}
    chapters = book.get("chapters") if isinstance(book, dict) else None
    if (
        not chapters
        or not isinstance(chapters, list)
        or not all(isinstance(c, str) for c in chapters)
    ):
        raise ReportError(f"{shown(path)}: book: chapters must list the notebooks in order")
    for chapter in chapters:
        _inside(root, chapter, "book: chapters", path, must_exist=False)
    raw_formats = config.get("format") or {}
    if not isinstance(raw_formats, dict):
        raise ReportError(f"{shown(path)}: format: must be a mapping of formats")
    formats = {str(name): dict(options or {}) for name, options in raw_formats.items()}
    for name, options in formats.items():
        for option in ("css", "include-in-header", "reference-doc"):
            named = options.get(option) or []
            for entry in [named] if isinstance(named, str) else named:
                # brand.typ is written before each render: it need not exist yet.
                must = not str(entry).endswith(f"/{TYPST_BRAND}")
                _inside(root, entry, f"format: {name}: {option}", path, must_exist=must)
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
    return ReportConfig(
        root=root,
        title=str(config.get("title", book.get("title", "Annual Report"))),
        author=str(config.get("author", book.get("author", ""))),
        chapters=tuple(chapters),
        lang=str(config.get("lang", "en-GB")),
        toc=bool(config.get("toc", True)),
        toc_depth=int(config.get("toc-depth", 2)),
        toc_title=str(config.get("toc-title", "Contents")),
        formats=formats,
        filters=filters,
        font_paths=font_paths,
        execute=dict(config.get("execute") or {}),
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


def load_brand(path: Path) -> Brand:
    """`_brand.yml` read and checked: every colour a palette name or #RRGGBB."""
    raw = read_yaml(path, "gives the report's identity")
    colour = raw.get("color") or {}
    palette = {str(k): str(v) for k, v in (colour.get("palette") or {}).items()}

    def resolve(value: object, where: str) -> str:
        text = str(value)
        text = palette.get(text, text)
        if not HEX.fullmatch(text):
            raise ReportError(
                f"{shown(path)}: {where} is {value!r}; expected a palette name or #RRGGBB"
            )
        return text.upper()

    colours = {name: resolve(value, f"color: palette: {name}") for name, value in palette.items()}
    for role, value in colour.items():
        if role != "palette":
            colours[role] = resolve(value, f"color: {role}")
    typography = raw.get("typography") or {}
    base = typography.get("base") or {}
    headings = typography.get("headings") or {}
    link = typography.get("link") or {}
    name = (raw.get("meta") or {}).get("name") or {}
    return Brand(
        name=str(name.get("full", name) if isinstance(name, dict) else name),
        colours=colours,
        font=str(base.get("family", "Lato")),
        monospace=str((typography.get("monospace") or {}).get("family", "DejaVu Sans Mono")),
        size=str(base.get("size", "11pt")),
        line_height=float(base.get("line-height", 1.5)),
        heading_colour=resolve(
            headings.get("color", colours.get("foreground", "#000000")), "headings"
        ),
        link_colour=resolve(link.get("color", colours.get("primary", "#000000")), "link"),
        palette={k: colours[k] for k in palette},
    )
