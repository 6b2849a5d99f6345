"""Untrusted values on their way into the report: URLs that may become links, long texts,
and image files (phone screenshots): linked as files next to the report (``report.html``),
or embedded as ``data:`` URIs (the PDF edition, printed with every request refused).

Every string from a crawled page or a plugin is text: the template escapes it. A URL
becomes a live link only when it is http(s) with a host and nothing odd in it; anything
else (``javascript:``, ``data:``, ``mailto:``) is shown as text. An image is embedded only
from inside the run directory, with a known image type and a size limit, so evidence
naming ``../../etc/passwd`` or a 200 MB file embeds nothing.
"""

from __future__ import annotations

import base64
import re
import struct
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

__all__ = ["MAX_TEXT", "ImageEmbedder", "clip", "image_size", "safe_href"]

MAX_TEXT = 500
MAX_IMAGE_BYTES = 4_000_000
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
               ".gif": "image/gif", ".svg": "image/svg+xml"}
_ODD = re.compile(r"[\x00-\x20\x7f\\\"'<>`]")
_HTTP = re.compile(r"^https?://([^/?#]*)", re.I)
_PORT = re.compile(r":\d*$")


def clip(value: object, limit: int = MAX_TEXT) -> str:
    """Text of at most ``limit`` characters, with an ellipsis when cut."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_href(url: object) -> str | None:
    """``url`` when it may be a link in the report (http/https, a host, no spaces, quotes,
    backslashes or credentials), else None: then it is shown as text only."""
    return _safe_href(url) if isinstance(url, str) else None


@lru_cache(maxsize=65_536)  # a report names the same pages thousands of times
def _safe_href(url: str) -> str | None:
    if len(url) > 2000 or _ODD.search(url):
        return None
    match = _HTTP.match(url)
    if match is None or "@" in match.group(1) or not _PORT.sub("", match.group(1)):
        return None
    return url


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG from its header, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + length
    return None


HEADER_BYTES = 262_144  # enough of a JPEG to reach its size marker past EXIF data


class ImageEmbedder:
    """Reads images from the run directory once each and hands out ``data:`` URIs, or with
    ``link`` their address relative to the run directory (where ``report.html`` is): the
    screenshots stay files next to the report instead of 13 MB of base64 inside it."""

    def __init__(self, root: Path | None, budget: int = 60_000_000, *, link: bool = False) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self.budget = budget  # total bytes embedded in one report
        self.link = link
        self._cache: dict[str, tuple[str, tuple[int, int] | None] | None] = {}

    def __call__(self, relative: object) -> tuple[str, tuple[int, int] | None] | None:
        """``(data URI, size)`` of the image at ``relative`` (inside the run dir), or None."""
        if not isinstance(relative, str) or not relative or self.root is None:
            return None
        if relative not in self._cache:
            self._cache[relative] = self._read(relative)
        return self._cache[relative]

    def _read(self, relative: str) -> tuple[str, tuple[int, int] | None] | None:
        assert self.root is not None
        path = (self.root / relative).resolve()
        mime = IMAGE_TYPES.get(path.suffix.lower())
        if mime is None or not path.is_relative_to(self.root) or not path.is_file():
            return None
        size = path.stat().st_size
        if self.link:  # a relative address, each part percent-encoded: the file is not read
            with path.open("rb") as fh:
                head = fh.read(HEADER_BYTES)
            return quote(path.relative_to(self.root).as_posix(), safe="/"), image_size(head)
        if size > MAX_IMAGE_BYTES or size > self.budget:
            return None
        data = path.read_bytes()
        self.budget -= size
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", image_size(data)
