"""The compiled cache: a loaded benchmark set kept on disk, so that a command run
dozens of times a day does not read and check every TOML file each time.

The cache lives in the user's cache directory (``$XDG_CACHE_HOME/discretion`` or
``~/.cache/discretion``), never next to the package. A cache file is named by a key:
a hash of every benchmark file's path and content, of the folders given, of the
package's version and sources, and of the Python version — any change makes a new key,
so a stale file is never used. A file that cannot be read (corrupt, truncated, from
another version) is ignored and written again. Files are written to a temporary name
and renamed into place, so concurrent writers never leave a torn file.

This is the one module that uses :mod:`pickle`, and it reads only files that the tool
wrote itself: in a directory and with a file owned by the current user and writable by
no one else, and through an unpickler that admits only the classes of a benchmark set.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import Document

try:  # the C unpickler itself: reading needs nothing else of the pickle module (~2 ms)
    from _pickle import Unpickler as _BaseUnpickler
    from _pickle import UnpicklingError
except ImportError:  # pragma: no cover - other Pythons
    from pickle import Unpickler as _BaseUnpickler
    from pickle import UnpicklingError

try:  # hashlib would first load OpenSSL (~5 ms of a command's start) for a hash it has builtin
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

__all__ = ["FORMAT", "cache_dir", "enabled", "key", "load_documents"]

#: Bump when the layout of the pickled documents changes.
FORMAT = 1
_MAGIC = "discretion.compiled-set"
_KEEP = 16  # most cache files kept; older ones are removed when a new one is written
_PACKAGE = Path(__file__).resolve().parent


def enabled(cache: bool | None) -> bool:
    """Whether to use the cache: ``cache=False`` or ``DISCRETION_NO_CACHE`` turn it off;
    ``cache=True`` turns it on even then."""
    if cache is not None:
        return cache
    return not os.environ.get("DISCRETION_NO_CACHE")


def cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/discretion`` (an absolute XDG_CACHE_HOME only, as the XDG spec
    says), else ``~/.cache/discretion``; None when there is no home directory."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "discretion"


def _files(folders: Sequence[Path]) -> list[Path] | None:
    """The ``.toml`` files the loader reads, in its order (see ``load.toml_files``);
    None when a folder is missing (the loader reports that; nothing is cached)."""
    files: list[Path] = []
    for root in folders:
        if not root.exists():
            return None
        if root.is_file():
            files.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".toml"):
                    files.append(Path(dirpath) / name)
    return files


def key(folders: Sequence[Path]) -> str | None:
    """The cache key of loading ``folders``, or None when it cannot be cached."""
    files = _files(folders)
    if files is None:
        return None
    from . import __version__

    h = blake2b(digest_size=20)

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)

    add(_MAGIC, str(FORMAT), __version__, sys.version, sys.implementation.cache_tag or "")
    # the package's own sources: a changed model or loader never reads an older pickle
    with os.scandir(_PACKAGE) as entries:
        sources = sorted((e.name, e) for e in entries if e.name.endswith(".py"))
    for name, entry in sources:
        try:
            st = entry.stat()
        except OSError:
            continue
        add(name, f"{st.st_size}:{st.st_mtime_ns}")
    add("folders", *(os.path.abspath(f) for f in folders))
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            return None  # the loader reports it
        add(os.path.abspath(path), content)
    return h.hexdigest()


# ------------------------------------------------------------------------- reading


_ALLOWED = {
    ("datetime", "date"),
    ("decimal", "Decimal"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("builtins", "tuple"),
    ("builtins", "list"),
    ("builtins", "dict"),
    ("discretion.expr", "_unpickle_lazy"),
    ("discretion.expr", "_unpickle"),
    ("discretion.expr", "Type"),
    ("discretion.expr", "UNKNOWN"),
}


class _Unpickler(_BaseUnpickler):
    """Admits only what a benchmark set is made of: the model classes, expressions,
    dates and decimals."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module == "discretion.model" and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise UnpicklingError(f"{module}.{name} is not part of a benchmark set")


def _private(path: Path, st: os.stat_result) -> bool:
    """Owned by the current user and writable by no one else (POSIX)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - not POSIX
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, expected: str) -> list[Document] | None:
    """The documents in a cache file, or None (missing, not ours, corrupt, another key)."""
    try:
        dir_st = os.stat(path.parent)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _private(path, st) or not _private(path.parent, dir_st):
            return None
        with os.fdopen(fd, "rb") as f:
            fd = -1
            data = f.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        found = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # a corrupt or foreign file: ignored, and written again
        return None
    if (
        not isinstance(found, tuple)
        or len(found) != 4
        or found[:3] != (_MAGIC, FORMAT, expected)
        or not isinstance(found[3], list)
        or not all(isinstance(d, Document) for d in found[3])
    ):
        return None
    return found[3]


# ------------------------------------------------------------------------- writing


def _write(directory: Path, name: str, documents: list[Document], cache_key: str) -> None:
    """Write atomically (a private temporary file renamed into place); errors are ignored:
    the cache only saves time."""
    import pickle

    try:
        data = pickle.dumps((_MAGIC, FORMAT, cache_key, documents), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in the set that cannot be pickled: do without the cache
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory, os.stat(directory)):
            return
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(directory, keep=name)


def _prune(directory: Path, keep: str) -> None:
    """Remove all but the newest cache files (and temporary files left by a crash)."""
    try:
        entries = [(e.stat().st_mtime, e.name) for e in os.scandir(directory) if e.name.endswith(".pickle")]
    except OSError:
        return
    import time

    now = time.time()
    finished = sorted((e for e in entries if not e[1].startswith(".tmp-")), reverse=True)
    stale = [n for _, n in finished[_KEEP:] if n != keep]
    stale += [n for t, n in entries if n.startswith(".tmp-") and now - t > 3600]
    for n in stale:
        with contextlib.suppress(OSError):
            os.unlink(directory / n)


# ------------------------------------------------------------------------- loading


def load_documents(folders: Sequence[Path]) -> list[Document]:
    """``load.load_documents(folders)``, from the cache when it holds this exact set."""
    directory = cache_dir()
    cache_key = key(folders) if directory is not None else None
    if directory is not None and cache_key is not None:
        name = f"set-{cache_key}.pickle"
        documents = _read(directory / name, cache_key)
        if documents is not None:
            return documents
    from .load import load_documents as load_files

    documents = load_files(folders)  # raises BenchmarkError for an invalid set: nothing cached
    # a file edited while it was being read: what was loaded may not match the key
    if directory is not None and cache_key is not None and key(folders) == cache_key:
        _write(directory, name, documents, cache_key)
    return documents
