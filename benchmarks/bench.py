"""`make bench`: how long builds take, side by side in one run, on this machine.

Times, in order: the naive loop (the papermill command for every notebook of every year, each
starting a kernel; no rendering), the floor (one year's notebook code run in one plain Python
process, then one render of its document), `build` of one year from cold, a rebuild with
nothing changed, a rebuild after one value changed, `build --all` from cold and again with
nothing changed. Prints each time, the ratios the project aims at, and the peak memory of a
build (the proportional set size of the build and every process it started, summed).

    .venv/bin/python benchmarks/bench.py [--year 2019/20] [--skip-naive]
    .venv/bin/python benchmarks/bench.py --essex-report OLD/.venv/bin/essex-report --data OLD/data
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def pss(pid: int) -> int:
    """A process's proportional set size in bytes (pages shared with its forked workers
    counted once between them), from /proc/PID/smaps_rollup: cheap enough to sample often."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    line = next((line for line in text.splitlines() if line.startswith("Pss:")), "Pss: 0 kB")
    return int(line.split()[1]) * 1024


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Seconds a command takes, and the peak memory (bytes, PSS summed over its processes)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd or CHECKOUT[0], env=os.environ, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            try:
                tree = [psutil.Process(process.pid)]
                tree += tree[0].children(recursive=True)
            except psutil.Error:
                break
            peak[0] = max(peak[0], sum(pss(member.pid) for member in tree))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{out[-2000:]}\n{err[-2000:]}")
    return seconds, peak[0]


COMMAND = [str(BIN / "essex-report")]  # --essex-report times another checkout's
CHECKOUT = [ROOT]  # where its commands run (a kernel imports the package of its folder first)


def build(data: Path, output: Path, *args: str) -> tuple[float, int]:
    command = [*COMMAND, "build", *args]
    return timed([*command, "--data-dir", str(data), "--output", str(output)])


def naive(data: Path, work: Path, years: list[str], chapters: list[str], bin: Path) -> float:
    started = time.perf_counter()
    for year in years:
        for chapter in chapters:
            out = work / f"{year.replace('/', '-')}-{Path(chapter).name}"
            timed(
                [str(bin / "papermill"), chapter, str(out), "-p", "year", year,
                 "-p", "data_dir", str(data), "--no-progress-bar"],
            )  # fmt: skip
    return time.perf_counter() - started


FLOOR = """
import json, sys, time
from pathlib import Path
from essex_report.notebook import open_year
from essex_report.project import Project
from essex_report.render.builtin import BuiltinRenderer
from essex_report.render.select import render
year, data, document = sys.argv[1], sys.argv[2], Path(sys.argv[3])
project = Project(data_dir=Path(data))
for chapter in project.config.chapters:
    namespace = {"year": year, "data_dir": data}
    for cell in json.loads((project.root / chapter).read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
            exec(compile(source, chapter, "exec"), namespace)
        elif cell["cell_type"] == "markdown" and "report" in namespace:
            namespace["report"].markdown_cell(source)
render(BuiltinRenderer(), document, project, ["html", "pdf"])
"""


