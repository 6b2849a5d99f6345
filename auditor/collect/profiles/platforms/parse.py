"""Safe readers for what a profile page and its feed show the public: Open Graph, JSON-LD, feeds.

Everything read here comes from other people's servers and is untrusted: bodies are capped
before parsing, XML is parsed without entity expansion, DTDs or network access, and JSON-LD
is walked with depth and node limits, so a hostile page costs at most a bounded amount of
work and can never make the parser fetch anything.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from auditor.html.charset import detect_encoding
from auditor.html.extract import parse_html, visible_text

MAX_HTML_BYTES = 3_000_000
MAX_JSONLD_BYTES = 500_000
MAX_FEED_BYTES = 2_000_000
MAX_NODES = 2_000
MAX_DEPTH = 12
MAX_TEXT = 20_000

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/x-rss+xml")
_WS = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Whitespace folded, stripped."""
    return _WS.sub(" ", text or "").strip()


@dataclass
class ProfilePage:
    """The public surface of one fetched profile page, parsed once for every adapter question."""

    url: str
    title: str = ""
    h1: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # og:*, twitter:*, description, itemprop …
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # every typed node, flattened
    text: str = ""  # visible text, capped
    feeds: list[str] = field(default_factory=list)  # absolute URLs of <link rel=alternate> feeds
    tree: Any = None  # the lxml document, for adapter-specific look-ups

    @classmethod
    def parse(cls, body: bytes, url: str, content_type: str = "") -> ProfilePage:
        body = body[:MAX_HTML_BYTES]
        if not body.strip():
            return cls(url=url)
        tree = parse_html(body, detect_encoding(body, content_type or "text/html"))
        page = cls(url=url, tree=tree)
        page.title = fold(" ".join(tree.xpath("//head/title//text()")))[:500]
        h1 = tree.xpath("//h1")
        page.h1 = fold(h1[0].text_content())[:500] if h1 else ""
        for el in tree.xpath("//meta[@content]"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            if key and key not in page.meta:
                page.meta[key] = fold(el.get("content"))[:5_000]
        for el in tree.xpath("//link[@rel and @href]"):
            rels = el.get("rel", "").lower().split()
            if "alternate" in rels and (el.get("type") or "").lower() in _FEED_TYPES:
                page.feeds.append(urljoin(url, el.get("href").strip()))
        for script in tree.xpath("//script[@type]"):
            if script.get("type", "").strip().lower() == "application/ld+json":
                page.jsonld.extend(jsonld_nodes(script.text or ""))
        page.text = visible_text(tree)[:MAX_TEXT]
        return page

    def og(self, name: str) -> str:
        return self.meta.get(f"og:{name}", "")

    @property
    def description(self) -> str:
        return self.og("description") or self.meta.get("description", "") or self.meta.get("twitter:description", "")

    def says(self, phrases: tuple[str, ...], *, text_chars: int = 3_000) -> str | None:
        """The first of ``phrases`` (lower case) in the title, heading, og:title or the start of
        the visible text, or None: how a platform's "not found" or login page is recognised."""
        if not phrases:
            return None
        haystack = " ".join([self.title, self.h1, self.og("title"), self.text[:text_chars]]).lower()
        haystack = haystack.replace("’", "'")
        return next((p for p in phrases if p in haystack), None)


def node_types(node: dict[str, Any]) -> set[str]:
    """The schema.org types of a JSON-LD node, without a ``schema:`` or URL prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)}


def jsonld_nodes(text: str) -> list[dict[str, Any]]:
    """Every node with an ``@type`` in one JSON-LD script (``@graph`` and nesting included).

    Malformed JSON gives nothing; sizes, depth and node count are capped.
    """
    if len(text) > MAX_JSONLD_BYTES:
        return []
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []

    def walk(value: Any, depth: int) -> None:
        if depth > MAX_DEPTH or len(found) >= MAX_NODES:
            return
        if isinstance(value, dict):
            if "@type" in value:
                found.append(value)
            for child in value.values():
                walk(child, depth + 1)
        elif isinstance(value, list):
            for child in value[:MAX_NODES]:
                walk(child, depth + 1)

    walk(data, 0)
    return found


def strings(value: Any) -> list[str]:
    """A JSON-LD property as a list of strings (a string, a list, or ``{"@id"|"url"|"name": …}``)."""
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values[:100]:
        if isinstance(v, str) and v.strip():
            out.append(v.strip())
        elif isinstance(v, dict):
            inner = v.get("url") or v.get("@id") or v.get("name")
            if isinstance(inner, str) and inner.strip():
                out.append(inner.strip())
    return out


def parse_date(value: str | None) -> dt.date | None:
    """A date from ISO 8601 (``2024-03-12``, ``2024-03-12T09:00:00Z``) or RFC 822 (RSS ``pubDate``)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.date()


_ENTRY_DATES = etree.XPath(
    "//*[local-name()='item' or local-name()='entry']"
    "/*[local-name()='published' or local-name()='pubDate' or local-name()='updated' or local-name()='date']"
)


def feed_dates(body: bytes) -> list[dt.date] | None:
    """The dates of the entries of an RSS or Atom feed (the feed's own dates are not posts).

    Returns [] for a feed without entries, and None when ``body`` is not a feed or its
    entries carry no readable date.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             recover=True)
    try:
        root = etree.fromstring(body[:MAX_FEED_BYTES], parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or etree.QName(root).localname not in ("rss", "feed", "RDF"):
        return None
    per_entry: dict[Any, dt.date] = {}
    for el in _ENTRY_DATES(root):
        date = parse_date(el.text)
        entry = el.getparent()
        # An Atom entry has <published> and <updated>: the post's date is the earlier one.
        if date is not None and (entry not in per_entry or date < per_entry[entry]):
            per_entry[entry] = date
    if not root.xpath("//*[local-name()='item' or local-name()='entry']"):
        return []
    return list(per_entry.values()) or None


_ORG_TYPES = frozenset({
    "Organization", "Corporation", "LocalBusiness", "NGO", "OnlineBusiness", "OnlineStore", "EducationalOrganization",
    "GovernmentOrganization", "MedicalOrganization", "SportsOrganization", "NewsMediaOrganization", "Brand",
    "ProfessionalService", "GeneralContractor", "Plumber", "Electrician", "RoofingContractor", "Store",
    "Restaurant", "Dentist", "Physician", "LegalService", "Attorney", "RealEstateAgent", "TravelAgency",
    "FinancialService", "EmergencyService", "FoodEstablishment", "LodgingBusiness", "AutomotiveBusiness",
})
# Subtypes not listed above ("HVACBusiness", "HomeGoodsStore" …); not "Service", which is
# something an organisation offers, not the organisation.
_ORG_SUFFIXES = ("Business", "Organization", "Store", "Contractor", "Agency", "Office")


_NOT_ORG_TYPES = frozenset({
    "Person", "Event", "Product", "Offer", "PostalAddress", "ContactPoint", "WebPage", "WebSite", "Article",
    "NewsArticle", "BlogPosting", "Review", "ImageObject", "VideoObject", "BreadcrumbList", "FAQPage", "Question",
    "Answer", "Service", "Place", "GeoCoordinates", "AggregateRating", "Rating", "ListItem", "ItemList",
})


def is_organisation(node: dict[str, Any], *, loose: bool = False) -> bool:
    """A schema.org Organization or one of its many subtypes (LocalBusiness, HVACBusiness …).

    ``loose`` also accepts any other typed node with a name and a telephone or address
    (``Bakery``, ``Florist`` …: schema.org has over a hundred LocalBusiness subtypes). Use it
    for the site's own pages, where a wrong guess only widens what is accepted as the
    organisation's; never for a platform's page, where it could invent a difference.
    """
    types = node_types(node)
    if any(t in _ORG_TYPES or t.endswith(_ORG_SUFFIXES) for t in types):
        return True
    return loose and bool(types) and not types & _NOT_ORG_TYPES and bool(node.get("name")) and \
        bool(node.get("telephone") or node.get("address"))
