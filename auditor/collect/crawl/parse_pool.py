"""Parse worker processes, wired straight into the crawler's event loop.

Why not ``concurrent.futures.ProcessPoolExecutor``: it moves every task and result through
two helper threads of the crawler's process (a feeder that pickles and sends, a manager that
receives, unpickles and wakes the event loop through its self-pipe). On a crawl those
threads used about a fifth of the crawler's CPU, and they compete with the event loop for
the GIL. Here each worker has one socket pair: the event loop writes a task with a
non-blocking ``transport.write`` and reads results as they arrive, in its own thread.

Frames are multiprocessing's: a 4-byte big-endian length, then a pickle. A worker reads a
task, parses, and writes back ``(seq, ok, result)``; tasks are queued in the socket, so a
worker never waits for the event loop between two pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import pickle
import socket
import struct
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from auditor.errors import CrawlAborted

_HEADER = struct.Struct("!i")
_DIED = "a parse worker process ended unexpectedly (killed, or out of memory?)"


class WorkerDied(CrawlAborted):
    """A parse worker ended while pages were still being parsed in it (killed, out of memory)."""


def _serve(conn: Connection, init: Callable[..., None] | None, initargs: tuple[Any, ...],
           work: Callable[..., Any] | None, prepare: str = "") -> None:
    """The worker's loop: one task in, one result out, until the crawler closes the pipe.

    A worker started ahead (``prestart``) runs ``prepare`` ("module:function") and then
    gets ``(init, initargs, work)`` as its first frame, once the audit knows them."""
    if prepare:
        module, _, name = prepare.partition(":")
        try:
            getattr(importlib.import_module(module), name)()
        except Exception:  # end quietly: the pool starts a worker of its own instead,
            return  # and that one reports what is wrong as a parse worker's error
    if init is None:
        try:
            init, initargs, work = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # not needed after all
    assert init is not None and work is not None
    init(*initargs)
    while True:
        try:
            seq, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            out = (seq, True, work(*args))
        except Exception as exc:  # handed to the crawler, which re-raises it
            out = (seq, False, exc)
        try:
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result or exception
            data = pickle.dumps((seq, False, RuntimeError(f"parse worker: {exc!r}")))
        try:
            conn.send_bytes(data)
        except OSError:
            return


def default_workers() -> int:
    """One worker per core (at most four), none on a single core. The crawler's own process
    does not keep a core busy all the time (it waits for answers and for the workers), so
    on two cores two workers fill the gaps that one leaves: 9 % faster on the link
    benchmark, for about 50 MB more memory."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 4)


# Workers started ahead of the audit (``prestart``): the process and our end of its pipe.
_SPARES: list[tuple[Any, Connection]] = []


def _spawn(args: tuple[Any, ...]) -> tuple[Any, Connection]:
    ctx = multiprocessing.get_context("spawn")  # forking a threaded process can deadlock
    ours, theirs = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_serve, args=(theirs, *args), daemon=True, name="touchpoint-auditor-parse")
    proc.start()
    theirs.close()
    return proc, ours


def prestart(workers: int, prepare: str) -> None:
    """Start ``workers`` processes now, to become a ``ParsePool``'s workers later. The
    command line calls this first thing: a worker's start (an interpreter, lxml and the
    parser imported by ``prepare``, "module:function") then runs on the core the
    audit's own start-up leaves idle, instead of during the crawl, where every core is busy.
    The first pool takes them; ``discard_spares`` ends those no pool took."""
    for _ in range(workers):
        try:
            _SPARES.append(_spawn((None, (), None, prepare)))
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
                work: Callable[..., Any]) -> tuple[Any, Connection] | None:
    while _SPARES:
        proc, ours = _SPARES.pop(0)
        if proc.is_alive():
            try:
                ours.send_bytes(pickle.dumps((init, initargs, work), protocol=pickle.HIGHEST_PROTOCOL))
                return proc, ours
            except OSError:
                pass
        ours.close()
    return None


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
            (size,) = _HEADER.unpack_from(buf, start)
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
        self._procs: list[Any] = []
        self._links: list[_Link] = []
        self._seq = 0
        self._starting: asyncio.Task[None] | None = None

    async def _start(self) -> None:
        workers, init, initargs, work = self._spec
        loop = asyncio.get_running_loop()
        for _ in range(workers):
            proc, ours = _take_spare(init, initargs, work) or _spawn((init, initargs, work))
            sock = socket.socket(fileno=os.dup(ours.fileno()))
            ours.close()
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
        link.transport.write(_HEADER.pack(len(data)) + data)
        return await fut

    def close(self) -> None:
        """Close the pipes; each worker ends at its next read. Not waited for: a worker's
        interpreter takes ~0.1 s to wind down, and the audit's site checks need not wait for
        it (multiprocessing reaps finished workers at the next start and at exit)."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        for link in self._links:
            with contextlib.suppress(OSError):
                link.sock.shutdown(socket.SHUT_RDWR)
            if link.transport is not None:
                link.transport.close()
        self._procs, self._links = [], []
