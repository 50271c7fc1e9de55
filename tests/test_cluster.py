"""The Dask path: `build --all --scheduler ADDRESS` runs the notebooks on a cluster (here a
distributed.LocalCluster of two worker processes) and publishes what the local pool does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from essex_report.run.cluster import run_task, task_key
from tests import repo

from .conftest import essex_report

pytestmark = pytest.mark.e2e  # builds reports on a cluster

YEARS = ("2018-19", "2019-20")


@pytest.fixture
def two_years(tmp_path) -> Path:
    """A data folder of two years: the cluster builds both."""
    data = tmp_path / "data"
    shutil.copytree(repo.DATA_DIR, data)
    for year in data.iterdir():
        if year.is_dir() and year.name[:1].isdigit() and year.name not in YEARS:
            shutil.rmtree(year)
    return data


def test_the_cluster_publishes_what_the_local_pool_publishes(two_years, tmp_path):
    from distributed import LocalCluster

    local = tmp_path / "local"
    result = essex_report("build", "--all", "--data-dir", str(two_years), "--output", str(local))
    assert result.returncode == 0, result.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        remote = tmp_path / "remote"
        result = essex_report(
            "build", "--all", "--scheduler", cluster.scheduler_address,
            "--data-dir", str(two_years), "--output", str(remote),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        workers = set(cluster.workers)
    assert len(workers) == 2
    for year in YEARS:
        for name in ("annual-report.html", "annual-report.pdf", "figures.csv"):
            assert (local / year / name).read_bytes() == (remote / year / name).read_bytes()
    # what the cluster ran is in the cache: a second build runs nothing anywhere
    again = essex_report("build", "--all", "--data-dir", str(two_years), "--output", str(remote))
    assert again.stdout.count("up to date") == len(YEARS), again.stdout


def test_a_worker_that_reads_another_notebook_says_so(tmp_path):
    spec = {
        "name": "notebooks/contact.ipynb",
        "notebook": str(repo.NOTEBOOKS_DIR / "contact.ipynb"),
        "notebook_digest": "not the one the client read",
        "package": "",
        "parameters": {"year": "2019/20", "data_dir": str(repo.DATA_DIR)},
        "cwd": str(repo.ROOT),
        "timeout": 60,
    }
    result = run_task(spec)
    assert not result["ok"] and "another contact.ipynb than the client" in result["evalue"]
    assert task_key.__doc__


def test_a_part_displayed_by_hand_on_the_cluster_is_refused(two_years, tmp_path):
    """Issue 16: the cluster's workers sign with the run's key as the local ones do, and what
    they send back is checked before it is stitched or cached."""
    import nbformat
    from distributed import LocalCluster

    home = tmp_path / "home"
    for name in ("notebooks", "styles"):
        shutil.copytree(repo.ROOT / name, home / name)
    for name in ("_quarto.yml", "_brand.yml"):
        shutil.copy(repo.ROOT / name, home / name)
    notebook = home / "notebooks" / "contact.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from IPython.display import display\n"
            "from essex_report.notebook.parts import PAYLOAD_MIME\n"
            "display({'text/markdown': 'We spent £9.9bn.', PAYLOAD_MIME: {'kind': 'markdown'}},"
            " raw=True)"
        )
    )
    nbformat.write(nb, notebook)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True) as cluster:
        result = essex_report(
            "build", "--all", "--scheduler", cluster.scheduler_address,
            "--data-dir", str(two_years), "--output", str(tmp_path / "out"),
            env={"ESSEX_REPORT_HOME": str(home)},
        )  # fmt: skip
    assert result.returncode == 1
    assert "shows a part the notebook API did not make in this build" in result.stderr
