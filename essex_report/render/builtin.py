"""The built-in renderer, made of the engines Quarto itself uses: pandoc (from the
pypandoc-binary wheel) for HTML and Word, and Typst (from the typst wheel) for a tagged PDF.
It reads the same `_quarto.yml` as Quarto does."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import pypandoc
import yaml

from essex_report.config import Brand, ReportConfig
from essex_report.project import Project
from essex_report.render import word
from essex_report.render.base import executable_identity, font_paths, run, typst_headers

FILTER = Path(__file__).resolve().parent / "builtin.lua"  # the built-in renderer's own filter
# Typst's compile, in a process of its own; an error is its first line ("error: ...").
COMPILE = """
import json, sys, typst
try:
    typst.compile(**json.loads(sys.argv[1]))
except Exception as error:
    sys.exit((str(error).splitlines() or [type(error).__name__])[0])
"""


class BuiltinRenderer:
    """pandoc (from the pypandoc-binary wheel) for HTML and Word, Typst for a tagged PDF."""

    @cached_property
    def pandoc(self) -> str:
        return str(pypandoc.get_pandoc_path())

    @cached_property
    def version(self) -> str:
        """Versions as the tools report them: the pandoc binary (it runs to say), the wheel."""
        return f"pandoc {pypandoc.get_pandoc_version()}, Typst {metadata.version('typst')}"

    @property
    def name(self) -> str:
        return f"built-in renderer ({self.version})"

    @property
    def identity(self) -> str:
        pandoc = executable_identity(Path(self.pandoc))
        return f"built-in:{pandoc}:typst {metadata.version('typst')}"

    def _pandoc(
        self, document: Path, to: str, output: Path, extra: list[str], config: ReportConfig
    ) -> None:
        filters = [*config.filters, FILTER]
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

    def render(
        self, document: Path, project: Project, wanted: list[str], created: int | None = None
    ) -> dict[str, Path]:
        """Every wanted format at once: pandoc runs as its own process, Typst in Rust."""
        config = project.config
        toc = ["--toc", f"--toc-depth={config.toc_depth}"] if config.toc else []
        headers = typst_headers(project, document.parent) if "pdf" in wanted else []
        jobs: dict[str, Callable[[], Path]] = {
            "html": lambda: self._html(document, config, toc),
            "pdf": lambda: self._pdf(document, config, toc, headers, font_paths(project), created),
            "docx": lambda: self._docx(document, config, project.brand),
        }
        self.pandoc  # noqa: B018  (found once, before the threads start)
        with ThreadPoolExecutor(len(wanted)) as pool:
            futures = {fmt: pool.submit(jobs[fmt]) for fmt in wanted}
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

    def _pdf(
        self,
        document: Path,
        config: ReportConfig,
        toc: list[str],
        headers: list[str],
        fonts: list[Path],
        created: int | None,
    ) -> Path:
        options = config.formats.get("typst", {})
        source = document.with_suffix(".typ")
        # Page options as metadata, which pandoc's Typst template reads as Quarto's does
        # (`--variable margin.x:2cm` would set a variable named "margin.x", not the margin).
        page = {
            k: options[k] for k in ("papersize", "mainfont", "fontsize", "margin") if k in options
        }
        metadata = document.with_name("typst-options.yml")
        metadata.write_text(yaml.safe_dump(page), encoding="utf-8")
        # Chapters are level 2 in the PDF (the title is its level 1): contents one level more
        # (as metadata: the document's own `toc-depth` wins over --toc-depth).
        deeper = [*toc, f"--metadata=toc-depth:{config.toc_depth + 1}"] if toc else []
        extra = [*deeper, f"--metadata-file={metadata.name}"]
        extra += [f"--include-in-header={name}" for name in headers]
        self._pandoc(document, "typst", source, extra, config)
        standard = options.get("pdf-standard")
        standards: Any = [standard] if isinstance(standard, str) else list(standard or [])
        out = document.with_suffix(".pdf")
        arguments = {
            "input": str(source),
            "output": str(out),
            "root": str(document.parent),
            "font_paths": [str(p) for p in fonts],
            "timestamp": created,
            "pdf_standards": standards,
        }
        # Typst runs in a process of its own: its caches (about 20 MiB a report) would stay
        # in the build's memory for every year of `build --all`.
        run(
            [sys.executable, "-c", COMPILE, json.dumps(arguments)], document.parent, "typst compile"
        )
        return out

    def _docx(self, document: Path, config: ReportConfig, brand: Brand) -> Path:
        """Word: styled by a reference document made from the brand; its contents are a list
        the Lua filter writes (a contents field would be empty until Word updated it)."""
        out = document.with_suffix(".docx")
        reference = word.reference_doc(brand, document.parent)
        self._pandoc(document, "docx", out, [f"--reference-doc={reference.name}"], config)
        return out
