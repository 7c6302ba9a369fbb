"""An Oxigraph store of the project's graph, cached on disk and kept correct.

The cache is keyed by a fingerprint of every input file's content, so any change to
the ontology or data makes a new store; `naravard query` then opens the store in
milliseconds instead of parsing the Turtle again.

The cache repairs itself: next to each store, `store-KEY.sha256` lists a SHA-256 of
every store file (one `HASH  NAME` line each, as `sha256sum` writes and checks them), written
once the store is complete. The store is opened only if
every file is there and matches; otherwise (a garbled or truncated file, a missing
file, a store deleted by another process) it is rebuilt from the Turtle. Opening a
damaged RocksDB store is what must never happen: a garbled `.sst` can make a query
allocate without bound. Checking 4.4 MB of store files costs about 5 ms.

>>> from graph.project import Project
>>> s = open_store(Project.default())
>>> len(s) > 1000
True
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from .atomic import DIR_MODE, FILE_MODE, locked, write_atomic
from .derive import derive, rule_files
from .errors import NaravardError
from .memo import Memo
from .metrics import inputs as metric_inputs
from .parse import reading
from .project import Project

if TYPE_CHECKING:  # networkx is imported where a network is made: opening a store stays light
    import networkx as nx

#: Files RocksDB may rewrite while a store is open read-only (its log, its lock): not checksummed.
_UNCHECKED = ("LOG", "LOCK")
#: The layout of a cached store and its checksums file, part of the cache key: a version of naravard that
#: writes another layout (JSON checksums before 2) uses its own store beside this one, and neither takes
#: the other's for damaged and rebuilds it on every run.
STORE_FORMAT = "store 2: sha256sum lines"


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
    """Bulk-load Turtle `files` into the default graph of `store`, with stable blank-node ids."""
    for i, path in enumerate(files):
        with reading(path, project):
            store.bulk_extend(stable_blank_nodes(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), f"f{i}n"))


def stable_blank_nodes(quads, prefix: str):
    """`quads` with each blank node renamed `{prefix}{k}` in order of first appearance.

    The parser names blank nodes at random; they decide the order in which Oxigraph
    stores and returns triples, so random ids made every build differ.

    >>> q = ox.parse(input=b"<http://x/a> <http://x/p> [] .", format=ox.RdfFormat.TURTLE)
    >>> [str(x.object) for x in stable_blank_nodes(q, "f0n")]
    ['_:f0n0']
    """
    names: dict[str, ox.BlankNode] = {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            b = names.get(term.value)
            if b is None:
                b = names[term.value] = ox.BlankNode(f"{prefix}{len(names)}")
            return b
        return term

    for q in quads:
        s, o = q.subject, q.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            q = ox.Quad(fix(s), q.predicate, fix(o), q.graph_name)
        yield q


def open_store(project: Project, files: list[Path] | None = None) -> ox.Store:
    """A read-only store of `files` (default: the project's inputs), built once per content.

    A store that is verified and then vanishes before it opens (deleted by another
    process) is rebuilt once.
    """
    for attempt in (1, 2):
        path = store_path(project, files)
        try:
            return ox.Store.read_only(str(path))
        except OSError as err:
            if attempt == 2:
                raise NaravardError(f"cannot open the store cache {path}: {err}") from None
    raise AssertionError("unreachable")


class Built(NamedTuple):
    """What `build_store` gives: the store in memory, the cache folder it is still to be saved to
    (`save_store`; None when the cache holds it already), and its network (`graph.network.network`, with the
    figures) when the store was made here, read while making it (None when the store is a copy of the cache)."""

    store: ox.Store
    unsaved: Path | None
    network: nx.MultiDiGraph | None


def build_store(project: Project) -> Built:
    """The project's store in memory, for a build (Oxigraph's in-memory store answers the build's queries
    3 to 4 times faster than the cached one on disk, bench/RESULTS.md): a copy of the cached store, or made
    now (with its network) and still to be saved (`Built`). Saving is left to the caller (a build saves it
    once validation has passed)."""
    files = project.input_files()
    target = _target(project, files)
    if verified(target):
        made = ox.Store()
        made.bulk_extend(ox.Store.read_only(str(target)))
        return Built(made, None, None)
    try:
        project.cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise NaravardError(f"cannot write the store cache in {project.cache_dir}: {err.strerror or err}") from None
    store, network = _made(project, files)
    return Built(store, target, network)


def save_store(store: ox.Store, target: Path) -> None:
    """Save the in-memory `store` as the cached store `target` (as `build_store` names it), unless another
    process has saved it meanwhile; older stores are removed as `store_path` removes them."""
    cache = target.parent
    try:
        with locked(cache):
            if not verified(target):
                _write(store, target)
            _remove_old(cache, target)
    except OSError as err:
        raise NaravardError(f"cannot write the store cache in {cache}: {err.strerror or err}") from None


def manifest_path(target: Path) -> Path:
    """`store-KEY.sha256` beside the store folder `store-KEY`."""
    return target.with_name(target.name + ".sha256")


def checksums(target: Path) -> dict[str, str]:
    """SHA-256 of every file RocksDB keeps stable in the store folder `target`."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(target.iterdir())
        if p.is_file() and not p.name.startswith(_UNCHECKED)
    }


