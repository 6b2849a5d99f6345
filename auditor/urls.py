"""URL normalisation and crawl scope.

Two spellings of one page must become one URL, or the crawler fetches it twice and the
report counts it twice. Normalisation is conservative (it never changes what a server
would answer): lower-case scheme and host, default port dropped, dot segments resolved,
empty path as ``/``, tracking parameters removed, fragment split off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

DEFAULT_TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*", "gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "mc_cid", "mc_eid",
    "_ga", "_gl", "yclid", "igshid", "twclid", "li_fat_id", "_hsenc", "_hsmi",
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


class InvalidURL(ValueError):
    """A URL that cannot be fetched: no http(s) scheme, no host, a malformed port."""


def _tracking_matcher(params: Iterable[str]):
    exact = {p.lower() for p in params if not p.endswith("*")}
    prefixes = tuple(p[:-1].lower() for p in params if p.endswith("*"))
    return lambda name: name.lower() in exact or name.lower().startswith(prefixes)


_is_tracking = _tracking_matcher(DEFAULT_TRACKING_PARAMS)


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    # Resolve dot segments the way a browser does, keep percent-escapes as written
    # except that bytes which must be escaped are escaped.
    segments: list[str] = []
    for seg in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        if seg == ".":
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    trailing = path.endswith(("/.", "/..")) and segments != []
    result = "/" + "/".join(segments)
    if trailing and not result.endswith("/"):
        result += "/"
    return quote(result, safe="/%:@!$&'()*+,;=~-._")


def normalise(url: str, strip_params: bool = True) -> tuple[str, str | None]:
    """Return ``(url_without_fragment, fragment)`` for an absolute http(s) URL.

    Raises InvalidURL for anything that is not a fetchable http(s) URL.
    """
    return _normalise(url.strip(), strip_params)


@lru_cache(maxsize=65536)
def _normalise(url: str, strip_params: bool) -> tuple[str, str | None]:
    url = _UNSAFE.sub(_quote_match, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"malformed URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURL(f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        raise InvalidURL(f"invalid host name in {url!r}") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        # Credentials in links are kept: they are part of what the server sees.
        cred = parts.username or ""
        if parts.password:
            cred += ":" + parts.password
        netloc = f"{cred}@{netloc}"
    query = parts.query
    if strip_params and query:
        kept = [kv for kv in query.split("&") if kv and not _is_tracking(unquote(kv.split("=", 1)[0]))]
        query = "&".join(kept)
    fragment = parts.fragment or None
    return urlunsplit(SplitResult(scheme, netloc, _normalise_path(parts.path), query, "")), fragment


def resolve(base: str, href: str, strip_params: bool = True) -> tuple[str, str | None] | None:
    """Resolve ``href`` found on a page at ``base``; None for links that are not http(s).

    This runs ~60 times per page on the crawl's hot path. Root-relative and absolute links
    (most of them) do not depend on the page's path: their whole answer is cached by origin
    and href, so a menu link costs two cache lookups per page. Plain relative links skip
    ``urljoin`` and hit the cache of ``_normalise`` by their absolute URL.
    """
    href = href.strip()
    if not href:
        return None
    first = href[0]
    if first == "/" and not href.startswith("//"):
        return _resolve_on_site(origin_of(base), href, strip_params)
    if href.startswith(("http://", "https://")):
        return _resolve_on_site("", href, strip_params)
    if first == "#":
        url, _ = _normalise(base, strip_params)
        return url, href[1:] or None
    if ":" not in href and first not in ".?/":
        absolute = _directory(base) + href  # plain relative: "page.html", "sub/page.html"
    elif href.startswith(("../", "./")) and ":" not in href:
        absolute = _up(_directory(base), href)
    else:
        lowered = href[:12].lower()
        if ":" in lowered and not lowered.startswith(("http:", "https:")) and "/" not in lowered.split(":")[0]:
            return None  # mailto:, tel:, whatsapp:, ftp:, … : not fetchable over http(s)
        absolute = urljoin(base, href)
    return _split_normalised(absolute, strip_params)


@lru_cache(maxsize=65536)
def _resolve_on_site(origin: str, href: str, strip_params: bool) -> tuple[str, str | None] | None:
    """``resolve`` of a root-relative href (``origin``: the page's) or an absolute one ("")."""
    if not origin:
        return _split_normalised(href, strip_params)
    if "/." in href:  # dot segments: urljoin removes them (the page's path plays no part)
        return _split_normalised(urljoin(origin + "/", href), strip_params)
    return _split_normalised(origin + href, strip_params)


def _split_normalised(absolute: str, strip_params: bool) -> tuple[str, str | None] | None:
    # The fragment is split off before the cache: ``/page#a`` and ``/page#b`` then share
    # ``/page``'s entry (``urlsplit`` splits at the first ``#`` the same way).
    absolute, sep, fragment = absolute.partition("#")
    try:
        url, _ = _normalise(absolute, strip_params)
    except InvalidURL:
        return None
    if sep and fragment:
        return url, _UNSAFE.sub(_quote_match, fragment)
    return url, None


def _quote_match(match: re.Match[str]) -> str:
    return quote(match.group())


@lru_cache(maxsize=4096)
def _directory(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path[: parts.path.rfind('/') + 1] or '/'}"


def _up(directory: str, href: str) -> str:
    """``../a/b`` against a directory URL ending in ``/``, without urljoin's generality."""
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
