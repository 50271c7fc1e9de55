"""The Word document: A4, the brand's font and colours through a reference document made
from _brand.yml, charts as a PNG carrying their SVG, captions above charts, and contents
that need no updating (a list of links, not a field)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from essex_report.render import word
from essex_report.render.base import font_paths, render_folder
from essex_report.render.builtin import BuiltinRenderer
from tests import repo as paths

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="90" viewBox="0 0 240 90">'
    '<rect x="0" y="0" width="200" height="40" fill="#12436D"/>'
    '<text x="0" y="80" font-family="Lato" font-size="18">£668m</text></svg>'
)
DOCUMENT = """---
title: A report
lang: en-GB
toc-depth: 2
---

# Resources

## Our spending

![Spending on selected services, 2019/20](chart.svg){fig-alt="Bar chart: Adults: £668m."}

| Service | Spending |
|:--------|---------:|
| Adults  |    £668m |

: Spending by service
"""


def xml(docx: Path, name: str) -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read(name).decode("utf-8")


def test_the_reference_document_is_a4_in_the_brand_s_font_and_colours(tmp_path):
    reference = word.reference_doc(paths.PROJECT.brand, tmp_path)
    page = xml(reference, "word/document.xml")
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"\s*/>', page)  # A4, not Letter
    assert 'w:top="1134"' in page  # 2 cm, as the PDF
    styles = xml(reference, "word/styles.xml")
    assert "asciiTheme" not in styles and styles.count('w:ascii="Lato"') > 5
    heading = re.search(r'w:styleId="Heading1".*?</w:style>', styles, re.S)[0]
    assert '<w:color w:val="12436D"' in heading  # the brand's heading colour
    assert '<w:sz w:val="24"' in styles  # 12 pt, as _brand.yml's base size


def test_a_word_document_has_its_captions_above_charts_png_with_svg_and_a_contents_list():
    with render_folder() as folder:
        (folder / "chart.svg").write_text(CHART, encoding="utf-8")
        (folder / "report.md").write_text(DOCUMENT, encoding="utf-8")
        docx = BuiltinRenderer().render(folder / "report.md", paths.PROJECT, ["docx"])["docx"]
        before = xml(docx, "word/document.xml")
        assert word.finish(docx, font_paths(paths.PROJECT)) == 1
        after = xml(docx, "word/document.xml")
        with zipfile.ZipFile(docx) as archive:
            media = sorted(n for n in archive.namelist() if n.startswith("word/media/"))
            png = archive.read(next(n for n in media if n.endswith(".png")))
    assert "<a:blip>" in before  # pandoc's: an SVG only, which older Word cannot show
    assert re.search(r'<a:blip r:embed="\w+png">.*?<asvg:svgBlip [^>]*r:embed=', after, re.S)
    assert png.startswith(b"\x89PNG") and len(media) == 2
    assert 'descr="Bar chart: Adults: £668m."' in after
    caption = after.index(">Spending on selected services, 2019/20<")
    assert after.rindex("ImageCaption", 0, caption) and caption < after.index("<w:drawing>")
    assert after.index(">Spending by service<") < after.index("<w:tbl>")  # tables too
    assert "TOC \\o" not in after  # no contents field to update
    contents = after.index(">Contents<")
    assert contents < after.index('<w:hyperlink w:anchor="resources">') < caption
    assert '<w:hyperlink w:anchor="our-spending">' in after
    assert re.search(r'<w:pgSz (w:h="16838" w:w="11906"|w:w="11906" w:h="16838")', after)
