"""Settings of the browser renderer (``[collectors.render]``) and its phone profiles.

Validated when the audit is set up, so a typo in the config is one clear line (exit 2)
before anything is crawled, not a renderer failure at the end of a long run.

    [collectors.render]
    profiles = ["small", "large"]      # built-in names, or tables (see ``Profile``)
    per_template = 2                   # pages rendered per layout template; 0 = every page
    max_pages = 500                    # pages rendered at most in one run
    concurrency = 2                    # pages rendered at once (one browser, a tab per page and profile)
    timeout = 30                       # seconds per page and profile, then it is given up
    allow_hosts = []                   # other hosts the browser may load from ("*" = any)
    block_hosts = [...]                # never loaded, even when allowed (analytics, advertising)
    block_types = ["media"]            # resource types blocked when they come from another host
    consent_selectors = [...]          # cookie-banner buttons clicked before measuring
    consent_text = "^(accepteren|…)$"  # or a button with this text inside an element about cookies
    screenshots = true                 # a JPEG per page and profile in RUN_DIR/screenshots
    screenshot_max_height = 3000       # CSS px; longer pages are cut
    executable = ""                    # a Chromium binary; default: found automatically
    sandbox = "auto"                   # Chromium's sandbox: on, off, auto (off as root, where it cannot run)
    js_heap_mb = 512                   # a page's JavaScript heap; beyond it the tab crashes, the run goes on

The audited site's own domain (subdomains included) is always allowed; anything else is
blocked unless ``allow_hosts`` names it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, fields
from typing import Annotated, Any, Literal

from pydantic import field_validator

from auditor.collector import CollectorSettings
from auditor.config import between, validate_table

# A recent Chrome on Android; ``{major}`` becomes the launched browser's major version so
# sites that sniff the user agent serve what a phone with this browser would get.
MOBILE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/{major}.0.0.0 Mobile Safari/537.36")


@dataclass(frozen=True)
class Profile:
    """One emulated phone: CSS viewport, device scale factor, touch and a mobile user agent."""

    name: str
    width: int
    height: int
    device_scale_factor: float = 2.0
    user_agent: str = MOBILE_UA
    has_touch: bool = True
    is_mobile: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "user_agent"}


# A small Android phone (Galaxy S-class, 360 CSS px) and a large one (Pixel 7 Pro-class, 412).
BUILTIN_PROFILES = {
    "small": Profile("small", 360, 740, 3.0),
    "large": Profile("large", 412, 915, 2.625),
}

# Accept buttons of the consent platforms most often met on Dutch and European sites.
DEFAULT_CONSENT_SELECTORS = (
    "#onetrust-accept-btn-handler",                              # OneTrust
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",    # Cookiebot
    "#CybotCookiebotDialogBodyButtonAccept",
    "#didomi-notice-agree-button",                               # Didomi
    ".cky-btn-accept",                                           # CookieYes
    ".cmplz-btn.cmplz-accept",                                   # Complianz
    "#cn-accept-cookie",                                         # Cookie Notice
    "a._brlbs-btn-accept-all, ._brlbs-btn-accept-all",           # Borlabs
    ".qc-cmp2-summary-buttons button[mode=primary]",             # Quantcast
    "#cookiescript_accept",                                      # CookieScript
    ".cc-allow, .cc-dismiss",                                    # Osano cookieconsent
    "[data-cookie-accept], [data-consent-accept], #cookie-accept, .cookie-accept",
)
# Button texts that accept or dismiss a banner, matched inside an element about cookies.
DEFAULT_CONSENT_TEXT = (r"^(alle[s]? )?(cookies )?(accepteren|accepteer|akkoord|toestaan|sluiten|"
                        r"accept( all)?( cookies)?|allow( all)?( cookies)?|agree|i agree|got it|ok(ay|é)?|"
                        r"alle akzeptieren|akzeptieren|zustimmen|tout accepter|accepter)[.!]?$")
# Hosts of analytics and advertising, blocked even when ``allow_hosts`` lets everything else in.
DEFAULT_BLOCK_HOSTS = ("*.googletagmanager.com", "*.google-analytics.com", "*.doubleclick.net",
                       "connect.facebook.net", "*.hotjar.com", "*.clarity.ms", "snap.licdn.com")
RESOURCE_TYPES = frozenset({"document", "stylesheet", "image", "media", "font", "script", "texttrack", "xhr",
                            "fetch", "eventsource", "websocket", "manifest", "other"})


_LOOSE_TUPLE = ("allow_hosts", "block_hosts", "block_types", "consent_selectors")


class RenderSettings(CollectorSettings):
    """The ``[collectors.render]`` table, validated (``auditor.config.validate_table``)."""

    profiles: tuple[Profile, ...] = (BUILTIN_PROFILES["small"], BUILTIN_PROFILES["large"])
    per_template: Annotated[int, between(0, 10_000)] = 2
    max_pages: Annotated[int, between(1, 1_000_000)] = 500
    concurrency: Annotated[int, between(1, 32)] = 2
    timeout: Annotated[float, between(1, 600, "seconds")] = 30.0
    allow_hosts: tuple[str, ...] = ()
    block_hosts: tuple[str, ...] = DEFAULT_BLOCK_HOSTS
    block_types: tuple[str, ...] = ("media",)
    consent_selectors: tuple[str, ...] = DEFAULT_CONSENT_SELECTORS
    consent_text: str = DEFAULT_CONSENT_TEXT
    screenshots: bool = True
    screenshot_max_height: Annotated[int, between(200, 50_000)] = 3000
    executable: str = ""
    sandbox: Literal["auto", "on", "off"] = "auto"
    js_heap_mb: Annotated[int, between(64, 8192)] = 512

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RenderSettings:
        return validate_table("config: [collectors.render]", cls, raw)

    @field_validator(*_LOOSE_TUPLE, mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value  # TOML has lists, not tuples

    @field_validator("profiles", mode="before")
    @classmethod
    def _profiles(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError("expected a list of names or tables")
        profiles = tuple(_profile(item) for item in value)
        if not profiles:
            raise ValueError("name at least one phone profile")
        if len({p.name for p in profiles}) != len(profiles):
            raise ValueError("names must differ")
        return profiles

    @field_validator("block_types")
    @classmethod
    def _types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = sorted(set(value) - RESOURCE_TYPES)
        if bad:
            raise ValueError(f"{bad[0]!r} is not one of {sorted(RESOURCE_TYPES)}")
        return value

    @field_validator("sandbox", mode="before")
    @classmethod
    def _sandbox(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "on" if value else "off"
        if value not in ("auto", "on", "off"):
            raise ValueError("must be 'auto', 'on' or 'off'")
        return value

    def host_allowed(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host, p) for p in self.allow_hosts)

    def host_blocked(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host, p) or fnmatch.fnmatchcase(host, p.removeprefix("*."))
                   for p in self.block_hosts)


def _profile(item: Any) -> Profile:
    """A built-in profile by name, or a table (over the built-in of the same name, if any)."""
    if isinstance(item, Profile):
        return item
    if isinstance(item, str):
        if item not in BUILTIN_PROFILES:
            raise ValueError(f"unknown profile {item!r}; built-in: {sorted(BUILTIN_PROFILES)}")
        return BUILTIN_PROFILES[item]
    if not isinstance(item, dict):
        raise ValueError("each profile is a name or a table")
    base = BUILTIN_PROFILES.get(str(item.get("name", "")))
    data = asdict(base) if base else {}
    data.update(item)
    known = sorted(f.name for f in fields(Profile))
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; known: {known}")
    try:
        profile = Profile(**data)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    if not (isinstance(profile.name, str) and profile.name.isidentifier()):
        raise ValueError(f"name {profile.name!r} must be a simple word")
    if not (200 <= int(profile.width) <= 2000 and 200 <= int(profile.height) <= 4000):
        raise ValueError(f"{profile.name} width/height out of range")
    if not 0.5 <= float(profile.device_scale_factor) <= 5:
        raise ValueError(f"{profile.name} device_scale_factor must be between 0.5 and 5")
    return profile