def floor(data: Path, year: str, built: Path, work: Path) -> float:
    """The notebooks' own work, with nothing around it: one process, then one render."""
    source = work / "floor"
    shutil.copytree(built / "source", source)
    floor = [PYTHON, "-c", FLOOR, year, str(data), str(source / "annual-report.md")]
    seconds, _ = timed(floor, cwd=ROOT)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", default="2019/20")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive loop")
    parser.add_argument(
        "--essex-report",
        metavar="PATH",
        help="time the builds of another checkout's command (its .venv/bin/essex-report)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="the data folder those builds read (another checkout's data/, in the form its code"
        " reads); the floor is always this checkout's",
    )
    args = parser.parse_args()
    if args.essex_report:
        COMMAND[:] = [args.essex_report]
    if args.data:
        CHECKOUT[:] = [args.data.resolve().parent]
    sys.path.insert(0, str(ROOT))
    from essex_report.data.load import years_with_data
    from essex_report.project import Project

    project = Project()
    years = [y.label for y in years_with_data(project.data_dir)]
    chapters = list(project.config.chapters)
    slug = args.year.replace("/", "-")
    work = Path(tempfile.mkdtemp(prefix="essex-report-bench-"))
    try:
        data = work / "data"
        shutil.copytree(args.data or project.data_dir, data)
        ours = work / "our-data"
        shutil.copytree(project.data_dir, ours)
        times: dict[str, float] = {}
        peaks: dict[str, int] = {}
        if not args.skip_naive:
            (work / "naive").mkdir()
            # another checkout's notebooks, on its data, with its papermill
            other = CHECKOUT[0]
            times["naive loop (papermill CLI, every notebook of every year)"] = naive(
                data,
                work / "naive",
                years,
                [str(other / c) for c in chapters],
                Path(COMMAND[0]).parent,
            )
        one = work / "one"
        times["build --year, cold"], peaks["build --year, cold"] = build(
            data, one, "--year", args.year
        )
        floor_built = one / slug
        if args.data:  # the floor runs this checkout's code, on this checkout's data
            ours_build = [str(BIN / "essex-report"), "build", "--year", args.year]
            timed([*ours_build, "--data-dir", str(ours), "--output", str(work / "ours")], ROOT)
            floor_built = work / "ours" / slug
        times["floor (notebook code in one process + one render)"] = floor(
            ours, args.year, floor_built, work
        )
        times["build --year, nothing changed"], _ = build(data, one, "--year", args.year)
        values = data / slug / "values.csv"
        lines = values.read_text(encoding="utf-8").splitlines(keepends=True)
        row = next(i for i, line in enumerate(lines) if line.startswith("spend_total,"))
        cells = lines[row].split(",")
        cells[2] = f"{float(cells[2]) + 0.1:.1f}"
        lines[row] = ",".join(cells)
        values.write_text("".join(lines), encoding="utf-8")
        times["build --year, one value changed"], peaks["build --year, one value changed"] = build(
            data, one, "--year", args.year
        )
        every = work / "all"
        times["build --all, cold"], peaks["build --all, cold"] = build(data, every, "--all")
        times["build --all, nothing changed"], _ = build(data, every, "--all")
        manifest = one / slug / "manifest.json"
        ran = (
            [n["chapter"] for n in json.loads(manifest.read_text())["notebooks"] if not n["cached"]]
            if manifest.is_file()
            else ["(no manifest: every notebook)"]
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(name) for name in times)
    print(f"essex-report benchmark, {args.year}, {len(years)} years, {os.cpu_count()} cores")
    for name, seconds in times.items():
        print(f"  {name:<{width}}  {seconds:7.2f} s")
    for name, peak in peaks.items():
        print(f"  peak memory, {name:<{width - 14}}  {peak / 2**20:7.0f} MiB")
    print(f"  notebooks run again after one value changed: {', '.join(ran) or 'none'}")
    cold = times["build --year, cold"]
    checks = [
        ("no-change rebuild of a year", times["build --year, nothing changed"], "<= 0.5 s", 0.5),
        ("no-change rebuild of all years", times["build --all, nothing changed"], "<= 2 s", 2.0),
        (
            "one value changed / cold build of that year",
            times["build --year, one value changed"] / cold,
            "<= 0.5",
            0.5,
        ),
        (
            "one year cold / floor",
            cold / times["floor (notebook code in one process + one render)"],
            "<= 1.5",
            1.5,
        ),
        ("peak memory of a build (MiB)", max(peaks.values()) / 2**20, "<= 500", 500.0),
    ]
    naive_time = next((t for n, t in times.items() if n.startswith("naive")), None)
    if naive_time:
        checks.insert(4, ("all years cold / naive loop", times["build --all, cold"] / naive_time,
                          "<= 0.12", 0.12))  # fmt: skip
    print("targets:")
    for name, value, target, limit in checks:
        verdict = "met" if value <= limit else "NOT MET"
        print(f"  {name:<46} {value:8.3f}  target {target:<9} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
