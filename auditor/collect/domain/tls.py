"""The certificate a host presents: trusted or not, for which names, until when.

One TLS handshake per host, with the run's trust store (the system's, certifi's and
``--ca-bundle``) and the run's ``--resolve`` rules and private-address guard. A handshake
that fails verification says why (expired, wrong host, unknown issuer) in OpenSSL's own
words; one that succeeds gives the certificate's names and its ``notAfter``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import ssl
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from auditor.config import Resolve

HANDSHAKE_TIMEOUT = 10.0


@dataclass
class CertificateFacts:
    """What the handshake with ``host`` showed (plain JSON through ``to_dict``)."""

    host: str
    port: int
    trusted: bool = False
    error: str | None = None  # "expired", "hostname", "untrusted", "connect", "tls"
    detail: str | None = None
    not_after: str | None = None  # ISO date and time, UTC
    names: list[str] = field(default_factory=list)
    issuer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _endpoint(host: str, port: int, rules: Sequence[Resolve]) -> tuple[str, int]:
    for rule in rules:
        if rule.host == host.lower() and rule.port == port:
            return rule.address, rule.address_port or port
    return host, port


def _classify(exc: ssl.SSLCertVerificationError) -> str:
    message = (exc.verify_message or str(exc)).lower()
    if "expired" in message:
        return "expired"
    if "hostname" in message or "ip address mismatch" in message:
        return "hostname"
    return "untrusted"


def _not_after(cert: dict[str, Any]) -> str | None:
    value = cert.get("notAfter")
    if not value:
        return None
    stamp = ssl.cert_time_to_seconds(value)
    return dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat(timespec="seconds")


def _names(cert: dict[str, Any]) -> list[str]:
    return [value for kind, value in cert.get("subjectAltName", ()) if kind in ("DNS", "IP Address")][:50]


def _issuer(cert: dict[str, Any]) -> str | None:
    for rdn in cert.get("issuer", ()):
        for key, value in rdn:
            if key in ("organizationName", "commonName"):
                return str(value)[:200]
    return None


async def certificate(host: str, port: int, context: ssl.SSLContext, rules: Sequence[Resolve] = (),
                      policy: Any = None, timeout: float = HANDSHAKE_TIMEOUT) -> CertificateFacts:
    """Handshake with ``host`` (through ``--resolve`` rules and the address ``policy``)."""
    facts = CertificateFacts(host=host, port=port)
    address, real_port = _endpoint(host, port, rules)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(address, real_port, type=socket.SOCK_STREAM)
    except OSError as exc:
        facts.error, facts.detail = "connect", f"{host}: {exc}"
        return facts
    ip = str(infos[0][4][0])  # sockaddr: (address, port, …); the address is a str for AF_INET/AF_INET6
    refusal = policy.refusal(host, ip, real_port) if policy is not None else None
    if refusal is not None:
        facts.error, facts.detail = "connect", str(refusal)
        return facts
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(ip, real_port, ssl=context, server_hostname=host), timeout)
    except ssl.SSLCertVerificationError as exc:
        facts.error, facts.detail = _classify(exc), exc.verify_message or str(exc)
        return facts
    except ssl.SSLError as exc:
        facts.error, facts.detail = "tls", str(exc)[:300]
        return facts
    except (OSError, TimeoutError) as exc:
        facts.error, facts.detail = "connect", f"{host}:{port}: {exc or type(exc).__name__}"
        return facts
    try:
        cert = writer.get_extra_info("peercert") or {}
        facts.trusted = True
        facts.not_after, facts.names, facts.issuer = _not_after(cert), _names(cert), _issuer(cert)
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            await asyncio.wait_for(writer.wait_closed(), 2)
    return facts