def manifest_text(sums: dict[str, str]) -> str:
    """The checksums file's text: `HASH  NAME` lines in name order (`sha256sum -c` reads them).

    >>> print(manifest_text({"CURRENT": "ab", "000009.sst": "cd"}), end="")
    cd  000009.sst
    ab  CURRENT
    """
    return "".join(f"{sums[name]}  {name}\n" for name in sorted(sums))


def verified(target: Path) -> bool:
    """Whether the store at `target` is complete and unchanged since it was built: its checksums
    file holds exactly the text its files give now (compared as text: no parser on the query path)."""
    try:
        expected = manifest_path(target).read_text(encoding="utf-8")
        return bool(expected) and manifest_text(checksums(target)) == expected
    except (OSError, ValueError):
        return False


def store_path(project: Project, files: list[Path] | None = None) -> Path:
    """The folder of the on-disk store of `files`, verified, and built (or rebuilt) first if needed.

    Several processes may open it read-only at once (the endpoint's workers do). The
    path is `project.cache_dir / f"store-{KEY}"`, KEY a hash of `STORE_FORMAT` and of the inputs' `fingerprint`.
    """
    files = files if files is not None else project.input_files()
    target = _target(project, files)
    cache = target.parent
    if verified(target):
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with locked(cache):
            if not verified(target):  # another process may have repaired it while we waited
                _write(_made(project, files)[0], target)
            _remove_old(cache, target)
    except OSError as err:
        raise NaravardError(f"cannot write the store cache in {cache}: {err.strerror or err}") from None
    return target


def _target(project: Project, files: list[Path]) -> Path:
    """The cache folder of the store of `files` (an error if one is missing)."""
    missing = [f for f in files if not f.exists()]
    if missing:
        raise NaravardError(f"{project.relative(missing[0])}: file not found")
    key = fingerprint([*files, *rule_files(project), *metric_inputs(project)])  # rules and figures change it too
    key = hashlib.sha256(f"{STORE_FORMAT} {key}".encode()).hexdigest()[:20]
    return project.cache_dir / f"store-{key}"


def _made(project: Project, files: list[Path]) -> tuple[ox.Store, nx.MultiDiGraph]:
    """`made_store` of `files`, the network figures taken from the memo `memo-store.json` in the cache
    folder when the network has the same nodes and links as the last store made (`figures`).

    The graph is made in memory (load, derivation rules: many small writes and queries) and then written
    to disk in one bulk load (`_write`): the same quads, in a quarter of the time a store built on disk
    step by step takes."""
    memo = Memo(project.cache_dir / "memo-store.json")  # the figures of the last store made, by its network
    made = made_store(files, project, memo)
    memo.save()
    return made


