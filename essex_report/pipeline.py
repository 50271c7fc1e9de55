"""A year's report, stage by stage: load the data, run the chapter notebooks, stitch them into
one document with its register, render it, check every output, and only then put it in place
of report/<year>/. A failed or interrupted build never replaces the last good report.

Work is reused when nothing it was made from changed (essex_report.cache): a notebook run,
keyed by its cells, parameters, the package, the locked dependencies, the configuration and
the data its loading read; a render, keyed by the stitched document, the styles, the brand
and the renderer. A year whose inputs are all as its manifest records is up to date: nothing
runs. Years of `build --all` and the notebooks of a year run in parallel.

`validate_year` runs the same stages up to the document (no rendering), so what it accepts
the build accepts."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from essex_report import interrupt
from essex_report.cache import Cache
from essex_report.data.checks import typed_figures
from essex_report.data.files import Reads, recording
from essex_report.data.load import load_workbook
from essex_report.data.model import Workbook
from essex_report.document import front, register
from essex_report.document.completeness import unprinted_values, unprinted_words
from essex_report.document.stitch import (
    Chapter,
    Stitched,
    printed_headings,
    stitch_notebook,
    without_empty_headings,
    write_document,
)
from essex_report.errors import (
    BuildError,
    NotebookError,
    Problem,
    Reason,
    ReportError,
    raise_for,
    shown,
)
from essex_report.fingerprint import digest, file_digest, files_digest
from essex_report.manifest import Manifest, read_manifest, up_to_date
from essex_report.project import Project
from essex_report.publish.folder import (
    build_folder,
    check_output_folder,
    clean_stale,
    mark_output,
    year_lock,
)
from essex_report.publish.swap import failed_dir, forget_failed, recover, swap_in
from essex_report.publish.verify import Expected, check_outputs
from essex_report.render.base import Renderer, render_folder, render_inputs
from essex_report.render.select import render
from essex_report.render.webpage import finish_tables, page_style
from essex_report.run import execute
from essex_report.run.cluster import execute_on
from essex_report.run.reader import read_notebook
from essex_report.scratch import owned_folder
from essex_report.years import FinancialYear

DOCUMENT = "annual-report"
ASSETS = "annual-report_files"
RENDER = "render"  # the cache's entries of rendered outputs
# Say what happened, as it happens: (year, what, detail) -> None (the command line shows it).
Say = Callable[[FinancialYear, str, str], None]


def quiet(year: FinancialYear, what: str, detail: str) -> None:
    pass


@dataclass
class BuildResult:
    year: FinancialYear
    folder: Path
    outputs: dict[str, Path]
    renderer: str
    seconds: float
    warnings: list[str]
    up_to_date: bool = False
    reused: list[str] = field(default_factory=list)  # notebooks (and "render") from the cache
    ran: list[str] = field(default_factory=list)  # notebooks (and "render") that ran


@dataclass
class Options:
    formats: tuple[str, ...] = ("html", "pdf")
    cell_timeout: int | None = None
    use_cache: bool = True
    jobs: int | None = None
    say: Say = quiet
    scheduler: str | None = None  # a Dask scheduler's address: run the notebooks there


def build_year(
    project: Project, year: FinancialYear, renderer: Renderer, options: Options | None = None
) -> BuildResult:
    """One year's report, or its ReportError."""
    result = build_years(project, [year], renderer, options)[0]
    if isinstance(result, ReportError):
        raise result
    return result


