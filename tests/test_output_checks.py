"""Outputs are checked for what they must hold before they replace the last good report (issue
16): the web page runs nothing and loads nothing from outside, and shows every heading and
figure; the PDF's text holds them too, on a number of pages the document implies."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from essex_report.document.register import Row
from essex_report.errors import BuildError
from essex_report.notebook.parts import Printed
from essex_report.publish.page import active_content
from essex_report.publish.verify import Expected, check_outputs

PAGE = (
    "<!DOCTYPE html><html><head><title>Report</title>{head}</head>"
    "<body><h1>Annual Report 2019/20</h1><h2>Resources</h2>"
    "<p>We spent £2.1bn.</p>{body}</body></html>"
)

ACTIVE = [
    ("", "<script>alert(1)</script>", "a <script> element"),
    ("", "<SCRIPT src=//127.0.0.1/x.js></SCRIPT>", "a <script> element"),
    ("", '<iframe src="about:blank"></iframe>', "an <iframe> element"),
    ("", '<object data="x.swf"></object>', "an <object> element"),
    ("", '<embed src="x.swf">', "an <embed> element"),
    ("", '<form action="https://example.org/"><input></form>', "a <form> element"),
    ('<base href="https://example.org/">', "", "a <base> element"),
    (
        '<meta http-equiv="refresh" content="0;url=https://example.org">',
        "",
        "a <meta> that refreshes",
    ),
    ("", '<b onmouseover="alert(1)">x</b>', "an onmouseover attribute on <b>"),
    ("", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript:"),
    ("", '<a href=" JaVa\tScRiPt:alert(1)">x</a>', "javascript:"),
    ("", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ("", '<img src="http://127.0.0.1:8765/i.png" alt="">', "loads http://127.0.0.1:8765/i.png"),
    ("", '<img srcset="//127.0.0.1:8765/i.png 2x" alt="">', "loads //127.0.0.1:8765/i.png"),
    ("", '<video poster="https://example.org/p.png"></video>', "loads https://example.org/p.png"),
    (
        '<link rel="stylesheet" href="https://example.org/s.css">',
        "",
        "loads https://example.org/s.css",
    ),
    ('<link rel="icon" href="/favicon.ico">', "", "loads /favicon.ico"),
    ("", '<svg><image href="https://example.org/i.png"/></svg>', "loads https://example.org/i.png"),
    ("", '<svg><use xlink:href="https://example.org/s.svg#a"/></svg>', "loads https://example.org"),
    ("<style>body{background:url(https://example.org/b.png)}</style>", "", "a style that loads"),
    ("<style>@import 'https://example.org/s.css';</style>", "", "a style that loads"),
    (
        "<style>p{background-image:image-set('https://x.org/a.png' 1x)}</style>",
        "",
        "a style that loads",
    ),
    ("", '<p style="background:url(//example.org/b.png)">x</p>', "a style that loads"),
    ("<style>p{width:expression(alert(1))}</style>", "", "a style that runs"),
    (
        "<style></style><style>x{}</style><style><img src=x onerror=alert(1)></style>",
        "",
        "a <style> holding markup",
    ),
]


@pytest.mark.parametrize(("head", "body", "said"), ACTIVE)
def test_active_content_and_outside_loads_are_found(head, body, said):
    found = active_content(PAGE.format(head=head, body=body))
    assert found is not None and said in found


def test_a_page_that_only_shows_passes():
    body = (
        '<a href="https://www.essex.gov.uk/a?b=1#c">link</a> <a href="figures.html">r</a> '
        '<a href="#main">skip</a> <a href="mailto:x@essex.gov.uk">mail</a>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">'
        '<svg role="img"><use href="#g1"/><style>.a{fill:red}</style></svg>'
    )
    head = '<style>@font-face{src:url("data:font/ttf;base64,AAEA") format("truetype")}</style>'
    assert active_content(PAGE.format(head=head, body=body)) is None


def figure(text: str, indicator: str = "spend_total") -> Row:
    return Row(Printed(indicator, "", "2019/20", "", "", "", "", text, "", ""), "")


def expected(*texts: str) -> Expected:
    return Expected(
        figures=[figure(t) for t in texts],
        headings=[(1, "Resources")],
        chapters=1,
        words=20,
    )


def test_a_page_that_does_not_show_a_heading_is_refused(tmp_path):
    html = tmp_path / "annual-report.html"
    html.write_text(PAGE.format(head="", body="").replace("<h2>Resources</h2>", "<p>Resources</p>"))
    with pytest.raises(BuildError, match=r"does not show 1 of the 1 headings .first: Resources"):
        check_outputs({"html": html}, expected("£2.1bn"), "r")


def test_a_page_with_active_content_is_refused(tmp_path):
    html = tmp_path / "annual-report.html"
    html.write_text(PAGE.format(head="", body="<script>alert(1)</script>"))
    with pytest.raises(BuildError, match=r"annual-report\.html from the r has a <script> element"):
        check_outputs({"html": html}, expected("£2.1bn"), "r")


def blank_pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_a_valid_but_blank_pdf_is_refused(tmp_path):
    """Issue 16 (4): a blank one-page PDF was published at exit 0."""
    pdf = blank_pdf(tmp_path / "annual-report.pdf")
    with pytest.raises(BuildError, match=r"has 1 page; the document implies 2 to \d+"):
        check_outputs({"pdf": pdf}, Expected([], [], chapters=2, words=10), "r")
    pdf = blank_pdf(tmp_path / "annual-report.pdf", pages=3)
    with pytest.raises(BuildError, match=r"does not show 1 of the 1 headings .first: Resources"):
        check_outputs({"pdf": pdf}, expected("£2.1bn"), "r")


def test_a_pdf_of_far_more_pages_than_the_document_implies_is_refused(tmp_path):
    pdf = blank_pdf(tmp_path / "annual-report.pdf", pages=60)
    with pytest.raises(BuildError, match=r"has 60 pages; the document implies 1 to \d\d?\b"):
        check_outputs({"pdf": pdf}, expected("£2.1bn"), "r")


def test_a_pdf_whose_text_lacks_a_figure_is_refused(tmp_path):
    import typst

    source = tmp_path / "doc.typ"
    source.write_text("= Resources\n\nWe spent £2.2bn.\n", encoding="utf-8")
    pdf = tmp_path / "annual-report.pdf"
    typst.compile(str(source), output=str(pdf))
    with pytest.raises(BuildError, match=r"does not show 1 of the 1 figures .*first: £2\.1bn"):
        check_outputs({"pdf": pdf}, expected("£2.1bn"), "r")
    check_outputs({"pdf": pdf}, expected("£2.2bn"), "r")  # the text is found, line breaks or not


FAKE_QUARTO = """#!{python}
import sys
from pathlib import Path

