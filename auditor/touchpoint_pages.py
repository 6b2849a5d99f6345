"""The touchpoints only the stored pages show: the pages themselves by section, news items,
forms, contact channels (e-mail, phone, chat widgets), embedded review widgets, and the
ads the audit was given.

The crawler's link graph keeps only http(s) links, so ``mailto:``/``tel:`` and embedded
widgets are read from the stored HTML here, once, at the end of the run (``site.pages()``
streams them; memory stays bounded). Only pages with a ``<form`` are parsed; everything
else is a few regular expressions over the text, because a 100,000-page site must not be
parsed a second time for its footer's phone number.

Touchpoints found here carry ``details`` (a ``DetailedTouchpoint``): the section and
language of a page, the required fields of a form, on how many pages a channel appears.
``findings.json`` gains the ``details`` key on those touchpoints (additive).
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from auditor.artifacts import read, read_pages
from auditor.artifacts.ads import AdLanding, Ads
from auditor.check import SiteView
from auditor.forms import page_forms
from auditor.model import Touchpoint
from auditor.page import Page
from auditor.urls import host_of

__all__ = ["DetailedTouchpoint", "news_from_feeds", "page_facts", "page_section", "phone_key", "preview"]

NEWS_SEGMENTS = frozenset({
    "nieuws", "news", "blog", "blogs", "actueel", "actualiteiten", "artikelen", "articles", "berichten", "pers",
    "press", "persberichten", "updates", "magazine", "verhalen", "stories", "insights", "nieuwsberichten",
})
MAX_LABEL = 200
MAX_REQUIRED_LISTED = 12

# On the raw bytes, tried only where "mailto:"/"tel:"/"callto:" occurs: a case-insensitive
# regex over every position of every page cost more than the rest of the inventory.
_CONTACT = re.compile(rb"""href\s*=\s*(["'])\s*(mailto|tel|callto):([^"']{1,200})\1(?:[^>]*)>(.{0,300}?)</a""",
                      re.I | re.S)
_SCHEMES = (b"mailto:", b"tel:", b"callto:")
_TAGS = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_SRC = re.compile(r"""<(?:script|iframe)\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script", re.I | re.S)
_HOST_IN_TEXT = re.compile(r"//([a-z0-9.-]+\.[a-z]{2,})", re.I)
_ARTICLE = re.compile(r"""<meta[^>]+(?:property|name)\s*=\s*["'](?:og:type["'][^>]*content\s*=\s*["']article"""
                      r"""|article:published_time)""", re.I)
_PAGINATION = re.compile(r"/(page|pagina)/\d+/?$", re.I)

# Script or iframe hosts of chat and review widgets: provider names as the vendors write them.
CHAT_HOSTS = {
    "embed.tawk.to": "Tawk.to", "widget.intercom.io": "Intercom", "js.intercomcdn.com": "Intercom",
    "static.zdassets.com": "Zendesk", "cdn.livechatinc.com": "LiveChat", "client.crisp.chat": "Crisp",
    "js.driftt.com": "Drift", "code.tidio.co": "Tidio", "userlike-cdn-widgets.s3-eu-west-1.amazonaws.com": "Userlike",
    "static.trengo.eu": "Trengo", "www.smartsuppchat.com": "Smartsupp", "wchat.freshchat.com": "Freshchat",
    "js.usemessages.com": "HubSpot", "cdn.botpress.cloud": "Botpress", "widget.watermelon.ai": "Watermelon",
}
REVIEW_HOSTS = {
    "widget.trustpilot.com": "Trustpilot", "www.kiyoh.com": "Kiyoh", "kiyoh.com": "Kiyoh",
    "www.klantenvertellen.nl": "Klantenvertellen", "klantenvertellen.nl": "Klantenvertellen",
    "widgets.thefeedbackcompany.nl": "The Feedback Company", "www.feedbackcompany.com": "The Feedback Company",
    "cdn.trustindex.io": "Trustindex", "widgets.trustedshops.com": "Trusted Shops",
    "dashboard.webwinkelkeur.nl": "WebwinkelKeur", "staticw2.yotpo.com": "Yotpo", "widget.reviews.io": "REVIEWS.io",
    "widget.reviews.co.uk": "REVIEWS.io",
}


@dataclass(frozen=True, slots=True)
class DetailedTouchpoint(Touchpoint):
    """A touchpoint with the facts the report shows about it (plain JSON values)."""

    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # details are plain JSON values (see above): a deep copy keeps the caller's apart.
        return {**Touchpoint.to_dict(self), "details": _plain_copy(dict(self.details))}


def _plain_copy(value: Any) -> Any:
    """A deep copy of plain JSON data (dicts, lists, scalars): ``copy.deepcopy`` does the same
    with a memo and a dispatch per value, five times slower on the 5,000 touchpoints of a
    large site."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain_copy(v) for v in value)
    return value


def _with(tp: Touchpoint, **details: Any) -> DetailedTouchpoint:
    base = Touchpoint.to_dict(tp)  # the base fields, also of a DetailedTouchpoint
    merged = {**(getattr(tp, "details", None) or {}), **details}
    return DetailedTouchpoint(**base, details=merged)


def page_section(url: str) -> str:
    """The section of a page: the first folder of its path ("diensten"), "/" for top-level pages."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if not parts or (len(parts) == 1 and "." in parts[0]):
        return "/"
    return unquote(parts[0])[:80]


def _is_news(url: str, html: str, section: str) -> bool:
    path = urlsplit(url).path
    if _PAGINATION.search(path):
        return False
    rest = [p for p in path.split("/") if p][1:]
    if section.lower() in NEWS_SEGMENTS and rest and rest[-1].lower() not in ("index.html", "index.php"):
        return True
    return bool(_ARTICLE.search(html[:20_000]))


def phone_key(number: str, national_prefix: str | None) -> str:
    """One key for every way a phone number is written: digits, ``+`` for the country; a
    national ``0…`` number gets ``national_prefix`` (``+31`` on a Dutch site)."""
    digits = re.sub(r"[^\d+]", "", unquote(number))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if national_prefix and digits.startswith("0") and not digits.startswith("00"):
        digits = national_prefix + digits[1:]
    return digits


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded): plain text."""
    return _WS.sub(" ", html_text.unescape(_TAGS.sub(" ", fragment))).strip()[:MAX_LABEL]


@dataclass
class _Seen:
    """One touchpoint found on many pages: the first page, and how many pages show it."""

    kind: str
    url: str
    label: str
    found_on: str
    details: dict[str, Any]
    pages: int = 0
    last_page: str = ""

    def touchpoint(self) -> DetailedTouchpoint:
        return DetailedTouchpoint(self.kind, self.url, self.label, self.found_on, {**self.details, "pages": self.pages})


def page_facts(page: Page) -> dict[str, Any]:
    """What one page contributes to the touchpoint inventory, as plain JSON data.

    Computed where the page is parsed (the parse worker, on the tree it already built) and
    stored with the page, so the inventory at the end of the run only adds facts up, and an
    unchanged page on the next night's run keeps its facts without being read again.
    ``{}``: the page is no touchpoint (an error, not HTML, empty).
    """
    if not (page.is_html and page.status is not None and 200 <= page.status < 400 and page.body):
        return {}
    html = page.html
    section = page_section(page.url)
    kind = "news_item" if _is_news(page.url, html, section) else "web_page"
    details: dict[str, Any] = {"section": section, "language": (page.language or "").lower()[:10] or None}
    if kind == "news_item":
        details["published"] = news_date(page)
    label = (page.title or "").strip()[:MAX_LABEL] or urlsplit(page.url).path or page.url
    low = page.body_lower  # shared with the checks that scan the body (this runs on the hot path)
    facts: dict[str, Any] = {"kind": kind, "label": label, "details": details,
                             "contacts": [list(c) for c in _contact_links(page, low)], "widgets": _widgets(html)}
    if b"<form" in low:
        facts["forms"] = _forms(page)
    return facts


def news_date(page: Page) -> str | None:
    """The publication date a news item shows, read by the same reader as TP201 (JSON-LD,
    meta, ``<time>``, the visible date in Dutch, English, German or French, htmldate guarded):
    one reader, so the inventory and the freshness checks never disagree about an item."""
    from auditor.dates.page import date_of_page  # the one date reader; imported only for news items

    found = date_of_page(page)
    return found.date.isoformat() if found is not None else None


def _contact_links(page: Page, low: bytes) -> Iterator[tuple[str, str, str]]:
    """(scheme, address, link text) of the page's mailto:, tel: and callto: links (``low``:
    the body in lower case)."""
    body = page.body
    for scheme in _SCHEMES:
        at = low.find(scheme)
        while at >= 0:
            start = low.rfind(b"href", max(0, at - 16), at)
            match = _CONTACT.match(body, start) if start >= 0 else None
            if match is not None:
                value, shown = (match.group(i).decode(page.encoding or "utf-8", "replace") for i in (3, 4))
                yield scheme.decode()[:-1], value.strip(), _text(shown)
            at = low.find(scheme, at + 1)


def _widgets(html: str) -> list[list[Any]]:
    """[kind, provider, channel] of the chat and review widgets the page embeds."""
    hosts = {host_of(src).lower() for src in _SRC.findall(html) if "//" in src}
    for script in _INLINE_SCRIPT.findall(html):
        if "//" in script:
            hosts.update(h.lower() for h in _HOST_IN_TEXT.findall(script))
    found = []
    for host in sorted(hosts):
        for table, kind, channel in ((CHAT_HOSTS, "contact_channel", "chat"), (REVIEW_HOSTS, "review_widget", None)):
            provider = table.get(host)
            if provider is not None:
                found.append([kind, provider, channel])
    return found


def _forms(page: Page) -> list[dict[str, Any]]:
    forms = []
    for form in page_forms(page.tree, page.title or ""):
        if form.purpose in ("search", "login"):
            continue
        required = form.required
        forms.append({"url": form.anchor(page.url), "name": form.name[:MAX_LABEL], "key": form.signature,
                      "details": {"purpose": form.purpose, "form_key": form.signature, "fields": len(form.fields),
                                  "required": len(required),
                                  "required_fields": [x.label or x.name for x in required][:MAX_REQUIRED_LISTED],
                                  "in_chrome": form.in_chrome}})
    return forms


class _Inventory:
    """Adds up the pages' facts while they stream by."""

    def __init__(self, site: SiteView) -> None:
        self.pages: list[DetailedTouchpoint] = []
        self.repeated: dict[tuple[str, str], _Seen] = {}
        host = host_of(site.start_url).lower().split(":")[0]
        self.national = "+31" if host.endswith(".nl") else "+32" if host.endswith(".be") else None
        start = site.link_result(site.start_url)
        self.home = {site.start_url, *([start.final_url] if start is not None and start.final_url else [])}

    def _count(self, key: tuple[str, str], page_url: str, make: Any) -> None:
        seen = self.repeated.get(key)
        if seen is None:
            seen = self.repeated[key] = make()
        if seen.last_page != page_url:  # pages stream one at a time: count each page once
            seen.pages += 1
            seen.last_page = page_url

    def add(self, url: str, facts: Mapping[str, Any]) -> None:
        if not facts:
            return
        details = dict(facts["details"])
        if url in self.home and facts.get("head") is not None:
            details["preview"] = preview(url, facts["head"])  # the search result and share card the report draws
        if facts["kind"] == "news_item":
            # Many sites give every article the site's name as <title>: og:title is the item's own.
            headline = ((facts.get("head") or {}).get("meta") or {}).get("og:title")
            if isinstance(headline, str) and headline.strip():
                details["headline"] = _WS.sub(" ", headline).strip()[:MAX_LABEL]
        self.pages.append(DetailedTouchpoint(facts["kind"], url, facts["label"], "", details))
        if self.national is None and (details.get("language") or "").startswith("nl"):
            self.national = "+31"
        self._channels(url, facts.get("contacts") or ())
        for kind, provider, channel in facts.get("widgets") or ():
            extra = {"provider": provider, "embedded": True, **({"channel": channel} if channel else {})}
            self._count((kind, provider), url, lambda p=provider, k=kind, d=extra: _Seen(k, url, p, url, d))
        for form in facts.get("forms") or ():
            self._count(("form", form["key"]), url, lambda f=form: _Seen(
                "form", f["url"], f["name"], url, dict(f["details"])))

    def _channels(self, url: str, contacts: Iterable[Any]) -> None:
        for scheme, value, shown in contacts:
            if scheme == "mailto":
                address = unquote(value.split("?")[0]).strip().lower()
                if "@" not in address:
                    continue
                key, channel, target = address, "email", f"mailto:{address}"
            else:
                key, channel = phone_key(value, self.national), "phone"
                if len(key.lstrip("+")) < 5:
                    continue
                target = f"tel:{key}"
            self._count(("contact_channel", f"{channel}:{key}"), url, lambda u=target, c=channel, s=shown, k=key:
                        _Seen("contact_channel", u, s or k, url, {"channel": c, "value": k}))

    def touchpoints(self) -> list[Touchpoint]:
        return [*self.pages, *(seen.touchpoint() for seen in self.repeated.values())]


def _key(url: str) -> str:
    return url.split("#")[0].rstrip("/").lower()


def news_from_feeds(site: SiteView, found: list[Touchpoint]) -> list[Touchpoint]:
    """News items completed from the site's feeds and news sitemap: the item's own title
    (``details.headline``) and its date (``details.published``) where the page itself did
    not give them. The feed says what the item is called and when it was published even
    when the article page shows neither."""
    from auditor.artifacts.crawl import Feeds, SitemapDates
    from auditor.dates.text import parse_value

    listed: dict[str, tuple[str, str | None]] = {}
    for dated in (read(site, SitemapDates) or SitemapDates()).items:
        if dated.url and (dated.news_title or dated.news_date):
            listed[_key(dated.url)] = (dated.news_title or "", dated.news_date)
    for feed in (read(site, Feeds) or Feeds()).items:
        for item in feed.items:
            if item.link:
                listed.setdefault(_key(item.link), (item.title, item.date))
    if not listed:
        return found
    out: list[Touchpoint] = []
    for tp in found:
        entry = listed.get(_key(tp.url)) if tp.kind == "news_item" else None
        if entry is None:
            out.append(tp)
            continue
        details = getattr(tp, "details", None) or {}
        title, when = entry
        extra: dict[str, Any] = {}
        if title.strip() and not details.get("headline"):
            extra["headline"] = _WS.sub(" ", title).strip()[:MAX_LABEL]
        day = parse_value(when or "") if not details.get("published") else None
        if day is not None:
            extra["published"] = day.isoformat()
        out.append(_with(tp, **extra) if extra else tp)
    return out


def preview(url: str, head: Mapping[str, Any]) -> dict[str, Any]:
    """What a search result and a share card of the page are drawn from (page text: untrusted,
    clipped; the report escapes it)."""
    meta = head.get("meta") or {}
    keys = {"description": "description", "og_title": "og:title", "og_description": "og:description",
            "og_image": "og:image", "og_image_width": "og:image:width", "og_image_height": "og:image:height",
            "site_name": "og:site_name", "twitter_card": "twitter:card"}
    out: dict[str, Any] = {"url": url, "title": (head.get("title") or "")[:300] or None}
    out.update({key: str(meta[name])[:500] for key, name in keys.items() if meta.get(name)})
    return out


def _ads(site: SiteView) -> Iterator[Touchpoint]:
    ads = read(site, Ads)
    if not ads:
        return
    landings = dict(read_pages(site, AdLanding))
    for ad in ads:
        url = ad.final_url
        record = landings.get(url)
        headline = " | ".join(ad.headlines)[:MAX_LABEL]
        yield DetailedTouchpoint("ad", url, headline or ad.ad_id, "", {
            "ad_id": ad.ad_id, "landing_status": record.status if record else None,
            "landing_url": (record.final_url if record else "") or url, "visited": record is not None})
