"""robots.txt read as Google reads it: the cases of google/robotstxt's ``robots_test.cc``,
re-stated against ``auditor.collect.crawl.robots`` (plus the five problems seen on real
sites: a byte-order mark, ``User-agent: FOO BAR``, a non-group line between user-agent
lines, ``%62%61%7A``, the 16,664-byte line cut).

Each case is ``(robots.txt, user agent, url, allowed)``. Cases of the C++ file that test
internal functions (``GetPathParamsQuery``, ``MaybeEscapePattern``) or the parse
callbacks (line and directive counts) are re-stated as what they mean for matching.
"""

from __future__ import annotations

import pytest

from auditor.collect.crawl.robots import RobotsRules, product_token, sitemap_lines


def allowed(robotstxt: str | bytes, agent: str, url: str) -> bool:
    body = robotstxt.encode("utf-8") if isinstance(robotstxt, str) else robotstxt
    return RobotsRules("foo.bar", 200, body=body).allowed(url, agent)


FOOBOT_DISALLOW = "user-agent: FooBot\ndisallow: /\n"
GROUPS = ("allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\n"
          "allow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n")
CASE_UPPER = "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n"
CASE_LOWER = "user-agent: FooBot\nallow: /x/\ndisallow: /\n"
CASE_CAMEL = "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n"
UA_UPPER = "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n"
UA_LOWER = "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n"
UA_CAMEL = "User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n"
GLOBAL = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n"
ONLY_SPECIFIC = "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n"
FISH = "user-agent: FooBot\ndisallow: /\nallow: /fish\n"
FISH_STAR = "user-agent: FooBot\ndisallow: /\nallow: /fish*\n"
FISH_SLASH = "user-agent: FooBot\ndisallow: /\nallow: /fish/\n"
PHP = "user-agent: FooBot\ndisallow: /\nallow: /*.php\n"
PHP_END = "user-agent: FooBot\ndisallow: /\nallow: /*.php$\n"
FISH_PHP = "user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n"
U = "http://foo.bar"
PAGE = "http://foo.bar/x/page.html"

