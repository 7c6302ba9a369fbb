"""Work shared among the machine's cores by forking: the forked processes inherit what the work reads
(a site's network, evidence and layouts) instead of receiving it pickled, and only the results come back.

Used where a build spends seconds in pure Python per item (drawing pages, `fork_map`), and for work that
can go on beside the build (validation, writing graph.ttl: `Beside`). Where it may not fork (`can_fork`:
Linux only, not from a daemonic process), or the work is small, it runs in this process: the results are
the same either way.

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


def fork_map(fn: Callable, items: Iterable, workers: int | None = None, chunk: int | None = None) -> Iterator:
    """`fn(item)` for each of `items`, in their order, computed by `workers` forked processes (default:
    `cores()`), `chunk` items at a time (default: a quarter of each worker's share, 4 to 32, so that a
    few dozen pages redrawn after an edit are shared too); the results must pickle. With one worker,
    no fork, inside a daemonic process or with fewer than two chunks of items: computed here, one by
    one. An exception raised by `fn` is raised here."""
    global _work
    items = list(items)
    workers = cores() if workers is None else workers
    if chunk is None:
        chunk = max(4, min(32, len(items) // (4 * max(workers, 1))))
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


class Beside:
    """`fn(*args)` computed in a forked process while this one goes on, where it may fork (`can_fork`),
    else at once in this one; `result()` waits for it and gives its value (which must pickle) or raises
    what it raised (an exception that does not pickle comes back as a NaravardError naming it). `what`
    names the work in the error raised if its process dies. With `fresh`, the process is a new
    interpreter started for `fn` alone (`fn` and `args` must pickle; it is told this one's `sys.path`, and
    unlike multiprocessing's "spawn" it does not run the caller's main script again): for work that opens an
    on-disk store, as a fork of a process that has used RocksDB may hang in it.

    >>> Beside(sum, [1, 2, 3]).result()
    6
    >>> Beside(int, "x").result()
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: 'x'
    """

    def __init__(self, fn: Callable, *args, what: str = "the work", fresh: bool = False):
        self._what = what
        self._done: tuple[str, object] | None = None
        self._fresh = None
        if fresh:
            import json
            import pickle
            import subprocess

            command = [sys.executable, "-c", _FRESH, json.dumps(sys.path)]
            self._fresh = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            assert self._fresh.stdin is not None
            try:
                self._fresh.stdin.write(pickle.dumps((fn, args)))  # the work starts now, not at `result`
                self._fresh.stdin.close()
            except BrokenPipeError:  # it died at once: `result` says so
                pass
            self._fresh.stdin = None
            return
        if not can_fork():
            self._done = _outcome(fn, args)
            return
        context = multiprocessing.get_context("fork")
        self._pipe, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_outcome, args=(fn, args, send), daemon=True)
        self._process.start()
        send.close()

    def ready(self) -> bool:
        """Whether the work is done (`result` would not wait)."""
        if self._fresh is not None:
            return self._done is not None or self._fresh.poll() is not None
        return self._done is not None or self._pipe.poll()

    def result(self):
        """The value, once computed (raising what `fn` raised)."""
        if self._done is None:
            self._done = self._received()
        kind, value = self._done
        if kind == "raise":
            raise value
        return value

    def _received(self) -> tuple[str, object]:
        """What the process sent (`_pickled_outcome`), or a NaravardError saying it died before sending it."""
        import pickle

        from .errors import NaravardError

        try:
            if self._fresh is not None:
                return pickle.loads(self._fresh.communicate()[0])
            return pickle.loads(self._pipe.recv_bytes())
        except Exception:  # nothing, or not all of it, came
            return "raise", NaravardError(f"{self._what} stopped before its end (its process died)")
        finally:
            if self._fresh is None:
                self._pipe.close()
                self._process.join()


def _outcome(fn: Callable, args: tuple) -> tuple[str, object]:
    """("value", fn(*args)), or ("raise", the exception it raised)."""
    try:
        return "value", fn(*args)
    except Exception as err:
        return "raise", err


#: What the new interpreter of `Beside(fresh=True)` runs: the caller's sys.path (argv[1], JSON), then
#: `_fresh_main`, which reads (fn, args) pickled from stdin.
_FRESH = (
    "import json, sys; sys.path[:0] = json.loads(sys.argv[1]); from graph.parallel import _fresh_main; _fresh_main()"
)


def _fresh_main() -> None:
    """In the new interpreter of `Beside(fresh=True)`: `_pickled_outcome` of the pickled (fn, args) on stdin,
    to stdout (anything `fn` prints goes to stderr)."""
    import pickle

    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    _leave_interrupts()
    out.write(_pickled_outcome(*pickle.loads(sys.stdin.buffer.read())))
    out.flush()


def _send_outcome(fn: Callable, args: tuple, send) -> None:
    """The forked process of `Beside`: send `_pickled_outcome`."""
    _leave_interrupts()
    send.send_bytes(_pickled_outcome(fn, args))
    send.close()


def _pickled_outcome(fn: Callable, args: tuple) -> bytes:
    """`_outcome` pickled; what does not pickle (an exception holding a lock …) as a NaravardError naming it."""
    import pickle

    from .errors import NaravardError

    kind, value = _outcome(fn, args)
    try:
        return pickle.dumps((kind, value))
    except Exception:
        return pickle.dumps(("raise", NaravardError(f"{type(value).__name__}: {value}")))
