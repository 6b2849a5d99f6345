"""``fleet worker``: one Celery worker on this machine, auditing the portfolio's clients.

Before Celery starts its processes the worker settles what they share: the fleet (the
portfolio with run folders under ``shared_dir``) and the LanguageTool server. With
``[fleet] languagetool_url`` every client uses that server; otherwise, when some client
checks language with LanguageTool, the worker starts one server on 127.0.0.1 for this
machine (from the jars ``scripts/setup-languagetool.sh`` fetched) and points every client
at it, so N audits at once share one JVM instead of starting N, each 10-20 s of start-up
and ~1 GB. It is stopped when the worker ends.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any

from auditor.fleet.settings import Fleet, with_languagetool

log = logging.getLogger(__name__)

SPELLING = {"all", "spelling", "TP301", "TP302", "TP303"}


def needs_languagetool(fleet: Fleet) -> bool:
    """Whether some client would check language with LanguageTool (not Hunspell, not its own server)."""
    for client in fleet.portfolio.clients.values():
        checks = client.config.checks
        if not SPELLING & set(checks.enabled) or "spelling" in checks.disabled:
            continue
        language = client.config.collectors.get("language", {})
        if language.get("engine") != "hunspell" and not language.get("languagetool_url"):
            return True
    return False


@contextlib.contextmanager
def shared_languagetool(fleet: Fleet) -> Iterator[Fleet]:
    """The fleet with every client pointed at one LanguageTool server, for as long as the block runs."""
    if fleet.settings.languagetool_url:
        yield with_languagetool(fleet, fleet.settings.languagetool_url)
        return
    if not fleet.settings.local_languagetool or not needs_languagetool(fleet):
        yield fleet
        return
    from auditor.collect.language.server import LocalServer, ServerError, find_jars, java_command

    jars, java = find_jars(), java_command()
    if jars is None or not java:
        log.warning("no LanguageTool set up on this machine: each audit falls back as `audit` does")
        yield fleet
        return
    server = LocalServer(jars, java=java)
    try:
        url = server.start()
    except (ServerError, OSError) as exc:
        log.warning("LanguageTool not started for this worker (%s): each audit falls back as `audit` does", exc)
        yield fleet
        return
    warm_up(url)
    try:
        yield with_languagetool(fleet, url)
    finally:
        server.stop()


WARM_UP = (("nl", "Dit is een korte tekst om de server op te warmen."),
           ("en-US", "This is a short text to warm the server up."))


def warm_up(url: str) -> None:
    """One small check per language before the first audit: LanguageTool loads a language's
    rules on its first text (~20-40 s on a busy 2-core machine, measured with
    bench/fleet_bench.py), which the worker pays here once instead of its first audit."""
    import urllib.parse
    import urllib.request

    for language, text in WARM_UP:
        data = urllib.parse.urlencode({"text": text, "language": language}).encode()
        try:
            with urllib.request.urlopen(urllib.parse.urljoin(url, "v2/check"), data, timeout=180) as resp:
                resp.read(1_000_000)
        except OSError as exc:  # the audit will say what is wrong with the server, if anything
            log.warning("LanguageTool warm-up (%s) failed: %s", language, exc)


def run_worker(fleet: Fleet, *, concurrency: int, name: str | None, loglevel: str = "INFO") -> None:
    """Start the Celery worker in this process (prefork, ``concurrency`` audit processes) and
    return when it stops (SIGTERM: warm shutdown, the running audits finish first)."""
    from auditor.fleet import task
    from auditor.fleet.celery_app import make_app

    with shared_languagetool(fleet) as ready:
        task.FLEET = ready
        task.engine()  # the state table exists (and PostgreSQL answers) before any task is taken
        task._engines.clear()  # the forked processes open their own connections
        app = make_app(ready)
        node = name or f"touchpoint-auditor@{socket.gethostname()}"
        argv: list[Any] = ["worker", f"--concurrency={concurrency}", "--pool=prefork", f"--hostname={node}",
                           f"--queues={ready.settings.queue}", f"--loglevel={loglevel}", "--without-gossip",
                           "--without-mingle", "--without-heartbeat"]
        app.worker_main(argv)
