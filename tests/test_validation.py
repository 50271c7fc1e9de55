"""One broken input per validation rule (tests/fixtures/broken/<rule>/): each must be reported
with its file, line and column, in one run, with a non-zero exit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from essex_report.cli import main
from essex_report.data.load import load_workbook
from essex_report.years import parse_year
from tests import repo as paths

from .conftest import FIXTURES

CASES = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def apply_case(name: str, data: Path) -> dict:
    """Put a broken case over a copy of the good data: its files, and what case.yml says to
    delete, link (symlinks), make a named pipe (fifos) or grow (sizes, as sparse files)."""
    case = FIXTURES / "broken" / name
    spec = yaml.safe_load((case / "case.yml").read_text())
    for relative in spec.get("delete", []):
        (data / relative).unlink()
    for source in case.rglob("*"):
        if source.is_file() and source.name != "case.yml":
            target = data / source.relative_to(case)
            if target.is_file() and target.parent.name != source.parent.name:
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    for relative, target in spec.get("symlinks", {}).items():
        link = data / relative
        if link.exists() or link.is_symlink():
            link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)
    for relative in spec.get("fifos", []):
        os.mkfifo(data / relative)
    for relative, size in spec.get("sizes", {}).items():
        with open(data / relative, "ab") as handle:
            handle.truncate(size)
    return spec


def test_the_good_fixture_is_valid(good_data):
    book = load_workbook(good_data)
    assert list(book.problems) == []
    assert set(book.years) == {parse_year("2018/19"), parse_year("2019/20")}


def test_the_repository_data_is_valid():
    book = load_workbook(paths.DATA_DIR)
    assert [str(p) for p in book.problems if p.is_error] == []


@pytest.mark.parametrize("name", CASES)
def test_broken_input_is_reported_precisely(name, good_data, capsys, monkeypatch):
    spec = apply_case(name, good_data)
    monkeypatch.chdir(good_data)  # messages name files relative to where the command runs
    status = main(["validate", "--data-dir", str(good_data)])
    captured = capsys.readouterr()
    lines = (captured.err + captured.out).splitlines()
    assert status == spec.get("status", 1)
    for item in spec["expect"]:
        where = item["file"]
        if "line" in item:
            where += f", line {item['line']}"
        if "column" in item:
            where += f", column '{item['column']}'"
        if item.get("level") == "warning":
            where = f"warning: {where}"
        matching = [line for line in lines if line.strip().startswith(where + ":")]
        assert matching, f"no message for {where} in:\n{captured.err}{captured.out}"
        if "message" in item:  # the exact line a person reads
            assert f"{where}: {item['message']}" in [line.strip() for line in matching]
        else:
            assert any(item["contains"] in line for line in matching), captured.err
    assert "Traceback" not in captured.err
    if "errors" in spec:  # one cause reported once: no cascade of messages from it
        assert f"{spec['errors']} problem" in captured.err.splitlines()[-1], captured.err


def test_every_problem_is_reported_in_one_run(good_data, capsys):
    apply_case("several-problems", good_data)
    main(["validate", "--data-dir", str(good_data)])
    assert "3 problems in the data" in capsys.readouterr().err


def test_byte_order_mark_and_windows_line_endings_are_accepted(good_data):
    path = good_data / "2019-20" / "values.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    narrative = good_data / "2019-20" / "narrative" / "resources.md"
    narrative.write_bytes(narrative.read_bytes().replace(b"\n", b"\r\n"))
    book = load_workbook(good_data)
    assert list(book.problems) == []
    assert str(book.data(parse_year("2019/20")).get("spend_total").value) == "2.1"


def test_bad_year_for_validate_is_one_line(capsys):
    assert main(["validate", "--year", "2019/21"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is not a financial year" in err


def test_a_year_without_data_says_how_to_start_one(good_data, capsys):
    assert main(["validate", "--year", "2030/31", "--data-dir", str(good_data)]) == 1
    assert "essex-report new-year 2030/31" in capsys.readouterr().err


def test_an_unclosed_quote_in_real_data_names_its_line_and_loses_no_row(real_data, capsys):
    """Issue 8.6 as reported: `,planned` changed to `,"planned` on line 4 of 2022-23's values
    swallowed the rows below it into one field, and validate said "data OK"."""
    values = real_data / "2022-23" / "values.csv"
    lines = values.read_text(encoding="utf-8").split("\n")
    assert lines[3].endswith(",planned")
    lines[3] = lines[3].removesuffix(",planned") + ',"planned'
    values.write_text("\n".join(lines), encoding="utf-8")
    assert main(["validate", "--year", "2022/23", "--data-dir", str(real_data)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith(
        "2022-23/values.csv, line 4, column 'note': a double quote opens a field that is not "
        'closed on this line (a field cannot span lines); close it with " or remove it'
    )
    assert err[1:] == ["1 problem in the data (2022/23)"]
    book = load_workbook(real_data)
    rows = [line for line in lines[4:] if line.strip()]
    assert all(book.data(parse_year("2022/23")).get(*r.split(",")[:2]) for r in rows)


def test_a_doubled_byte_order_mark_is_accepted_and_names_are_read_as_written(good_data):
    """Issue 16: a second byte-order mark was read into the first column's name, and the
    message about it showed the name with an invisible character in it."""
    path = good_data / "2019-20" / "values.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + path.read_bytes())
    book = load_workbook(good_data)
    assert [str(p) for p in book.problems] == []
    assert book.data(parse_year("2019/20")).get("spend_total") is not None


def test_a_name_typed_with_a_combining_accent_is_the_composed_name(good_data):
    path = good_data / "2019-20" / "values.csv"
    decomposed = "R\u0065\u0301gion"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"qualification_level3,{decomposed},53,reported,,,,004_b7f5c0302c5152d4.txt,"
            "Aim 1 Priority 1 > Workforce skills,\n"
        )
    book = load_workbook(good_data)
    assert book.data(parse_year("2019/20")).get("qualification_level3", "R\u00e9gion")
