"""``<meta http-equiv="refresh">``: read the declaration, and tell a redirect stub from a page.

A redirect stub is a page that exists only to send the visitor on: a meta refresh with a
target and (almost) nothing a visitor could read. It is a redirect, not a page, so it is
not judged as one (TP401 on a 200-byte stub misled a real report) and the renderer follows
it to the page it leads to. The crawler queues the target (``collect/crawl/follows.py``);
TP103 (``checks/links.py``) counts a stub as one redirect hop of a chain.
"""

from __future__ import annotations

import re
from typing import Any

_CONTENT = re.compile(r"^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)
STUB_MAX_TEXT = 200  # characters of visible text a stub may carry ("You are being redirected…")
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})


def meta_refresh(tree: Any) -> tuple[float, str] | None:
    """``(delay in seconds, target as written)`` of the first meta refresh with a target, else None."""
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        match = _CONTENT.match(meta.get("content") or "")
        if not match:
            continue
        target = match.group(2).strip().strip("'\"").strip()
        if target:
            return float(match.group(1) or 0), target[:2000]
    return None


def visible_text_length(tree: Any, limit: int = STUB_MAX_TEXT + 1) -> int:
    """Characters of text outside scripts, styles and the head, counted up to ``limit``."""
    body = tree.find("body")
    if body is None:
        return 0
    total = 0
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in _INVISIBLE:
            continue
        for text in (element.text, element.tail if element is not body else None):
            if text:
                total += len(" ".join(text.split()))
        if total >= limit:
            break
    return total


def redirect_stub(tree: Any) -> str | None:
    """The target of a redirect stub (a meta refresh of at most 10 s with almost no text of its
    own), or None for a page a visitor reads."""
    refresh = meta_refresh(tree)
    if refresh is None or refresh[0] > 10:
        return None
    if visible_text_length(tree) > STUB_MAX_TEXT:
        return None
    return refresh[1]
