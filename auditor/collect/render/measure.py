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

from auditor.artifacts.render import SMALL_TEXT_BELOW_PX  # part of the render artifact's contract

MAX_TEXT_OFFENDERS = 40
MAX_OVERFLOW_OFFENDERS = 20
MAX_TARGETS = 600
MAX_FONT_SIZES = 64
MAX_RECTS = 8  # client rects kept per tap target (a link wrapped over lines has one per line)

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

  // Hidden is hidden: beyond display/visibility/opacity (``visible``), content clipped away by
  // an ancestor (a menu collapsed with max-height: 0 and overflow: hidden, a 1 px scroll box, a
  // sidebar of 0 px), a zero clip-path or clip, ``inert``, and aria-hidden content moved off-screen.
  const clippersOf = new Map();  // element → the ancestors whose overflow or clip cuts it
  const clips = (s) => s.overflowX !== 'visible' || s.overflowY !== 'visible';
  const zeroClip = (s) => /^inset\(\s*(5\d|[6-9]\d|100)%/.test(s.clipPath)
    || /^(circle|ellipse)\(\s*0(px)?[\s)]/.test(s.clipPath)
    || (s.position === 'absolute' || s.position === 'fixed') && /^rect\(\s*0px,?\s+0px,?\s+0px,?\s+0px\)/.test(s.clip);
  const clippers = (el) => {
    // Which ancestors clip ``el``: a positioned element escapes the overflow of ancestors below its
    // containing block, a fixed one escapes all of them.
    let out = clippersOf.get(el);
    if (out) return out;
    out = [];
    let escaping = styleOf(el).position;
    for (let p = el.parentElement; p && p !== doc; p = p.parentElement) {
      const s = styleOf(p);
      if (escaping === 'fixed') break;
      const positioned = s.position !== 'static';
      if (escaping === 'absolute' && !positioned) { continue; }
      escaping = s.position === 'fixed' ? 'fixed' : s.position === 'absolute' ? 'absolute' : null;
      if (zeroClip(s) || clips(s)) out.push(p);
    }
    clippersOf.set(el, out);
    return out;
  };
  const hiddenBy = (el, r) => {
    if (!visible(el)) return 'style';
    if (el.closest('[inert]')) return 'inert';
    if (zeroClip(styleOf(el))) return 'clip';
    if (el.closest('[aria-hidden=true]') && (r.right + sx <= 0 || r.bottom + sy <= 0 || r.left + sx >= docWidth)) {
      return 'aria-hidden';
    }
    let left = r.left, top = r.top, right = r.right, bottom = r.bottom;
    for (const p of clippers(el)) {
      const s = styleOf(p);
      if (zeroClip(s)) return 'clip';
      const b = p.getBoundingClientRect();
      if (s.overflowX !== 'visible') {
        if (p.clientWidth <= 1) return 'clipped';
        left = Math.max(left, b.left); right = Math.min(right, b.right);
      }
      if (s.overflowY !== 'visible') {
        if (p.clientHeight <= 1) return 'clipped';
        top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
      }
      if (right - left <= 1 || bottom - top <= 1) return 'clipped';
    }
    return null;
  };

  // 2. Font size of every visible run of text, weighted by its length in characters.
  const sizes = {};
  const groups = new Map();
  let totalChars = 0, nodes = 0;
  const seen = new Map();
  const textVisible = (el) => {
    let v = seen.get(el);
    if (v === undefined) {
      const r = el.getBoundingClientRect();
      v = r.width > 1 && r.height > 1 && r.right + sx > 0 && r.bottom + sy > 0 && !hiddenBy(el, r);
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

  // 3. Tap targets, as Lighthouse 11's tap-targets gatherer found them: its selector (plus
  // elements made clickable by onclick, tabindex or a label), not nested in another target, not
  // a link inside running text, with the client rects of the element and its descendants (a
  // 0 px wide link is measured by the icon that overflows it), and only the rects whose centre
  // is the target's own at the top of the stacking order (elementFromPoint), with fixed and
  // sticky elements made transparent to the pointer first — so targets behind others, clipped
  // away, or fixed/sticky themselves drop out. Hidden as above drops out too.
  const TAP = 'button,a,input,textarea,select,option,[role=button],[role=checkbox],[role=link],[role=menuitem],'
    + '[role=menuitemcheckbox],[role=menuitemradio],[role=option],[role=scrollbar],[role=slider],[role=spinbutton],'
    + '[role=tab],[role=switch],[role=radio],summary,label,[onclick],[tabindex]:not([tabindex^="-"])';
  const textBlockSibling = (el) => {
    const parent = el.parentElement;
    if (!parent) return false;
    if ((parent.textContent || '').length - (el.textContent || '').length < 5) return false;
    for (const sibling of parent.childNodes) {
      if (sibling !== el && sibling.nodeType === 3 && sibling.data.trim()) return true;
    }
    return false;
  };
  const inText = (el) => {
    for (let node = el; node && node !== doc; node = node.parentElement) {
      const d = styleOf(node).display;
      if (d !== 'inline' && d !== 'inline-block') return false;
      if (textBlockSibling(node)) return true;
    }
    return false;
  };
  const rectsOf = (el, out) => {
    for (const r of el.getClientRects()) {
      if (r.width !== 0 && r.height !== 0 && out.length < 32) out.push(r);
    }
    for (const child of el.children) rectsOf(child, out);
    return out;
  };
  const candidates = [];
  const all = Array.from(document.querySelectorAll(TAP)).slice(0, opts.maxTargets * 4);
  const isTarget = new Set(all);
  for (const el of all) {
    let nested = false;
    for (let p = el.parentElement; p; p = p.parentElement) { if (isTarget.has(p)) { nested = true; break; } }
    if (nested || el.localName === 'label' && !el.control && !el.hasAttribute('onclick')) continue;
    if (!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) || inText(el)) continue;
    const rects = rectsOf(el, []).filter(r => !hiddenBy(el, r))
      .map(r => [r.left + sx, r.top + sy, r.width, r.height]);
    if (rects.length) candidates.push({el: el, rects: rects});
  }
  const pinned = [];
  for (const el of elements) {
    const p = styleOf(el).position;
    if (p === 'fixed' || p === 'sticky') {
      pinned.push([el, el.style.getPropertyValue('pointer-events'), el.style.getPropertyPriority('pointer-events')]);
      el.style.setProperty('pointer-events', 'none', 'important');
    }
  }
  const targets = [];
  const viewHeight = window.innerHeight || 1;
  try {
    for (const {el, rects} of candidates) {
      if (targets.length >= opts.maxTargets) break;
      const shown = rects.filter(([x, y, w, h]) => {
        const cx = x + w / 2, cy = y + h / 2;
        const wantY = Math.floor(cy / viewHeight) * viewHeight;
        if (window.scrollY !== wantY || window.scrollX !== 0) window.scrollTo(0, wantY);
        const top = document.elementFromPoint(cx - window.scrollX, cy - window.scrollY);
        return top !== null && (top === el || el.contains(top));
      });
      if (!shown.length) continue;
      const href = typeof el.href === 'string' ? el.href : '';
      targets.push({selector: selector(el), text: clip(el.innerText || el.value || el.getAttribute('aria-label')
                    || el.getAttribute('title') || (el.querySelector('img[alt]') || {}).alt, 60),
                    href: clip(href, 500),
                    rects: shown.slice(0, 8).map(r => r.map(Math.round))});
    }
  } finally {
    for (const [el, value, priority] of pinned) {
      if (value) el.style.setProperty('pointer-events', value, priority);
      else el.style.removeProperty('pointer-events');
    }
    window.scrollTo(sx, sy);
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
    text: dict[str, Any] = raw["text"] if isinstance(raw.get("text"), dict) else {}
    sizes: dict[str, Any] = text["sizes"] if isinstance(text.get("sizes"), dict) else {}
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
        "tap_targets": [_target(t) for t in _list(raw.get("tap_targets"), MAX_TARGETS)],
    }


def _target(raw: dict[str, Any]) -> dict[str, Any]:
    """A tap target: its visible client rects (``rects``, at most ``MAX_RECTS``) and their
    bounding box (``rect``), its resolved ``href`` (so ``./`` and ``../seo/`` compare equal)."""
    rects = [_rect(r) for r in raw.get("rects", [])[:MAX_RECTS]] if isinstance(raw.get("rects"), list) else []
    rects = [r for r in rects if r[2] and r[3]] or [_rect(raw.get("rect"))]
    left, top = min(r[0] for r in rects), min(r[1] for r in rects)
    right, bottom = max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects)
    return {"selector": _str(raw.get("selector"), 200), "text": _str(raw.get("text"), 60),
            "href": _str(raw.get("href"), 500), "rect": [left, top, right - left, bottom - top], "rects": rects}


def _rect(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) != 4:
        return [0, 0, 0, 0]
    x, y, w, h = (_int(v) for v in value)
    return [x, y, max(w, 0), max(h, 0)]
