"""Helpers for check authors: hand-built pages, an in-memory site, YAML pass/fail cases.

No network, no browser: a check is tested on artifacts made by hand, as Lighthouse audits
are. The same extractor the crawler uses turns HTML into a ``Page``, so links and anchors
are what a real crawl would give.

    from auditor.testing import make_page, run_check
    result = run_check(MyCheck, pages=[make_page("https://ex.nl/", "<html>…</html>")])
    assert [f.code for f in result.findings] == ["ACM101"]

YAML cases (``load_cases``)::

    check: TP101
    cases:
      - name: a 404 is broken
        pages:
          - {url: "https://ex.nl/", html: '<a href="/gone">old</a>'}
        results:
          - {url: "https://ex.nl/gone", status: 404}
        expect:
          - {target: "https://ex.nl/gone", occurrences: 1}
      - name: a working link passes
        pages: [{url: "https://ex.nl/", html: '<a href="/">home</a>'}]
        expect: []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from auditor.check import DOCUMENT_TYPES, Check, CheckContext, LinkRef, LinkTarget, PageCheck, SiteCheck
from auditor.errors import CheckOutcome
from auditor.html.charset import detect_encoding
from auditor.html.extract import extract
from auditor.isolation import CheckTimeout, MalformedFinding, run_isolated
from auditor.model import Finding, Hop, LinkResult
from auditor.page import Page
from auditor.urls import Scope, normalise

__all__ = ["Case", "CheckRun", "MemorySite", "load_cases", "make_page", "make_result", "run_check"]


def make_page(url: str, html: str | bytes = "", *, status: int = 200, headers: Mapping[str, str] | None = None,
              content_type: str = "text/html; charset=utf-8", redirects: Sequence[Hop] = (),
              depth: int = 0, final_url: str | None = None, truncated: bool = False) -> Page:
    """A page as the crawler would have stored it, parsed with the crawler's extractor
    (``truncated``: cut at ``max_body_bytes``)."""
    url, _ = normalise(url, strip_params=False)
    body = html.encode("utf-8") if isinstance(html, str) else html
    encoding = detect_encoding(body, content_type)
    final = final_url or url
    ex = extract(body, encoding, final)
    hdrs = {"content-type": content_type, **{k.lower(): v for k, v in (headers or {}).items()}}
    return Page(url=url, final_url=final, status=status, body=body, encoding=encoding, headers=hdrs,
                redirects=tuple(redirects), content_type=content_type, language=ex.language, title=ex.title,
                links=ex.links, anchors=ex.anchors, depth=depth, truncated=truncated, _tree=ex.tree)


def make_result(url: str, status: int | None = 200, *, error: str | None = None,
                redirects: Sequence[Sequence[Any]] = (), headers: Mapping[str, str] | None = None,
                snippet: str = "", final_url: str | None = None, content_type: str | None = None) -> LinkResult:
    """A link status as the crawler would have recorded it."""
    hops = tuple(h if isinstance(h, Hop) else Hop(str(h[0]), int(h[1]), str(h[2])) for h in redirects)
    final = final_url or (hops[-1].location if hops else url)
    return LinkResult(url=url, status=status, final_url=final, redirects=hops, error=error,
                      headers=dict(headers or {}), snippet=snippet, content_type=content_type)


class MemorySite:
    """A ``SiteView`` over hand-built pages and link results (what the run store gives checks)."""

    def __init__(self, pages: Iterable[Page], results: Iterable[LinkResult] = (), *,
                 start_url: str | None = None, artifacts: Mapping[str, Any] | None = None,
                 page_artifacts: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._pages = {p.url: p for p in pages}
        self.start_url = start_url or next(iter(self._pages), "https://example.nl/")
        self._scope = Scope(self.start_url)
        self._results = {r.url: r for r in results}
        for page in self._pages.values():  # a crawled page is also a checked URL
            self._results.setdefault(page.url, LinkResult(page.url, page.status, page.final_url,
                                                          page.redirects, content_type=page.content_type))
        self._artifacts = dict(artifacts or {})
        self._page_artifacts = {name: dict(by_url) for name, by_url in (page_artifacts or {}).items()}

    def is_internal(self, url: str) -> bool:
        return self._scope.is_internal(url)

    def pages(self) -> Iterator[Page]:
        yield from (self._pages[u] for u in sorted(self._pages))

    def page(self, url: str) -> Page | None:
        return self._pages.get(url) or next((p for p in self._pages.values() if p.final_url == url), None)

    def anchors(self, url: str) -> frozenset[str] | None:
        page = self.page(url)
        return page.anchors if page is not None else None

    def link_result(self, url: str) -> LinkResult | None:
        return self._results.get(url)

    def link_targets(self, which: str = "all") -> Iterator[LinkTarget]:
        groups: dict[str, list[LinkRef]] = {}
        for page in self.pages():
            for ln in page.links:
                groups.setdefault(ln.url, []).append(LinkRef(page.url, ln.url, ln.fragment, ln.text, ln.element))
        refreshing = {p.url for p in self._pages.values() if any(ln.element == "meta-refresh" for ln in p.links)}
        for target in sorted(groups):
            result, refs = self._results.get(target), groups[target]
            if which == "refresh":
                refs = [r for r in refs if r.element == "meta-refresh" or target in refreshing]
            if which == "attention" and (result is None or not (
                    result.error or result.status is None or result.status >= 400 or result.redirects)):
                continue
            if which == "fragments":
                refs = [r for r in refs if r.fragment is not None]
            if which == "unmatched_fragments":
                refs = [r for r in refs if r.fragment is not None and not self._fragment_matches(r, result)]
            if which == "external" and self.is_internal(target):
                continue
            if which == "non_html" and (result is None or not result.content_type
                                        or "html" in result.content_type):
                continue
            if which == "documents" and (result is None or not (result.content_type or "").lower().startswith(
                    DOCUMENT_TYPES)):
                continue
            if refs:
                yield LinkTarget(target, result, refs)

    def _fragment_matches(self, ref: LinkRef, result: LinkResult | None) -> bool:
        """The run store's rule for ``unmatched_fragments``: the fragment, as written, is an id
        of the page stored under the target URL, which did not redirect."""
        page = self._pages.get(ref.target)
        return (page is not None and "%" not in (ref.fragment or "") and (ref.fragment or "") in page.anchors
                and (result is None or (result.final_url or ref.target) == ref.target))

    def artifact(self, name: str) -> Any:
        return self._artifacts.get(name)

    def page_artifacts(self, name: str) -> Iterator[tuple[str, Any]]:
        yield from sorted(self._page_artifacts.get(name, {}).items())


@dataclass
class CheckRun:
    """What one check gave: its findings, and its status with the reason."""

    findings: list[Finding]
    status: str
    reason: str | None = None

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


def run_check(check: type[Check] | Check, pages: Iterable[Page] = (), results: Iterable[LinkResult] = (), *,
              options: Mapping[str, Any] | None = None, as_of: dt.date | None = None,
              artifacts: Mapping[str, Any] | None = None, start_url: str | None = None,
              page_artifacts: Mapping[str, Mapping[str, Any]] | None = None) -> CheckRun:
    """Run one check over hand-built artifacts as the runner would (merging by fingerprint).

    ``artifacts`` are run-level (``ctx.artifact(name)``, ``site.artifact(name)``);
    ``page_artifacts`` maps an artifact name to ``{url: data}`` (``site.page_artifacts``).
    """
    from auditor.runner import merge_findings

    instance = check if isinstance(check, Check) else check(options)
    pages = list(pages)
    site = MemorySite(pages, results, start_url=start_url, artifacts=artifacts, page_artifacts=page_artifacts)
    ctx = CheckContext(start_url=site.start_url, as_of=as_of or dt.date.today(), artifacts=dict(artifacts or {}))
    found: list[Finding] = []
    try:
        if isinstance(instance, PageCheck):
            for page in pages:
                found.extend(run_isolated(instance, partial(instance.check_page, page, ctx), ctx.page_time_limit,
                                          f"{instance.code} on {page.url}"))
        elif isinstance(instance, SiteCheck):
            found.extend(run_isolated(instance, lambda: instance.check_site(site, ctx), ctx.site_time_limit,
                                      instance.code))
        else:
            raise TypeError(f"{type(instance).__name__} is neither a PageCheck nor a SiteCheck")
    except CheckOutcome as outcome:
        return CheckRun(merge_findings(found, ctx.max_locations), outcome.status, outcome.reason)
    except (CheckTimeout, MalformedFinding) as exc:
        return CheckRun([], "errored", str(exc))
    merged = merge_findings(found, ctx.max_locations)
    return CheckRun(merged, "failed" if merged else "passed")


@dataclass
class Case:
    """One YAML pass/fail case."""

    name: str
    check: str
    pages: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    expect: list[dict[str, Any]] = field(default_factory=list)
    expect_status: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, Any] = field(default_factory=dict)
    page_artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    start_url: str | None = None
    as_of: str | None = None

    def run(self, check_cls: type[Check]) -> CheckRun:
        pages = [make_page(p["url"], p.get("html", ""), status=p.get("status", 200),
                           headers=p.get("headers"), content_type=p.get("content_type", "text/html; charset=utf-8"),
                           truncated=p.get("truncated", False))
                 for p in self.pages]
        results = [make_result(r["url"], r.get("status"), error=r.get("error"), redirects=r.get("redirects", ()),
                               headers=r.get("headers"), snippet=r.get("snippet", ""),
                               content_type=r.get("content_type"))
                   for r in self.results]
        as_of = dt.date.fromisoformat(self.as_of) if self.as_of else None
        return run_check(check_cls, pages, results, options=self.options, as_of=as_of,
                         artifacts=self.artifacts, start_url=self.start_url, page_artifacts=self.page_artifacts)

    def verify(self, check_cls: type[Check]) -> CheckRun:
        """Run the case and raise AssertionError naming what differs from ``expect``."""
        got = self.run(check_cls)
        if self.expect_status and got.status != self.expect_status:
            raise AssertionError(f"{self.name}: status {got.status!r} ({got.reason}), expected {self.expect_status!r}")
        if len(got.findings) != len(self.expect):
            raise AssertionError(f"{self.name}: {len(got.findings)} findings, expected {len(self.expect)}: "
                                 f"{[(f.code, f.target or f.url) for f in got.findings]}")
        unmatched = list(got.findings)
        for want in self.expect:
            match = next((f for f in unmatched if all(_field(f, k) == v for k, v in want.items())), None)
            if match is None:
                raise AssertionError(f"{self.name}: no finding matches {want}; got "
                                     f"{[(f.code, f.target, f.url, f.occurrences) for f in unmatched]}")
            unmatched.remove(match)
        return got


def _field(finding: Finding, key: str) -> Any:
    if key.startswith("evidence."):
        return finding.evidence.get(key.split(".", 1)[1])
    return getattr(finding, key)


def load_cases(path: str | Path) -> list[Case]:
    """Read a YAML file of cases for one check (see the module docstring for the format)."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    check = data["check"]
    return [Case(check=check, **case) for case in data["cases"]]
