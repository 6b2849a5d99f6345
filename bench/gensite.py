"""Generate the deterministic benchmark website.

The link benchmark needs a site that every tool can crawl from ``/`` and whose
broken links are known in advance, so that each tool's answer can be graded
against ground truth rather than against another tool. The same seed and
parameters always give byte-identical files, so numbers from different runs
and machines describe the same workload.

Shape of the site (defaults):

* ``/index.html`` links to one index page per section, each section index
  links to all of its content pages: every page is reachable within three
  hops, whatever the random links do.
* every content page is about 20 KB and carries about 60 links: a header and
  footer navigation repeated on every page, prev/next/up links, links to
  random other pages (absolute, ``../`` relative, same-directory relative,
  some with a ``#main`` fragment that exists), images that exist, and on
  some pages one or more broken links.
* the broken links are ``--broken`` distinct URLs that 404, each placed on
  several pages and written in different forms (absolute path, relative
  path, with a fragment) so that a tool must resolve them to find that they
  are the same URL.
* only internal links: the benchmark never leaves 127.0.0.1.

Outputs, besides the site itself in ``OUT/www``:

* ``OUT/expected_broken.txt``: the distinct broken URLs as absolute paths,
  one a line, sorted: the ground truth.
* ``OUT/pages.txt``: the absolute path of every HTML page, for tools that do
  not recurse (lychee).
* ``OUT/site.json``: parameters, counts and broken-link occurrences.
"""

from __future__ import annotations

import argparse
import json
import random
import struct
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output changes for the same parameters, so cached sites are rebuilt.
GENERATOR_VERSION = 1

PAGES_PER_SECTION = 100
IMAGE_COUNT = 40
TARGET_PAGE_BYTES = 20_000
CONTENT_LINKS_PER_PAGE = 34
IMAGES_PER_PAGE = 4
MIN_PAGES_PER_BROKEN = 3
MAX_PAGES_PER_BROKEN = 12

_WORD_TEXT = (
    "audit touchpoint visitor service opening hours contact team project news event "
    "member report annual board policy privacy career vacancy volunteer donation "
    "program school course library museum archive gallery collection exhibition "
    "ticket booking schedule route parking station harbour river market square "
    "council district municipality region province health care clinic appointment "
    "insurance payment invoice account login register newsletter subscription offer "
    "discount summer winter spring autumn morning evening weekend holiday festival "
    "concert theatre cinema sport club match training coach season result ranking "
    "the a of and to in for on with at by from about into over after before under "
    "between through during without within along across behind beyond plus except "
    "our your their new old local public open free fast simple clear friendly useful"
)
WORDS = tuple(_WORD_TEXT.split())


@dataclass(frozen=True)
class SiteParams:
    """What the generated site depends on; also the cache key."""

    pages: int
    broken: int
    seed: int

    def key(self) -> str:
        """Directory name that changes whenever the output would."""
        return f"v{GENERATOR_VERSION}-p{self.pages}-b{self.broken}-s{self.seed}"


@dataclass
class Layout:
    """Paths of every page, decided before any page is written."""

    sections: list[str]
    content: list[list[str]]  # content page paths per section
    images: list[str]
    broken: list[str]
    broken_on: dict[int, list[str]] = field(default_factory=dict)  # flat page index -> broken targets

    def flat(self) -> list[str]:
        """All content pages in a stable order."""
        return [p for pages in self.content for p in pages]

    def all_pages(self) -> list[str]:
        """Every HTML page the crawl must find, home and section indexes included."""
        return ["/", *self.sections, *self.flat()]


def plan_layout(params: SiteParams, rng: random.Random) -> Layout:
    """Decide all paths and where each broken link goes.

    Done up front so that a page can link to pages written after it.
    """
    if params.pages < 3:
        raise ValueError("--pages must be at least 3")
    n_sections = max(1, round(params.pages / PAGES_PER_SECTION))
    n_content = params.pages - 1 - n_sections
    if n_content < 1:
        n_sections = 1
        n_content = params.pages - 2
    sections = [f"/section-{s:02d}/" for s in range(n_sections)]
    content: list[list[str]] = [[] for _ in sections]
    for i in range(n_content):
        s = i * n_sections // n_content
        content[s].append(f"/section-{s:02d}/page-{i:05d}.html")
    images = [f"/img/pic-{i:02d}.png" for i in range(IMAGE_COUNT)]
    broken = make_broken_urls(params.broken, n_sections, n_content, rng)
    layout = Layout(sections=sections, content=content, images=images, broken=broken)
    place_broken_links(layout, rng)
    return layout


