"""Work out a page's character encoding before parsing it.

Order, as browsers do it: byte-order mark, the ``Content-Type`` header's charset, a
``<meta charset>`` (or http-equiv) in the first 4 KB, then detection. Mis-decoding a
Latin-1 page as UTF-8 turns every ``é`` into a false spelling error later.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if it names a known codec."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return _known(value)
    return None


def detect_encoding(body: bytes, content_type: str | None) -> str:
    """The encoding to decode ``body`` with; never fails (falls back to UTF-8)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = charset_from_content_type(content_type)
    if declared:
        return declared
    match = _META.search(body[:4096])
    if match:
        meta = _known(match.group(1).decode("ascii", "ignore"))
        if meta:
            # A page that declares latin-1 is decoded as windows-1252, as browsers do.
            return "cp1252" if meta in ("latin-1", "iso8859-1") else meta
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    known = _known(best.encoding) if best is not None else None
    return known or "cp1252"
