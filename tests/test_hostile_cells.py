"""Notebook cells that reach past the notebook API (a hostile tester's round on 0.2.0): what
they write, make or change is never published, and the build says so in one line."""

from __future__ import annotations

import pytest

from .conftest import essex_report
from .test_validate_cells import home_with

pytestmark = pytest.mark.e2e  # builds reports


def build(home, out):
    return essex_report(
        "build", "--year", "2019/20", "--output", str(out), env={"ESSEX_REPORT_HOME": str(home)}
    )


def test_a_file_a_cell_writes_into_the_build_folder_is_not_published(tmp_path):
    out = tmp_path / "out"
    cell = (
        "import glob, os\n"
        f"for d in glob.glob(os.path.join({str(out)!r}, '.build-2019-20-*', '2019-20')):\n"
        "    open(os.path.join(d, 'evil.html'), 'w').write('<script>alert(1)</script>')\n"
    )
    home = home_with(tmp_path, cell)
    built = build(home, out)
    assert built.returncode == 1
    assert "evil.html is in the report's build folder" in built.stderr, built.stderr
    assert len(built.stderr.strip().splitlines()) == 1
    assert not (out / "2019-20").exists()  # nothing published
