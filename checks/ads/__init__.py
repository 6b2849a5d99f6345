"""Ad checks (TP501–TP505): does each ad's landing page keep the ad's promise?

"Make sure the links in your online ads lead to content directly relevant to the ad: if
the ad has an offer, link to the page that details it, not to a registration form or the
homepage." The ad landing visitor (``auditor/collect/ads/visitor.py``) followed every ad's link
and stored what it found; these checks judge it. Every finding shows the ad as the
prospect saw it beside what the landing page shows (``evidence.ad`` and
``evidence.landing_page``), so the client sees the mismatch without opening anything.

The rules live in small modules: ``ads_landing`` (arrival, homepage), ``ads_forms``
(form pages), ``ads_offers`` (prices, discounts, codes, dates), ``ads_relevance`` and
``ads_text`` (stemmed, site-weighted keyword coverage).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from auditor.artifacts import read, read_pages
from auditor.artifacts.ads import Ad, AdLanding, Ads
from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.errors import NotApplicable
from auditor.html.content import main_text
from auditor.model import Finding, Location
from auditor.urls import host_of, registrable_domain
from checks.ads.forms import ad_asks_for, form_page
from checks.ads.landing import blocks_content, is_homepage, landing_problems
from checks.ads.offers import extract_offers, is_end_date, offer_on_page, page_offer_keys, price_mentions
from checks.ads.relevance import SiteWeights, relevance
from checks.ads.text import content_words, guess_language, stem, tokens

LANDING = AdLanding.NAME
EXCERPT = 240


def ad_as_seen(ad: Ad) -> str:
    """The ad in one line, as the prospect read it: headlines, then the description."""
    text = " | ".join(ad.headlines)
    if ad.descriptions:
        text += " — " + " ".join(ad.descriptions)
    return text


def landing_as_seen(record: AdLanding | None) -> str:
    """The landing page in one line: its title, main heading and the start of its main text."""
    if record is None:
        return "(not visited)"
    if not record.is_html:
        status = record.status
        return f"({record.error or f'HTTP {status}'}, {record.content_type or 'no content'})"
    parts = [f"title: {record.title or '(none)'}"]
    if record.h1:
        parts.append(f"heading: {record.h1[0]}")
    text = record.main_text
    parts.append(f"text: {text[:EXCERPT]}{'…' if len(text) > EXCERPT else ''}")
    return " · ".join(parts)


class AdCheck(SiteCheck):
    """Shared plumbing: the ads, their landing records, the side-by-side evidence."""

    family = "ads"
    requires = ("pages", "ads")

    def landings(self, site: SiteView, ctx: CheckContext) -> Iterator[tuple[Ad, AdLanding | None]]:
        """Each ad with its landing record, streamed in landing-URL order."""
        ads = read(ctx, Ads) or Ads()
        if not ads:
            raise NotApplicable("no ads given (--ads FILE)")
        by_url: dict[str, list[Ad]] = {}
        for ad in ads:
            by_url.setdefault(ad.final_url, []).append(ad)
        for url, record in read_pages(site, AdLanding):
            for ad in by_url.pop(url, []):
                yield ad, record
        for rest in by_url.values():
            for ad in rest:
                yield ad, None

    def judged(self, site: SiteView, ctx: CheckContext) -> Iterator[tuple[Ad, AdLanding]]:
        """Ads whose landing arrived as meant (content checks judge only those)."""
        for ad, record in self.landings(site, ctx):
            if record is not None and record.is_html and not blocks_content(landing_problems(ad, record)):
                yield ad, record

    def ad_finding(self, ad: Ad, record: AdLanding | None, message: str, evidence: dict[str, Any],
                   severity: str | None = None) -> Finding:
        final = (record.final_url if record is not None else "") or ad.final_url
        full = {"ad_id": ad.ad_id, "ad": ad_as_seen(ad), "landing_page": landing_as_seen(record),
                "ad_url": ad.final_url, **evidence}
        if final != ad.final_url:
            full["landing_url"] = final
        if record is not None and record.hops:
            full["redirects"] = [f"{h[0]} → {h[1]}" for h in record.hops]
        if ad.extra:
            full["ad_columns"] = dict(ad.extra)
        return self.finding(url=ad.final_url, target=ad.ad_id, message=message, evidence=full, severity=severity,
                            key=ad.identity, locations=[Location(ad.final_url, ad_as_seen(ad)[:200], "ad")])


def _name(ad: Ad) -> str:
    first = ad.headlines[0] if ad.headlines else (ad.descriptions[0] if ad.descriptions else "")
    return f"Ad {ad.ad_id} ({first[:80]!r})" if ad.ad_id != first else f"Ad {first[:80]!r}"


class BrokenAdLanding(AdCheck):
    """An ad whose link errors, is redirected away from the intended page, or loses its UTM tags.

    What it checks
    --------------
    Each ad's final URL is visited as a click would (redirects followed hop by hop, the
    query string kept). Reported: an error status or no answer; a redirect to another
    domain, to the homepage, or to a page that says it does not exist; and UTM
    parameters (``utm_source``, ``utm_campaign`` …) that a redirect drops or changes.
    A server that blocks automated visitors (403, a bot wall) is listed at ``info`` as
    "could not verify", never as broken.

    Why it matters
    --------------
    Every click is paid for. A broken or misdirected landing wastes the click and the
    prospect's goodwill; lost UTM parameters make the campaign invisible in the
    statistics, so nobody notices which ads work.

    How to fix
    ----------
    Point the ad at the page's current address (no redirect), restore the page or
    update the ad when the page is gone, and make redirects keep the query string.
    """

    code = "TP505"
    name = "broken-ad-landing"
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for ad, record in self.landings(site, ctx):
            problems = [p for p in landing_problems(ad, record) if p.kind != "not-visited"]
            if not problems:
                continue
            worst = problems[0]
            if worst.kind == "blocked":
                message = f"{_name(ad)}: {worst.reason}; check the landing page by hand."
            else:
                message = f"{_name(ad)} does not land where it should: {'; '.join(p.reason for p in problems)}."
            yield self.ad_finding(ad, record, message, {
                "problems": [p.kind for p in problems], "status": record.status if record else None,
                "error": record.error if record else None}, severity=worst.severity)


class AdLandsOnHomepage(AdCheck):
    """A specific ad (a product, service or offer) that sends the prospect to the homepage.

    What it checks
    --------------
    Ads whose link points at the site's root (``/``, ``/index.html``, a language root
    such as ``/nl/``). Brand ads, whose words are only the organisation's name (from
    the domain, the recurring part of the page titles, ``og:site_name`` and the
    ``brand_words`` option), may land on the homepage and are not reported.

    Why it matters
    --------------
    The prospect clicked on one thing and must now search for it. Most leave instead;
    ad platforms also rate such ads lower, so each click costs more.

    How to fix
    ----------
    Link the ad to the page about what it promotes (the product, the service, the
    offer's own page), or write a brand ad if the homepage is the right place.
    """

    code = "TP502"
    name = "ad-lands-on-homepage"
    default_severity = "warning"

    @dataclass
    class Options:
        """``brand_words``: extra words that make an ad a brand ad (names, slogans)."""

        brand_words: tuple[str, ...] = ()
        max_site_pages: int = 5000

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        brand = None
        for ad, record in self.judged(site, ctx):
            if not is_homepage(ad.final_url):
                continue
            if brand is None:
                brand = _brand_words(site, self.options.brand_words, self.options.max_site_pages)
            language = guess_language(ad.text) or guess_language(record.main_text, record.language)
            words = content_words(ad.text, language)
            offers = extract_offers(ad.text)
            domain = _domain_words(ad.final_url)
            specific = [w for w in words if stem(w, language) not in brand and w not in brand and w not in domain
                        and not any(part in domain for part in _parts(w))]
            if not offers and not specific:
                continue
            what = ", ".join([o.text for o in offers][:3] or specific[:5])
            yield self.ad_finding(ad, record, f"{_name(ad)} is about {what} but lands on the homepage.", {
                "specific_words": specific[:10], "offers": [o.text for o in offers]})


def _parts(word: str) -> list[str]:
    return [word[:i] for i in range(5, len(word))] if len(word) > 5 else []


def _domain_words(url: str) -> set[str]:
    host = host_of(url).split(":")[0]
    name = registrable_domain(host).split(".")[0] if not host.replace(".", "").isdigit() else ""
    return {w for w in tokens(name.replace("-", " ")) if len(w) > 2}


def _brand_words(site: SiteView, extra: Iterable[str], limit: int) -> set[str]:
    """Words of the organisation's name: the domain, ``og:site_name``, the words in most page titles."""
    words: set[str] = set(_domain_words(site.start_url))
    for text in extra:
        words.update(tokens(text))
    titles: Counter[str] = Counter()
    pages = 0
    for page in site.pages():
        if pages >= limit:
            break
        if not page.is_html or page.status != 200:
            continue
        pages += 1
        titles.update(set(tokens(page.title or "")))
        if pages <= 3:
            for value in page.tree.xpath("//meta[@property='og:site_name']/@content")[:1]:
                words.update(tokens(str(value)))
    words.update(w for w, n in titles.items() if pages >= 3 and n >= pages * 0.5)
    stems_ = {stem(w, lang) for w in words for lang in ("nl", "en")}
    return words | stems_


class AdLandsOnForm(AdCheck):
    """An ad that lands on a sign-up, registration, login or contact form instead of the offer.

    What it checks
    --------------
    The landing page's main content (menus and footers left out) is a form: it has a
    password field, two or more fields to fill in, or a lone e-mail box, and fewer than
    ``max_other_words`` words besides the form. Search boxes and newsletter boxes in
    the footer do not count. The evidence lists the form's fields and which are
    required.

    Why it matters
    --------------
    The ad promised something; the page asks for personal details before showing it.
    Prospects who wanted to read about the offer first leave, and the ad platform
    rates the landing page experience lower.

    How to fix
    ----------
    Link the ad to the page that details the offer, with the form (short) on that
    page or one click away, or give the form page the offer's details.
    """

    code = "TP503"
    name = "ad-lands-on-form"
    default_severity = "warning"

    @dataclass
    class Options:
        """``max_other_words``: a page with more words than this besides its form is more than a form."""

        max_other_words: int = 150

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for ad, record in self.judged(site, ctx):
            form = form_page(record, self.options.max_other_words)
            if form is None or ad_asks_for(form["kind"], ad.text):
                continue
            fields = [f"{f['label'] or f['name']}{' *' if f['required'] else ''}" for f in form["fields"]]
            yield self.ad_finding(ad, record, (
                f"{_name(ad)} lands on a {form['kind']} form ({form['visible_fields']} fields, "
                f"{form['required_fields']} required) instead of a page about the offer."), {
                "form_kind": form["kind"], "fields": fields, "required_fields": form["required_fields"],
                "words_besides_form": form["words_outside_forms"], "form_action": form.get("action") or None})


class AdOfferMissing(AdCheck):
    """The price, discount, deal, promo code or date in an ad is not on its landing page.

    What it checks
    --------------
    Offers in the ad's headlines and descriptions: prices (``€ 49``, ``€49,-``,
    ``49 euro``), discounts (``20% korting``, ``€ 500 korting``, ``20% off``), deals
    (``2 voor 1``, ``1+1 gratis``), promo codes (``code ZOMER20``) and end dates
    (``t/m 31 mei``). Each must appear on the landing page (its visible text and
    title). Values are compared, not spellings: ``1.299,00`` and ``1,299.00``,
    ``31 mei`` and ``31-05`` match each other. Other prices the page shows are listed
    in the evidence.

    Why it matters
    --------------
    A prospect who clicked for "€ 49" and does not find it feels misled, and
    advertising rules (and the ad platforms' policies) require the advertised offer to
    be on the landing page.

    How to fix
    ----------
    Show the offer on the landing page as the ad states it, or correct the ad when
    the price or the promotion has changed or ended.
    """

    code = "TP504"
    name = "ad-offer-missing"
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for ad, record in self.judged(site, ctx):
            offers = extract_offers(ad.text)
            if not offers:
                continue
            page_text = f"{record.title} {record.text}"
            keys = page_offer_keys(page_text)
            missing = [o for o in offers if not offer_on_page(o, page_text, keys)]
            if not missing:
                continue
            labels = [f"{'end date' if is_end_date(o, ad.text) else o.label} {o.text!r}" for o in missing]
            prices = price_mentions(page_text)
            yield self.ad_finding(ad, record, f"{_name(ad)} promises {', '.join(labels)}, not on the landing page.", {
                "missing_offers": [o.text for o in missing], "missing_kinds": [o.kind for o in missing],
                "offers_found": [o.text for o in offers if o not in missing], "prices_on_page": prices})


class OffTopicLandingPage(AdCheck):
    """An ad whose landing page is about something else than the ad.

    What it checks
    --------------
    The ad's words (stemmed with the Dutch or English Snowball stemmer, stop words and
    generic ad words left out) are looked up in the landing page's main content, title
    and description. Each word weighs by how rare it is on the site's own pages (a word
    on every page tells little), headline words more. The score is the weighted share
    of the ad's words the page has; below ``min_score`` the page is off-topic. The
    evidence lists the missing words, the score, and the languages of ad and page when
    they differ (a Dutch ad on an English page). Homepage landings are TP502's.

    Why it matters
    --------------
    The prospect clicked on one thing and sees another: they leave, the click is paid
    for anyway, and the ad platform's quality score (and so the price per click)
    suffers from the low relevance.

    How to fix
    ----------
    Point the ad at the page about what it promotes, or write the ad for the page it
    links to. If the page is right but uses other words, use the ad's words on it.
    """

    code = "TP501"
    name = "off-topic-landing-page"
    default_severity = "warning"

    @dataclass
    class Options:
        """``min_score``: the lowest relevance (0–1) that counts as on-topic; ``max_site_pages``
        bounds the pages read for the word weights."""

        min_score: float = 0.5
        max_site_pages: int = 5000

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        weights: SiteWeights | None = None
        topic: frozenset[str] = frozenset()
        for ad, record in self.judged(site, ctx):
            if is_homepage(ad.final_url):
                continue  # TP502 judges homepage landings
            if weights is None:
                weights = site_weights(site, self.options.max_site_pages)
                topic = site_topic(site)
            finding = self.judge(ad, record, weights, topic)
            if finding is not None:
                yield finding

    def judge(self, ad: Ad, record: AdLanding, weights: SiteWeights,
              topic: frozenset[str] = frozenset()) -> Finding | None:
        page_text = " ".join([record.title, record.description, *record.h1, record.main_text])
        page_language = guess_language(record.main_text, record.language)
        ad_language = guess_language(ad.text) or page_language
        if len(record.main_text.split()) < 5:
            return None  # nothing to read (a page drawn by script): not judged
        rel = relevance([without_offers(h) for h in ad.headlines], [without_offers(d) for d in ad.descriptions],
                        page_text, ad_language, weights, topic)
        mismatch = bool(ad_language and page_language and ad_language != page_language)
        if rel.score >= self.options.min_score:
            return None
        missing = ", ".join(rel.missing[:6])
        message = (f"{_name(ad)} lands on a page about something else (relevance {rel.score:.0%}); "
                   f"the page lacks: {missing}.")
        if mismatch:
            message += f" The ad is in {ad_language}, the page in {page_language}."
        evidence: dict[str, Any] = {"score": rel.score, "min_score": self.options.min_score,
                                    "missing_words": list(rel.missing), "found_words": list(rel.found),
                                    "partly_found_words": list(rel.partial), "ad_language": ad_language,
                                    "page_language": page_language}
        if mismatch:
            evidence["language_mismatch"] = True
        return self.ad_finding(ad, record, message, evidence)


def without_offers(text: str) -> str:
    """The ad text without its prices, codes and dates (TP504 judges those; "ZOMER15" is no topic)."""
    for offer in extract_offers(text):
        text = text.replace(offer.text, " ")
    return text


def site_topic(site: SiteView) -> frozenset[str]:
    """Stems of what the whole site is about: its homepage's title and description."""
    home = site.page(site.start_url)
    if home is None or not home.is_html:
        return frozenset()
    described = home.tree.xpath("//meta[@name='description']/@content")[:1]
    text = " ".join([home.title or "", *(str(d)[:300] for d in described)])
    language = guess_language(text, home.language)
    return frozenset(stem(w, language) for w in content_words(text, language))


def site_weights(site: SiteView, limit: int) -> SiteWeights:
    """Word weights from the main content of the site's own pages, read one page at a time."""
    weights = SiteWeights()
    for page in site.pages():
        if weights.pages >= limit:
            break
        if page.is_html and page.status == 200:
            text = main_text(page.tree)
            weights.add(text, guess_language(text, page.language))
    return weights
