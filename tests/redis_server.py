"""A real, throw-away Redis server (Debian's ``redis-server``) on a free port, for the fleet's
tests and benchmark, like ``tests/postgres.py`` for PostgreSQL.

It runs with an append-only file fsynced on every write, as docs/fleet.md asks of a
production broker, so ``restart()`` keeps the queue. Missing ``redis-server`` skips the
tests with the reason (``make test`` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.postgres import free_port

DEADLINE = 60.0


def wait_for(condition: Callable[[], object], what: str, deadline: float = DEADLINE) -> object:
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"not within {deadline:.0f} s: {what}", pytrace=False)
        time.sleep(0.05)  # polling interval: the loop ends on the condition or the deadline


# -- Redis ------------------------------------------------------------------------------------

def redis_binary() -> str:
    found = shutil.which("redis-server", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin")
    if found is None:
        pytest.skip("redis-server is not installed (Debian package 'redis-server'; `make test` installs it)")
    return found


@dataclass
class RedisServer:
    binary: str
    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if not self.port:
            self.port = free_port()
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
             "--protected-mode", "no"], stdout=log, stderr=subprocess.STDOUT, cwd=self.root)
        log.close()
        wait_for(self.answers, f"redis-server on port {self.port} answers PING", 20)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # redis-server writes and closes its append-only file
            self.process.wait(20)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queue_length(self, queue: str) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(f"LLEN {queue}\r\n".encode())
            return int(sock.recv(64).strip().lstrip(b":"))
