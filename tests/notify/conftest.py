"""Real receivers on 127.0.0.1: an aiohttp web server that records webhook POSTs and answers
from a script (500 then 200, …), and an aiosmtpd SMTP server that records messages
(optionally with STARTTLS or implicit TLS from a trustme CA, and a login)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

START_DEADLINE = 10.0  # seconds a receiver may take to start listening


def free_port() -> int:
    """A port nobody listens on (bound and released; a refused connection afterwards)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class WebhookReceiver:
    """Records every POST; answers the statuses of ``script`` in turn, then 200."""

    base_url: str = ""
    posts: list[Post] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    redirect_to: str | None = None

    def url(self, path: str = "/hook") -> str:
        return self.base_url + path


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as rec:
        yield rec


@contextlib.contextmanager
def webhook_receiver(ssl_context: Any = None) -> Iterator[WebhookReceiver]:
    """The receiver on 127.0.0.1 in its own thread and event loop (``send_notifications`` blocks)."""
    rec = WebhookReceiver()
    started = threading.Event()
    loop = asyncio.new_event_loop()

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        rec.posts.append(Post(request.path_qs, dict(request.headers), json.loads(raw.decode("utf-8"))))
        if request.path == "/moved":
            raise web.HTTPFound("/hook")
        status = rec.script.pop(0) if rec.script else 200
        return web.Response(status=status, text="ok" if status == 200 else f"nope {status}\nsecond line")

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        rec.base_url = f"{'https' if ssl_context else 'http'}://{'localhost' if ssl_context else '127.0.0.1'}:{port}"
        return runner

    holder: dict[str, web.AppRunner] = {}

    def serve() -> None:
        asyncio.set_event_loop(loop)
        holder["runner"] = loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(START_DEADLINE), "webhook receiver did not start"
    try:
        yield rec
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(START_DEADLINE)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_DEADLINE)
        loop.close()


class RecordingHandler:
    """aiosmtpd handler: keeps each accepted message; answers ``script`` codes to DATA first."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.script: list[str] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # the hook name aiosmtpd calls
        if self.script:
            return self.script.pop(0)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((user, password))
            if (user, password) == ("bureau", "s3cret"):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler
    ca_file: Path | None = None


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


@contextlib.contextmanager
def smtp_server(mode: str = "none", tls: tuple[trustme.CA, Path] | None = None) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1; ``mode`` none, starttls (login required over TLS) or ssl."""
    import ssl

    handler = RecordingHandler()
    kwargs: dict[str, Any] = {}
    ca_file = None
    if mode != "none":
        assert tls is not None
        ca, ca_file = tls
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, auth_required=True, auth_require_tls=True,
                          authenticator=handler.authenticate)
        else:
            kwargs.update(ssl_context=context, server_hostname="localhost")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=START_DEADLINE, **kwargs)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler, ca_file)
    finally:
        controller.stop()
