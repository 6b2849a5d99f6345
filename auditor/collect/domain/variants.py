"""The addresses a prospect may type for the site: ``http://`` and ``https://``, with and
without ``www.``, and where each of them ends up (every hop recorded)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def host_variants(start_url: str) -> tuple[str, str]:
    """``(host, the other form)``: ``www.x.nl`` and ``x.nl`` in either order. An IP address
    or a single-label host has no other form (``""``)."""
    host = (urlsplit(start_url).hostname or "").lower()
    if not host or host.replace(".", "").isdigit() or ":" in host or "." not in host:
        return host, ""
    other = host[4:] if host.startswith("www.") else f"www.{host}"
    return host, other


def variant_urls(start_url: str) -> dict[str, str]:
    """The four addresses to try, by name (``http``, ``https``, ``other_http``, ``other_https``),
    each with the start URL's port for its scheme when it has one."""
    parts = urlsplit(start_url)
    host, other = host_variants(start_url)
    port = parts.port
    scheme = parts.scheme
    out: dict[str, str] = {}
    for name, h in (("", host), ("other_", other)):
        if not h:
            continue
        for s in ("http", "https"):
            suffix = f":{port}" if port and s == scheme else ""
            out[f"{name}{s}"] = f"{s}://{h}{suffix}/"
    return out


def outcome(res: Any) -> dict[str, Any]:
    """The plain-JSON record of one fetch (``auditor.collect.http.Response``)."""
    return {"url": res.url, "status": res.status, "final_url": res.final_url, "error": res.error,
            "detail": (res.error_detail or "")[:300] or None,
            "hops": [[h.url, h.status, h.location] for h in res.hops]}
