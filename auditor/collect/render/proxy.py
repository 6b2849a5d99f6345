"""The browser's way out: a local forward proxy that applies the private-address guard.

Playwright's request routing sees only the first request of a redirect chain: a page on
the audited site can redirect an image or a frame to ``http://127.0.0.1:8080/admin`` and
Chromium follows it without asking. So the browser sends *all* its traffic through this
proxy (``--proxy-server``, loopback not bypassed), which resolves each host itself — with
the run's ``--resolve`` rules — and refuses, before connecting, every address the
``AddressPolicy`` refuses: the same rule, at connect time, as the crawler's connections.

HTTPS goes through ``CONNECT`` tunnels (TLS stays end to end between Chromium and the
site); plain HTTP requests are forwarded one per connection (``Connection: close``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from auditor.collect.guard import AddressPolicy, BlockedAddress
from auditor.config import Resolve

MAX_HEAD = 65_536
CONNECT_TIMEOUT = 15.0
_HOP_HEADERS = (b"proxy-connection", b"connection", b"keep-alive", b"proxy-authorization")


class GuardProxy:
    """``async with GuardProxy(policy, resolves) as proxy``: ``proxy.url`` for Chromium;
    ``proxy.refused`` maps each refused host to the reason (for the run's notes)."""

    def __init__(self, policy: AddressPolicy, resolves: Sequence[Resolve] = ()) -> None:
        self.policy = policy
        self.rules = {(r.host, r.port): r for r in resolves}
        self.refused: dict[str, str] = {}
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> GuardProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_HEAD)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def addresses(self, host: str, port: int) -> list[tuple[str, int]]:
        """Where ``host``:``port`` may be connected to; raises ``BlockedAddress`` when nowhere."""
        host = host.lower().rstrip(".").strip("[]")
        rule = self.rules.get((host, port))
        if rule is not None:
            found = [(rule.address, rule.address_port or port)]
        else:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found = [(str(info[4][0]), port) for info in infos]
        allowed, refusal = [], None
        for address, to_port in found:
            why = self.policy.refusal(host, address, to_port)
            if why is None:
                allowed.append((address, to_port))
            elif refusal is None:
                refusal = why
        if not allowed and refusal is not None:
            self.refused.setdefault(host, str(refusal))
            raise refusal
        return allowed

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._one(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError):
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, _, rest = head.partition(b"\r\n")
        method, target, version = request_line.decode("latin-1").split(" ", 2)
        if method == "CONNECT":
            host, _, port_text = target.rpartition(":")
            upstream = await self._open(host, int(port_text), writer)
            if upstream is None:
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await self._splice(reader, writer, *upstream)
            return
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        upstream = await self._open(parts.hostname, parts.port or 80, writer)
        if upstream is None:
            return
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [line for line in rest.split(b"\r\n")
                   if line and line.split(b":", 1)[0].strip().lower() not in _HOP_HEADERS]
        upstream[1].write(f"{method} {path} {version}\r\n".encode("latin-1") + b"\r\n".join(headers)
                          + b"\r\nConnection: close\r\n\r\n")
        await self._splice(reader, writer, *upstream)

    async def _open(self, host: str, port: int, writer: asyncio.StreamWriter,
                    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            addresses = await self.addresses(host, port)
        except BlockedAddress as refusal:
            body = str(refusal).encode()
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                         + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            return None
        except OSError:
            addresses = []
        for address, to_port in addresses:
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, to_port), CONNECT_TIMEOUT)
            except (OSError, TimeoutError):
                continue
        writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return None

    async def _splice(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter) -> None:
        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65_536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        try:
            await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        finally:
            with contextlib.suppress(Exception):
                up_writer.close()
