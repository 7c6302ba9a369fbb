"""Helpers for the endpoint tests: a real server on loopback, a listener that records
connections, and the processes a server started."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from graph.project import REPO_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Return once the server at `url` answers. One client for all the tries: `httpx.get` makes a
    client (and its TLS context) per call, 20-25 ms of CPU, while the server is starting."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read()}")
            try:
                client.get(url + "/api/meta")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


def eventually(check, seconds: float = 30, every: float = 0.1):
    """The first truthy value of `check()` within `seconds` (a deadline, not a speed claim)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Listener:
    """A TCP listener on loopback that records every connection made to it (a fake remote endpoint)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[bytes] = []
        self.lock = threading.Lock()  # held from accept() to recording the connection (see `contacted`)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            if not select.select([self.sock], [], [], 0.05)[0]:
                continue
            with self.lock:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    continue
                self.connections.append(b"")
            with conn:
                conn.settimeout(1)
                try:
                    self.connections[-1] = conn.recv(4096)
                except OSError:
                    pass

    def contacted(self) -> bool:
        """Whether anyone has connected so far: a connection recorded, or one the kernel has
        completed and that waits to be accepted. No waiting: a client's connect() has returned
        before the check, so its connection is one or the other."""
        with self.lock:
            return bool(self.connections) or bool(select.select([self.sock], [], [], 0)[0])

    def close(self):
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


@contextlib.contextmanager
def app_server(app):
    """Base URL of `app` on uvicorn in a background thread, on a socket bound here (no port race).

    The socket names its protocol (IPPROTO_TCP), as the sockets uvicorn binds itself for `naravard
    serve` do: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections of such a socket.
    On one made by socket.create_server (protocol 0) every response whose body is sent apart from
    its headers waited some 40 ms for the client's delayed ACK."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until_up(url)
        yield url
    finally:
        srv.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextlib.contextmanager
def cli_server(*args: str, env: dict | None = None):
    """`naravard serve ARGS` in a subprocess: (base URL, process). Started again on another port
    if the free port found was taken before the server bound it."""
    for attempt in range(3):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port), *args],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, proc)
            break
        except RuntimeError as err:
            stop(proc)
            if "address already in use" not in str(err) or attempt == 2:
                raise
    try:
        yield url, proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate `proc` (kill it if it does not stop) and close its output pipe."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.stdout.close()


def children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
