"""Report language: message catalogues (``report_templates/messages/<lang>.json``), the
choice of language, and numbers and dates written the way the reader writes them.

Every word the report shows comes from one catalogue, so a report is in one language.
Catalogue strings use ``{name}`` placeholders and a plural form ``{name?one|other}``
(``{pages} {pages?pagina|pagina's}``). A placeholder with no value raises ``KeyError``:
callers that format a finding's own sentence fall back to the check's message then.

Third-party checks add their texts as a class attribute read by ``messages.code_text``::

    report_messages = {"nl": {"title": "…", "summary": "…", "why": "…", "fix": "…",
                              "message": "De pagina {url} …"}}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["LANGUAGES", "Catalogue", "choose_language", "load_catalogue"]

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\?([^|{}]*)\|([^{}]*))?\}", re.I)


def _messages_dir() -> Path:
    return Path(str(resources.files("report_templates"))) / "messages"


class Catalogue:
    """The strings of one language, looked up by dotted key (``ui.summary``)."""

    def __init__(self, lang: str, data: Mapping[str, Any]) -> None:
        self.lang = lang
        self.data = data

    def get(self, key: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def t(self, key: str, **values: Any) -> str:
        """A UI string, formatted; a missing key raises KeyError (tests keep catalogues complete)."""
        text = self.get(key)
        if not isinstance(text, str):
            raise KeyError(f"{self.lang} catalogue has no string {key!r}")
        return self.format(text, values)

    def format(self, template: str, values: Mapping[str, Any]) -> str:
        """Fill ``{name}`` and ``{name?one|other}``; numbers are written the reader's way."""
        def fill(match: re.Match[str]) -> str:
            name, one, other = match.group(1), match.group(2), match.group(3)
            if name not in values or values[name] is None:
                raise KeyError(name)
            value = values[name]
            if one is not None:
                return one if _is_one(value) else other
            return self.number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        return _PLACEHOLDER.sub(fill, template)

    def number(self, value: float) -> str:
        """10000 → ``10.000`` in Dutch, ``10,000`` in English; below 10,000 no separator, so a
        year stays 2021 and 1500 pages read as 1500 (both styles allow it)."""
        group = "," if abs(value) >= 10_000 else ""
        text = f"{value:{group}.0f}" if float(value).is_integer() else f"{value:{group}.1f}"
        if self.lang == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def date(self, iso: str) -> str:
        """An ISO date or timestamp as ``22 november 2026`` / ``22 November 2026``."""
        try:
            when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            return iso or ""
        months = self.get("months") or []
        month = months[when.month - 1] if len(months) == 12 else str(when.month)
        return f"{when.day} {month} {when.year}"

    def plural(self, key: str, n: int) -> str:
        """``key.one`` or ``key.other`` with ``{n}`` filled."""
        return self.t(f"{key}.{'one' if n == 1 else 'other'}", n=n)


def _is_one(value: Any) -> bool:
    try:
        return int(value) == 1
    except (TypeError, ValueError):
        return False


@lru_cache(maxsize=8)
def _load(lang: str) -> dict[str, Any]:
    return json.loads((_messages_dir() / f"{lang}.json").read_text("utf-8"))


def load_catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (``nl`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"report language {lang!r} is not one of {LANGUAGES}")
    return Catalogue(lang, _load(lang))


def choose_language(configured: str | None, page_languages: Iterable[str | None]) -> str:
    """The configured language, else the majority ``<html lang>`` of the crawled pages
    (``nl-NL`` counts as ``nl``) when it is one the report speaks, else English."""
    if configured in LANGUAGES:
        return configured
    counts = Counter((lang or "").lower()[:2] for lang in page_languages if lang)
    for lang, _ in counts.most_common():
        if lang in LANGUAGES:
            return lang
        break  # the majority speaks a language the report does not: English
    return DEFAULT_LANGUAGE
