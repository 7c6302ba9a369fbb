"""graph/server/snapshot.py: the private store copy survives a rebuild and follows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from graph.project import REPO_ROOT
from graph.server.snapshot import Snapshots, copy_store, newest_store
from graph.store import store_path

from .endpoint import eventually

DALARNA = "ASK { nvr:dalarna--valfardsradet ?p ?o }"


def ask(folder: str, text: str) -> bool:
    from graph.queries import Prepared, execute

    return bool(execute(ox.Store.read_only(folder), Prepared(text, "test", {})))


def test_copy_links_immutable_files_and_survives_deleting_the_source(fixture_project, tmp_path):
    source = store_path(fixture_project)
    copy = tmp_path / "copy"
    copy_store(source, copy)
    sst = [p for p in source.iterdir() if p.suffix == ".sst"]
    assert sst and all((copy / p.name).stat().st_ino == p.stat().st_ino for p in sst)
    shutil.rmtree(source)
    assert ask(str(copy), "ASK { ?r a nv:Region }")


def test_snapshots_follow_a_rebuild_that_deletes_the_old_store(fixture_project):
    first = store_path(fixture_project)
    snaps = Snapshots(first, interval=0.1)
    try:
        copy = snaps.current()
        assert not ask(copy, DALARNA)
        shutil.copy(
            REPO_ROOT / "data" / "regions" / "dalarna.ttl", fixture_project.data_dir / "regions" / "dalarna.ttl"
        )
        second = store_path(fixture_project)  # what `naravard build` does: a new store …
        shutil.rmtree(first)  # … and, a build later, the old one deleted (the worst case for a reader)
        assert second != first and not first.exists()
        assert eventually(lambda: snaps.current() != copy)
        assert ask(snaps.current(), DALARNA)
        assert ask(copy, "ASK { ?r a nv:Region }")  # the previous copy stays readable for running queries
        assert snaps.generation == 2
    finally:
        snaps.close()
    assert not snaps.folder.exists()


def test_a_newer_store_that_does_not_open_is_skipped(fixture_project):
    first = store_path(fixture_project)
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
        shutil.rmtree(first.parent / "store-broken", ignore_errors=True)


def test_newest_store_ignores_unfinished_builds(tmp_path):
    (tmp_path / ".building-x").mkdir()
    (tmp_path / "store-a").mkdir()  # no CURRENT: not complete
    assert newest_store(Path(tmp_path)) is None