def _write(made: ox.Store, target: Path) -> None:
    """Write the in-memory store `made` to a temporary folder beside `target`, record its checksums, then
    move it into place (a damaged store at `target` is moved aside first)."""
    import shutil  # here, as in _remove_old: opening a store (the query path) does not need them
    import tempfile

    cache = target.parent
    tmp = Path(tempfile.mkdtemp(dir=cache, prefix=".building-"))
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(made)
        store.flush()
        store.optimize()
        del store
        # Opening it once more lets RocksDB drop the bulk load's write-ahead log (7 MB of 15 on the real
        # graph), which every read-only open would otherwise replay and every check (`verified`) hash.
        ox.Store(str(tmp)).flush()  # opened, flushed and closed at once (nothing else holds it)
        os.chmod(tmp, DIR_MODE)  # mkdtemp makes 0700: the server may run as another user
        for p in tmp.iterdir():
            os.chmod(p, FILE_MODE)
        sums = checksums(tmp)
        manifest_path(target).unlink(missing_ok=True)
        if target.exists():  # damaged: move it aside (a reader may still hold it open), then drop it
            aside = Path(tempfile.mkdtemp(dir=cache, prefix=".damaged-"))
            os.rename(target, aside / target.name)
            shutil.rmtree(aside, ignore_errors=True)
        os.rename(tmp, target)
        write_atomic(manifest_path(target), manifest_text(sums))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_old(cache: Path, target: Path, keep: int = 1) -> None:
    """Drop stores of older content, keeping the `keep` most recent besides `target`.

    The previous store is kept so that a server still reading it is not cut off while
    it moves to the new one. Leftovers of killed builds (`.building-*`) go too: we hold the lock.
    """
    import shutil

    older = sorted(
        (p for p in cache.glob("store-*") if p.is_dir() and p != target), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in older[keep:]:
        manifest_path(old).unlink(missing_ok=True)
        shutil.rmtree(old, ignore_errors=True)
    for stray in [*cache.glob(".building-*"), *cache.glob(".damaged-*")]:
        shutil.rmtree(stray, ignore_errors=True)
    for orphan in cache.glob("store-*.sha256"):
        if not orphan.with_suffix("").exists():
            orphan.unlink(missing_ok=True)


def memory_store(files: list[Path], project: Project | None = None, memo: Memo | None = None) -> ox.Store:
    """An in-memory store of `files` (no cache) with the derived triples and the network figures:
    what a cached store holds (`_write` writes this to disk), for fixtures and benchmarks too.
    The figures are taken from `memo` when it holds those of the same network (`figures`)."""
    return made_store(files, project, memo)[0]


def made_store(
    files: list[Path], project: Project | None = None, memo: Memo | None = None
) -> tuple[ox.Store, nx.MultiDiGraph]:
    """`memory_store` of `files` and its network with the figures (`add_figures`), read once while making it."""
    store = ox.Store()
    load_files(store, files, project)
    derive(store, project)  # queries/derive/*.rq, see graph/derive.py
    return store, add_figures(store, project, memo if memo is not None else Memo())


def add_figures(store: ox.Store, project: Project | None, memo: Memo) -> nx.MultiDiGraph:
    """Add the figures (`graph.metrics.compute`) of every node of the store's network to the store (default
    graph and `METRICS_GRAPH`), taken from `memo` when it holds those of a network with the same nodes and
    links (`figures`: a label edit changes none of them); returns the store's network with them, as
    `graph.network.network` now reads it (without reading it again). Once per store build."""
    from .metrics import PROPERTIES, quads
    from .network import network

    g = network(store, project)
    found = figures(g, memo)
    store.extend(quads(found))  # degree, betweenness, community: graph/metrics.py
    for n, f in found.items():  # as `network` reads them back: after the node's other attributes
        if n in g:
            g.nodes[n].update(zip(PROPERTIES, f, strict=True))
    return g


def figures(g, memo: Memo) -> dict:
    """`graph.metrics.compute` of the actor projection of the network `g` (node → Figures), from `memo`
    when it holds them for the same nodes and links: the figures read nothing else (no label, no quote)."""
    from .metrics import EXACT_LIMIT, Figures, compute
    from .network import actor_projection

    u = actor_projection(g)
    nodes = sorted(map(str, u.nodes))
    links = sorted(tuple(sorted((str(a), str(b)))) for a, b in u.edges if a != b)
    key = memo.key("metrics.compute", EXACT_LIMIT, tuple(nodes), tuple(links))
    made = memo.get(key, lambda: {n: list(f) for n, f in compute(u).items()})
    return {n: Figures(*f) for n, f in made.items()}
