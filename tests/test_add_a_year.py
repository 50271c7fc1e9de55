"""An analyst adds a year from a published budget page whose service lines are named as no
earlier year's, by the README's "Adding a year": new-year, the page's lines as indicators and
one relation (relations.csv: they add up to total budgeted spending), values.csv filled,
validate, build. The total, every share of spending and the gap are right in the HTML, the PDF
and figures.csv, and nothing the workbook derives is typed.

The page is the council's "What council tax pays for" for 2020/21
(tests/fixtures/published/): real figures under the page's own names. The test's copy of the
repository has no 2020/21 and no indicator for those lines, as an analyst's would before."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from essex_report.publish.page import visible_text
from tests import repo as paths

from .conftest import FIXTURES, essex_report

pytestmark = pytest.mark.e2e  # builds a report

PAGE = FIXTURES / "published" / "what-council-tax-pays-for-2020-21.csv"
URL = "https://www.essex.gov.uk/spending-and-council-tax/what-council-tax-pays-for"
# The 2020/21 lines the repository names, which the analyst's copy never had.
KNOWN_LINES = (
    "spend_budget_education_skills",
    "spend_budget_adults_health",
    "spend_budget_environment_waste",
    "spend_budget_public_health",
    "spend_budget_infrastructure",
    "spend_budget_other",
)


def page() -> list[dict[str, str]]:
    text = PAGE.read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def line_id(name: str) -> str:
    """The id the analyst gives a line: the page's words, as no earlier year names them."""
    return "page_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def without_2020_21(home: Path) -> None:
    """The repository as it was before anyone added 2020/21."""
    data = home / "data"
    shutil.rmtree(data / "2020-21")
    for name in ("indicators.csv", "relations.csv"):
        rows = (data / name).read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [r for r in rows if not r.startswith(KNOWN_LINES) and "spend_budget_other" not in r]
        (data / name).write_text("".join(kept), encoding="utf-8")


def add_the_page(data: Path) -> list[str]:
    """What the analyst types: an indicator per service line, one relation saying the lines
    add up to total budgeted spending, and the page's figures in the new values.csv."""
    lines = [r for r in page() if r["kind"] == "service"]
    ids = [line_id(r["name"]) for r in lines]
    with (data / "indicators.csv").open("a", encoding="utf-8") as indicators:
        for row, name in zip(lines, ids, strict=True):
            label = f"Budgeted spending on {row['name'].lower()}"
            indicators.write(
                f"{name},{label},GBP m,neutral,,resources,{row['name']} in the budget.\n"
            )
    with (data / "relations.csv").open("a", encoding="utf-8") as relations:
        relations.write(
            f"spend_budget_total,sum,{' '.join(ids)},,the lines of What council tax pays for\n"
        )
    values = data / "2020-21" / "values.csv"
    rows = list(csv.DictReader(values.open(encoding="utf-8")))
    figures = {line_id(r["name"]) if r["kind"] == "service" else r["name"]: r for r in page()}
    for row in rows:  # the scaffold's empty rows: fill those the page gives
        found = figures.pop(row["indicator"], None)
        if found and not row["breakdown"]:
            row.update(value=found["value"], basis="budget", source=URL)
    for name, found in figures.items():  # the page's new lines: rows of their own
        rows.append({"indicator": name, "value": found["value"], "basis": "budget", "source": URL})
    with values.open("w", encoding="utf-8", newline="") as out:
        header = "indicator,breakdown,value,basis,qualifier,period,label,source,section,note"
        writer = csv.DictWriter(out, fieldnames=header.split(","), restval="")
        writer.writeheader()
        writer.writerows(rows)
    return ids


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> dict:
    home = paths.copy_home(tmp_path_factory.mktemp("home"))
    without_2020_21(home)
    env = {"ESSEX_REPORT_HOME": str(home)}
    data = home / "data"
    scaffold = essex_report("new-year", "2020/21", "--data-dir", str(data), env=env)
    assert scaffold.returncode == 0, scaffold.stderr
    ids = add_the_page(data)
    checked = essex_report("validate", "--year", "2020/21", "--data-dir", str(data), env=env)
    output = home / "report"
    built = essex_report(
        "build", "--year", "2020/21", "--data-dir", str(data), "--output", str(output), env=env
    )
    assert built.returncode == 0, built.stderr
    folder = output / "2020-21"
    reader = PdfReader(folder / "annual-report.pdf")
    return {
        "ids": ids,
        "data": data,
        "validate": checked,
        "html": visible_text((folder / "annual-report.html").read_text(encoding="utf-8")),
        "pdf": re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)),
        "register": list(csv.DictReader((folder / "figures.csv").open(encoding="utf-8"))),
    }


