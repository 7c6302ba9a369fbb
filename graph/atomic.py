"""Write files and whole folders so that a reader never sees half of one.

`write_atomic` writes one file (temporary file + rename; `atomic_file` streams one). `new_version` builds a
whole output folder: `output/` is a symlink to a complete build in a sibling folder
(`.output.builds/build-…`), and a finished build is switched in by replacing the
symlink with `os.replace`, so a reader (a browser, a web server, `naravard serve`)
sees the old build or the new one, never a mix. A build that fails or is killed
leaves the old build in place; the next build removes its leftovers.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "output"
>>> with new_version(out) as tmp:
...     write_atomic(tmp / "a.txt", "hej")
>>> out.is_symlink(), (out / "a.txt").read_text(), oct((out / "a.txt").stat().st_mode & 0o777)
(True, 'hej', '0o644')
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import NaravardError

FILE_MODE = 0o644  # generated files are for web servers and other users to read
DIR_MODE = 0o755
KEEP_BUILDS = 2  # the current build and the one before it (a reader may still be in it)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename (mode 0644).

    A folder that cannot be written is a NaravardError naming the path.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> write_atomic(p, "hej"); p.read_text()
    'hej'
    """
    with atomic_file(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def atomic_file(path: Path, buffering: int = -1) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: a temporary file in the same folder, renamed to
    `path` (mode 0644) when the block ends without error and removed when it does not. For
    output too large to hold in memory (`write_atomic` is the short form).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.nt"
    >>> with atomic_file(p) as fh:
    ...     _ = fh.write(b"<a> <b> <c> .")
    >>> p.read_bytes()
    b'<a> <b> <c> .'
    """
    import tempfile

    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            yield fh
        os.chmod(tmp, FILE_MODE)  # mkstemp makes 0600 whatever the umask
        os.replace(tmp, path)
    except OSError as err:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        blocker = next((p for p in path.parents if p.exists()), None)
        reason = (
            f"{blocker} is not a folder" if blocker is not None and not blocker.is_dir() else (err.strerror or str(err))
        )
        raise NaravardError(f"cannot write {path}: {reason}") from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def builds_dir(out: Path) -> Path:
    """The folder holding the builds that `out` (a symlink) points into: `.output.builds/`."""
    out = Path(out)
    return out.parent / f".{out.name}.builds"


@contextmanager
def locked(folder: Path, name: str = ".lock") -> Iterator[None]:
    """Hold an exclusive lock on `folder/name` (one build or cache repair at a time)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _looks_like_output(folder: Path) -> bool:
    """Whether a real folder at the output path is an older naravard output (safe to move aside)."""
    names = {p.name for p in folder.iterdir()}
    return not names or bool(names & {"graph.ttl", "index.html", ".cache", "gaps.html", "assets"})


def _fix_modes(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        os.chmod(dirpath, DIR_MODE)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chmod(p, FILE_MODE)


def _refuse_foreign(out: Path) -> None:
    """Refuse a real folder at `out` that is not an older naravard output (someone's own files)."""
    if out.exists() and not out.is_symlink() and not (out.is_dir() and _looks_like_output(out)):
        raise NaravardError(f"{out} exists and is not a naravard build output; move it away or set NARAVARD_OUTPUT")


def check_output(out: Path) -> None:
    """Raise the NaravardError `new_version(out)` would raise for a foreign folder at `out` or a builds
    folder that cannot be written, without writing anything: a build says so before its work, not after.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> check_output(root / "output")
    >>> _ = (root / "a-file").write_text("mine")
    >>> check_output(root / "a-file" / "output")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    graph.errors.NaravardError: cannot write the build output .../a-file: Not a directory
    """
    import tempfile

    out = Path(out)
    _refuse_foreign(out)
    builds = builds_dir(out)
    folder = next(p for p in (builds, *builds.parents) if p.exists())  # the one the build would write in
    try:
        tempfile.TemporaryFile(dir=folder).close()  # an unnamed file: nothing is left behind
    except OSError as err:
        raise NaravardError(f"cannot write the build output {folder}: {err.strerror or err}") from None


@contextmanager
def new_version(out: Path, link_cache: Path | None = None) -> Iterator[Path]:
    """Yield an empty folder to build into; when the block ends without error, make `out` show it.

    `link_cache` (the store cache) gets a `.cache` symlink in the new build so that
    `output/.cache` keeps working. On error the new folder is removed and `out` is untouched.
    """
    import shutil  # here and in the other writers: the query path (cache_dir) stays without it
    import tempfile

    out = Path(out)
    builds = builds_dir(out)
    _refuse_foreign(out)
    try:
        builds.mkdir(parents=True, exist_ok=True)
        with locked(builds):
            _clean(builds, out)
            # Names sort by start time, so the newest finished builds are the last names.
            tmp = Path(tempfile.mkdtemp(dir=builds, prefix=f".partial-{time.time_ns():020d}-"))
            try:
                yield tmp
                if link_cache is not None:
                    os.symlink(os.path.relpath(link_cache, tmp), tmp / ".cache")
                _fix_modes(tmp)
                final = builds / ("build-" + tmp.name.removeprefix(".partial-"))
                os.rename(tmp, final)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            _switch(out, final)
            _clean(builds, out)
    except OSError as err:
        where = getattr(err, "filename", None) or out
        raise NaravardError(f"cannot write the build output {where}: {err.strerror or err}") from None


def _switch(out: Path, final: Path) -> None:
    """Point the symlink `out` at `final` in one rename (an older real folder is moved aside once)."""
    if out.exists() and not out.is_symlink():  # an older real output folder (checked by new_version)
        os.rename(out, out.parent / f".{out.name}.builds" / f"old-{final.name}")
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, out.parent), link)
    os.replace(link, out)


def current_version(out: Path) -> Path | None:
    """The build `out` shows now, or None."""
    out = Path(out)
    return out.resolve() if out.is_symlink() and out.exists() else None


def _clean(builds: Path, out: Path) -> None:
    """Remove unfinished builds (a killed build's leftovers) and all but the newest finished ones.

    Called with the builds lock held, so no other build is writing.
    """
    import shutil

    current = current_version(out)
    finished = sorted((p for p in builds.glob("build-*") if p.is_dir()), reverse=True)
    keep = {p for p in finished[:KEEP_BUILDS]} | ({current} if current else set())
    for p in [*builds.glob(".partial-*"), *builds.glob("old-*"), *finished]:
        if p not in keep:
            shutil.rmtree(p, ignore_errors=True)
    for link in out.parent.glob(f".{out.name}.link-*"):
        try:
            link.unlink()
        except OSError as err:
            if err.errno != errno.ENOENT:
                raise
