"""The real Quarto publishes the same report as the built-in renderer.

Each build runs once per session: the built-in renderer's 2019/20 (conftest `builtin_2019`),
the README's `quarto render` at the root of a copy of the workbook (which builds 2019/20 with
Quarto through the pipeline), the README's chapter render, and a tiny document through both
renderers (SVG, font path, Word). Without Quarto these tests skip, saying how to install it;
CI sets ESSEX_REPORT_REQUIRE_QUARTO=1, under which they fail instead.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import page
import pytest

from tests import repo as paths

from .conftest import Built, path_without_quarto
from .documents import A4, compact, numbered, read_page, read_pdf, squeeze, structure, table_rows

pytestmark = pytest.mark.e2e  # builds reports or runs notebooks

# The Quarto commands the README gives, run here as written (`quarto` is the Quarto found).
RENDER_PROJECT = "quarto render"
PREVIEW = "quarto preview"
RUN_CHAPTER = (
    "papermill notebooks/resources.ipynb report/chapters/resources-2020-21.ipynb -p year 2020/21"
)
RENDER_CHAPTER = "quarto render report/chapters/resources-2020-21.ipynb --profile chapter"
DOCUMENTED = {
    "annual-report.html",
    "annual-report.pdf",
    "figures.csv",
    "figures.html",
    "manifest.json",  # what the build was made from, and what it reused
    "notebooks",
    "source",
    ".essex-report",  # the marker that says a build wrote the folder
}


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A copy of the workbook (what a clone holds that rendering reads)."""
    home = paths.copy_home(tmp_path_factory.mktemp("workbook"))
    (home / "report" / "chapters").mkdir(parents=True)
    for name in ("_quarto-chapter.yml", "report/README.md", "report/chapters/README.md"):
        shutil.copy(paths.ROOT / name, home / name)
    return home


def run_readme(command: str, home: Path, quarto: str) -> subprocess.CompletedProcess:
    """A README command at the root of `home`, with the venv active (its bin/ first on PATH)."""
    argv = shlex.split(command)
    venv = Path(sys.executable).parent
    argv[0] = quarto if argv[0] == "quarto" else str(venv / argv[0])
    env = {
        **os.environ,
        "PATH": f"{venv}{os.pathsep}{path_without_quarto()}",
        "ESSEX_REPORT_HOME": str(home),
    }
    result = subprocess.run(argv, cwd=home, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="session")
def quarto_version(quarto) -> str:
    return subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="session")
def quarto_2019(home, quarto) -> Built:
    """`quarto render` at the root: the default year, built with Quarto through the pipeline."""
    result = run_readme(RENDER_PROJECT, home, quarto)
    return Built(home / "report" / "2019-20", result.stdout + result.stderr)


@pytest.fixture(scope="session", params=["builtin", "quarto"])
def built(request) -> Built:
    return request.getfixturevalue(f"{request.param}_2019")


def test_the_readme_gives_the_quarto_commands_these_tests_run():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    assert {line for line in lines if line.startswith("quarto ")} == {
        RENDER_PROJECT,
        PREVIEW,
        RENDER_CHAPTER,
    }
    assert RUN_CHAPTER in lines


def test_only_the_documented_outputs_are_published(built):
    present = {p.name for p in built.folder.iterdir()} - {"annual-report.docx"}
    assert present == DOCUMENTED
    assert {p.name for p in (built.folder / "source").iterdir()} == {
        "annual-report.md",
        "annual-report_files",
    }


def test_the_renderer_is_named_in_the_run_s_metadata_never_to_the_reader(built, request):
    """The command's output and the HTML's generator tag name the renderer with its version
    (never a path); the description and the colophon say who published the report and when,
    in words, with no tool's name."""
    from essex_report.render.builtin import BuiltinRenderer

    if "Quarto" in built.stdout:
        name = f"Quarto {request.getfixturevalue('quarto_version')}"
    else:
        name = BuiltinRenderer().name
    assert re.fullmatch(
        r"Quarto \d+\.\d+\.\d+|built-in renderer \(pandoc [\d.]+, Typst [\d.]+\)", name
    )
    assert f"renderer: {name}\n" in built.stdout
    html = read_page(built.folder / "annual-report.html")
    assert html.generator == f"essex-report; {name}"
    assert html.description == (
        "Essex County Council annual report for 2019/20, published in October 2020."
    )
    pdf = read_pdf(built.folder / "annual-report.pdf").text
    assert compact("Published by Essex County Council, October 2020.") in compact(pdf)
    for tool in ("renderer", "pandoc", "Typst", "Quarto", "essex-report"):
        assert tool not in html.text and tool not in pdf and tool not in html.description


