"""Real receivers for notifications, on 127.0.0.1: an aiohttp webhook endpoint and an
aiosmtpd SMTP server. Both record what they get before they answer, so once
``send_notifications`` has returned, everything it delivered is already recorded: the tests
read the lists directly, with no waiting."""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller

from auditor.devserver import serve_app
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
    with serve_app(app, name="webhook-receiver") as base_url:
        hook.url = f"{base_url}hook"
        yield hook


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
