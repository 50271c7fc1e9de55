"""The Word document (`--word`), the same from either renderer: A4, the brand's font, sizes and
colours through a reference document made from `_brand.yml`, and every chart as a PNG that
any Word shows, carrying its SVG for the versions that draw it.

`reference_doc` writes the reference document pandoc and Quarto style the Word file by
(pandoc's own, with the page, fonts and colours changed); `finish` gives each chart its PNG,
drawn from the chart's SVG by Typst (with the brand's font), after the renderer wrote the file.
Captions above charts and a contents list that needs no updating are the Lua filter's
(styles/report.lua), which both renderers run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pypandoc

from essex_report import limits
from essex_report.config import Brand
from essex_report.errors import BuildError
from essex_report.render.base import run

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
REFERENCE = "reference.docx"
# A4 in twentieths of a point, and margins of 2 cm (as the PDF's).
A4 = {"w": "11906", "h": "16838"}
MARGIN = "1134"
# Styles whose text is set in the brand's heading colour.
HEADINGS = re.compile(r"Heading\d|Title|Subtitle|TOCHeading")
PNG_PPI = 192  # a chart's PNG: sharp on paper and on a high-density screen
DRAW = "import json, sys, typst; typst.compile(**json.loads(sys.argv[1]))"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def _fonts(element: ET.Element, font: str) -> None:
    """Every rFonts under `element` set to the brand's font, theme fonts dropped."""
    for fonts in element.iter(w("rFonts")):
        for key in list(fonts.attrib):
            del fonts.attrib[key]
        for kind in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(w(kind), font)


def _colour(style: ET.Element, colour: str) -> None:
    """The style's text colour, as the brand gives it (no theme colour)."""
    properties = style.find(w("rPr"))
    if properties is None:
        properties = ET.SubElement(style, w("rPr"))
    found = properties.find(w("color"))
    if found is None:
        found = ET.SubElement(properties, w("color"))
    found.attrib.clear()
    found.set(w("val"), colour.lstrip("#").upper())