# What the page's figures make: 667.6 + 620.0 + 149.8 + 86.9 + 63.9 + 63.8 + 292 = 1,944.0 of
# spending; 707.8 + 180.1 + 1,030.4 = 1,918.3 of funding lines; 25.7 not covered.
PRINTED = {
    ("spend_budget_total", ""): "£1,944.0m",
    ("funding_lines_total", ""): "£1,918.3m",
    ("funding_gap", ""): "£25.7m",
    ("funding_share_council_tax", ""): "36.4%",  # 707.8 of 1,944.0 (36.9% of the lines)
    ("funding_share_business_rates", ""): "9.3%",
    ("funding_share_grants_fees", ""): "53.0%",
    ("funding_share_not_covered", ""): "1.3%",
}


def test_validate_knows_the_lines_make_spending(added):
    checked = added["validate"]
    assert checked.returncode == 0, checked.stderr
    said = checked.stdout + checked.stderr
    assert "no spending total" not in said and "cannot be compared" not in said
    assert (
        "2020/21: funding_lines_total adds up to £1,918.3m, £25.7m less than spend_budget_total "
        "(£1,944.0m); the report shows the difference (funding_gap)"
    ) in said
    assert re.search(r"2020/21: \d+ figures still to find \(rows without a value\)", said)


def test_the_total_shares_and_gap_are_printed_in_html_and_pdf(added):
    for text in (added["html"], added["pdf"]):
        for shown in PRINTED.values():
            assert shown in text, shown
    html = added["html"]
    assert "shares of total budgeted spending, 2020/21" in html  # "budgeted": no "(budget)"
    assert (
        "The lines published for 2020/21 add up to £1,918.3m, £25.7m less than total budgeted "
        "spending of £1,944.0m: 1.3% of it is not covered by the lines published."
    ) in html
    for row in page():
        if row["kind"] == "service":  # each line under its name; "Budgeted spending on" once
            name = row["name"]
            assert f"{name[:1].upper()}{name[1:].lower()}" in html, name


def test_the_register_has_each_derived_figure_with_its_formula(added):
    rows = {(r["indicator"], r["measure"]): r for r in added["register"] if r["year"] == "2020/21"}
    for (indicator, _), text in PRINTED.items():
        row = rows[(indicator, "")]
        assert row["text"] == text and row["basis"] == "derived" and row["formula"], row
    total = rows[("spend_budget_total", "")]
    assert total["formula"] == " + ".join(
        f"{line_id(r['name'])} (£{r['value']}m)" for r in page() if r["kind"] == "service"
    )
    assert rows[("funding_share_council_tax", "")]["formula"] == (
        "funding_council_tax (£707.8m) / spend_budget_total (£1,944.0m) × 100"
    )


def test_no_share_of_the_funding_lines_where_spending_is_known(added):
    """The page's lines are declared after the shares of the funding lines in relations.csv
    (appended by the analyst): the order of its rows changes nothing."""
    printed = {r["indicator"] for r in added["register"]}
    assert not any(i.startswith("funding_line_share") for i in printed)
    assert "share of the published funding lines" not in added["html"]


def test_nothing_the_workbook_derives_is_typed(added):
    values = added["data"] / "2020-21" / "values.csv"
    typed = {r["indicator"] for r in csv.DictReader(values.open(encoding="utf-8")) if r["value"]}
    assert typed.isdisjoint(i for i, _ in PRINTED)
    assert set(added["ids"]) <= typed
