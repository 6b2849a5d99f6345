"""A synthetic 1,000-page audit shaped like a real one, for the report's size bound
(docs/report.md, "Size"): no crawl, an ``AuditRun`` and a run directory with screenshot files.

1,000 pages (600 pages in eight sections, 400 news items), and what a real site of that
size had: a broken footer link on every page, a missing footer anchor reported once per
page (1,000 findings), broken links, redirect chains, misspellings and grammar on a few
pages each, phone layout problems with a full-page screenshot per template, a stale
copyright year and a demanding form. Seeded: the same run every time.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from auditor.model import AuditRun, CheckResult, Finding, Location
from auditor.touchpoint_pages import DetailedTouchpoint

SITE = "https://www.voorbeeld.nl"
SECTIONS = ("diensten", "producten", "over-ons", "kennisbank", "vacatures", "projecten", "contact", "service")
SHOT_BYTES = 120_000  # a phone screenshot as the renderer writes it (JPEG, quality 70)


def jpeg(width: int, height: int, size: int) -> bytes:
    """A JPEG of ``size`` bytes whose header says ``width`` × ``height`` (the report reads
    only the header; the bytes after it stand in for the picture)."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    head = b"\xff\xd8" + sof
    return head + b"\x00" * max(size - len(head) - 2, 0) + b"\xff\xd9"


def _pages(n: int) -> tuple[list[str], list[str]]:
    web = [f"{SITE}/"] + [f"{SITE}/{SECTIONS[i % len(SECTIONS)]}/pagina-{i}.html" for i in range(1, int(n * 0.6))]
    news = [f"{SITE}/nieuws/{i:04d}-bericht-over-onderwerp-{i}.html" for i in range(n - len(web))]
    return web, news


def _locs(pages: list[str], text: str) -> tuple[Location, ...]:
    return tuple(Location(p, text, "a") for p in pages)


def synthetic_run(run_dir: Path, n_pages: int = 1000, seed: int = 21, scale: int = 1) -> AuditRun:
    """The run, with its screenshots written into ``run_dir/screenshots``; ``scale``
    multiplies the problems of a few pages each (a site in worse shape)."""
    rng = random.Random(seed)
    web, news = _pages(n_pages)
    every = web + news
    findings: list[Finding] = []

    def add(code: str, name: str, severity: str, pages: list[str], message: str, target: str | None = None,
            evidence: dict | None = None, fingerprint: str = "", max_locations: int = 25) -> None:
        findings.append(Finding(code, name, severity, pages[0], message, target=target, evidence=evidence or {},
                                locations=_locs(pages[:max_locations], "link"), occurrences=len(pages),
                                fingerprint=fingerprint or f"{code}-{len(findings)}"))

    add("TP101", "broken-internal-link", "error", every, f"Broken link to {SITE}/privacy.html (404).",
        f"{SITE}/privacy.html", {"status": 404, "pages": len(every)})
    for page in every:  # the footer's #nieuwsbrief: one finding per page, as TP105 words it
        add("TP105", "broken-anchor", "warning", [page], f"{page} has no element with id or name 'nieuwsbrief'.",
            f"{page}#nieuwsbrief", {"fragment": "nieuwsbrief", "ids_on_page": 14, "similar_ids": []})
    for i in range(300 * scale):
        pages = rng.sample(every, rng.randint(1, 3))
        target = f"{SITE}/oud/{i}.html"
        add("TP101" if i % 3 else "TP106", "broken-internal-link", "error", pages,
            f"Broken link to {target} (404).", target, {"status": 404, "pages": len(pages)})
    for i in range(150 * scale):
        target = f"{SITE}/verhuisd/{i}"
        hops = [{"url": f"{target}?h={k}", "status": 301, "location": f"{target}?h={k + 1}"} for k in range(3)]
        add("TP103", "redirect-chain", "warning", rng.sample(every, rng.randint(1, 4)),
            f"{target} redirects 3 times before it answers.", target,
            {"status": 200, "redirects": hops, "final_url": f"{target}?h=3"})
    for i in range(400 * scale):
        word = f"woordd{i}"
        pages = rng.sample(every, rng.randint(1, 3))
        add("TP301", "misspelling", "warning", pages, f"Possible misspelling: {word}.", None,
            {"word": word, "sentence": f"Dit is een zin met het {word} erin, en nog wat tekst erachter.",
             "suggestions": [f"woord{i}"], "language": "nl", "page_count": len(pages)})
    for i in range(150 * scale):
        add("TP302", "grammar", "warning", [rng.choice(every)], f"Grammar: 'de {i} huis'.", None,
            {"text": f"de {i} huis", "sentence": f"Wij verbouwen de {i} huis aan de gracht.", "suggestions": ["het"]})
    shots = run_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for t in range(60):  # 60 layout templates, three phone findings each, one screenshot per template
        name = f"template-{t:02d}-phone.jpg"
        (shots / name).write_bytes(jpeg(390, 2400, SHOT_BYTES))
        pages = rng.sample(every, rng.randint(1, 8))
        for code, cname in (("TP402", "horizontal-overflow"), ("TP403", "small-text"), ("TP404", "small-tap-targets")):
            add(code, cname, "warning", pages, f"{cname} on {pages[0]}.", None,
                {"screen_width": 390, "document_width": 720, "screenshot": f"screenshots/{name}",
                 "targets": [{"selector": f"a.icon-{k}", "text": "", "rect": [10 * k, 40, 16, 16]} for k in range(6)]})
    add("TP202", "stale-copyright-year", "warning", every, "The footer says © 2021.", None,
        {"year": 2021, "current_year": 2026, "pages": len(every)})
    add("TP701", "demanding-form", "warning", [f"{SITE}/contact/pagina-6.html"], "Offerteformulier asks 11 fields.",
        None, {"form": "Offerte", "required_count": 11, "max_required": 5})
    touchpoints = [DetailedTouchpoint("web_page", url, "Home | Voorbeeld" if i == 0 else f"Pagina {i} | Voorbeeld",
                                      "", {"section": url.split("/")[3] or "/", "language": "nl"})
                   for i, url in enumerate(web)]
    touchpoints += [DetailedTouchpoint("news_item", url, "Voorbeeld", "",
                                       {"section": "nieuws", "language": "nl", "headline": f"Bericht {i}",
                                        "published": f"2026-{1 + i % 11:02d}-{1 + i % 27:02d}"})
                    for i, url in enumerate(news)]
    codes = {f.code: f for f in findings}
    family = {"TP1": "links", "TP2": "freshness", "TP3": "spelling", "TP4": "mobile", "TP7": "forms"}
    checks = tuple(CheckResult(code, f.name, "failed", None, family[code[:3]]) for code, f in sorted(codes.items()))
    return AuditRun(target=f"{SITE}/", started_at="2026-11-22T02:00:00+00:00",
                    finished_at="2026-11-22T02:40:00+00:00", pages_crawled=len(every),
                    touchpoints=tuple(touchpoints), checks=checks, findings=tuple(findings),
                    config={"report": {"language": "nl"}}, tool_version="test")
