"""Imports made cheaper, once per process, at the command's edge.

Importing nbformat (and so Papermill, nbclient, nbconvert) imports jsonschema, whose format
checkers import `rfc3987_syntax`, which compiles a grammar as it is imported: about 1.4 s
here, in every build, for a check (the `iri` format) no notebook of ours ever uses (upstream:
python-jsonschema/jsonschema issues 1392 and 1521). `defer_slow_imports` puts a stand-in in
its place whose `is_valid_syntax` imports the real module the first time it is called, so the
check still works, and costs nothing until then. Imports nothing of the package."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

SLOW = "rfc3987_syntax"


def _is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """The real rfc3987_syntax.is_valid_syntax, imported on first use."""
    if isinstance(sys.modules.get(SLOW), _StandIn):
        del sys.modules[SLOW]
    return importlib.import_module(SLOW).is_valid_syntax(*args, **kwargs)


class _StandIn(types.ModuleType):
    is_valid_syntax = staticmethod(_is_valid_syntax)


def defer_slow_imports() -> None:
    """Put the stand-in in place, unless the module is absent or imported already."""
    if SLOW in sys.modules or importlib.util.find_spec(SLOW) is None:
        return
    sys.modules[SLOW] = _StandIn(SLOW)
