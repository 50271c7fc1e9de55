"""Relations between figures are data (relations.csv): any year's lines, under any names, add
up to their total, give shares of the base the catalogue declares and show any gap, exactly.
Property-based (hypothesis): years with arbitrary line names and values, checked against exact
fractions; then the same through the files an analyst writes."""

from __future__ import annotations

import shutil
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essex_report.data import derive, money, totals
from essex_report.data.formatting import format_value
from essex_report.data.load import load_workbook
from essex_report.data.model import Catalogue, Indicator, Relation, Value, Workbook, YearData
from essex_report.errors import Level, Problems, Reason
from essex_report.notebook.figures import Figures
from essex_report.years import parse_year
from tests import repo as paths

Y = parse_year("2024/25")

# Ids as an analyst might name a year's lines: lower-case words joined by "_".
ids = st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,6}){0,2}", fullmatch=True)
# Amounts as a budget page prints them: up to 2 places, 0.01 to 99,999.99 (in £m).
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


def exact(value: Decimal | Fraction) -> Decimal:
    """An exact fraction as a Decimal far more precise than any figure is printed with (as
    precise as the workbook's own derived figures)."""
    fraction = Fraction(value)
    with localcontext(derive.EXACT):
        return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def catalogue(lines: list[str], funding: list[str]) -> Catalogue:
    """A catalogue whose spending lines and funding lines carry the names given, with the
    relations the real catalogue declares between them."""
    cat = Catalogue()

    def add(name: str, unit: str, decimals: int | None = None) -> None:
        cat.indicators[name] = Indicator(
            name, name.replace("_", " "), unit, "neutral", decimals, "resources", ""
        )

    for name in [*lines, *funding]:
        add(name, "GBP m")
    add("spending", "GBP m", 1)
    add("funding_total", "GBP m", 1)
    add("gap", "GBP m", 1)
    add("not_covered", "percent", 1)
    cat.relations.append(Relation("spending", "sum", tuple(lines)))
    cat.relations.append(Relation("funding_total", "sum", tuple(funding)))
    cat.relations.append(Relation("gap", "difference", ("spending", "funding_total")))
    cat.relations.append(Relation("not_covered", "share", ("gap", "spending")))
    for name in funding:
        add(f"share_{name}", "percent", 1)
        cat.relations.append(Relation(f"share_{name}", "share", (name, "spending")))
        # a share of the funding lines themselves, only where spending is not known
        add(f"line_share_{name}", "percent", 1)
        cat.relations.append(
            Relation(f"line_share_{name}", "share", (name, "funding_total"), ("spending",))
        )
    return cat


def year_of(values: dict[str, Decimal], basis: str = "budget") -> YearData:
    data = YearData(Y)
    for line, (name, amount) in enumerate(values.items(), start=2):
        data.values[(name, "")] = Value(
            Y, name, "", amount, basis, "https://x.example/", "", "", "v", line
        )
        data.listed.add((name, ""))
    return data


@st.composite
def budget_years(draw):
    """A year's budget page: lines by service and funding lines under names of their own,
    the funding lines together no larger than spending."""
    names = draw(st.lists(ids, min_size=4, max_size=12, unique=True))
    cut = draw(st.integers(min_value=2, max_value=len(names) - 2))
    lines, funding = names[:cut], names[cut:]
    spent = {n: draw(amounts) for n in lines}
    total = sum(spent.values())
    weights = [draw(st.integers(min_value=1, max_value=1000)) for _ in funding]
    covered = draw(st.fractions(min_value=Fraction(1, 2), max_value=1))
    funded = {
        n: (exact(Fraction(total) * covered * w / sum(weights))).quantize(
            Decimal("0.01"), rounding=ROUND_FLOOR
        )
        for n, w in zip(funding, weights, strict=True)
    }
    funded = {n: max(v, Decimal("0.01")) for n, v in funded.items()}
    if sum(funded.values()) > total:  # floors of a minimum: keep the funding within spending
        return draw(budget_years())
    return lines, funding, spent, funded


