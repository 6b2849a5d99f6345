"""Mobile checks (TP401–TP404): does the site adapt to the prospect's phone?

TP401 reads the crawled HTML (no browser needed). TP402–TP404 judge what the renderer
(``auditor.collect.render.renderer``) measured in headless Chromium emulating phones: the width of
the laid-out document, the font size of every visible run of text, and the boxes of the
tap targets. The renderer only measures; thresholds live here, as check options, so
``recheck`` can judge again with other thresholds without rendering again.

The renderer renders a few pages per layout template. Findings are keyed by the offending
elements, not the page or template, so the same problem on two pages (or templates) is
one finding listing both, and its evidence says how many pages each rendered page stands
for (``stands_for``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import unquote

from auditor.artifacts import read, read_pages
from auditor.artifacts.render import SMALL_TEXT_BELOW_PX, ProfileRender, RenderedPage, RenderSummary, TapTarget
from auditor.check import CheckContext, PageCheck, SiteCheck, SiteView
from auditor.errors import NotApplicable, Unverifiable
from auditor.html.refresh import redirect_stub
from auditor.model import Finding, Location
from auditor.page import Page

MAX_LISTED = 10
_PAIR = re.compile(r"\s*([A-Za-z-]+)\s*=\s*([^,;\s]*)\s*")


def parse_viewport(content: str) -> dict[str, str]:
    """``width=device-width, initial-scale=1`` → ``{"width": "device-width", "initial-scale": "1"}``."""
    out: dict[str, str] = {}
    for part in re.split(r"[,;]", content):
        match = _PAIR.fullmatch(part)
        if match:
            out[match.group(1).lower()] = match.group(2).strip().lower()
    return out


def viewport_problem(content: str | None) -> tuple[str, str] | None:
    """``(kind, explanation)`` when a viewport declaration is not mobile-optimised, else None."""
    if content is None:
        return "missing", "The page has no <meta name=\"viewport\">: phones lay it out 980 px wide and shrink it."
    props = parse_viewport(content)
    width = props.get("width")
    if width is None and props.get("initial-scale") is None:
        return "no-device-width", f"The viewport ({content!r}) does not set width=device-width."
    # initial-scale without width: browsers fit the layout viewport to the screen (Lighthouse 11
    # counts it as mobile-optimised too)
    if width is not None and width != "device-width":
        if re.fullmatch(r"\d+(\.\d+)?(px)?", width):
            return "fixed-width", (f"The viewport fixes the layout at {width.removesuffix('px')} px wide instead of "
                                   "width=device-width: phones shrink the page to fit.")
        return "no-device-width", f"The viewport sets width={width} instead of width=device-width."
    scale = props.get("initial-scale")
    if scale is not None:
        try:
            value = float(scale)
        except ValueError:
            return "initial-scale", f"The viewport's initial-scale={scale} is not a number (use initial-scale=1)."
        if abs(value - 1) > 1e-6:
            return "initial-scale", (f"The viewport sets initial-scale={scale}: the page opens zoomed "
                                     f"{'out' if value < 1 else 'in'} instead of at its natural size.")
    return None


def viewport_meta(page: Page) -> str | None:
    """The content of the last ``<meta name="viewport">`` (the one browsers use), or None."""
    found = None
    for meta in page.tree.iter("meta"):
        if (meta.get("name") or "").strip().lower() == "viewport":
            found = (meta.get("content") or "").strip()[:500]
    return found


class MissingViewport(PageCheck):
    """The page has no viewport declaration, or one that is not mobile-optimised.

    What it checks
    --------------
    Every HTML page must have ``<meta name="viewport" content="width=device-width,
    initial-scale=1">`` (the last viewport tag counts, as in browsers). Reported: no
    viewport tag, a tag with neither ``width=device-width`` nor ``initial-scale``, a fixed
    width (``width=1200``), and an ``initial-scale`` other than 1. ``initial-scale=1``
    alone is mobile-optimised (browsers fit the page to the screen; Lighthouse agrees). A
    redirect stub (a page that only holds a ``<meta http-equiv="refresh">``) is not judged:
    it is a redirect, and the page it leads to is. Pages that share the same problem are one
    finding listing them all. This check reads the HTML; it needs no browser.

    Why it matters
    --------------
    Without it, a phone lays the page out as on a 980 px wide desktop screen and shrinks
    the result to fit: text becomes unreadable and visitors must pinch and zoom. A fixed
    width or another initial scale has the same effect. Google indexes the mobile version
    of a page first, and most prospects meet a website on their phone.

    How to fix
    ----------
    Put ``<meta name="viewport" content="width=device-width, initial-scale=1">`` in the
    ``<head>`` of the page template, and make the layout responsive (fluid widths,
    ``max-width: 100%`` on images, media queries) instead of a fixed-width design.
    """

    code = "TP401"
    name = "missing-viewport"
    family = "mobile"
    requires = ("pages",)
    default_severity = "error"

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if not page.is_html or page.status is None or not 200 <= page.status < 300:
            return
        if redirect_stub(page.tree) is not None:  # a redirect, not a page: its target is judged
            return
        content = viewport_meta(page)
        problem = viewport_problem(content)
        if problem is None:
            return
        kind, message = problem
        yield self.finding(url=page.url, message=message, evidence={"viewport": content, "problem": kind},
                           locations=[Location(page.url, content or "", "meta")],
                           key=f"{kind}|{content or ''}")


# -- what the renderer measured --------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    """One rendered page in one phone profile, as the renderer stored it."""

    url: str
    template: str
    template_pages: int
    template_rendered: int
    profile: str
    data: ProfileRender
    stands_for: int = 1

    @property
    def page_url(self) -> str:
        """The page measured: where the browser ended (a meta refresh it followed), else the URL."""
        final = self.data.final_url
        if not isinstance(final, str) or not final.startswith(("http://", "https://")):
            return self.url
        same = unquote(final.split("#", 1)[0]).rstrip("/") == unquote(self.url.split("#", 1)[0]).rstrip("/")
        return self.url if same else final

    @property
    def width(self) -> int:
        return self.data.width


def rendered(site: SiteView, ctx: CheckContext) -> Iterator[list[Rendered]]:
    """Per rendered page, its successfully rendered profiles (smallest screen first).

    Ends the check ``not_applicable`` when there was nothing to render, ``unverifiable``
    when nothing could be rendered, so that no-data never reads as "passed".
    """
    seen = ok = 0
    first_error = ""
    for url, page in read_pages(site, RenderedPage):
        seen += 1
        good = []
        pages, rendered_pages = page.template_pages or 1, page.template_rendered or 1
        for name, data in page.profiles.items():
            if data.ok:
                good.append(Rendered(url, page.template, pages, rendered_pages, name, data,
                                     page.stands_for or -(-pages // rendered_pages)))
            elif not first_error:
                first_error = f"{url}: {data.error or 'unknown error'}"
        if good:
            ok += 1
            yield sorted(good, key=lambda r: (r.width, r.profile))
    if ok:
        return
    if seen:
        raise Unverifiable(f"no page could be rendered in the browser (e.g. {first_error})")
    summary = read(ctx, RenderSummary)
    if summary is not None and not summary.pages_eligible:
        raise NotApplicable("the site has no HTML page to render")
    raise Unverifiable("the pages were not rendered in a browser")


def _evidence(first: Rendered, failing: list[Rendered], per_profile: dict[str, Any]) -> dict[str, Any]:
    return {"profile": first.profile, "screen_width": first.width, "screenshot": first.data.screenshot,
            "profiles": per_profile, "template": first.template, "template_pages": first.template_pages,
            "template_rendered": first.template_rendered, "stands_for": first.stands_for,
            "redirected_from": first.url if first.page_url != first.url else None,
            "screenshots": {r.profile: r.data.screenshot for r in failing if r.data.screenshot}}


def _template_note(first: Rendered) -> str:
    """Only a sample of each layout template is rendered: say for how many pages this one stands."""
    unseen = first.stands_for - 1
    if unseen > 0:
        return (f" This page stands for {unseen} more page{'s' if unseen != 1 else ''} with the same layout, "
                f"which {'were' if unseen != 1 else 'was'} not rendered and likely share{'' if unseen != 1 else 's'} "
                "this.")
    return ""


class HorizontalOverflow(SiteCheck):
    """The page is wider than the phone's screen: visitors must scroll sideways.

    What it checks
    --------------
    Each rendered page is laid out in headless Chromium emulating phones (by default 360
    and 412 CSS px wide). It is reported when the document is wider than the layout
    viewport (``scrollWidth`` > ``clientWidth``, with ``tolerance_px`` of slack). The
    evidence names the elements that stick out (CSS selector, width, how far right they
    reach) and a phone screenshot with them outlined in red. Content inside a scrolling
    container (``overflow-x: auto``) does not count. A page without a viewport tag is laid
    out 980 px wide; that is TP401, and reported here only if it overflows even that.

    Why it matters
    --------------
    Content that sticks out makes the page slide sideways under the thumb, hides the
    right-hand side of text and tables, and makes the browser zoom out so everything else
    becomes small. Visitors notice it at once and leave.

    How to fix
    ----------
    Give the named elements a fluid width (``max-width: 100%``, no fixed pixel widths);
    put wide tables in a ``<div style="overflow-x: auto">`` or restack them on small
    screens; let long words and URLs break (``overflow-wrap: anywhere``); check the
    outlined screenshot in the report.
    """

    code = "TP402"
    name = "horizontal-overflow"
    family = "mobile"
    requires = ("pages", "render")
    default_severity = "error"

    @dataclass
    class Options:
        tolerance_px: int = 1

        def __post_init__(self) -> None:
            if not 0 <= self.tolerance_px <= 200:
                raise ValueError("tolerance_px must be between 0 and 200")

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for profiles in rendered(site, ctx):
            failing = [r for r in profiles if r.data.document_width > r.data.layout_width + self.options.tolerance_px]
            if not failing:
                continue
            first = failing[0]
            offenders = first.data.overflow
            listed: list[dict[str, Any]] = [{"selector": o.selector, "width": o.width, "right": o.right, "kind": o.kind,
                       "text": o.text, "cause": o.cause} for o in offenders[:MAX_LISTED]]
            per_profile = {r.profile: {"layout_width": r.data.layout_width,
                                       "document_width": r.data.document_width} for r in failing}
            what = ", ".join(f"{o['selector']} ({o['width']} px wide"
                             + (f", widened by {o['cause']})" if o["cause"] else ")") for o in listed[:3])
            message = (f"On a {first.width} px wide phone the page is {first.data.document_width} px wide, "
                       f"so it scrolls sideways. " + (f"Sticking out: {what}." if what else
                                                      "No single element could be named as the cause.")
                       + _template_note(first))
            key = f"{'|'.join(sorted({str(o['selector']) for o in listed})) or first.url}"
            yield self.finding(url=first.page_url, message=message, key=key,
                               evidence={**_evidence(first, failing, per_profile),
                                         "layout_width": first.data.layout_width,
                                         "document_width": first.data.document_width, "offenders": listed},
                               locations=[Location(first.page_url, str(listed[0]["selector"]) if listed else "",
                                                   offenders[0].tag if offenders else "")])


class SmallText(SiteCheck):
    """Too much of the page's text is too small to read on a phone.

    What it checks
    --------------
    In each rendered page the renderer measures the font size of every visible run of
    text, weighted by its number of characters; hidden text (``display: none``,
    ``visibility: hidden``, transparent, zero-sized or off-screen; clipped away by an
    ancestor, such as a phone menu collapsed with ``max-height: 0; overflow: hidden``; a
    zero ``clip-path``; ``inert``; ``aria-hidden`` and off-screen) and text in scripts,
    styles and templates does not count. The page is reported when more than
    ``max_share`` (default 0.4: 40 %, as Lighthouse did) of its text is smaller than
    ``min_font_px`` (default 12 CSS px). The evidence lists the largest offenders (CSS
    selector, font size, characters, a sample).

    Why it matters
    --------------
    Text below 12 px on a phone has to be zoomed to be read; most visitors do not, and
    leave. Small print on prices, terms or contact details reads as hiding something.

    How to fix
    ----------
    Use at least 16 px for body text and 12 px for anything else, in ``rem`` so visitors'
    settings apply; remove the rules that shrink the listed selectors on small screens.
    """

    code = "TP403"
    name = "small-text"
    family = "mobile"
    requires = ("pages", "render")
    default_severity = "warning"

    @dataclass
    class Options:
        min_font_px: float = 12.0
        max_share: float = 0.4
        min_chars: int = 50

        def __post_init__(self) -> None:
            if not 4 <= self.min_font_px <= SMALL_TEXT_BELOW_PX:
                raise ValueError(f"min_font_px must be between 4 and {SMALL_TEXT_BELOW_PX}")
            if not 0 <= self.max_share < 1:
                raise ValueError("max_share must be at least 0 and below 1")

    def share(self, data: ProfileRender) -> tuple[float, int, int]:
        """(share of small text, small characters, all characters) of one measurement."""
        total = data.text.total_chars
        small = sum(int(n) for size, n in data.text.sizes.items() if float(size) < self.options.min_font_px)
        return (small / total if total else 0.0), small, total

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        opts = self.options
        for profiles in rendered(site, ctx):
            failing, per_profile = [], {}
            for r in profiles:
                share, small, total = self.share(r.data)
                if total >= opts.min_chars and share > opts.max_share:
                    failing.append(r)
                    per_profile[r.profile] = {"share": round(share, 3), "small_chars": small, "total_chars": total}
            if not failing:
                continue
            first = failing[0]
            groups = [asdict(g) for g in first.data.text.groups if g.font_size < opts.min_font_px][:MAX_LISTED]
            stats = per_profile[first.profile]
            worst = ", ".join(f"{g['selector']} ({g['font_size']:g} px, {g['chars']} characters)" for g in groups[:3])
            message = (f"{stats['share']:.0%} of the text on this page is smaller than {opts.min_font_px:g} px on a "
                       f"{first.width} px wide phone" + (f"; largest: {worst}." if worst else ".")
                       + _template_note(first))
            key = f"{'|'.join(sorted({g['selector'] for g in groups[:5]})) or first.url}"
            yield self.finding(url=first.page_url, message=message, key=key,
                               evidence={**_evidence(first, failing, per_profile), **stats,
                                         "min_font_px": opts.min_font_px, "max_share": opts.max_share,
                                         "offenders": groups},
                               locations=[Location(first.page_url, groups[0]["selector"] if groups else "", "text")])


def _target(selector: str, label: str) -> str:
    return f"{selector} “{label[:40]}”" if label else selector


def _tag(selector: str) -> str:
    """``nav.main > a.icon`` → ``a``."""
    return re.split(r"[.#:\[]", selector.rsplit(">", 1)[-1].strip(), maxsplit=1)[0]


def _overlap(a: list[int] | tuple[float, ...], b: list[int] | tuple[float, ...]) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _contains(outer: list[int], inner: list[int]) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3])


def _touch(a: list[int], b: list[int]) -> bool:
    return a[0] <= b[0] + b[2] and b[0] <= a[0] + a[2] and a[1] <= b[1] + b[3] and b[1] <= a[1] + a[3]


def _holds_point(r: list[int], x: float, y: float) -> bool:
    return r[0] <= x <= r[0] + r[2] and r[1] <= y <= r[1] + r[3]


def tappable_rects(rects: list[list[int]]) -> list[list[int]]:
    """Lighthouse's ``getTappableRectsFromClientRects``: drop rects of 1 px or less and rects
    inside others, then merge touching rects that line up (within 10 px) into the area a
    visitor sees as one target, unless the merged centre hits neither."""
    out = [r for r in rects if r[2] > 1 and r[3] > 1]
    out = [r for i, r in enumerate(out)
           if not any(j != i and _contains(o, r) and (o != r or j < i) for j, o in enumerate(out))]
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                lines_up = (abs(a[1] - b[1]) <= 10 or abs(a[1] + a[3] - b[1] - b[3]) <= 10
                            or abs(a[0] - b[0]) <= 10 or abs(a[0] + a[2] - b[0] - b[2]) <= 10)
                if not (lines_up and _touch(a, b)):
                    continue
                x0, y0 = min(a[0], b[0]), min(a[1], b[1])
                box = [x0, y0, max(a[0] + a[2], b[0] + b[2]) - x0, max(a[1] + a[3], b[1] + b[3]) - y0]
                cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
                if not (_holds_point(a, cx, cy) or _holds_point(b, cx, cy)):
                    continue
                out = [r for k, r in enumerate(out) if k not in (i, j)] + [box]
                merged = True
                break
            if merged:
                break
    return out


def _rects(target: TapTarget) -> list[list[int]]:
    return [list(r) for r in target.rects] or [list(target.rect)]


def _same_destination(a: TapTarget, b: TapTarget) -> bool:
    """Both lead to the same http(s) address: a mis-tap lands in the same place. The renderer
    stores resolved addresses, so ``./`` and ``../seo/`` on /seo/ compare equal."""
    return bool(re.match(r"https?://", a.href)) and a.href == b.href


def _nested(a: list[list[int]], b: list[list[int]]) -> bool:
    """Lighthouse's ``allRectsContainedWithinEachOther``: one target lies wholly inside the
    other (an item with a delete button inside): intentional, not crowding."""
    return (all(any(_contains(o, r) for o in b) for r in a) or all(any(_contains(o, r) for o in a) for r in b))


def cramped_targets(targets: Sequence[TapTarget], min_size: int, overlap_share: float) -> list[dict[str, Any]]:
    """Targets smaller than ``min_size`` whose finger lies too much over another target.

    Lighthouse 11's tap-targets audit: a target is too small when none of its client rects
    is ``min_size`` × ``min_size``. The finger is a ``min_size`` square centred on each of the
    target's tappable rects; the target fails when the finger's area over a rect of another
    target is at least ``overlap_share`` of its area over the target's own rect. Targets with
    the same http(s) address, and targets inside one another, do not count against each other.
    """
    cell = max(min_size, 16)
    grid: dict[tuple[int, int], list[int]] = {}
    for i, t in enumerate(targets):
        x, y, w, h = t.rect
        for cx in range(x // cell, (x + w) // cell + 1):
            for cy in range(y // cell, (y + h) // cell + 1):
                grid.setdefault((cx, cy), []).append(i)
    failing = []
    for i, t in enumerate(targets):
        rects = _rects(t)
        if any(r[2] >= min_size and r[3] >= min_size for r in rects):
            continue
        tappable = tappable_rects(rects)
        worst, neighbour = 0.0, None
        for own_rect in tappable:
            x, y, w, h = own_rect
            finger = (x + w / 2 - min_size / 2, y + h / 2 - min_size / 2, min_size, min_size)
            own = _overlap(own_rect, finger)
            if not own:
                continue
            near = {j for cx in range(int(finger[0] // cell), int((finger[0] + min_size) // cell) + 1)
                    for cy in range(int(finger[1] // cell), int((finger[1] + min_size) // cell) + 1)
                    for j in grid.get((cx, cy), ())}
            for j in sorted(near - {i}):
                other = targets[j]
                if _same_destination(t, other) or _nested(tappable, _rects(other)):
                    continue
                for other_rect in _rects(other):
                    share = _overlap(other_rect, finger) / own
                    if share > worst:
                        worst, neighbour = share, other
        if neighbour is not None and worst >= overlap_share:
            x, y, w, h = t.rect
            failing.append({"selector": t.selector, "text": t.text, "href": t.href, "width": w, "height": h,
                            "rect": list(t.rect), "neighbour": neighbour.selector,
                            "neighbour_text": neighbour.text or neighbour.href,
                            "neighbour_rect": list(neighbour.rect)})
    return failing


class SmallTapTargets(SiteCheck):
    """Links and buttons too small and too close together to tap reliably.

    What it checks
    --------------
    In each rendered page the tap targets are measured as Lighthouse 11.7.1's tap-targets
    audit did: links (with or without ``href``), buttons, form controls and ``option``,
    and the ARIA roles button, checkbox, link, menuitem(checkbox/radio), option, scrollbar,
    slider and spinbutton; not a target nested in another one, not a link inside running
    text. A target's boxes are the client rects of the element and its descendants (a link
    0 px wide is measured by the icon that overflows it); a box counts only where the
    target is on top at its centre (``elementFromPoint``), so targets behind others
    (``z-index: -1``), clipped away (a 1 px scroll box, a sidebar collapsed to 0 px) or
    fixed/sticky (whether those overlap depends on the scroll position) are neither
    targets nor neighbours. A target fails when none of its boxes is ``min_size_px`` ×
    ``min_size_px`` (default 48) and a finger (a 48 px square centred on one of its
    tappable boxes, touching boxes merged as Lighthouse merged them) lies over another
    target by at least ``overlap_share`` (default 25 %) of what it covers of the target
    itself. Links to the same http(s) address (compared resolved: ``./`` and ``../seo/``
    on /seo/ are one address) and targets inside one another do not count against each
    other. Targets that crowd one another (a row of icons, a menu) are one finding, and
    the same group on several pages or templates is one finding listing the pages. The
    evidence lists the targets with their size and the neighbour they crowd.

    Deliberate differences from Lighthouse: elements made clickable by ``onclick``, a
    ``tabindex`` of 0 or more, ``summary``, ``label`` of a control and the roles tab,
    switch and radio are targets too (they are tapped like buttons); content hidden by
    ``opacity: 0``, ``inert``, a zero ``clip-path``, a clipping ancestor of (nearly) no
    size, or ``aria-hidden`` off-screen is hidden (Lighthouse only asked whether the
    element had a box); a page without a viewport tag is still measured (TP401 reports the
    viewport; Lighthouse failed the audit outright); results are findings per group of
    targets, not a page score.

    Why it matters
    --------------
    A fingertip covers about 9 mm, some 48 CSS px. Small targets packed together make
    visitors tap the wrong link (calling instead of mailing, the wrong menu item) or give
    up; older visitors suffer most.

    How to fix
    ----------
    Make each listed link or button at least 48 × 48 px (padding counts: ``padding`` or
    ``min-height`` on the link, not only the icon), or keep at least 8 px between small
    targets so their finger zones do not cover each other.
    """

    code = "TP404"
    name = "small-tap-targets"
    family = "mobile"
    requires = ("pages", "render")
    default_severity = "warning"

    @dataclass
    class Options:
        min_size_px: int = 48
        overlap_share: float = 0.25

        def __post_init__(self) -> None:
            if not 8 <= self.min_size_px <= 200:
                raise ValueError("min_size_px must be between 8 and 200")
            if not 0 <= self.overlap_share <= 1:
                raise ValueError("overlap_share must be between 0 and 1")

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        opts = self.options
        for profiles in rendered(site, ctx):
            failing, per_profile, cramped = [], {}, {}
            for r in profiles:
                bad = cramped_targets(r.data.tap_targets, opts.min_size_px, opts.overlap_share)
                if bad:
                    failing.append(r)
                    cramped[r.profile] = bad
                    per_profile[r.profile] = {"failing": len(bad), "targets": len(r.data.tap_targets)}
            if not failing:
                continue
            first = failing[0]
            for group in crowded_groups(cramped[first.profile]):
                yield self._finding(first, failing, per_profile, group)

    def _finding(self, first: Rendered, failing: list[Rendered], per_profile: dict[str, Any],
                 bad: list[dict[str, Any]]) -> Finding:
        size = self.options.min_size_px
        t = bad[0]
        message = (f"{len(bad)} tap target{'s' if len(bad) != 1 else ''} on this page "
                   f"{'are' if len(bad) != 1 else 'is'} smaller than {size}×{size} px and crowded on a "
                   f"{first.width} px wide phone, e.g. {_target(t['selector'], t['text'] or t['href'])} "
                   f"({t['width']}×{t['height']} px) next to {_target(t['neighbour'], t['neighbour_text'])}."
                   + _template_note(first))
        # keyed by the crowded elements, not the page or template: the same crowded menu on eight
        # templates is one finding listing eight pages
        key = "|".join(sorted({f"{b['selector']}~{b['text']}" for b in bad})[:10])
        return self.finding(url=first.page_url, message=message, key=key,
                            evidence={**_evidence(first, failing, per_profile), "count": len(bad),
                                      "min_size_px": size, "targets": bad[:MAX_LISTED * 2]},
                            locations=[Location(first.page_url, t["selector"], _tag(t["selector"]))])


def crowded_groups(bad: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The failing targets split into groups that crowd one another (a row of social icons,
    a menu), in page order: each group is one problem to fix."""
    parent = list(range(len(bad)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_box = {tuple(b["rect"]): i for i, b in enumerate(bad)}
    for i, b in enumerate(bad):
        j = by_box.get(tuple(b.get("neighbour_rect") or ()))
        if j is not None:
            parent[root(i)] = root(j)
    groups: dict[int, list[dict[str, Any]]] = {}
    for i, b in enumerate(bad):
        groups.setdefault(root(i), []).append(b)
    return list(groups.values())
