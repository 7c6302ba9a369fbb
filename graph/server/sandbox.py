"""Limits a query worker process puts on itself before it opens the store.

* `block_network`: a seccomp filter that makes ``socket()`` fail for every family
  but ``AF_UNIX`` (the pipe to the server) and disables ``io_uring`` (which can
  open sockets without that call). pyoxigraph executes ``SERVICE`` over HTTP and
  has no switch to stop it; with this filter it cannot connect anywhere, even if
  the query check in `graph.server.policy` were fooled. Needs no privileges
  (only ``PR_SET_NO_NEW_PRIVS``) and no library: the filter is written in
  classic BPF and installed through libc with ctypes.
* `die_with_parent`: ``PR_SET_PDEATHSIG`` so the kernel kills the worker when
  the server dies, even with SIGKILL and in the middle of a long query.
* `limit_memory`: ``RLIMIT_AS``, so an allocation past the limit fails inside the
  engine (Rust aborts the process) instead of growing without bound.

Each returns a short note of what it did, or why it could not (then the worker
runs without it: the query check still refuses SERVICE, and the server's RSS
watchdog still stops a query past the memory limit).

>>> block_network.__name__
'block_network'
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal

# seccomp(2) constants (linux/seccomp.h, linux/filter.h, linux/audit.h).
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP = 1, 38, 22
_SECCOMP_MODE_FILTER, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 2, 1, 1
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_EACCES, _AF_UNIX = 13, 1
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
#: machine → (audit arch, socket nr, io_uring_setup nr, seccomp nr)
_ARCH = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def network_filter(arch: int, socket_nr: int, io_uring_nr: int) -> list[tuple[int, int, int, int]]:
    """The BPF program: deny socket() unless AF_UNIX, deny io_uring_setup, x32 and foreign-arch calls.

    >>> len(network_filter(*_ARCH["x86_64"][:3]))
    11
    """
    deny = _RET_ERRNO | _EACCES
    return [
        (_LD_W_ABS, 0, 0, 4),  # 0: seccomp_data.arch
        (_JEQ, 1, 0, arch),  # 1: our arch → 3
        (_RET, 0, 0, deny),  # 2: a 32-bit syscall from this 64-bit process (socketcall…)
        (_LD_W_ABS, 0, 0, 0),  # 3: seccomp_data.nr
        (_JGE, 4, 0, 0x40000000),  # 4: x32 ABI numbers → deny
        (_JEQ, 3, 0, io_uring_nr),  # 5: io_uring_setup → deny
        (_JEQ, 0, 3, socket_nr),  # 6: not socket() → allow
        (_LD_W_ABS, 0, 0, 16),  # 7: args[0] (domain), low 32 bits
        (_JEQ, 1, 0, _AF_UNIX),  # 8: AF_UNIX → allow
        (_RET, 0, 0, deny),  # 9
        (_RET, 0, 0, _RET_ALLOW),  # 10
    ]


def block_network() -> str:
    """Install the seccomp filter on every thread of this process; a note saying what happened."""
    machine = platform.machine()
    if machine not in _ARCH:
        return f"network block unavailable: no seccomp filter for {machine}"
    arch, socket_nr, io_uring_nr, seccomp_nr = _ARCH[machine]
    program = network_filter(arch, socket_nr, io_uring_nr)
    filters = (_Filter * len(program))(*[_Filter(*p) for p in program])
    fprog = _Program(len(program), filters)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"network block unavailable: PR_SET_NO_NEW_PRIVS failed ({os.strerror(ctypes.get_errno())})"
    # seccomp(2) with TSYNC covers threads that already exist; prctl only the caller.
    if libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)) == 0:
        return "network blocked (seccomp)"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0:
        return "network blocked (seccomp, calling thread)"
    return f"network block unavailable: seccomp failed ({os.strerror(ctypes.get_errno())})"


def die_with_parent(parent_pid: int) -> str:
    """Ask the kernel for SIGKILL when the parent dies; exit now if it already has."""
    if platform.system() != "Linux" or _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return "parent-death signal unavailable"
    if os.getppid() != parent_pid:  # the parent died before the prctl: nobody will signal us
        os._exit(1)
    return "dies with its parent"


def vm_size() -> int:
    """This process's virtual memory size in bytes (0 if unknown)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def limit_memory(extra_bytes: int) -> str:
    """Cap the address space at its current size plus `extra_bytes` (RLIMIT_AS)."""
    base = vm_size()
    if not base:
        return "memory cap unavailable"
    try:
        resource.setrlimit(resource.RLIMIT_AS, (base + extra_bytes, base + extra_bytes))
    except (ValueError, OSError) as err:
        return f"memory cap unavailable: {err}"
    return f"address space capped at {(base + extra_bytes) >> 20} MB"
