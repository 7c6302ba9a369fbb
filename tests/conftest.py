"""Shared fixtures: the real project, its store, and fixture projects to break."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from graph.project import REPO_ROOT, Project


def pytest_configure(config):
    """The suite does not follow the developer's NARAVARD_OUTPUT or NARAVARD_ROOT (set for builds by
    hand): the real project's cache is its own output/, a copy's is the copy's, as under `make test`;
    every build of the session has the same build date."""
    for name in ("NARAVARD_OUTPUT", "NARAVARD_ROOT"):
        os.environ.pop(name, None)
    # one build date for every build of the session (pages' footers), so builds compared byte by byte
    # match even across midnight
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764806400")
    keep_bytecode()


def keep_bytecode() -> None:
    """Compiled modules are kept even where PYTHONDONTWRITEBYTECODE is set (some shells and container
    images set it): in __pycache__ folders, which .gitignore leaves out. The suite starts dozens of
    Python processes on the project's code (the command, server workers, the README's examples) and
    each xdist worker imports every module and test module: without the cache each compiles them all
    again and pytest rewrites every test module's asserts again (collection took 3.6 s of CPU per
    worker with the variable set, 2.1 s without)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the processes the suite starts, xdist workers too
    sys.dont_write_bytecode = False  # for this process's imports from here on


#: The slowest modules, slowest first (seconds each on a 2-core machine, measured with
#: `--durations=0`): run first, so that the two workers end together instead of one waiting for
#: the other's late heavy module. test_bad_input makes the small project's build (`made_once`)
#: while test_server_app, which does not need it, runs on the other worker. Every other module
#: follows in collection order. Needs `--no-loadscope-reorder` (pyproject.toml): xdist would
#: otherwise order the modules by their number of tests.
SLOW_FIRST = (
    "tests/test_bad_input.py",  # 23 s, with the small project's build (9 s)
    "tests/test_server_app.py",  # 20 s
    "tests/test_pages.py",  # 15 s, Chromium
    "tests/test_package.py",  # 14 s, a fresh venv and a full-data build
    "tests/test_queries.py",  # 11 s
    "tests/test_build.py",  # 11 s
    "tests/test_readme.py",  # 8 s
    "tests/test_ontology.py",  # 7 s, HermiT
    "tests/test_gaps_precision.py",  # 6 s, with the real data's gap analysis (`analysis`)
)


def pytest_collection_modifyitems(session, config, items):
    """The modules of SLOW_FIRST first, in that order; the rest as collected (a stable sort)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(REPO_ROOT)


@pytest.fixture(scope="session")
def store(project):
    from graph.store import open_store

    return open_store(project)


def made_once(tmp_path_factory, name: str, make) -> Path:
    """`make(folder)` run once per test run, whatever the number of xdist workers: the first worker
    to ask makes `name` in the run's shared temporary folder under a file lock; the others wait and
    then read what it made. Returns the folder."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # every worker's basetemp sits in the run's one folder
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium (tests/browser.py) for the browser tests of a module; skips where Debian's
    chromium is missing. Not one per worker session, though a launch costs about 2.5 s of CPU: Playwright's
    sync API keeps an event loop running on the main thread while the browser is open, and the modules
    that call asyncio.run() (test_server_pool, graph/server/pool.py) fail on the same worker after it."""
    from .browser import CHROMIUM, browser

    if not Path(CHROMIUM).exists():
        pytest.skip("browser test needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    with browser() as b:
        yield b


@pytest.fixture(scope="session")
def analysis(store, project, tmp_path_factory):
    """The gap analysis of the real data (all kinds, evaluation included), run once per test run
    (the workers share it pickled: it is plain data)."""
    from graph.gaps import analyse

    def make(folder: Path) -> None:
        (folder / "analysis.pickle").write_bytes(pickle.dumps(analyse(store, project)))

    folder = made_once(tmp_path_factory, "analysis", make)
    return pickle.loads((folder / "analysis.pickle").read_bytes())


@pytest.fixture()
def fixture_project(tmp_path, monkeypatch) -> Project:
    """A throw-away copy of the project's ontology, queries and reference data, to break."""
    monkeypatch.setenv("NARAVARD_OUTPUT", str(tmp_path / "out"))
    return copy_project(tmp_path / "proj", regions=[])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- copies run by the installed command

