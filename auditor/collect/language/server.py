"""A LanguageTool HTTP server on 127.0.0.1, started from the jars that
``scripts/setup-languagetool.sh`` fetched from Maven Central.

Why our own start-up and not language-tool-python's: the package starts only the zip it
downloads itself, which these machines cannot reach. We start the same server class from
the Maven jars, wait until it answers (with a deadline, never a fixed sleep), let
language-tool-python talk to it as a remote server, and stop it when the audit ends.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

MAIN_CLASS = "org.languagetool.server.HTTPServer"
DEFAULT_VERSION = "6.7"
STARTUP_TIMEOUT = 180.0  # loading the language modules on a busy 2-core machine
_REPO_ROOT = Path(__file__).resolve().parents[3]


def _libc_prctl() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the server is stopped by the audit only
        return None


_PRCTL = _libc_prctl()  # resolved before any fork: the child only calls it


def _die_with_parent() -> None:
    """In the forked child, before exec: SIGTERM when the parent goes (PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)


class ServerError(Exception):
    """The server could not be started or did not answer in time."""


def cache_root() -> Path:
    """Where the set-up script puts LanguageTool: ``$TOUCHPOINT_LANGUAGETOOL_HOME`` or
    ``.cache/languagetool`` in the source tree."""
    env = os.environ.get("TOUCHPOINT_LANGUAGETOOL_HOME")
    return Path(env) if env else _REPO_ROOT / ".cache" / "languagetool"


def find_jars(directory: str | Path | None = None, version: str = DEFAULT_VERSION) -> Path | None:
    """The folder of LanguageTool jars to start: ``directory`` (a ``lib`` folder or its parent)
    when given, else the set-up script's cache for ``version``; None when absent."""
    if directory:
        base = Path(directory).expanduser()
        candidates = [base / "lib", base]
    else:
        candidates = [cache_root() / version / "lib"]
    for folder in candidates:
        if folder.is_dir() and any(folder.glob("languagetool-server-*.jar")):
            return folder
    return None


def jar_version(jars: Path) -> str:
    """The LanguageTool version of a jar folder, from the server jar's name."""
    for jar in sorted(Path(jars).glob("languagetool-server-*.jar")):
        return jar.name.removeprefix("languagetool-server-").removesuffix(".jar")
    return "unknown"


def java_command() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when ``url``'s ``/v2/languages`` answers with a JSON list (the server is ready)."""
    try:
        with urllib.request.urlopen(urllib.parse.urljoin(url, "v2/languages"), timeout=timeout) as resp:
            return resp.status == 200 and isinstance(json.loads(resp.read(1_000_000)), list)
    except (OSError, ValueError):
        return False


def server_version(url: str, timeout: float = 60.0) -> str:
    """The server's LanguageTool version (part of the cache key: a new version checks anew)."""
    data = urllib.parse.urlencode({"text": "ok", "language": "en-US"}).encode()
    try:
        with urllib.request.urlopen(urllib.parse.urljoin(url, "v2/check"), data, timeout=timeout) as resp:
            software = json.loads(resp.read(1_000_000)).get("software") or {}
    except (OSError, ValueError):
        return "unknown"
    return f"{software.get('version', 'unknown')}"


class LocalServer:
    """``with LocalServer(jars) as url:`` a LanguageTool server on a free loopback port.

    The JVM's output goes to ``log_path`` (or nowhere); ``memory`` is its ``-Xmx``.
    """

    def __init__(self, jars: Path, *, memory: str = "1g", log_path: Path | None = None,
                 startup_timeout: float = STARTUP_TIMEOUT, java: str | None = None) -> None:
        self.jars = Path(jars)
        self.memory = memory
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.java = java or java_command()
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.attempts = 0
        self.launched_at = 0.0
        self.closed = False

    def start(self) -> str:
        """Start the server and wait until it answers; its URL."""
        if self.process is None:
            self.launch()
        return self.wait()

    def launch(self) -> None:
        """Start the JVM and return at once (``wait`` waits for it): the audit starts it as
        the crawl starts, so that loading the language modules overlaps crawling.

        The JVM is asked to die with the thread that started it (``PR_SET_PDEATHSIG``):
        an audit killed by SIGTERM or SIGKILL leaves no server behind.
        """
        if self.closed:
            raise ServerError("the audit is ending: LanguageTool is not started again")
        if not self.java:
            raise ServerError("no Java runtime (install openjdk-17-jre-headless)")
        self.attempts += 1
        port = free_port()
        log: IO[bytes] | int = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [self.java, f"-Xmx{self.memory}", "-Xss2m", "-cp", f"{self.jars}{os.sep}*", MAIN_CLASS,
                 "--port", str(port)],  # loopback only; no CORS: browsers have no business here
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            )
        finally:
            if not isinstance(log, int):
                log.close()
        self.url = f"http://127.0.0.1:{port}/"
        self.launched_at = time.monotonic()

    def wait(self) -> str:
        """Wait (with the start-up deadline) until the launched server answers; its URL."""
        last = "no answer"
        while self.process is not None:
            deadline = self.launched_at + self.startup_timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    last = f"the server exited with status {self.process.returncode}"
                    break
                if answers(self.url):
                    return self.url
                time.sleep(0.2)
            else:
                self.stop()
                raise ServerError(f"LanguageTool did not answer within {self.startup_timeout:g} s")
            if self.attempts >= 3:  # a port taken between choosing and binding: try another
                break
            self.launch()
        self.stop()
        raise ServerError(f"LanguageTool could not be started: {last}"
                          + (f" (see {self.log_path})" if self.log_path else ""))

    def close(self) -> None:
        """Stop the server for good: it is not launched again."""
        self.closed = True
        self.stop()

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