import pypandoc
from pypdf import PdfWriter

if sys.argv[1:] == ["--version"]:
    print("1.10.18")
    sys.exit(0)
document = Path(sys.argv[2])
text = pypandoc.convert_file(str(document), "plain", extra_args=["--wrap=none"])
document.with_suffix(".html").write_text(  # every word and figure shown, as plain text
    "<html><head></head><body><pre>" + text.replace("<", "&lt;") + "</pre>"
    + {script!r} + "</body></html>",
    encoding="utf-8",
)
writer = PdfWriter()
writer.add_blank_page(595, 842)
with document.with_suffix(".pdf").open("wb") as handle:
    writer.write(handle)
"""


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("script", "said"),
    [
        ('<script src="http://127.0.0.1:9/x.js"></script>', "has a <script> element"),
        ("", "does not show"),  # every heading: (first: Foreword)
    ],
)
def test_a_renderer_that_writes_no_report_fails_the_build_and_keeps_the_last_good_one(
    previous, tmp_path, script, said
):
    """Issue 16 (4): a `quarto` that wrote the Markdown in a <pre> with an outside script, and
    a valid blank one-page PDF, was published at exit 0."""
    import sys

    from .builds import snapshot
    from .conftest import essex_report

    fake = tmp_path / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable, script=script), encoding="utf-8")
    fake.chmod(0o755)
    before = snapshot(previous)
    result = essex_report(
        "build", "--year", "2019/20", "--output", str(previous), "--quarto", str(fake)
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"essex-report: annual-report.html from the Quarto 1.10.18 {said}"
    ), result.stderr
    assert lines[0].endswith("; the last good report is kept")
    assert script or "headings (first: Foreword)" in lines[0]
    assert snapshot(previous) == before


COPYING_QUARTO = """#!{python}
import shutil, sys
from pathlib import Path

if sys.argv[1:] == ["--version"]:
    print("1.10.18")
    sys.exit(0)
document = Path(sys.argv[2])
shutil.copy({html!r}, document.with_suffix(".html"))
pdf = Path({pdf!r}).read_bytes()
end = pdf.rfind(b"startxref")
document.with_suffix(".pdf").write_bytes(pdf[:end] + b"startxref\\n12\\n%%EOF\\n")
"""


@pytest.mark.e2e
def test_library_log_lines_never_reach_the_terminal(built_2019, tmp_path):
    """Issue 16 (8): a library's log lines (pypdf's "incorrect startxref pointer(1)" for a
    PDF whose last line is wrong) were printed beside the command's own words."""
    import sys

    from .conftest import essex_report

    fake = tmp_path / "quarto"
    fake.write_text(
        COPYING_QUARTO.format(
            python=sys.executable,
            html=str(built_2019 / "source" / ".." / "annual-report.html"),
            pdf=str(built_2019 / "annual-report.pdf"),
        ),
        encoding="utf-8",
    )
    fake.chmod(0o755)
    result = essex_report(
        "build", "--year", "2019/20", "--output", str(tmp_path / "out"), "--quarto", str(fake)
    )
    assert "startxref" not in result.stderr and "Object Streams" not in result.stderr
    assert result.stderr.strip() == "", result.stderr
