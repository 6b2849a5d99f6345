"""The touchpoint inventory: where a prospect meets the organisation online.

Built from the link graph the crawler stored and, when the profile visitor ran, from its
``profiles`` artifact; no fetching. Profiles and review pages are recognised by the
platform adapters (``auditor.collect.profiles.platforms``), the same code the visitor uses, so a
share button or a single video is not mistaken for a profile. A visited profile's label
says what the visit found, including why a profile could not be verified (a login wall,
LinkedIn's 999): the map is where an unverifiable profile is reported, not the findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from auditor.artifacts import read
from auditor.artifacts.profiles import Profiles, ProfileVisit
from auditor.check import SiteView
from auditor.collect.profiles import platforms
from auditor.model import Touchpoint
from auditor.touchpoint_pages import _ads, _Inventory, _with, news_from_feeds, page_facts
from auditor.urls import host_of
from checks.profiles import verdict  # the map shows TP601's verdict on each profile

WHATSAPP_HOSTS = ("wa.me", "api.whatsapp.com", "chat.whatsapp.com")


def _label(label: str, visit: ProfileVisit | None) -> str:
    if visit is None:
        return label
    from checks.profiles import verdict  # the map shows TP601's verdict

    judged = verdict(visit)
    if judged.state == "found":
        return f"{label}: {visit.name}" if visit.name else label
    state = "not found" if judged.state == "not_found" else judged.state
    return f"{label} ({state}: {judged.reason})"


def touchpoints_from_links(site: SiteView) -> list[Touchpoint]:
    """Documents (PDF brochures …), social profiles, review pages and WhatsApp links of the
    site, each once, with the first page linking to it (or declaring it, for ``sameAs``)."""
    found: list[Touchpoint] = []
    for target in site.link_targets("documents"):  # fetched, with a document's content type
        result, refs = target.result, [r for r in target.refs if r.element in ("a", "area")]
        if refs and result is not None and (result.status or 0) < 400:
            label = next((r.text for r in refs if r.text), "") or (result.content_type or "").lower().split(";")[0]
            found.append(Touchpoint("document", target.url, label, refs[0].source))
    artifact = read(site, Profiles) or Profiles()
    visits = {v.key: v for v in artifact.profiles}
    by_url = {v.url: v for v in visits.values()}
    listed: set[str] = set()
    for target in site.link_targets("external"):
        if not target.refs:
            continue
        ref = platforms.match(target.url)
        visit = visits.get(ref.key) if ref else by_url.get(target.url)
        if ref is None and visit is None:
            if host_of(target.url).lower() in WHATSAPP_HOSTS:
                found.append(Touchpoint("contact_channel", target.url, "WhatsApp", target.refs[0].source))
            continue
        key = ref.key if ref else visit.key  # type: ignore[union-attr]  # one of the two is set
        if key in listed:
            continue
        listed.add(key)
        kind, label = (ref.kind, ref.label) if ref else (visit.kind, visit.label)  # type: ignore[union-attr]
        found.append(Touchpoint(kind, target.url, _label(label, visit), target.refs[0].source))
    for key, visit in visits.items():  # declared with sameAs / rel="me" but not linked
        if key not in listed:
            found.append(Touchpoint(visit.kind, visit.url, _label(visit.label, visit), visit.found_on))
    return enrich(site, found)  # pages by section, news, forms, mail/phone/chat, review widgets, ads


def _profile_details(site: SiteView, found: Iterable[Touchpoint]) -> Iterator[Touchpoint]:
    visits = {v.url: v for v in (read(site, Profiles) or Profiles()).profiles}
    for tp in found:
        visit = visits.get(tp.url)
        if tp.kind == "contact_channel" and "whatsapp" in tp.label.lower():
            yield _with(tp, channel="whatsapp", value=tp.url)
        elif visit is not None:
            judged = verdict(visit)
            yield _with(tp, state=judged.state, reason=judged.reason or None, platform=visit.label)
        else:
            yield tp


def enrich(site: SiteView, found: list[Touchpoint]) -> list[Touchpoint]:
    """The link-graph touchpoints (with the profile visits' state as details), then every
    touchpoint the stored pages and the ads show."""
    inventory = _Inventory(site)
    stored = getattr(site, "touchpoint_facts", None)  # the run store keeps them; MemorySite does not
    for url, facts in (stored() if stored is not None else ((p.url, page_facts(p)) for p in site.pages())):
        inventory.add(url, facts)
    return [*_profile_details(site, found), *news_from_feeds(site, inventory.touchpoints()), *_ads(site)]
