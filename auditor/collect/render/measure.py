"""What the renderer measures inside the page, and how the answer is made safe to keep.

The scripts run in the rendered page and only *measure*: the layout viewport and the
document's width, elements that stick out, the font size of every visible piece of text,
the boxes of the tap targets. Judging (thresholds, overlaps) is for the checks, so a
check's options can change without rendering again (``recheck``).

The page is untrusted: its own scripts can replace the DOM methods we call, and what the
evaluation returns is whatever the page made of it. ``sanitize`` therefore rebuilds the
answer from known keys, with types coerced, strings clipped and lists capped, before
anything is stored.
"""

from __future__ import annotations

import math
from typing import Any

MAX_TEXT_OFFENDERS = 40
MAX_OVERFLOW_OFFENDERS = 20
MAX_TARGETS = 600
MAX_FONT_SIZES = 64
SMALL_TEXT_BELOW_PX = 16  # text groups below this size are listed, so a check may pick any threshold up to it

# Shared helpers: visibility, readable selectors, clipped text.
_HELPERS = r"""
const clip = (s, n) => String(s == null ? '' : s).replace(/\s+/g, ' ').trim().slice(0, n);
const visible = (el) => {
  if (!el || !el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true,
      opacityProperty: true, visibilityProperty: true})) return false;
  return true;
};
const selector = (el) => {
  const parts = [];
  let node = el;
  for (let depth = 0; node && node.nodeType === 1 && depth < 4; depth++) {
    let part = node.localName;
    if (node.id && /^[A-Za-z][\w-]{0,40}$/.test(node.id)) { parts.unshift(part + '#' + node.id); break; }
    const classes = Array.from(node.classList).filter(c => /^[A-Za-z_-][\w-]{0,40}$/.test(c)).slice(0, 2);
    if (classes.length) part += '.' + classes.join('.');
    parts.unshift(part);
    if (part === 'body' || node.localName === 'main') break;
    node = node.parentElement;
  }
  return parts.join(' > ').slice(0, 200);
};
"""

# Dismisses a cookie banner: a configured selector first, then an accept button by its text
# inside an element about cookies. Returns what was clicked, or null.
CONSENT_JS = "(opts) => {" + _HELPERS + r"""
  const shown = (el) => visible(el) && el.getClientRects().length > 0;
  for (const sel of opts.selectors) {
    let el = null;
    try { el = document.querySelector(sel); } catch (e) { continue; }
    if (el && shown(el)) {
      const banner = el.closest('[id*=cookie i],[class*=cookie i],[id*=consent i],[class*=consent i],'
        + '[role=dialog],[aria-modal=true],[class*=cmp i],[id*=cmp i]') || el;
      window.__auditorConsent = banner;
      el.click();
      return {selector: sel, label: clip(el.innerText || el.value || el.getAttribute('aria-label'), 60),
              banner: selector(banner)};
    }
  }
  const pattern = new RegExp(opts.text, 'i');
  const about = /cookie|consent|privacy|toestemming|gdpr|avg/i;
  const containers = document.querySelectorAll('[id*=cookie i],[class*=cookie i],[id*=consent i],'
    + '[class*=consent i],[aria-label*=cookie i],[id*=gdpr i],[class*=gdpr i],[role=dialog],[aria-modal=true]');
  for (const box of Array.from(containers).slice(0, 50)) {
    if (!shown(box) || !about.test(clip(box.innerText, 2000) + ' ' + box.id + ' ' + box.className)) continue;
    const buttons = box.querySelectorAll('button,a,[role=button],input[type=button],input[type=submit]');
    for (const b of Array.from(buttons).slice(0, 50)) {
      const label = clip(b.innerText || b.value || b.getAttribute('aria-label'), 60);
      if (label && pattern.test(label) && shown(b)) {
        window.__auditorConsent = box;
        b.click();
        return {selector: 'text', label: label, banner: selector(box)};
      }
    }
  }
  return null;
}"""

# True once the banner we clicked is gone (removed, hidden or faded out).
CONSENT_GONE_JS = r"""() => {
  const el = window.__auditorConsent;
  if (!el || !el.isConnected) return true;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) < 0.05) return true;
  return el.checkVisibility ? !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) : false;
}"""