CASES = [
    # GoogleOnly_SystemTest
    ("", "FooBot", "", True),
    (FOOBOT_DISALLOW, "", "", True),
    (FOOBOT_DISALLOW, "FooBot", "", False),
    ("", "", "", True),
    # ID_LineSyntax_Line: a missing colon is accepted
    (FOOBOT_DISALLOW, "FooBot", f"{U}/x/y", False),
    ("foo: FooBot\nbar: /\n", "FooBot", f"{U}/x/y", True),
    ("user-agent FooBot\ndisallow /\n", "FooBot", f"{U}/x/y", False),
    # ID_LineSyntax_Groups
    (GROUPS, "FooBot", f"{U}/x/b", True),
    (GROUPS, "FooBot", f"{U}/z/d", True),
    (GROUPS, "FooBot", f"{U}/y/c", False),
    (GROUPS, "BarBot", f"{U}/y/c", True),
    (GROUPS, "BarBot", f"{U}/w/a", True),
    (GROUPS, "BarBot", f"{U}/z/d", False),
    (GROUPS, "BazBot", f"{U}/z/d", True),
    (GROUPS, "FooBot", f"{U}/foo/bar/", False),
    (GROUPS, "BarBot", f"{U}/foo/bar/", False),
    (GROUPS, "BazBot", f"{U}/foo/bar/", False),
    # ID_REPLineNamesCaseInsensitive
    *[(txt, "FooBot", f"{U}/x/y", True) for txt in (CASE_UPPER, CASE_LOWER, CASE_CAMEL)],
    *[(txt, "FooBot", f"{U}/a/b", False) for txt in (CASE_UPPER, CASE_LOWER, CASE_CAMEL)],
    # ID_UserAgentValueCaseInsensitive (and "FOO BAR" is read as "FOO")
    *[(txt, agent, f"{U}/x/y", True) for txt in (UA_UPPER, UA_LOWER, UA_CAMEL) for agent in ("Foo", "foo")],
    *[(txt, agent, f"{U}/a/b", False) for txt in (UA_UPPER, UA_LOWER, UA_CAMEL) for agent in ("Foo", "foo")],
    # GoogleOnly_AcceptUserAgentUpToFirstSpace: we send our product token, never "Foo Bar"
    ("User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n", "Foo", f"{U}/x/y", True),
    # ID_GlobalGroups_Secondary
    ("", "FooBot", f"{U}/x/y", True),
    (GLOBAL, "FooBot", f"{U}/x/y", False),
    (GLOBAL, "BarBot", f"{U}/x/y", True),
    (ONLY_SPECIFIC, "QuxBot", f"{U}/x/y", True),
    # ID_AllowDisallow_Value_CaseSensitive
    ("user-agent: FooBot\ndisallow: /x/\n", "FooBot", f"{U}/x/y", False),
    ("user-agent: FooBot\ndisallow: /X/\n", "FooBot", f"{U}/x/y", True),
    # ID_LongestMatch
    ("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n", "FooBot", PAGE, False),
    ("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", PAGE, True),
    ("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", f"{U}/x/", False),
    ("user-agent: FooBot\ndisallow: \nallow: \n", "FooBot", PAGE, True),
    ("user-agent: FooBot\ndisallow: /\nallow: /\n", "FooBot", PAGE, True),
    ("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", f"{U}/x", False),
    ("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", f"{U}/x/", True),
    ("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n", "FooBot", PAGE, True),
    ("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", f"{U}/page.html", False),
    ("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", f"{U}/page", True),
    ("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", PAGE, True),
    ("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", f"{U}/x/y.html", False),
    ("User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n", "FooBot", f"{U}/x/page", True),
    ("User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n", "FooBot", f"{U}/y/page", False),
    # ID_Encoding
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n", "FooBot",
     f"{U}/foo/bar?qux=taz&baz=http://foo.bar?tar&par", True),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n", "FooBot", f"{U}/foo/bar/%E3%83%84", True),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n", "FooBot", f"{U}/foo/bar/ツ", False),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n", "FooBot", f"{U}/foo/bar/%E3%83%84", True),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n", "FooBot", f"{U}/foo/bar/ツ", False),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n", "FooBot", f"{U}/foo/bar/baz", False),
    ("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n", "FooBot", f"{U}/foo/bar/%62%61%7A", True),
    # ID_SpecialCharacters
    ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", f"{U}/foo/bar/quz", False),
    ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", f"{U}/foo/quz", True),
    ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", f"{U}/foo//quz", True),
    ("User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", f"{U}/foo/bax/quz", True),
    ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", f"{U}/foo/bar", False),
    ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", f"{U}/foo/bar/qux", True),
    ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", f"{U}/foo/bar/", True),
    ("User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", f"{U}/foo/bar/baz", True),
    ("User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", f"{U}/foo/bar", True),
    ("User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", f"{U}/foo/quz", False),
    # GoogleOnly_IndexHTMLisDirectory
    *[("User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n", "foobot", f"http://foo.com{path}", ok)
      for path, ok in (("/allowed-slash/", True), ("/allowed-slash/index.htm", False),
                       ("/allowed-slash/index.html", True), ("/anyother-url", False))],
    # GoogleOnly_DocumentationChecks
    *[(FISH, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/fish", True), ("/fish.html", True), ("/fish/salmon.html", True), ("/fishheads", True),
        ("/fishheads/yummy.html", True), ("/fish.html?id=anything", True), ("/Fish.asp", False),
        ("/catfish", False), ("/?id=fish", False))],
    *[(FISH_STAR, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/fish", True), ("/fish.html", True), ("/fish/salmon.html", True), ("/fishheads", True),
        ("/fishheads/yummy.html", True), ("/fish.html?id=anything", True), ("/Fish.bar", False),
        ("/catfish", False), ("/?id=fish", False))],
    *[(FISH_SLASH, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/fish/", True), ("/fish/salmon", True), ("/fish/?salmon", True),
        ("/fish/salmon.html", True), ("/fish/?id=anything", True), ("/fish", False), ("/fish.html", False),
        ("/Fish/Salmon.html", False))],
    *[(PHP, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/filename.php", True), ("/folder/filename.php", True),
        ("/folder/filename.php?parameters", True), ("//folder/any.php.file.html", True), ("/filename.php/", True),
        ("/index?f=filename.php/", True), ("/php/", False), ("/index?php", False), ("/windows.PHP", False))],
    *[(PHP_END, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/filename.php", True), ("/folder/filename.php", True),
        ("/filename.php?parameters", False), ("/filename.php/", False), ("/filename.php5", False), ("/php/", False),
        ("/filename?php", False), ("/aaaphpaaa", False), ("//windows.PHP", False))],
    *[(FISH_PHP, "FooBot", f"{U}{path}", ok) for path, ok in (
        ("/bar", False), ("/fish.php", True), ("/fishheads/catfish.php?parameters", True), ("/Fish.PHP", False))],
    ("user-agent: FooBot\nallow: /p\ndisallow: /\n", "FooBot", "http://example.com/page", True),
    ("user-agent: FooBot\nallow: /folder\ndisallow: /folder\n", "FooBot", "http://example.com/folder/page", True),
    ("user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n", "FooBot", "http://example.com/page.htm", False),
    ("user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/", True),
    ("user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/page.html", False),
]

