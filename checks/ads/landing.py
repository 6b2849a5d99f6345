"""Did the ad's click arrive where it was meant to (TP505), and is that the homepage (TP502)?

One rule decides whether a landing can be judged at all: ``landing_problems``. A landing
that errors, is blocked, or was redirected away (to the homepage, a "not found" page or
another domain) is reported by TP505 alone; the content checks skip it, since judging
the words of an error page would only repeat the same problem in other words. Lost
UTM parameters are reported too but do not stop the content checks: the prospect still
sees the page, only the campaign's statistics go blind.

Blocked is not broken (see ``checks.links.verdict``): a bot wall or a 403 is reported at
``info`` as "could not verify", never as a broken ad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from auditor.artifacts.ads import Ad, AdLanding
from auditor.model import Hop, LinkResult
from auditor.urls import host_of, registrable_domain
from checks.links import verdict

__all__ = ["Problem", "is_homepage", "landing_problems", "lost_parameters"]

_HOME_PATH = re.compile(
    r"^/(?:(?:index|home|default|start|welkom|welcome)(?:\.\w{2,5})?|[a-z]{2}(?:[-_][a-z]{2})?/?)?$", re.I)
_NOT_FOUND = re.compile(r"\b(404|page not found|not found|pagina niet gevonden|niet gevonden|bestaat niet( meer)?|"
                        r"no longer (exists|available)|niet meer beschikbaar|could not be found)\b", re.I)
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset({"gclid", "gbraid", "wbraid", "fbclid", "msclkid", "dclid"})


@dataclass(frozen=True)
class Problem:
    """Why a landing is wrong: ``kind`` (broken, blocked, homepage, other-domain, not-found,
    utm-lost, not-visited), the severity it deserves and a sentence for the message."""

    kind: str
    severity: str
    reason: str
    blocks_content_checks: bool = True


def is_homepage(url: str) -> bool:
    """A site root: ``/``, ``/index.html``, ``/home``, a language root (``/nl/``), with at most
    tracking parameters in the query."""
    parts = urlsplit(url)
    if not _HOME_PATH.match(parts.path or "/"):
        return False
    return all(_is_tracking(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(TRACKING_PREFIXES) or lowered in TRACKING_NAMES


def _site_of(url: str) -> str:
    """The registrable domain; for suffixes the Public Suffix List does not know (``.test``), the last two labels."""
    host = host_of(url).split(":")[0].lower()
    domain = registrable_domain(host)
    return domain if "." in domain or host.replace(".", "").isdigit() else ".".join(host.split(".")[-2:])


def lost_parameters(intended: str, final: str) -> list[str]:
    """Tracking parameters of ``intended`` that ``final`` no longer has (or has changed)."""
    want = [(k, v) for k, v in parse_qsl(urlsplit(intended).query, keep_blank_values=True) if _is_tracking(k)]
    have = set(parse_qsl(urlsplit(final).query, keep_blank_values=True))
    return [f"{k}={v}" for k, v in want if (k, v) not in have]


def as_link_result(record: AdLanding) -> LinkResult:
    hops = tuple(Hop(str(h[0]), int(h[1]), str(h[2])) for h in record.hops)
    return LinkResult(url=record.url, status=record.status, final_url=record.final_url or None,
                      redirects=hops, error=record.error, error_detail=record.error_detail,
                      content_type=record.content_type, headers=dict(record.headers),
                      snippet=record.snippet)


def landing_problems(ad: Ad, record: AdLanding | None) -> list[Problem]:
    """Everything wrong with how the ad's click arrives, worst first (empty: arrived fine)."""
    if record is None:
        return [Problem("not-visited", "info", "the landing page was not visited")]
    judged = verdict(as_link_result(record))
    if judged.state == "blocked":
        return [Problem("blocked", "info", f"could not verify: {judged.reason}")]
    if judged.state in ("broken", "looping"):
        return [Problem("broken", "error", judged.reason)]
    problems: list[Problem] = []
    final = record.final_url or ad.final_url
    hops = record.hops
    if hops:
        if _site_of(final) != _site_of(ad.final_url):
            problems.append(Problem("other-domain", "error", f"it is redirected to another domain ({final})"))
        elif is_homepage(final) and not is_homepage(ad.final_url):
            problems.append(Problem("homepage", "error", f"it is redirected to the homepage ({final})"))
    heading = " ".join([record.title, *record.h1[:1]])
    if record.is_html and _NOT_FOUND.search(heading):
        problems.append(Problem("not-found", "error", f"the page says it does not exist ({heading.strip()[:120]!r})"))
    lost = lost_parameters(ad.final_url, final)
    if lost:
        problems.append(Problem("utm-lost", "warning", f"the redirect drops {', '.join(lost)}",
                                blocks_content_checks=False))
    return problems


def blocks_content(problems: list[Problem]) -> bool:
    return any(p.blocks_content_checks for p in problems)