NARAVARD = Path(sys.executable).with_name("naravard")


def copy_project(dest: Path, regions: list[str] | None = None) -> Project:
    """A copy of ontology/, queries/ and data/ (only the named region files, if given) at `dest`."""
    for sub in ("ontology", "queries"):
        shutil.copytree(REPO_ROOT / sub, dest / sub)
    for sub in ("reference", "sources"):
        shutil.copytree(REPO_ROOT / "data" / sub, dest / "data" / sub)
    shutil.copy(REPO_ROOT / "data" / "national.ttl", dest / "data" / "national.ttl")
    (dest / "data" / "regions").mkdir()
    for f in sorted((REPO_ROOT / "data" / "regions").glob("*.ttl")):
        if regions is None or f.stem in regions:
            shutil.copy(f, dest / "data" / "regions" / f.name)
    return Project(dest)


def naravard(
    root: Path, *args: str, env: dict | None = None, wrap: list[str] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """Run the installed `naravard` on the project at `root` (its own output/, not $NARAVARD_OUTPUT),
    optionally inside a `wrap` command such as `unshare …`."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NARAVARD_OUTPUT", "NARAVARD_ROOT")}
    full_env.update({"NARAVARD_ROOT": str(root), **(env or {})})
    return subprocess.run(
        [*(wrap or []), str(NARAVARD), *args], env=full_env, cwd=root, capture_output=True, text=True, **kwargs
    )


def read_only(root: Path) -> list[str]:
    """A command prefix that runs a command with `root` mounted read-only in a private mount
    namespace (root writes through any file mode; nothing to undo if the test dies).
    Skips the test where that is impossible."""
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: cannot make a folder read-only")
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    wrap = ["unshare", "-m", "sh", "-c", script, str(root)]
    probe = subprocess.run([*wrap, "true"], capture_output=True, text=True)
    if probe.returncode:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.strip()}")
    return wrap


def tree_hash(out: Path) -> dict[str, str]:
    """Every file under `out` (through the output symlink; the store cache left out) → its SHA-256,
    plus which build `out` shows."""
    out = Path(out)
    if not out.exists():
        return {}
    found = {"(build shown)": out.resolve().name}
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        dirnames[:] = [d for d in dirnames if d != ".cache"]
        for f in filenames:
            p = Path(dirpath) / f
            found[str(p.relative_to(out))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="session")
def small_project(tmp_path_factory):
    """Dalarna and Kronoberg with the reference data, built once per test run by the installed command
    (`naravard build`, PYTHONHASHSEED=1) into its own output/ (see `built_output`); each worker gets
    its own copy of that build.

    Validation of the full data takes 10-20 s here; the catalogue validates many times.
    Made in a world-readable folder so a test can run the command as another user.
    Tests that change its files put them back (tests/test_bad_input.py); one that must change
    it for good works on a copy (`copy_built`).
    """

    def make(folder: Path) -> None:
        copy_project(folder / "p", regions=["dalarna", "kronoberg"])
        r = naravard(folder / "p", "build", env={"PYTHONHASHSEED": "1"})
        assert r.returncode == 0, r.stderr

    built = made_once(tmp_path_factory, "small-project", make) / "p"
    root = Path(tempfile.mkdtemp(prefix="naravard-small-"))
    os.chmod(root, 0o755)
    try:
        yield copy_built(Project(built), root / "p")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def built_output(small_project) -> Path:
    """The output/ of the session's one full build: everything `naravard build` writes (graph.ttl,
    pages, reports, the store cache behind output/.cache) for `small_project`. Read it, do not change
    it; the full data builds the same way, only slower (minutes on a loaded machine)."""
    return small_project.root / "output"


def copy_built(project: Project, dest: Path) -> Project:
    """A copy of a built project at `dest`, its builds and store cache included (the output/
    symlink is relative, so the copy shows its own copy of the build)."""
    shutil.copytree(project.root, dest, symlinks=True)
    return Project(dest)
