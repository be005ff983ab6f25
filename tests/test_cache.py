"""The compiled cache (issue 7): a hit reads no TOML, a changed file is never served stale,
a corrupt or foreign file is ignored and written again, concurrent writers never leave a
torn file, and ``--no-cache`` / ``DISCRETION_NO_CACHE`` turn it off."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import discretion
from discretion import cache
from discretion.cli import main
from discretion.library import Library
from discretion.load import toml_files

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "benchmarks" / "national"


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache home; the cache is on unless a test turns it off."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("DISCRETION_NO_CACHE", raising=False)
    return home / "discretion"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A small set of its own: the 行政处罚法 rules and the 城乡规划法."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("xzcff.toml", "cxgh.toml"):
        shutil.copy(NATIONAL / name, folder / name)
    return folder


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle")) if directory.exists() else []


def _assess(lib: Library) -> dict[str, object]:
    a = lib.assess("CXGH-64", subject="organization", region="000000",
                   facts={"correctable": True, "construction_cost": 1_000_000, "corrected": False})
    return a.to_dict()


def _no_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading TOML fail: a load that still succeeds came from the cache."""
    def refuse(paths: object) -> object:
        raise AssertionError("the TOML files were read")

    # the module, not the function discretion.load() that its name would give
    monkeypatch.setattr(sys.modules["discretion.load"], "load_documents", refuse)


def test_hit_reads_no_toml(xdg: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = discretion.load(data, bundled=False, cache=True)
    [written] = _files(xdg)
    assert written.name.startswith("set-")
    _no_toml(monkeypatch)
    second = discretion.load(data, bundled=False, cache=True)
    assert second.documents == first.documents
    assert _assess(second) == _assess(first)


def test_bundled_set_from_the_cache_assesses_the_same(xdg: Path, library: Library,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    discretion.load(cache=True)
    _no_toml(monkeypatch)
    cached = discretion.load(cache=True)
    assert cached.documents == library.documents
    for code, subject, facts in [
        ("CXGH-64", "organization", {"correctable": True, "construction_cost": 1_000_000}),
        ("JZLJ-26", "person", {"corrected": False}),
        ("DQWR-118-K3", "person", {"corrected": False, "first_offence": True, "harm": "minor"}),
    ]:
        for region in ("000000", "430381"):
            assert cached.assess(code, subject=subject, facts=facts, region=region).to_dict() == \
                library.assess(code, subject=subject, facts=facts, region=region).to_dict()


def test_content_change_invalidates(xdg: Path, data: Path) -> None:
    before = discretion.load(data, bundled=False, cache=True)
    assert _assess(before)["statutory_fine"] == {"min": "50000.00", "max": "100000.00"}
    law = data / "cxgh.toml"
    text = law.read_text(encoding="utf-8")
    changed = text.replace('fine = ["0.05 * construction_cost", "0.10 * construction_cost"]',
                           'fine = ["0.06 * construction_cost", "0.10 * construction_cost"]')
    assert changed != text
    law.write_text(changed, encoding="utf-8")
    after = discretion.load(data, bundled=False, cache=True)
    assert _assess(after)["statutory_fine"] == {"min": "60000.00", "max": "100000.00"}
    assert len(_files(xdg)) == 2  # one per content; the old one is never read for the new


def test_added_file_invalidates(xdg: Path, data: Path) -> None:
    discretion.load(data, bundled=False, cache=True)
    shutil.copy(NATIONAL / "gtfw.toml", data / "gtfw.toml")
    lib = discretion.load(data, bundled=False, cache=True)
    assert "cn-gtfw" in {d.id for d in lib.documents}


def test_invalid_set_is_not_cached(xdg: Path, data: Path) -> None:
    (data / "broken.toml").write_text("format = 1\n[document\n", encoding="utf-8")
    with pytest.raises(discretion.BenchmarkError):
        discretion.load(data, bundled=False, cache=True)
    assert _files(xdg) == []


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05garbage", None])
def test_corrupt_file_is_ignored_and_rewritten(xdg: Path, data: Path, garbage: bytes | None) -> None:
    expected = _assess(discretion.load(data, bundled=False, cache=True))
    [written] = _files(xdg)
    if garbage is None:  # truncated
        garbage = written.read_bytes()[: written.stat().st_size // 2]
    written.write_bytes(garbage)
    assert _assess(discretion.load(data, bundled=False, cache=True)) == expected
    key = cache.key([data])
    assert key is not None and cache._read(written, key) is not None  # written again, whole


def test_a_file_for_another_key_is_not_used(xdg: Path, data: Path) -> None:
    discretion.load(data, bundled=False, cache=True)
    [written] = _files(xdg)
    key = cache.key([data])
    assert key is not None
    assert cache._read(written, "0" * 40) is None
    assert cache._read(written, key) is not None


def test_foreign_pickle_is_refused(xdg: Path, data: Path) -> None:
    discretion.load(data, bundled=False, cache=True)
    [written] = _files(xdg)
    key = cache.key([data])

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.getcwd, ())  # harmless, but not part of a benchmark set

    written.write_bytes(pickle.dumps(("discretion.compiled-set", cache.FORMAT, key, [Evil()])))
    with pytest.raises(pickle.UnpicklingError):
        cache._Unpickler(io.BytesIO(written.read_bytes())).load()
    assert key is not None and cache._read(written, key) is None
    assert _assess(discretion.load(data, bundled=False, cache=True))["outcome"] == "penalty"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_file_writable_by_others_is_not_read(xdg: Path, data: Path) -> None:
    discretion.load(data, bundled=False, cache=True)
    [written] = _files(xdg)
    key = cache.key([data])
    assert key is not None
    assert oct(written.stat().st_mode & 0o777) == oct(0o600)
    assert oct(xdg.stat().st_mode & 0o777) == oct(0o700)
    written.chmod(0o666)
    assert cache._read(written, key) is None


CHILD = """
import json, sys
import discretion
lib = discretion.load(sys.argv[1], bundled=False, cache=True)
a = lib.assess("CXGH-64", subject="organization", region="000000",
               facts={"correctable": True, "construction_cost": 1_000_000, "corrected": False})
print(json.dumps(a.to_dict(), ensure_ascii=False, sort_keys=True))
"""


def test_concurrent_writers_do_not_corrupt_it(xdg: Path, data: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(xdg.parent), PYTHONPATH=str(ROOT))
    env.pop("DISCRETION_NO_CACHE", None)
    for _round in range(2):  # first all writing at once, then all reading what they wrote
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(data)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)]
        outs = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err.decode()
            outs.append(json.loads(out))
        assert all(o == outs[0] for o in outs)
        assert outs[0]["fine"] == {"min": "50000.00", "max": "100000.00"}
    [written] = _files(xdg)
    assert not [p for p in xdg.iterdir() if p.name.startswith(".tmp-")]
    key = cache.key([data])
    assert key is not None and cache._read(written, key) is not None


