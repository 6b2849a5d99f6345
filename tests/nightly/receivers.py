"""Real receivers for notifications, on 127.0.0.1: an aiohttp webhook endpoint and an
aiosmtpd SMTP server. Both record what they get before they answer, so once
``send_notifications`` has returned, everything it delivered is already recorded: the tests
read the lists directly, with no waiting."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller

from tests.postgres import free_port


@dataclass
class Webhook:
    url: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def webhook_receiver() -> Iterator[Webhook]:
    """A JSON webhook endpoint (``POST /hook``) answering 200 and keeping every payload."""
    hook = Webhook()

    async def receive(request: web.Request) -> web.Response:
        hook.posts.append(json.loads(await request.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        hook.url = f"http://127.0.0.1:{port}/hook"

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True, name="webhook-receiver")
    thread.start()
    assert started.wait(10), "webhook receiver did not start"
    try:
        yield hook
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def attachments(self) -> dict[str, bytes]:
        """Attached files by name, as the bytes a recipient saves (transfer encoding undone)."""
        return {part.get_filename(): part.get_payload(decode=True) for part in self.message.iter_attachments()}


class _Collect:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # aiosmtpd calls it so
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    mails: list[Mail]


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 keeping every message it accepts."""
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()  # returns once the server answers
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler.mails)
    finally:
        controller.stop()
