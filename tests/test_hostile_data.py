"""Data text never becomes markup, and nothing in the data makes the build fetch anything.

A hostile string goes into every text column of every data file and into the narrative. A
column whose rules refuse it must say so in one line naming the file and column; the rest are
built all at once, and the HTML may hold no element or attribute that a build of the same
data without the string does not, the PDF shows the string literally, and a loopback web
server that the string points at receives no request."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from essex_report.data import schema
from essex_report.data.load import load_workbook
from essex_report.years import parse_year

from .conftest import GOOD, essex_report
from .loopback import Requests

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks

MARKUP = (
    "<script>alert(1)</script><img src=http://127.0.0.1:{port}/x.png onerror=alert(1)>"
    " [x](javascript:alert(1)) #set page(fill: red) $x$ @ref *b* `c` <b>bold</b>"
)
SHORTCODE = " {{< meta title >}} {{spend_total}}"  # Quarto shortcode, placeholder: not in words
Y = parse_year("2019/20")


def tables(data: Path) -> list[tuple[Path, schema.Table]]:
    found = [(data / t.file, t) for t in schema.CATALOGUES]
    found += [(p, schema.VALUES) for p in sorted(data.glob("*/values.csv"))]
    return found


def with_cell(path: Path, column: str, text: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0][column] = text
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def elements(html: str) -> tuple[set[tuple[str, str]], list[tuple[str, list]]]:
    """Every (tag, attribute) pair of a page, and every element with its attributes."""

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.pairs: set[tuple[str, str]] = set()
            self.tags: list[tuple[str, list]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, attrs))
            self.pairs.add((tag, ""))
            self.pairs.update((tag, name) for name, _ in attrs)

    parser = Collect()
    parser.feed(html)
    return parser.pairs, parser.tags


def build(data: Path, output: Path) -> Path:
    result = essex_report(
        "build", "--year", "2019/20", "--data-dir", str(data), "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    return output / "2019-20"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, listener):
    """The good data with the string in every column that accepts it; the columns refused."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(GOOD, data)
    text = MARKUP.format(port=listener)
    accepted, refused = [], {}
    for path, table in tables(data):
        for column in table.columns:
            trial = root / "trial"
            shutil.rmtree(trial, ignore_errors=True)
            shutil.copytree(data, trial)
            target = trial / path.relative_to(data)
            with_cell(target, column.name, text + SHORTCODE)
            errors = [p for p in load_workbook(trial, Y).problems if p.is_error]
            if errors:
                refused[(path.relative_to(data).as_posix(), column.name)] = errors
            else:
                accepted.append((path, column.name))
    for path, column in accepted:
        with_cell(path, column, text + SHORTCODE)
    rows = list(csv.DictReader((data / "sources.csv").open(encoding="utf-8")))
    for row in rows:  # a link with characters that mean something in HTML, percent-encoded
        row["url"] = (
            "https://www.essex.gov.uk/search?q=%3Cscript%3E&x=(1)#top"
            if "example.org" in row["id"]
            else ""
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (data / "sources.csv").write_text(out.getvalue(), encoding="utf-8")
    for name in ("foreword.md", "resources.md"):
        narrative = data / "2019-20" / "narrative" / name
        narrative.write_text(narrative.read_text(encoding="utf-8") + f"\n{text}\n", "utf-8")
    return data, accepted, refused


def test_a_refused_string_is_one_line_naming_where(hostile):
    """Refused by the column's own rule (naming file and column), or because a reference to
    the changed row no longer holds (naming the file and line of the reference)."""
    _, accepted, refused = hostile
    assert len(accepted) >= 10  # labels, titles, definitions, notes, sections ... print it
    for (file, column), errors in refused.items():
        assert all("\n" not in str(e) for e in errors)
        assert any(file in e.file and e.column == column for e in errors) or any(
            e.line for e in errors
        ), [str(e) for e in errors]


def test_the_string_prints_literally_and_nothing_is_fetched(hostile, tmp_path, listener):
    data, _, _ = hostile
    clean = tmp_path / "clean"
    shutil.copytree(GOOD, clean)
    baseline = build(clean, tmp_path / "clean-out")
    Requests.seen.clear()
    built = build(data, tmp_path / "out")
    assert Requests.seen == []  # the build fetched nothing

    html = (built / "annual-report.html").read_text(encoding="utf-8")
    pairs, tags = elements(html)
    known, _ = elements((baseline / "annual-report.html").read_text(encoding="utf-8"))
    assert pairs <= known, sorted(pairs - known)
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed")]
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href") and value:
                assert value.startswith(("data:", "#", "https://", "figures.")), (tag, value)
                assert "javascript:" not in value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    text = re.sub(
        r"\s+",
        " ",
        " ".join(p.extract_text() for p in PdfReader(built / "annual-report.pdf").pages),
    )
    assert "<script>alert(1)</script>" in text
    assert "#set page(fill: red)" in text
