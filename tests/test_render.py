"""Which renderer runs, and how Quarto is called when it is installed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from essex_report.render import BuiltinRenderer, QuartoRenderer, choose_renderer, load_config

FAKE_QUARTO = """#!/bin/sh
# Records its arguments and writes the output Quarto would write.
echo "$@" >> calls.txt
case "$4" in
  html) echo '<html>fake</html>' > annual-report.html ;;
  typst) echo 'fake pdf' > annual-report.pdf ;;
esac
"""


def fake_quarto(folder: Path) -> Path:
    path = folder / "quarto"
    path.write_text(FAKE_QUARTO)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_builtin_renderer_without_quarto(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto here
    renderer = choose_renderer()
    assert isinstance(renderer, BuiltinRenderer)
    assert "built-in renderer" in renderer.name and "Quarto not installed" in renderer.name


def test_quarto_on_path_is_used(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_quarto(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    renderer = choose_renderer()
    assert isinstance(renderer, QuartoRenderer) and "Quarto" in renderer.name


def test_quarto_renders_the_stitched_document_with_options_from_quarto_yml(tmp_path):
    quarto = fake_quarto(tmp_path)
    build = tmp_path / "build"
    build.mkdir()
    document = build / "annual-report.md"
    document.write_text("---\ntitle: T\n---\n\n# Chapter\n")
    outputs = QuartoRenderer(str(quarto)).render(document, load_config(), ["html", "pdf"])
    assert outputs == {"html": build / "annual-report.html", "pdf": build / "annual-report.pdf"}
    calls = (build / "calls.txt").read_text().splitlines()
    assert calls == ["render annual-report.md --to html", "render annual-report.md --to typst"]
    project = yaml.safe_load((build / "_quarto.yml").read_text())
    assert project["project"]["type"] == "default"  # not the root book project
    assert project["format"]["html"]["embed-resources"] is True
    assert project["format"]["html"]["css"] == "report.css" and (build / "report.css").is_file()
    assert project["format"]["typst"]["pdf-standard"] == "ua-1"
    assert (build / project["format"]["typst"]["include-in-header"]).is_file()
