"""Render the year's stitched document: with Quarto when a `quarto` executable is available,
otherwise with the built-in renderer made of the engines Quarto uses (pandoc and Typst).

Both read the one configuration, `_quarto.yml`, and render in an ordinary temporary folder
(`render_folder`): Quarto ignores the project settings of anything under a folder whose name
starts with a dot.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from essex_report import paths
from essex_report.errors import BuildError, ReportError
from essex_report.reading import read_config
from essex_report.years import FinancialYear

FORMATS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
# A render of the year takes seconds; a renderer that runs for this long is stuck.
RENDER_TIMEOUT = 900
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class ReportConfig:
    """What `_quarto.yml` says about the report. Paths are absolute."""

    title: str
    author: str
    chapters: list[str]
    lang: str
    toc: bool
    toc_depth: int
    toc_title: str
    formats: dict[str, dict] = field(default_factory=dict)
    execute: dict = field(default_factory=dict)  # `execute:` cell-option defaults (echo ...)
    filters: tuple[Path, ...] = ()  # Lua filters both renderers run (`filters:`)
    font_paths: tuple[Path, ...] = ()  # folders Typst reads fonts from (typst `font-paths:`)
    root: Path = paths.ROOT  # the folder of _quarto.yml, which its paths are relative to

    def front_matter(
        self, year: FinancialYear, renderer: str, published: str | None = None
    ) -> dict:
        """The document's metadata. `date` (the PDF's cover): the publication date the year's
        data gives (`published:` in the foreword's front matter), else the build date."""
        return {
            "title": f"{self.title} {year}",
            "author": self.author,
            "lang": self.lang,
            "toc": self.toc,
            "toc-depth": self.toc_depth,
            "toc-title": self.toc_title,
            "description-meta": f"{self.title} {year}; renderer: {renderer}",
            **publication_date(published),
        }

    def style_file(self, fmt: str, option: str) -> Path | None:
        """A file an option of a format names (css, include-in-header), as an absolute path."""
        named = self.formats.get(fmt, {}).get(option)
        return self.root / named if named else None

    def style_files(self, fmt: str, option: str) -> list[Path]:
        """The files an option of a format names (one or a list), as absolute paths."""
        named = self.formats.get(fmt, {}).get(option) or []
        return [self.root / n for n in ([named] if isinstance(named, str) else named)]


# A publication date as people write it, and the same form in Quarto's `date-format`: Quarto
# reads `date` as a date and prints it in its own format ("2020-10-01" for "October 2020").
DATE_FORMATS = {"%d %B %Y": "D MMMM YYYY", "%B %Y": "MMMM YYYY"}


def publication_date(published: str | None, today: date | None = None) -> dict[str, str]:
    """`date` and `date-format` for the front matter: `published` ("October 2020",
    "21 October 2020"), else today's date. Anything else is a ValueError saying what to write."""
    if not published:
        when = today or date.today()
        return {"date": f"{when.day} {when:%B %Y}", "date-format": "D MMMM YYYY"}
    text = " ".join(published.split())
    for python, quarto in DATE_FORMATS.items():
        try:
            datetime.strptime(text, python)
        except ValueError:
            continue
        return {"date": text, "date-format": quarto}
    raise ValueError(
        f"published: {published!r} is not a date; write a month and year (October 2020) or "
        "a day, month and year (21 October 2020)"
    )


def load_config(path: Path = paths.QUARTO_CONFIG) -> ReportConfig:
    config = read_config(path, "lists the report's chapters")
    book = config.get("book") or {}
    chapters = book.get("chapters") or []
    if not chapters or not all(isinstance(c, str) for c in chapters):
        raise ReportError(f"{paths.shown(path)}: book: chapters must list the notebooks in order")
    formats = {name: dict(options or {}) for name, options in (config.get("format") or {}).items()}
    named = [*config.get("filters", []), *formats.get("typst", {}).get("font-paths", [])]
    for entry in named:
        if not (path.parent / entry).exists():
            raise ReportError(f"{paths.shown(path)} names {entry}, which does not exist")
    return ReportConfig(
        title=str(config.get("title", book.get("title", "Annual Report"))),
        author=str(config.get("author", book.get("author", ""))),
        chapters=chapters,
        lang=str(config.get("lang", "en-GB")),
        toc=bool(config.get("toc", True)),
        toc_depth=int(config.get("toc-depth", 2)),
        toc_title=str(config.get("toc-title", "Contents")),
        formats=formats,
        filters=tuple(path.parent / f for f in config.get("filters", [])),
        font_paths=tuple(path.parent / f for f in formats.get("typst", {}).get("font-paths", [])),
        root=path.parent,
        execute=dict(config.get("execute") or {}),
    )


def typst_headers(config: ReportConfig, folder: Path) -> list[str]:
    """The PDF's header files (typst `include-in-header`), in order, as files in `folder`: the
    brand's Typst written from `_brand.yml` (brand.TYPST_FILE), the house style copied."""
    from essex_report.brand import BRAND_FILE, TYPST_FILE, write_typst

    names = []
    for path in config.style_files("typst", "include-in-header"):
        if path.name == TYPST_FILE:
            write_typst(folder / TYPST_FILE, config.root / BRAND_FILE)
        else:
            shutil.copy(path, folder / path.name)
        names.append(path.name)
    return names


@contextmanager
def render_folder() -> Iterator[Path]:
    """A new, ordinary temporary folder to render in, removed afterwards.

    Quarto treats a file under any folder whose name starts with a dot as outside every
    project, so no part of the path may start with one (a TMPDIR such as ~/.cache/tmp would).
    """
    base = Path(tempfile.gettempdir()).resolve()
    if any(part.startswith(".") for part in base.parts):
        base = Path("/tmp")
        if not os.access(base, os.W_OK):
            raise BuildError(
                f"the temporary folder {tempfile.gettempdir()} is inside a folder whose name "
                "starts with a dot, which Quarto ignores; set TMPDIR to another folder"
            )
    folder = Path(tempfile.mkdtemp(prefix="essex-report-render-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(command: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> str:
    """Run a renderer; a failure is one line: its first error message."""
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, timeout=RENDER_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"{what} did not finish in {RENDER_TIMEOUT}s; stopped it") from None
    except OSError as error:
        raise BuildError(f"{what} could not start: {error.strerror}") from None
    if result.returncode != 0:
        lines = [
            ANSI.sub("", line).strip() for line in (result.stderr or result.stdout).split("\n")
        ]
        lines = [line for line in lines if line]
        errors = [line for line in lines if re.match(r"(ERROR|error)\b", line)]
        detail = errors[0] if errors else lines[-1] if lines else "no message"
        raise BuildError(f"{what} failed: {detail}")
    return result.stdout


class BuiltinRenderer:
    """pandoc (from the pypandoc-binary wheel) for HTML and Word, Typst for a tagged PDF."""

    def __init__(self) -> None:
        from importlib.metadata import version

        import pypandoc

        self.pandoc = pypandoc.get_pandoc_path()
        # Versions as the tools report them: the pandoc binary, and the Typst wheel.
        self.name = (
            f"built-in renderer (pandoc {pypandoc.get_pandoc_version()}, Typst {version('typst')})"
        )

    def _pandoc(self, document: Path, to: str, output: Path, extra: list[str], config) -> None:
        filters = [*config.filters, paths.STYLES_DIR / "builtin.lua"]
        run(
            [
                self.pandoc,
                document.name,
                "--from",
                "markdown",
                "--to",
                to,
                "--standalone",
                *(f"--lua-filter={f}" for f in filters),
                "--output",
                output.name,
                *extra,
            ],
            document.parent,
            f"pandoc --to {to}",
        )

    def render(self, document: Path, config: ReportConfig, wanted: list[str]) -> dict[str, Path]:
        """Every wanted format at once: pandoc runs as its own process, Typst in Rust."""
        toc = ["--toc", f"--toc-depth={config.toc_depth}"] if config.toc else []
        jobs = {"html": self._html, "pdf": self._pdf, "docx": self._docx}
        with ThreadPoolExecutor(len(wanted)) as pool:
            futures = {fmt: pool.submit(jobs[fmt], document, config, toc) for fmt in wanted}
            return {fmt: future.result() for fmt, future in futures.items()}

    def _html(self, document: Path, config: ReportConfig, toc: list[str]) -> Path:
        html = config.formats.get("html", {})
        extra = [*toc]
        if html.get("embed-resources", True):
            extra.append("--embed-resources")
        css = config.style_file("html", "css")
        if css:
            extra += ["--css", str(css)]
        out = document.with_suffix(".html")
        self._pandoc(document, "html5", out, extra, config)
        return out

    def _pdf(self, document: Path, config: ReportConfig, toc: list[str]) -> Path:
        import typst

        options = config.formats.get("typst", {})
        source = document.with_suffix(".typ")
        # Page options as metadata, which pandoc's Typst template reads as Quarto's does
        # (`--variable margin.x:2cm` would set a variable named "margin.x", not the margin).
        page = {
            k: options[k] for k in ("papersize", "mainfont", "fontsize", "margin") if k in options
        }
        metadata = document.with_name("typst-options.yml")
        metadata.write_text(yaml.safe_dump(page), encoding="utf-8")
        extra = [*toc, f"--metadata-file={metadata.name}"]
        extra += [f"--include-in-header={name}" for name in typst_headers(config, document.parent)]
        self._pandoc(document, "typst", source, extra, config)
        standard = options.get("pdf-standard")
        standards = [standard] if isinstance(standard, str) else list(standard or [])
        out = document.with_suffix(".pdf")
        try:
            typst.compile(
                str(source),
                output=str(out),
                root=str(document.parent),
                font_paths=[str(p) for p in config.font_paths],
                pdf_standards=standards,
            )
        except Exception as error:  # typst raises its own error types
            raise BuildError(f"typst compile failed: {str(error).splitlines()[0]}") from error
        return out

    def _docx(self, document: Path, config: ReportConfig, toc: list[str]) -> Path:
        out = document.with_suffix(".docx")
        self._pandoc(document, "docx", out, toc, config)
        return out


def choose_renderer(quarto: str | None = None):
    """Quarto when given or on PATH; otherwise the built-in renderer."""
    from essex_report.quarto import QuartoRenderer

    if quarto:
        found = shutil.which(quarto) if os.sep not in quarto else None
        path = Path(found or quarto).resolve()
        if not path.is_file() or not os.access(path, os.X_OK):
            raise ReportError(f"--quarto {quarto}: no such executable")
        return QuartoRenderer(str(path))
    found = shutil.which("quarto")
    return QuartoRenderer(found) if found else BuiltinRenderer()