MEASURE_JS = "(opts) => {" + _HELPERS + r"""
  const doc = document.documentElement;
  const body = document.body || doc;
  const layoutWidth = doc.clientWidth;
  const docWidth = Math.max(doc.scrollWidth, body.scrollWidth);
  const docHeight = Math.max(doc.scrollHeight, body.scrollHeight);
  const sx = window.scrollX, sy = window.scrollY;
  const meta = Array.from(document.querySelectorAll('meta[name=viewport i]')).pop();
  const styles = new Map();
  const styleOf = (el) => {
    let s = styles.get(el);
    if (!s) { s = getComputedStyle(el); styles.set(el, s); }
    return s;
  };
  const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object']);

  // Elements are walked once, in document order; "contained" marks subtrees that cannot
  // widen the page: inside a scroll or clip container, or fixed to the screen.
  const elements = [];
  const contained = new Set();
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el && elements.length < opts.maxElements; el = walker.nextNode()) {
    elements.push(el);
  }
  const containedOf = (el) => {
    const parent = el.parentElement;
    if (!parent || parent === body || parent === doc) return false;
    if (contained.has(parent)) return true;
    const s = styleOf(parent);
    return s.overflowX !== 'visible' || s.position === 'fixed';
  };

  // 1. What sticks out to the right of the layout viewport.
  const overflow = [];
  if (docWidth > layoutWidth) {
    const sticking = new Map();  // element → the offender it belongs to (itself or an ancestor)
    const range = document.createRange();
    const ATOMIC = new Set(['table', 'img', 'pre', 'video', 'iframe', 'svg', 'canvas', 'embed', 'object', 'input',
                            'textarea', 'select', 'code']);
    for (const el of elements) {
      if (el === body) continue;
      if (containedOf(el)) { contained.add(el); continue; }
      const s = styleOf(el);
      if (s.position === 'fixed') { contained.add(el); continue; }
      const top = sticking.get(el.parentElement);
      if (top) {  // covered by an ancestor that sticks out; a wide table or image inside it is its cause
        sticking.set(el, top);
        if (!top.cause && ATOMIC.has(el.localName) && el.getBoundingClientRect().right + sx > layoutWidth + 0.5) {
          top.cause = selector(el);
        }
        continue;
      }
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      let kind = null, right = r.right + sx, width = r.width;
      if (right > layoutWidth + 0.5) kind = 'box';
      else {
        for (const child of el.childNodes) {  // its own text (a long word, a URL) sticks out
          if (child.nodeType !== 3 || !child.data.trim()) continue;
          range.selectNodeContents(child);
          const t = range.getBoundingClientRect();
          if (t.right + sx > layoutWidth + 0.5) {
            kind = 'content'; right = t.right + sx; width = t.right - r.left; break;
          }
        }
      }
      if (!kind) continue;
      const offender = {selector: selector(el), tag: el.localName, kind: kind, left: Math.round(r.left + sx),
                        width: Math.round(width), right: Math.round(right), text: clip(el.innerText, 80), el: el,
                        cause: null};
      sticking.set(el, offender);
      if (overflow.length < opts.maxOverflow) overflow.push(offender);
    }
  }

  // 2. Font size of every visible run of text, weighted by its length in characters.
  const sizes = {};
  const groups = new Map();
  let totalChars = 0, nodes = 0;
  const seen = new Map();
  const textVisible = (el) => {
    let v = seen.get(el);
    if (v === undefined) {
      const r = el.getBoundingClientRect();
      v = visible(el) && r.width > 1 && r.height > 1 && r.right + sx > 0 && r.bottom + sy > 0;
      seen.set(el, v);
    }
    return v;
  };
  const texts = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node && nodes < opts.maxTextNodes; node = texts.nextNode()) {
    const el = node.parentElement;
    if (!el || SKIP.has(el.localName) || el.closest('script,style,noscript,template,svg')) continue;
    const chars = node.data.replace(/\s+/g, ' ').trim().length;
    if (!chars) continue;
    nodes++;
    if (!textVisible(el)) continue;
    const px = parseFloat(styleOf(el).fontSize) || 0;
    const key = String(Math.round(px * 2) / 2);
    sizes[key] = (sizes[key] || 0) + chars;
    totalChars += chars;
    if (px < opts.smallBelow) {
      const sel = selector(el);
      const g = groups.get(sel + '|' + key) || {selector: sel, font_size: Math.round(px * 10) / 10, chars: 0,
                                                 sample: clip(node.data, 80)};
      g.chars += chars;
      groups.set(sel + '|' + key, g);
    }
  }
  const textGroups = Array.from(groups.values()).sort((a, b) => b.chars - a.chars).slice(0, opts.maxTextGroups);

  // 3. Tap targets: visible links and controls, not inline links inside running text.
  const TAP = 'a[href],button,input:not([type=hidden]),select,textarea,summary,[role=button],[role=link],'
    + '[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=switch],[onclick]';
  const inText = (el) => {
    for (let node = el; node && node !== body; node = node.parentElement) {
      if (!styleOf(node).display.startsWith('inline')) return false;
      const parent = node.parentElement;
      if (!parent) return false;
      for (const child of parent.childNodes) {
        if (child.nodeType === 3 && child.data.trim()) return true;
      }
    }
    return false;
  };
  const targets = [];
  const all = Array.from(document.querySelectorAll(TAP)).slice(0, opts.maxTargets * 4);
  const isTarget = new Set(all);
  for (const el of all) {
    if (targets.length >= opts.maxTargets) break;
    let nested = false;
    for (let p = el.parentElement; p; p = p.parentElement) { if (isTarget.has(p)) { nested = true; break; } }
    if (nested || !visible(el) || inText(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right + sx <= 0 || r.bottom + sy <= 0) continue;
    targets.push({selector: selector(el), text: clip(el.innerText || el.value || el.getAttribute('aria-label')
                  || el.getAttribute('title') || (el.querySelector('img[alt]') || {}).alt, 60),
                  href: clip(el.getAttribute('href'), 200),
                  rect: [Math.round(r.left + sx), Math.round(r.top + sy), Math.round(r.width), Math.round(r.height)]});
  }

  // Outline what sticks out, for the screenshot taken next (CSSOM: allowed under a strict CSP).
  for (const o of overflow) {
    o.el.style.setProperty('outline', '3px solid #e4002b', 'important');
    o.el.style.setProperty('outline-offset', '-3px', 'important');
    delete o.el;
  }
  return {
    viewport_meta: meta ? clip(meta.getAttribute('content'), 200) : null,
    layout_width: layoutWidth, document_width: docWidth, document_height: docHeight,
    inner_width: window.innerWidth, scale: window.visualViewport ? window.visualViewport.scale : 1,
    elements: elements.length, truncated: elements.length >= opts.maxElements,
    overflow: overflow,
    text: {total_chars: totalChars, sizes: sizes, groups: textGroups},
    tap_targets: targets,
  };
}"""


