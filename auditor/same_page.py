"""Addresses that serve the same page, and the address to keep for each.

``/x`` and ``/x.html``, ``/x/`` and ``/x/index.html``, a ``?utm_source=`` variant: a site
often answers one page at several addresses, and the crawl stores each as a page of its
own. Their bodies hash the same (the store keeps a content hash per page). Two consumers
need the same sets: TP109 (``checks.duplicates``) reports each set once, and the runner's
merge (``auditor.runner.merge_findings``) reports a defect of such a page once, naming every
address, instead of once per address. Both read them here, so they agree.

The address to keep is the canonical the pages declare when they all declare the same one
(``<link rel="canonical">``), else the shortest (then the first in sort order).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from auditor.check import SiteView
from auditor.model import Finding, Location, severity_rank
from auditor.page import Page


@dataclass(frozen=True)
class SamePage:
    """One page served at several addresses (``addresses`` sorted shortest first)."""

    addresses: tuple[str, ...]
    keep: str
    declared: str | None  # the canonical all the pages declare, if they agree on one


def content_hashes(site: SiteView) -> Iterator[tuple[str, str]]:
    """``(url, content hash)`` of the pages that answered 200 with a whole body (the run store
    gives only those whose hash another page shares)."""
    stored = getattr(site, "content_hashes", None)
    if stored is not None:  # the run store: from SQL, no page read
        yield from stored()
        return
    for page in site.pages():  # hand-built sites (auditor.testing)
        if page.status == 200 and page.body and not page.truncated:  # a cut body is not the page
            yield page.url, hashlib.sha1(page.body, usedforsecurity=False).hexdigest()


def _head_page(site: SiteView, url: str) -> Page | None:
    """The stored page without its links where the store can (the run store reads a page's
    links by a scan of the links table: 60-220 ms on a 5,000-page run, per page)."""
    if "with_links" in inspect.signature(site.page).parameters:
        return site.page(url, with_links=False)  # type: ignore[call-arg]
    return site.page(url)


def declared_canonical(site: SiteView, url: str) -> str | None:
    """The page's ``<link rel="canonical">``, resolved as a browser would; None without one."""
    page = _head_page(site, url)
    if page is None:
        return None
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            from auditor.urls import resolve

            resolved = resolve(url, link.get("href") or "", strip_params=False)
            return resolved[0] if resolved is not None else None
    return None


def same_pages(site: SiteView) -> list[SamePage]:
    """Every set of two or more addresses whose pages hash the same, in a stable order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for url, digest in content_hashes(site):
        if digest:
            groups[digest].append(url)
    found = []
    for urls in groups.values():
        if len(set(urls)) < 2:
            continue
        ordered = tuple(sorted(set(urls), key=lambda u: (len(u), u)))
        canonicals = {declared_canonical(site, u) for u in ordered}
        declared = canonicals.pop() if len(canonicals) == 1 else None
        found.append(SamePage(ordered, declared or ordered[0], declared))
    found.sort(key=lambda s: s.addresses)
    return found


def representatives(sets: list[SamePage]) -> dict[str, str]:
    """Address -> the address to keep, for every address of every set (the kept one too)."""
    return {url: s.keep for s in sets for url in s.addresses}


# -- one finding per defect of a page served at several addresses ------------------------
_URL = re.compile(r"https?://[^\s\"'<>()\[\]{}]+")
_TRAILING = ".,;:!?…"


def _map_text(text: str, reps: Mapping[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        url = m.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:  # "… at https://x.nl/a." : the full stop is prose
            url, tail = url[:-1], url[-1] + tail
        address, hash_, fragment = url.partition("#")
        return reps.get(address, address) + hash_ + fragment + tail

    return _URL.sub(one, text) if "://" in text else text


def _map_value(value: Any, reps: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _map_text(value, reps)
    if isinstance(value, Mapping):
        return {k: _map_value(v, reps) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_map_value(v, reps) for v in value]
    return value


def _addresses(f: Finding) -> list[str]:
    return [loc.url for loc in f.locations] or [f.url]


def _defect(f: Finding, reps: Mapping[str, str]) -> str:
    """What the finding says with every address of a duplicated page read as the address to
    keep: two findings with the same defect are one defect of one page."""
    return json.dumps([f.code, sorted({reps.get(u, u) for u in _addresses(f)}), _map_value(f.target, reps),
                       _map_text(f.message, reps), _map_value(dict(f.evidence), reps)],
                      sort_keys=True, default=str)


def merge_same_page(findings: list[Finding], reps: Mapping[str, str], max_locations: int) -> list[Finding]:
    """Findings already merged by fingerprint, with the findings that are one defect of one
    page served at several addresses (``reps``: address -> address to keep) merged into one:
    its locations are all of theirs, ``same_page`` names the page's addresses where it was
    seen, and it keeps the fingerprint (and so the history) of the finding at the address to
    keep. A finding that lists two addresses of one page itself (a broken link on both) gets
    ``same_page`` too. Findings of other pages pass unchanged."""
    if not reps:
        return findings
    groups: dict[str, list[Finding]] = {}
    order: list[tuple[str, Finding]] = []
    for f in findings:
        if f.code != "TP109" and any(u in reps for u in _addresses(f)):
            key = _defect(f, reps)
            if key not in groups:
                order.append((key, f))
            groups.setdefault(key, []).append(f)
        else:
            order.append(("", f))
    out = []
    for key, f in order:
        out.append(_merged(groups[key], reps, max_locations) if key else f)
    return out


def _merged(group: list[Finding], reps: Mapping[str, str], max_locations: int) -> Finding:
    kept = [f for f in group if f.url == reps.get(f.url)]
    first = min(kept or group, key=lambda f: (-severity_rank(f.severity), f.url))
    worst = max(group, key=lambda f: severity_rank(f.severity))
    locs: dict[tuple[str, str, str], Location] = {}
    for f in [first, *[g for g in group if g is not first]]:
        for loc in f.locations:
            if len(locs) < max_locations:
                locs.setdefault((loc.url, loc.text, loc.element), loc)
    ordered = tuple(sorted(locs.values(), key=lambda loc: (loc.url, loc.text)))
    seen = {u for f in group for u in _addresses(f)}
    by_page: dict[str, set[str]] = {}
    for u in seen:
        if u in reps:
            by_page.setdefault(reps[u], set()).add(u)
    same = [u for rep, urls in sorted(by_page.items()) if len(urls) > 1
            for u in [rep] * (rep in urls) + sorted(urls - {rep}, key=lambda x: (len(x), x))]
    occurrences = sum(f.occurrences for f in group) if len(group) > 1 else first.occurrences
    return replace(first, severity=worst.severity, locations=ordered or first.locations,
                   occurrences=max(occurrences, len(ordered), 1), same_page=tuple(same))
