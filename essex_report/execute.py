"""Run the chapter notebooks for a year with Papermill, several at once, each in its own
kernel; every way a notebook can fail (an error, a cell that runs too long, a kernel that
dies, a file that is not a notebook) is one line naming the notebook and the cell."""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from essex_report import paths
from essex_report.errors import BuildError
from essex_report.kernels import quiet_kernel_manager, stop_kernels
from essex_report.render import ReportConfig
from essex_report.years import FinancialYear

ADDED_CELLS = {"injected-parameters", "papermill-error-cell-tag"}  # cells Papermill adds


def notebook_name(chapter: str) -> str:
    return Path(chapter).stem


def check_notebook(path: Path, chapter: str) -> None:
    """A chapter must be a notebook before a kernel is started for it."""
    import nbformat

    if not path.is_file():
        raise BuildError(f"_quarto.yml lists {chapter}, which does not exist")
    try:
        nbformat.read(path, as_version=4)
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BuildError(
            f"{chapter} is not a valid notebook ({detail[:120]}); restore it with "
            f"git checkout {chapter}, or save it again from JupyterLab"
        ) from error


def run_notebooks(
    config: ReportConfig,
    year: FinancialYear,
    data_dir: Path,
    into: Path,
    failed_dir: Path,
    timeout: int,
) -> list[Path]:
    """Execute each chapter notebook; a failure keeps the executed notebook in `failed_dir`."""
    import papermill

    into.mkdir(parents=True, exist_ok=True)
    for chapter in config.chapters:
        check_notebook(paths.ROOT / chapter, chapter)
    manager = quiet_kernel_manager()

    def run(chapter: str) -> Path:
        output = into / f"{notebook_name(chapter)}.ipynb"
        papermill.execute_notebook(
            str(paths.ROOT / chapter),
            str(output),
            parameters={"year": year.label, "data_dir": str(data_dir)},
            progress_bar=False,
            log_output=False,
            # The kernel starts in the repository; the build's own working folder is never
            # changed (Papermill's cwd= changes it for the whole process, under every thread).
            resources={"metadata": {"path": str(paths.ROOT)}},
            kernel_name="python3",
            kernel_manager_class=manager,
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            execution_timeout=timeout,
        )
        return output

    workers = min(len(config.chapters), max(2, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="notebook")
    futures = [pool.submit(run, chapter) for chapter in config.chapters]
    try:
        executed = []
        for chapter, future in zip(config.chapters, futures, strict=True):
            try:
                executed.append(future.result())
            except Exception as error:
                output = into / f"{notebook_name(chapter)}.ipynb"
                raise _failure(chapter, output, failed_dir, error, timeout) from error
        return executed
    except BaseException:
        # A failure or an interrupt: stop the other notebooks' kernels, then let their threads
        # finish writing before the caller deletes the build folder under them.
        pool.shutdown(wait=False, cancel_futures=True)
        stop_kernels()
        # A cancelled future never counts as done for wait(): leave those out.
        wait([future for future in futures if not future.cancelled()], timeout=30)
        raise
    finally:
        pool.shutdown(wait=False)


def _failure(
    chapter: str, output: Path, failed_dir: Path, error: Exception, timeout: int
) -> BuildError:
    """One line for a notebook that failed, with the executed notebook kept for inspection."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    kept = ""
    if output.is_file():
        failed_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(output, failed_dir / output.name)
        kept = f" (executed notebook kept in {paths.shown(failed_dir / output.name)})"
    cell = _cell_number(output)
    if isinstance(error, PapermillExecutionError):
        message = str(error.evalue).strip().splitlines()
        what = f"failed in cell {cell}: {error.ename}: {message[0] if message else ''}"
    elif isinstance(error, CellTimeoutError):
        what = (
            f"cell {cell} ran for more than {timeout} s and was stopped (raise the limit with "
            "essex-report: cell-timeout in _quarto.yml or build --cell-timeout)"
        )
    elif isinstance(error, DeadKernelError):
        what = f"stopped in cell {cell}: its kernel died (killed, or out of memory)"
    else:
        detail = str(error).strip().splitlines()
        what = f"could not be run: {type(error).__name__}: {detail[0][:200] if detail else ''}"
    return BuildError(f"notebook {chapter} {what}{kept}")


def _cell_number(executed: Path) -> str:
    """The failing cell's position as the notebook's author sees it (1 = first cell): the
    cell with an error output, else the last cell that started; cells Papermill adds are not
    counted."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return "?"
    authored = [c for c in cells if not ADDED_CELLS & set(c.get("metadata", {}).get("tags", []))]
    started = None
    for index, cell in enumerate(authored):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return str(index + 1)
        if (cell.get("metadata", {}).get("papermill") or {}).get("start_time"):
            started = index + 1
    return str(started) if started else "?"