def make_broken_urls(count: int, n_sections: int, n_content: int, rng: random.Random) -> list[str]:
    """Distinct paths that do not exist on the site, in a few realistic shapes."""
    urls: set[str] = set()
    while len(urls) < count:
        shape = rng.randrange(4)
        if shape == 0:  # a page that was removed, in a section that exists
            s = rng.randrange(n_sections)
            url = f"/section-{s:02d}/page-{rng.randrange(n_content):05d}-old.html"
        elif shape == 1:  # a whole directory that is gone
            url = f"/archive/{rng.randrange(2005, 2020)}/post-{rng.randrange(1000):03d}.html"
        elif shape == 2:  # a section that never existed
            url = f"/section-{n_sections + rng.randrange(20):02d}/page-{rng.randrange(n_content):05d}.html"
        else:  # a typo in a download link
            url = f"/downloads/{rng.choice(WORDS)}-{rng.randrange(100)}.pdf"
        urls.add(url)
    return sorted(urls)


def place_broken_links(layout: Layout, rng: random.Random) -> None:
    """Put each broken URL on several random content pages."""
    n_flat = len(layout.flat())
    for url in layout.broken:
        k = min(n_flat, rng.randint(MIN_PAGES_PER_BROKEN, MAX_PAGES_PER_BROKEN))
        for page in rng.sample(range(n_flat), k):
            layout.broken_on.setdefault(page, []).append(url)


def relative_href(from_path: str, to_path: str, rng: random.Random) -> str:
    """Write a link to ``to_path`` as it appears on ``from_path``, in a random form.

    Mixing forms makes the tools resolve URLs rather than compare strings.
    """
    form = rng.randrange(3)
    from_dir = from_path.rsplit("/", 1)[0]
    to_dir, to_name = to_path.rsplit("/", 1)
    if form == 1 and from_dir == to_dir:
        return to_name
    if form == 2 and from_dir.count("/") == 1 and to_dir.count("/") == 1:
        return f"..{to_path}"
    return to_path


def paragraphs(rng: random.Random, count: int) -> list[str]:
    """A pool of filler paragraphs; pages pick from it so generation stays fast."""
    pool = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(45, 80))]
        words[0] = words[0].capitalize()
        pool.append(" ".join(words) + ".")
    return pool


def nav_links(layout: Layout) -> list[tuple[str, str]]:
    """The header navigation repeated on every page (12 links)."""
    links = [("/", "Home")]
    for i, s in enumerate(layout.sections[:11]):
        links.append((s, f"Section {i}"))
    return links


def footer_links(layout: Layout) -> list[tuple[str, str]]:
    """The footer navigation repeated on every page (6 links)."""
    picks = layout.sections[-5:]
    return [("/", "Start"), *[(s, f"More {s.strip('/')}") for s in picks]]


def render_page(title: str, nav: str, footer: str, body_parts: list[str]) -> str:
    """Wrap body fragments in the common page chrome."""
    body = "\n".join(body_parts)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} - Bench Site</title>"
        '<link rel="stylesheet" href="/static/site.css"></head>\n'
        f'<body><header><nav>{nav}</nav></header>\n<main id="main"><h1>{title}</h1>\n{body}\n</main>\n'
        f"<footer><nav>{footer}</nav><p>Bench Site, generated for link-checker benchmarks.</p>"
        "</footer></body></html>\n"
    )


def anchors(links: list[tuple[str, str]]) -> str:
    """Render (href, text) pairs as a run of anchors."""
    return " ".join(f'<a href="{href}">{text}</a>' for href, text in links)


def content_body(
    path: str,
    index: int,
    layout: Layout,
    flat: list[str],
    pool: list[str],
    rng: random.Random,
) -> list[str]:
    """Body of one content page: filler text with links, images and broken links woven in."""
    section_dir = path.rsplit("/", 1)[0] + "/"
    links: list[str] = []
    prev_p, next_p = flat[index - 1], flat[(index + 1) % len(flat)]
    links.append(f'<a href="{relative_href(path, prev_p, rng)}">Previous</a>')
    links.append(f'<a href="{relative_href(path, next_p, rng)}">Next</a>')
    links.append(f'<a href="{section_dir}">Up</a>')
    for _ in range(CONTENT_LINKS_PER_PAGE):
        target = rng.choice(flat)
        href = relative_href(path, target, rng)
        if rng.random() < 0.1:
            href += "#main"
        links.append(f'<a href="{href}">{rng.choice(WORDS)} {rng.choice(WORDS)}</a>')
    for target in layout.broken_on.get(index, []):
        href = relative_href(path, target, rng)
        if rng.random() < 0.15:
            href += "#details"
        links.append(f'<a href="{href}">{rng.choice(WORDS)} details</a>')
    rng.shuffle(links)
    images = [
        f'<figure><img src="{img}" alt="{rng.choice(WORDS)}" width="8" height="8"></figure>'
        for img in rng.sample(layout.images, IMAGES_PER_PAGE)
    ]
    return weave(links, images, pool, rng)


