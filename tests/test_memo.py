"""graph/memo.py: results kept between runs by the digest of their inputs and the code."""

from __future__ import annotations

import json
import os

from graph.memo import Memo, Previous, digest


def test_a_result_is_kept_between_runs_and_made_once(tmp_path):
    path = tmp_path / "memo.json"
    made = []

    def square(n):
        made.append(n)
        return n * n

    first = Memo(path)
    assert first.get(Memo.key("square", 3), lambda: square(3)) == 9
    first.save()
    again = Memo(path)
    assert again.get(Memo.key("square", 3), lambda: square(3)) == 9 and made == [3]
    assert again.get(Memo.key("square", 4), lambda: square(4)) == 16 and made == [3, 4]


def test_only_what_a_run_used_is_written_back(tmp_path):
    path = tmp_path / "memo.json"
    old = Memo(path)
    old.get(Memo.key("a"), lambda: 1)
    old.get(Memo.key("b"), lambda: 2)
    old.save()
    run = Memo(path)
    run.get(Memo.key("b"), lambda: 0)
    run.save()
    assert json.loads(path.read_text(encoding="utf-8")) == {Memo.key("b"): 2}


def test_a_damaged_or_foreign_file_is_an_empty_memo(tmp_path):
    path = tmp_path / "memo.json"
    for text in ("{not json", "[1, 2]"):
        path.write_text(text, encoding="utf-8")
        memo = Memo(path)
        assert memo.get(Memo.key("x"), lambda: 5) == 5 and Memo.key("x") in memo
        memo.save()
        assert json.loads(path.read_text(encoding="utf-8")) == {Memo.key("x"): 5}


def test_keys_tell_inputs_apart():
    assert Memo.key("layout", ("a", "b"), 7) != Memo.key("layout", ("a", "b"), 8)
    assert Memo.key("layout", ("a", "b"), 7) == Memo.key("layout", ("a", "b"), 7)


def test_what_a_result_was_made_from_is_recorded_and_can_be_carried_over(tmp_path):
    """A page drawn from layouts (`recording`) names them; reusing the page without drawing it keeps them
    (`keep`), so the next run still finds them."""
    path = tmp_path / "memo.json"
    first = Memo(path)
    first.get(Memo.key("other"), lambda: 0)
    made, keys = first.recording(lambda: first.get(Memo.key("layout", 1), lambda: [1, 2]) + [3])
    assert made == [1, 2, 3] and keys == [Memo.key("layout", 1)]
    first.put(Memo.key("page"), {"memo": keys})
    first.save()
    second = Memo(path)
    second.keep([Memo.key("page"), *second.old[Memo.key("page")]["memo"], Memo.key("never made")])
    second.save()
    assert set(json.loads(path.read_text())) == {Memo.key("page"), Memo.key("layout", 1)}  # not "other"


def test_a_file_the_previous_build_holds_with_the_same_bytes_is_linked_and_keeps_its_time(tmp_path):
    old, new = tmp_path / "build-1", tmp_path / "build-2"
    (old / "actors").mkdir(parents=True)
    (old / "actors" / "a.html").write_text("samma")
    (old / "b.html").write_text("gammal")
    os.utime(old / "actors" / "a.html", ns=(1_000_000_000, 1_000_000_000))
    previous = Previous(old)
    assert previous.write(new, "actors/a.html", "samma") is True
    assert previous.write(new, "b.html", "ny") is False
    assert previous.write(new, "c.html", b"bara ny") is False  # the previous build has none
    assert (new / "actors" / "a.html").stat().st_mtime_ns == 1_000_000_000
    assert (new / "actors" / "a.html").stat().st_ino == (old / "actors" / "a.html").stat().st_ino
    assert (new / "b.html").read_text() == "ny" and (old / "b.html").read_text() == "gammal"
    assert (new / "c.html").read_bytes() == b"bara ny"
    # reuse by a recorded digest: only when the previous file still has it
    assert previous.reuse(new, "b.html", digest(b"gammal")) and (new / "b.html").read_text() == "gammal"
    assert not previous.reuse(new, "b.html", digest(b"something else"))
    assert not Previous(None).reuse(new, "b.html", digest(b"gammal"))
