"""graph/store.py: the cached store verifies itself and is rebuilt when damaged.

Each case damages the cache of a project copy the way a disk, a crash or another
process can, then runs the installed `naravard query`: it must answer as before,
exit 0 and print no traceback. The query runs with an address-space cap, so a
regression that opens a garbled store fails here instead of eating the machine's memory.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
from pathlib import Path

import pytest

from graph.store import manifest_path, store_path, verified

from .conftest import copy_project, naravard, read_only

QUERY = ("query", "count-by-class", "--format", "csv")
MEMORY_CAP = 3 * 1024**3  # the query needs a few hundred MB; a garbled .sst once took 23.9 GB


def capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """A copy with Dalarna, its store cache built, and the answer to QUERY."""
    root = tmp_path_factory.mktemp("cache") / "proj"
    project = copy_project(root, regions=["dalarna"])
    r = naravard(root, *QUERY)
    assert r.returncode == 0, r.stderr
    return project, r.stdout


def the_store(project) -> Path:
    stores = [p for p in project.cache_dir.glob("store-*") if p.is_dir()]
    assert len(stores) == 1, stores
    return stores[0]


def largest_sst(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


def garble(store: Path) -> None:
    sst = largest_sst(store)
    data = bytearray(sst.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 4096] = os.urandom(min(4096, len(data) - mid))  # same size, same name
    sst.write_bytes(bytes(data))


def truncate(store: Path) -> None:
    sst = largest_sst(store)
    with open(sst, "r+b") as fh:
        fh.truncate(sst.stat().st_size // 2)


DAMAGE = {
    "garbled-sst": garble,
    "truncated-sst": truncate,
    "missing-sst": lambda s: largest_sst(s).unlink(),
    "missing-rocksdb-manifest": lambda s: next(s.glob("MANIFEST-*")).unlink(),
    "missing-current": lambda s: (s / "CURRENT").unlink(),
    "empty-current": lambda s: (s / "CURRENT").write_bytes(b""),
    "store-deleted": lambda s: shutil.rmtree(s),
    "cache-deleted": lambda s: shutil.rmtree(s.parent),
    "checksums-garbled": lambda s: manifest_path(s).write_text("{not json", encoding="utf-8"),
    "checksums-missing": lambda s: manifest_path(s).unlink(),
    "extra-file": lambda s: (s / "000999.sst").write_bytes(b"\0" * 100),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_cache_is_rebuilt_and_query_answers(cached, damage):
    project, expected = cached
    store = the_store(project)
    DAMAGE[damage](store)
    assert not verified(store)
    r = naravard(project.root, *QUERY, preexec_fn=capped)
    assert "Traceback" not in r.stderr
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected
    assert verified(the_store(project))


def test_store_path_stays_put_and_checksums_cover_every_data_file(cached):
    project, _ = cached
    target = store_path(project)
    assert target == project.cache_dir / target.name and target.name.startswith("store-")
    assert store_path(project) == target  # a verified store is reused, not rebuilt
    listed = set(__import__("json").loads(manifest_path(target).read_text()))
    assert {p.name for p in target.glob("*.sst")} <= listed and "CURRENT" in listed


def test_cache_files_are_readable_by_others(cached):
    project, _ = cached
    target = store_path(project)
    assert target.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in target.iterdir())


def test_unwritable_cache_is_a_one_line_error(tmp_path):
    project = copy_project(tmp_path / "proj", regions=["dalarna"])
    if os.geteuid() == 0:
        r = naravard(project.root, *QUERY, wrap=read_only(project.root))
    else:
        os.chmod(project.root, 0o555)
        try:
            r = naravard(project.root, *QUERY)
        finally:
            os.chmod(project.root, 0o755)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert re.match(
        r"Error: cannot write the store cache in .*/\.output\.builds/cache: (Read-only file system|Permission denied)$",
        r.stderr.strip(),
    ), r.stderr