@settings(max_examples=150, deadline=None)
@given(budget_years(), st.randoms(use_true_random=False))
def test_any_lines_add_up_to_their_total_and_give_exact_shares_and_gap(year, shuffle):
    lines, funding, spent, funded = year
    cat = catalogue(lines, funding)
    shuffle.shuffle(cat.relations)  # the order of relations.csv's rows changes nothing
    problems = Problems()
    data = derive.with_derived(year_of({**spent, **funded}), cat, problems)
    book = Workbook(Path("."), cat, {Y: data})
    figures = Figures(book, Y)
    spending = sum(spent.values())
    funding_total = sum(funded.values())
    assert data.get("spending").value == spending  # exactly, whatever the lines are called
    assert data.get("funding_total").value == funding_total
    assert data.get("gap").value == spending - funding_total
    assert figures.text(data.get("spending")) == format_value(spending, "GBP m", 1)
    for name, amount in funded.items():
        share = data.get(f"share_{name}")
        assert share.derived and share.published_basis == "derived"
        assert share.formula.startswith(f"{name} (") and "/ spending (" in share.formula
        # rounded once, when printed, from the exact share (never from a rounded total)
        assert figures.text(share) == format_value(
            exact(Fraction(amount) * 100 / Fraction(spending)), "percent", 1
        )
    assert all(data.get(f"line_share_{n}") is None for n in funding)  # spending is known
    uncovered = Fraction(spending - funding_total) * 100 / Fraction(spending)
    assert figures.text(data.get("not_covered")) == format_value(exact(uncovered), "percent", 1)
    money.check_relations(data, cat, problems, Path("."))
    assert not problems.errors


@settings(max_examples=100, deadline=None)
@given(budget_years(), st.data())
def test_a_line_missing_is_named_and_nothing_is_worked_out_from_the_rest(year, draw):
    lines, funding, spent, funded = year
    gone = draw.draw(st.sampled_from(lines))
    cat = catalogue(lines, funding)
    data = year_of({**{n: v for n, v in spent.items() if n != gone}, **funded})
    data.listed.add((gone, ""))
    data.to_find.add((gone, ""))
    data = derive.with_derived(data, cat)
    assert data.get("spending") is None and data.get("gap") is None
    assert all(data.get(f"share_{n}") is None for n in funding)
    total = sum(funded.values())
    for name, amount in funded.items():  # shares of the funding lines, said to be that
        share = data.get(f"line_share_{name}")
        assert share.value == exact(Fraction(amount) * 100 / Fraction(total))
    problems = Problems()
    money.check_relations(data, cat, problems, Path("."))
    said = [p.message for p in problems if p.reason is Reason.MONEY]
    assert any(
        "the lines of spending are incomplete" in m
        and f"but not {gone} ({gone} still to find)" in m
        for m in said
    )


