"""Builds that reuse what has not changed: a notebook runs again only when something it read
changed, a render only when its document, styles, brand or renderer changed; a year whose
inputs are all unchanged is up to date; a cache entry edited by hand is never published; the
same inputs give the same bytes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from essex_report.cache import Cache
from essex_report.fingerprint import digest, file_digest, package_digest
from essex_report.imports import SLOW, defer_slow_imports
from essex_report.manifest import FILE, read_manifest
from essex_report.project import Project
from essex_report.run.keys import notebook_key, parameters
from tests import repo

from .conftest import essex_report

YEAR = "2019/20"


def build(home: Path, *args: str, year: str = YEAR) -> subprocess.CompletedProcess:
    result = essex_report(
        "build", "--year", year, *args, env={"ESSEX_REPORT_HOME": str(home)}, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


def manifest(home: Path) -> dict:
    return json.loads((home / "report" / "2019-20" / FILE).read_text())


def ran(home: Path) -> set[str]:
    """What the last build of the year ran (notebooks by name, and "render")."""
    record = manifest(home)
    names = {Path(n["chapter"]).stem for n in record["notebooks"] if not n["cached"]}
    return names | ({"render"} if not record["render"]["cached"] else set())


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One home built once: each test changes something, rebuilds, and puts it back."""
    folder = repo.copy_home(tmp_path_factory.mktemp("home"))
    build(folder)
    return folder


@pytest.mark.e2e
def test_a_rebuild_with_nothing_changed_is_up_to_date_and_starts_nothing(home):
    html = (home / "report" / "2019-20" / "annual-report.html").read_bytes()
    result = build(home)
    assert "2019/20: up to date" in result.stdout
    assert (home / "report" / "2019-20" / "annual-report.html").read_bytes() == html


@pytest.mark.e2e
def test_a_changed_value_reruns_what_read_it_and_changes_the_report(home):
    values = home / "data" / "2019-20" / "values.csv"
    before = values.read_text(encoding="utf-8")
    try:
        values.write_text(before.replace("spend_total,,2.1,", "spend_total,,2.4,"), "utf-8")
        build(home)
        assert "render" in ran(home)
        assert "£2.4bn" in (home / "report" / "2019-20" / "annual-report.html").read_text()
        # 2018/19's report does not read a later year's figures: it is not touched
        build(home, year="2018/19")
        values.write_text(before.replace("spend_total,,2.1,", "spend_total,,2.5,"), "utf-8")
        assert "2018/19: up to date" in build(home, year="2018/19").stdout
    finally:
        values.write_text(before, "utf-8")
    build(home)
    assert ran(home) == set()  # the first state's runs are still in the cache


@pytest.mark.e2e
def test_a_value_another_year_does_not_read_leaves_that_year_alone(home):
    """2020/21 compares with 2019/20 only for the figures both years have: a 2019/20 figure
    2020/21 never prints changes nothing there, and runs only what read it in 2019/20."""
    build(home, year="2020/21")
    values = home / "data" / "2019-20" / "values.csv"
    before = values.read_text(encoding="utf-8")
    later = (home / "data" / "2020-21" / "values.csv").read_text(encoding="utf-8")
    ours = [line for line in before.splitlines()[1:] if line.split(",")[0] not in later]
    row = next(line for line in ours if line.split(",")[0] == "broadband_premises_enabled")
    cells = row.split(",")
    changed = ",".join([*cells[:2], str(int(cells[2]) + 1), *cells[3:]])
    try:
        values.write_text(before.replace(row, changed), "utf-8")
        assert "2020/21: up to date" in build(home, year="2020/21").stdout
        build(home)
        assert {"contact", "introduction"}.isdisjoint(ran(home)) and "render" in ran(home)
    finally:
        values.write_text(before, "utf-8")
    build(home)


@pytest.mark.e2e
def test_a_changed_notebook_cell_reruns_that_notebook_only(home):
    import nbformat

    path = home / "notebooks" / "contact.ipynb"
    stored = path.read_bytes()
    try:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("Write to us in {{year}}."))
        nbformat.write(nb, path)
        build(home)
        assert ran(home) == {"contact", "render"}
        assert (
            "Write to us in 2019/20."
            in (home / "report" / "2019-20" / "annual-report.html").read_text()
        )
    finally:
        path.write_bytes(stored)
    build(home)


