"""graph/build.py: a build is all or nothing, byte-identical from the same input, readable.

Builds run as real subprocesses of the installed command on the session's small project
(Dalarna and Kronoberg, `small_project`/`built_output` in conftest.py: the full data gives
the same result, measured by hand, but costs minutes per build on a loaded machine).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from graph.atomic import builds_dir
from graph.build import STAMP, Validation, ValidationFailed, build, build_stamp, last_build, tree_sums
from graph.errors import DataSyntaxError
from graph.project import Project
from graph.validate import validate
from graph.viz.page import page_json

from .conftest import NARAVARD, copy_built, copy_project, naravard, tree_hash


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
    blank nodes renamed the same way) that the completed build then uses; the session build's memo
    (graph/memo.py: layouts, hold-out evaluation) is kept, so the completed build takes every one of
    those results from it, and its pages are still the same bytes as the session's.
    """
    built = copy_built(small_project, tmp_path / "proj").root  # changed for good: a copy
    out = built / "output"
    builds = builds_dir(out)
    memo = (built / ".output.builds" / "cache" / "memo.json").read_bytes()
    shutil.rmtree(cache := built / ".output.builds" / "cache")
    cache.mkdir()  # empty but for the memo (output/.cache points to it)
    (cache / "memo.json").write_bytes(memo)
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

    assert json.loads((cache / "memo.json").read_bytes()).keys() == json.loads(memo).keys()  # all reused
    session = tree_hash(built_output)
    session.pop("(build shown)"), after.pop("(build shown)")
    assert len(session) > 100 and sorted(session) == sorted(after)
    differ = [name for name in session if session[name] != after[name]]
    assert not differ, f"{len(differ)} of {len(session)} files differ, e.g. {differ[:5]}"


def mtimes(out) -> dict[str, int]:
    """Every file of the build `out` shows (the store cache left out) → its mtime in ns."""
    out = out.resolve()
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if ".cache" not in p.parts}


def test_a_build_with_nothing_changed_rewrites_nothing(small_project, tmp_path):
    """The session's build (a subprocess) recorded its inputs; building the same inputs again in
    process finds them and the output unchanged and writes nothing, not even a new build folder."""
    built = copy_built(small_project, tmp_path / "proj")
    project = Project(built.root, built.root / "output")
    before, shown = mtimes(project.output_dir), project.output_dir.resolve()
    assert len(before) > 100 and STAMP in before
    result = build(project)
    assert result.skipped and result.written == [] and result.report.ok
    assert project.output_dir.resolve() == shown and mtimes(project.output_dir) == before
    assert sorted(p.name for p in builds_dir(project.output_dir).glob("build-*")) == [shown.name]


def files(out) -> dict[str, tuple[int, str]]:
    """Every file of the build `out` shows (the store cache left out) → (mtime in ns, SHA-256)."""
    out = out.resolve()
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    }


EDITED = "nvr:dalarna--halso-och-sjukvardsnamnden"


def test_an_edit_to_one_region_file_redraws_only_the_pages_that_show_it_and_gives_a_full_builds_bytes(
    small_project, built_output, tmp_path
):
    """One label changed in data/regions/dalarna.ttl, then a build from the session's build (its memo and
    output): a page is drawn again exactly when it shows the edited actor (its own page, Dalarna's page,
    the national network, neighbours' pages); every other file keeps its bytes and its mtime (Kronoberg's
    pages, the overview, the map). Then the edit is undone and the next build, incremental again, gives
    byte for byte the session's full build (made without any memo or previous output): a page kept from
    the edited build that should have changed would differ. (This direction needs no second full build.)"""
    built = copy_built(small_project, tmp_path / "proj")
    project = Project(built.root, built.root / "output")
    before = files(project.output_dir)
    path = built.root / "data" / "regions" / "dalarna.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count('"Hälso- och sjukvårdsnämnden"@sv') == 1
    path.write_text(text.replace('"Hälso- och sjukvårdsnämnden"@sv', '"Hälso- och sjukvårdsnämnden X"@sv'), "utf-8")
    result = build(project)
    assert not result.skipped and result.report.ok
    after = files(project.output_dir)
    kept = {rel for rel, seen in after.items() if before.get(rel) == seen}
    assert {"index.html", "national.html", "regions/kronoberg.html", "assets/naravard.css"} <= kept
    assert {"regions/dalarna.html", f"actors/{EDITED.split(':')[1]}.html", "national-network.html"}.isdisjoint(kept)
    out = project.output_dir.resolve()
    pages = [rel for rel in after if rel.startswith(("actors/", "regions/"))]
    assert len(pages) > 100
    for rel in pages:
        shows = EDITED in {n["id"] for n in page_json((out / rel).read_text(encoding="utf-8"))["nodes"]}
        assert shows == (rel not in kept), rel
    assert any(rel.startswith("actors/kronoberg--") for rel in kept)

    path.write_text(text, "utf-8")
    assert not build(project).skipped
    incremental, whole = tree_hash(project.output_dir), tree_hash(built_output)
    incremental.pop("(build shown)"), whole.pop("(build shown)")
    assert len(whole) > 100 and incremental == whole


