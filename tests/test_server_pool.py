"""graph/server/pool.py: real worker processes on the real store: queue, limits, replacement."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest

from graph.server.policy import Refused
from graph.server.pool import Pool, rss_bytes

from .endpoint import alive, eventually

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends on the real store
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"  # grows past any limit in under a second
QUICK = "ASK { ?s a nv:Region }"
MEMORY_MB = 250  # a worker holds well under 100 MB before its first query
TIME_LIMIT = 0.5


@pytest.fixture(scope="session")
def store_dir(project):
    from graph.store import store_path

    return str(store_path(project))


@pytest.fixture(scope="session")
def pool(store_dir):
    """Two workers, 250 MB per query, and a time limit generous enough that on a busy machine the
    memory limit is what stops the hungry query (the time limit is tested on `one`)."""
    p = Pool(lambda: store_dir, workers=2, queue_size=64, timeout=60, max_rows=5, memory_mb=MEMORY_MB)
    yield p
    p.close()


@pytest.fixture(scope="module")
def one(store_dir):
    """One worker, a queue of 20 and a 0.5 s time limit."""
    p = Pool(lambda: store_dir, workers=1, queue_size=20, timeout=TIME_LIMIT)
    yield p
    p.close()


def ask(pool, text=QUICK, accept=None):
    return pool.submit(text, accept).result(timeout=120)


def test_answers_in_the_negotiated_format(pool):
    assert json.loads(ask(pool).body) == {"head": {}, "boolean": True}
    csv = ask(pool, "SELECT ?r WHERE { ?r a nv:Region } ORDER BY ?r", "text/csv")
    assert csv.media_type == "text/csv" and csv.truncated
    lines = csv.body.decode().splitlines()
    assert lines[0] == "r" and len(lines) == 1 + 5


def test_worker_notes_say_what_the_sandbox_did(pool):
    eventually(lambda: pool.notes)
    assert pool.notes[0] == "dies with its parent"
    assert pool.notes[1].startswith("network block")
    assert pool.notes[2].startswith("address space capped at")


def test_errors_are_one_line_answers(pool):
    bad = ask(pool, "SELECT * WHERE { ?s ?p }")
    assert bad.status == 400 and bad.message.startswith("query: syntax error at line 1") and "\n" not in bad.message
    refused = ask(pool, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert (refused.status, refused.message) == (403, "SERVICE (federated queries) is not allowed on this endpoint")
    unacceptable = ask(pool, QUICK, "image/png")
    assert unacceptable.status == 406


def test_time_limit_kills_and_replaces_the_worker(one):
    assert eventually(lambda: len(one.pids()) == 1)
    before = one.pids()
    answer = ask(one, SLOW)
    assert (answer.status, answer.message) == (503, "query exceeded the time limit of 0.5 s")
    assert eventually(lambda: len(one.pids()) == 1 and one.pids() != before)
    assert ask(one).status == 200


def test_memory_limit_stops_the_hungry_query_while_others_are_answered(pool):
    hungry = pool.submit(HUNGRY)
    answered, peak = 0, 0
    while not hungry.done():
        assert ask(pool).status == 200  # the other worker keeps answering
        answered += 1
        peak = max([peak, *(rss_bytes(p) for p in pool.pids())])
    answer = hungry.result()
    assert answer.status == 503 and "memory limit" in answer.message
    assert answered > 0
    # The watchdog checks every 50 ms, so a worker may pass the limit by what it allocates in that time.
    assert peak < (MEMORY_MB + 200) << 20
    assert ask(pool).status == 200


def test_a_worker_killed_from_outside_is_replaced_before_the_next_job(pool):
    assert eventually(lambda: len(pool.pids()) == 2)
    killed = pool.pids()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    assert eventually(lambda: not any(alive(pid) for pid in killed))
    for _ in range(4):
        assert ask(pool).status == 200


def test_admission_is_first_come_first_served(one):
    done = []
    futures = [one.submit(f"SELECT ({i} AS ?i) {{ }}") for i in range(20)]
    for i, f in enumerate(futures):
        f.add_done_callback(lambda _, i=i: done.append(i))
    assert all(f.result(timeout=120).status == 200 for f in futures)
    assert done == list(range(20))


def test_a_full_queue_is_refused_with_retry_after(one):
    running = one.submit(SLOW)
    assert eventually(lambda: running.running())  # the worker took it: the queue is empty
    waiting = [one.submit(QUICK) for _ in range(20)]
    with pytest.raises(Refused) as err:
        one.submit(QUICK)
    assert err.value.status == 503 and "busy" in err.value.message
    assert 1 <= int(err.value.headers["Retry-After"]) <= 60
    assert running.result(timeout=60).status == 503  # time limit
    assert [w.result(timeout=120).status for w in waiting] == [200] * 20


def test_asyncio_clients(pool):
    async def many():
        return await asyncio.gather(*(pool.run(QUICK) for _ in range(30)))

    assert {a.status for a in asyncio.run(many())} == {200}
