"""graph/server/snapshot.py: the private store copy survives a rebuild and follows it.

The stores here are copies of the real project's store in a folder of their own (a rebuild
is a newer sibling ``store-*`` folder and the old one deleted, as `graph.store` does it);
tests/test_server_app.py follows a real rebuild end to end.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.server.snapshot import Snapshots, copy_store, newest_store
from graph.store import store_path

from .endpoint import eventually

MARKER = "ASK { nvr:rebuilt-marker ?p ?o }"  # only in the "rebuilt" store


def ask(folder: str, text: str) -> bool:
    from graph.queries import Prepared, execute

    return bool(execute(ox.Store.read_only(folder), Prepared(text, "test", {})))


@pytest.fixture()
def first(project, store, tmp_path) -> Path:
    """A copy of the project's store as `store-first` in a cache folder of its own."""
    target = tmp_path / "cache" / "store-first"
    shutil.copytree(store_path(project), target)
    return target


def rebuilt(cache: Path) -> Path:
    """A newer complete store in `cache`, the first one's triples plus a marker; made aside and
    moved into place, as graph.store builds one."""
    building = cache / ".building-second"
    shutil.copytree(cache / "store-first", building)
    s = ox.Store(str(building))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    s.add(ox.Quad(ox.NamedNode("https://w3id.org/naravard/id/rebuilt-marker"), label, ox.Literal("rebuilt")))
    s.flush()
    del s
    return building.rename(cache / "store-second")


def test_copy_links_immutable_files_and_survives_deleting_the_source(first, tmp_path):
    copy = tmp_path / "copy"
    copy_store(first, copy)
    sst = [p for p in first.iterdir() if p.suffix == ".sst"]
    assert sst and all((copy / p.name).stat().st_ino == p.stat().st_ino for p in sst)
    shutil.rmtree(first)
    assert ask(str(copy), "ASK { ?r a nv:Region }")


def test_snapshots_follow_a_rebuild_that_deletes_the_old_store(first):
    snaps = Snapshots(first, interval=0.1)
    try:
        copy = snaps.current()
        assert not ask(copy, MARKER)
        second = rebuilt(first.parent)  # what a build does: a new store …
        shutil.rmtree(first)  # … and, a build later, the old one deleted (the worst case for a reader)
        assert newest_store(first.parent) == second and not first.exists()
        assert eventually(lambda: snaps.current() != copy)
        assert ask(snaps.current(), MARKER)
        assert ask(copy, "ASK { ?r a nv:Region }")  # the previous copy stays readable for running queries
        assert snaps.generation == 2
    finally:
        snaps.close()
    assert not snaps.folder.exists()


def test_a_newer_store_that_does_not_open_is_skipped(first):
    snaps = Snapshots(first, follow=False)
    try:
        broken = first.parent / "store-broken"
        broken.mkdir()
        (broken / "CURRENT").write_text("MANIFEST-999999\n")
        assert newest_store(first.parent) == broken
        assert snaps.refresh()  # still usable: the previous copy is kept
        assert snaps.copied_from[0] == first and snaps.generation == 1
        assert ask(snaps.current(), "ASK { ?r a nv:Region }")
    finally:
        snaps.close()


def test_newest_store_ignores_unfinished_builds(tmp_path):
    (tmp_path / ".building-x").mkdir()
    (tmp_path / "store-a").mkdir()  # no CURRENT: not complete
    assert newest_store(Path(tmp_path)) is None
