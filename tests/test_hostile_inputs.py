"""The hostile corpus of configuration and notebook inputs (tests/fixtures/hostile/, issue 16):
each case changes a copy of the workbook (_quarto.yml, _brand.yml, a Markdown or code cell of
the resources chapter) and says what the build must do: refuse it in one line that names
where, or build a report that shows the text as written, runs nothing, loads nothing from
outside (a loopback server the text points at receives no request)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from pypdf import PdfReader

from essex_report.publish.page import active_content, visible_text
from essex_report.publish.verify import comparable
from tests import repo

from .conftest import FIXTURES, essex_report
from .loopback import Requests

pytestmark = pytest.mark.e2e  # builds reports
CASES = sorted(p.name for p in (FIXTURES / "hostile").iterdir() if p.is_dir())


def merged(into: dict, change: dict) -> dict:
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged(into[key], value)
        else:
            into[key] = value
    return into


def workbook(tmp_path: Path, case: dict[str, Any], port: int) -> Path:
    """A copy of the workbook with the case's changes."""
    home = repo.copy_home(tmp_path / "home")

    def text(value: str) -> str:
        return value.replace("PORT", str(port))

    for file, key in (("_quarto.yml", "quarto"), ("_brand.yml", "brand")):
        if key in case:
            settings = yaml.safe_load((home / file).read_text(encoding="utf-8"))
            change = yaml.safe_load(text(yaml.safe_dump(case[key], allow_unicode=True)))
            (home / file).write_text(
                yaml.safe_dump(merged(settings, change), allow_unicode=True), encoding="utf-8"
            )
    for relative, content in (case.get("files") or {}).items():  # a file of the workbook
        (home / relative).write_text(text(content), encoding="utf-8")
    notebook = home / "notebooks" / "resources.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    after = next(i for i, c in enumerate(nb.cells) if c.source.startswith("# Resources")) + 1
    if "markdown" in case:
        nb.cells.insert(after, nbformat.v4.new_markdown_cell(text(case["markdown"])))
    if "code" in case:
        nb.cells.insert(after, nbformat.v4.new_code_cell(text(case["code"])))
    nbformat.write(nb, notebook)
    return home


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_input_is_refused_in_one_line_or_printed_as_written(name, tmp_path, listener):
    port = listener
    case = yaml.safe_load((FIXTURES / "hostile" / name / "case.yml").read_text(encoding="utf-8"))
    expect = case["expect"]
    home = workbook(tmp_path, case, port)
    Requests.seen.clear()
    output = tmp_path / "out"
    result = essex_report(
        "build", "--year", "2019/20", "--output", str(output),
        env={"ESSEX_REPORT_HOME": str(home)},
    )  # fmt: skip
    assert Requests.seen == []  # nothing was fetched
    if "refused" in expect:
        assert result.returncode == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("essex-report: "), result.stderr
        assert expect["refused"].replace("PORT", str(port)) in lines[0]
        assert not (output / "2019-20").exists()
        return
    assert result.returncode == 0, result.stderr
    html = (output / "2019-20" / "annual-report.html").read_text(encoding="utf-8")
    assert active_content(html) is None
    shown = visible_text(html)
    pdf = comparable(
        " ".join(
            p.extract_text() for p in PdfReader(output / "2019-20" / "annual-report.pdf").pages
        )
    )
    for words in expect["shows"]:
        words = words.replace("PORT", str(port))
        assert comparable(words) in comparable(shown)  # curly quotes are the same words
        assert expect.get("only") == "html" or comparable(words) in pdf


def test_with_quarto_a_hostile_cell_prints_as_written_and_fetches_nothing(
    tmp_path, listener, quarto
):
    port = listener
    """Quarto reads the same escaped Markdown: its shortcodes, divs and raw blocks stay text."""
    words = [
        yaml.safe_load((FIXTURES / "hostile" / name / "case.yml").read_text(encoding="utf-8"))
        for name in CASES
    ]
    cells = [c for c in words if "markdown" in c and c["expect"].get("built")]
    home = workbook(tmp_path, {"markdown": "\n\n".join(c["markdown"] for c in cells)}, port)
    Requests.seen.clear()
    output = tmp_path / "out"
    result = essex_report(
        "build", "--year", "2019/20", "--output", str(output), "--quarto", quarto,
        env={"ESSEX_REPORT_HOME": str(home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Requests.seen == []
    html = (output / "2019-20" / "annual-report.html").read_text(encoding="utf-8")
    assert active_content(html) is None
    pages = PdfReader(output / "2019-20" / "annual-report.pdf").pages
    pdf = comparable(" ".join(p.extract_text() for p in pages))
    for case in cells:
        for shown in case["expect"]["shows"]:
            shown = shown.replace("PORT", str(port))
            assert comparable(shown) in comparable(visible_text(html))
            assert comparable(shown) in pdf
