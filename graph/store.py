"""An Oxigraph store of the project's graph, cached on disk and kept correct.

The cache is keyed by a fingerprint of every input file's content, so any change to
the ontology or data makes a new store; `naravard query` then opens the store in
milliseconds instead of parsing the Turtle again.

>>> from graph.project import Project
>>> s = open_store(Project.default())
>>> len(s) > 1000
True
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .derive import derive, rule_files
from .load import reading
from .project import Project


def fingerprint(files: list[Path]) -> str:
    """A hash of the names and contents of `files`."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:20]


def load_files(store: ox.Store, files: list[Path], project: Project | None = None) -> None:
    """Bulk-load Turtle `files` into the default graph of `store`."""
    for path in files:
        with reading(path, project):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)


def open_store(project: Project, files: list[Path] | None = None) -> ox.Store:
    """A read-only store of `files` (default: the project's inputs), built once per content."""
    return ox.Store.read_only(str(store_path(project, files)))


def store_path(project: Project, files: list[Path] | None = None) -> Path:
    """The folder of the on-disk store of `files`, built first if the content is new.

    Several processes may open it read-only at once (the endpoint's workers do).
    """
    files = files if files is not None else project.input_files()
    missing = [f for f in files if not f.exists()]
    if missing:
        from .errors import NaravardError

        raise NaravardError(f"{project.relative(missing[0])}: file not found")
    key = fingerprint([*files, *rule_files(project)])  # derivation rules change the store too
    cache = project.cache_dir
    target = cache / f"store-{key}"
    if not (target / "CURRENT").exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=cache, prefix=".building-"))
        try:
            store = ox.Store(str(tmp))
            load_files(store, files, project)
            derive(store, project)  # queries/derive/*.rq, see graph/derive.py
            store.flush()
            store.optimize()
            del store
            try:
                os.replace(tmp, target)
            except OSError:  # another process won the race: use its store
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for old in cache.glob("store-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)
    return target


def memory_store(files: list[Path], project: Project | None = None) -> ox.Store:
    """An in-memory store of `files` (no cache), for fixtures and benchmarks."""
    store = ox.Store()
    load_files(store, files, project)
    derive(store, project)
    return store
