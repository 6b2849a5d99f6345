"""Bounded reading: what a hostile or broken server can make the auditor hold in memory.

A server controls how much it sends and how far it inflates: a 4 MB gzip answer can
inflate to 4 GB. Everything read from the network is therefore capped *while* it is read
or inflated, never after: HTTP bodies by ``max_body_bytes`` (``http.read_capped``),
gzip files (sitemaps, feeds) by ``gunzip_capped``. The caps and their defaults are listed
in ``docs/security.md``.
"""

from __future__ import annotations

import zlib

MAX_LINKS_PER_PAGE = 10_000  # links stored, checked and followed per page; a real page has a few hundred
SITEMAP_INFLATED_BYTES = 50_000_000  # the sitemaps protocol's own limit, uncompressed
FEED_INFLATED_BYTES = 10_000_000
_STEP = 1 << 20


def gunzip_capped(data: bytes, limit: int) -> tuple[bytes, bool]:
    """Inflate a gzip file (members concatenated) up to ``limit`` bytes: ``(data, truncated)``.

    Raises ``zlib.error`` on a broken file, as ``gzip.decompress`` raises ``OSError``.
    """
    out: list[bytes] = []
    size = 0
    rest = data
    while rest and size < limit:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        chunk = inflater.decompress(rest, min(_STEP, limit - size))
        while True:
            out.append(chunk)
            size += len(chunk)
            if inflater.eof or size >= limit:
                break
            tail = inflater.unconsumed_tail
            if not tail:
                break  # the input ended before the member did: keep what was inflated
            chunk = inflater.decompress(tail, min(_STEP, limit - size))
        if size >= limit and not inflater.eof:
            return b"".join(out)[:limit], True
        rest = inflater.unused_data.lstrip(b"\0")  # padding between members happens
        if rest[:2] != b"\x1f\x8b":
            break
    return b"".join(out)[:limit], size > limit
