"""A reviewer checks a figure against its source from the repository alone: every publication
the data cites by file name is in sources/, and the section a value row names is in it."""

from __future__ import annotations

import csv

from tests import repo as paths

SOURCES = paths.ROOT / "sources"


def cited_files() -> set[str]:
    rows = csv.DictReader((paths.DATA_DIR / "sources.csv").open(encoding="utf-8"))
    return {r["id"] for r in rows if not r["url"] and "//" not in r["id"]}


def test_every_source_cited_by_file_name_is_in_the_repository():
    assert cited_files() and cited_files() <= {p.name for p in SOURCES.glob("*.txt")}


def test_the_section_a_value_cites_is_in_its_source():
    texts = {name: (SOURCES / name).read_text(encoding="utf-8").lower() for name in cited_files()}
    missing = []
    for values in sorted(paths.DATA_DIR.glob("*/values.csv")):
        for line, row in enumerate(csv.DictReader(values.open(encoding="utf-8")), start=2):
            if row["source"] in texts and row["section"]:
                last = row["section"].split(">")[-1].strip().lower()
                if last not in texts[row["source"]]:
                    missing.append(f"{values.parent.name} line {line}: {row['section']}")
    assert not missing, missing
