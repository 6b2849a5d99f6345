"""A real, throw-away PostgreSQL server for the test session.

    from tests.postgres import postgres_url  # noqa: F401  (a pytest fixture; import what you use)

``postgres_url`` (session): ``postgresql://postgres@127.0.0.1:PORT/touchpoint_test`` of a
server started once per session with ``initdb`` + ``pg_ctl`` in a temporary directory
(its Unix socket there too, TCP on a free 127.0.0.1 port, trust authentication), stopped
and deleted at the end. ``postgres_database`` (per test): the URL of a fresh empty
database on that server, dropped after the test, for tests that must not see each
other's rows.

The binaries come from Debian's ``postgresql`` package (``/usr/lib/postgresql/*/bin``),
which ``make test`` installs; ``$PG_BIN`` points elsewhere. Missing binaries FAIL the
tests that need them, never skip them: CI must exercise PostgreSQL. PostgreSQL refuses to
run as root, so under root the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"
DATABASE = "touchpoint_test"
START_DEADLINE_S = 60.0


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory, or a failure saying what to install."""
    override = os.environ.get("PG_BIN")
    candidates = [Path(override)] if override else sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda p: _version_key(p.parent.name), reverse=True)
    for candidate in candidates:
        if all((candidate / tool).is_file() for tool in ("initdb", "pg_ctl", "pg_isready", "createdb")):
            return candidate
    pytest.fail("PostgreSQL server binaries not found (initdb, pg_ctl in /usr/lib/postgresql/*/bin or $PG_BIN): "
                "install the Debian package 'postgresql' (make test does)", pytrace=False)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """One running throw-away server; ``url(db)`` names a database on it."""

    bin_dir: Path
    root: Path
    port: int
    as_user: str | None  # run server tools as this user (when we are root)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, server_side: bool = False, check: bool = True
            ) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL tool; server-side tools (initdb, pg_ctl) as the server user."""
        argv = [str(self.bin_dir / tool), *args]
        if server_side and self.as_user:
            argv = ["runuser", "-u", self.as_user, "--", *argv]
        return subprocess.run(argv, cwd=self.root, capture_output=True, text=True, check=check, timeout=120)

    def client_args(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER]

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data_dir), "-U", SERVER_USER, "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync", server_side=True)
        # Durability is pointless for a throw-away server; the socket lives in our temp dir
        # so no system directory (/var/run/postgresql) is needed or touched.
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c max_connections=50")
        started = self.run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options,
                           "-w", "-t", str(int(START_DEADLINE_S)), "start", server_side=True, check=False)
        if started.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {self.log_tail()}")
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            probe = self.run("pg_isready", *self.client_args(), "-d", "postgres", "-t", "2", check=False)
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL on port {self.port} not ready within {START_DEADLINE_S:.0f}s: "
                                   f"{probe.stdout.strip()} {self.log_tail()}")
            time.sleep(0.1)  # polling interval, not a guess: the loop ends on readiness or the deadline

    def create_database(self, name: str) -> str:
        self.run("createdb", *self.client_args(), name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.run("dropdb", *self.client_args(), "--force", "--if-exists", name, check=False)

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", server_side=True,
                     check=False)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_file.read_text("utf-8", "replace")
        except OSError:
            return ""
        return "log: " + " | ".join(text.strip().splitlines()[-lines:])


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.fail(f"running as root, and PostgreSQL refuses root: the system user {SERVER_USER!r} "
                    "(created by the Debian package 'postgresql') does not exist", pytrace=False)
    return SERVER_USER


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a server in a temp dir, yield it, stop it and delete everything."""
    bin_dir = find_bin_dir()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="tp-postgres-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = None
    try:
        last_error: Exception | None = None
        # A free port can be taken between our probe and the server's bind: try a few.
        for _attempt in range(3):
            server = PostgresServer(bin_dir, root, free_port(), user)
            try:
                server.start()
                break
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                detail = exc.stderr if isinstance(exc, subprocess.CalledProcessError) else ""
                last_error = RuntimeError(f"{exc} {detail or ''}".strip())
                server.stop()
                shutil.rmtree(server.data_dir, ignore_errors=True)
        else:
            pytest.fail(f"could not start a throw-away PostgreSQL server: {last_error}", pytrace=False)
        server.create_database(DATABASE)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


# One server per pytest session, started by whichever fixture is asked first. Each fixture
# reaches it through this function rather than through another fixture, so a test module
# can import just the fixture it uses (``from tests.postgres import postgres_url``).
_shared: dict[str, object] = {}


def shared_server(config: pytest.Config) -> PostgresServer:
    """The session's server, started on first use and stopped when pytest ends."""
    if "failure" in _shared:
        pytest.fail(str(_shared["failure"]), pytrace=False)
    if "server" not in _shared:
        stack = contextlib.ExitStack()
        try:
            _shared["server"] = stack.enter_context(running_server())
        except (pytest.fail.Exception, Exception) as exc:
            _shared["failure"] = str(exc)  # fail every later test fast, with the same reason
            stack.close()
            raise
        config.add_cleanup(stack.close)
        config.add_cleanup(_shared.clear)
    server = _shared["server"]
    assert isinstance(server, PostgresServer)
    return server


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    """The session's running :class:`PostgresServer` (port, data dir, ``create_database``)."""
    return shared_server(request.config)


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """``postgresql://postgres@127.0.0.1:PORT/touchpoint_test`` of the session's server."""
    return shared_server(request.config).url()


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty database for one test; dropped afterwards."""
    server = shared_server(request.config)
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield server.create_database(name)
    server.drop_database(name)
