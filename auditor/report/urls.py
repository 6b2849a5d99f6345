"""``urls.csv`` (``--format urls``): every URL of the site the crawl fetched, one row each.

The inventory Screaming Frog users know as the "Internal" export, with its column names
where a column means the same (see ``docs/outputs.md``): status, content type, crawl depth,
inlinks and outlinks, title, description, canonical, language, size, response time, and
the rule codes of the findings on the URL. Unlike the other reporters it reads the run
store next to ``findings.json`` (the crawled URLs are not part of the ``AuditRun``), one
page at a time, so memory stays bounded; nothing is fetched.

The word count is counted here from the stored HTML (scripts, styles and tags left out),
so the crawl does not pay for it. Same file conventions as ``findings.csv`` (semicolons,
UTF-8 with BOM, CRLF, cells that look like formulas quoted with an apostrophe): page text
is untrusted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from auditor.html.head import HeadFacts
from auditor.model import AuditRun, LinkResult
from auditor.report.csv import DELIMITER, safe_cell
from auditor.report.files import replaced_atomically

__all__ = ["COLUMNS", "UrlsReporter", "rows", "word_count", "write_csv"]

COLUMNS = ("Address", "Content Type", "Status Code", "Status", "Indexability", "Indexability Status",
           "Title 1", "Title 1 Length", "Meta Description 1", "Meta Description 1 Length",
           "Canonical Link Element 1", "Meta Robots 1", "X-Robots-Tag 1", "Language", "Crawl Depth",
           "Inlinks", "Outlinks", "External Outlinks", "Word Count", "Size (bytes)", "Response Time",
           "Redirect URL", "Findings")
HYPERLINKS = ("a", "area")
_DROP = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(rb"<[^>]*>")
_WORD = re.compile(rb"[^\s<>&;]+")
_STATUS_TEXT = {200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
                303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
                400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 410: "Gone",
                429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 504: "Gateway Timeout"}


def word_count(body: bytes) -> int:
    """Words of an HTML body's text: scripts, styles and tags left out (entities count as
    separators; close enough for an inventory, and a regex over bytes is cheap)."""
    start = body.lower().find(b"<body")
    text = _TAG.sub(b" ", _DROP.sub(b" ", body[start:] if start >= 0 else body))
    return len(_WORD.findall(text))


def _status_text(status: int | None, error: str | None) -> str:
    if error:
        return error
    return _STATUS_TEXT.get(status or 0, "")


def _indexability(status: int | None, head: HeadFacts | None, url: str) -> tuple[str, str]:
    if status is None or status >= 400:
        return "Non-Indexable", "Client Error" if status and status < 500 else "Server Error" if status else "Error"
    if 300 <= status < 400:
        return "Non-Indexable", "Redirected"
    if head is None:
        return "Indexable", ""
    if head.noindex:
        return "Non-Indexable", "noindex"
    if head.canonical and head.canonical.split("#", 1)[0].rstrip("/") != url.rstrip("/"):
        return "Non-Indexable", "Canonicalised"
    return "Indexable", ""


class _Counts:
    """Inlinks and outlinks by URL, and the site's URLs that are not stored pages (resources,
    documents, redirects, errors), read in one pass over the link graph."""

    def __init__(self, store: Any) -> None:
        self.inlinks: dict[str, int] = {}
        self.outlinks: dict[str, int] = {}
        self.external: dict[str, int] = {}
        self.others: dict[str, LinkResult | None] = {}
        for target in store.link_targets("all"):
            internal = store.is_internal(target.url)
            for ref in target.refs:
                if not internal:
                    self.external[ref.source] = self.external.get(ref.source, 0) + 1
                    continue
                if ref.element in HYPERLINKS:
                    self.outlinks[ref.source] = self.outlinks.get(ref.source, 0) + 1
                if ref.source != target.url:
                    self.inlinks[target.url] = self.inlinks.get(target.url, 0) + 1
            if internal:
                self.others[target.url] = target.result


def _findings_by_url(run: AuditRun) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in run.findings:
        for url in {f.url, f.target or "", *(loc.url for loc in f.locations)}:
            if url:
                out.setdefault(url.split("#", 1)[0], set()).add(f.code)
    return out


def _heads(store: Any) -> Iterator[tuple[str, HeadFacts | None]]:
    for url, facts in store.touchpoint_facts():
        record = (facts or {}).get("head")
        yield url, HeadFacts.from_record(url, record) if record is not None else None


def rows(run: AuditRun, store: Any) -> Iterator[list[Any]]:
    """The rows of ``urls.csv`` (without the header): stored pages by URL, then the site's
    other fetched URLs by URL."""
    counts = _Counts(store)
    findings = _findings_by_url(run)
    heads = _heads(store)
    pending: tuple[str, HeadFacts | None] | None = next(heads, None)
    for page in store.pages():
        while pending is not None and pending[0] < page.url:
            pending = next(heads, None)
        head = pending[1] if pending is not None and pending[0] == page.url else None
        result = counts.others.pop(page.url, None) or store.link_result(page.url)
        title = head.title if head is not None else page.title
        description = head.description if head is not None else None
        index, why = _indexability(page.status, head, page.url)
        yield [page.url, page.content_type, page.status, _status_text(page.status, page.error), index, why,
               title or "", len(title or ""), description or "", len(description or ""),
               (head.canonical if head else "") or "", (head.robots if head else "") or "",
               (head.x_robots if head else "") or "", page.language or "", page.depth,
               counts.inlinks.get(page.url, 0), counts.outlinks.get(page.url, 0), counts.external.get(page.url, 0),
               word_count(page.body) if page.is_html and page.body else "",
               _size(result, len(page.body)), _seconds(result), "", " ".join(sorted(findings.get(page.url, ())))]
    for url in sorted(counts.others):
        result = counts.others[url]
        if result is None:
            continue  # linked, never fetched (max pages reached, robots, not followed)
        status = result.status
        redirect = result.final_url if result.redirects and result.final_url != url else ""
        index, why = _indexability(301 if redirect and status and status < 400 else status, None, url)
        yield [url, result.content_type or "", status if status is not None else "", _status_text(status, result.error),
               index, why, "", "", "", "", "", "", "", "", "", counts.inlinks.get(url, 0), 0, 0, "",
               _size(result, None), _seconds(result), redirect, " ".join(sorted(findings.get(url, ())))]


def _size(result: LinkResult | None, body: int | None) -> Any:
    if result is not None and result.size is not None:
        return result.size
    return body if body else ""


def _seconds(result: LinkResult | None) -> Any:
    if result is None or result.elapsed_ms is None:
        return ""
    return f"{result.elapsed_ms / 1000:.3f}"


def write_csv(out: IO[str], run: AuditRun, store: Any) -> None:
    """Write the header and the rows to ``out``, row by row (a large site's file is not held in memory)."""
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    if store is None:
        return
    for row in rows(run, store):
        writer.writerow([v if isinstance(v, int) else safe_cell(v) for v in row])


class UrlsReporter:
    """Writes ``urls.csv``, the inventory of every fetched URL (see the module docstring)."""

    format = "urls"
    filename = "urls.csv"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        from auditor.store import STORE_FILE, RunStore
        from auditor.urls import Scope

        path = Path(out_dir) / self.filename
        store = RunStore(Path(out_dir)) if (Path(out_dir) / STORE_FILE).is_file() else None
        try:
            if store is not None:
                store.set_scope(Scope(store.meta("scope_start") or run.target))
            with replaced_atomically(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
                write_csv(out, run, store)
        finally:
            if store is not None:
                store.close()
        return path
