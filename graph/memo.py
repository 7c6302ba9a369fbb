"""Results kept between builds by what they were computed from: a rebuild after a small edit reuses
what the edit did not change (the layout of each page's components, the hold-out evaluation of link
prediction) instead of computing it again.

A page a build would write with the bytes the previous build wrote is linked from that build
(`Previous`): it keeps its bytes and its modification time.

A `Memo` is a JSON file in the store cache's folder (`Project.cache_dir`), its keys digests of a
result's inputs together with the code that computes it (this package's source and the versions of
networkx and numpy), so a changed input or a new version of the code never meets an old result. Only
the entries a run used are written back, so the file holds one build's worth. A missing or damaged
file is an empty memo: the results are computed again.

>>> memo = Memo()  # in memory only
>>> key = memo.key("square", 3)
>>> key in memo, memo.get(key, lambda: 3 * 3), key in memo
(False, 9, True)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from .atomic import write_atomic


@cache
def code_version() -> str:
    """A digest of this package's Python source and of the numeric libraries' versions."""
    import networkx
    import numpy

    h = hashlib.sha256(f"networkx {networkx.__version__} numpy {numpy.__version__}".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


class Memo:
    """Results by key (`key`), read from and written back to `path` (None: kept in memory only)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.old: dict = {}
        self.used: dict = {}
        self.touched: set[str] | None = None  # while recording (`recording`): the keys `get` was asked for
        if path is not None:
            try:
                self.old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.old = {}  # none yet, or damaged: computed again
            if not isinstance(self.old, dict):
                self.old = {}

    @staticmethod
    def key(*parts) -> str:
        """The digest of `parts` (their repr: strings, numbers and tuples of them) and the code."""
        return hashlib.sha256(repr((code_version(), parts)).encode()).hexdigest()[:32]

    def __contains__(self, key: str) -> bool:
        return key in self.used or key in self.old

    def get(self, key: str, make: Callable[[], object]):
        """The result under `key`, made by `make()` (a value JSON keeps as it is) if the memo has none."""
        if self.touched is not None:
            self.touched.add(key)
        if key not in self.used:
            self.used[key] = self.old[key] if key in self.old else make()
        return self.used[key]

    def recording(self, make: Callable[[], object]) -> tuple[object, list[str]]:
        """`make()` and the keys it asked this memo for (`get`), sorted: what a result made from other
        results of the memo needs kept (`keep`) when it is reused without being made again."""
        outer, self.touched = self.touched, set()
        try:
            made = make()
            keys = self.touched
        finally:
            self.touched = outer if outer is None else outer | self.touched
        return made, sorted(keys)

    def put(self, key: str, value) -> None:
        """Keep `value` (JSON) under `key` for this run and the next."""
        self.used[key] = value

    def keep(self, keys: Iterable[str]) -> None:
        """Carry the entries `keys` of the last run over into this one (those it has)."""
        for key in keys:
            if key not in self.used and key in self.old:
                self.used[key] = self.old[key]

    def save(self) -> None:
        """Write the entries this run used (atomically; nothing when in memory only)."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.used, separators=(",", ":")))


def digest(data: bytes) -> str:
    """The SHA-256 of `data` (hex)."""
    return hashlib.sha256(data).hexdigest()


class Previous:
    """The build folder output/ showed when this build started (None: no build yet), whose files this build
    reuses: a file written with the bytes that build has at the same place is a hard link to that build's
    file (a copy keeping its time where a link cannot be made), so an unchanged page keeps its bytes and
    its modification time. Builds never change a written file (graph.atomic replaces files), so sharing one
    between two build folders is safe.

    >>> import tempfile, pathlib
    >>> old, new = (pathlib.Path(tempfile.mkdtemp()) for _ in range(2))
    >>> _ = (old / "a.html").write_text("hej")
    >>> prev = Previous(old)
    >>> prev.write(new, "a.html", "hej"), prev.write(new, "b.html", "ny")
    (True, False)
    >>> (new / "a.html").stat().st_ino == (old / "a.html").stat().st_ino, (new / "b.html").read_text()
    (True, 'ny')
    """

    def __init__(self, folder: Path | None):
        self.folder = folder

    def digest(self, rel: str) -> str | None:
        """The SHA-256 of the previous build's file `rel`, or None when it has none."""
        if self.folder is None:
            return None
        try:
            return digest((self.folder / rel).read_bytes())
        except OSError:
            return None

    def reuse(self, out: Path, rel: str, sha: str | None) -> bool:
        """Link the previous build's `rel` into `out` if its SHA-256 is `sha`; whether it did."""
        if sha is None or self.digest(rel) != sha:
            return False
        assert self.folder is not None
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(self.folder / rel, target)
        except OSError:  # another file system, or links not allowed: a copy with the same time
            shutil.copy2(self.folder / rel, target)
        return True

    def write(self, out: Path, rel: str, data: str | bytes) -> bool:
        """Write `data` to `out`/`rel`, or link the previous build's file when it holds the same bytes;
        whether it was linked."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.reuse(out, rel, digest(raw)):
            return True
        write_atomic(out / rel, raw)
        return False
