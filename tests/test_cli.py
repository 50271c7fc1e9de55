"""The command line: one clear line for people, a non-zero exit, and --help everywhere."""

import pytest

from essex_report.cli import main


@pytest.mark.parametrize("year", ["2019", "2019/21", "../x", "", "/etc", "20/21"])
def test_a_bad_year_is_one_line_and_exit_1(year, capsys, tmp_path):
    assert main(["build", "--year", year, "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("essex-report: ") and "financial year" in err
    assert not any(tmp_path.iterdir())  # nothing was written anywhere


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "indicator,breakdown,value,basis,",
            "indicator,breakdown,value,",
            "line 1, column 'basis'",
        ),
        ("spend_total,,2.1,", "spend_total,,£2.1bn,", "line 2, column 'value'"),
    ],
)
def test_bad_data_stops_the_build_in_one_line(old, new, where, good_data, tmp_path, capsys):
    values = good_data / "2019-20" / "values.csv"
    text = values.read_text()
    if "basis" in where:  # drop the basis column from every row
        lines = text.splitlines()
        text = "\n".join(
            ",".join(c for i, c in enumerate(row.split(",")) if i != 3) for row in lines
        )
    values.write_text(text.replace(old, new) + "\n")
    status = main(
        [
            "build",
            "--year",
            "2019/20",
            "--data-dir",
            str(good_data),
            "--output",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert len(err.splitlines()) == 1 and f"values.csv, {where}" in err, err
    assert not (tmp_path / "out" / "2019-20").exists()


def test_build_needs_a_year_or_all(capsys):
    assert main(["build"]) == 1
    assert "--year 2019/20, or --all" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "validate", "new-year", "years"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "usage: essex-report" in capsys.readouterr().out


def test_progress_is_plain_lines_in_a_log_and_one_line_per_year_on_a_terminal():
    import io

    from essex_report.progress import Progress
    from essex_report.years import parse_year

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    log = io.StringIO()
    progress = Progress(log)
    progress.say(parse_year("2019/20"), "notebooks/about.ipynb", "ran in 0.3s")
    progress.say(parse_year("2019/20"), "render", "reused")
    assert log.getvalue().splitlines() == [
        "2019/20: notebooks/about.ipynb: ran in 0.3s",
        "2019/20: render: reused",
    ]
    screen = Terminal()
    progress = Progress(screen)
    for what in ("notebooks/about.ipynb", "notebooks/contact.ipynb"):
        progress.say(parse_year("2019/20"), what, "ran in 0.3s")
    progress.say(parse_year("2018/19"), "notebooks/about.ipynb", "reused")
    drawn = screen.getvalue()
    assert "\x1b[1F" in drawn  # the year's line is redrawn in place, not added
    assert drawn.rstrip().endswith("2018/19  ■  notebooks/about.ipynb: reused")
    assert "2019/20  ■■  notebooks/contact.ipynb" in drawn


def test_a_stop_asked_for_is_kept_even_when_a_library_catches_the_interrupt():
    import signal

    import pytest

    from essex_report import interrupt

    interrupt.forget()
    interrupt.check()  # nothing asked: nothing raised
    try:
        interrupt.request(signal.SIGTERM)
        try:
            raise KeyboardInterrupt  # as a library that catches and warns would swallow it
        except KeyboardInterrupt:
            pass
        with pytest.raises(KeyboardInterrupt):
            interrupt.check()  # the next stage of the build stops all the same
    finally:
        interrupt.forget()


def test_the_callers_signal_handlers_are_back_when_main_returns(good_data, capsys):
    """main() called from a program (a test, a notebook) leaves that program's Ctrl-C and
    SIGTERM as they were, and a stop asked of one call is not carried into the next."""
    import signal

    from essex_report import interrupt

    def mine(signum, frame):  # pragma: no cover - never called
        pass

    before = signal.signal(signal.SIGTERM, mine)
    try:
        interrupt.request(signal.SIGTERM)  # left over from an earlier call
        assert main(["years", "--data-dir", str(good_data)]) == 0
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, before)
        interrupt.forget()


@pytest.mark.parametrize("given", ["abc", "-86400", "1.5", "99999999999999"])
def test_source_date_epoch_is_checked_where_the_command_starts(given, good_data, tmp_path, capsys):
    """A date the PDF cannot carry failed in Typst, after every notebook had run, with a
    message that did not name SOURCE_DATE_EPOCH."""
    import os

    os.environ["SOURCE_DATE_EPOCH"] = given
    try:
        build = ["build", "--year", "2019/20", "--output", str(tmp_path / "out")]
        status = main([*build, "--data-dir", str(good_data)])
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith(f"essex-report: SOURCE_DATE_EPOCH is {given!r}; expected whole")


def test_a_source_date_epoch_in_range_is_the_date():
    from essex_report.cli import source_date

    assert source_date("1601510400") == 1601510400 and source_date(" ") is None