def measure_options() -> dict[str, Any]:
    return {"maxElements": 20_000, "maxTextNodes": 50_000, "maxOverflow": MAX_OVERFLOW_OFFENDERS,
            "maxTextGroups": MAX_TEXT_OFFENDERS, "maxTargets": MAX_TARGETS, "smallBelow": SMALL_TEXT_BELOW_PX}


def _num(value: Any, low: float = -1e7, high: float = 1e7) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(number):
        return 0.0
    return min(max(number, low), high)


def _int(value: Any, low: int = -10_000_000, high: int = 10_000_000) -> int:
    return round(_num(value, low, high))


def _str(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _list(value: Any, limit: int) -> list[Any]:
    return [v for v in value[:limit] if isinstance(v, dict)] if isinstance(value, list) else []


def sanitize(raw: Any) -> dict[str, Any]:
    """The measurement rebuilt from known keys only: numbers bounded, strings and lists capped."""
    raw = raw if isinstance(raw, dict) else {}
    text = raw.get("text") if isinstance(raw.get("text"), dict) else {}
    sizes = text.get("sizes") if isinstance(text.get("sizes"), dict) else {}
    clean_sizes: dict[str, int] = {}
    for key, chars in list(sizes.items())[:MAX_FONT_SIZES]:
        size = _num(key, 0, 1000)
        clean_sizes[f"{size:g}"] = clean_sizes.get(f"{size:g}", 0) + _int(chars, 0)
    meta = raw.get("viewport_meta")
    return {
        "viewport_meta": _str(meta, 200) if isinstance(meta, str) else None,
        "layout_width": _int(raw.get("layout_width"), 0),
        "document_width": _int(raw.get("document_width"), 0),
        "document_height": _int(raw.get("document_height"), 0),
        "inner_width": _int(raw.get("inner_width"), 0),
        "scale": round(_num(raw.get("scale"), 0, 100), 3),
        "elements": _int(raw.get("elements"), 0),
        "truncated": bool(raw.get("truncated")),
        "overflow": [{"selector": _str(o.get("selector"), 200), "tag": _str(o.get("tag"), 40),
                      "kind": "content" if o.get("kind") == "content" else "box",
                      "left": _int(o.get("left")), "width": _int(o.get("width"), 0), "right": _int(o.get("right")),
                      "text": _str(o.get("text"), 80), "cause": _str(o.get("cause"), 200) or None}
                     for o in _list(raw.get("overflow"), MAX_OVERFLOW_OFFENDERS)],
        "text": {"total_chars": _int(text.get("total_chars"), 0), "sizes": clean_sizes,
                 "groups": [{"selector": _str(g.get("selector"), 200), "font_size": round(_num(g.get("font_size"),
                             0, 1000), 1), "chars": _int(g.get("chars"), 0), "sample": _str(g.get("sample"), 80)}
                            for g in _list(text.get("groups"), MAX_TEXT_OFFENDERS)]},
        "tap_targets": [{"selector": _str(t.get("selector"), 200), "text": _str(t.get("text"), 60),
                         "href": _str(t.get("href"), 200), "rect": _rect(t.get("rect"))}
                        for t in _list(raw.get("tap_targets"), MAX_TARGETS)],
    }


def _rect(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) != 4:
        return [0, 0, 0, 0]
    x, y, w, h = (_int(v) for v in value)
    return [x, y, max(w, 0), max(h, 0)]