def build_years(
    project: Project,
    years: list[FinancialYear],
    renderer: Renderer,
    options: Options | None = None,
) -> list[BuildResult | ReportError]:
    """Each year's report (or the error that stopped it), every year's notebooks run in one
    pool of workers and the years rendered side by side. One year's failure stops no other."""
    options = options or Options()
    check_output_folder(project)
    mark_output(project.output_dir)
    cache = Cache(project.cache_dir, enabled=options.use_cache)
    cache.clear_partial()
    data = snapshot(project.data_dir)  # a report is published only if its data stayed so
    results: dict[FinancialYear, BuildResult | ReportError] = {}
    with ExitStack() as stack:
        plans: list[YearPlan] = []
        for year in years:
            try:
                stack.enter_context(year_lock(year, project.output_dir))
                plan = YearPlan.start(project, year, renderer, options, cache)
            except ReportError as error:
                results[year] = error
                continue
            if plan.result is not None:  # up to date: nothing to run
                results[year] = plan.result
                continue
            plan.staging_root = stack.enter_context(build_folder(project.output_dir, year))
            plan.data = data
            plans.append(plan)
        run_all(project, plans, options, cache)
        # A render runs two processes itself (HTML and PDF side by side, each a pandoc of about
        # 100 MiB): years render side by side only where there are cores for both.
        at_once = max(1, min(len(plans), (options.jobs or execute.default_jobs()) // 2))
        with ThreadPoolExecutor(at_once) as pool:
            finished = pool.map(lambda p: p.finish(project, renderer, options, cache), plans)
            for plan, outcome in zip(plans, finished, strict=True):
                results[plan.year] = outcome
    for year, outcome in results.items():
        if isinstance(outcome, BuildResult) and not outcome.up_to_date:
            forget_failed(project.output_dir, year)
    return [results[year] for year in years]


@dataclass
class YearPlan:
    """One year on its way through the stages."""

    year: FinancialYear
    book: Workbook
    reads: Reads  # what the build's own loading read
    started: float
    result: BuildResult | None = None
    staging_root: Path | None = None
    runs: list[execute.Run] = field(default_factory=list)
    error: ReportError | None = None
    timings: dict[str, float] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)  # the data folder as the build began

    @property
    def staging(self) -> Path:
        assert self.staging_root is not None
        return self.staging_root / self.year.slug

    @classmethod
    def start(
        cls,
        project: Project,
        year: FinancialYear,
        renderer: Renderer,
        options: Options,
        cache: Cache,
    ) -> YearPlan:
        """Load the year (stopping on any error in the data), and say whether it is up to
        date: every input as its manifest records, every output as it wrote them."""
        started = time.perf_counter()
        clean_stale(project.output_dir)
        final = project.year_output_dir(year)
        recover(final)
        with recording() as reads:
            book = load(project, year)
        plan = cls(year, book, reads, started)
        plan.timings["load"] = time.perf_counter() - started
        recorded = read_manifest(final)
        if options.use_cache and recorded is not None:
            settled = up_to_date(recorded, project, year, renderer, options.formats, book)
            if settled is not None:
                plan.result = BuildResult(
                    year,
                    final,
                    {fmt: final / name for fmt, name in recorded.outputs_by_format().items()},
                    settled,
                    time.perf_counter() - started,
                    [str(p) for p in book.problems.warnings],
                    up_to_date=True,
                    reused=[*recorded.chapters(), "render"],
                )
                options.say(year, "up to date", "nothing changed since the last build")
        return plan

    def finish(
        self, project: Project, renderer: Renderer, options: Options, cache: Cache
    ) -> BuildResult | ReportError:
        try:
            if self.error is not None:
                raise self.error
            return self._finish(project, renderer, options, cache)
        except ReportError as error:
            return error

    def _finish(
        self, project: Project, renderer: Renderer, options: Options, cache: Cache
    ) -> BuildResult:
        book, year, staging = self.book, self.year, self.staging
        warnings = [str(p) for p in book.problems.warnings]
        stray = stranger(staging, {run.output for run in self.runs})
        if stray is not None:
            raise BuildError(
                f"{shown(stray)} is in the report's build folder, and the build did not make "
                "it (did a notebook cell write it?); the last good report is kept"
            )
        with self.timed("stitch"):
            stitched = stitch(project, [run.output for run in self.runs], book, year)
            raise_for(unprinted_words(book, year, stitched.printed))
            warnings += [str(p) for p in unprinted_values(book, year, stitched.registered())]
            rows = write_register(project, book, year, stitched, staging)
            wrong = register.misprinted(rows, book)
            if wrong:
                raise BuildError(f"{wrong}; the last good report is kept")
        edition = front.edition(project.config, book, year)
        bookend(stitched, edition, staging / front.REGISTER_CSV)
        matter = front.front_matter(project.config, edition)
        created = front.created(edition.published, year, project.source_date)
        options.say(year, "rendering", renderer.name)
        with self.timed("render"):
            outputs, render_key, cached = render_into(
                staging, stitched, matter, renderer, project, options.formats, created, cache
            )
        options.say(year, "render", "reused" if cached else "done")
        with self.timed("check"):
            check_outputs(
                outputs, expected(stitched, rows), renderer.name, (staging / "figures.html",)
            )
        reused = [r.chapter for r in self.runs if r.cached] + (["render"] if cached else [])
        ran = [r.chapter for r in self.runs if not r.cached] + ([] if cached else ["render"])
        manifest = Manifest.make(
            project, year, renderer, options.formats, self.runs, self.reads, render_key,
            cached, outputs, staging, self.timings, None,  # no build date is printed
        )  # fmt: skip
        manifest.write(staging)
        changed = changed_since(project.data_dir, self.data)
        if changed is not None:
            raise BuildError(
                f"{shown(changed)} changed while the build ran (did a notebook cell write it?); "
                "the last good report is kept"
            )
        interrupt.check()
        final = project.year_output_dir(year)
        swap_in(staging, final)
        placed = {fmt: final / path.name for fmt, path in outputs.items()}
        placed["register"] = final / "figures.csv"
        placed["figures"] = final / "figures.html"
        seconds = time.perf_counter() - self.started
        return BuildResult(
            year, final, placed, renderer.name, seconds, warnings, False, reused, ran
        )

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        interrupt.check()  # every stage starts only if no stop was asked for
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


def run_all(project: Project, plans: list[YearPlan], options: Options, cache: Cache) -> None:
    """Every year's notebooks, from the cache or run in one pool of workers; a year whose
    notebook fails is stopped with its error, and the others go on."""
    runs: list[execute.Run] = []
    for plan in plans:
        into = plan.staging / "notebooks"
        plan.runs = execute.plan(project, plan.year, into, cache, plan.book)
        runs += plan.runs
    by_year = {plan.year: plan for plan in plans}
    timeout = options.cell_timeout or project.config.cell_timeout

    def done(run: execute.Run) -> None:
        detail = "reused" if run.cached else f"ran in {run.seconds:.1f}s"
        options.say(run.year, run.chapter, detail)

    started = time.perf_counter()

    def kept(year: FinancialYear) -> Path | None:
        return failed_dir(project.output_dir, year)

    if options.scheduler:
        failures = execute_on(options.scheduler, project, runs, timeout, cache, kept, done)
    else:
        failures = execute.execute(
            project,
            runs,
            timeout,
            cache,
            kept,
            options.jobs,
            done,
            keep_going=len(plans) > 1,  # one year's failure stops no other
        )
    for year, error in failures.items():
        by_year[year].error = error
    for plan in plans:
        plan.timings["notebooks"] = time.perf_counter() - started


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder, by its path in it, with its digest (the data folder: a few
    hundred kilobytes); not an editor's hidden or backup files (`.values.csv.swp`,
    `values.csv~`), which change while a file is open and are never read."""

    def own(path: Path) -> bool:
        parts = path.relative_to(folder).parts
        return (
            path.is_file()
            and not path.name.endswith("~")
            and not any(part.startswith(".") for part in parts)
        )

    return files_digest((p for p in folder.rglob("*") if own(p)), folder)


def changed_since(folder: Path, before: dict[str, str]) -> Path | None:
    """The first file of `folder` added, removed or changed since `before` was taken."""
    now = snapshot(folder)
    changed = (
        name for name in sorted(before.keys() | now.keys()) if before.get(name) != now.get(name)
    )
    name = next(changed, None)
    return None if name is None else folder / name


def stranger(staging: Path, made: set[Path]) -> Path | None:
    """After the notebooks ran, a year's build folder holds their executed notebooks and
    nothing else: anything more was written by a cell, and would be published with it."""
    for path in sorted(staging.rglob("*")):
        if path not in made and path != staging / "notebooks":
            return path
    return None


def load(project: Project, year: FinancialYear) -> Workbook:
    """The data stage: the workbook for the year, stopping on any error in the data."""
    book = load_workbook(project.data_dir, year)
    raise_for(book.problems)
    return book


def stitch(project: Project, executed: list[Path], book: Workbook, year: FinancialYear) -> Stitched:
    """The document stage: the executed notebooks as one document, in the chapters' order;
    no figure of the year typed in a Markdown cell (checked against the data as it is now,
    whether the notebook ran now or was reused)."""
    stitched = Stitched()
    defaults = {k: v for k, v in project.config.execute.items() if k != "ipynb-filters"}
    for chapter, path in zip(project.config.chapters, executed, strict=True):
        stitch_notebook(read_notebook(path, chapter), Chapter(chapter, ASSETS, defaults), stitched)
    for where, text in stitched.written:
        typed = typed_figures(text, book.data(year), None, book.catalogue)
        if typed:  # said as the notebook's engine says it (run/execute.py)
            detail = f"cell {where.cell}: {typed[0]}"
            raise NotebookError(where.notebook, detail, f"{where.notebook}: {detail}")
    return stitched


def expected(stitched: Stitched, rows: list[register.Row]) -> Expected:
    """What the rendered outputs must show of the document: its headings and figures, on a
    number of pages its chapters, words, charts and tables imply."""
    body = "\n\n".join(without_empty_headings(stitched.markdown))
    headings = printed_headings(stitched.markdown)
    return Expected(
        figures=rows,
        headings=headings,
        chapters=sum(1 for level, _ in headings if level == 1),
        words=len(body.split()),
        blocks=len(stitched.images) + body.count("\n: "),  # charts, and tables' captions
    )


def write_register(
    project: Project, book: Workbook, year: FinancialYear, stitched: Stitched, into: Path
) -> list[register.Row]:
    """figures.csv and figures.html: every figure printed, where, and its source."""
    rows = register.merge(stitched.entries)
    sources = book.catalogue.sources
    (into / front.REGISTER_CSV).write_text(register.to_csv(rows, sources), encoding="utf-8")
    page = register.to_html(
        rows,
        front.edition(project.config, book, year).title,
        sources,
        page_style(project.config.style_file("html", "css"), project.brand),
        project.brand.name,
    )
    (into / "figures.html").write_text(finish_tables(page), encoding="utf-8")
    return rows


def bookend(stitched: Stitched, edition: front.Edition, register_csv: Path) -> None:
    """A draft's notice first; the colophon last, with the register attached to the PDF
    (a copy beside the document, where the renderer reads it)."""
    attached = f"{ASSETS}/{register_csv.name}"
    stitched.images[attached] = register_csv.read_bytes()
    stitched.markdown.insert(0, front.opening(edition))
    stitched.add(front.colophon(edition, attached))


def render_into(
    staging: Path,
    stitched: Stitched,
    matter: dict[str, object],
    renderer: Renderer,
    project: Project,
    formats: tuple[str, ...],
    created: int,
    cache: Cache,
) -> tuple[dict[str, Path], str, bool]:
    """The render stage, in an ordinary temporary folder (not under report/.build-*: Quarto
    ignores the project settings of anything under a dot-folder); the documented outputs are
    moved into `staging`, and the document the renderer read, with its images, into
    `staging/source/`. Reused from the cache when the document and everything else a render
    reads are as before. (outputs, the render's key, whether it was reused)"""
    with render_folder() as folder:
        document = folder / f"{DOCUMENT}.md"
        write_document(stitched, matter, document)
        images = sorted((folder / ASSETS).rglob("*")) if (folder / ASSETS).is_dir() else []
        key = digest(
            render_inputs(project, renderer, formats),
            file_digest(document),
            files_digest((p for p in images if p.is_file()), folder),
            created,
        )
        entry = cache.get(RENDER, key)
        wanted = {fmt: f"{DOCUMENT}{suffix}" for fmt, suffix in SUFFIXES.items() if fmt in formats}
        if entry is not None and set(wanted.values()) <= set(entry.files):
            rendered = {fmt: entry.files[name] for fmt, name in wanted.items()}
            cached = True
        else:
            rendered = render(renderer, document, project, list(formats), created)
            kept = {p.name: p for p in rendered.values()}
            cache.put(RENDER, key, kept, {"renderer": renderer.name})
            cached = False
        outputs = {}
        for fmt, path in rendered.items():
            outputs[fmt] = staging / path.name
            shutil.copyfile(path, outputs[fmt])
        source = staging / "source"
        source.mkdir()
        for read in (document, folder / ASSETS):
            if read.exists():
                shutil.move(read, source / read.name)
    return outputs, key, cached


SUFFIXES = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def validate_year(project: Project, book: Workbook, year: FinancialYear) -> list[Problem]:
    """What the build would refuse or warn about, found by running the year's chapters as the
    build does (no rendering), with the build's time limit: a notebook or cell that fails or
    runs too long, words no chapter prints, values no chapter prints. The chapters run on a
    copy of the data, in worker processes: nothing a cell does changes data/."""
    with owned_folder(Path(tempfile.gettempdir()), "essex-report-validate-") as work:
        copy = work / "data"
        shutil.copytree(project.data_dir, copy, symlinks=False)
        on_copy = Project(project.root, copy, project.output_dir, project.source_date)
        on_copy.__dict__["config"] = project.config  # read once, for the command
        into = work / "notebooks"
        try:
            executed = execute.run_notebooks(on_copy, year, into, None, project.config.cell_timeout)
            stitched = stitch(project, executed, book, year)
        except NotebookError as error:
            # The chapters read the copy: name the files the analyst edits, as a build's
            # chapters do (relative to the project, where notebooks run).
            data = project.data_dir
            named = data.relative_to(project.root) if data.is_relative_to(project.root) else data
            detail = error.detail.replace(str(copy), str(named))
            return [Problem(error.notebook, detail, reason=Reason.NOTEBOOK)]
    wrong = register.misprinted(register.merge(stitched.entries), book)
    misprinted = [Problem("notebooks", wrong, reason=Reason.NOTEBOOK)] if wrong else []
    return (
        misprinted
        + unprinted_words(book, year, stitched.printed)
        + unprinted_values(book, year, stitched.registered())
    )
