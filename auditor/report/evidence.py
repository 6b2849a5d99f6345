"""A finding's ``evidence`` dict as blocks the template knows how to show.

Evidence is whatever a check put there, so it is rendered generically: scalars as
key/value rows, lists as lists, lists of records as tables, nested records as nested
rows. A few keys that families share are recognised and shown the way a reader needs
them (new families get them by using the same keys, no template change):

* ``screenshot`` / ``screenshots`` (paths inside the run directory): the phone
  screenshot, embedded; boxes in records with a ``rect`` ``[x, y, w, h]`` are outlined on it;
* ``redirects`` (hops ``{url, status, location}`` or ``"a → b"`` strings) / ``hops``: the chain;
* ``sentence`` with ``word`` (or ``text``): the misspelt word highlighted in its sentence;
* ``ad`` with ``landing_page``: the ad beside what its landing page shows;
* ``status``: the HTTP status with its meaning in plain words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from auditor.report.i18n import Catalogue
from auditor.report.safety import clip, safe_href

__all__ = ["Chain", "KeyValue", "ListBlock", "Screenshot", "Sentence", "SideBySide", "Table", "Value",
           "evidence_blocks"]

MAX_ITEMS = 30
MAX_COLUMNS = 8
MAX_RECTS = 40
HIDDEN_KEYS = frozenset({"form_key", "fingerprint", "template"})
SCREENSHOT_KEYS = ("screenshot", "screenshots")
# Columns whose values are codes with a translation in the catalogue.
VALUE_TABLES = {"kind": "data_kinds", "purpose": "purposes", "channel": "channels"}
_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True, slots=True)
class Value:
    """One shown value: text, a link target when it is a safe http(s) URL, monospace for URLs."""

    text: str
    href: str | None = None
    mono: bool = False


@dataclass(frozen=True)
class KeyValue:
    kind: ClassVar[str] = "kv"
    label: str
    value: Value | None = None
    children: list[KeyValue] = field(default_factory=list)


@dataclass(frozen=True)
class ListBlock:
    kind: ClassVar[str] = "list"
    label: str
    items: list[Value]
    more: int = 0


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    label: str
    columns: list[str]
    rows: list[list[Value]]
    more: int = 0


@dataclass(frozen=True)
class Chain:
    kind: ClassVar[str] = "chain"
    label: str
    steps: list[tuple[Value, str]]  # (url, status text)
    final: Value | None = None


@dataclass(frozen=True)
class Sentence:
    kind: ClassVar[str] = "sentence"
    label: str
    before: str
    word: str
    after: str
    suggestions: str = ""


@dataclass(frozen=True)
class SideBySide:
    kind: ClassVar[str] = "side"
    left_label: str
    left: str
    left_link: Value | None
    right_label: str
    right: str
    right_link: Value | None


@dataclass(frozen=True)
class Screenshot:
    kind: ClassVar[str] = "screenshot"
    label: str
    src: str
    width: int = 0
    height: int = 0
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    alt: str = ""


Block = KeyValue | ListBlock | Table | Chain | Sentence | SideBySide | Screenshot
Embed = Callable[[object], "tuple[str, tuple[int, int] | None] | None"]


class _Builder:
    def __init__(self, cat: Catalogue, embed: Embed | None, max_items: int = MAX_ITEMS) -> None:
        self.cat = cat
        self.embed = embed
        self.max_items = max_items

    def label(self, key: str) -> str:
        found = self.cat.get(f"evidence_keys.{key}")
        return found if isinstance(found, str) else key.replace("_", " ").strip().capitalize()

    def value(self, raw: Any, column: str = "") -> Value:
        if raw is None:
            return Value("—")
        if isinstance(raw, bool):
            return Value(self.cat.t("ui.yes") if raw else self.cat.t("ui.no"))
        if isinstance(raw, int | float):
            return Value(self.cat.number(raw))
        if isinstance(raw, str):
            table = VALUE_TABLES.get(column)
            if table and isinstance(self.cat.get(f"{table}.{raw}"), str):
                return Value(self.cat.get(f"{table}.{raw}"))
            if _URL.match(raw) or raw.startswith(("javascript:", "data:", "mailto:", "tel:")):
                return Value(clip(raw), safe_href(raw), mono=True)
            return Value(clip(raw))
        return Value(clip(json.dumps(raw, ensure_ascii=False, default=str), 300), mono=True)

    def status(self, raw: Any) -> Value:
        if not isinstance(raw, int) or isinstance(raw, bool):
            return self.value(raw)
        meaning = self.cat.get(f"http.{raw}") or self.cat.get(f"http.{raw // 100}xx")
        return Value(f"{raw} — {meaning}" if meaning else str(raw))

    # -- the recognised keys ---------------------------------------------------------
    def chain(self, ev: Mapping[str, Any], used: set[str]) -> Chain | None:
        hops = ev.get("redirects")
        if isinstance(hops, list) and hops and all(isinstance(h, Mapping) for h in hops):
            used.update({"redirects", "hops", "final_url"})
            steps = [(self.value(h.get("url")), str(h.get("status", ""))) for h in hops[:self.max_items]]
            final = ev.get("final_url") or hops[-1].get("location")
            return Chain(self.label("redirects"), steps, self.value(final) if final else None)
        texts = hops if isinstance(hops, list) and hops else ev.get("hops")
        if isinstance(texts, list) and texts and all(isinstance(h, str) for h in texts):
            used.update({"redirects", "hops"} if texts is hops else {"hops"})
            steps = []
            for text in texts[:self.max_items]:
                url, _, status = text.partition(" → ")
                steps.append((self.value(url.strip()), status.strip()))
            final = ev.get("final_url")
            if final:
                used.add("final_url")
            return Chain(self.label("redirects"), steps, self.value(final) if final else None)
        return None

    def sentence(self, ev: Mapping[str, Any], used: set[str]) -> Sentence | None:
        sentence, word = ev.get("sentence"), ev.get("word") or ev.get("text")
        if not isinstance(sentence, str) or not isinstance(word, str) or not word:
            return None
        at = sentence.find(word)
        if at < 0:
            at = sentence.lower().find(word.lower())
        used.update({"sentence", "word" if "word" in ev else "text"})
        suggestions = ev.get("suggestions")
        hint = ""
        if isinstance(suggestions, list) and suggestions:
            used.add("suggestions")
            hint = ", ".join(clip(s, 60) for s in suggestions[:5])
        sentence = clip(sentence, 600)
        if at < 0 or at >= len(sentence):
            return Sentence(self.label("sentence"), sentence + " ", clip(word, 100), "", hint)
        return Sentence(self.label("sentence"), sentence[:at], sentence[at:at + len(word)],
                        sentence[at + len(word):], hint)

    def side_by_side(self, ev: Mapping[str, Any], used: set[str]) -> SideBySide | None:
        ad, landing = ev.get("ad"), ev.get("landing_page")
        if not isinstance(ad, str) or not isinstance(landing, str):
            return None
        used.update({"ad", "landing_page", "ad_url", "landing_url"})
        ad_url, landing_url = ev.get("ad_url"), ev.get("landing_url") or ev.get("ad_url")
        return SideBySide(self.label("ad"), clip(ad, 1000), self.value(ad_url) if ad_url else None,
                          self.label("landing_page"), clip(landing, 1500),
                          self.value(landing_url) if landing_url else None)

    def screenshots(self, ev: Mapping[str, Any], used: set[str], limit: int) -> list[Screenshot]:
        paths: list[tuple[str, str]] = []
        for key in SCREENSHOT_KEYS:
            raw = ev.get(key)
            if isinstance(raw, str):
                paths.append((self.label("screenshot"), raw))
            elif isinstance(raw, Mapping):
                paths.extend((f"{self.label('screenshot')} ({clip(name, 40)})", p) for name, p in raw.items())
            elif isinstance(raw, list):
                paths.extend((self.label("screenshot"), p) for p in raw if isinstance(p, str))
            if raw is not None:
                used.add(key)
        rects = list(_rects(ev.values()))[:MAX_RECTS]
        shots: list[Screenshot] = []
        seen: set[str] = set()
        for label, path in paths:
            if path in seen or self.embed is None or len(shots) >= limit:
                continue
            seen.add(path)
            found = self.embed(path)
            if found is None:
                continue
            src, size = found
            width, height = size or (0, 0)
            shots.append(Screenshot(label, src, width, height, rects if not shots and size else [],
                                    alt=self.cat.t("ui.screenshot_alt")))
        return shots

    # -- everything else -------------------------------------------------------------
    def generic(self, key: str, raw: Any) -> Block:
        label = self.label(key)
        if key == "status":
            return KeyValue(label, self.status(raw))
        if isinstance(raw, Mapping):
            children = [self.generic(str(k), v) for k, v in list(raw.items())[:self.max_items]]
            return KeyValue(label, None, [c if isinstance(c, KeyValue)
                                          else KeyValue(getattr(c, "label", label), Value(_short(c)))
                                          for c in children])
        if isinstance(raw, list | tuple):
            items = list(raw)
            if items and all(isinstance(i, Mapping) for i in items):
                columns = list(dict.fromkeys(k for i in items for k in i if k not in ("rect",)))[:MAX_COLUMNS]
                rows = [[self.value(i.get(c), c) for c in columns] for i in items[:self.max_items]]
                return Table(label, [self.label(c) for c in columns], rows, max(len(items) - self.max_items, 0))
            return ListBlock(label, [self.value(i) for i in items[:self.max_items]],
                             max(len(items) - self.max_items, 0))
        return KeyValue(label, self.value(raw, key))


def _short(block: Block) -> str:
    if isinstance(block, ListBlock):
        return ", ".join(v.text for v in block.items)
    if isinstance(block, Table):
        return f"{len(block.rows) + block.more} × {', '.join(block.columns)}"
    return ""


def _rects(values: Iterable[Any]) -> Iterable[tuple[float, float, float, float]]:
    for value in values:
        if isinstance(value, list):
            for item in value:
                rect = item.get("rect") if isinstance(item, Mapping) else None
                if isinstance(rect, list | tuple) and len(rect) == 4 and all(
                        isinstance(n, int | float) and not isinstance(n, bool) for n in rect):
                    x, y, w, h = (float(n) for n in rect)
                    if w > 0 and h > 0:
                        yield (x, y, w, h)


def evidence_blocks(evidence: Mapping[str, Any], cat: Catalogue, embed: Embed | None = None,
                    hide: Iterable[str] = (), max_items: int = MAX_ITEMS, max_shots: int = 4) -> list[Block]:
    """The blocks of one finding's evidence: recognised keys first, screenshots last (at
    most ``max_shots``); keys in ``hide`` are left out, lists and tables are cut at ``max_items``."""
    builder = _Builder(cat, embed, max_items)
    hidden = HIDDEN_KEYS | set(hide)
    used: set[str] = {k for k in evidence if k in hidden or str(k).startswith("_")}
    blocks: list[Block] = []
    for special in (builder.sentence, builder.side_by_side, builder.chain):
        block = special(evidence, used)
        if block is not None:
            blocks.append(block)
    shots = builder.screenshots(evidence, used, max_shots)
    for key, raw in evidence.items():
        if key not in used:
            blocks.append(builder.generic(str(key), raw))
    return [*blocks, *shots]
