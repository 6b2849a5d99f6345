"""The touchpoint map: every place the audit found where a prospect meets the organisation,
grouped by kind, each with its status at a glance.

Status of a touchpoint:

* ``problems``: a finding of severity warning or worse names it (its URL as the page,
  the target or a location; a form by its ``form_key``; an ad by its id), or a visit
  found it gone;
* ``unverifiable``: an ``info`` finding has it as its target (TP107: a link that could not
  be verified), a visit could not see it (a login wall), nothing can test it (a chat
  needs a person), or none of the check families that judge this kind ran;
* ``ok``: judged, and nothing found.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from auditor.model import AuditRun, Finding, Touchpoint, severity_rank
from auditor.report.i18n import Catalogue
from auditor.report.safety import clip, safe_href
from auditor.touchpoint_pages import page_section

__all__ = ["KIND_ORDER", "FirstImpression", "TouchpointMap", "build_map", "first_impression"]

KIND_ORDER = ("web_page", "news_item", "document", "form", "contact_channel", "social_profile", "review_widget",
              "ad")
# Families whose checks judge a kind of touchpoint: when none of them ran, "not verifiable".
KIND_FAMILIES: dict[str, tuple[str, ...]] = {
    "web_page": ("links", "freshness", "spelling", "mobile"), "news_item": ("freshness", "links", "spelling"),
    "document": ("links",), "form": ("forms",), "contact_channel": ("profiles", "links"),
    "social_profile": ("profiles",), "review_widget": ("profiles",), "ad": ("ads",),
}
MAX_ITEMS = 200
# Rows shown of a long list before "show all" (a native <details>: no script needed). A
# news site's 108 items above the summary pushed it 10,000 px down.
TOP_ITEMS = 10
# A news label that this many items share is the site's name, not the item's title.
SHARED_LABEL = 3
MAX_SECTION_PAGES = 100
STATUS_ORDER = {"problems": 0, "unverifiable": 1, "ok": 2}


@dataclass(frozen=True)
class TouchpointItem:
    label: str
    url_text: str
    href: str | None
    status: str
    detail: str
    where: str = ""
    where_href: str | None = None
    finding_id: str = ""
    problems: int = 0


@dataclass(frozen=True)
class SectionRow:
    name: str
    pages: int
    problems: int
    status: str
    items: list[TouchpointItem]
    more: int = 0


@dataclass(frozen=True)
class KindGroup:
    kind: str
    title: str
    intro: str
    total: int
    counts: dict[str, int]
    items: list[TouchpointItem]
    more: int = 0
    sections: list[SectionRow] = field(default_factory=list)
    shown: int = TOP_ITEMS  # rows (items, or sections) shown before "show all"


@dataclass(frozen=True)
class SearchResult:
    """The home page as a search result shows it: the address as a breadcrumb, the title
    cut where Google cuts it (pixels), the description cut at 160 characters."""

    site: str
    breadcrumb: str
    title: str | None
    description: str | None


@dataclass(frozen=True)
class ShareCard:
    """The home page's share preview as WhatsApp, LinkedIn and Facebook draw it. The image
    is shown by its address and size, never loaded: the report makes no request."""

    host: str
    title: str | None
    description: str | None
    image: str | None
    image_size: str | None
    large: bool  # twitter:card summary_large_image, or an image without a stated small size


@dataclass(frozen=True)
class FirstImpression:
    url: str
    search: SearchResult
    share: ShareCard


@dataclass(frozen=True)
class TouchpointMap:
    total: int
    groups: list[KindGroup]
    missing: list[str]  # kinds the audit looked for and did not find (their titles)
    impression: FirstImpression | None = None  # the home page's search result and share card


def norm(url: str) -> str:
    return url.split("#")[0].rstrip("/").lower()


class FindingIndex:
    """Which findings name a URL, a form or an ad, for the map's status. An ``info``
    finding counts only for its target (it could not be verified), never for the pages
    it was seen on: a page linking to a blocked profile is not a page with a problem."""

    def __init__(self, findings: Iterable[Finding], ids: Mapping[str, str],
                 template: frozenset[int] = frozenset()) -> None:
        self.by_url: dict[str, list[Finding]] = defaultdict(list)
        self.unverified: dict[str, list[Finding]] = defaultdict(list)
        self.by_form: dict[str, list[Finding]] = defaultdict(list)
        self.by_ad: dict[str, list[Finding]] = defaultdict(list)
        self.ids = ids
        for f in findings:
            if f.severity == "info":
                if f.target:
                    self.unverified[norm(f.target)].append(f)
                continue
            # A template defect (``auditor.sitewide``) is no problem of the pages it is seen
            # on: their status shows problems of their own. Its target still has it.
            seen_on = {norm(f.url), *(norm(loc.url) for loc in f.locations)}
            urls = set() if id(f) in template else seen_on
            if f.target and (id(f) not in template or norm(f.target) not in seen_on):
                urls.add(norm(f.target))
            for url in urls:
                self.by_url[url].append(f)
            if id(f) in template:
                continue
            if isinstance(f.evidence.get("form_key"), str):
                self.by_form[f.evidence["form_key"]].append(f)
            if isinstance(f.evidence.get("ad_id"), str):
                self.by_ad[f.evidence["ad_id"]].append(f)

    def of(self, tp: Touchpoint) -> list[Finding]:
        """Findings (warning or worse) that concern ``tp``."""
        details = getattr(tp, "details", None) or {}
        if tp.kind == "form" and details.get("form_key"):
            return self.by_form.get(details["form_key"], [])
        if tp.kind == "ad" and details.get("ad_id"):
            return self.by_ad.get(str(details["ad_id"]), [])
        return self.by_url.get(norm(tp.url), [])

    def unverified_of(self, tp: Touchpoint) -> list[Finding]:
        return self.unverified.get(norm(tp.url), [])


def _judged_families(run: AuditRun) -> set[str]:
    return {c.family for c in run.checks if c.status in ("passed", "failed") and c.family}


def _status(tp: Touchpoint, found: list[Finding], unverified: list[Finding], judged: set[str]) -> str:
    details = getattr(tp, "details", None) or {}
    if found or details.get("state") == "not_found":
        return "problems"
    if unverified or details.get("state") == "unverifiable" or details.get("channel") == "chat":
        return "unverifiable"
    if tp.kind == "ad" and not details.get("visited", True):
        return "unverifiable"
    return "ok" if judged & set(KIND_FAMILIES.get(tp.kind, ())) else "unverifiable"


def _detail(cat: Catalogue, tp: Touchpoint) -> str:
    d: Mapping[str, Any] = getattr(tp, "details", None) or {}
    if tp.kind == "news_item":
        if d.get("published"):
            return cat.t("map.published", date=cat.date(str(d["published"])))
        return cat.t("map.no_date")
    if tp.kind == "form":
        purpose = cat.get(f"purposes.{d.get('purpose')}") or cat.get("purposes.other")
        text = cat.t("map.form_fields", purpose=purpose, required=d.get("required", 0), fields=d.get("fields", 0))
        if d.get("required_fields"):
            text += ": " + ", ".join(clip(x, 40) for x in d["required_fields"])
        return text
    if tp.kind == "contact_channel":
        channel = cat.get(f"channels.{d.get('channel')}") or cat.get("channels.other")
        return channel + (f" · {cat.t('map.on_pages', pages=d['pages'])}" if d.get("pages") else "") + (
            f" · {clip(d['provider'], 40)}" if d.get("provider") else "")
    if tp.kind in ("social_profile", "review_widget"):
        parts = [clip(d.get("provider") or d.get("platform") or "", 40)]
        if d.get("embedded"):
            parts.append(cat.t("map.embedded", pages=d.get("pages", 1)))
        if d.get("state") and d["state"] != "found":
            parts.append(cat.get(f"profile_states.{d['state']}") or str(d["state"]))
        return " · ".join(p for p in parts if p)
    if tp.kind == "ad":
        status = d.get("landing_status")
        return cat.t("map.ad", ad_id=clip(d.get("ad_id", ""), 40)) + (
            f" · {cat.t('map.landing_status', status=status)}" if status else "")
    return ""


def slug_title(url: str) -> str:
    """A readable title from an address's last segment: ``/nieuws/2026-03-04-gemaal-open.html``
    gives "Gemaal open"; "" when there is nothing to read."""
    last = next((p for p in reversed(urlsplit(url).path.split("/")) if p), "")
    last = re.sub(r"\.(html?|php|aspx?)$", "", unquote(last), flags=re.I)
    words = [w for w in re.split(r"[-_+\s]+", last) if w]
    while words and words[0].isdigit():  # a date or an id in front
        words.pop(0)
    text = " ".join(words)
    return clip(text[:1].upper() + text[1:], 160)


def news_label(tp: Touchpoint, generic: set[str]) -> str:
    """A news item's own title: the headline the inventory found (``og:title``, the feed or
    the news sitemap), else its ``<title>``, unless that is one many items share (the site's
    name): then the words of its address."""
    details = getattr(tp, "details", None) or {}
    for label in (details.get("headline"), tp.label):
        if isinstance(label, str) and label.strip() and label.strip().lower() not in generic:
            return label.strip()
    return slug_title(tp.url) or tp.label or tp.url


def _generic_labels(run: AuditRun) -> set[str]:
    """Labels that name the site, not a news item: the home page's title, and any title
    ``SHARED_LABEL`` or more news items share."""
    counts = Counter((tp.label or "").strip().lower() for tp in run.touchpoints if tp.kind == "news_item")
    generic = {label for label, n in counts.items() if n >= SHARED_LABEL or not label}
    home = norm(run.target)
    generic.update((tp.label or "").strip().lower() for tp in run.touchpoints
                   if tp.kind == "web_page" and norm(tp.url) == home and tp.label)
    return generic


def _item(cat: Catalogue, tp: Touchpoint, index: FindingIndex, judged: set[str],
          generic: set[str] | None = None) -> TouchpointItem:
    found, unverified = index.of(tp), index.unverified_of(tp)
    status = _status(tp, found, unverified, judged)
    named = found or unverified
    worst = max(named, key=lambda f: (severity_rank(f.severity), f.fingerprint)) if named else None
    details = getattr(tp, "details", None) or {}
    label = news_label(tp, generic or set()) if tp.kind == "news_item" else (tp.label or tp.url)
    if details.get("state") not in (None, "found") and details.get("platform"):
        label = details["platform"]  # the visit's English explanation becomes the translated status
    return TouchpointItem(
        label=clip(label, 160), url_text=clip(tp.url, 200), href=safe_href(tp.url), status=status,
        detail=_detail(cat, tp), where=clip(tp.found_on, 200) if tp.found_on and tp.found_on != tp.url else "",
        where_href=safe_href(tp.found_on), finding_id=index.ids.get(worst.fingerprint, "") if worst else "",
        problems=len(named))


def _counts(items: Iterable[TouchpointItem]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for item in items:
        counts[item.status] += 1
    return counts


def _sorted(items: list[TouchpointItem]) -> list[TouchpointItem]:
    return sorted(items, key=lambda i: (STATUS_ORDER[i.status], i.label.lower(), i.url_text))


def _newest_first(pairs: list[tuple[Touchpoint, TouchpointItem]]) -> list[TouchpointItem]:
    """News: problems first, then the newest (undated last), so the top rows are what a
    visitor sees on the news page."""
    def key(pair: tuple[Touchpoint, TouchpointItem]) -> tuple[int, int, str, str]:
        tp, item = pair
        published = str((getattr(tp, "details", None) or {}).get("published") or "")
        stamp = -int(re.sub(r"\D", "", published[:10]) or 0) if published[:4].isdigit() else 0
        return (STATUS_ORDER[item.status], stamp, item.label.lower(), item.url_text)
    return [item for _tp, item in sorted(pairs, key=key)]


def _sections(cat: Catalogue, pages: list[tuple[Touchpoint, TouchpointItem]]) -> list[SectionRow]:
    by_section: dict[str, list[TouchpointItem]] = defaultdict(list)
    for tp, item in pages:
        details = getattr(tp, "details", None) or {}
        by_section[details.get("section") or page_section(tp.url)].append(item)
    rows = []
    for name, items in sorted(by_section.items(), key=lambda kv: (kv[0] != "/", kv[0])):
        counts = _counts(items)
        status = "problems" if counts["problems"] else "ok" if counts["ok"] else "unverifiable"
        ordered = _sorted(items)
        rows.append(SectionRow(cat.t("map.top_level") if name == "/" else f"/{name}/", len(items),
                               counts["problems"], status, ordered[:MAX_SECTION_PAGES],
                               max(len(items) - MAX_SECTION_PAGES, 0)))
    return rows


def build_map(run: AuditRun, cat: Catalogue, ids: Mapping[str, str],
              template: frozenset[int] = frozenset()) -> TouchpointMap:
    """The map of ``run.touchpoints``; ``ids`` maps a finding's fingerprint to its anchor;
    ``template``: the findings (by ``id``) of template defects, kept out of the pages' status."""
    index = FindingIndex(run.findings, ids, template)
    judged = _judged_families(run)
    generic = _generic_labels(run)
    by_kind: dict[str, list[tuple[Touchpoint, TouchpointItem]]] = defaultdict(list)
    for tp in run.touchpoints:
        by_kind[tp.kind].append((tp, _item(cat, tp, index, judged, generic)))
    kinds = [k for k in KIND_ORDER if k in by_kind] + sorted(k for k in by_kind if k not in KIND_ORDER)
    groups = []
    for kind in kinds:
        pairs = by_kind[kind]
        items = _newest_first(pairs) if kind == "news_item" else _sorted([item for _, item in pairs])
        title = cat.get(f"kinds.{kind}.title") or kind.replace("_", " ")
        intro = cat.get(f"kinds.{kind}.intro") or ""
        groups.append(KindGroup(kind, title, intro, len(items), _counts(items), items[:MAX_ITEMS],
                                max(len(items) - MAX_ITEMS, 0),
                                _sections(cat, pairs) if kind == "web_page" else []))
    missing = [cat.get(f"kinds.{k}.title") or k for k in KIND_ORDER if k not in by_kind and k != "ad"]
    return TouchpointMap(total=len(run.touchpoints), groups=groups, missing=missing,
                         impression=first_impression(run))


