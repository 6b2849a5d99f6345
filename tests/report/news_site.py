"""A news site as the real ones that showed issue 21's report problems: many news items whose
``<title>`` is only the site's name, half of them with no date on the page (the RSS feed has
their titles and dates), and a footer with two defects on every page: a broken link to the
privacy page, and a link to a ``#nieuwsbrief`` anchor no page has. Three articles also have
a broken link of their own: the only pages with a problem of their own.

Written into a folder at test time (``write_news_site``) and served by the test itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

SITE = "Dorpsblad Oosterwold"
AS_OF = dt.date(2026, 11, 20)
SUBJECTS = ("Nieuwe speeltuin geopend", "Wegwerkzaamheden aan de Dorpsstraat", "Kerstmarkt op het plein",
            "Bibliotheek verlengt openingstijden", "Voetbalclub viert kampioenschap", "Nieuw gemaal in gebruik",
            "Zwembad gaat verbouwen", "Dorpshuis zoekt vrijwilligers", "Fietspad langs de vaart klaar",
            "Oogstfeest trekt veel bezoekers")
OWN_PROBLEMS = (3, 6, 9)  # the articles with a broken link of their own


def _page(title: str, body: str, head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{head}
<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="{SITE}"></head>
<body>
<header><a href="/">{SITE}</a><nav><a href="/nieuws/">Nieuws</a> <a href="/over-ons.html">Over ons</a>
<a href="/contact.html">Contact</a></nav></header>
<main>{body}</main>
<footer><p>Dorpsblad Oosterwold verschijnt elke week.</p>
<p><a href="/privacy.html">Privacyverklaring</a> · <a href="#nieuwsbrief">Aanmelden voor de nieuwsbrief</a></p>
</footer>
</body>
</html>
"""


def items(n: int) -> list[tuple[str, str, dt.date]]:
    """(slug, title, date) of ``n`` news items, newest first, three days apart."""
    out = []
    for i in range(n):
        title = f"{SUBJECTS[i % len(SUBJECTS)]} ({i + 1})"
        slug = f"{i + 1:03d}-" + SUBJECTS[i % len(SUBJECTS)].lower().replace(" ", "-")
        out.append((slug, title, AS_OF - dt.timedelta(days=3 * i + 1)))
    return out


def write_news_site(root: Path, n: int = 40) -> list[tuple[str, str, dt.date]]:
    """The site in ``root``; returns its news items. Even-numbered items state their date
    and ``og:title`` on the page; odd ones only in the feed."""
    news = items(n)
    (root / "nieuws").mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(_page(SITE, "<h1>Welkom bij het Dorpsblad</h1><p>Nieuws uit Oosterwold.</p>"
                                           + "".join(f'<p><a href="/nieuws/{s}.html">{t}</a></p>'
                                                     for s, t, _ in news[:5])), "utf-8")
    for name, heading in (("over-ons.html", "Over ons"), ("contact.html", "Contact")):
        (root / name).write_text(_page(f"{heading} | {SITE}", f"<h1>{heading}</h1><p>Redactie Oosterwold.</p>"),
                                 "utf-8")
    listing = "".join(f'<article><h2><a href="/nieuws/{s}.html">{t}</a></h2></article>' for s, t, _ in news)
    (root / "nieuws" / "index.html").write_text(_page(f"Nieuws | {SITE}", "<h1>Nieuws</h1>" + listing), "utf-8")
    for i, (slug, title, day) in enumerate(news):
        dated = i % 2 == 0
        head = (f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
                if dated else "")
        body = f"<article><h1>{title}</h1>"
        if dated:
            body += f'<p><time datetime="{day.isoformat()}">{day.day}-{day.month}-{day.year}</time></p>'
        body += "<p>De redactie meldt dit nieuws uit het dorp.</p>"
        if i in OWN_PROBLEMS:
            body += f'<p>Lees ook <a href="/nieuws/verdwenen-bericht-{i}.html">het eerdere bericht</a>.</p>'
        body += "</article>"
        (root / "nieuws" / f"{slug}.html").write_text(_page(SITE, body, head), "utf-8")
    rss = "".join(f"<item><title>{t}</title><link>/nieuws/{s}.html</link>"
                  f"<pubDate>{d.strftime('%a, %d %b %Y')} 09:00:00 +0100</pubDate></item>" for s, t, d in news)
    (root / "feed.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                   f"<title>{SITE}</title><link>/</link>{rss}</channel></rss>", "utf-8")
    return news


def audit_news_site(root: Path, out: Path, formats: str = "html,json") -> int:
    """Write the site into ``root``, serve it and audit it for real into ``out`` (links and
    freshness, ``--as-of`` AS_OF); the CLI's exit status."""
    from auditor.cli import main
    from auditor.devserver import serve

    write_news_site(root)
    with serve(root) as site:
        return main(["audit", site.base_url, "--checks", "links,freshness", "--as-of", AS_OF.isoformat(),
                     "--quiet", "--format", formats, "--out", str(out)])
