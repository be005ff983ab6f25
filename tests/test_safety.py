"""Nothing a data file says is ever run: the package's own source is walked for the ways
Python can run text or other programs.

Banned everywhere in ``discretion/``: ``eval``, ``exec``, the ``compile`` builtin,
``__import__``, ``importlib``, ``__builtins__``, ``subprocess`` and the ``os`` calls that start
programs; ``pickle``/``marshal``/``shelve`` only in ``discretion/cache.py`` (the compiled-set
cache, which reads only files it wrote itself).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "discretion"
SOURCES = sorted(PACKAGE.rglob("*.py"))

BANNED_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
BANNED_MODULES = {"subprocess", "pty", "ctypes", "importlib", "runpy", "code", "codeop", "cffi"}
PICKLE_MODULES = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}
PICKLE_ALLOWED_IN = {"cache.py"}
BANNED_OS = {"system", "popen", "startfile", "fork", "forkpty", "posix_spawn", "posix_spawnp"}
BANNED_OS_PREFIXES = ("exec", "spawn")
BANNED_NAMES = {"__builtins__"}


def findings(source: str, filename: str = "module.py") -> list[str]:
    """Each banned construct in ``source``: ``line: what``."""
    tree = ast.parse(source, filename=filename)
    out: list[str] = []
    pickle_ok = Path(filename).name in PICKLE_ALLOWED_IN

    def module_banned(name: str) -> str | None:
        root = name.split(".")[0]
        if root in BANNED_MODULES:
            return root
        if root in PICKLE_MODULES and not pickle_ok:
            return root
        return None

    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                bad = module_banned(alias.name)
                if bad:
                    out.append(f"{line}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            bad = module_banned(node.module or "")
            if bad and node.level == 0:
                out.append(f"{line}: from {node.module} import …")
            if (node.module or "").split(".")[0] in ("os", "builtins"):
                for alias in node.names:
                    if alias.name in BANNED_OS or alias.name.startswith(BANNED_OS_PREFIXES) \
                            or alias.name in BANNED_CALLS:
                        out.append(f"{line}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in BANNED_CALLS:
                out.append(f"{line}: {func.id}()")
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if owner == "os" and (func.attr in BANNED_OS or func.attr.startswith(BANNED_OS_PREFIXES)):
                    out.append(f"{line}: os.{func.attr}()")
                if owner == "builtins" and func.attr in BANNED_CALLS:
                    out.append(f"{line}: builtins.{func.attr}()")
            if isinstance(func, ast.Name) and func.id in ("getattr", "setattr") and len(node.args) >= 2:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in BANNED_CALLS | BANNED_OS:
                    out.append(f"{line}: {func.id}(…, {arg.value!r})")
        elif isinstance(node, ast.Name) and node.id in BANNED_NAMES:
            out.append(f"{line}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in BANNED_NAMES:
            out.append(f"{line}: .{node.attr}")
    return out


def test_the_package_has_sources() -> None:
    names = {p.name for p in SOURCES}
    assert {"expr.py", "load.py", "engine.py", "cli.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_no_code_execution(path: Path) -> None:
    assert findings(path.read_text(encoding="utf-8"), str(path)) == []


# The walker itself: each of these must be caught, or the test above proves nothing.
CAUGHT = [
    "eval(text)",
    "exec(text)",
    "compile(text, 'f', 'eval')",
    "__import__('os')",
    "builtins.eval('1')",
    "getattr(builtins, 'eval')('1')",
    "import subprocess",
    "from subprocess import run",
    "import subprocess as sp",
    "import os\nos.system('ls')",
    "import os\nos.popen('ls')",
    "import os\nos.execvp('ls', ['ls'])",
    "import os\nos.spawnl(0, 'ls')",
    "from os import system",
    "import pickle",
    "from pickle import loads",
    "import marshal",
    "import shelve",
    "import importlib\nimportlib.import_module(name)",
    "x = __builtins__",
    "import ctypes",
]
ALLOWED = [
    "import re\nre.compile('x')",
    "expr.evaluate(env)",
    "import os\nos.walk('.')",
    "import json\njson.loads(text)",
    "def evaluate(): pass",
]


@pytest.mark.parametrize("source", CAUGHT)
def test_walker_catches(source: str) -> None:
    assert findings(source), source


@pytest.mark.parametrize("source", ALLOWED)
def test_walker_allows(source: str) -> None:
    assert findings(source) == [], source


def test_pickle_is_allowed_only_in_the_cache() -> None:
    assert findings("import pickle", "discretion/cache.py") == []
    assert findings("import pickle", "discretion/load.py")
