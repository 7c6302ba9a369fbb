"""Work shared among the machine's cores by forking: the forked processes inherit what the work reads
(a site's network, evidence and layouts) instead of receiving it pickled, and only the results come back.

Used where a build spends seconds in pure Python per item (drawing pages). Where it may not fork
(`can_fork`: Linux only, not from a daemonic process), or the work is small, it runs in this process: the
results are the same either way.

>>> list(fork_map(lambda x: x * x, range(5)))
[0, 1, 4, 9, 16]
>>> list(fork_map(lambda x: x * x, range(200), workers=2, chunk=16))[-1]
39601
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator

#: What the forked processes run (the function and its items), set just before they are forked.
_work: tuple[Callable, list] | None = None


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this process may fork workers: on Linux (elsewhere a fork of a process with native
    threads, as Oxigraph's, is not safe), and not from a daemonic process (which may have no children)."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def fork_map(fn: Callable, items: Iterable, workers: int | None = None, chunk: int = 32) -> Iterator:
    """`fn(item)` for each of `items`, in their order, computed by `workers` forked processes (default:
    `cores()`), `chunk` items at a time; the results must pickle. With one worker, no fork, inside a
    daemonic process or with fewer than two chunks of items: computed here, one by one. An exception
    raised by `fn` is raised here."""
    global _work
    items = list(items)
    workers = cores() if workers is None else workers
    if workers < 2 or len(items) < 2 * chunk or not can_fork():
        yield from map(fn, items)
        return
    spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    _work = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(spans)), _leave_interrupts) as pool:
            for results in pool.imap(_run, spans):
                yield from results
    finally:
        _work = None


def _leave_interrupts() -> None:
    """In a forked process: Ctrl-C is for the parent, which stops the forks (no traceback from each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(span: tuple[int, int]) -> list:
    """In a forked process: the results of the items `span` (start, end) of the inherited work."""
    assert _work is not None
    fn, items = _work
    return [fn(items[i]) for i in range(*span)]
