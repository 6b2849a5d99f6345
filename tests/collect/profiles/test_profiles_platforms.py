"""Platform adapters on hand-built answers: which URLs are profiles, blocked is not broken,
what a profile shows, and feeds parsed safely. No network."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.artifacts.profiles import ProfileVisit
from auditor.collect.http import Response
from auditor.collect.profiles import platforms
from auditor.collect.profiles.platforms.base import unwrap
from auditor.collect.profiles.platforms.parse import ProfilePage, feed_dates, jsonld_nodes, parse_date
from auditor.model import Hop
from checks.profiles import FOUND, NOT_FOUND, UNVERIFIABLE, verdict

PROFILES = [
    ("https://www.linkedin.com/company/groenhuis-installatietechniek", "linkedin"),
    ("https://nl.linkedin.com/company/groenhuis/about/", "linkedin"),
    ("https://www.linkedin.com/in/jan-de-vries-123/", "linkedin"),
    ("https://www.facebook.com/groenhuisinstallatie", "facebook"),
    ("https://m.facebook.com/profile.php?id=100012345", "facebook"),
    ("https://www.facebook.com/pages/Groenhuis/123456789", "facebook"),
    ("https://www.instagram.com/groenhuis_installatie/", "instagram"),
    ("https://twitter.com/groenhuis", "x"),
    ("https://x.com/groenhuis", "x"),
    ("https://www.youtube.com/@groenhuisinstallatie", "youtube"),
    ("https://www.youtube.com/channel/UCgr0enhu1s1nstallat1e0A", "youtube"),
    ("https://www.youtube.com/user/groenhuis/videos", "youtube"),
    ("https://www.tiktok.com/@groenhuis", "tiktok"),
    ("https://nl.pinterest.com/groenhuis/", "pinterest"),
    ("https://mastodon.social/@groenhuis", "mastodon"),
    ("https://social.vivaldi.net/@groenhuis", "mastodon"),
    ("https://github.com/groenhuis", "github"),
    ("https://www.google.com/maps/place/Groenhuis+Installatietechniek/@52.1,5.1,17z", "google_business"),
    ("https://maps.google.com/?cid=1234567890", "google_business"),
    ("https://g.page/groenhuis", "google_business"),
    ("https://maps.app.goo.gl/AbCdEf123", "google_business"),
    ("https://nl.trustpilot.com/review/groenhuis-installatie.nl", "trustpilot"),
    ("https://www.kiyoh.com/reviews/1064234/groenhuis_installatietechniek", "kiyoh"),
]
NOT_PROFILES = [
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fex.nl",
    "https://www.facebook.com/sharer.php?u=x",
    "https://www.linkedin.com/shareArticle?mini=true&url=x",
    "https://x.com/intent/tweet?text=x",
    "https://www.youtube.com/watch?v=abc",
    "https://www.youtube.com/embed/abc",
    "https://youtu.be/abc",
    "https://www.instagram.com/p/Cx123/",
    "https://github.com/groenhuis/website",
    "https://www.google.com/search?q=groenhuis",
    "https://medium.com/@groenhuis",
    "https://www.pinterest.com/pin/123/",
    "https://wa.me/31301234567",
    "https://www.example.nl/@groenhuis",  # a /@name path on an unknown host: not Mastodon unless declared
]


@pytest.mark.parametrize(("url", "platform"), PROFILES)
def test_profile_urls_are_recognised(url, platform):
    ref = platforms.match(url)
    assert ref is not None and ref.platform == platform


@pytest.mark.parametrize("url", NOT_PROFILES)
def test_posts_share_buttons_and_videos_are_not_profiles(url):
    assert platforms.match(url) is None


def test_identity_folds_spellings_and_declared_mastodon():
    a = platforms.match("https://www.instagram.com/Groenhuis_Installatie/")
    b = platforms.match("https://instagram.com/groenhuis_installatie")
    assert a.key == b.key
    assert platforms.match("https://www.linkedin.com/in/jan/").personal
    assert platforms.match("https://www.example.nl/@groenhuis", declared=True).platform == "mastodon"
    assert platforms.match("https://www.facebook.com/profile.php?id=42").key == "facebook:id:42"


def _judge(url: str, *, status: int | None = 200, body: str = "", final_url: str | None = None,
           redirects: tuple[str, ...] = (), error: str | None = None, headers: dict | None = None):
    ref = platforms.match(url, declared=True)
    hops = [Hop(url, 302, location) for location in redirects]
    got = Response(url=url, status=status, final_url=final_url or url, hops=hops, body=body.encode(),
                   headers=headers or {}, error=error)
    page = ProfilePage.parse(got.body, got.final_url or url, "text/html")
    observed = platforms.get(ref.platform).observe(got, page)  # the visitor's facts, judged by TP601's rule
    return verdict(ProfileVisit(url=url, key=ref.key, platform=ref.platform, label=ref.label, status=status,
                                final_url=got.final_url, error=error, observed=observed))


def test_blocked_is_never_broken():
    li = "https://www.linkedin.com/company/x"
    assert _judge(li, status=999).state == UNVERIFIABLE
    assert _judge(li, status=429).state == UNVERIFIABLE
    authwall = _judge(li, final_url="https://www.linkedin.com/authwall?trk=x", redirects=(
        "https://www.linkedin.com/authwall?trk=x",), body="<title>Sign Up | LinkedIn</title>")
    assert authwall.state == UNVERIFIABLE and "login page" in authwall.reason
    assert _judge("https://www.facebook.com/x", status=403).state == UNVERIFIABLE
    wall = _judge("https://www.facebook.com/x", status=404, headers={"cf-mitigated": "challenge"})
    assert wall.state == UNVERIFIABLE and "bot wall" in wall.reason  # a 404 from a bot wall says nothing
    captcha = _judge("https://github.com/x", status=404, body="<title>Just a moment...</title>captcha")
    assert captcha.state == UNVERIFIABLE
    consent = _judge("https://www.youtube.com/@x", final_url="https://consent.youtube.com/m?continue=x",
                     redirects=("https://consent.youtube.com/m?continue=x",))
    assert consent.state == UNVERIFIABLE and "consent" in consent.reason
    login_form = _judge("https://www.facebook.com/x", body="<title>Facebook</title><h2>Log in to Facebook</h2>")
    assert login_form.state == UNVERIFIABLE
    assert _judge("https://www.facebook.com/x", status=503).state == UNVERIFIABLE
    assert _judge("https://www.facebook.com/x", status=None, error="timeout").state == UNVERIFIABLE
    assert _judge("https://x.com/someone", body="<title>X</title><div id=react-root></div>").state == UNVERIFIABLE


def test_gone_is_broken():
    assert _judge("https://github.com/gone", status=404).state == NOT_FOUND
    assert _judge("https://mastodon.social/@gone", status=410).reason.endswith("removed or suspended")
    soft = _judge("https://www.instagram.com/gone/", body="<title>Page not found • Instagram</title>"
                  "<h2>Sorry, this page isn't available.</h2>")
    assert soft.state == NOT_FOUND and "sorry, this page isn't available" in soft.reason
    unavailable = _judge("https://www.linkedin.com/company/gone", final_url="https://www.linkedin.com/company/unavailable/",
                         redirects=("https://www.linkedin.com/company/unavailable/",))
    assert unavailable.state == NOT_FOUND
    suspended = _judge("https://x.com/gone", body="<title>X</title><span>Account suspended</span>")
    assert suspended.state == NOT_FOUND
    # A vanished Mastodon server is a vanished profile; a vanished facebook.com is our network.
    assert _judge("https://toot.example.nl/@x", status=None, error="dns").state == NOT_FOUND
    assert _judge("https://www.facebook.com/x", status=None, error="dns").state == UNVERIFIABLE


def test_a_found_profile_and_what_it_shows():
    body = """<html><head><title>Groenhuis | LinkedIn</title>
    <meta property="og:title" content="Groenhuis Installatietechniek | LinkedIn">
    <meta property="og:description"
          content="Installateur. Bel +31 30 123 4567, mail info@groenhuis.nl, Atoomweg 52, 3542 AB Utrecht.">
    <script type="application/ld+json">{"@context": "http://schema.org", "@graph": [
      {"@type": "Organization", "name": "Groenhuis Installatietechniek B.V.", "sameAs": "https://www.groenhuis.nl",
       "url": "https://www.linkedin.com/company/groenhuis",
       "address": {"@type": "PostalAddress", "postalCode": "3542 AB"}}]}</script></head><body></body></html>"""
    url = "https://www.linkedin.com/company/groenhuis"
    assert _judge(url, body=body).state == FOUND
    ref = platforms.match(url)
    facts = platforms.get("linkedin").facts(ref, ProfilePage.parse(body.encode(), url))
    assert facts.name == "Groenhuis Installatietechniek B.V."
    assert "https://www.groenhuis.nl" in facts.websites
    assert facts.phones == ["+31 30 123 4567"]
    assert facts.emails == ["info@groenhuis.nl"]
    assert facts.addresses == ["3542 AB"]


def test_names_from_titles_and_the_platform_itself_is_not_the_owner():
    page = ProfilePage.parse(b'<meta property="og:title" content="Groenhuis (@groenhuis_nl) \xe2\x80\xa2 Instagram '
                             b'photos and videos">', "https://www.instagram.com/groenhuis_nl/")
    assert platforms.get("instagram").profile_name(page) == "Groenhuis"
    trustpilot = ProfilePage.parse(b'<script type="application/ld+json">[{"@type": "Organization", "name": '
                                   b'"Trustpilot"}, {"@type": "LocalBusiness", "name": "Groenhuis"}]</script>',
                                   "https://www.trustpilot.com/review/groenhuis.nl")
    assert platforms.get("trustpilot").profile_name(trustpilot) == "Groenhuis"
    assert platforms.get("trustpilot").websites(trustpilot) == ["https://groenhuis.nl/"]


def test_youtube_feed_url_from_the_page_or_the_channel_id():
    youtube = platforms.get("youtube")
    ref = platforms.match("https://www.youtube.com/@groenhuis")
    linked = ProfilePage.parse(b'<link rel="alternate" type="application/rss+xml" href="/feeds/videos.xml?channel_id='
                               b'UCgr0enhu1s1nstallat1e0A">', ref.url)
    assert youtube.feed_url(ref, linked) == "https://www.youtube.com/feeds/videos.xml?channel_id=UCgr0enhu1s1nstallat1e0A"
    meta = ProfilePage.parse(b'<meta itemprop="identifier" content="UCgr0enhu1s1nstallat1e0A">', ref.url)
    assert youtube.feed_url(ref, meta).endswith("channel_id=UCgr0enhu1s1nstallat1e0A")
    user = platforms.match("https://www.youtube.com/user/groenhuis")
    assert youtube.feed_url(user, ProfilePage(url=user.url)).endswith("videos.xml?user=groenhuis")
    assert platforms.get("facebook").feed_url(ref, linked) is None  # no public dates: no feed asked


def test_outbound_redirectors_are_unwrapped():
    assert unwrap("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.groenhuis.nl%2F&h=x") == "https://www.groenhuis.nl/"
    assert unwrap("https://www.youtube.com/redirect?q=https://groenhuis.nl&v=1") == "https://groenhuis.nl"
    assert unwrap("https://www.groenhuis.nl/?q=https://x.nl") == "https://www.groenhuis.nl/?q=https://x.nl"


def test_feed_dates_rss_atom_and_not_feeds():
    rss = b"""<rss version="2.0"><channel><pubDate>Sun, 22 Nov 2026 00:00:00 GMT</pubDate>
      <item><pubDate>Tue, 10 Mar 2026 08:00:00 +0100</pubDate></item><item><pubDate>garbage</pubDate></item>
      </channel></rss>"""
    assert feed_dates(rss) == [dt.date(2026, 3, 10)]  # the channel's own date is not a post
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><updated>2026-11-01T00:00:00Z</updated>
      <entry><published>2024-02-20T15:00:07+00:00</published><updated>2025-06-01T10:00:00Z</updated></entry></feed>"""
    assert feed_dates(atom) == [dt.date(2024, 2, 20)]  # a later edit is not a new post
    assert feed_dates(b'<rss version="2.0"><channel><title>x</title></channel></rss>') == []
    assert feed_dates(b"<html><body>Not found</body></html>") is None
    assert feed_dates(b"") is None


