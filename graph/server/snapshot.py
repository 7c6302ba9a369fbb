"""The store the workers read: a private copy that follows rebuilds.

`naravard build` (or any command after an edit) writes a new ``store-<key>`` folder
in the cache and deletes the old one. A worker that opened the old folder could
not reopen it after being replaced, and the server would answer from the old data
for ever. So the server never reads the cache folder itself: it copies the newest
complete store into a private folder (hard links for RocksDB's immutable ``.sst``
files, so the copy is cheap and survives the deletion) and checks about once a
second for a newer store; when one appears it copies that, checks it opens, and
the workers reopen it at their next query. A copy that fails or does not open is
skipped and the previous one kept.

>>> from graph.project import Project
>>> from graph.store import store_path
>>> snaps = Snapshots(store_path(Project.default()), follow=False)
>>> snaps.current().startswith(str(snaps.folder))
True
>>> snaps.close()
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

IMMUTABLE = (".sst", ".blob")  # RocksDB never rewrites these in place: safe to hard-link


def remove_orphans() -> None:
    """Delete copies left by servers that were killed (their process id is in the name)."""
    for folder in Path(tempfile.gettempdir()).glob("naravard-serve-*-*"):
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def newest_store(folder: Path, pattern: str = "store-*") -> Path | None:
    """The most recently completed store in `folder` (a store is complete once it has CURRENT)."""
    complete = [p for p in folder.glob(pattern) if (p / "CURRENT").is_file()]
    return max(complete, key=lambda p: p.stat().st_mtime_ns, default=None)


def copy_store(source: Path, target: Path) -> None:
    """Copy a store folder, hard-linking immutable files where the file system allows."""
    target.mkdir(parents=True)
    for item in source.iterdir():
        if item.is_dir():
            shutil.copytree(item, target / item.name)
            continue
        if item.suffix in IMMUTABLE:
            try:
                os.link(item, target / item.name)
                continue
            except OSError:
                pass
        shutil.copy2(item, target / item.name)


def opens(folder: Path) -> bool:
    """Whether `folder` opens as a read-only store and answers a query."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(str(folder))
        bool(store.query("ASK { ?s ?p ?o }"))
        return True
    except (OSError, SyntaxError, RuntimeError):
        return False


class Snapshots:
    """Private copies of the store at `source`; with `follow`, of the newest sibling ``store-*``."""

    def __init__(self, source: Path, follow: bool = True, interval: float = 1.0):
        self.source, self.follow, self.interval = Path(source), follow, interval
        remove_orphans()
        self.folder = Path(tempfile.mkdtemp(prefix=f"naravard-serve-{os.getpid()}-"))
        self.generation, self.copied_from, self.path = 0, None, None
        self.skipped: tuple | None = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        if not self.refresh(self.source):
            self.close()
            from ..errors import NaravardError

            raise NaravardError(f"{self.source}: not a store that opens")
        if follow:
            threading.Thread(target=self._watch, name="store-watch", daemon=True).start()

    def current(self) -> str:
        """The folder the next query should read."""
        return str(self.path)

    def refresh(self, source: Path | None = None) -> bool:
        """Copy `source` (default: the newest store) if it is new; whether the current copy is usable."""
        with self.lock:
            source = source or newest_store(self.source.parent) or self.source
            try:
                stamp = (source, source.stat().st_mtime_ns)
            except OSError:
                return self.path is not None
            if stamp == self.copied_from or stamp == self.skipped:
                return True
            target = self.folder / f"g{self.generation + 1}"
            try:
                copy_store(source, target)
                ok = opens(target)
            except OSError:
                ok = False
            if not ok:
                shutil.rmtree(target, ignore_errors=True)
                self.skipped = stamp
                print(
                    f"naravard serve: {source} does not open; still serving the previous copy",
                    file=sys.stderr,
                    flush=True,
                )
                return self.path is not None
            previous = self.path
            self.path, self.copied_from, self.generation = target, stamp, self.generation + 1
            # Keep the previous copy: a query may still be reading it. Older ones go.
            for old in self.folder.iterdir():
                if old not in (target, previous):
                    shutil.rmtree(old, ignore_errors=True)
            return True

    def _watch(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.refresh()
            except Exception as err:  # noqa: BLE001 - keep serving the current copy
                print(f"naravard serve: cannot follow the store: {err}", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Stop following and delete the copies."""
        self.stopped.set()
        shutil.rmtree(self.folder, ignore_errors=True)
