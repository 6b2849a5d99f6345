"""Is name resolution working in this run? Judged once per crawl from every host looked up.

A definite NXDOMAIN for one partner's domain is a broken link. The same answer for most of
the external host names of one run means the lookups themselves failed — no network, a
DNS server that is down, a sandbox — and then no link is broken for that reason: the
links are unverifiable, and the report's limits say why. Lookups that fail without a
definite answer (``dns-failed``: the DNS server did not answer) never make a link broken.
"""

from __future__ import annotations

from typing import Any

from auditor.urls import Scope

MIN_FAILED_HOSTS = 3  # fewer failing names are judged one by one


def dns_health(lookups: dict[str, str], scope: Scope) -> dict[str, Any]:
    """``lookups``: host (``name[:port]``) → "ok" or the DNS failure kind, from the fetcher.
    Returns the run's ``network`` artifact: counts, a few examples, and ``dns_unavailable``
    when most external names failed (at least ``MIN_FAILED_HOSTS``)."""
    external = {host: kind for host, kind in lookups.items() if not scope.is_internal(f"http://{host}/")}
    failed = sorted(host for host, kind in external.items() if kind != "ok")
    unavailable = len(failed) >= MIN_FAILED_HOSTS and len(failed) * 2 > len(external)
    return {"external_hosts": len(external), "failed_hosts": len(failed), "examples": failed[:5],
            "dns_unavailable": unavailable}


def dns_note(health: dict[str, Any]) -> str | None:
    """The run note (the report's limits section) when DNS was unavailable."""
    if not health.get("dns_unavailable"):
        return None
    return (f"network or DNS unavailable: {health['failed_hosts']} of {health['external_hosts']} external host "
            f"names could not be looked up (e.g. {', '.join(health['examples'][:3])}); their links are "
            "listed as unverifiable (TP107), not as broken")
