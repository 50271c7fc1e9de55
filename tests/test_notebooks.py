"""The notebooks are stored clean and parameterised; _quarto.yml runs every one of them."""

import json
from pathlib import Path

import pytest

from essex_report import paths
from essex_report.render import load_config

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
def test_notebooks_stay_thin(path: Path):
    """Logic lives in essex_report: no definitions, loops or data reading in a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = [
        line.strip()
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for line in "".join(c["source"]).splitlines()
    ]
    code = [line for line in lines if line and not line.startswith("#")]
    for line in code:
        assert not line.startswith(("def ", "class ", "for ", "while ", "with ")), line
        assert "read_csv" not in line and "open(" not in line.replace("open_report(", "")
    assert len(code) <= 16


def test_quarto_config_lists_every_notebook_the_pipeline_runs():
    config = load_config()
    listed = [paths.ROOT / c for c in config.chapters]
    assert sorted(listed) == NOTEBOOKS
    assert config.lang == "en-GB" and config.toc
    assert config.formats["html"]["embed-resources"] is True
    assert config.formats["typst"]["pdf-standard"] == "ua-1"