def styles(xml: bytes, brand: Brand) -> bytes:
    """pandoc's styles with the brand's font and size for everything, its heading colour for
    headings and the title, its link colour for links, and British English."""
    ET.register_namespace("w", W)
    ET.register_namespace("r", R)
    root = ET.fromstring(xml)
    _fonts(root, brand.font)
    size = str(round(float(brand.size.removesuffix("pt")) * 2))  # half-points
    defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    if defaults is not None:
        for tag in ("sz", "szCs"):
            found = defaults.find(w(tag))
            if found is not None:
                found.set(w("val"), size)
        lang = defaults.find(w("lang"))
        if lang is not None:
            lang.set(w("val"), "en-GB")
    for style in root.iter(w("style")):
        ident = style.get(w("styleId"), "")
        if HEADINGS.fullmatch(ident):
            _colour(style, brand.heading_colour)
        elif ident == "Hyperlink":
            _colour(style, brand.link_colour)
        elif ident in ("Caption", "ImageCaption", "TableCaption"):
            _colour(style, brand.heading_colour)
            if ident == "ImageCaption" and style.find(f"{w('pPr')}/{w('keepNext')}") is None:
                paragraph = style.find(w("pPr"))
                if paragraph is None:
                    paragraph = ET.SubElement(style, w("pPr"))
                ET.SubElement(paragraph, w("keepNext"))  # above its chart, kept with it
            properties = style.find(w("rPr"))
            assert properties is not None  # _colour made it
            if properties.find(w("b")) is None:
                ET.SubElement(properties, w("b"))
            italic = properties.find(w("i"))
            if italic is not None:
                properties.remove(italic)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def page(xml: bytes) -> bytes:
    """pandoc's sample document with an A4 page and 2 cm margins (pandoc takes the page from
    the reference document's last section)."""
    ET.register_namespace("w", W)
    root = ET.fromstring(xml)
    body = root.find(w("body"))
    assert body is not None
    section = body.find(w("sectPr"))
    if section is None:
        section = ET.SubElement(body, w("sectPr"))
    for old in section.findall(w("pgSz")) + section.findall(w("pgMar")):
        section.remove(old)
    size = ET.SubElement(section, w("pgSz"))
    size.set(w("w"), A4["w"])
    size.set(w("h"), A4["h"])
    margins = ET.SubElement(section, w("pgMar"))
    for side in ("top", "right", "bottom", "left"):
        margins.set(w(side), MARGIN)
    for side, length in (("header", "709"), ("footer", "709"), ("gutter", "0")):
        margins.set(w(side), length)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def reference_doc(brand: Brand, folder: Path) -> Path:
    """The reference document for this brand, written into `folder` (as REFERENCE), from the
    pandoc both renderers run (pypandoc's)."""
    default = subprocess.run(
        [str(pypandoc.get_pandoc_path()), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        timeout=limits.RENDER_TIMEOUT,
    )
    if default.returncode != 0:
        raise BuildError("pandoc gave no reference document for Word")
    out = folder / REFERENCE
    with tempfile.TemporaryDirectory() as scratch:
        given = Path(scratch) / "pandoc.docx"
        given.write_bytes(default.stdout)
        with zipfile.ZipFile(given) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "word/styles.xml":
                    data = styles(data, brand)
                elif item.filename == "word/document.xml":
                    data = page(data)
                target.writestr(item, data)
    return out


def svg_to_png(svg: bytes, fonts: list[Path]) -> bytes:
    """A chart's SVG drawn as a PNG by Typst, its text in the brand's font (Typst in a process
    of its own, as the PDF's: its caches would stay in the build's memory)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "chart.svg").write_bytes(svg)
        source = folder / "chart.typ"
        source.write_text(
            '#set page(width: auto, height: auto, margin: 0pt)\n#image("chart.svg")\n',
            encoding="utf-8",
        )
        arguments = {
            "input": str(source),
            "output": str(folder / "chart.png"),
            "root": str(folder),
            "font_paths": [str(p) for p in fonts],
            "format": "png",
            "ppi": PNG_PPI,
        }
        run([sys.executable, "-c", DRAW, json.dumps(arguments)], folder, "typst (a chart's PNG)")
        return (folder / "chart.png").read_bytes()


def finish(docx: Path, fonts: list[Path]) -> int:
    """Each SVG image of the Word file given a PNG (Word's `blip`), the SVG kept as its
    extension: older Word shows the PNG, newer draws the SVG. How many."""
    with zipfile.ZipFile(docx) as source:
        items = {item.filename: source.read(item) for item in source.infolist()}
        infos = {item.filename: item for item in source.infolist()}
    rels_name = "word/_rels/document.xml.rels"
    rels = items[rels_name].decode("utf-8")
    document = items["word/document.xml"].decode("utf-8")
    targets = {
        r.get("Id", ""): r.get("Target", "")
        for r in ET.fromstring(rels).iter(f"{{{PACKAGE_RELS}}}Relationship")
    }
    added = 0

    def with_png(match: re.Match[str]) -> str:
        nonlocal added
        blip, svg_id = match[0], match[1]
        target = targets.get(svg_id, "")
        if not target.endswith(".svg") or f"word/{target}" not in items:
            return blip
        png_id = f"{svg_id}png"
        png_target = target.removesuffix(".svg") + ".png"
        items[f"word/{png_target}"] = svg_to_png(items[f"word/{target}"], fonts)
        new_rels.append(f'<Relationship Id="{png_id}" Type="{IMAGE}" Target="{png_target}"/>')
        added += 1
        return blip.replace("<a:blip>", f'<a:blip r:embed="{png_id}">', 1)

    new_rels: list[str] = []
    document = re.sub(
        r'<a:blip>(?:(?!</a:blip>).)*?<asvg:svgBlip [^>]*r:embed="([^"]+)"',
        with_png,
        document,
        flags=re.S,
    )
    if not added:
        return 0
    items["word/document.xml"] = document.encode("utf-8")
    rels = rels.replace("</Relationships>", "".join(new_rels) + "</Relationships>")
    items[rels_name] = rels.encode("utf-8")
    types = items["[Content_Types].xml"].decode("utf-8")
    if 'Extension="png"' not in types:
        types = types.replace(
            "<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1
        )
        items["[Content_Types].xml"] = types.encode("utf-8")
    staging = docx.with_suffix(".docx.tmp")
    with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items.items():
            info = infos.get(name) or zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    staging.replace(docx)
    return added
