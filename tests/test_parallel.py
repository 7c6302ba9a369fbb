"""graph/parallel.py: work shared among forked processes gives what one process gives, in order."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from graph import parallel
from graph.errors import NaravardError
from graph.parallel import Beside, fork_map
from graph.viz.site import write_site
from tests.conftest import tree_hash


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_in_order_from_forked_processes():
    done = list(fork_map(square_and_pid, range(100), workers=2, chunk=8))
    assert [r for r, _ in done] == [x * x for x in range(100)]
    assert os.getpid() not in {pid for _, pid in done}  # computed in the forks, not here


@pytest.mark.parametrize(
    ("workers", "items", "chunk"),
    [(1, 100, 8), (2, 10, 8), (0, 5, 1)],  # one worker; under two chunks; no workers asked
)
def test_small_or_single_work_stays_in_this_process(workers, items, chunk):
    done = list(fork_map(square_and_pid, range(items), workers=workers, chunk=chunk))
    assert done == [(x * x, os.getpid()) for x in range(items)]


def in_a_daemon(results) -> None:
    done = list(fork_map(square_and_pid, range(100), workers=2, chunk=8))
    results.put(([r for r, _ in done], {pid for _, pid in done} == {os.getpid()}))


def test_a_daemonic_process_does_the_work_itself():
    """A daemonic process may not have children (multiprocessing refuses): `can_fork` says no, the work is
    done in it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    daemon = context.Process(target=in_a_daemon, args=(results,), daemon=True)
    daemon.start()
    squares, itself = results.get(timeout=20)
    daemon.join()
    assert squares == [x * x for x in range(100)] and itself


def fails_at_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x


def test_an_error_in_a_fork_is_raised_here():
    with pytest.raises(ValueError, match="seven"):
        list(fork_map(fails_at_seven, range(40), workers=2, chunk=4))


def test_pages_drawn_by_forks_are_the_bytes_drawn_here(project, store, tmp_path, monkeypatch):
    from graph.network import network

    actors = [n for n, d in network(store, project).nodes(data=True) if d["cls"] != "Region"][:80]
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    write_site(project, store, out=tmp_path / "forked", regions=["nvr:dalarna"], actors=actors)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    write_site(project, store, out=tmp_path / "here", regions=["nvr:dalarna"], actors=actors)
    forked, here = tree_hash(tmp_path / "forked"), tree_hash(tmp_path / "here")
    assert len([p for p in forked if p.startswith("actors/")]) == 80
    assert {**forked, "(build shown)": ""} == {**here, "(build shown)": ""}


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not this one")


def raise_unpicklable() -> None:
    raise Unpicklable("a lock inside")


def test_beside_computes_in_a_forked_process_while_this_one_goes_on():
    work = Beside(square_and_pid, 7)
    assert work.result() == (49, work._process.pid) and work._process.pid != os.getpid()
    assert work.result() == (49, work._process.pid)  # asked again: the same value


def test_beside_raises_what_the_work_raised_and_names_a_death():
    with pytest.raises(ValueError, match="invalid literal"):
        Beside(int, "x").result()
    with pytest.raises(NaravardError, match="Unpicklable: a lock inside"):
        Beside(raise_unpicklable).result()
    with pytest.raises(NaravardError, match="writing the file stopped before its end"):
        Beside(os._exit, 3, what="writing the file").result()


def beside_in_a_daemon(results) -> None:
    work = Beside(square_and_pid, 3)
    results.put(work.result()[1] == os.getpid())


def test_beside_in_a_daemonic_process_computes_at_once():
    results = multiprocessing.get_context("fork").Queue()
    p = multiprocessing.get_context("fork").Process(target=beside_in_a_daemon, args=(results,), daemon=True)
    p.start()
    assert results.get(timeout=60) is True
    p.join()


def test_a_few_dozen_items_are_shared_and_a_handful_stay_here():
    """The default chunk follows the work: the 57 pages an edit redraws on the real data are shared among
    the workers; under eight items are not worth a fork."""
    shared = list(fork_map(square_and_pid, range(57), workers=2))
    assert [r for r, _ in shared] == [x * x for x in range(57)] and os.getpid() not in {p for _, p in shared}
    assert list(fork_map(square_and_pid, range(7), workers=2)) == [(x * x, os.getpid()) for x in range(7)]


def inherited_work():
    return parallel._work


def test_beside_fresh_computes_in_a_new_interpreter():
    """`fresh=True` runs the work in a new interpreter (not a fork): its own pid, nothing of this one
    inherited (a module-level value set here is not set there), errors and a death still come back."""
    work = Beside(square_and_pid, 5, fresh=True)
    assert work.result()[0] == 25 and work.result()[1] not in (os.getpid(), None)
    parallel._work = ("set here", [])
    try:
        assert Beside(inherited_work).result() == ("set here", [])  # a fork sees it
        assert Beside(inherited_work, fresh=True).result() is None  # a new interpreter does not
    finally:
        parallel._work = None
    with pytest.raises(ValueError, match="invalid literal"):
        Beside(int, "x", fresh=True).result()
    with pytest.raises(NaravardError, match="the dump stopped before its end"):
        Beside(os._exit, 3, what="the dump", fresh=True).result()
