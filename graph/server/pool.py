"""Query workers: a bounded FIFO queue, time and memory limits, workers replaced when killed.

Oxigraph cannot cancel a running query, so each query runs in a worker process
that is killed when the query passes its time or memory limit, and replaced. The
pool has one thread per worker ("slot"); each slot takes the oldest waiting job
from one shared queue, so admission is first come, first served, and a slot only
takes a job when its worker is up (a killed worker is replaced before its slot
takes the next job: a job never goes to a dead worker). Only when the queue is
full is a request refused, with 503 and ``Retry-After``.

The worker serialises the result once, in the negotiated format, and sends the
bytes; the app passes them on. Before it opens the store, a worker blocks its own
network access and arranges to die with the server (`graph.server.sandbox`).

>>> import asyncio
>>> from graph.project import Project
>>> from graph.store import store_path
>>> pool = Pool(lambda: str(store_path(Project.default())), workers=1)
>>> answer = asyncio.run(pool.run("ASK { ?s a nv:Region }", "application/sparql-results+json"))
>>> answer.status, answer.body
(200, b'{"head": {}, "boolean": true}')
>>> pool.close()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import PREFIXES
from ..queries import Prepared, execute
from .negotiate import GRAPH_TYPES, SELECT_TYPES, boolean_bytes, negotiate, solutions_bytes
from .policy import Refused, check_query

POLL = 0.05  # seconds between checks of a running query's time and memory


@dataclass
class Answer:
    """What a worker sends back: a status, the serialised body and its media type."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    truncated: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        """An error answer: `status` and `message` as plain text."""
        return cls(status, message.encode())

    @property
    def message(self) -> str:
        """The body as text (for error answers)."""
        return self.body.decode("utf-8", "replace")


@dataclass
class Job:
    """One query waiting for a worker: its text, Accept header, origin (for messages), store
    folder, and the future its answer is set on.
    """

    text: str
    accept: str | None
    origin: str
    store: str
    future: concurrent.futures.Future = field(default_factory=concurrent.futures.Future)


# --- the worker process ----------------------------------------------------------------


def evaluate(store, text: str, accept: str | None, origin: str, max_rows: int) -> Answer:
    """Run `text` on `store` and serialise at most `max_rows` rows or triples as `accept` asks."""
    try:
        check_query(text, max_chars=len(text))  # the pool runs nothing the policy refuses
        result = execute(store, Prepared(text, origin, {}))
        if isinstance(result, ox.QueryBoolean):
            media, fmt = negotiate(accept, SELECT_TYPES)
            return Answer(200, boolean_bytes(bool(result), fmt), media)
        if isinstance(result, ox.QueryTriples):
            media, fmt = negotiate(accept, GRAPH_TYPES)
            triples = list(islice(result, max_rows + 1))
            prefixes = dict(PREFIXES) if fmt == ox.RdfFormat.TURTLE else None
            body = ox.serialize(triples[:max_rows], format=fmt, prefixes=prefixes)
            return Answer(200, body, media, len(triples) > max_rows)
        media, fmt = negotiate(accept, SELECT_TYPES)
        names = [v.value for v in result.variables]
        rows = [[row[n] for n in names] for row in islice(result, max_rows + 1)]
        return Answer(200, solutions_bytes(names, rows[:max_rows], fmt), media, len(rows) > max_rows)
    except Refused as err:
        return Answer.error(err.status, err.message)
    except QueryError as err:
        return Answer.error(400, str(err))
    except OSError as err:  # pyoxigraph's ConnectionError, PermissionError… are OSErrors
        return Answer.error(500, f"{origin}: query failed: {err}")


def worker_main(conn, parent_pid: int, store_dir: str, max_rows: int, memory_bytes: int) -> None:
    """A worker: sandbox itself, open `store_dir` read-only, answer jobs until the pipe closes.

    The first message is ("ready", notes) or ("failed", message).
    """
    from . import sandbox

    notes = [sandbox.die_with_parent(parent_pid), sandbox.block_network()]
    try:
        store, opened = ox.Store.read_only(store_dir), store_dir
    except OSError as err:
        conn.send(("failed", f"cannot open the store {store_dir}: {err}"))
        return
    notes.append(sandbox.limit_memory(memory_bytes))
    conn.send(("ready", notes))
    while True:
        try:
            text, accept, origin, store_dir = conn.recv()
            conn.send(None)  # taken: from here on the job counts as started
        except (EOFError, OSError):
            return
        try:
            if store_dir != opened:  # the graph was rebuilt: follow the new snapshot
                store = None
                store, opened = ox.Store.read_only(store_dir), store_dir
            answer = evaluate(store, text, accept, origin, max_rows)
        except MemoryError:
            conn.send(Answer.error(503, "query exceeded the memory limit"))
            return  # this process's heap is suspect: the slot replaces it
        except Exception as err:  # noqa: BLE001 - one line for the client, the worker lives on
            answer = Answer.error(500, f"{origin}: query failed: {type(err).__name__}: {err}")
        conn.send(answer)


def rss_bytes(pid: int) -> int:
    """Resident memory of process `pid` in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, store_dir: str, max_rows: int, memory_bytes: int):
        ctx = multiprocessing.get_context("spawn")  # no fork of a process holding RocksDB or threads
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker_main,
            name="sparql-worker",
            daemon=True,
            args=(child, os.getpid(), store_dir, max_rows, memory_bytes),
        )
        self.process.start()
        child.close()
        self.notes: list[str] = []

    @property
    def pid(self) -> int:
        """The worker process's id."""
        return self.process.pid

    def wait_ready(self, seconds: float = 120) -> str | None:
        """None once the worker is ready, else why it is not (it is then killed)."""
        try:
            if self.conn.poll(seconds):
                kind, detail = self.conn.recv()
                if kind == "ready":
                    self.notes = detail
                    return None
                self.kill()
                return detail
        except (EOFError, OSError):
            pass
        self.kill()
        return f"the query worker did not start (exit code {self.process.exitcode})"

    def alive(self) -> bool:
        """Whether the worker process is still running."""
        return self.process.is_alive()

    def run(self, job: Job, timeout: float, memory_bytes: int) -> tuple[Answer | None, bool]:
        """(answer, still usable): the worker's answer, or why it was stopped (then it is killed).

        The answer is None when the worker died before it took the job (it acknowledges
        each job first): the job never ran and can go to another worker.
        """
        try:
            self.conn.send((job.text, job.accept, job.origin, job.store))
            while not self.conn.poll(POLL):
                if not self.process.is_alive():
                    return None, False
            self.conn.recv()  # the acknowledgement: the time limit starts now
        except (EOFError, OSError):
            return None, False
        try:
            deadline = time.monotonic() + timeout
            while not self.conn.poll(POLL):
                if not self.process.is_alive():
                    return self._died(job), False
                if rss_bytes(self.pid) > memory_bytes:
                    self.kill()
                    return Answer.error(503, f"query exceeded the memory limit of {memory_bytes >> 20} MB"), False
                if time.monotonic() > deadline:
                    self.kill()
                    return Answer.error(503, f"query exceeded the time limit of {timeout:g} s"), False
            answer = self.conn.recv()
        except (EOFError, OSError):
            return self._died(job), False
        return answer, answer.status != 503 or b"memory" not in answer.body

    def _died(self, job: Job) -> Answer:
        self.kill()
        if self.process.exitcode == -signal.SIGABRT:  # Rust aborts when an allocation fails (RLIMIT_AS)
            return Answer.error(503, "query exceeded the memory limit")
        return Answer.error(500, f"{job.origin}: the query worker stopped (exit code {self.process.exitcode})")

    def kill(self) -> None:
        """Kill the worker process (if it runs), wait for it and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        self.conn.close()


class Pool:
    """`workers` query processes behind one FIFO queue of at most `queue_size` waiting jobs.

    `store` returns the store folder each job should run on (it may change while
    serving; a worker reopens when it does). Limits: `timeout` seconds and
    `memory_mb` MB of resident memory per worker; `max_rows` rows per answer.
    """

    def __init__(
        self,
        store: Callable[[], str],
        workers: int | None = None,
        queue_size: int = 256,
        timeout: float = 10.0,
        max_rows: int = 10000,
        memory_mb: int = 1024,
    ):
        self.store = store
        self.size = workers or os.cpu_count() or 2
        self.timeout, self.max_rows, self.memory_bytes = timeout, max_rows, memory_mb << 20
        self.jobs: queue.Queue = queue.Queue(queue_size)
        self.queue_size = queue_size
        self.closed = threading.Event()
        self.notes: list[str] = []
        self.mean_seconds = 0.05  # a running mean of job times, for Retry-After
        self.running = 0  # jobs in workers now
        self.count_lock = threading.Lock()
        self.workers: list[Worker | None] = [None] * self.size
        self.slots = [
            threading.Thread(target=self._slot, args=(i,), name=f"sparql-slot-{i}", daemon=True)
            for i in range(self.size)
        ]
        for slot in self.slots:
            slot.start()

    def submit(self, text: str, accept: str | None = None, origin: str = "query") -> concurrent.futures.Future:
        """Queue a job; its future gets an `Answer`. `Refused` 503 with Retry-After when the queue is full."""
        job = Job(text, accept, origin, self.store())
        try:
            self.jobs.put_nowait(job)
        except queue.Full:
            wait = math.ceil(self.queue_size * self.mean_seconds / self.size)
            raise Refused(
                503,
                f"the server is busy: {self.queue_size} queries are waiting; try again later",
                {"Retry-After": str(min(max(wait, 1), 60))},
            ) from None
        return job.future

    async def run(self, text: str, accept: str | None = None, origin: str = "query") -> Answer:
        """The `Answer` to a query, once a worker has run it (see `submit`)."""
        return await asyncio.wrap_future(self.submit(text, accept, origin))

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.pid for w in self.workers if w is not None and w.alive()]

    def _start(self, i: int) -> str | None:
        """Start worker `i`; None when it is ready, else why not."""
        worker = Worker(self.store(), self.max_rows, self.memory_bytes)
        problem = worker.wait_ready()
        if problem is None:
            self.workers[i] = worker
            self.notes = worker.notes
        return problem

    def _ensure(self, i: int, problem: str | None) -> str | None:
        """Replace worker `i` if it is missing or dead; None once it is up, else why not."""
        worker = self.workers[i]
        if worker is not None and worker.alive():
            return None
        if worker is not None:
            worker.kill()
            self.workers[i] = None
        new_problem = self._start(i)
        if new_problem and new_problem != problem:
            print(f"naravard serve: {new_problem}", file=sys.stderr, flush=True)
        return new_problem

    def _slot(self, i: int) -> None:
        problem = None
        while not self.closed.is_set():
            problem = self._ensure(i, problem)  # ready before taking a job, so jobs go to live workers
            try:
                job = self.jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            if job is None or not job.future.set_running_or_notify_cancel():
                continue  # closing, or the client went away while it waited
            answer = None
            for _ in range(3):  # a worker that dies before taking the job is replaced and the job resent
                problem = self._ensure(i, problem)
                if problem:  # no worker could start: say why rather than keep the client waiting
                    answer = Answer.error(500, f"{job.origin}: {problem}")
                    break
                started = time.monotonic()
                with self.count_lock:
                    self.running += 1
                answer, usable = self.workers[i].run(job, self.timeout, self.memory_bytes)
                with self.count_lock:
                    self.running -= 1
                self.mean_seconds = 0.9 * self.mean_seconds + 0.1 * (time.monotonic() - started)
                if not usable:
                    self.workers[i].kill()
                    self.workers[i] = None  # replaced before this slot runs anything else
                if answer is not None:
                    break
            if answer is None:
                answer = Answer.error(500, f"{job.origin}: the query workers keep stopping before taking the query")
            job.future.set_result(answer)

    def close(self) -> None:
        """Stop the slots and kill the workers."""
        self.closed.set()
        for _ in self.slots:  # wake slots waiting for a job now, not at their next poll
            with contextlib.suppress(queue.Full):
                self.jobs.put_nowait(None)
        for slot in self.slots:
            slot.join(5)
        for w in self.workers:
            if w is not None:
                w.kill()
        while True:  # answer anyone still waiting, so no request hangs
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None and job.future.set_running_or_notify_cancel():
                job.future.set_result(Answer.error(503, "the server is shutting down"))
