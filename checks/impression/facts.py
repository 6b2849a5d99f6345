"""Reading the stored search and share facts of every page (``auditor.html.head``).

The run store keeps them with each page's touchpoint facts, computed where the page was
parsed; a page stored without them (an older store, a page taken over from such a run)
and the hand-built pages of ``auditor.testing`` are parsed again here.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from auditor.check import SiteView
from auditor.html.head import HeadFacts, head_facts
from auditor.page import Page


def _judged(page: Page) -> bool:
    """The pages the touchpoint facts (and so the head facts) are stored for."""
    return page.is_html and page.status is not None and 200 <= page.status < 400 and bool(page.body)


def site_heads(site: SiteView) -> Iterator[HeadFacts]:
    """The head facts of every stored HTML page that answered, one at a time, by URL."""
    stored = getattr(site, "touchpoint_facts", None)  # the run store; MemorySite has none
    if stored is None:
        for page in site.pages():
            if _judged(page):
                yield head_facts(page, with_nav=is_home(site, page.url))
        return
    for url, facts in stored():
        if not facts:
            continue
        record = facts.get("head")
        if record is not None:
            yield HeadFacts.from_record(url, record)
            continue
        stored_page = site.page(url)
        if stored_page is not None and _judged(stored_page):
            yield head_facts(stored_page, with_nav=is_home(site, url))


def is_home(site: SiteView, url: str) -> bool:
    """The audit's start page (the address it was given, or where that redirected)."""
    if url == site.start_url:
        return True
    result = site.link_result(site.start_url)
    return result is not None and result.final_url == url


def indexable(head: HeadFacts) -> bool:
    """A page that can appear in search results as itself: not noindex, not canonicalised
    to another address."""
    return not head.noindex and (head.canonical is None or _same(head.canonical, head.url))


def _same(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.netloc.lower(), pa.path or "/", pa.query) == (pb.netloc.lower(), pb.path or "/", pb.query) \
        and not pa.fragment


def normalised_text(text: str) -> str:
    """Case- and space-insensitive form used to compare titles and descriptions."""
    return " ".join(text.lower().split())
