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
from typing import Any

from auditor.errors import ConfigError, reject_unknown

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


@dataclass(frozen=True)
class RenderSettings:
    """The ``[collectors.render]`` table, validated."""

    profiles: tuple[Profile, ...] = (BUILTIN_PROFILES["small"], BUILTIN_PROFILES["large"])
    per_template: int = 2
    max_pages: int = 500
    concurrency: int = 2
    timeout: float = 30.0
    allow_hosts: tuple[str, ...] = ()
    block_hosts: tuple[str, ...] = DEFAULT_BLOCK_HOSTS
    block_types: tuple[str, ...] = ("media",)
    consent_selectors: tuple[str, ...] = DEFAULT_CONSENT_SELECTORS
    consent_text: str = DEFAULT_CONSENT_TEXT
    screenshots: bool = True
    screenshot_max_height: int = 3000
    executable: str = ""
    sandbox: str = "auto"
    js_heap_mb: int = 512

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RenderSettings:
        reject_unknown("config: [collectors.render]", raw, (f.name for f in fields(cls)), "option")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            values[key] = _convert(key, value)
        settings = cls(**values)
        settings._validate()
        return settings

    def _validate(self) -> None:
        where = "config: [collectors.render]"
        if not self.profiles:
            raise ConfigError(f"{where} profiles: name at least one phone profile")
        if len({p.name for p in self.profiles}) != len(self.profiles):
            raise ConfigError(f"{where} profiles: names must differ")
        for key, low, high in (("per_template", 0, 10_000), ("max_pages", 1, 1_000_000), ("concurrency", 1, 32),
                               ("screenshot_max_height", 200, 50_000), ("js_heap_mb", 64, 8192)):
            value = getattr(self, key)
            if not low <= value <= high:
                raise ConfigError(f"{where} {key}: {value} is not between {low} and {high}")
        if not 1 <= self.timeout <= 600:
            raise ConfigError(f"{where} timeout: {self.timeout} is not between 1 and 600 seconds")
        bad = sorted(set(self.block_types) - RESOURCE_TYPES)
        if bad:
            raise ConfigError(f"{where} block_types: {bad[0]!r} is not one of {sorted(RESOURCE_TYPES)}")
        if self.sandbox not in ("auto", "on", "off"):
            raise ConfigError(f"{where} sandbox: must be 'auto', 'on' or 'off'")

    def host_allowed(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host, p) for p in self.allow_hosts)

    def host_blocked(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host, p) or fnmatch.fnmatchcase(host, p.removeprefix("*."))
                   for p in self.block_hosts)


def _convert(key: str, value: Any) -> Any:
    where = f"config: [collectors.render] {key}"
    if key == "profiles":
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list of names or tables")
        return tuple(_profile(item) for item in value)
    if key in ("allow_hosts", "block_hosts", "block_types", "consent_selectors"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        return tuple(value)
    if key in ("per_template", "max_pages", "concurrency", "screenshot_max_height", "js_heap_mb"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected a whole number")
        return value
    if key == "timeout":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected a number of seconds")
        return float(value)
    if key == "screenshots":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false")
        return value
    if key == "sandbox" and isinstance(value, bool):
        return "on" if value else "off"
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string")
    return value


def _profile(item: Any) -> Profile:
    where = "config: [collectors.render] profiles"
    if isinstance(item, str):
        if item not in BUILTIN_PROFILES:
            raise ConfigError(f"{where}: unknown profile {item!r}; built-in: {sorted(BUILTIN_PROFILES)}")
        return BUILTIN_PROFILES[item]
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: each profile is a name or a table")
    base = BUILTIN_PROFILES.get(str(item.get("name", "")))
    data = asdict(base) if base else {}
    data.update(item)
    reject_unknown(where, data, (f.name for f in fields(Profile)), "key")
    try:
        profile = Profile(**data)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not (isinstance(profile.name, str) and profile.name.isidentifier()):
        raise ConfigError(f"{where}: name {profile.name!r} must be a simple word")
    if not (200 <= int(profile.width) <= 2000 and 200 <= int(profile.height) <= 4000):
        raise ConfigError(f"{where}: {profile.name} width/height out of range")
    if not 0.5 <= float(profile.device_scale_factor) <= 5:
        raise ConfigError(f"{where}: {profile.name} device_scale_factor must be between 0.5 and 5")
    return profile
