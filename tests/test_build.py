"""graph/build.py: a build is all or nothing, byte-identical from the same input, readable.

Builds run as real subprocesses of the installed command on the session's small project
(Dalarna and Kronoberg, `small_project`/`built_output` in conftest.py: the full data gives
the same result, measured by hand, but costs minutes per build on a loaded machine).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

from graph.atomic import builds_dir

from .conftest import NARAVARD, copy_built, naravard, tree_hash


def test_output_is_readable_by_others(built_output):
    out = built_output.resolve()
    for dirpath, _dirnames, filenames in os.walk(out):
        assert os.stat(dirpath).st_mode & 0o777 == 0o755, dirpath
        for f in filenames:
            assert os.stat(os.path.join(dirpath, f)).st_mode & 0o777 == 0o644, f


def test_output_cache_path_still_reaches_the_store(built_output):
    assert any((built_output / ".cache").glob("store-*/CURRENT"))


def test_sigkill_mid_build_keeps_the_old_output_and_a_rebuild_with_another_hash_seed_is_byte_identical(
    small_project, built_output, tmp_path
):
    """Two builds on a copy of the session's project, both with PYTHONHASHSEED=2 (the session's ran with 1):

    - one killed mid-build (once it writes into its new folder): output/ still shows the old build,
      complete, and the killed build's folder is left beside it;
    - the next one completes: its files are byte-identical to the session's build, the killed
      build's leftovers are gone and so is a page the old build had that the data no longer makes
      (a stale page planted in the old build: each build starts from an empty folder).

    The copy's store cache is removed first, so the killed build makes a store of its own (with
    blank nodes renamed the same way) that the completed build then uses.
    """
    built = copy_built(small_project, tmp_path / "proj").root  # changed for good: a copy
    out = built / "output"
    builds = builds_dir(out)
    shutil.rmtree(cache := built / ".output.builds" / "cache")
    cache.mkdir()  # empty (output/.cache points to it)
    stale = out / "actors" / "dalarna--nedlagd-namnd.html"  # an actor's page whose actor has gone
    shutil.copy(out / "actors" / "dalarna--valfardsradet.html", stale)
    before = tree_hash(out)

    env = {k: v for k, v in os.environ.items() if k != "NARAVARD_OUTPUT"}
    env |= {"NARAVARD_ROOT": str(built), "PYTHONHASHSEED": "2"}
    proc = subprocess.Popen(
        [str(NARAVARD), "build"], env=env, cwd=built, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 600  # a bound on waiting, not a timing assertion
        while time.monotonic() < deadline and proc.poll() is None:
            partial = list(builds.glob(".partial-*/graph.ttl"))  # then 5-10 s of analysis and pages
            if partial:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the build ended before it could be interrupted"
        assert partial, "the build never wrote into its new folder"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    assert tree_hash(out) == before  # the old build, complete, with nothing half-written in it
    assert list(builds.glob(".partial-*"))  # the killed build's folder is left beside, not in, output/

    r = naravard(built, "build", env={"PYTHONHASHSEED": "2"})
    assert r.returncode == 0, r.stderr
    after = tree_hash(out)
    assert after["(build shown)"] != before["(build shown)"]
    assert "actors/dalarna--nedlagd-namnd.html" in before and "actors/dalarna--nedlagd-namnd.html" not in after
    assert not list(builds.glob(".partial-*"))
    assert len(list(builds.glob("build-*"))) <= 2

    session = tree_hash(built_output)
    session.pop("(build shown)"), after.pop("(build shown)")
    assert len(session) > 100 and sorted(session) == sorted(after)
    differ = [name for name in session if session[name] != after[name]]
    assert not differ, f"{len(differ)} of {len(session)} files differ, e.g. {differ[:5]}"
