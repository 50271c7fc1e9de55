"""The `essex-report` command. It gathers arguments and calls the package; errors are one
line for people (exit 1), with the traceback only under --debug."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from essex_report import paths
from essex_report.errors import ReportError
from essex_report.kernels import stop_kernels
from essex_report.years import parse_year


def cmd_build(args: argparse.Namespace) -> int:
    from essex_report.pipeline import build_year

    if args.all == (args.year is not None):
        raise ReportError("say which year to build: --year 2019/20, or --all for every year")
    from essex_report.render import choose_renderer

    renderer = choose_renderer(args.quarto)
    formats = ("html", "pdf", "docx") if args.word else ("html", "pdf")
    if args.all:
        return _build_all(args, renderer, formats)
    result = build_year(
        parse_year(args.year),
        renderer,
        data_dir=args.data_dir,
        report_dir=args.output,
        formats=formats,
    )
    _print_result(result)
    return 0


def _build_all(args: argparse.Namespace, renderer, formats: tuple[str, ...]) -> int:
    """Every year with data, each into its own folder, then report/index.html."""
    from essex_report.checks import load_workbook
    from essex_report.data import years_with_data
    from essex_report.pipeline import build_year, write_index
    from essex_report.status import year_status

    years = years_with_data(args.data_dir)
    failed = []
    for year in years:
        try:
            _print_result(
                build_year(
                    year, renderer, data_dir=args.data_dir, report_dir=args.output, formats=formats
                )
            )
        except ReportError as error:
            failed.append(year.label)
            print(f"essex-report: {year}: {error}", file=sys.stderr)
    book = load_workbook(args.data_dir)
    statuses = {}
    for year in years:
        status = year_status(book, year)
        statuses[year.label] = f"{status.framework}; {status.present} of {len(status.used)} figures"
    print(f"index    {paths.shown(write_index(args.output, years, statuses))}")
    if failed:
        raise ReportError(f"{len(failed)} of {len(years)} years failed: {', '.join(failed)}")
    return 0


def _print_result(result) -> None:
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"{result.year}: built in {result.seconds:.1f}s; renderer: {result.renderer}")
    for fmt, path in result.outputs.items():
        print(f"  {fmt:8} {paths.shown(path)}")


def cmd_new_year(args: argparse.Namespace) -> int:
    from essex_report.scaffold import new_year

    year = parse_year(args.year)
    written = new_year(year, args.data_dir)
    print(f"{year}: created {paths.shown(written[0].parent)} with {len(written)} files to fill:")
    for path in written:
        print(f"  {paths.shown(path)}")
    print(f"next: fill values.csv and the TODO sections, then essex-report validate --year {year}")
    return 0


def cmd_years(args: argparse.Namespace) -> int:
    from essex_report.checks import load_workbook
    from essex_report.status import year_status

    book = load_workbook(args.data_dir)
    for year in sorted(book.years):
        print(year_status(book, year).summary())
    errors = [p for p in book.problems if p.level == "error"]
    if errors:
        print(f"{len(errors)} problems in the data: run essex-report validate", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from essex_report.checks import load_workbook

    year = parse_year(args.year) if args.year is not None else None
    book = load_workbook(args.data_dir, year)
    errors = [p for p in book.problems if p.level == "error"]
    for problem in book.problems:
        print(problem, file=sys.stderr if problem.level == "error" else sys.stdout)
    checked = year.label if year else f"{len(book.years)} years"
    if errors:
        print(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the data ({checked})",
            file=sys.stderr,
        )
        return 1
    print(f"data OK ({checked})")
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
            default=paths.DATA_DIR,
            help="the data folder (default: data/ in the repository)",
        )
    build.add_argument(
        "--output",
        type=Path,
        default=paths.REPORT_DIR,
        help="where report/<year>/ folders go (default: report/)",
    )
    return main


def _terminate(signum, frame):  # SIGTERM stops a build the way Ctrl-C does
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.run(args)
    except ReportError as error:
        if args.debug:
            raise
        print(f"essex-report: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("essex-report: interrupted; the last good report is untouched", file=sys.stderr)
        return 130
    finally:
        stop_kernels()


if __name__ == "__main__":
    sys.exit(main())
