"""The same notebook runs on a Dask distributed cluster, for when one machine is not enough:
`build --all --scheduler tcp://HOST:PORT`. Each (year, notebook) run the cache does not hold is
one task; a worker runs it exactly as the build does here (run/workers.py: a process forked
from the worker, Papermill and the project's engine, the same time limit) and sends back the
executed notebook and what its loading read; the build keeps them in its cache and goes on
(stitching, rendering and publishing happen here, on the client).

The workers read the repository and the data where the client does (a shared file system, as
a cluster's nodes usually have; on one machine, trivially): each task checks that the
notebook and the package it would run are the client's, and says so in one line when not.
Dask (`pip install -e '.[dask]'`) is imported only when a scheduler is given."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from essex_report.cache import Cache
from essex_report.data.files import Reads
from essex_report.errors import NotebookError, ReportError
from essex_report.fingerprint import digest, file_digest, package_digest
from essex_report.project import Project
from essex_report.run import workers
from essex_report.run.execute import Run, failure
from essex_report.run.keys import KIND
from essex_report.run.reader import read_notebook
from essex_report.run.trust import untrusted
from essex_report.years import FinancialYear

INSTALL = "pip install -e '.[dask]'"


def run_task(spec: dict[str, Any]) -> dict[str, Any]:
    """On a worker: one notebook, run as the build runs it. What came of it, as data."""
    notebook = Path(spec["notebook"])
    if file_digest(notebook) != spec["notebook_digest"]:
        return mismatch(f"the worker reads another {notebook.name} than the client")
    if package_digest() != spec["package"]:
        return mismatch("the worker runs another version of essex-report than the client")
    with tempfile.TemporaryDirectory(prefix="essex-report-task-") as folder:
        output = Path(folder) / notebook.name
        task = workers.Task(
            spec["name"], notebook, output, spec["parameters"], Path(spec["cwd"]), spec["timeout"],
            key=bytes.fromhex(spec["key"]),
        )  # fmt: skip
        workers.preload()
        outcome = workers.run([task], jobs=1)[0]
        executed = output.read_bytes() if output.is_file() else b""
    return {
        "ok": outcome.ok,
        "kind": outcome.kind,
        "cell": outcome.cell,
        "ename": outcome.ename,
        "evalue": outcome.evalue,
        "seconds": outcome.seconds,
        "reads": outcome.reads.to_json(),
        "notebook": executed,
    }


def mismatch(why: str) -> dict[str, Any]:
    return {"ok": False, "kind": "failed", "ename": "MismatchError", "evalue": why, "cell": 0,
            "notebook": b""}  # fmt: skip


def execute_on(
    scheduler: str,
    project: Project,
    runs: list[Run],
    timeout: int,
    cache: Cache,
    failed_dir: Callable[[FinancialYear], Path | None],
    on_done: Callable[[Run], None] | None = None,
) -> dict[FinancialYear, NotebookError]:
    """As execute.execute, with the runs the cache does not hold sent to the cluster at
    `scheduler`. Other years go on when one fails."""
    try:
        from distributed import Client, as_completed  # optional: only with --scheduler
    except ImportError:
        raise ReportError(f"--scheduler needs Dask distributed: {INSTALL}") from None
    for run in runs:
        if run.cached and on_done is not None:
            on_done(run)
    missing = [r for r in runs if not r.cached]
    if not missing:
        return {}
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as error:
        raise ReportError(f"--scheduler {scheduler}: cannot reach it ({error})") from None
    failures: dict[FinancialYear, NotebookError] = {}
    key = secrets.token_bytes(32)  # this run's, as execute.execute's (run/trust.py)
    with client:
        futures = {
            client.submit(
                run_task, spec(project, run, timeout, key), pure=False, key=task_key(run)
            ): run
            for run in missing
        }
        for future in as_completed(futures):
            run = futures[future]
            result = future.result()
            if result["notebook"]:
                run.output.write_bytes(result["notebook"])
            if result["ok"]:  # checked before it is stitched or cached
                refused = untrusted(read_notebook(run.output, run.chapter), key)
                if refused is not None:
                    result |= {"ok": False, "kind": "refused", "cell": refused[0]}
                    result["evalue"] = refused[1]
            if not result["ok"]:
                outcome = workers.Outcome(
                    workers.Task(
                        run.chapter, Path(run.chapter), run.output, run.parameters,
                        project.root, timeout,
                    ),
                    kind=result["kind"], cell=result["cell"], ename=result["ename"],
                    evalue=result["evalue"],
                )  # fmt: skip
                failures.setdefault(run.year, failure(outcome, failed_dir(run.year)))
                continue
            run.seconds, run.reads = result["seconds"], Reads.from_json(result["reads"])
            reads = run.reads.to_json()
            meta = {"chapter": run.chapter, "year": run.year.label, "reads": reads}
            cache.put(KIND, run.key, {"notebook.ipynb": run.output}, meta, variant=digest(reads))
            if on_done is not None:
                on_done(run)
    return failures


def spec(project: Project, run: Run, timeout: int, key: bytes) -> dict[str, Any]:
    notebook = project.config.chapter_path(run.chapter)
    return {
        "key": key.hex(),  # the run's signing key: to the worker, never into a notebook
        "name": run.chapter,
        "notebook": str(notebook),
        "notebook_digest": file_digest(notebook),
        "package": package_digest(),
        "parameters": run.parameters,
        "cwd": str(project.root),
        "timeout": timeout,
    }


def task_key(run: Run) -> str:
    """Dask's name for the task: what it runs, readable on the dashboard, unique per key."""
    return f"essex-report-{run.year.slug}-{Path(run.chapter).stem}-{run.key[:12]}"
