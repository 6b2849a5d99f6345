"""URL parsing, resolution and crawl scope, as a browser does them.

Links are parsed and resolved by the WHATWG URL Standard (the ``ada-url`` binding of the
parser Node.js uses), so a link is checked at the very address a visitor's browser would
request: backslashes become slashes, tabs and newlines inside an href are dropped,
``https:/example.nl`` and ``http:example.nl`` are repaired, hosts go through IDNA (UTS #46,
non-transitional: ``faß`` is ``xn--fa-hia``), and percent-escapes stay as written (the
request goes out with them unchanged, ``collect/http.py``). On top of the standard's
serialisation we only remove tracking parameters and split off the fragment: two spellings
of one page become one URL, or the crawler would fetch it twice and the report count it twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from ada_url import idna_to_ascii
from ada_url._ada_wrapper import ffi, lib  # the C API: 2-3x cheaper than ada_url.join_url's wrapper

DEFAULT_TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*", "gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "mc_cid", "mc_eid",
    "_ga", "_gl", "yclid", "igshid", "twclid", "li_fat_id", "_hsenc", "_hsmi",
)
_WEB_SCHEMES = ("http", "https")
# What the URL parser strips from both ends of its input (C0 controls and space) and removes
# from anywhere in it (ASCII tab and newline): WYSIWYG editors wrap long hrefs.
_C0_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = {0x09: None, 0x0A: None, 0x0D: None}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Bytes the fragment percent-encode set leaves alone (besides letters and digits).
_FRAGMENT_SAFE = "!#$%&'()*+,-./:;=?@[\\]^_{|}~"
_FRAGMENT_OK = re.compile(r"[!#-;=?-_a-~]*")  # printable ASCII without space " < > `


_NOT_YET = ()  # resolve's fast paths did not apply


class InvalidURL(ValueError):
    """A URL that cannot be fetched: no http(s) scheme, no host, a malformed port."""


def _tracking_matcher(params: Iterable[str]):
    exact = {p.lower() for p in params if not p.endswith("*")}
    prefixes = tuple(p[:-1].lower() for p in params if p.endswith("*"))
    return lambda name: name.lower() in exact or name.lower().startswith(prefixes)


_is_tracking = _tracking_matcher(DEFAULT_TRACKING_PARAMS)


def parse(url: str, base: str | None = None) -> str | None:
    """The WHATWG serialisation (``href``) of ``url`` resolved against ``base``; None when
    the parser fails (an invalid host or port, a relative URL without a base)."""
    raw = _utf8(url)
    if base is None:
        obj = lib.ada_parse(raw, len(raw))
    else:
        raw_base = _utf8(base)
        obj = lib.ada_parse_with_base(raw, len(raw), raw_base, len(raw_base))
    try:
        if not lib.ada_is_valid(obj):
            return None
        href = lib.ada_get_href(obj)
        return ffi.unpack(href.data, href.length).decode("utf-8", "replace")
    finally:
        lib.ada_free(obj)


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: a browser's string conversion makes it U+FFFD
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _valid_punycode(href: str) -> bool:
    """Every ``xn--`` label of the host is what IDNA would write for the label it decodes to
    (the URL Standard's ToASCII check, which the parser binding does not make)."""
    host = href.split("/", 3)[2].rpartition("@")[2]
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return False
            if not decoded or idna_to_ascii(decoded) != label.encode("ascii"):
                return False
    return True


def normalise(url: str, strip_params: bool = True) -> tuple[str, str | None]:
    """Return ``(url_without_fragment, fragment)`` for an absolute http(s) URL.

    Raises InvalidURL for anything that is not a fetchable http(s) URL.
    """
    return _normalise(url, strip_params)


@lru_cache(maxsize=65536)
def _normalise(url: str, strip_params: bool) -> tuple[str, str | None]:
    href = parse(url)
    if href is None:
        scheme = _SCHEME.match(url.strip(_C0_SPACE))
        if scheme is None or scheme.group()[:-1].lower() not in _WEB_SCHEMES:
            raise InvalidURL(f"not an http(s) URL: {url!r}")
        if not url.strip(_C0_SPACE)[scheme.end():].strip("/\\"):
            raise InvalidURL(f"URL has no host: {url!r}")
        raise InvalidURL(f"malformed URL {url!r}: not a valid host or port")
    if not href.startswith(("http:", "https:")):
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    if "xn--" in href and not _valid_punycode(href):
        raise InvalidURL(f"invalid international domain name in {url!r}")
    href, sep, fragment = href.partition("#")  # the first '#' of a serialised URL starts the fragment
    if strip_params and "?" in href:
        href = _strip_tracking(href)
    return href, (fragment or None) if sep else None


def _strip_tracking(href: str) -> str:
    # The first '?' of a serialised URL starts the query (the path encodes any other).
    head, _, query = href.partition("?")
    if not query:
        return href
    kept = [kv for kv in query.split("&") if kv and not _is_tracking(unquote(kv.split("=", 1)[0]))]
    if len(kept) == query.count("&") + 1:
        return href
    return f"{head}?{'&'.join(kept)}" if kept else head


def is_web_url(url: str) -> bool:
    """An http(s) address the crawler can fetch (not an unusable link kept to report it)."""
    return url.startswith(("http://", "https://"))


def resolve(base: str, href: str, strip_params: bool = True,
            unusable: bool = False) -> tuple[str, str | None] | None:
    """Resolve ``href`` found on a page at ``base`` as a browser does.

    Returns ``(url, fragment)`` for http(s) links and None for links a browser hands to
    another application (``mailto:``, ``tel:``, ``javascript:`` …). Links no visitor can
    follow — ``file:`` and Windows paths pasted from office documents, addresses the URL
    parser rejects — are None too, unless ``unusable``: then they come back as written (a
    ``file:`` URL, or the href itself), so the crawler can report them as broken.

    This runs ~60 times per page on the crawl's hot path. Root-relative and absolute links
    (most of them) do not depend on the page's path: their whole answer is cached by origin
    and href, so a menu link costs two cache lookups per page. Plain relative links are
    joined to the page's directory as strings and hit the cache of ``_normalise`` by their
    absolute URL; everything unusual goes through the parser with the page as base.
    """
    href = href.strip(_C0_SPACE)
    if not href:
        return _normalise(base, strip_params)[0], None  # the page itself
    if "\t" in href or "\n" in href or "\r" in href:
        href = href.translate(_TAB_NEWLINE)
    first = href[0]
    found: tuple[str, str | None] | tuple[()] | None
    if "\\" not in href:  # a backslash is a slash to the parser: "/\\host" is another site
        if first == "/" and not href.startswith("//"):
            found = _resolve_on_site(origin_of(base), href, strip_params)
        elif href.startswith(("http://", "https://")):
            found = _resolve_on_site("", href, strip_params)
        elif first == "#":
            return _normalise(base, strip_params)[0], _fragment(href[1:])
        elif ":" not in href and first not in ".?/":  # "page.html", "sub/page.html"
            found = _split_normalised(_directory(base) + href, strip_params)
        elif href.startswith(("../", "./")) and ":" not in href:
            found = _split_normalised(_up(_directory(base), href), strip_params)
        else:
            found = _NOT_YET
        if found is not _NOT_YET:
            return (href, None) if found is None and unusable else found  # type: ignore[return-value]  # not _NOT_YET here
    scheme = _SCHEME.match(href)
    if scheme is not None:
        name = scheme.group()[:-1].lower()
        if name == "file" or len(name) == 1:  # file:///C:/…, C:\Users\…: a file on the author's computer
            return (parse(href) or href, None) if unusable else None
        if name not in _WEB_SCHEMES:
            return None  # mailto:, tel:, whatsapp:, ftp:, …: not fetchable over http(s)
    absolute = parse(href, base)
    if absolute is None:
        return (href, None) if unusable else None
    return _split_normalised(absolute, strip_params)


@lru_cache(maxsize=65536)
def _resolve_on_site(origin: str, href: str, strip_params: bool) -> tuple[str, str | None] | None:
    """``resolve`` of a root-relative href (``origin``: the page's) or an absolute one ("")."""
    return _split_normalised(origin + href, strip_params)


def _split_normalised(absolute: str, strip_params: bool) -> tuple[str, str | None] | None:
    # The fragment is split off before the cache: ``/page#a`` and ``/page#b`` then share
    # ``/page``'s entry (the parser splits at the first ``#`` the same way).
    absolute, sep, fragment = absolute.partition("#")
    if sep and absolute and absolute[-1] in _C0_SPACE:  # "/a #b": the parser keeps the space before the '#'
        whole = parse(f"{absolute}#{fragment}")
        if whole is None:
            return None
        absolute, sep, fragment = whole.partition("#")
    try:
        url, _ = _normalise(absolute, strip_params)
    except InvalidURL:
        return None
    return url, (_fragment(fragment) if sep else None)


def _fragment(fragment: str) -> str | None:
    """A fragment as the URL parser writes it (space, quotes, ``<>`` and non-ASCII escaped)."""
    if not fragment:
        return None
    if _FRAGMENT_OK.fullmatch(fragment):
        return fragment
    return quote(fragment, safe=_FRAGMENT_SAFE)


@lru_cache(maxsize=4096)
def _directory(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path[: parts.path.rfind('/') + 1] or '/'}"


def _up(directory: str, href: str) -> str:
    """``../a/b`` against a directory URL ending in ``/``, without the parser's generality."""
    origin_end = directory.index("/", directory.index("//") + 2)
    path = directory[origin_end:]
    while True:
        if href.startswith("../"):
            path = path[: path.rstrip("/").rfind("/") + 1] or "/"
            href = href[3:]
        elif href.startswith("./"):
            href = href[2:]
        else:
            break
    return directory[:origin_end] + path + href


@lru_cache(maxsize=4096)
def origin_of(url: str) -> str:
    """``https://www.example.nl`` of any URL on that site (scheme and host, no path)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(url: str) -> str:
    """``host`` or ``host:port`` of an absolute URL, as used for per-host limits (what
    ``urlsplit(url).netloc`` holds after any credentials, without building a SplitResult:
    this runs for every request)."""
    if "//" not in url:
        return urlsplit(url).netloc.rsplit("@", 1)[-1]
    rest = url.split("//", 1)[1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest.rsplit("@", 1)[-1]


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """``www.shop.example.co.uk`` → ``example.co.uk``, from the bundled Public Suffix List."""
    extract = _tld_extractor()
    bare = host.split(":")[0]
    parts = extract(bare)
    if parts.top_domain_under_public_suffix:
        return parts.top_domain_under_public_suffix
    # A suffix the list does not know (.test, .internal, an IP): the last two labels.
    labels = bare.split(".")
    return bare if bare.replace(".", "").isdigit() or len(labels) < 2 else ".".join(labels[-2:])


@lru_cache(maxsize=1)
def _tld_extractor():
    import tldextract

    # No network at run time: use the snapshot that ships inside the package.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Scope:
    """Which URLs the crawler follows: same host (or registrable domain) plus patterns."""

    start_url: str
    mode: str = "host"  # "host" or "domain"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        host = host_of(self.start_url).lower()
        object.__setattr__(self, "_host", host)
        # Normalised URLs of the start host begin with one of these: one C-level startswith.
        object.__setattr__(self, "_prefixes", (f"http://{host}/", f"https://{host}/"))
        object.__setattr__(self, "_inc", tuple(re.compile(p) for p in self.include))
        object.__setattr__(self, "_exc", tuple(re.compile(p) for p in self.exclude))

    def is_internal(self, url: str) -> bool:
        """Same site as the start URL (host, or registrable domain in domain mode)."""
        if url.startswith(self._prefixes):  # type: ignore[attr-defined]
            return True
        if self.mode == "host":
            return False
        return self._host_is_internal(url.split("/", 3)[2] if url.count("/") >= 2 else "")

    @lru_cache(maxsize=8192)  # noqa: B019 - few scopes per process, hosts repeat endlessly
    def _host_is_internal(self, netloc: str) -> bool:
        host = netloc.rsplit("@", 1)[-1].lower()
        if self.mode == "domain":
            return registrable_domain(host) == registrable_domain(self._host)  # type: ignore[attr-defined]
        return host == self._host  # type: ignore[attr-defined]

    def should_crawl(self, url: str) -> bool:
        """Internal and allowed by the include/exclude patterns."""
        return self.is_internal(url) and self.patterns_allow(url)

    def patterns_allow(self, url: str) -> bool:
        """The include/exclude patterns alone (for a URL already known to be internal)."""
        if not (self.include or self.exclude):
            return True  # most crawls: no patterns (this runs for every followed link)
        if self._inc and not any(p.search(url) for p in self._inc):  # type: ignore[attr-defined]
            return False
        return not any(p.search(url) for p in self._exc)  # type: ignore[attr-defined]
