"""The fleet's real components, started by the tests on free ports and stopped again:
a Redis server (``tests/redis_server.py``), the session's PostgreSQL server (``tests/postgres.py``),
fixture sites on 127.0.0.1, and ``touchpoint-auditor fleet worker`` processes.

Every wait is on a condition with a deadline (a log line, a row in PostgreSQL, a request
reaching a site), never a sleep.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from auditor.devserver import FixtureSite, serve_app
from tests.conftest import SITES
from tests.postgres import postgres_database, postgres_url, shared_server  # noqa: F401  (pytest fixtures)
from tests.redis_server import DEADLINE, RedisServer, redis_binary, wait_for

ROOT = Path(__file__).parents[2]
__all__ = ["FleetHarness", "RedisServer", "wait_for"]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    binary = redis_binary()
    root = Path(tempfile.mkdtemp(prefix="tp-redis-"))
    server = RedisServer(binary, root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# -- fixture sites -----------------------------------------------------------------------------

class GatedSite(FixtureSite):
    """The fleet fixture site, whose ``/hold.html`` answers only once the test opens the gate:
    an audit of it is held mid-crawl for as long as the test needs (to kill its worker, to
    restart Redis) instead of being caught at a guessed moment."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.gate = threading.Event()
        self.gate.set()
        self.held = threading.Event()  # a request is waiting at the gate

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/contact.html" and not self.gate.is_set():
            # Answered after the crawler's flush interval (1 s): the pages fetched so far reach
            # the run store while /hold.html is held, so the store shows a crawl under way.
            await asyncio.sleep(1.2)
        if request.path == "/hold.html" and not self.gate.is_set():
            self.held.set()
            while not self.gate.is_set():
                await asyncio.sleep(0.02)
        return await super().handle(request)


@contextmanager
def gated_site() -> Iterator[GatedSite]:
    site = GatedSite(SITES / "fleet-site")
    with serve_app(site.app(), name="fleet-site") as base_url:
        site.base_url = base_url
        yield site


# -- the fleet ---------------------------------------------------------------------------------

PORTFOLIO = """\
[portfolio]
history = "{history}"

[fleet]
broker = "{broker}"
queue = "fleet-test-{tag}"
shared_dir = "shared"
max_attempts = 3
recheck_seconds = 1

[dashboard]
out = "dashboard"

[defaults.checks]
enabled = ["TP101", "TP102"]

[defaults.crawl]
rate_limit = 0
use_sitemaps = false

[defaults.report]
formats = ["json", "html"]
"""


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""


@dataclass
class FleetHarness:
    folder: Path
    portfolio: Path
    history_url: str
    redis: RedisServer
    sites: dict[str, GatedSite]
    workers: list[Worker] = field(default_factory=list)

    @property
    def shared(self) -> Path:
        return self.folder / "shared"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "auditor.cli", "fleet", *args, "--portfolio",
                                 str(self.portfolio)], capture_output=True, text=True, cwd=ROOT, timeout=60)
        if check and result.returncode not in (0,):
            pytest.fail(f"fleet {' '.join(args)} exited {result.returncode}: {result.stderr}", pytrace=False)
        return result

    def popen_cli(self, *args: str) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "auditor.cli", "fleet", *args, "--portfolio", str(self.portfolio)]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)

    @property
    def queue(self) -> str:
        return self.fleet_settings().settings.queue

    def fleet_settings(self) -> Any:
        from auditor.fleet.settings import load_fleet
        from auditor.nightly.portfolio import load_portfolio

        return load_fleet(load_portfolio(self.portfolio))

    def send_raw(self, client: str, night: str) -> None:
        """A message straight to the broker, past ``submit`` and its row in PostgreSQL."""
        from auditor.fleet.celery_app import make_app, send

        fleet = self.fleet_settings()
        app = make_app(fleet)
        try:
            send(app, fleet, client, night)
        finally:
            app.close()

    def all_logs(self) -> str:
        return "\n".join(w.log_text() for w in self.workers)

    def start_worker(self, name: str) -> Worker:
        log = self.folder / f"worker-{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "fleet", "worker", "--portfolio",
                                        str(self.portfolio), "--concurrency", "1", "--name", f"{name}@test"],
                                       stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        worker = Worker(name, process, log)
        self.workers.append(worker)
        wait_for(lambda: " ready." in worker.log_text() or process.poll() is not None, f"worker {name} ready")
        if process.poll() is not None:
            pytest.fail(f"worker {name} ended: {worker.log_text()[-3000:]}", pytrace=False)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                os.killpg(worker.process.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait(10)

    def jobs(self, night: dt.date) -> dict[str, object]:
        from auditor.fleet import state

        engine = state.open_state(self.history_url)
        try:
            return {job.client: job for job in state.tonight(engine, night)}
        finally:
            engine.dispose()

    def wait_finished(self, night: dt.date, clients: list[str], deadline: float = DEADLINE) -> dict[str, object]:
        def finished() -> dict[str, object] | None:
            jobs = self.jobs(night)
            if all(c in jobs and jobs[c].state in ("done", "failed") for c in clients):  # type: ignore[attr-defined]
                return jobs
            return None

        try:
            return wait_for(finished, f"{clients} finished on {night}", deadline)  # type: ignore[return-value]
        except pytest.fail.Exception:
            logs = "\n".join(f"--- {w.name}\n{w.log_text()[-4000:]}" for w in self.workers)
            pytest.fail(f"not finished within {deadline:.0f} s: {clients}; jobs {self.jobs(night)}\n{logs}",
                        pytrace=False)

    def history_runs(self, client: str) -> list[dict]:
        from auditor.history import History

        with History(self.history_url) as history:
            return history.runs(client, limit=50)


CLIENTS = [f"site{n}" for n in range(1, 7)] + ["gated", "twice", "redis-a", "redis-b", "redis-c"]


@contextmanager
def running_fleet(request: pytest.FixtureRequest, redis: RedisServer, clients: list[str], fleet_extra: str = ""
                  ) -> Iterator[FleetHarness]:
    """Two workers (one audit process each) on a portfolio of local sites, history in a fresh
    PostgreSQL database, run folders under ``shared/``; everything stopped and removed after."""
    server = shared_server(request.config)
    database = f"fleet_{uuid.uuid4().hex[:10]}"
    history_url = server.create_database(database)
    folder = Path(tempfile.mkdtemp(prefix="tp-fleet-"))
    with ExitStack() as stack:
        sites = {name: stack.enter_context(gated_site()) for name in clients}
        tables = "".join(f'\n[clients.{name}]\ntarget = "{site.base_url}"\n' for name, site in sites.items())
        portfolio = folder / "portfolio.toml"
        text = PORTFOLIO.format(history=history_url, broker=redis.url, tag=uuid.uuid4().hex[:8])
        portfolio.write_text(text.replace("[dashboard]", f"{fleet_extra}\n[dashboard]") + tables, "utf-8")
        harness = FleetHarness(folder, portfolio, history_url, redis, sites)
        try:
            harness.start_worker("w1")
            harness.start_worker("w2")
            yield harness
        finally:
            harness.stop_workers()
            server.drop_database(database)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def fleet(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[FleetHarness]:
    with running_fleet(request, redis_server, CLIENTS) as harness:
        yield harness
