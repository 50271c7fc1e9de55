"""report/index.html: every year's report, HTML and PDF, newest first."""

from __future__ import annotations

import html
import os
from pathlib import Path

from essex_report.document.front import template
from essex_report.project import Project
from essex_report.render.webpage import finish_tables, page_style
from essex_report.years import FinancialYear

DOCUMENT = "annual-report"


def write_index(project: Project, years: list[FinancialYear], statuses: dict[str, str]) -> Path:
    """The index page, written whole and then moved into place."""
    rows = []
    for year in sorted(years, reverse=True):
        folder = project.year_output_dir(year)
        if not (folder / f"{DOCUMENT}.html").is_file():
            continue
        links = [f'<a href="{year.slug}/{DOCUMENT}.html">Web page</a>']
        if (folder / f"{DOCUMENT}.pdf").is_file():
            links.append(f'<a href="{year.slug}/{DOCUMENT}.pdf">PDF</a>')
        rows.append(
            f'<tr><th scope="row">{html.escape(year.label)}</th>'
            f"<td>{html.escape(statuses.get(year.label, ''))}</td>"
            f"<td>{' | '.join(links)}</td></tr>"
        )
    config = project.config
    page = template("index.html").substitute(
        publisher=html.escape(config.author),
        rows="\n".join(rows),
        stylesheet=page_style(config.style_file("html", "css"), project.brand),
        wordmark=html.escape(project.brand.name),
    )
    path = project.output_dir / "index.html"
    staging = path.with_suffix(".html.tmp")
    staging.write_text(finish_tables(page), encoding="utf-8")
    os.replace(staging, path)
    return path
