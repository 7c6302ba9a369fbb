"""graph/server/sandbox.py: each limit tested in a fresh process, as a worker applies it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from graph.project import REPO_ROOT

from .endpoint import Listener, alive, eventually


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_blocked_process_cannot_reach_a_listener_even_with_service():
    """The engine-level block alone (no query check): SERVICE fails and nobody is contacted."""
    listener = Listener()
    try:
        out = run_python(f"""
            import socket
            from graph.server.sandbox import block_network
            print(block_network())
            import pyoxigraph as ox
            try:
                list(ox.Store().query("SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
                print("ran")
            except OSError as err:
                print("refused:", type(err).__name__)
            for family in (socket.AF_INET, socket.AF_INET6):
                try:
                    socket.socket(family)
                    print("socket opened")
                except OSError as err:
                    print("socket refused")
            a, b = socket.socketpair()  # AF_UNIX (the pipe to the server) still works
            print("unix ok")
        """)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        if not lines[0].startswith("network blocked"):
            pytest.skip(lines[0])
        assert lines[1:] == ["refused: PermissionError", "socket refused", "socket refused", "unix ok"]
        assert listener.connections == []
    finally:
        listener.close()


def test_without_the_block_the_engine_would_connect():
    """Control for the test above: the same query in an unblocked process reaches the listener."""
    listener = Listener()
    try:
        run_python(f"""
            import pyoxigraph as ox
            try:
                list(ox.Store().query("SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
            except OSError:
                pass
        """)
        assert eventually(lambda: listener.connections, seconds=10)
    finally:
        listener.close()


def test_worker_dies_with_its_parent():
    """A parent starts a child that asks for the parent-death signal; SIGKILL the parent: the child goes."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c",
            "import os, time; from graph.server.sandbox import die_with_parent; "
            f"print(die_with_parent({os.getpid()}), flush=True); time.sleep(600)"])
        print(child.pid, flush=True)
        time.sleep(600)
    """),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "dies with its parent"
        assert alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert eventually(lambda: not alive(child), seconds=20)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()


def test_memory_cap_stops_an_allocation():
    out = run_python("""
        from graph.server.sandbox import limit_memory
        print(limit_memory(200 << 20))
        try:
            block = bytearray(1 << 30)
            print("allocated")
        except MemoryError:
            print("MemoryError")
        small = bytearray(10 << 20)  # what fits under the cap still works
        print("small ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith("address space capped at")
    assert out.stdout.splitlines()[1:] == ["MemoryError", "small ok"]