@settings(max_examples=100, deadline=None)
@given(budget_years(), st.decimals(min_value=Decimal("0.02"), max_value=Decimal("5000"), places=2))
def test_funding_lines_above_spending_are_a_located_error_not_a_share_above_100(year, more):
    lines, funding, spent, funded = year
    cat = catalogue(lines, funding)
    first = funding[0]
    funded = {**funded, first: funded[first] + (sum(spent.values()) - sum(funded.values())) + more}
    data = derive.with_derived(year_of({**spent, **funded}), cat)
    problems = Problems()
    money.check_relations(data, cat, problems, Path("."))
    errors = [p for p in problems if p.level is Level.ERROR]
    assert errors and all(p.reason is Reason.MONEY and p.line for p in errors)
    assert any("funding_total adds up to more than spending" in p.message for p in errors)
    assert any("not_covered works out at -" in p.message for p in errors)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(amounts, min_size=2, max_size=8),
    st.integers(min_value=0, max_value=2),
    st.decimals(min_value=Decimal("-3000"), max_value=Decimal("3000"), places=0),
)
def test_a_published_total_is_compared_with_its_lines_within_its_rounding(spent, places, off):
    """A total published rounded (£1.8bn): its lines short of it by more than its rounding
    show a gap; within its rounding, they agree; above it, an error."""
    names = [f"line_{n}" for n in range(len(spent))]
    cat = catalogue(names, ["fund_a", "fund_b"])
    cat.indicators["spending"] = Indicator(
        "spending", "Spending", "GBP m", "neutral", None, "resources", ""
    )
    lines_sum = sum(spent)
    published = (lines_sum + off).quantize(Decimal(1).scaleb(-places))
    if published <= 0:
        return
    data = year_of({**dict(zip(names, spent, strict=True)), "spending": published})
    found = totals.lines_of("spending", cat, data)
    assert found.complete and found.gap == published - lines_sum  # exact
    slack = Decimal(1).scaleb(-places) / 2 + Decimal("0.005") * len(spent)
    assert found.agrees == (abs(published - lines_sum) <= slack)
    problems = Problems()
    money.check_relations(data, cat, problems, Path("."))
    if published - lines_sum > slack:
        assert any(
            "not every line is published; the report shows the gap" in p.message
            for p in problems.warnings
        )
    if lines_sum - published > slack:
        assert any("lines cannot be above their total" in p.message for p in problems.errors)


# --- the same through the files an analyst writes ----------------------------------------------


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(budget_years())
def test_a_year_written_as_files_is_derived_the_same(tmp_path_factory, year):
    """relations.csv and values.csv written as an analyst would, loaded as every command
    loads them: the total, the shares and the gap are the ones the rules give."""
    lines, funding, spent, funded = year
    lines = [f"spend_{n}" for n in lines]
    funding = [f"fund_{n}" for n in funding]
    spent = {f"spend_{n}": v for n, v in year[2].items()}
    funded = {f"fund_{n}": v for n, v in year[3].items()}
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(paths.DATA_DIR, data, ignore=shutil.ignore_patterns("20??-??"))
    with (data / "indicators.csv").open("a", encoding="utf-8") as f:
        for name in [*lines, *funding]:
            f.write(f"{name},Budget line {name},GBP m,neutral,,resources,A line of the page.\n")
    with (data / "relations.csv").open("a", encoding="utf-8") as f:
        f.write(f"spend_budget_total,sum,{' '.join(lines)},,the page's lines\n")
        f.write(f"funding_lines_total,sum,{' '.join(funding)},,the page's funding lines\n")
    (data / "2024-25").mkdir()
    url = "https://www.essex.gov.uk/spending-and-council-tax/what-council-tax-pays-for"
    rows = ["indicator,breakdown,value,basis,source,section,note"]
    rows += [f"{n},,{v},budget,{url},," for n, v in {**spent, **funded}.items()]
    (data / "2024-25" / "values.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    book = load_workbook(data)
    assert not book.problems.errors, [str(p) for p in book.problems.errors]
    found = book.data(Y)
    spending = sum(spent.values())
    assert found.get("spend_budget_total").value == spending
    assert found.get("funding_gap").value == spending - sum(funded.values())
    assert "funding_lines_total" in found.get("funding_gap").formula


def test_a_loop_of_relations_is_refused_naming_the_loop(real_data):
    """Band D is the sum of its two elements; a relation making one element the sum of Band D
    and the other closes a loop nothing can be worked out from (it was reported only as
    "lines ... are incomplete")."""
    relations = real_data / "relations.csv"
    text = relations.read_text(encoding="utf-8")
    relations.write_text(text + "band_d_general,sum,band_d_total band_d_social_care,,a loop\n")
    line = len(text.splitlines()) + 1
    book = load_workbook(real_data)
    found = [p for p in book.problems.errors if "worked out from itself" in p.message]
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [
        ("relations.csv", line, "inputs")
    ]
    assert found[0].message == (
        "'band_d_general' is worked out from itself through other figures (band_d_general -> "
        "band_d_total -> band_d_general); remove one of the relations of that loop"
    )
