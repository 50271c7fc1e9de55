"""The notebooks are stored clean and parameterised; _quarto.yml runs every one of them."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from essex_report.config import load_config
from tests import repo as paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"achievements", "resources"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_parameterised_and_clean(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"]
    cells = nb["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert 'year = "2019/20"' in source
    for cell in cells:
        assert "injected-parameters" not in cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_canonical_form(path: Path):
    """What JupyterLab writes on save (nbformat, indent 1, sorted keys): a save makes no diff."""
    text = path.read_text(encoding="utf-8")
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_compose_and_the_package_computes(path: Path):
    """A notebook chooses and orders what its chapter shows; functions, classes and file
    reading belong in essex_report, where they are tested."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [
        line.strip()
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for line in "".join(c["source"]).splitlines()
    ]
    for line in code:
        assert not line.startswith(("def ", "class ", "import ", "lambda")), line
        assert "read_csv" not in line and "open(" not in line.replace("open_year(", ""), line
    assert any(c["cell_type"] == "markdown" for c in nb["cells"])  # headings are words


def test_quarto_config_lists_every_notebook_the_pipeline_runs():
    config = load_config(paths.QUARTO_CONFIG)
    listed = [paths.ROOT / c for c in config.chapters]
    assert sorted(listed) == NOTEBOOKS
    assert config.lang == "en-GB" and config.toc
    assert config.formats["html"]["embed-resources"] is True
    assert config.formats["typst"]["pdf-standard"] == "ua-1"


def test_jupyterlab_serves_the_notebooks_and_a_save_makes_no_diff(tmp_path):
    """`make lab` starts JupyterLab from the venv; saving a notebook through its server (as
    the Save button does) writes the committed bytes back unchanged."""
    shutil.copytree(paths.NOTEBOOKS_DIR, tmp_path / "notebooks")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lab = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--IdentityProvider.token=t",
            "--allow-root",  # CI runs as root
            f"--ServerApp.root_dir={tmp_path}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/status?token=t", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        assert urllib.request.urlopen(f"{base}/lab?token=t", timeout=10).status == 200
        for path in NOTEBOOKS:
            url = f"{base}/api/contents/notebooks/{path.name}?token=t"
            model = json.load(urllib.request.urlopen(url, timeout=10))
            assert model["type"] == "notebook"
            body = json.dumps({"type": "notebook", "format": "json", "content": model["content"]})
            save = urllib.request.Request(url, data=body.encode(), method="PUT")
            save.add_header("Content-Type", "application/json")
            urllib.request.urlopen(save, timeout=10)
            saved = (tmp_path / "notebooks" / path.name).read_bytes()
            assert saved == path.read_bytes(), f"saving {path.name} changed it"
    finally:
        lab.terminate()
        lab.wait(10)
