"""Render the year's stitched document: with Quarto when a `quarto` executable is available,
otherwise with the built-in renderer made of the engines Quarto uses (pandoc and Typst).

Both read the one configuration, `_quarto.yml`.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from essex_report import paths
from essex_report.errors import BuildError, ReportError
from essex_report.years import FinancialYear

FORMATS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


@dataclass(frozen=True)
class ReportConfig:
    """What `_quarto.yml` says about the report."""

    title: str
    author: str
    chapters: list[str]
    lang: str
    toc: bool
    toc_depth: int
    toc_title: str
    formats: dict[str, dict] = field(default_factory=dict)
    execute: dict = field(default_factory=dict)  # `execute:` cell-option defaults (echo ...)

    def front_matter(self, year: FinancialYear, renderer: str) -> dict:
        return {
            "title": f"{self.title} {year}",
            "author": self.author,
            "lang": self.lang,
            "toc": self.toc,
            "toc-depth": self.toc_depth,
            "toc-title": self.toc_title,
            "description-meta": f"{self.title} {year}, rendered by {renderer}",
        }


def load_config(path: Path = paths.QUARTO_CONFIG) -> ReportConfig:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ReportError(
            f"{paths.shown(path)} is missing; it lists the report's chapters"
        ) from None
    except yaml.YAMLError as error:
        raise ReportError(
            f"{paths.shown(path)} is not valid YAML: {error}".replace("\n", " ")
        ) from None
    book = config.get("book") or {}
    chapters = book.get("chapters") or []
    if not chapters or not all(isinstance(c, str) for c in chapters):
        raise ReportError(f"{paths.shown(path)}: book: chapters must list the notebooks in order")
    formats = config.get("format") or {}
    return ReportConfig(
        title=str(book.get("title", "Annual Report")),
        author=str(book.get("author", "")),
        chapters=chapters,
        lang=str(config.get("lang", "en-GB")),
        toc=bool(config.get("toc", True)),
        toc_depth=int(config.get("toc-depth", 2)),
        toc_title=str(config.get("toc-title", "Contents")),
        formats={name: dict(options or {}) for name, options in formats.items()},
        execute=dict(config.get("execute") or {}),
    )


def _run(command: list[str], cwd: Path, what: str) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(f"{what} failed: {detail[-1] if detail else 'no message'}")


class QuartoRenderer:
    """`quarto render` on the stitched document, with a project file derived from _quarto.yml."""

    def __init__(self, executable: str):
        self.executable = executable
        self.name = f"Quarto ({executable})"

    def render(self, document: Path, config: ReportConfig, wanted: list[str]) -> dict[str, Path]:
        folder = document.parent
        project = {
            "project": {"type": "default"},
            "format": {
                "html": config.formats.get("html", {}),
                "typst": config.formats.get("typst", {}),
                "docx": config.formats.get("docx", {}),
            },
        }
        # Files the options name are copied beside the document, where Quarto looks for them.
        for fmt, key in (("html", "css"), ("typst", "include-in-header")):
            named = project["format"][fmt].get(key)
            if named:
                shutil.copy(paths.ROOT / named, folder / Path(named).name)
                project["format"][fmt][key] = Path(named).name
        (folder / "_quarto.yml").write_text(yaml.safe_dump(project), encoding="utf-8")
        outputs = {}
        for fmt in wanted:
            to = "typst" if fmt == "pdf" else fmt
            _run(
                [self.executable, "render", document.name, "--to", to],
                folder,
                f"quarto render --to {to}",
            )
            outputs[fmt] = document.with_suffix(FORMATS[fmt])
        return outputs


class BuiltinRenderer:
    """pandoc (from the pypandoc-binary wheel) for HTML and Word, Typst for a tagged PDF."""

    name = "built-in renderer (pandoc {pandoc} + Typst {typst}; Quarto not installed)"

    def __init__(self) -> None:
        import pypandoc

        self.pandoc = pypandoc.get_pandoc_path()
        from importlib.metadata import version

        self.name = self.name.format(pandoc=pypandoc.get_pandoc_version(), typst=version("typst"))

    def _pandoc(self, document: Path, to: str, output: Path, extra: list[str]) -> None:
        filter_file = paths.STYLES_DIR / "builtin.lua"
        _run(
            [
                self.pandoc,
                document.name,
                "--from",
                "markdown",
                "--to",
                to,
                "--standalone",
                "--lua-filter",
                str(filter_file),
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
        if html.get("css"):
            extra += ["--css", str(paths.ROOT / html["css"])]
        out = document.with_suffix(".html")
        self._pandoc(document, "html5", out, extra)
        return out

    def _pdf(self, document: Path, config: ReportConfig, toc: list[str]) -> Path:
        import typst

        options = config.formats.get("typst", {})
        source = document.with_suffix(".typ")
        extra = [*toc]
        for key in ("papersize", "mainfont", "fontsize", "margin"):
            if key in options:
                value = options[key]
                if isinstance(value, dict):
                    extra += [f"--variable={key}.{k}:{v}" for k, v in value.items()]
                else:
                    extra.append(f"--variable={key}:{value}")
        if options.get("include-in-header"):
            extra.append(f"--include-in-header={paths.ROOT / options['include-in-header']}")
        self._pandoc(document, "typst", source, extra)
        standard = options.get("pdf-standard")
        standards = [standard] if isinstance(standard, str) else list(standard or [])
        out = document.with_suffix(".pdf")
        try:
            typst.compile(
                str(source), output=str(out), root=str(document.parent), pdf_standards=standards
            )
        except Exception as error:  # typst raises its own error types
            raise BuildError(f"typst compile failed: {str(error).splitlines()[0]}") from error
        return out

    def _docx(self, document: Path, config: ReportConfig, toc: list[str]) -> Path:
        out = document.with_suffix(".docx")
        self._pandoc(document, "docx", out, toc)
        return out


def choose_renderer(quarto: str | None = None) -> QuartoRenderer | BuiltinRenderer:
    """Quarto when given or on PATH; otherwise the built-in renderer."""
    if quarto:
        if not Path(quarto).is_file() and not shutil.which(quarto):
            raise ReportError(f"--quarto {quarto}: no such executable")
        return QuartoRenderer(quarto)
    found = shutil.which("quarto")
    return QuartoRenderer(found) if found else BuiltinRenderer()
