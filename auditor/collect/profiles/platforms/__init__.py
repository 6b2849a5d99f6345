"""Platform adapters for the profile visitor: one small module per platform.

Each module in this package that defines ``PLATFORM`` (an instance of
``auditor.collect.profiles.platforms.base.Platform``) is an adapter; adding a platform is adding one
file (see docs/profiles.md). The adapter says which URLs are profiles, what the platform's
"not found" and login pages look like, and where the newest public post date is.

    from auditor.collect.profiles import platforms
    ref = platforms.match("https://www.youtube.com/@groenhuis")   # ProfileRef or None
    platforms.get(ref.platform).observe(fetched, page)  # facts; checks.profiles.verdict judges them
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from auditor.collect.profiles.platforms.base import Platform, ProfileRef

__all__ = ["Platform", "ProfileRef", "all_platforms", "get", "is_platform_url", "match"]


@cache
def all_platforms() -> tuple[Platform, ...]:
    """Every adapter in this package, specific hosts first, catch-all adapters last."""
    found: list[Platform] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        adapter = getattr(module, "PLATFORM", None)
        if isinstance(adapter, Platform):
            found.append(adapter)
    names = [p.name for p in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"platform adapters claim the same name twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda p: (p.order, p.name)))


def get(name: str) -> Platform:
    return next(p for p in all_platforms() if p.name == name)


def match(url: str, *, declared: bool = False) -> ProfileRef | None:
    """The profile ``url`` points to, or None (a post, a share button, not a platform)."""
    for platform in all_platforms():
        ref = platform.match(url, declared=declared)
        if ref is not None:
            return ref
    return None


def is_platform_url(url: str) -> bool:
    """Whether ``url`` is on a platform's host (a profile's link to another profile, or to
    itself, is not the organisation's website)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return any(p.owns(host) for p in all_platforms())