@pytest.mark.e2e
def test_a_changed_style_rerenders_without_running_notebooks(home):
    css = home / "styles" / "report.css"
    stored = css.read_text(encoding="utf-8")
    try:
        css.write_text(stored + "\n.cache-test { color: #0b0c0c; }\n", encoding="utf-8")
        build(home)
        assert ran(home) == {"render"}
        assert ".cache-test" in (home / "report" / "2019-20" / "annual-report.html").read_text()
    finally:
        css.write_text(stored, encoding="utf-8")
    build(home)


@pytest.mark.e2e
def test_a_cache_entry_edited_by_hand_is_not_published(home):
    key = manifest(home)["render"]["key"]
    entry = Cache(home / "report" / ".cache").get("render", key)
    assert entry is not None
    entry.files["annual-report.html"].write_text("<html><body>forged</body></html>")
    shutil.rmtree(home / "report" / "2019-20")  # the year must be rebuilt from the cache
    build(home)
    html = (home / "report" / "2019-20" / "annual-report.html").read_text()
    assert "forged" not in html and "£2.1bn" in html
    assert "render" in ran(home)  # the edited entry was not used: the render ran again


@pytest.mark.e2e
def test_no_cache_runs_everything_again(home):
    build(home, "--no-cache")
    assert ran(home) == {
        "introduction",
        "achievements",
        "resources",
        "performance",
        "contact",
        "about",
        "render",
    }


@pytest.mark.e2e
def test_two_builds_from_different_folders_give_the_same_bytes(home, tmp_path):
    other = repo.copy_home(tmp_path / "elsewhere")
    build(other)
    for name in ("annual-report.html", "annual-report.pdf", "figures.csv"):
        a = (home / "report" / "2019-20" / name).read_bytes()
        b = (other / "report" / "2019-20" / name).read_bytes()
        assert a == b, name
    assert manifest(other)["notebooks"][0]["parameters"] == {"year": YEAR, "data_dir": "<data>"}
    assert str(tmp_path) not in (other / "report" / "2019-20" / FILE).read_text()


def test_the_manifest_records_inputs_versions_and_what_was_reused(built_2019):
    record = read_manifest(built_2019)
    assert record is not None
    data = record.record
    assert data["year"] == YEAR and data["renderer"]["name"].startswith("built-in renderer")
    assert data["dependencies"]["papermill"] == "2.7.0"
    assert "<data>/2019-20/values.csv" in data["inputs"]
    assert "notebooks/resources.ipynb" in data["inputs"] and "_quarto.yml" in data["inputs"]
    assert set(data["timings"]) >= {"load", "notebooks", "stitch", "render", "check"}
    for name, expected in data["outputs"].items():
        assert file_digest(built_2019 / name) == expected


# --- The pieces ---------------------------------------------------------------------------------


def test_an_entry_is_used_only_whole_and_for_its_own_key(tmp_path):
    cache = Cache(tmp_path / "cache")
    made = tmp_path / "made.txt"
    made.write_text("made")
    cache.put("kind", "a" * 64, {"made.txt": made}, {"note": 1})
    entry = cache.get("kind", "a" * 64)
    assert entry is not None and entry.files["made.txt"].read_text() == "made"
    assert entry.meta == {"note": 1}
    # a foreign entry (made for another key) is not used
    foreign = tmp_path / "cache" / "kind" / "bb" / ("b" * 64)
    shutil.copytree(entry.files["made.txt"].parent.parent, foreign / "only")
    assert cache.get("kind", "b" * 64) is None
    # nor one whose file no longer matches its digest
    entry.files["made.txt"].write_text("edited")
    assert cache.get("kind", "a" * 64) is None
    assert Cache(tmp_path / "cache", enabled=False).get("kind", "a" * 64) is None


def test_a_key_keeps_its_newest_variants(tmp_path):
    cache = Cache(tmp_path / "cache")
    made = tmp_path / "made.txt"
    for n in range(10):
        made.write_text(str(n))
        cache.put("kind", "c" * 64, {"made.txt": made}, {"n": n}, variant=f"v{n}")
    kept = cache.variants("kind", "c" * 64)
    assert len(kept) == 8 and kept[0].meta == {"n": 9}