# ID_LinesNumbersAreCountedCorrectly: every line ending works (the directives all count).
_LINES = ["User-Agent: foo", "Allow: /some/path", "User-Agent: bar", "", "", "Disallow: /"]
for _name, _text in (("unix", "\n".join(_LINES) + "\n"), ("dos", "\r\n".join(_LINES) + "\r\n"),
                     ("mac", "\r".join(_LINES) + "\r"), ("no final newline", "\n".join(_LINES)),
                     ("mixed", "User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\n\r\n\n" "Disallow: /")):
    CASES += [(_text, "foo", f"{U}/some/path", True), (_text, "foo", f"{U}/other", True),
              (_text, "bar", f"{U}/some/path", False), (_text, "baz", f"{U}/some/path", True)]

# ID_UTF8ByteOrderMarkIsSkipped: a full or partial BOM is skipped; a broken one spoils the
# first line only; one in the middle of the file spoils its line.
_BOM_RULES = b"User-Agent: foo\nAllow: /AnyValue\nDisallow: /\n"
CASES += [
    (b"\xef\xbb\xbf" + _BOM_RULES, "foo", f"{U}/AnyValue", True),
    (b"\xef\xbb\xbf" + _BOM_RULES, "foo", f"{U}/other", False),
    (b"\xef\xbb" + _BOM_RULES, "foo", f"{U}/other", False),
    (b"\xef" + _BOM_RULES, "foo", f"{U}/other", False),
    (b"\xef\x11\xbf" + _BOM_RULES, "foo", f"{U}/other", True),  # no group: rules outside groups are ignored
    (b"User-Agent: foo\n\xef\xbb\xbfAllow: /AnyValue\nDisallow: /\n", "foo", f"{U}/AnyValue", False),
]

# The problems seen on real sites, in the form the crawler meets them (our full user agent).
_UA = "touchpoint-auditor/0.1 (+https://example.nl/bot)"
CASES += [
    (b"\xef\xbb\xbfUser-agent: *\nDisallow: /private/\n", _UA, f"{U}/private/x", False),
    ("User-agent: touchpoint-auditor extra words\nDisallow: /\n", _UA, f"{U}/x", False),
    ("User-agent: somebot\nCrawl-delay: 5\nUser-agent: touchpoint-auditor\nDisallow: /shop/\n", _UA,
     f"{U}/shop/a", False),
    ("User-agent: *\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n", _UA, f"{U}/foo/bar/baz", False),
]


