"""The `essex-report` command. It gathers arguments and calls the package; errors are one
line for people (exit 1), with the traceback only under --debug."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from essex_report import interrupt, limits
from essex_report.config import positive_seconds
from essex_report.data.load import load_workbook, years_with_data
from essex_report.data.scaffold import new_year
from essex_report.data.status import year_status
from essex_report.errors import Reason, ReportError, no_space, show_paths_from, shown
from essex_report.imports import defer_slow_imports
from essex_report.progress import Progress
from essex_report.project import Project
from essex_report.run.workers import stop_workers
from essex_report.years import FinancialYear, parse_year

if TYPE_CHECKING:  # costly to import: only `build` imports the pipeline
    from essex_report.pipeline import BuildResult


def project_of(args: argparse.Namespace) -> Project:
    """The project the command works on, made once, here (with SOURCE_DATE_EPOCH, the date a
    reproducible build says it was made)."""
    return Project(
        data_dir=args.data_dir,
        output_dir=getattr(args, "output", None),
        source_date=source_date(os.environ.get("SOURCE_DATE_EPOCH")),
    )


LAST_SECOND = 253402300799  # 31 December 9999, 23:59:59 UTC: the last date a PDF can carry


def source_date(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit() or int(text) > LAST_SECOND:
        raise ReportError(
            f"SOURCE_DATE_EPOCH is {text!r}; expected whole seconds since 1970, up to the end "
            "of the year 9999 (or leave it unset)"
        )
    return int(text)


def cmd_build(args: argparse.Namespace) -> int:
    # costly to import (the renderers, the web page step): only `build` pays for them
    from essex_report.manifest import read_manifest, up_to_date
    from essex_report.publish.folder import check_output_folder
    from essex_report.render.select import choose_renderer

    if args.all == (args.year is not None):
        raise ReportError("say which year to build: --year 2019/20, or --all for every year")
    project = project_of(args)
    years = [parse_year(args.year)] if args.year is not None else years_with_data(project.data_dir)
    check_output_folder(project)  # before anything is written
    renderer = choose_renderer(args.quarto)
    formats = ("html", "pdf", "docx") if args.word else ("html", "pdf")
    progress = Progress(sys.stdout)
    # A year whose inputs are as its manifest records is up to date: checked here, before
    # anything costly is imported, so that a rebuild with nothing changed starts nothing.
    fresh: dict[FinancialYear, str] = {}
    for year in years if not args.no_cache else []:
        recorded = read_manifest(project.year_output_dir(year))
        settled = recorded and up_to_date(recorded, project, year, renderer, formats)
        if settled:
            fresh[year] = settled
    todo = [year for year in years if year not in fresh]
    results: dict[FinancialYear, BuildResult | ReportError] = {}
    if todo:
        from essex_report.pipeline import Options, build_years  # costly: see above

        options = Options(
            formats, args.cell_timeout, not args.no_cache, args.jobs, progress.say, args.scheduler
        )
        results |= dict(zip(todo, build_years(project, todo, renderer, options), strict=True))
    progress.close()
    failed = []
    for year in years:
        if year in fresh:
            print(f"{year}: up to date (nothing changed since the last build); {fresh[year]}")
            continue
        outcome = results[year]
        if isinstance(outcome, ReportError):
            failed.append(year)
            if len(years) == 1:
                raise outcome
            print(f"essex-report: {year}: {outcome}", file=sys.stderr)
            continue
        _said(outcome)
    if args.all:
        _write_index(project, years)
    if failed:
        labels = ", ".join(y.label for y in failed)
        raise ReportError(f"{len(failed)} of {len(years)} years failed: {labels}")
    return 0


def _said(result: BuildResult) -> None:
    """What the command prints of a year it built: warnings, outputs, what it reused."""
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    reused = f"; reused {len(result.reused)}" if result.reused else ""
    print(f"{result.year}: built in {result.seconds:.1f}s{reused}; renderer: {result.renderer}")
    for fmt, path in result.outputs.items():
        print(f"  {fmt:8} {shown(path)}")


def _write_index(project: Project, years: list[FinancialYear]) -> None:
    """report/index.html: every year built, with how complete its data is."""
    from essex_report.publish.index import write_index  # costly to import: see cmd_build

    book = load_workbook(project.data_dir)
    statuses = {}
    for year in years:
        status = year_status(book, year)
        statuses[year.label] = f"{status.framework}; {status.present} of {len(status.used)} figures"
    print(f"index    {shown(write_index(project, years, statuses))}")


def cmd_new_year(args: argparse.Namespace) -> int:
    year = parse_year(args.year)
    written = new_year(year, project_of(args).data_dir)
    print(f"{year}: created {shown(written[0].parent)} with {len(written)} files to fill:")
    for path in written:
        print(f"  {shown(path)}")
    print(f"next: fill values.csv and the TODO sections, then essex-report validate --year {year}")
    return 0


def cmd_years(args: argparse.Namespace) -> int:
    book = load_workbook(project_of(args).data_dir)
    args.status = 0
    for year in sorted(book.years):
        print(year_status(book, year).summary())
    errors = book.problems.errors
    if errors:
        print(f"{len(errors)} problems in the data: run essex-report validate", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from essex_report.pipeline import validate_year  # costly to import: see cmd_build

    year = parse_year(args.year) if args.year is not None else None
    project = project_of(args)
    book = load_workbook(project.data_dir, year)
    for checked in [year] if year else sorted(book.years):
        if checked in book.years and not book.problems.errors:
            book.problems.extend(validate_year(project, book, checked))  # runs the chapters
    errors = book.problems.errors
    args.status = 1 if errors else 0  # what a closed pipe (validate | head -1) still exits with
    for problem in book.problems:
        print(problem, file=sys.stderr if problem.is_error else sys.stdout)
    for checked in [year] if year else sorted(book.years):
        to_find = book.data(checked).to_find  # rows without a value, whatever else is wrong
        if to_find:
            print(f"{checked}: {len(to_find)} figures still to find (rows without a value)")
    scope = year.label if year else f"{len(book.years)} years"
    if errors:
        in_notebooks = sum(p.reason is Reason.NOTEBOOK for p in errors)
        where = {0: "the data", len(errors): "the notebooks"}.get(
            in_notebooks, "the data and the notebooks"
        )
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        print(f"{count} in {where} ({scope})", file=sys.stderr)
        return 1
    print(f"data OK ({scope})")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="essex-report",
        description="Build Essex County Council's annual report for a financial year from data.",
    )
    main.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="run the notebooks and render the report")
    build.add_argument("--year", help="financial year, e.g. 2019/20")
    build.add_argument(
        "--all", action="store_true", help="build every year with data, and report/index.html"
    )
    build.add_argument("--word", action="store_true", help="also write a Word document")
    build.add_argument("--quarto", metavar="PATH", help="the quarto executable to use")
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="run every notebook and render again, reusing nothing from earlier builds",
    )
    build.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        help="notebooks and years run side by side (default: the number of cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the notebooks on a Dask distributed cluster (tcp://HOST:PORT); needs "
        "pip install -e '.[dask]'",
    )
    build.add_argument(
        "--cell-timeout",
        metavar="SECONDS",
        type=_seconds,
        help="stop a notebook cell that runs longer than this (default: essex-report: "
        f"cell-timeout in _quarto.yml, else {limits.CELL_TIMEOUT})",
    )
    build.set_defaults(run=cmd_build)

    validate = commands.add_parser("validate", help="check the data without building")
    validate.add_argument("--year", help="check one year (default: every year)")
    validate.set_defaults(run=cmd_validate)

    new = commands.add_parser(
        "new-year", help="start a year's data folder from the latest year's structure"
    )
    new.add_argument("year", help="financial year, e.g. 2020/21")
    new.set_defaults(run=cmd_new_year)

    years = commands.add_parser(
        "years", help="list the years with data, their framework and how complete they are"
    )
    years.set_defaults(run=cmd_years)

    for command in (build, validate, new, years):
        command.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="the data folder (default: data/ in the repository)",
        )
    build.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where report/<year>/ folders go (default: report/)",
    )
    return main


def _jobs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"is {text!r}; expected a whole number from 1 to 64")
    return int(text)


def _seconds(text: str) -> int:
    try:
        return positive_seconds(text, "--cell-timeout")
    except ReportError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--cell-timeout ")) from None


def _resolve_paths(args: argparse.Namespace) -> None:
    """Every path of the command line made absolute once, against the caller's working
    folder: the notebooks run elsewhere and must read exactly what was checked here."""
    if args.data_dir is not None:
        try:
            data_dir = Path(args.data_dir).expanduser().resolve()
        except RuntimeError:  # a symbolic link loop (Python 3.11)
            raise ReportError(f"--data-dir {args.data_dir} is a symbolic link that loops") from None
        if not data_dir.is_dir():
            what = "is a file" if data_dir.exists() else "does not exist"
            raise ReportError(f"--data-dir {args.data_dir} {what}; give the data folder")
        args.data_dir = data_dir
    if getattr(args, "output", None) is not None:
        try:
            args.output = Path(args.output).expanduser().resolve()
        except RuntimeError:
            raise ReportError(f"--output {args.output} is a symbolic link that loops") from None
    quarto = getattr(args, "quarto", None)
    if quarto and os.sep not in quarto:
        args.quarto = shutil.which(quarto) or quarto  # a name is looked up on PATH now
    elif quarto:
        args.quarto = str(Path(quarto).expanduser().resolve())


def _terminate(signum: int, frame: object) -> None:
    """SIGINT, SIGTERM and SIGHUP stop a build: asked for here, carried out where the build
    checks (essex_report.interrupt), never in the middle of an import or a fork."""
    interrupt.request(signum)


def _os_error(error: OSError, args: argparse.Namespace) -> str:
    """An operating-system error as one line: which file, what happened, what to do."""
    where = shown(Path(error.filename)) if error.filename else "a file"
    reason = error.strerror or os.strerror(error.errno or 0) or str(error)
    if error.errno == errno.ENOSPC:  # the disk that is full, of those the command writes to
        return no_space([error.filename, error.filename2, *_written(args)])
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {where} ({reason}); choose a folder you can write to"
    return f"{where}: {reason}"


def _written(args: argparse.Namespace) -> list[Path]:
    """Where a command writes: the output (or data) folder, and the temporary folder."""
    try:
        project = project_of(args)
    except ReportError:
        return [Path(tempfile.gettempdir())]
    folder = project.output_dir if args.command == "build" else project.data_dir
    return [folder, Path(tempfile.gettempdir())]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@contextlib.contextmanager
def quiet_libraries(debug: bool) -> Iterator[None]:
    """While the command runs, libraries' own log lines and warnings (pypdf's "incorrect
    startxref pointer", a font manager's, a kernel's) never reach the terminal: what the
    command says is its own one line. --debug shows them."""
    if debug:
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def main(argv: Sequence[str] | None = None) -> int:
    defer_slow_imports()
    args = parser().parse_args(argv)
    with quiet_libraries(args.debug):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    # While the command runs, a signal asks it to stop; afterwards the caller's handlers are
    # back (a program or test that calls main() keeps its own Ctrl-C and SIGTERM).
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, _terminate) for signum in signals}
    interrupt.forget()  # a stop asked of an earlier call in this process is not this one's
    show_paths_from(Path.cwd())  # messages name files as the caller sees them
    try:
        _resolve_paths(args)
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe is met here, not after main has returned
        return status
    except BrokenPipeError:  # output piped into `head` and the like: keep the exit status
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return getattr(args, "status", 1)
    except KeyboardInterrupt:
        # A report is swapped in by one atomic step: the old one, or the new one if the
        # build had just put it in place, is there whatever the moment.
        said = "; the last good report is in place" if args.command == "build" else ""
        print(f"essex-report: interrupted{said}", file=sys.stderr)
        return 128 + (interrupt.asked_by() or signal.SIGINT)  # as a shell reports the signal
    except Exception as error:
        if args.debug:
            raise
        if isinstance(error, ReportError):
            message = str(error)  # a DataError lists each problem on its own line
        elif isinstance(error, OSError):
            message = _one_line(_os_error(error, args))
        else:
            message = _one_line(
                f"unexpected {type(error).__name__}: {error} (run again with --debug for "
                "the traceback, and report it)"
            )
        print(f"essex-report: {message}", file=sys.stderr)
        return 1
    finally:
        stop_workers()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
