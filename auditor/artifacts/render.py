"""Artifacts of the browser renderer: what each phone profile measured, per page and per run.

The renderer (``auditor.collect.render``) only measures; the mobile checks (TP402–TP404)
judge these measurements, so ``recheck`` applies new thresholds without rendering again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.artifacts import Artifact

# The renderer lists the groups of text smaller than this (CSS px), so TP403 may pick any
# threshold up to it without rendering again.
SMALL_TEXT_BELOW_PX = 16

__all__ = ["SMALL_TEXT_BELOW_PX", "Blocked", "Consent", "Overflow", "PhoneProfile", "ProfileRender", "RenderFailure",
           "RenderSummary", "RenderedPage", "TapTarget", "TextGroup", "TextMeasure"]


@dataclass(frozen=True)
class Overflow:
    """An element that sticks out of the layout viewport; ``cause`` names what widened it."""

    selector: str = ""
    tag: str = ""
    kind: str = "box"  # box | content
    left: int = 0
    width: int = 0
    right: int = 0
    text: str = ""
    cause: str | None = None


@dataclass(frozen=True)
class TextGroup:
    """Visible text of one selector at one font size, weighted by its characters."""

    selector: str = ""
    font_size: float = 0.0
    chars: int = 0
    sample: str = ""


@dataclass(frozen=True)
class TextMeasure:
    """Every visible run of text: characters per font size (CSS px, as a string key) and the
    largest groups of small text."""

    total_chars: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    groups: tuple[TextGroup, ...] = ()


@dataclass(frozen=True)
class TapTarget:
    """A visible link or control: ``rect`` is the bounding box ``[x, y, width, height]`` in CSS
    px of its visible client ``rects``; ``href`` is resolved against the page."""

    selector: str = ""
    text: str = ""
    href: str = ""
    rect: tuple[int, int, int, int] = (0, 0, 0, 0)
    rects: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Consent:
    """The cookie banner dismissed before measuring (``selector`` is ``text`` when found by its label)."""

    selector: str = ""
    label: str = ""
    banner: str = ""
    dismissed: bool = False


@dataclass(frozen=True)
class Blocked:
    """Requests the browser was not allowed to make, and the hosts most asked for."""

    count: int = 0
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileRender:
    """One page in one phone profile. ``status`` is ``ok`` (the measurements are set) or
    ``error`` (``error`` says why)."""

    status: str = "error"
    error: str | None = None
    width: int = 0
    height: int = 0
    device_scale_factor: float = 2.0
    final_url: str | None = None
    http_status: int | None = None
    loaded: bool = False
    consent: Consent | None = None
    viewport_meta: str | None = None
    layout_width: int = 0
    document_width: int = 0
    document_height: int = 0
    inner_width: int = 0
    scale: float = 1.0
    elements: int = 0
    truncated: bool = False
    overflow: tuple[Overflow, ...] = ()
    text: TextMeasure = field(default_factory=TextMeasure)
    tap_targets: tuple[TapTarget, ...] = ()
    screenshot: str | None = None
    meta_refresh: tuple[str, ...] = ()  # the redirect stubs the browser followed to get here
    # The rendered DOM's hyperlinks (a/area href, resolved, http(s) only, at most 2,000): menus a
    # script builds are found here and nowhere in the HTML ([crawl] render_links).
    links: tuple[str, ...] = ()
    blocked: Blocked | None = None
    ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class RenderedPage(Artifact):
    """Page-level ``render``: one page in every profile, and the layout template it stands for
    (``template_pages`` pages share it, ``template_rendered`` of them were rendered; this
    rendering speaks for ``stands_for`` pages, 0 in runs stored before it was recorded)."""

    NAME = "render"

    url: str = ""
    template: str = ""
    template_pages: int = 1
    template_rendered: int = 1
    stands_for: int = 0
    profiles: dict[str, ProfileRender] = field(default_factory=dict)


@dataclass(frozen=True)
class PhoneProfile:
    """An emulated phone as configured (``[collectors.render]`` profiles)."""

    name: str = ""
    width: int = 0
    height: int = 0
    device_scale_factor: float = 2.0
    has_touch: bool = True
    is_mobile: bool = True


@dataclass(frozen=True)
class RenderFailure:
    """A page that could not be rendered in one profile."""

    url: str = ""
    profile: str = ""
    error: str = ""


@dataclass(frozen=True)
class RenderSummary(Artifact):
    """Run-level ``render``: the browser, the profiles, how many pages were eligible and
    rendered, the templates, the failures (the first 50) and the cookie banners met."""

    NAME = "render"

    profiles: tuple[PhoneProfile, ...] = ()
    per_template: int = 0
    pages_eligible: int = 0
    templates: int = 0
    pages_rendered: int = 0
    failed: tuple[RenderFailure, ...] = ()
    consent: dict[str, int] = field(default_factory=dict)
    blocked_requests: int = 0
    reused: int = 0
    browser: str | None = None
    executable: str | None = None
    browser_launches: int | None = None
    seconds: float | None = None