def test_off_switches(xdg: Path, data: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    discretion.load(data, bundled=False, cache=False)
    assert _files(xdg) == []
    monkeypatch.setenv("DISCRETION_NO_CACHE", "1")
    discretion.load(data, bundled=False)
    assert _files(xdg) == []
    args = ["assess", "CXGH-64", "--no-bundled", "--data", str(data), "--region", "000000",
            "--subject", "organization", "-f", "correctable=true", "-f", "construction_cost=100", "--json"]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    assert _files(xdg) == []
    monkeypatch.delenv("DISCRETION_NO_CACHE")
    with pytest.raises(SystemExit):
        main([*args, "--no-cache"])
    assert _files(xdg) == []
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    assert len(_files(xdg)) == 1
    capsys.readouterr()


def test_cache_dir_respects_xdg_and_never_site_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "discretion"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "discretion"
    package = Path(discretion.__file__).resolve().parent
    found = cache.cache_dir()
    assert found is not None and package not in found.resolve().parents


def test_key_covers_the_files_the_loader_reads() -> None:
    bundled = ROOT / "benchmarks"
    files, problems = toml_files([bundled])
    assert not problems
    assert cache._files([bundled]) == files
    assert cache.key([ROOT / "no-such-folder"]) is None
    assert cache.key([bundled]) == cache.key([bundled])


def test_old_files_are_pruned(xdg: Path, data: Path) -> None:
    xdg.mkdir(parents=True, mode=0o700)
    for i in range(cache._KEEP + 5):
        old = xdg / f"set-{i:040d}.pickle"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    discretion.load(data, bundled=False, cache=True)
    assert len(_files(xdg)) == cache._KEEP