def test_the_html_is_self_contained_and_links_no_other_format(built):
    html = read_page(built.folder / "annual-report.html")
    assert all(s.startswith("data:") for s in html.sources)
    assert len(html.alts) >= 7  # the charts, inline SVG named by their alt text
    # links within the page, to the web, to the register published beside the report, and
    # the council's contact details (e-mail, telephone)
    assert all(
        link.startswith(("#", "https://", "figures.", "mailto:", "tel:")) for link in html.links
    )
    assert {"mailto:communications@essex.gov.uk", "tel:+448456032200"} <= set(html.links)
    assert not [link for link in html.links if re.search(r"\.(pdf|docx)$", link)]


def test_the_pdf_is_a4_and_passes_pdf_ua_1(built):
    pdf = read_pdf(built.folder / "annual-report.pdf")
    assert {(round(w), round(h)) for w, h in pdf.sizes} == {tuple(round(x) for x in A4)}
    assert pdf.title == "Essex County Council Annual Report 2019/20"
    report = page.validate_pdf(built.folder / "annual-report.pdf", profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    assert report.rules.failed == 0 and report.rules.passed > 0
    # the web page's structure: the title the one H1, chapters H2, row headers in tables
    tags = structure(built.folder / "annual-report.pdf")
    assert [tag for tag, _ in tags if tag == "H1"] == ["H1"] and ("H2", "Resources") in tags
    rows = table_rows(built.folder / "annual-report.pdf")
    assert rows and all(row[0] == ("TH", "/Row") for row in rows)


def test_every_chapter_starts_a_new_page(built):
    pdf = read_pdf(built.folder / "annual-report.pdf")
    chapters = [(title, page) for level, title, page in pdf.outline if level == 1]
    assert len(chapters) >= 7
    starts = [page for _, page in chapters]
    assert starts == sorted(set(starts))  # one chapter per page at most
    for title, page_index in chapters:
        assert pdf.pages[page_index].startswith(squeeze(title)), title


# --- The two renderers, side by side --------------------------------------------------------


@pytest.fixture(scope="module")
def both(builtin_2019, quarto_2019) -> dict:
    return {
        name: (read_page(b.folder / "annual-report.html"), read_pdf(b.folder / "annual-report.pdf"))
        for name, b in (("builtin", builtin_2019), ("quarto", quarto_2019))
    }


def test_the_same_headings(both):
    (b_html, b_pdf), (q_html, q_pdf) = both["builtin"], both["quarto"]
    assert b_html.heading_texts == q_html.heading_texts and len(q_html.heading_texts) > 90
    assert b_pdf.outline == q_pdf.outline
    # the PDF's bookmarks are the page's headings, in order (not the title and contents);
    # pandoc's HTML prints typographic apostrophes, Typst's bookmarks plain ones
    bookmarks = [title for _, title, _ in q_pdf.outline]
    assert bookmarks == [h.replace("\u2019", "'") for h in q_html.heading_texts[2:]]


def test_the_same_figures(builtin_2019, quarto_2019, both):
    rows = {
        name: list(csv.DictReader((b.folder / "figures.csv").open(encoding="utf-8")))
        for name, b in (("builtin", builtin_2019), ("quarto", quarto_2019))
    }
    assert rows["builtin"] == rows["quarto"]
    # a change starts with + or -: the register keeps it from a spreadsheet's formulas with "'"
    texts = {
        r["text"][1:] if r["text"][:2] in ("'+", "'-") else r["text"]
        for r in rows["quarto"]
        if r["year"] == "2019/20"
    }
    assert len(texts) > 90
    for _, pdf in both.values():
        assert [t for t in texts if compact(t) not in compact(pdf.text)] == []


def test_the_same_captions(both):
    (b_html, b_pdf), (q_html, q_pdf) = both["builtin"], both["quarto"]
    assert b_html.captions == q_html.captions and len(q_html.captions) >= 2
    assert b_html.figure_captions == q_html.figure_captions and q_html.figure_captions
    for pdf in (b_pdf, q_pdf):
        # captions are titles: no "Table 3:" or "Figure 3:" (nothing refers to a number)
        assert numbered(pdf.text, "Table") == numbered(pdf.text, "Figure") == []
        for caption in q_html.captions + q_html.figure_captions:
            assert compact(caption) in compact(pdf.text)


def test_the_same_pdf_pages(builtin_2019, quarto_2019, both):
    """One design: page for page the same text (cover, contents, running heads, page numbers,
    breaks, colophon)."""
    (_, b_pdf), (_, q_pdf) = both["builtin"], both["quarto"]
    assert len(b_pdf.pages) == len(q_pdf.pages) > 30
    different = [i for i, (b, q) in enumerate(zip(b_pdf.pages, q_pdf.pages, strict=True)) if b != q]
    assert different == []
    cover = "Essex County Council Annual Report 2019/20 Published October 2020"
    assert b_pdf.pages[0] == q_pdf.pages[0] == cover


def test_the_same_alt_texts(both):
    (b_html, b_pdf), (q_html, q_pdf) = both["builtin"], both["quarto"]
    assert b_html.alts == q_html.alts and all(len(a) > 20 for a in q_html.alts)
    assert b_pdf.alts == q_pdf.alts == q_html.alts


# Quarto's own classes on tables and rows (no style of ours reads them).
QUARTO_CLASSES = {"caption-top", "odd", "even", "header"}
# SVG drawing coordinates and pandoc's inline alignment: the same, but not what a reader uses.
DRAWING = {"d", "transform", "x", "y", "style"}


def skeleton(path: Path) -> list[tuple[str, list]]:
    """Every element of the page's body, in order, with its attributes."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = []
    for tag in soup.body.find_all(True):
        attrs = []
        for name, value in sorted(tag.attrs.items()):
            if name == "class":
                value = " ".join(c for c in value if c not in QUARTO_CLASSES)
            if name not in DRAWING and value:
                attrs.append((name, value))
        found.append((tag.name, attrs))
    return found


def test_the_same_web_page(builtin_2019, quarto_2019):
    """After the web page step (essex_report/webpage.py) both renderers publish the same page,
    element for element: landmarks, headings, inline charts, scoped headers, scroll regions."""
    builtin = skeleton(builtin_2019.folder / "annual-report.html")
    assert skeleton(quarto_2019.folder / "annual-report.html") == builtin
    assert ("main", [("id", "main"), ("tabindex", "-1")]) in builtin and len(builtin) > 1000


def test_the_web_page_passes_axe_and_reflows_with_either_renderer(browser, built):
    from .webcheck import NARROW, audit

    found = audit(browser, built.folder / "annual-report.html")
    assert found.violations == [] and found.review == []
    assert found.width == found.spaced_width == NARROW
    assert found.tiles_wide >= 3 and found.tiles_narrow == 1


def test_a_screen_reader_hears_each_caption_and_figure_once(browser, built):
    """The accessibility tree (Playwright's aria snapshot) of every chart and captioned table
    of 2019/20: a chart is one figure named by its caption, heard once, an image named by its
    numbers, each once, and its data one control away, a table named after the chart; a table
    is named by its caption once (the region around a wide table is named by its cue), and
    each of its cells is heard once."""
    from .webcheck import heard, said

    charts, tables = heard(browser, built.folder / "annual-report.html")
    assert len(charts) >= 7 and len(tables) >= 2
    for chart in charts:
        assert said(chart.closed, chart.caption) == 1, chart.closed
        assert chart.values and all(said(chart.closed, v) == 1 for v in chart.values), chart.closed
        assert chart.closed.count("Data for this chart") == 1
        data = chart.opened[re.search(r"- '?table ", chart.opened).start() :]
        # named after it (Playwright quotes a line whose name holds a colon)
        named = "- '?table " + re.escape(f'"{chart.caption}"')
        assert re.match(named, data), chart.opened
        assert said(data, chart.caption) == 1
        assert all(said(data, v) == chart.values.count(v) for v in chart.values), data
    for table in tables:
        # its name comes from its caption: the snapshot's "- caption:" line is that caption
        heard_text = "\n".join(
            line for line in table.closed.splitlines() if not line.strip().startswith("- caption:")
        )
        assert said(heard_text, table.caption) == 1, table.closed
        assert all(said(heard_text, v) == table.values.count(v) for v in table.values), table.closed


def test_word_from_the_built_in_renderer(builtin_2019):
    with zipfile.ZipFile(builtin_2019.folder / "annual-report.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "Our spending" in xml and "£668m" in xml
    assert 'descr="Bar chart in £ million: Adult social care and public health: over £668m' in xml
    # A4, a PNG for every chart (with its SVG), contents as links, captions above charts
    assert re.search(r'<w:pgSz (w:h="16838" w:w="11906"|w:w="11906" w:h="16838")', xml)
    assert xml.count("<asvg:svgBlip") == xml.count('<a:blip r:embed="') >= 7
    assert "TOC \\o" not in xml and '<w:hyperlink w:anchor="resources">' in xml
    caption = xml.index(">Spending on selected services, 2019/20<")
    assert caption < xml.index("<w:drawing>", caption)


# --- A chapter on its own, and a tiny document through both renderers ---------------------


@pytest.fixture(scope="session")
def chapter(home, quarto) -> tuple[Path, bool]:
    """The README's chapter render; and whether it rebuilt the default year (it must not)."""
    year = home / "report" / "2019-20" / "annual-report.pdf"
    before = year.stat().st_mtime_ns if year.exists() else None
    run_readme(RUN_CHAPTER, home, quarto)
    run_readme(RENDER_CHAPTER, home, quarto)
    after = year.stat().st_mtime_ns if year.exists() else None
    return home / "report" / "chapters" / "resources-2020-21.ipynb", before != after


def test_a_chapter_renders_for_a_year_and_leaves_the_notebook_as_stored(chapter, home):
    executed, rebuilt_the_year = chapter
    html = read_page(executed.with_suffix(".html"))
    assert "Resources" in html.heading_texts and not rebuilt_the_year
    assert len(html.alts) >= 4 and any("2020/21" in c for c in html.figure_captions)
    assert all(s.startswith("data:") for s in html.sources)
    pdf = read_pdf(executed.with_suffix(".pdf"))
    assert pdf.alts == html.alts and {(round(w), round(h)) for w, h in pdf.sizes} == {(595, 842)}
    assert page.validate_pdf(executed.with_suffix(".pdf"), profile="ua1").is_compliant
    # Papermill ran a copy: the stored notebook still has no outputs and no injected year.
    stored = (paths.NOTEBOOKS_DIR / "resources.ipynb").read_bytes()
    assert (home / "notebooks" / "resources.ipynb").read_bytes() == stored


def test_a_chapter_on_its_own_carries_the_house_style(chapter):
    """Its web page is made as the report's (the brand's colours and Lato embedded, the
    banner, inline charts with captions above); its PDF is set in Lato, embedded."""
    from bs4 import BeautifulSoup
    from pypdf import PdfReader

    executed, _ = chapter
    text = executed.with_suffix(".html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert "--brand-primary: #12436D" in text and 'font-family: "Lato"' in text
    assert soup.select_one("header.masthead .wordmark").text == "Essex County Council"
    figures = soup.select("figure.chart")
    assert figures and all(f.find().name == "figcaption" and f.svg for f in figures)
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for p in PdfReader(executed.with_suffix(".pdf")).pages
        for f in p["/Resources"]["/Font"].values()
    }
    assert fonts and all(name.startswith("Lato-") for name in fonts), fonts


def test_builds_and_the_project_render_go_on_after_a_chapter_render(chapter, home, quarto):
    """The chapter lives in report/chapters/, which builds leave alone: the README's
    `quarto render` (a build of the default year) still works beside it, and keeps it."""
    executed, _ = chapter
    run_readme(RENDER_PROJECT, home, quarto)
    assert (home / "report" / "2019-20" / "annual-report.html").is_file()
    assert executed.with_suffix(".html").is_file()
    assert (home / "index.html").read_text(encoding="utf-8").count("report/2019-20/") == 2


def test_quarto_preview_serves_the_report_at_the_root(home, quarto):
    """`quarto preview` at the root builds the default year and serves it at /."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    venv = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{venv}{os.pathsep}{path_without_quarto()}",
        "ESSEX_REPORT_HOME": str(home),
    }
    argv = [quarto, *PREVIEW.split()[1:], "--no-browser", "--no-watch-inputs", "--port", str(port)]
    process = subprocess.Popen(
        argv, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 600
        served = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    served = reply.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(1)
        assert served is not None, process.stdout.read() if process.poll() is not None else ""
        assert 'url=report/2019-20/annual-report.html"' in served
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/report/2019-20/annual-report.html", timeout=30
        ) as reply:
            assert "Essex County Council Annual Report 2019/20" in reply.read().decode("utf-8")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="90" viewBox="0 0 240 90">'
    '<rect x="0" y="0" width="200" height="40" fill="#00507a"/>'
    '<text x="0" y="80" font-family="STIXGeneral" font-size="18">Drawn from SVG</text></svg>'
)
TINY = """---
title: Tiny
author: Test
lang: en-GB
mainfont: STIXGeneral
---

# First chapter

![A chart caption](tiny_files/chart.svg){fig-alt="Bar chart. One bar: £668m."}

| Service | Spending |
|:--------|---------:|
| Adults  |    £668m |

: A table caption

# Second chapter

Words.
"""


@pytest.fixture(scope="session", params=["builtin", "quarto"])
def tiny(request, tmp_path_factory) -> Path:
    """A tiny document (an SVG chart, a captioned table, a font from a font path) rendered
    to HTML, PDF and Word by each renderer (the built-in one needs no Quarto)."""
    import dataclasses

    import matplotlib

    from essex_report.render.base import render_folder
    from essex_report.render.builtin import BuiltinRenderer
    from essex_report.render.quarto import QuartoRenderer

    if request.param == "quarto":
        renderer = QuartoRenderer(request.getfixturevalue("quarto"))
    else:
        renderer = BuiltinRenderer()
    fonts = tmp_path_factory.mktemp("fonts")  # a font no system here has
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts/ttf/STIXGeneral.ttf", fonts)
    project = paths.PROJECT.with_config(
        dataclasses.replace(paths.PROJECT.config, font_paths=(fonts,))
    )
    out = tmp_path_factory.mktemp(request.param)
    with render_folder() as folder:
        (folder / "tiny_files").mkdir()
        (folder / "tiny_files" / "chart.svg").write_text(SVG)
        (folder / "tiny.md").write_text(TINY, encoding="utf-8")
        wanted = ["html", "pdf", "docx"]
        for path in renderer.render(folder / "tiny.md", project, wanted).values():
            shutil.copy(path, out)
    return out


def test_svg_fonts_captions_and_word_in_both_renderers(tiny):
    html = read_page(tiny / "tiny.html")
    assert [s[:26] for s in html.sources] == ["data:image/svg+xml;base64,"]
    assert html.alts == ["Bar chart. One bar: £668m."] and html.captions == ["A table caption"]
    pdf = read_pdf(tiny / "tiny.pdf")
    assert "Drawn from SVG" in pdf.text  # the SVG is drawn, its text is text
    assert "A table caption" in pdf.text and "A chart caption" in pdf.text
    assert numbered(pdf.text, "Table") == numbered(pdf.text, "Figure") == []
    assert pdf.alts == html.alts
    from pypdf import PdfReader

    fonts = {
        str(f.get_object()["/BaseFont"])
        for p in PdfReader(tiny / "tiny.pdf").pages
        for f in p["/Resources"]["/Font"].values()
    }
    assert any("STIXGeneral" in f for f in fonts), fonts
    with zipfile.ZipFile(tiny / "tiny.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert 'descr="Bar chart. One bar: £668m."' in xml and "A table caption" in xml
    assert 'w:w="11906"' in xml and "TOC \\o" not in xml  # A4; contents need no update
