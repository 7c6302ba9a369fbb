"""Results kept between builds by what they were computed from: a rebuild after a small edit reuses
what the edit did not change (the layout of each page's components, the hold-out evaluation of link
prediction) instead of computing it again.

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
from collections.abc import Callable
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
        if key not in self.used:
            self.used[key] = self.old[key] if key in self.old else make()
        return self.used[key]

    def save(self) -> None:
        """Write the entries this run used (atomically; nothing when in memory only)."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.used, separators=(",", ":")))
