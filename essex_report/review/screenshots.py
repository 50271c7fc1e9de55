"""`make screenshots`: PNGs of every built year's web page at 1280 and 375 CSS px (the whole
page), of its figures.html and of the index, and of every page of its PDF (pdftoppm), into
report/screenshots/, for a person to review.

    python -m essex_report.review.screenshots [REPORT_DIR] [OUT_DIR]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from essex_report.errors import ReportError, show_paths_from, shown
from essex_report.project import Project
from essex_report.review.browser import launch

WIDTHS = (1280, 375)
PDF_DPI = 60  # enough to judge a page's layout, small enough to page through


def pages(output_dir: Path) -> list[tuple[str, Path]]:
    """(name, page) for every year's report and register, and the index."""
    found = []
    for folder in sorted(p for p in output_dir.iterdir() if (p / "annual-report.html").is_file()):
        found.append((folder.name, folder / "annual-report.html"))
        if (folder / "figures.html").is_file():
            found.append((f"{folder.name}-figures", folder / "figures.html"))
    if (output_dir / "index.html").is_file():
        found.append(("index", output_dir / "index.html"))
    return found


def take(output_dir: Path, out: Path) -> list[Path]:
    listed = pages(output_dir)
    if not listed:
        raise ReportError(
            f"no built report in {shown(output_dir)}: run `essex-report build --all` first"
        )
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ReportError("pdftoppm not found: apt-get install poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):  # a year's PDF may have fewer pages than last time
        old.unlink()
    written = []
    with launch() as browser:
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, html in listed:
                page.goto(html.resolve().as_uri())
                target = out / f"{name}-html-{width}.png"
                page.screenshot(path=target, full_page=True)
                written.append(target)
            page.close()
    for name, html in listed:
        pdf = html.with_suffix(".pdf")
        if html.name == "annual-report.html" and pdf.is_file():
            prefix = out / f"{name}-pdf"
            subprocess.run(
                [pdftoppm, "-r", str(PDF_DPI), "-png", str(pdf), str(prefix)],
                check=True,
                timeout=300,
            )
            written += sorted(out.glob(f"{name}-pdf-*.png"))
    return written


def main(argv: list[str]) -> int:
    show_paths_from(Path.cwd())
    output_dir = Path(argv[0]).resolve() if argv else Project().output_dir
    out = Path(argv[1]).resolve() if len(argv) > 1 else output_dir / "screenshots"
    try:
        written = take(output_dir, out)
    except ReportError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 1
    print(f"screenshots: {len(written)} PNGs in {shown(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
