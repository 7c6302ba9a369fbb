"""graph/build.py: a build is all or nothing, byte-identical from the same input, readable.

Builds run as real subprocesses of the installed command on the session's small project
(Dalarna and Kronoberg, `small_project`/`built_output` in conftest.py: the full data gives
the same result, measured by hand, but costs minutes per build on a loaded machine).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from graph.atomic import builds_dir

from .conftest import NARAVARD, copy_built, naravard, tree_hash


def test_rebuild_with_another_hash_seed_is_byte_identical(small_project, built_output, tmp_path):
    """The session's build ran with PYTHONHASHSEED=1; this one, into another folder (and so with
    a store cache of its own), with 2."""
    other = tmp_path / "output"
    r = naravard(small_project.root, "build", env={"PYTHONHASHSEED": "2", "NARAVARD_OUTPUT": str(other)})
    assert r.returncode == 0, r.stderr
    a, b = tree_hash(built_output), tree_hash(other)
    a.pop("(build shown)"), b.pop("(build shown)")
    assert len(a) > 100 and sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"{len(differ)} of {len(a)} files differ, e.g. {differ[:5]}"


def test_output_is_readable_by_others(built_output):
    out = built_output.resolve()
    for dirpath, dirnames, filenames in os.walk(out):
        assert os.stat(dirpath).st_mode & 0o777 == 0o755, dirpath
        for f in filenames:
            assert os.stat(os.path.join(dirpath, f)).st_mode & 0o777 == 0o644, f


def test_output_cache_path_still_reaches_the_store(built_output):
    assert any((built_output / ".cache").glob("store-*/CURRENT"))


def test_sigkill_mid_build_keeps_the_old_output_and_the_next_build_drops_stale_pages(small_project, tmp_path):
    built = copy_built(small_project, tmp_path / "proj").root  # this test changes the data for good
    out = built / "output"
    before = tree_hash(out)
    kronoberg_pages = [k for k in before if k.startswith("actors/kronoberg--")]
    assert kronoberg_pages
    (built / "data" / "regions" / "kronoberg.ttl").unlink()  # its actors' pages must go

    env = {k: v for k, v in os.environ.items() if k != "NARAVARD_OUTPUT"} | {"NARAVARD_ROOT": str(built)}
    proc = subprocess.Popen(
        [str(NARAVARD), "build"], env=env, cwd=built, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    builds = builds_dir(out)
    try:
        deadline = time.monotonic() + 600  # a bound on waiting, not a timing assertion
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in builds.glob(".partial-*/actors") if len(list(p.iterdir())) >= 20]
            if partial:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the build ended before it could be interrupted"
        assert partial, "the build never reached its pages"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    assert tree_hash(out) == before  # the old build, complete, with nothing half-written in it
    assert list(builds.glob(".partial-*"))  # the killed build's folder is left beside, not in, output/

    r = naravard(built, "build")
    assert r.returncode == 0, r.stderr
    after = tree_hash(out)
    assert not [k for k in after if k.startswith("actors/kronoberg--")]
    assert after["(build shown)"] != before["(build shown)"] and "actors/dalarna--valfardsradet.html" in after
    assert not list(builds.glob(".partial-*"))
    assert len(list(builds.glob("build-*"))) <= 2