DESCRIPTION_CHARS = 160


def _cut(text: str | None, limit: int) -> str | None:
    text = " ".join((text or "").split())
    if not text:
        return None
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:-") + " …"


def first_impression(run: AuditRun) -> FirstImpression | None:
    """The search result and share card of the home page, from the preview the touchpoint
    inventory stored with it (``touchpoint_pages.preview``); None when there is none."""
    from auditor.html.pixels import truncate

    data = next((getattr(tp, "details", {}).get("preview") for tp in run.touchpoints
                 if tp.kind == "web_page" and isinstance(getattr(tp, "details", {}).get("preview"), Mapping)), None)
    if data is None:
        return None
    url = str(data.get("url") or run.target)
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    crumbs = " › ".join(p for p in parts.path.split("/") if p)
    title = data.get("title")
    search = SearchResult(site=clip(data.get("site_name") or host, 80),
                          breadcrumb=clip(f"{parts.scheme}://{parts.netloc}" + (f" › {crumbs}" if crumbs else ""), 120),
                          title=truncate(clip(title, 300)) if title else None,
                          description=_cut(data.get("description"), DESCRIPTION_CHARS))
    width, height = data.get("og_image_width"), data.get("og_image_height")
    size = f"{clip(width, 6)} × {clip(height, 6)}" if width and height else None
    share = ShareCard(host=clip(host.upper(), 80), title=_cut(data.get("og_title") or title, 100),
                      description=_cut(data.get("og_description") or data.get("description"), 200),
                      image=clip(data.get("og_image"), 300) if data.get("og_image") else None, image_size=size,
                      large=data.get("twitter_card") == "summary_large_image" or not size)
    return FirstImpression(url=url, search=search, share=share)