def test_hostile_xml_and_json_are_harmless(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("2001-01-01")
    xxe = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>
      <rss><channel><item><pubDate>&x;</pubDate></item></channel></rss>""".encode()
    assert feed_dates(xxe) in (None, [])  # the file is never read into a date
    laughs = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
      <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>
      <rss><channel><item><pubDate>&d;</pubDate></item></channel></rss>"""
    assert feed_dates(laughs) in (None, [])
    deep = "[" * 5000 + "]" * 5000
    assert jsonld_nodes(deep) == []
    assert jsonld_nodes('{"@type": "Organization", "name": "A", "sub": ' + '{"@type": "Thing", "x": ' * 50 + "1"
                        + "}" * 51) != []


def test_parse_date_formats():
    assert parse_date("2024-03-12") == dt.date(2024, 3, 12)
    assert parse_date("2024-03-12T23:30:00-02:00") == dt.date(2024, 3, 13)  # in UTC
    assert parse_date("Tue, 12 Mar 2024 09:00:00 GMT") == dt.date(2024, 3, 12)
    assert parse_date("gisteren") is None


def test_every_adapter_is_tested_and_documented():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "profiles.md").read_text("utf-8")
    names = {p.name for p in platforms.all_platforms()}
    assert names == {platform for _, platform in PROFILES}
    assert all(f"| `{name}` |" in docs for name in names), "add the platform to docs/profiles.md"


