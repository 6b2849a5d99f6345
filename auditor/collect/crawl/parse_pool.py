"""Parse worker processes, wired straight into the crawler's event loop.

Why not ``concurrent.futures.ProcessPoolExecutor``: it moves every task and result through
two helper threads of the crawler's process (a feeder that pickles and sends, a manager that
receives, unpickles and wakes the event loop through its self-pipe). On a crawl those
threads used about a fifth of the crawler's CPU, and they compete with the event loop for
the GIL. Here each worker has one socket pair: the event loop writes a task with a
non-blocking ``transport.write`` and reads results as they arrive, in its own thread.

Why not ``multiprocessing`` either: its ``spawn`` start runs a resource-tracker process
beside the audit (12 MB that does nothing for us) and re-imports the audit's ``__main__``
in every worker. A worker is a plain ``python -c`` child (``parse_worker.BOOT``) with the
crawler's import path, started with ``subprocess``: a fresh interpreter, as ``spawn`` gives,
because forking a process that already runs threads can deadlock.

Frames are a 4-byte big-endian length, then a pickle (``parse_worker``). A worker reads a
task, parses, and writes back ``(seq, ok, result)``; tasks are queued in the socket, so a
worker never waits for the event loop between two pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import socket
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from auditor.collect.crawl.parse_worker import BOOT, HEADER, send_frame
from auditor.errors import CrawlAborted

_DIED = "a parse worker process ended unexpectedly (killed, or out of memory?)"


class WorkerDied(CrawlAborted):
    """A parse worker ended while pages were still being parsed in it (killed, out of memory)."""


def default_workers() -> int:
    """One worker per core (at most four), none on a single core. The crawler's own process
    does not keep a core busy all the time (it waits for answers and for the workers), so
    on two cores two workers fill the gaps that one leaves: 9 % faster on the link
    benchmark, for about 50 MB more memory."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 4)


class Worker:
    """One worker process (the parts of ``multiprocessing.Process`` the pool and its tests use)."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.popen.kill()

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()


# Workers started ahead of the audit (``prestart``): the process and our end of its socket.
_SPARES: list[tuple[Worker, socket.socket]] = []


def _spawn(prepare: str = "") -> tuple[Worker, socket.socket]:
    """Start a worker; it runs ``prepare`` and then waits for its first frame (``_hand``)."""
    ours, theirs = socket.socketpair()
    try:
        fd = theirs.fileno()
        popen = subprocess.Popen([sys.executable, "-c", BOOT, str(fd), prepare, *sys.path],
                                 pass_fds=(fd,), stdin=subprocess.DEVNULL)
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return Worker(popen), ours


def _hand(ours: socket.socket, init: Callable[..., None], initargs: tuple[Any, ...],
          work: Callable[..., Any]) -> None:
    send_frame(ours, pickle.dumps((init, initargs, work), protocol=pickle.HIGHEST_PROTOCOL))


def prestart(workers: int, prepare: str) -> None:
    """Start ``workers`` processes now, to become a ``ParsePool``'s workers later. The
    command line calls this first thing: a worker's start (an interpreter, lxml and the
    parser imported by ``prepare``, "module:function") then runs on the core the
    audit's own start-up leaves idle, instead of during the crawl, where every core is busy.
    The first pool takes them; ``discard_spares`` ends those no pool took."""
    for _ in range(workers):
        try:
            _SPARES.append(_spawn(prepare))
        except OSError:  # no processes to spare now: the pool starts its own, as without this
            return


def discard_spares() -> None:
    """End the workers started ahead that no pool took (each ends at its first read)."""
    while _SPARES:
        _, ours = _SPARES.pop()
        ours.close()


def spares() -> int:
    return len(_SPARES)


def _take_spare(init: Callable[..., None], initargs: tuple[Any, ...],
                work: Callable[..., Any]) -> tuple[Worker, socket.socket] | None:
    while _SPARES:
        proc, ours = _SPARES.pop(0)
        if proc.is_alive():
            try:
                _hand(ours, init, initargs, work)
                return proc, ours
            except OSError:
                pass
        ours.close()
    return None


def _start_worker(init: Callable[..., None], initargs: tuple[Any, ...],
                  work: Callable[..., Any]) -> tuple[Worker, socket.socket]:
    spare = _take_spare(init, initargs, work)
    if spare is not None:
        return spare
    proc, ours = _spawn()
    with contextlib.suppress(OSError):  # the worker is gone already: its socket says so as a dead worker
        _hand(ours, init, initargs, work)
    return proc, ours


class _Link(asyncio.Protocol):
    """The event loop's end of one worker's socket: frames in, futures resolved."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock  # shut down directly on close: the transport closes only at the loop's next turn
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        start = 0
        while len(buf) - start >= 4:
            (size,) = HEADER.unpack_from(buf, start)
            if len(buf) - start - 4 < size:
                break
            seq, ok, value = pickle.loads(memoryview(buf)[start + 4:start + 4 + size])
            start += 4 + size
            fut = self.pending.pop(seq, None)
            if fut is not None and not fut.done():
                if ok:
                    fut.set_result(value)
                else:
                    fut.set_exception(value)
        if start:
            del buf[:start]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(WorkerDied(_DIED))
        self.pending.clear()


class ParsePool:
    """``workers`` processes that each run ``init(*initargs)`` once, then ``work(*args)`` per
    task. ``await pool.run(*args)`` sends the task to the least busy worker."""

    def __init__(self, workers: int, init: Callable[..., None], initargs: tuple[Any, ...],
                 work: Callable[..., Any]) -> None:
        self._spec = (workers, init, initargs, work)
        self._procs: list[Worker] = []
        self._links: list[_Link] = []
        self._seq = 0
        self._starting: asyncio.Task[None] | None = None

    async def _start(self) -> None:
        workers, init, initargs, work = self._spec
        loop = asyncio.get_running_loop()
        for _ in range(workers):
            proc, sock = _start_worker(init, initargs, work)
            sock.setblocking(False)
            _, link = await loop.create_connection(partial(_Link, sock), sock=sock)
            self._procs.append(proc)
            self._links.append(link)

    def start_soon(self) -> None:
        """Start the workers in the background (``run`` waits for them if need be)."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())

    async def run(self, *args: Any) -> Any:
        if not self._links:  # the first tasks wait for the workers to start, once
            self.start_soon()
            assert self._starting is not None
            await self._starting
        link = min(self._links, key=lambda k: len(k.pending))
        if link.transport is None or link.transport.is_closing():
            raise WorkerDied(_DIED)
        self._seq += 1
        data = pickle.dumps((self._seq, args), protocol=pickle.HIGHEST_PROTOCOL)
        fut = asyncio.get_running_loop().create_future()
        link.pending[self._seq] = fut
        link.transport.write(HEADER.pack(len(data)) + data)
        return await fut

    def close(self) -> None:
        """Close the pipes; each worker ends at its next read. Not waited for: a worker's
        interpreter takes ~0.1 s to wind down, and the audit's site checks need not wait for
        it (``subprocess`` reaps finished workers at the next start)."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        for link in self._links:
            with contextlib.suppress(OSError):
                link.sock.shutdown(socket.SHUT_RDWR)
            if link.transport is not None:
                link.transport.close()
        self._procs, self._links = [], []
