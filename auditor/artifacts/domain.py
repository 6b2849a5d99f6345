"""Artifact of the domain collector: how the site's http/https and www/bare addresses answer,
and the certificate each host presents. The impression checks (TP815–TP817) judge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.artifacts import Artifact

__all__ = ["AddressAnswer", "CertificateFacts", "DomainFacts"]


@dataclass(frozen=True)
class AddressAnswer:
    """One fetch of an address variant, redirects followed hop by hop ``(url, status, location)``."""

    url: str = ""
    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    detail: str | None = None
    hops: tuple[tuple[str, int, str], ...] = ()

    @property
    def answers(self) -> bool:
        """It answered, without an error, below 400."""
        return self.status is not None and self.status < 400 and not self.error


@dataclass(frozen=True)
class CertificateFacts:
    """What the TLS handshake with ``host`` showed, verified as a browser does; ``error`` is
    expired, hostname, untrusted, connect or tls; ``not_after`` an ISO date and time (UTC)."""

    host: str = ""
    port: int = 443
    trusted: bool = False
    error: str | None = None
    detail: str | None = None
    not_after: str | None = None
    names: tuple[str, ...] = ()
    issuer: str | None = None


@dataclass(frozen=True)
class DomainFacts(Artifact):
    """Run-level ``domain``: the start URL, its host and the www or bare form (``other_host``),
    the answers of ``http``, ``https``, ``other_http`` and ``other_https``, the certificates."""

    NAME = "domain"

    start_url: str = ""
    host: str = ""
    other_host: str | None = None
    addresses: dict[str, AddressAnswer] = field(default_factory=dict)
    certificates: dict[str, CertificateFacts] = field(default_factory=dict)
