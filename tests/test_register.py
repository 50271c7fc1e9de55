import csv
import io

from essex_report.document.register import merge, neutralise, to_csv
from essex_report.document.stitch import Entry
from essex_report.notebook.parts import Printed


def record(section, **overrides):
    base = dict(
        indicator="spend_total",
        breakdown="",
        year="2019/20",
        label="Total spending",
        value="2.1",
        unit="GBP bn",
        basis="reported",
        text="£2.1bn",
        source="004_b7f5c0302c5152d4.txt",
        source_section="Resources > Our spending",
    )
    return Entry(Printed(**{**base, **overrides}), section)


def test_one_row_per_figure_with_every_section():
    rows = merge([record("Resources"), record("At a glance"), record("Resources")])
    assert len(rows) == 1
    assert rows[0].sections == "Resources; At a glance"


def test_formula_prefixes_are_neutralised():
    for cell in ("=1+1", "+44", "-3", "@SUM(A1)"):
        assert neutralise(cell).startswith("'")
    assert neutralise("£2.1bn") == "£2.1bn"
    text = to_csv(merge([record('=cmd|" /C calc"!A0')]))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["sections"].startswith("'=")
