"""graph/store.py: the cached store verifies itself and is rebuilt when damaged.

Each case damages the cache of a project copy the way a disk, a crash or another process can,
then runs `naravard query`: it must answer as before, exit 0 and print no traceback. The copy
holds the ontology, the national actors and the sources only (no region, no reference data):
the damage handling is the same code for any data, and each case rebuilds the store.

Damage to a store file's content (a garbled or truncated `.sst`) is what once made a query open
the store and allocate without bound, so those cases run the installed command in its own
process with an address-space cap: a regression fails there instead of eating the machine's
memory. The other cases (files or folders missing, checksums lost, a stray file) are decided by
the same checks before anything is opened; they run the command in process (CliRunner).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.network import network
from graph.store import build_store, manifest_path, open_store, save_store, store_path, verified

from .conftest import copy_project, naravard, read_only

QUERY = ("query", "count-by-class", "--format", "csv")
MEMORY_CAP = 3 * 1024**3  # the query needs a few hundred MB; a garbled .sst once took 23.9 GB


def capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def in_process(project):
    """`naravard query …` on `project`, run by CliRunner in this process."""
    return CliRunner().invoke(cli, [*QUERY, "--root", str(project.root)])


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """A small copy (see above), its store cache built, and the answer to QUERY."""
    project = copy_project(tmp_path_factory.mktemp("cache") / "proj", regions=[])
    for f in (project.data_dir / "reference").glob("*.ttl"):
        f.unlink()
    r = in_process(project)
    assert r.exit_code == 0 and r.stdout.count("\n") > 3, r.output
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


#: Damage to what a store file holds: run by the installed command under a memory cap.
CONTENT_DAMAGE = {
    "garbled-sst": garble,
    "truncated-sst": truncate,
}
#: Damage to the cache's files and folders: run in process.
LAYOUT_DAMAGE = {
    "missing-sst": lambda s: largest_sst(s).unlink(),
    "missing-rocksdb-manifest": lambda s: next(s.glob("MANIFEST-*")).unlink(),
    "missing-current": lambda s: (s / "CURRENT").unlink(),
    "empty-current": lambda s: (s / "CURRENT").write_bytes(b""),
    "store-deleted": lambda s: shutil.rmtree(s),
    "cache-deleted": lambda s: shutil.rmtree(s.parent),
    "checksums-garbled": lambda s: manifest_path(s).write_text("{not a checksum", encoding="utf-8"),
    "checksums-old-json": lambda s: manifest_path(s).write_text(json.dumps({"CURRENT": "0" * 64}), encoding="utf-8"),
    "checksums-missing": lambda s: manifest_path(s).unlink(),
    "extra-file": lambda s: (s / "000999.sst").write_bytes(b"\0" * 100),
}


@pytest.mark.parametrize("damage", list(CONTENT_DAMAGE))
def test_damaged_store_file_is_rebuilt_and_the_command_answers(cached, damage):
    project, expected = cached
    store = the_store(project)
    CONTENT_DAMAGE[damage](store)
    assert not verified(store)
    r = naravard(project.root, *QUERY, preexec_fn=capped)
    assert "Traceback" not in r.stderr
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected
    assert verified(the_store(project))


@pytest.mark.parametrize("damage", list(LAYOUT_DAMAGE))
def test_damaged_cache_is_rebuilt_and_query_answers(cached, damage):
    project, expected = cached
    store = the_store(project)
    LAYOUT_DAMAGE[damage](store)
    assert not verified(store)
    r = in_process(project)
    assert r.exception is None and r.exit_code == 0, r.output
    assert r.stdout == expected and not r.stderr
    assert verified(the_store(project))


def test_store_path_stays_put_and_checksums_cover_every_data_file(cached):
    project, _ = cached
    target = store_path(project)
    assert target == project.cache_dir / target.name and target.name.startswith("store-")
    assert store_path(project) == target  # a verified store is reused, not rebuilt
    lines = manifest_path(target).read_text().splitlines()
    listed = {line.split("  ", 1)[1] for line in lines}
    assert {p.name for p in target.glob("*.sst")} <= listed and "CURRENT" in listed
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in lines)  # as `sha256sum -c` reads them


def test_cache_files_are_readable_by_others(cached):
    project, _ = cached
    target = store_path(project)
    assert target.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in target.iterdir())


def test_unwritable_cache_is_a_one_line_error(tmp_path):
    project = copy_project(tmp_path / "proj", regions=[])
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
        r"Error: cannot write the store cache in .*/\.output\.builds/cache: "
        r"(Read-only file system|Permission denied)$",
        r.stderr.strip(),
    ), r.stderr


def test_a_build_store_is_in_memory_and_saved_to_the_cache_by_its_caller(tmp_path):
    """`build_store` makes the store in memory and names the cache folder to save it to (`save_store`,
    which a build runs beside its pages); once saved, the cache holds the same quads, `naravard query`
    opens it, and the next build copies it into memory instead of making it again."""
    project = copy_project(tmp_path / "proj", regions=["dalarna"])

    def quads(store) -> set:
        return {str(q) for q in store}

    made, target, g = build_store(project)
    assert target is not None and not verified(target) and len(made) > 1000
    # the network read while making it is the one the made store gives, figures included, in the same order
    again = network(made, project)
    assert list(g.nodes(data=True)) == list(again.nodes(data=True))
    assert list(g.edges(keys=True, data=True)) == list(again.edges(keys=True, data=True))
    assert sum("betweenness" in d for _, d in g.nodes(data=True)) > 100
    save_store(made, target)
    assert verified(target) and quads(open_store(project)) == quads(made)
    save_store(made, target)  # saved meanwhile (by another build): left as it is
    assert verified(target) and the_store(project) == target
    copied, unsaved, none = build_store(project)
    assert unsaved is None and none is None and quads(copied) == quads(made)
    assert in_process(project).exit_code == 0
