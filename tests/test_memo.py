"""graph/memo.py: results kept between runs by the digest of their inputs and the code."""

from __future__ import annotations

import json

from graph.memo import Memo


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