def test_a_build_whose_edit_breaks_the_data_fails_and_keeps_the_output(small_project, tmp_path):
    """Validation runs in a process of its own beside the build (`Validation`): its report is the
    report of `validate` run here, and an error an edit brings in stops the build before anything is
    shown (the folder it was building into is removed) and before its store is saved to the cache."""
    built = copy_built(small_project, tmp_path / "proj")
    project = Project(built.root, built.root / "output")
    assert Validation(project).report().problems == validate(project).problems
    shown, before = project.output_dir.resolve(), files(project.output_dir)
    stores = sorted(project.cache_dir.glob("store-*"))
    path = built.root / "data" / "regions" / "dalarna.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nv:inRegion nvr:dalarna ;", "nv:inRegionn nvr:dalarna ;", 1), "utf-8")
    with pytest.raises(ValidationFailed) as failed:
        build(project)
    assert any(p.file == "data/regions/dalarna.ttl" and "nv:inRegionn" in p.message for p in failed.value.report.errors)
    assert project.output_dir.resolve() == shown and files(project.output_dir) == before
    assert not list(builds_dir(project.output_dir).glob(".partial-*"))
    assert sorted(project.cache_dir.glob("store-*")) == stores  # the failed data's store was not saved
    broken = text.replace("nv:inRegion nvr:dalarna ;", 'nv:inRegion nvr:dalarna ;\n    rdfs:comment "unterminated ;', 1)
    path.write_text(broken, "utf-8")
    with pytest.raises(DataSyntaxError, match="dalarna.ttl"):  # raised by validation, not by the store
        build(project)
    assert project.output_dir.resolve() == shown


@pytest.mark.parametrize("change", ["a file changed", "a file added", "a file removed", "no record", "other inputs"])
def test_a_build_whose_inputs_or_output_changed_is_not_skipped(tmp_path, change):
    """`last_build` on a build folder of two files recorded as `build` records them."""
    out, folder = tmp_path / "output", tmp_path / "build-1"
    (folder / "actors").mkdir(parents=True)
    page = folder / "actors" / "a.html"
    page.write_text("<p>a</p>")
    (folder / "index.html").write_text("<p>index</p>")
    (folder / STAMP).write_text(json.dumps({"inputs": "abc", "warnings": [], "files": tree_sums(folder)}))
    out.symlink_to(folder)
    assert last_build(out, "abc") is not None
    if change == "a file changed":
        page.write_text("<p>b</p>")
    elif change == "a file added":
        (folder / "actors" / "stale.html").write_text("old")
    elif change == "a file removed":
        page.unlink()
    elif change == "no record":
        (folder / STAMP).unlink()
    assert last_build(out, "abd" if change == "other inputs" else "abc") is None


def test_the_build_stamp_follows_the_inputs(tmp_path, monkeypatch):
    built = copy_project(tmp_path / "p", regions=["dalarna"])
    first = build_stamp(built, pages=True)
    assert build_stamp(built, pages=False) != first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert build_stamp(built, pages=True) != first
    monkeypatch.undo()
    region = built.data_dir / "regions" / "dalarna.ttl"
    region.write_text(region.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_stamp(built, pages=True) != first


def structure_memo(project: Project) -> tuple[set[str], str, bool]:
    """The keys of the store's memo (the network figures), the key link prediction's suggestions have for the
    store `project` shows now (`graph.gaps.predict.memo_key`), and whether the build's memo holds it."""
    from graph.gaps import predict
    from graph.gaps.evaluate import memoised_hold_out
    from graph.memo import Memo
    from graph.network import actor_projection, network
    from graph.store import open_store

    cache = project.cache_dir
    store = open_store(project)
    g = actor_projection(network(store, project))
    memo = Memo(cache / "memo.json")
    methods = memoised_hold_out(g, memo).used()
    key = predict.memo_key(g, predict.arguments(store, project, methods))
    return set(json.loads((cache / "memo-store.json").read_text())), key, key in memo.old


def test_a_label_edit_reuses_the_structure_results_and_a_new_link_does_not(small_project, tmp_path):
    """The network figures (`graph.store.figures`) and link prediction's suggestions (`predict.find`) are
    kept by a digest of the network's nodes and links (and what else they read: classes, regions, principals),
    not of labels: after a label edit the next build finds both under the keys the last one used; after an
    edit that removes a link (one relation and its evidence) both keys change and the old entries are gone."""
    built = copy_built(small_project, tmp_path / "proj")
    project = Project(built.root, built.root / "output")
    path = built.root / "data" / "regions" / "dalarna.ttl"
    text = path.read_text(encoding="utf-8")
    figures, suggested, kept = structure_memo(project)
    assert len(figures) == 1 and kept

    path.write_text(text.replace('"Hälso- och sjukvårdsnämnden"@sv', '"Hälso- och sjukvårdsnämnden X"@sv'), "utf-8")
    assert not build(project).skipped
    assert structure_memo(project) == (figures, suggested, True)

    link = "nvr:dalarna--halso-och-sjukvardsnamnden nv:commissions nvr:dalarna--handlingsplan-nara-vard .\n"
    start = text.index(link)
    end = text.index("\n\n", start) + 2  # the relation and its statement of evidence
    path.write_text(text[:start] + text[end:], "utf-8")
    assert build(project).report.ok
    now, key, kept = structure_memo(project)
    assert kept and len(now) == 1 and now != figures and key != suggested
    assert suggested not in json.loads((project.cache_dir / "memo.json").read_text())