@pytest.mark.parametrize(("robotstxt", "agent", "url", "expected"), CASES,
                         ids=[f"{i}-{c[2][-30:]}" for i, c in enumerate(CASES)])
def test_agrees_with_googles_matcher_tests(robotstxt, agent, url, expected):
    assert allowed(robotstxt, agent, url) is expected


def _long_line_cases():
    """GoogleOnly_LineTooLong: lines are cut at 8 * 2083 bytes."""
    max_line = 2083 * 8
    longline = "/x/" + "a" * (max_line - 3 - len("disallow: ") + 1 - 3)
    robots = f"user-agent: FooBot\ndisallow: {longline}/qux\n"
    yield robots, f"{U}/fux", True
    yield robots, f"{U}{longline}/fux", False
    line_a = "/x/" + "a" * (max_line - 3 - len("allow: ") + 1 - 3)
    line_b = "/x/" + "b" * (max_line - 3 - len("allow: ") + 1 - 3)
    robots = f"user-agent: FooBot\ndisallow: /\nallow: {line_a}/qux\nallow: {line_b}/qux\n"
    yield robots, f"{U}/", False
    yield robots, f"{U}{line_a}/qux", True
    yield robots, f"{U}{line_b}/fux", True


@pytest.mark.parametrize(("robotstxt", "url", "expected"), list(_long_line_cases()))
def test_long_lines_are_cut_at_16664_bytes(robotstxt, url, expected):
    assert allowed(robotstxt, "FooBot", url) is expected


@pytest.mark.parametrize(("rule", "url"), [
    # TestGetPathParamsQuery, as matching: the fragment is not part of the path, the query is.
    ("/$", "http://www.example.com"), ("/$", "http://www.example.com/"), ("/a$", "http://www.example.com/a"),
    ("/a/$", "http://www.example.com/a/"), ("/a/b?c=http://d.e/$", "http://www.example.com/a/b?c=http://d.e/"),
    ("/a/b?c=d&e=f$", "http://www.example.com/a/b?c=d&e=f#fragment"), ("/a;b$", "http://example.com/a;b#c"),
    # TestMaybeEscapePattern, as matching: non-ASCII in a rule is percent-encoded, escapes upper-cased.
    ("/%C3%A1$", "http://example.com/%C3%A1"), ("/á$", "http://example.com/%C3%A1"),
    ("/%aa$", "http://example.com/%AA"),
])
def test_path_and_escaping(rule, url):
    assert allowed(f"user-agent: FooBot\ndisallow: /\nallow: {rule}\n", "FooBot", url)


def test_valid_product_tokens():
    # ID_VerifyValidUserAgentsToObey: what we match is the [a-zA-Z_-] product token.
    assert product_token("Foobot-Bar/2.1 (+https://x)") == "Foobot-Bar"
    assert product_token("Foo_Bar") == "Foo_Bar"
    assert product_token("touchpoint-auditor/0.1") == "touchpoint-auditor"


def test_sitemap_lines_anywhere_in_the_file():
    # ID_NonStandardLineExample_Sitemap
    rest = b"User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\n"
    for body in (rest + b"Sitemap: http://foo.bar/sitemap.xml\n", b"Sitemap: http://foo.bar/sitemap.xml\n" + rest,
                 b"\xef\xbb\xbfsitemap: http://foo.bar/sitemap.xml # main\n" + rest):
        assert sitemap_lines(body, "http://foo.bar/robots.txt") == ["http://foo.bar/sitemap.xml"]
    assert sitemap_lines(b"Sitemap: /relative.xml\n", "http://foo.bar/robots.txt") == ["http://foo.bar/relative.xml"]


def test_crawl_delay_of_our_group():
    rules = RobotsRules("foo.bar", 200, body=b"User-agent: other\nCrawl-delay: 9\n\nUser-agent: *\nCrawl-delay: 2\n")
    assert rules.crawl_delay(_UA) == 2.0