def test_keys_change_with_what_a_run_is_made_from(tmp_path):
    project = Project()
    given = parameters(project, YEAR)
    key = notebook_key(project, "notebooks/contact.ipynb", given)
    assert key == notebook_key(project, "notebooks/contact.ipynb", given)
    assert key != notebook_key(project, "notebooks/about.ipynb", given)
    assert key != notebook_key(project, "notebooks/contact.ipynb", parameters(project, "2018/19"))
    assert digest("a", b"b", {"c": 1}) != digest("a", b"b", {"c": 2})
    assert len(package_digest()) == 64 and file_digest(tmp_path / "none") == "absent"


def test_the_slow_import_is_deferred_until_it_is_used():
    """In a fresh process: nbformat imports without compiling rfc3987_syntax's grammar, and
    jsonschema's `iri` check still works (the real module is imported when first used)."""
    import sys

    code = (
        "import sys\n"
        "from essex_report.imports import SLOW, defer_slow_imports\n"
        "defer_slow_imports()\n"
        "import nbformat, jsonschema\n"
        "print(type(sys.modules[SLOW]).__name__)\n"
        "check = jsonschema.FormatChecker().conforms\n"
        "print(check('https://a.example/é', 'iri'), check('https://a b', 'iri'))\n"
        "print(type(sys.modules[SLOW]).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["_StandIn", "True", "False", "module"], result.stderr
    assert SLOW == "rfc3987_syntax" and callable(defer_slow_imports)


def test_what_a_notebook_reads_of_the_values_is_noted_value_by_value(good_data):
    from essex_report.data.files import loading, recording
    from essex_report.data.load import load_workbook, values_unchanged
    from essex_report.years import parse_year

    year = parse_year(YEAR)
    with recording() as reads:
        book = load_workbook(good_data, year)  # loading reads everything: not noted
        assert reads.values == {}
        book.data(year).get("spend_total")
        book.data(year).get("no_such_figure")
        with loading():
            list(book.data(year).values)
    assert set(reads.values) == {"2019-20|value|spend_total|", "2019-20|value|no_such_figure|"}
    assert values_unchanged(reads.values, book)
    with recording() as everything:
        list(book.data(year).values.items())
    assert set(everything.values) == {"2019-20|value|*"}
    values = good_data / "2019-20" / "values.csv"
    values.write_text(values.read_text().replace("spend_total,,2.1,", "spend_total,,2.2,"))
    assert not values_unchanged(reads.values, load_workbook(good_data, year))


def test_an_indicators_breakdowns_are_one_read_of_that_indicator_only(good_data):
    """A chart of one indicator's breakdowns runs again when a breakdown of it changes or is
    added, not when any other value of the year changes (it once noted the whole year)."""
    from essex_report.data.files import recording
    from essex_report.data.load import load_workbook, values_unchanged
    from essex_report.years import parse_year

    year = parse_year(YEAR)
    book = load_workbook(good_data, year)
    with recording() as reads:
        shown = book.data(year).breakdowns("qualification_level3")
    assert [v.breakdown for v in shown] == ["Essex", "UK"]
    assert set(reads.values) == {"2019-20|value|*|qualification_level3"}
    values = good_data / "2019-20" / "values.csv"
    stored = values.read_text(encoding="utf-8")
    values.write_text(stored.replace("spend_total,,2.1,", "spend_total,,2.2,"), "utf-8")
    assert values_unchanged(reads.values, load_workbook(good_data, year))
    values.write_text(
        stored.replace("qualification_level3,UK,58.5,", "qualification_level3,UK,58.6,"), "utf-8"
    )
    assert not values_unchanged(reads.values, load_workbook(good_data, year))
    row = next(line for line in stored.splitlines() if line.startswith("qualification_level3,UK,"))
    added = row.replace(",UK,58.5,", ",Wales,50,")
    values.write_text(stored.replace(row, f"{row}\n{added}"), "utf-8")
    assert not values_unchanged(reads.values, load_workbook(good_data, year))
