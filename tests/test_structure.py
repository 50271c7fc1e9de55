"""The package's shape: its folders are the stages of a build, each importing only what its
docstring says; no import cycle; imports inside functions only for a dependency that is
optional or costly, said in a comment; every module imported by some test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from essex_report.project import PACKAGE_DIR

TESTS = Path(__file__).parent

# What each part of the package may import (besides itself and the standard library). The
# stages run in this order: a stage may import the ones before it, never one after.
FOUNDATIONS = {
    "__init__",
    "errors",
    "years",
    "limits",
    "fingerprint",
    "cache",
    "imports",
    "interrupt",
    "text",
    "scratch",
}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "years": {"errors"},
    "limits": set(),
    "fingerprint": set(),
    "cache": {"fingerprint"},
    "imports": set(),
    "interrupt": set(),
    "progress": {"years", "errors"},
    "text": set(),
    "scratch": set(),
    "config": {"errors", "limits", "text"},
    "project": {"config", "errors", "years", "limits"},
    "data": FOUNDATIONS,
    "charts": {"errors", "years"},
    "notebook": FOUNDATIONS | {"data", "charts", "project", "config"},
    "run": FOUNDATIONS | {"notebook", "data", "charts", "project", "config"},
    "document": FOUNDATIONS | {"run", "notebook", "data", "project", "config"},
    "render": FOUNDATIONS | {"charts", "project", "config"},
    "publish": FOUNDATIONS | {"render", "document", "project", "config"},
    "review": FOUNDATIONS | {"project", "config"},
    "manifest": FOUNDATIONS | {"data", "run", "render", "project", "config"},
    "pipeline": FOUNDATIONS
    | {"data", "notebook", "run", "document", "render", "publish", "manifest", "project", "config"},
    "cli": FOUNDATIONS
    | {"data", "run", "render", "publish", "manifest", "pipeline", "project", "config", "progress"},
    "hooks": FOUNDATIONS | {"cli", "notebook", "render", "run", "project", "config"},
    "__main__": {"cli"},
    "__init__": set(),
}
# Third-party modules a function may import: costly to import (matplotlib, Papermill,
# IPython, pandas, seaborn) or present only in some environments (IPython outside a kernel,
# Playwright).
LAZY = {
    "matplotlib",
    "matplotlib_inline",
    "font_lato",
    "afcharts",
    "IPython",
    "papermill",
    "playwright",
    "distributed",
    "pandas",
    "seaborn",
}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name ("data.load", "cli")."""
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imports(path: Path) -> list[tuple[str, bool, int]]:
    """(module imported, whether inside a function, line) for every import of the package's
    own modules or of anything else, in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside |= {id(n) for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from a.b import c`: c is a module of a.b, or a name defined in a.b itself
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found += [(name, id(node) in inside, node.lineno) for name in names]
    return found


def own(name: str, known: dict[str, Path]) -> str | None:
    """The package module an imported name is (or lies in), without the package prefix."""
    if not name.startswith("essex_report"):
        return None
    dotted = name.removeprefix("essex_report").lstrip(".")
    while dotted and dotted not in known and f"{dotted}.__init__" not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted or "__init__"


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = {own(i, known) for i, _, _ in imports(path)} - {None, name}
        edges[name.removesuffix(".__init__")] = {t.removesuffix(".__init__") for t in targets}
    return edges


def part_of(module: str) -> str:
    return module.split(".")[0]


def test_the_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                walk(target)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node)


def test_each_stage_imports_only_what_it_may():
    wrong = []
    for module, targets in graph().items():
        allowed = ALLOWED[part_of(module)] | {part_of(module)}
        wrong += [f"{module} imports {t}" for t in sorted(targets) if part_of(t) not in allowed]
    assert wrong == []


def test_each_folder_says_what_it_holds_and_may_import():
    for folder in sorted(p for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").is_file()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        assert "May import" in doc, f"{folder.name}/__init__.py does not say what it may import"
        assert folder.name in ALLOWED


def test_an_import_inside_a_function_is_a_costly_or_optional_dependency_said_so():
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for imported, inside, line in imports(path):
            if not inside:
                continue
            top = imported.split(".")[0]
            if top == "essex_report":
                # the reason is said on the line, or above the block of imports it is in
                first = line
                while first > 1 and lines[first - 2].strip().startswith(("from ", "import ")):
                    first -= 1
                said = " ".join(lines[first - 2 : line])
                assert "costly" in said or "before the fork" in said, f"{name}:{line}"
            else:
                assert top in LAZY, f"{name}:{line} imports {imported} inside a function"


def test_every_module_is_imported_by_some_test():
    known = modules()
    tested = {own(i, known) for path in TESTS.glob("*.py") for i, _, _ in imports(path)}
    packages = {name for name in known if name.endswith("__init__")}
    missing = sorted(set(known) - packages - tested - {"__main__"})
    assert missing == []
