"""Serve a directory with a private nginx on a free 127.0.0.1 port.

Every tool in the benchmark crawls the same server in the same run, so the
server must be fast enough never to be the bottleneck (nginx from Debian,
static files, keep-alive, no access log) and must be started and stopped by
the benchmark itself: its own prefix directory in a temp dir, foreground
(``daemon off``) so that it dies with us and no pid file hunt is needed.
"""

from __future__ import annotations

import ctypes
import http.client
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

NGINX = "/usr/sbin/nginx"
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in the child before exec: have the kernel stop nginx if the harness dies.

    A harness killed with SIGKILL cannot run its clean-up, and a leftover
    nginx would hold the port and the prefix directory.
    """
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """Ask the kernel for a free loopback port (tiny race before nginx binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_version() -> str:
    """`nginx -v` prints to stderr, e.g. ``nginx version: nginx/1.22.1``."""
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False)
    return out.stderr.strip().removeprefix("nginx version: ")


class NginxServer:
    """Context manager: ``with NginxServer(root) as srv: srv.base_url``."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = root.resolve()
        self.port = port or free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The site's root URL, with a trailing slash."""
        return f"http://127.0.0.1:{self.port}/"

    def write_config(self) -> Path:
        """Fill the template's placeholders; return the config path."""
        text = TEMPLATE.read_text()
        for name, value in {"PREFIX": self.prefix, "ROOT": self.root, "PORT": self.port}.items():
            text = text.replace(f"@{name}@", str(value))
        (self.prefix / "tmp").mkdir()
        conf = self.prefix / "nginx.conf"
        conf.write_text(text)
        return conf

    def start(self) -> None:
        """Start nginx in the foreground and wait until it answers."""
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} not found: install nginx (apt-get install -y nginx-light)")
        conf = self.write_config()
        argv = [NGINX, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "error.log")]
        argv += ["-g", "daemon off;"]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=die_with_parent
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Poll ``GET /`` until it returns 200, or fail with nginx's own message."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {err.strip()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not answer on port {self.port} within {timeout}s")

    def stop(self) -> None:
        """Stop nginx (fast shutdown) and remove its prefix directory."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> NginxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
