"""The domain collector: how the site's addresses answer and what certificates they show.

Provides the run artifact ``domain`` (``auditor.artifacts.domain.DomainFacts``) for the
impression family's domain checks (TP814–TP817): the answers of the site's http, https and
www/bare addresses with every redirect hop, and each https host's certificate.

It does the I/O and judges nothing: four GET requests (no body read) through the run's
fetcher, which follows redirects hop by hop, and one TLS handshake per host that answers
over https. ``--resolve`` and ``--ca-bundle`` apply as everywhere.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from auditor.artifacts import write
from auditor.artifacts.domain import DomainFacts
from auditor.collect.domain.tls import certificate
from auditor.collect.domain.variants import host_variants, outcome, variant_urls
from auditor.collect.http import ssl_context
from auditor.collector import CollectContext, Collector, CollectorSettings

__all__ = ["DomainCollector"]


def _no_body(status: int, headers: dict[str, str]) -> bool:
    return False


class DomainCollector(Collector):
    """Fetches the site's http/https and www/bare addresses and handshakes with each host."""

    name = "domain"
    provides = ("domain",)
    Settings = CollectorSettings  # none: a [collectors.domain] table is a mistake, said so

    async def collect(self, ctx: CollectContext) -> None:
        start = ctx.scope.start_url
        host, other = host_variants(start)
        urls = variant_urls(start)
        parts = urlsplit(start)
        urls["favicon"] = f"{parts.scheme}://{parts.netloc}/favicon.ico"  # asked for without a <link rel=icon>
        results = await asyncio.gather(*(ctx.fetcher.fetch(u, want_body=_no_body) for u in urls.values()))
        addresses = {name: outcome(res) for name, res in zip(urls, results, strict=True)}
        tls = ssl_context(ctx.config.crawl)
        rules = ctx.config.crawl.resolves()
        hosts: dict[str, int] = {}
        for name, url in urls.items():
            parts = urlsplit(url)
            if name == "favicon":
                continue
            record = addresses[name]
            if parts.scheme == "https" and (record["status"] is not None or record["error"] == "tls"):
                hosts.setdefault(parts.hostname or "", parts.port or 443)
        certs = await asyncio.gather(*(certificate(h, p, tls, rules, ctx.fetcher.policy) for h, p in hosts.items()))
        write(ctx.store, DomainFacts.from_json({
            "start_url": start, "host": host, "other_host": other or None, "addresses": addresses,
            "certificates": {c.host: c.to_dict() for c in certs},
        }))
