"""The brand (config.Brand, read from `_brand.yml`) as both renderers are given it: Typst for
the PDF (`typst`, written to brand.typ before each render) and CSS for every HTML page
(`css`: custom properties and the brand font embedded)."""

from __future__ import annotations

import base64
from pathlib import Path

from essex_report.config import BRAND_FILE, Brand
from essex_report.errors import ReportError

# --- The PDF: the brand as Typst ---------------------------------------------------------------


def typst_string(text: str) -> str:
    """A Typst string literal: printed as it is, never read as markup or code."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def typst(brand: Brand) -> str:
    """The brand as Typst, included in the PDF's header before styles/report.typ (by
    both renderers): the wordmark, the font and the colours as variables, and the text's font,
    size and colour as set rules, so that everything after it is set in the brand font."""
    colours = ",\n".join(
        f"  {typst_string(name)}: rgb({typst_string(value)})"
        for name, value in brand.colours.items()
    )
    # Typst's leading is the gap between lines; a Lato line is about 0.75em high.
    leading = max(brand.line_height - 0.75, 0.3)
    return "\n".join(
        [
            "// The report's brand, written from _brand.yml by essex_report.render.brand.typst().",
            f"#let brand-name = {typst_string(brand.name)}",
            f"#let brand-font = {typst_string(brand.font)}",
            f"#let brand-monospace = {typst_string(brand.monospace)}",
            f"#let brand-size = {float(brand.size.removesuffix('pt')):g}pt",
            f"#let brand-leading = {leading:.2f}em",
            f"#let brand-color = (\n{colours},\n)",
            f"#let brand-heading-color = rgb({typst_string(brand.heading_colour)})",
            f"#let brand-link-color = rgb({typst_string(brand.link_colour)})",
            "#set text(font: brand-font, size: brand-size, "
            'fill: brand-color.at("foreground", default: black))',
            "#show raw: set text(font: brand-monospace)",
            "",
        ]
    )


def write_typst(path: Path, brand: Brand) -> Path:
    """The brand's Typst (`typst`) written to `path` (config.TYPST_BRAND), where Typst reads it."""
    path.write_text(typst(brand), encoding="utf-8")
    return path


# --- The brand as CSS, for every HTML page (the report, figures.html, index.html) ---------

# Lato's faces the pages use, as the font-lato package names its files: (file suffix, CSS
# font-style, CSS font-weight).
FACES = (
    ("Regular", "normal", 400),
    ("Italic", "italic", 400),
    ("Bold", "normal", 700),
    ("BoldItalic", "italic", 700),
)
# Text colours and the ground they are read on: WCAG 2.2 AA asks 4.5:1 of body text.
TEXT_ON_BACKGROUND = ("foreground", "primary", "secondary")
AA_TEXT = 4.5


def luminance(colour: str) -> float:
    """The relative luminance of #RRGGBB (WCAG 2.2's definition)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two #RRGGBB colours, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def font_faces(brand: Brand, font_dir: Path) -> str:
    """@font-face rules embedding the brand font's files as data: URIs: the page stays one
    self-contained file, and no reader's browser downloads a font."""
    stem = brand.font.replace(" ", "")
    rules = []
    for suffix, style, weight in FACES:
        path = font_dir / f"{stem}-{suffix}.ttf"
        if not path.is_file():
            raise ReportError(
                f"{BRAND_FILE}: the font {brand.font} has no file {path.name} in {font_dir}; "
                "install the package that holds it (make install)"
            )
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{brand.font}"; font-style: {style}; '
            f"font-weight: {weight}; font-display: swap; "
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
        )
    return "\n".join(rules)


def css(brand: Brand, font_dir: Path) -> str:
    """The brand as CSS: its font embedded (`font_faces`), and its colours and type as custom
    properties (`--brand-<name>`) that styles/report.css uses. A text colour the brand
    gives below 4.5:1 on its background is refused (WCAG 2.2 AA)."""
    background = brand.colours.get("background", "#FFFFFF")
    text = {role: brand.colours[role] for role in TEXT_ON_BACKGROUND if role in brand.colours}
    text |= {"headings": brand.heading_colour, "link": brand.link_colour}
    for role, colour in text.items():
        ratio = contrast(colour, background)
        if ratio < AA_TEXT:
            raise ReportError(
                f"{BRAND_FILE}: {role} {colour} on the background {background} has a contrast "
                f"of {ratio:.2f}:1; text needs {AA_TEXT}:1 (WCAG 2.2 AA): choose a darker colour"
            )
    properties = {f"--brand-{name}": value for name, value in brand.colours.items()}
    properties |= {
        "--brand-heading-color": brand.heading_colour,
        "--brand-link-color": brand.link_colour,
        "--brand-font": f'"{brand.font}", Arial, Helvetica, sans-serif',
        "--brand-monospace": f'"{brand.monospace}", monospace',
        "--brand-line-height": f"{brand.line_height:g}",
        "--brand-print-size": brand.size,
    }
    declarations = "\n".join(f"  {name}: {value};" for name, value in properties.items())
    return f"{font_faces(brand, font_dir)}\n:root {{\n{declarations}\n}}\n"
