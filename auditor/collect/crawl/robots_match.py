"""robots.txt matching as Google's open-source matcher does it (google/robotstxt, RFC 9309).

A port of ``robots.cc``'s parser and matcher, compiled once per host for one product
token, so that each URL costs a few regex matches instead of a parse of the whole file
(Google's library parses the file for every URL it is asked about). The behaviour is
Google's, case by case (``tests/collect/crawl/test_robots_google.py``):

- the file is read as bytes; a UTF-8 byte-order mark, even a partial one, is skipped;
  lines end at LF, CR or CRLF and are cut at 16,664 bytes; ``#`` starts a comment;
- ``key: value``, or ``key value`` when the colon is missing; frequent typos of the keys
  (``useragent``, ``disalow`` …) are accepted, as Google does;
- a group is a run of user-agent lines and the rules after it; only an allow/disallow
  line of a group that applies to us ends the run, so other lines (``Crawl-delay``,
  ``Sitemap``, junk) between two user-agent lines keep them one group; groups for the
  same agent are merged; ``User-agent: FOO BAR`` is ``FOO``; ``*`` applies when no group
  names us;
- patterns are percent-encoded where they hold non-ASCII bytes and their escapes
  upper-cased, nothing else: ``%62%61%7A`` does not match ``baz``; ``*`` is any run,
  a final ``$`` the end; ``…/index.html`` allowed also allows ``…/``;
- the longest matching pattern wins; a tie goes to allow.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

MAX_LINE_BYTES = 2083 * 8  # Google keeps 16,663 bytes of a line (its buffer holds the NUL too)
_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_HEX = b"0123456789abcdefABCDEF"
_AGENT = re.compile(r"[A-Za-z_-]*")


def _escape(pattern: bytes) -> str:
    """``MaybeEscapePattern``: non-ASCII bytes percent-encoded, ``%xx`` upper-cased."""
    if pattern.isascii() and b"%" not in pattern:
        return pattern.decode("ascii")
    out: list[str] = []
    i, end = 0, len(pattern)
    while i < end:
        byte = pattern[i]
        if byte == 0x25 and i + 2 < end and pattern[i + 1] in _HEX and pattern[i + 2] in _HEX:
            out.append("%" + pattern[i + 1:i + 3].decode("ascii").upper())
            i += 3
            continue
        out.append(f"%{byte:02X}" if byte >= 0x80 else chr(byte))
        i += 1
    return "".join(out)


def _key_and_value(line: bytes) -> tuple[bytes, bytes] | None:
    line = line.split(b"#", 1)[0].strip()
    if not line:
        return None
    key, sep, value = line.partition(b":")
    if not sep:  # Google accepts "disallow /" for "disallow: /": exactly two words
        words = line.split()
        if len(words) != 2:
            return None
        key, value = words
    key = key.strip()
    return (key.lower(), value.strip()) if key else None


def _kind(key: bytes) -> str | None:
    if key.startswith((b"user-agent", b"useragent", b"user agent")):
        return "user-agent"
    if key.startswith(b"allow"):
        return "allow"
    if key.startswith((b"disallow", b"dissallow", b"dissalow", b"disalow", b"diasllow", b"disallaw")):
        return "disallow"
    if key.startswith((b"sitemap", b"site-map")):
        return "sitemap"
    if key.startswith(b"crawl-delay"):
        return "crawl-delay"
    return None


def lines(body: bytes) -> list[bytes]:
    """The file's lines as Google's parser sees them: BOM skipped, cut at 16,663 bytes."""
    skip = 0
    while skip < 3 and skip < len(body) and body[skip] == _BOM[skip]:
        skip += 1
    return [line[:MAX_LINE_BYTES - 1] for line in _LINE_BREAK.split(body[skip:])]


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + (r"\Z" if anchored else ""), re.S)


@dataclass
class _Rule:
    allow: bool
    specific: bool
    length: int
    regex: re.Pattern[str]


@dataclass
class RobotsMatcher:
    """The rules of one robots.txt that apply to one product token."""

    rules: list[_Rule] = field(default_factory=list)
    ever_seen_specific_agent: bool = False
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, body: bytes, agent: str) -> RobotsMatcher:
        """Compile ``body`` for the product token ``agent`` (``[A-Za-z_-]+``)."""
        matcher = cls()
        agent = agent.lower()
        specific = glob = separator = False
        delays: dict[bool, float] = {}
        for line in lines(body):
            parsed = _key_and_value(line)
            if parsed is None:
                continue
            kind = _kind(parsed[0])
            value = parsed[1]
            if kind == "user-agent":
                if separator:
                    specific = glob = separator = False
                text = value.decode("latin-1")
                if text[:1] == "*" and (len(text) == 1 or text[1].isspace()):
                    glob = True
                elif agent and _AGENT.match(text).group().lower() == agent:  # type: ignore[union-attr]
                    matcher.ever_seen_specific_agent = specific = True
            elif kind in ("allow", "disallow"):
                if not (specific or glob):
                    continue
                separator = True
                matcher._add(kind == "allow", specific, _escape(value))
            elif kind == "sitemap":
                matcher.sitemaps.append(value.decode("utf-8", "replace"))
            elif kind == "crawl-delay" and (specific or glob):
                with contextlib.suppress(ValueError):
                    delays.setdefault(specific, float(value.decode("ascii", "replace")))
        matcher.crawl_delay = delays.get(True) if matcher.ever_seen_specific_agent else delays.get(False)
        return matcher

    def _add(self, allow: bool, specific: bool, pattern: str) -> None:
        self.rules.append(_Rule(allow, specific, len(pattern), _compile(pattern)))
        slash = pattern.rfind("/")
        if allow and slash >= 0 and pattern[slash:].startswith("/index.htm"):
            # Google: allowing ".../index.html" allows the directory itself.
            directory = pattern[:slash + 1] + "$"
            self.rules.append(_Rule(True, specific, len(directory), _compile(directory)))

    def allowed(self, url: str) -> bool:
        """Whether ``url`` (percent-encoded, as sent) may be fetched."""
        if not self.rules:
            return True
        path = path_params_query(url)
        best = {(True, True): -1, (True, False): -1, (False, True): -1, (False, False): -1}
        for rule in self.rules:
            key = (rule.specific, rule.allow)
            if rule.length > best[key] and rule.regex.match(path):
                best[key] = rule.length
        if best[(True, True)] > 0 or best[(True, False)] > 0:
            return best[(True, False)] <= best[(True, True)]
        if self.ever_seen_specific_agent:
            return True
        if best[(False, True)] > 0 or best[(False, False)] > 0:
            return best[(False, False)] <= best[(False, True)]
        return True


def path_params_query(url: str) -> str:
    """``GetPathParamsQuery``: the path, params and query of ``url`` (no fragment), ``/`` at least."""
    start = 2 if url.startswith("//") else 0
    early_path = _find_any(url, "/?;", start)
    protocol_end = url.find("://", start)
    if protocol_end < 0 or (early_path >= 0 and early_path < protocol_end):
        protocol_end = start
    else:
        protocol_end += 3
    path_start = _find_any(url, "/?;", protocol_end)
    if path_start < 0:
        return "/"
    hash_pos = url.find("#", start)
    if 0 <= hash_pos < path_start:
        return "/"
    path = url[path_start:hash_pos if hash_pos >= 0 else len(url)]
    return path if path.startswith("/") else "/" + path


def _find_any(text: str, chars: str, start: int) -> int:
    found = [i for i in (text.find(c, start) for c in chars) if i >= 0]
    return min(found) if found else -1
