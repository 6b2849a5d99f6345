"""URL normalisation and scope."""

from __future__ import annotations

import pytest

from auditor.urls import InvalidURL, Scope, normalise, resolve


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTP://WWW.Example.NL", "http://www.example.nl/"),
    ("https://example.nl:443/a/./b/../c", "https://example.nl/a/c"),
    ("http://example.nl:8080/x?utm_source=a&id=3&fbclid=z", "http://example.nl:8080/x?id=3"),
    ("https://example.nl/pad met spatie", "https://example.nl/pad%20met%20spatie"),
    ("https://bücher.de/", "https://xn--bcher-kva.de/"),
])
def test_normalise(raw, expected):
    assert normalise(raw)[0] == expected


def test_fragment_split_off():
    assert normalise("https://ex.nl/p#Team") == ("https://ex.nl/p", "Team")


def test_tracking_kept_when_asked():
    assert normalise("https://ex.nl/?utm_source=x", strip_params=False)[0] == "https://ex.nl/?utm_source=x"


@pytest.mark.parametrize("raw", ["ftp://ex.nl/", "ex.nl", "http://", "http://ex.nl:99999/"])
def test_invalid(raw):
    with pytest.raises(InvalidURL):
        normalise(raw)


@pytest.mark.parametrize(("href", "expected"), [
    ("../b", ("https://ex.nl/b", None)),
    ("#x", ("https://ex.nl/a/p", "x")),
    ("mailto:info@ex.nl", None),
    ("tel:+3120", None),
    ("javascript:void(0)", None),
    ("  /c?q=1  ", ("https://ex.nl/c?q=1", None)),
    ("//cdn.ex.nl/x.js", ("https://cdn.ex.nl/x.js", None)),
])
def test_resolve(href, expected):
    assert resolve("https://ex.nl/a/p", href) == expected


def test_scope_host_and_domain():
    host = Scope("https://www.ex.co.uk/")
    domain = Scope("https://www.ex.co.uk/", mode="domain")
    assert host.is_internal("https://www.ex.co.uk/x") and not host.is_internal("https://shop.ex.co.uk/")
    assert domain.is_internal("https://shop.ex.co.uk/") and not domain.is_internal("https://other.co.uk/")


def test_scope_patterns():
    scope = Scope("https://ex.nl/", include=(r"/nl/",), exclude=(r"\?print=1",))
    assert scope.should_crawl("https://ex.nl/nl/a")
    assert not scope.should_crawl("https://ex.nl/en/a")
    assert not scope.should_crawl("https://ex.nl/nl/a?print=1")


@pytest.mark.parametrize("base", ["https://ex.nl/", "https://ex.nl/s/t/u.html", "https://ex.nl/s/t/", "http://ex.nl:8080/a?q=1"])
@pytest.mark.parametrize("href", ["p.html", "sub/p.html?x=1#f", "../a.html", "../../../../z", "./x", "././y/../w",
                                  "/r/../s", "/abs#top", "?q=2", "//cdn.ex.nl/x", "https://Other.NL/Pad",
                                  "p%20q.html", "../a/./b/../c.html"])
def test_resolve_fast_paths_agree_with_urljoin(base, href):
    from urllib.parse import urljoin

    assert resolve(base, href) == normalise(urljoin(base, href))


@pytest.mark.parametrize(("base", "href", "expected"), [
    # Sites edited on Windows: a browser reads a backslash as a slash.
    ("https://ex.nl/a/p", r"media\files\pdf\x.pdf", ("https://ex.nl/a/media/files/pdf/x.pdf", None)),
    ("https://ex.nl/a/p", r"\media\x.pdf", ("https://ex.nl/media/x.pdf", None)),
    ("https://ex.nl/a/p", r"/\other.nl/x", ("https://other.nl/x", None)),
    # WYSIWYG editors wrap long hrefs: tabs and newlines are dropped, not escaped.
    ("https://ex.nl/a/p", "/nieuws/lang-\n   artikel.html", ("https://ex.nl/nieuws/lang-%20%20%20artikel.html", None)),
    ("https://ex.nl/a/p", "https://ex.nl/lang\t\r\npad.html", ("https://ex.nl/langpad.html", None)),
    # Missing or single slashes after the scheme: another scheme's URL is repaired; with the
    # page's own scheme the browser reads a path on the same site (and so do we).
    ("http://ex.nl/a/p", "https:/example.nl/", ("https://example.nl/", None)),
    ("https://ex.nl/a/p", "https:/example.nl/", ("https://ex.nl/example.nl/", None)),
    ("https://ex.nl/a/p", "http:example.nl/", ("http://example.nl/", None)),
    ("https://ex.nl/a/p", "https:\\\\example.nl\\x", ("https://example.nl/x", None)),
    ("http://ex.nl/a/p", "http:example.nl/", ("http://ex.nl/a/example.nl/", None)),  # same scheme: relative
    # IDNA, UTS #46 non-transitional: ß stays a ß.
    ("https://ex.nl/", "https://faß.example/", ("https://xn--fa-hia.example/", None)),
    ("https://ex.nl/", "https://FAß.Example/Pad", ("https://xn--fa-hia.example/Pad", None)),
    # Percent-escapes are kept as written: that is what goes on the wire.
    ("https://ex.nl/", "/zoek%3Dx?q=a%3Db&r=%2F", ("https://ex.nl/zoek%3Dx?q=a%3Db&r=%2F", None)),
    ("https://ex.nl/", "/a b?c d#e f", ("https://ex.nl/a%20b?c%20d", "e%20f")),
])
def test_resolve_as_a_browser(base, href, expected):
    assert resolve(base, href) == expected


@pytest.mark.parametrize(("href", "expected"), [
    ("file:///C:/Users/jan/Documents/brochure.pdf", "file:///C:/Users/jan/Documents/brochure.pdf"),
    (r"C:\Users\jan\brochure.pdf", r"c:\Users\jan\brochure.pdf"),
    ("http://exa mple.nl/", "http://exa mple.nl/"),
    ("https://ex.nl:99999/", "https://ex.nl:99999/"),
])
def test_unusable_links_come_back_when_asked(href, expected):
    assert resolve("https://ex.nl/a/p", href) is None
    assert resolve("https://ex.nl/a/p", href, unusable=True) == (expected, None)
