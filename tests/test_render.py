"""Which renderer runs, where it renders and how Quarto is called (with a stand-in `quarto`;
tests/test_quarto.py runs the real one)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from essex_report.config import load_config
from essex_report.errors import BuildError, ReportError
from essex_report.hooks import chart_markdown, ipynb_filter
from essex_report.notebook.parts import Part
from essex_report.render.base import render_folder
from essex_report.render.builtin import BuiltinRenderer
from essex_report.render.quarto import QuartoRenderer
from essex_report.render.select import choose_renderer
from tests import repo as paths

# Records its arguments and environment, and writes what Quarto would write.
FAKE_QUARTO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.10.18; exit 0; fi
echo "$@" >> calls.txt
env | grep '^QUARTO_' >> env.txt
if [ -n "$FAIL" ]; then
  printf 'noise\\n\\033[91mERROR: error: pagebreaks are not allowed\\033[39m\\n' >&2
  echo 'ERROR: Typst compilation failed' >&2
  exit 1
fi
echo '<html>fake</html>' > annual-report.html
echo 'fake pdf' > annual-report.pdf
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
    assert renderer.name.startswith("built-in renderer (pandoc 3.")
    assert ", Typst 0." in renderer.name


def test_quarto_on_path_is_named_by_its_version_never_its_path(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_quarto(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    renderer = choose_renderer()
    assert isinstance(renderer, QuartoRenderer)
    assert renderer.name == "Quarto 1.10.18"
    assert choose_renderer(str(bin_dir / "quarto")).name == "Quarto 1.10.18"


def test_a_missing_quarto_is_one_line(tmp_path):
    with pytest.raises(ReportError, match=r"--quarto .*: no such executable"):
        choose_renderer(str(tmp_path / "nowhere" / "quarto"))


def test_quarto_renders_in_a_project_derived_from_quarto_yml(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_PROJECT_RENDER_ALL", "1")  # as in the root project's pre-render
    monkeypatch.setenv("QUARTO_PROFILE", "chapter")
    quarto = fake_quarto(tmp_path)
    build = tmp_path / "build"
    build.mkdir()
    document = build / "annual-report.md"
    document.write_text("---\ntitle: T\n---\n\n# Chapter\n")
    outputs = QuartoRenderer(str(quarto)).render(document, paths.PROJECT, ["html", "pdf"])
    assert outputs == {"html": build / "annual-report.html", "pdf": build / "annual-report.pdf"}
    assert (build / "calls.txt").read_text().splitlines() == ["render annual-report.md --to all"]
    # the outer project's variables do not reach the inner render
    assert "QUARTO_PROJECT_" not in (build / "env.txt").read_text()
    assert "QUARTO_PROFILE" not in (build / "env.txt").read_text()
    project = yaml.safe_load((build / "_quarto.yml").read_text())
    assert project["project"] == {"type": "default"}  # not the root project
    assert set(project["format"]) == {"html", "typst"}  # only the wanted formats
    html, typst = project["format"]["html"], project["format"]["typst"]
    assert html["embed-resources"] is True and html["minimal"] is True
    assert html["format-links"] is False
    assert html["css"] == "report.css" and (build / "report.css").is_file()
    assert typst["pdf-standard"] == "ua-1" and typst["papersize"] == "a4"
    # the brand's Typst, written from _brand.yml, then the design that uses it
    assert typst["include-in-header"] == ["brand.typ", "report.typ"]
    assert '#let brand-name = "Essex County Council"' in (build / "brand.typ").read_text()
    assert (build / "report.typ").read_bytes() == (paths.ROOT / "styles/report.typ").read_bytes()
    assert [(build / f).is_file() for f in project["filters"]] == [True]


def test_font_paths_reach_quarto_relative_to_the_folder(tmp_path):
    """Quarto reads a font path starting with / as relative to the project."""
    import dataclasses

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    project = paths.PROJECT.with_config(
        dataclasses.replace(paths.PROJECT.config, font_paths=(fonts,))
    )
    build = tmp_path / "a" / "build"
    build.mkdir(parents=True)
    document = build / "annual-report.md"
    document.write_text("# Chapter\n")
    QuartoRenderer(str(fake_quarto(tmp_path))).render(document, project, ["pdf"])
    settings = yaml.safe_load((build / "_quarto.yml").read_text())
    assert settings["format"]["typst"]["font-paths"][0] == "../../fonts"  # then Lato's


def test_a_quarto_failure_is_its_first_error_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIL", "1")
    document = tmp_path / "annual-report.md"
    document.write_text("# Chapter\n")
    renderer = QuartoRenderer(str(fake_quarto(tmp_path)))
    with pytest.raises(BuildError) as raised:
        renderer.render(document, paths.PROJECT, ["pdf"])
    assert str(raised.value) == ("quarto render failed: ERROR: error: pagebreaks are not allowed")


def test_the_render_folder_is_never_under_a_dot_folder(tmp_path, monkeypatch):
    hidden = tmp_path / ".cache" / "tmp"
    hidden.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(hidden))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    with render_folder() as folder:
        assert folder.is_dir()
        assert not any(part.startswith(".") for part in folder.parts)
    assert not folder.exists()


def test_load_config_resolves_what_it_names_against_its_folder(tmp_path):
    config = load_config(paths.QUARTO_CONFIG)
    assert config.title == "Essex County Council Annual Report"
    assert config.style_file("html", "css") == paths.ROOT / "styles/report.css"
    assert config.filters == (paths.ROOT / "styles/report.lua",)
    other = tmp_path / "_quarto.yml"
    text = paths.QUARTO_CONFIG.read_text().replace("font-paths: []", "font-paths: [fonts]")
    other.write_text(text)
    (tmp_path / "styles").mkdir()
    for name in ("report.css", "report.typ"):
        (tmp_path / "styles" / name).write_text("")
    with pytest.raises(ReportError, match=r"names styles/report\.lua, which does not"):
        load_config(other)
    (tmp_path / "styles" / "report.lua").write_text("")
    with pytest.raises(ReportError, match="names fonts, which does not exist"):
        load_config(other)
    (tmp_path / "fonts").mkdir()
    assert load_config(other).font_paths == (tmp_path / "fonts",)
    outside = tmp_path / "outside.yml"
    outside.write_text(text.replace("css: styles/report.css", "css: ../../../etc/passwd"))
    with pytest.raises(ReportError, match=r"names \.\./\.\./\.\./etc/passwd, which is outside"):
        load_config(outside)


def test_a_chart_output_becomes_markdown_with_its_alt_text():
    """A chapter rendered by Quarto on its own: Quarto reads alt text only from Markdown."""
    part = Part(
        kind="chart",
        svg='<svg xmlns="http://www.w3.org/2000/svg"/>',
        caption="Spending [2019/20]",
        alt='A "bar" chart',
    )
    data, _ = part.bundle()
    chart = {"output_type": "display_data", "data": data, "metadata": {}}
    text = {"output_type": "display_data", "data": {"text/markdown": "# Resources"}}
    words = {"cell_type": "markdown", "source": "Total spending in {{year}}: {{spend_total}}."}
    params = {"cell_type": "code", "source": 'year = "2019/20"', "outputs": []}
    params["metadata"] = {"tags": ["parameters"]}
    cells = [params, {"cell_type": "code", "source": "", "outputs": [chart, text]}, words]
    filtered = ipynb_filter({"cells": cells})["cells"]
    outputs = filtered[1]["outputs"]
    markdown = outputs[0]["data"]["text/markdown"]
    assert markdown.startswith(r"![Spending \[2019/20\]](data:image/svg+xml;base64,PHN2Zy")
    assert markdown.endswith(r'{fig-alt="A \"bar\" chart"}')
    assert outputs[1] == text
    assert chart_markdown(text) == text
    assert (
        filtered[2]["source"] == "Total spending in 2019/20: £2\\.1bn\\."
    )  # as the build fills it


def test_the_brand_file_gives_colours_by_role_and_the_font(tmp_path):
    from essex_report.config import load_brand

    brand = load_brand(paths.ROOT / "_brand.yml")
    assert brand.name == "Essex County Council" and brand.font == "Lato"
    assert brand.colour("primary") == brand.palette["dark-blue"] == "#12436D"
    assert brand.heading_colour == "#12436D" and brand.colour("foreground") == "#0B0C0C"
    bad = tmp_path / "_brand.yml"
    bad.write_text("color:\n  primary: blue-ish\n")
    with pytest.raises(ReportError, match=r"color: primary is 'blue-ish'; expected a palette"):
        load_brand(bad)


def test_the_brand_as_typst_sets_the_font_and_prints_the_name_as_written(tmp_path):
    import dataclasses

    import typst
    from pypdf import PdfReader

    from essex_report.charts.style import font_dir
    from essex_report.config import load_brand
    from essex_report.render.brand import typst as brand_typst

    brand = load_brand(paths.ROOT / "_brand.yml")
    text = brand_typst(brand)
    assert '#let brand-name = "Essex County Council"' in text
    assert '"primary": rgb("#12436D")' in text and '"dark-blue": rgb("#12436D")' in text
    assert "#set text(font: brand-font, size: brand-size" in text
    # a name that would be markup or code in Typst prints as it is written
    name = 'Essex "County"] #pagebreak() \\ $x$ <a> Council'
    document = tmp_path / "doc.typ"
    document.write_text(brand_typst(dataclasses.replace(brand, name=name)) + "#brand-name\n")
    typst.compile(str(document), output=str(tmp_path / "doc.pdf"), font_paths=[str(font_dir())])
    reader = PdfReader(tmp_path / "doc.pdf")
    assert len(reader.pages) == 1 and reader.pages[0].extract_text().strip() == name
    fonts = [
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    ]
    assert fonts and all(f.endswith("Lato-Regular") for f in fonts)


def test_the_publication_date_is_the_year_s_and_never_the_build_date(real_data):
    """A year's date comes from its data; a year without one is a draft, in its title and on
    its cover, and its front matter has no date for a renderer to fill with today's."""
    from essex_report.data.load import load_workbook
    from essex_report.document.front import edition, front_matter, publication_date
    from essex_report.years import parse_year

    assert publication_date("October 2020") == {"date": "October 2020", "date-format": "MMMM YYYY"}
    assert publication_date(" 21  October 2020") == {
        "date": "21 October 2020",
        "date-format": "D MMMM YYYY",
    }
    # Quarto would read "Autumn 2020" as 1 January 2020: refused, saying what to write
    with pytest.raises(ValueError, match=r"'Autumn 2020' is not a date; write a month and year"):
        publication_date("Autumn 2020")
    book = load_workbook(real_data)
    config = paths.PROJECT.config
    published = edition(config, book, parse_year("2019/20"))
    assert published.title == "Essex County Council Annual Report 2019/20"
    assert front_matter(config, published)["date"] == "October 2020"
    draft = edition(config, book, parse_year("2022/23"))  # figures only, no foreword
    assert draft.draft and draft.figures_only
    assert draft.title == "Essex County Council Annual Report 2022/23: the figures (draft)"
    matter = front_matter(config, draft)
    assert "date" not in matter and matter["description-meta"] == (
        "Essex County Council figures for 2022/23, a draft\\."  # escaped: pandoc reads Markdown
    )
    # a foreword that gives only a date publishes the year's figures
    foreword = real_data / "2022-23" / "narrative" / "foreword.md"
    foreword.parent.mkdir(parents=True)
    foreword.write_text("---\npublished: 21 June 2023\n---\n", encoding="utf-8")
    dated = edition(config, load_workbook(real_data), parse_year("2022/23"))
    assert dated.title == "Essex County Council Annual Report 2022/23: the figures"
    assert dated.published == "21 June 2023" and not dated.draft


def test_a_published_date_that_is_not_a_date_names_its_file_and_line(real_data):
    from essex_report.data.load import load_workbook
    from essex_report.document.front import foreword_date as published
    from essex_report.years import parse_year

    year = parse_year("2019/20")
    assert published(load_workbook(real_data, year), year) == "October 2020"
    foreword = real_data / "2019-20" / "narrative" / "foreword.md"
    text = foreword.read_text(encoding="utf-8")
    foreword.write_text(text.replace("published: October 2020", "published: Autumn 2020"))
    # refused where the data is loaded, so validate says so before any notebook runs
    problems = [str(p) for p in load_workbook(real_data, year).problems.errors]
    assert any("foreword.md, line 5: published: 'Autumn 2020' is not" in p for p in problems)