def test_a_found_profile_may_mention_not_found_in_its_posts():
    body = ('<meta property="og:title" content="Groenhuis - YouTube"><title>Groenhuis - YouTube</title>'
            "<p>New video: Page not found? This page isn't available? How to fix your website</p>")
    assert _judge("https://www.youtube.com/@groenhuis", body=body).state == FOUND
    error = "<title>YouTube</title><p>This page isn't available. Sorry about that.</p>"
    assert _judge("https://www.youtube.com/@groenhuis", body=error).state == NOT_FOUND


@pytest.mark.parametrize("text", ["<title>Attention Required! | Cloudflare</title>", "Our systems have detected "
                                  "unusual traffic from your network", "DDoS protection by Example",
                                  "Please enable cookies.", "Access denied", "Verify you are human"])
def test_the_link_checks_and_the_profile_visitor_know_the_same_bot_walls(text):
    """One list (``auditor.model.is_bot_wall``): a wall the link checks call blocked is not
    a missing profile for the visitor, and the other way round."""
    from auditor.model import LinkResult
    from checks.links import verdict

    url = "https://www.facebook.com/x"
    assert verdict(LinkResult(url, 404, url, snippet=text)).state == "blocked"
    assert _judge(url, status=404, body=text).state == UNVERIFIABLE
    assert verdict(LinkResult(url, 404, url, snippet="Page not found")).state == "broken"
    assert _judge(url, status=404, body="<title>Page not found</title>").state != UNVERIFIABLE