def weave(links: list[str], images: list[str], pool: list[str], rng: random.Random) -> list[str]:
    """Spread links and images through paragraphs until the page reaches its target size."""
    parts: list[str] = []
    size = 0
    li = 0
    per_para = max(1, len(links) // 25)
    while size < TARGET_PAGE_BYTES - 1500 or li < len(links):
        chunk = links[li : li + per_para]
        li += per_para
        text = rng.choice(pool)
        para = f"<p>{text} {' '.join(chunk)}</p>"
        if images and rng.random() < 0.2:
            para += images.pop()
        parts.append(para)
        size += len(para)
    parts.extend(images)
    return parts


def section_body(section_pages: list[str], pool: list[str], rng: random.Random) -> list[str]:
    """A section index: a short intro and a list of every page in the section."""
    items = "".join(f'<li><a href="{p.rsplit("/", 1)[1]}">{p}</a></li>' for p in section_pages)
    return [f"<p>{rng.choice(pool)}</p>", f"<ul>{items}</ul>"]


def home_body(layout: Layout, pool: list[str], rng: random.Random) -> list[str]:
    """The home page: a list of every section."""
    items = "".join(f'<li><a href="{s}">{s}</a></li>' for s in layout.sections)
    return [f"<p>{rng.choice(pool)}</p>", f"<ul>{items}</ul>"]


def png_bytes(seed: int) -> bytes:
    """A tiny valid 8x8 PNG, different per seed, so image checks get a real image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = bytes([seed * 37 % 256, seed * 91 % 256, seed * 53 % 256])
    raw = b"".join(b"\x00" + pixel * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def write(root: Path, url_path: str, data: str | bytes) -> None:
    """Write one URL path under the web root (``/x/`` becomes ``/x/index.html``)."""
    rel = url_path.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    target.write_bytes(data)


def iter_pages(layout: Layout, rng: random.Random) -> Iterator[tuple[str, str]]:
    """Yield (url path, html) for every page, in a deterministic order."""
    pool = paragraphs(rng, 600)
    nav = anchors(nav_links(layout))
    footer = anchors(footer_links(layout))
    yield "/", render_page("Home", nav, footer, home_body(layout, pool, rng))
    for s, pages in zip(layout.sections, layout.content, strict=True):
        yield s, render_page(f"Section {s.strip('/')}", nav, footer, section_body(pages, pool, rng))
    flat = layout.flat()
    for i, path in enumerate(flat):
        body = content_body(path, i, layout, flat, pool, rng)
        yield path, render_page(f"Page {i}", nav, footer, body)


def generate(params: SiteParams, out: Path) -> dict:
    """Write the site and its ground truth into ``out``; return the summary."""
    rng = random.Random(params.seed)
    layout = plan_layout(params, rng)
    www = out / "www"
    total_bytes = 0
    for path, html in iter_pages(layout, rng):
        write(www, path, html)
        total_bytes += len(html)
    for i, img in enumerate(layout.images):
        write(www, img, png_bytes(i))
    write(www, "/static/site.css", "body{font-family:sans-serif;max-width:60em;margin:auto}\n")
    write(www, "/robots.txt", "User-agent: *\nDisallow:\n")
    occurrences: dict[str, int] = {}
    for targets in layout.broken_on.values():
        for t in targets:
            occurrences[t] = occurrences.get(t, 0) + 1
    pages = layout.all_pages()
    (out / "expected_broken.txt").write_text("".join(f"{u}\n" for u in layout.broken))
    (out / "pages.txt").write_text("".join(f"{p}\n" for p in pages))
    summary = {
        "generator_version": GENERATOR_VERSION,
        "params": {"pages": params.pages, "broken": params.broken, "seed": params.seed},
        "html_pages": len(pages),
        "images": len(layout.images),
        "html_bytes": total_bytes,
        "mean_page_bytes": total_bytes // len(pages),
        "broken_distinct": len(layout.broken),
        "broken_occurrences": dict(sorted(occurrences.items())),
    }
    (out / "site.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line flags; defaults are the benchmark's published workload."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=5000, help="HTML pages in total (default 5000)")
    ap.add_argument("--broken", type=int, default=300, help="distinct broken URLs (default 300)")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed (default 20240601)")
    ap.add_argument("--out", type=Path, required=True, help="output directory (site goes in OUT/www)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate the site and print a one-line summary."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    params = SiteParams(pages=args.pages, broken=args.broken, seed=args.seed)
    summary = generate(params, args.out)
    print(
        f"generated {summary['html_pages']} pages (mean {summary['mean_page_bytes']} B), "
        f"{summary['broken_distinct']} broken URLs in {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
