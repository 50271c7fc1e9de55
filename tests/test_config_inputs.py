"""_quarto.yml and _brand.yml are inputs like data/ (issue 16): every string that reaches a page
is plain words or refused in one line naming the file and the field, every file they name lies
inside the repository, and no option the renderers are given can put a script, a style or a
download in the report."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from essex_report.charts.style import font_dir
from essex_report.config import load_brand, load_config
from essex_report.errors import ReportError
from essex_report.render.brand import css, typst
from tests import repo as paths


def home(tmp_path: Path) -> Path:
    for name in ("styles",):
        shutil.copytree(paths.ROOT / name, tmp_path / name)
    for name in ("_quarto.yml", "_brand.yml"):
        shutil.copy(paths.ROOT / name, tmp_path / name)
    return tmp_path


def changed(path: Path, change: dict[str, Any]) -> Path:
    """The YAML file with `change` merged in (a None value deletes the key)."""
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))

    def merge(into: dict, update: dict) -> None:
        for key, value in update.items():
            if value is None:
                into.pop(key, None)
            elif isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value

    merge(settings, change)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


QUARTO_REFUSED = [
    (
        {"title": "<script>alert(1)</script>"},
        "title is '<script>alert(1)</script>'; expected plain words",
    ),
    ({"title": "Report <img src=http://127.0.0.1:8765/t.png>"}, "title is"),
    ({"title": "Report `#pagebreak()`{=typst}"}, "title is"),
    ({"toc-title": "<b onmouseover=alert(1)>Contents</b>"}, "toc-title is"),
    ({"author": "Essex $x$ Council"}, "author is"),
    ({"author": ["Essex", "Council"]}, "author is ['Essex', 'Council']; expected plain words"),
    ({"title": "Essex\u202e Report"}, "title holds U+202E RIGHT-TO-LEFT OVERRIDE"),
    ({"subtitle": "{{< meta title >}}"}, "subtitle is"),
    ({"lang": 'en" onload="alert(1)'}, "lang is"),
    ({"toc-depth": "two"}, "toc-depth is 'two'; expected a whole number from 1 to 6"),
    ({"toc": "yes please"}, "toc is 'yes please'; expected true or false"),
    ({"format": {"html": {"css": "../../../../etc/passwd"}}}, "which is outside the repository"),
    (
        {"format": {"html": {"include-after-body": "styles/report.css"}}},
        "format: html: include-after-body is not an option",
    ),
    (
        {"format": {"html": {"header-includes": "<script>alert(1)</script>"}}},
        "format: html: header-includes is not an option",
    ),
    (
        {"format": {"html": {"embed-resources": False}}},
        "format: html: embed-resources is False; expected true",
    ),
    ({"format": {"typst": {"papersize": 'a4"); #pagebreak(); ("'}}}, "format: typst: papersize is"),
    (
        {"format": {"typst": {"margin": {"x": "2cm) #pagebreak() ("}}}},
        "format: typst: margin: x is",
    ),
    ({"format": {"typst": {"pdf-standard": "a-1b"}}}, "format: typst: pdf-standard is"),
    (
        {"format": {"typst": {"template": "styles/report.typ"}}},
        "format: typst: template is not an option",
    ),
    ({"format": {"pdf": {"include-in-header": "x.tex"}}}, "format: pdf is not a format"),
    ({"book": {"chapters": ["../../../../tmp/outside.ipynb"]}}, "which is outside the repository"),
    ({"filters": ["/usr/share/lua/evil.lua"]}, "which is outside the repository"),
    ({"title": ""}, "title is 0 characters; expected plain words, 1 to 200"),
    ({"author": "Essex " * 100}, "author is 600 characters"),
    (
        {"book": {"chapters": ["notebooks/a.ipynb", "notebooks/a.ipynb"]}},
        "lists notebooks/a.ipynb twice",
    ),
    ({"format": {"html": {"css": "styles"}}}, "format: html: css names styles, not a file"),
]


@pytest.mark.parametrize(("change", "message"), QUARTO_REFUSED)
def test_quarto_settings_that_could_reach_a_page_are_refused_in_one_line(tmp_path, change, message):
    root = home(tmp_path)
    with pytest.raises(ReportError) as refused:
        load_config(changed(root / "_quarto.yml", change))
    said = str(refused.value)
    assert "\n" not in said and "_quarto.yml" in said
    assert message in said


def test_plain_words_with_punctuation_are_accepted(tmp_path):
    root = home(tmp_path)
    title = "Essex County Council – Annual Report & Accounts: 2019/20 (draft), “final”!"
    config = load_config(changed(root / "_quarto.yml", {"title": title, "subtitle": "Région"}))
    assert config.title == title


BRAND_REFUSED = [
    (
        {"typography": {"base": {"family": 'M"; } </style><script>alert(1)</script>'}}},
        "typography: base: family is",
    ),
    (
        {"typography": {"monospace": {"family": "x; } body { display: none"}}},
        "typography: monospace: family is",
    ),
    (
        {"typography": {"base": {"size": "11pt; } body { display: none } a {"}}},
        "typography: base: size is",
    ),
    ({"typography": {"base": {"line-height": "nan"}}}, "typography: base: line-height is 'nan'"),
    ({"typography": {"base": {"line-height": 40}}}, "typography: base: line-height is 40"),
    (
        {"color": {"palette": {"x: red } body { display: none } a { y": "#000000"}}},
        "color: palette: 'x: red } body",
    ),
    ({"color": {"primary": "#12436D; } body { display: none"}}, "color: primary is"),
    ({"meta": {"name": "Essex\u200b County Council"}}, "meta: name holds U+200B ZERO WIDTH SPACE"),
    ({"meta": {"name": {"full": "<script>alert(1)</script>"}}}, "meta: name: full is"),
    (
        {"meta": {"link": {"home": "javascript:alert(1)"}}},
        "meta: link: home is 'javascript:alert(1)'",
    ),
    (
        {"typography": {"fonts": [{"family": "Lato", "source": "google"}]}},
        "typography: fonts: source is 'google'",
    ),
    ({"logo": {"small": "http://127.0.0.1:8765/logo.png"}}, "logo is not a field"),
    ({"defaults": {"bootstrap": {"rules": "body { display: none }"}}}, "defaults is not a field"),
    ({"typography": {"headings": {"size": "2em; } body { display: none"}}}, "headings: size is"),
    ({"typography": {"link": {"weight": "bold; }"}}}, "typography: link: weight is"),
    ({"typography": {"fonts": [{"family": "Lato", "url": "https://x.org/l.ttf"}]}}, "fonts: url"),
    ({"meta": {"link": {"github": "javascript:alert(1)"}}}, "meta: link: github is not a field"),
]


@pytest.mark.parametrize(("change", "message"), BRAND_REFUSED)
def test_brand_fields_that_could_reach_a_page_are_refused_in_one_line(tmp_path, change, message):
    root = home(tmp_path)
    with pytest.raises(ReportError) as refused:
        load_brand(changed(root / "_brand.yml", change))
    said = str(refused.value)
    assert "\n" not in said and "_brand.yml: " in said
    assert message in said


def test_the_brand_s_css_and_typst_hold_only_what_was_checked():
    brand = load_brand(paths.ROOT / "_brand.yml")
    sheet = css(brand, font_dir())
    assert "</style" not in sheet and "<" not in sheet.replace("data:font", "")
    assert '--brand-font: "Lato", Arial' in sheet
    assert '#let brand-font = "Lato"' in typst(brand)


def test_yaml_anchors_and_aliases_are_refused(tmp_path):
    """A "billion laughs": nine lines of aliases expand to gigabytes when printed."""
    root = home(tmp_path)
    laughs = 'a: &a ["lol", "lol"]\nb: &b [*a, *a]\n'
    for name, loader in (("_quarto.yml", load_config), ("_brand.yml", load_brand)):
        path = root / name
        path.write_text(laughs + path.read_text(encoding="utf-8"), encoding="utf-8")
        with pytest.raises(ReportError, match=rf"{name}, line 1: a YAML anchor or alias"):
            loader(path)


def test_a_key_written_twice_is_refused_not_the_second_taken(tmp_path):
    """YAML keeps the second of two keys without a word (Quarto's reader refuses them): the
    page printed the second author."""
    root = home(tmp_path)
    for name, loader, key in (
        ("_quarto.yml", load_config, "author"),
        ("_brand.yml", load_brand, "meta"),
    ):
        path = root / name
        text = path.read_text(encoding="utf-8")
        line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith(f"{key}:"))
        path.write_text(f"{text}\n{key}: Someone Else\n", encoding="utf-8")
        twice = len(text.splitlines()) + 2
        assert line < twice
        with pytest.raises(ReportError, match=rf"{name}, line {twice} is not valid YAML: the key "):
            loader(path)
