"""The parse worker process's side of ``parse_pool``: read a task, run it, write the answer.

Kept apart from ``parse_pool`` so that a worker imports no ``asyncio`` (and with it
``ssl``): about 5 MB of every worker's memory that only the crawler's process needs. The
worker is a plain ``python -c`` child (``parse_pool._spawn``), not a ``multiprocessing``
process, so no resource-tracker process (another 12 MB) runs beside the audit and the
audit's ``__main__`` module is never imported again in the worker.

Frames are a 4-byte big-endian length, then a pickle. The first frame is
``(init, initargs, work)``; each later one is ``(seq, args)`` and is answered by
``(seq, ok, result)``. The worker ends when the crawler closes its end of the socket.
"""

from __future__ import annotations

import importlib
import pickle
import socket
import struct
import sys
from typing import Any

HEADER = struct.Struct("!i")

# What ``parse_pool._spawn`` runs: the parent's import path first, then this module.
BOOT = ("import sys; sys.path[:] = sys.argv[3:]; "
        "from auditor.collect.crawl.parse_worker import main; main(int(sys.argv[1]), sys.argv[2])")


_IN_WORKER: list[bool] = []


def in_worker() -> bool:
    """Whether this process is a parse worker (tests use it; a page check need not care)."""
    return bool(_IN_WORKER)


def _recv_exact(sock: socket.socket, size: int) -> bytearray:
    """``size`` bytes from ``sock`` (pickle reads the bytearray as it is: no copy of a page)."""
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError
        got += n
    return buf


def recv_frame(sock: socket.socket) -> bytearray:
    (size,) = HEADER.unpack(_recv_exact(sock, 4))
    return _recv_exact(sock, size)


def send_frame(sock: socket.socket, data: bytes) -> None:
    sock.sendall(HEADER.pack(len(data)) + data)


def serve(sock: socket.socket, prepare: str = "") -> None:
    """The worker's loop: one task in, one result out, until the crawler closes the socket.

    ``prepare`` ("module:function", may be empty) runs before the first frame is read: a
    worker started ahead (``parse_pool.prestart``) imports the parser while the audit starts."""
    if prepare:
        module, _, name = prepare.partition(":")
        try:
            getattr(importlib.import_module(module), name)()
        except Exception:  # end quietly: the pool starts a worker of its own instead,
            return  # and that one reports what is wrong as a parse worker's error
    try:
        init, initargs, work = pickle.loads(recv_frame(sock))
    except (EOFError, OSError):
        return  # not needed after all
    init(*initargs)
    while True:
        try:
            seq, args = pickle.loads(recv_frame(sock))
        except (EOFError, OSError):
            return
        out: tuple[Any, ...]
        try:
            out = (seq, True, work(*args))
        except Exception as exc:  # handed to the crawler, which re-raises it
            out = (seq, False, exc)
        try:
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result or exception
            data = pickle.dumps((seq, False, RuntimeError(f"parse worker: {exc!r}")))
        try:
            send_frame(sock, data)
        except OSError:
            return


def main(fd: int, prepare: str) -> None:
    """Entry point of ``BOOT``: serve on the inherited socket ``fd``."""
    _IN_WORKER.append(True)
    sock = socket.socket(fileno=fd)
    try:
        serve(sock, prepare)
    finally:
        sock.close()
    sys.stdout.flush()
