"""Completeness is an invariant of every build: every narrative section of the year is
printed, and every value of the year is printed or listed as not printed."""

from __future__ import annotations

import pytest

from essex_report.data.load import load_workbook
from essex_report.document.completeness import unprinted_values, unprinted_words
from essex_report.years import parse_year
from tests import repo as paths

from .conftest import essex_report

Y = parse_year("2019/20")


def printed_everything(book):
    data = book.data(Y)
    return {
        (name, block.line)
        for name, doc in book.narratives[Y].items()
        for block in doc.printable(has_data=lambda b: any(data.breakdowns(i) for i in b.indicators))
    }


@pytest.mark.parametrize(
    "change, line, what",
    [
        (
            lambda t: t.replace("## Our spending", "## Our Spending"),
            9,
            "the section 'Our Spending'",
        ),
        (lambda t: t + "\n## Looking back\n\nA new section.\n", 56, "the section 'Looking back'"),
        (lambda t: "Words before any heading.\n\n" + t, 1, "this paragraph"),
    ],
    ids=["renamed", "added", "before-first-heading"],
)
def test_words_no_chapter_prints_are_an_error_naming_file_and_line(real_data, change, line, what):
    path = real_data / "2019-20" / "narrative" / "resources.md"
    before = load_workbook(real_data, Y)
    printed = printed_everything(before)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    after = load_workbook(real_data, Y)
    # What the resources notebook prints: the blocks of the sections it asks for by name.
    asked = {"Our track record", "Our spending", "Our investments", "Next year"}
    doc = after.narratives[Y]["resources.md"]
    kept = {("resources.md", b.line) for s in asked if _has(doc, s) for b in _section(doc, s)}
    printed = {p for p in printed if p[0] != "resources.md"} | kept
    problems = unprinted_words(after, Y, printed)
    assert len(problems) == 1
    assert problems[0].line == line and problems[0].file.endswith("2019-20/narrative/resources.md")
    assert f"{what} is printed by no chapter" in problems[0].message


def _has(doc, section):
    return any(b.kind == "heading" and b.text == section for b in doc.blocks)


def _section(doc, section):
    top = next(b for b in doc.blocks if b.kind == "heading" and b.text == section)
    return [top, *doc.section(section)]


def test_values_no_chapter_prints_are_listed_with_file_and_line():
    book = load_workbook(paths.DATA_DIR, only=Y)
    everything = {(i, b, Y.label) for i, b in book.data(Y).values}
    assert unprinted_values(book, Y, everything) == []
    missing = unprinted_values(book, Y, everything - {("spend_total", "", "2019/20")})
    assert [str(p) for p in missing] == [
        "warning: data/2019-20/values.csv, line 3: not printed: spend_total is in the data but "
        "no chapter prints it"
    ]


@pytest.mark.e2e
def test_a_renamed_section_stops_the_build(real_data, tmp_path):
    path = real_data / "2019-20" / "narrative" / "resources.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## Our spending", "## Our Spending"), "utf-8"
    )
    output = tmp_path / "out"
    result = essex_report(
        "build", "--year", "2019/20", "--data-dir", str(real_data), "--output", str(output)
    )
    assert result.returncode == 1
    assert "resources.md, line 9: the section 'Our Spending' is printed by no chapter" in (
        result.stderr
    )
    assert not (output / "2019-20").exists()


@pytest.mark.e2e
def test_validate_runs_the_chapters_and_lists_what_they_do_not_print(good_data):
    """Before any build: a value no chapter prints is listed with its file and line, and words
    no chapter prints are an error."""
    from tests import repo as paths

    real = {
        r.split(",")[0]: r
        for r in paths.DATA_DIR.joinpath("indicators.csv").read_text(encoding="utf-8").splitlines()
    }
    with (good_data / "indicators.csv").open("a", encoding="utf-8") as out:
        out.write(real["council_apprentices"] + "\n")
    values = good_data / "2019-20" / "values.csv"
    row = next(
        r
        for r in paths.DATA_DIR.joinpath("2019-20", "values.csv")
        .read_text(encoding="utf-8")
        .splitlines()
        if r.startswith("council_apprentices,,")
    )
    values.write_text(values.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    line = len(values.read_text(encoding="utf-8").splitlines())
    result = essex_report("validate", "--year", "2019/20", "--data-dir", str(good_data))
    assert result.returncode == 0, result.stderr
    assert (
        f"values.csv, line {line}: not printed: council_apprentices is in the data but no "
        "chapter prints it"
    ) in result.stdout
    resources = good_data / "2019-20" / "narrative" / "resources.md"
    resources.write_text(
        resources.read_text(encoding="utf-8").replace("## Our spending", "## Our Spending"), "utf-8"
    )
    result = essex_report("validate", "--year", "2019/20", "--data-dir", str(good_data))
    assert result.returncode == 1
    assert "resources.md, line 1: the section 'Our Spending' is printed by no chapter" in (
        result.stderr
    )


@pytest.mark.e2e
def test_validate_stops_a_chapter_cell_that_runs_forever(tmp_path):

    import nbformat

    from tests import repo as paths

    home = paths.copy_home(tmp_path / "home")
    config = paths.QUARTO_CONFIG.read_text(encoding="utf-8")
    (home / "_quarto.yml").write_text(
        config.replace("cell-timeout: 600", "cell-timeout: 1"), encoding="utf-8"
    )
    path = home / "notebooks" / "contact.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(nb, path)
    result = essex_report(
        "validate", "--year", "2019/20", env={"ESSEX_REPORT_HOME": str(home)}, timeout=60
    )
    assert result.returncode == 1
    assert f"cell {len(nb.cells)} ran for more than 1 s and was stopped" in result.stderr
