"""graph/atomic.py: one file or a whole output folder, never half of either."""

from __future__ import annotations

import os

import pytest

from graph.atomic import builds_dir, new_version, write_atomic
from graph.errors import NaravardError


def make(out, files: dict[str, str]) -> None:
    with new_version(out) as tmp:
        for name, text in files.items():
            write_atomic(tmp / name, text)


def test_write_atomic_is_0644_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "a" / "x.txt", "hej")
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "x.txt").stat().st_mode & 0o777 == 0o644
    assert not [p for p in (tmp_path / "a").iterdir() if p.name != "x.txt"]  # no temporary file left


def test_write_atomic_under_a_file_names_the_blocker(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NaravardError, match=r"cannot write .*f/y\.txt: .*/f is not a folder"):
        write_atomic(tmp_path / "f" / "y.txt", "hej")


def test_new_version_switches_whole_folders_and_drops_removed_files(tmp_path):
    out = tmp_path / "output"
    make(out, {"a.html": "1", "b.html": "1"})
    first = out.resolve()
    make(out, {"a.html": "2"})
    assert out.is_symlink() and out.resolve() != first
    assert (out / "a.html").read_text() == "2" and not (out / "b.html").exists()
    old = os.umask(0o077)
    try:
        make(out, {"sub/c.html": "3"})
    finally:
        os.umask(old)
    assert (out / "sub").stat().st_mode & 0o777 == 0o755 and out.resolve().stat().st_mode & 0o777 == 0o755
    assert len(list(builds_dir(out).glob("build-*"))) == 2  # the current build and the one before


def test_failed_build_leaves_the_old_output_and_no_leftovers(tmp_path):
    out = tmp_path / "output"
    make(out, {"a.html": "1"})
    shown = out.resolve()
    with pytest.raises(RuntimeError):
        with new_version(out) as tmp:
            write_atomic(tmp / "a.html", "half")
            raise RuntimeError("page 700 failed")
    assert out.resolve() == shown and (out / "a.html").read_text() == "1"
    assert not list(builds_dir(out).glob(".partial-*"))


def test_an_older_real_output_folder_is_replaced_but_a_foreign_one_is_refused(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "graph.ttl").write_text("old")
    make(out, {"graph.ttl": "new"})
    assert out.is_symlink() and (out / "graph.ttl").read_text() == "new"

    foreign = tmp_path / "Documents"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    with pytest.raises(NaravardError, match="is not a naravard build output"):
        make(foreign, {"graph.ttl": "new"})
    assert (foreign / "thesis.tex").read_text() == "mine" and not foreign.is_symlink()
