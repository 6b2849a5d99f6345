"""Configuration: a TOML file plus CLI flags, validated by pydantic.

Every mistake becomes one line naming the key and what is wrong (``ConfigError``), so an
agency running fifty clients a night sees which file and which key to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import ConfigError

_RESOLVE = re.compile(r"^(?P<host>[^:\s]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5}):(?P<addr>.+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resolve(_Strict):
    """``HOST:PORT:ADDRESS`` as in curl; ADDRESS may carry its own port (``127.0.0.1:8080``)."""

    host: str
    port: int
    address: str
    address_port: int | None = None

    @classmethod
    def parse(cls, spec: str) -> Resolve:
        match = _RESOLVE.match(spec.strip())
        if not match:
            raise ConfigError(f"--resolve {spec!r}: expected HOST:PORT:ADDRESS, e.g. www.example.nl:443:127.0.0.1")
        addr = match.group("addr")
        addr_port: int | None = None
        if addr.startswith("["):
            inner, _, rest = addr[1:].partition("]")
            addr, addr_port = inner, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
        elif addr.count(":") == 1:
            addr, port_text = addr.split(":")
            if not port_text.isdigit():
                raise ConfigError(f"--resolve {spec!r}: address port must be a number")
            addr_port = int(port_text)
        port = int(match.group("port"))
        if not 0 < port < 65536 or (addr_port is not None and not 0 < addr_port < 65536):
            raise ConfigError(f"--resolve {spec!r}: port out of range")
        return cls(host=match.group("host").strip("[]").lower(), port=port, address=addr, address_port=addr_port)


class BasicAuth(_Strict):
    username: str
    password: str


class CrawlConfig(_Strict):
    """How the crawler fetches. Defaults are polite for a real site."""

    max_pages: int = Field(10_000, ge=1)
    max_depth: int = Field(50, ge=0)
    concurrency: int = Field(16, ge=1, le=512)
    per_host: int = Field(4, ge=1, le=256)
    rate_limit: float = Field(8.0, ge=0, description="requests per second per host; 0 = unlimited")
    timeout: float = Field(30.0, gt=0)
    connect_timeout: float = Field(10.0, gt=0)
    retries: int = Field(2, ge=0, le=10)
    max_retry_after: float = Field(120.0, ge=0)
    max_body_bytes: int = Field(5_000_000, ge=1024)
    max_redirects: int = Field(10, ge=1, le=50)
    max_url_variants: int = Field(1000, ge=1, description="URLs differing only in one parameter's value "
                                                          "crawled before it counts as a trap")
    user_agent: str = "touchpoint-auditor/0.1 (+https://github.com/touchpoint-auditor/touchpoint-auditor)"
    headers: dict[str, str] = Field(default_factory=dict)
    auth: BasicAuth | None = None
    respect_robots: bool = True
    use_sitemaps: bool = True
    seeds: list[str] = Field(default_factory=list, description="more start URLs on the site (--seed, repeatable)")
    list_mode: bool = Field(False, description="audit only the start URL and seeds, following no links (--urls FILE)")
    render_links: Literal["auto", "always", "never"] = Field(
        "auto", description="follow links found in the rendered DOM (menus built by scripts): auto = when a "
                            "rendered page has clearly more same-site links than its HTML (docs/configuration.md)")
    scope: Literal["host", "domain"] = "host"
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    strip_tracking_params: bool = True
    time_budget: float = Field(0, ge=0, description="seconds; 0 = no limit")
    check_external: bool = True
    parse_workers: int = Field(-1, ge=-1, le=16, description="parse worker processes; -1 = one per core (at most 4)")
    parse_pool_after: int | None = Field(
        None, ge=0, description="pages parsed in-process before the workers take over; default: none when the "
                                "command line started the workers ahead (not with --previous), else 200")
    resolve: list[str] = Field(default_factory=list)
    ca_bundle: Path | None = None
    allow_private: list[str] = Field(
        default_factory=list, description="non-public hosts the audit may reach besides the site itself: host "
                                          "names, *.suffix patterns, addresses or networks (docs/security.md)")

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return patterns

    @field_validator("allow_private")
    @classmethod
    def _allowed(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            if not re.fullmatch(r"[\w.*:\[\]/-]+", entry.strip()) or "*" in entry.strip().lstrip("*"):
                raise ValueError(f"{entry!r} is not a host name, *.suffix, address or network")
        return entries

    @field_validator("resolve")
    @classmethod
    def _resolves(cls, specs: list[str]) -> list[str]:
        for spec in specs:
            Resolve.parse(spec)
        return specs

    @field_validator("ca_bundle")
    @classmethod
    def _ca_exists(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError(f"CA bundle {str(path)!r} does not exist")
        if path is not None:
            _require_pem_certificates(path)
        return path

    def resolves(self) -> list[Resolve]:
        return [Resolve.parse(s) for s in self.resolve]


def _require_pem_certificates(path: Path) -> None:
    """Load the CA bundle as the crawler will (``ssl``): a garbage or empty file is named now,
    before anything is written, not as "[X509] PEM lib" half-way through an audit."""
    import ssl

    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as exc:
        raise ValueError(f"CA bundle {str(path)!r} holds no PEM certificate ({exc.reason or exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"CA bundle {str(path)!r} cannot be read ({exc})") from None


class ChecksConfig(_Strict):
    """Which checks run (codes or families) and per-check settings (``[checks.TP201]``)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    enabled: list[str] = Field(default_factory=lambda: ["all"])
    disabled: list[str] = Field(default_factory=list)
    page_time_limit: float = Field(10.0, ge=0, description="seconds a page check may take per page; 0 = none")
    site_time_limit: float = Field(600.0, ge=0, description="seconds a site check may take; 0 = none")

    def settings_for(self, code: str) -> dict[str, Any]:
        extra = self.model_extra or {}
        value = extra.get(code, {})
        if not isinstance(value, dict):
            raise ConfigError(f"config: [checks.{code}] must be a table")
        return dict(value)


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".webp": "image/webp", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 1_000_000


class BrandConfig(_Strict):
    """White-label settings (``[report.brand]``): the agency's name, logo, colours and contact
    line on the report; ``tool_branding = false`` removes every mention of this tool."""

    agency: str = Field("", max_length=200)
    logo: Path | None = None
    primary_color: str = "#1d4e89"
    accent_color: str = "#e8a33d"
    contact: str = Field("", max_length=300, description="e.g. 'Jan Jansen · 030 123 45 67 · jan@bureau.nl'")
    client: str = Field("", max_length=200, description="the prospect's name on the cover (default: the site)")
    tool_branding: bool = True

    @field_validator("primary_color", "accent_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _COLOUR.match(value.strip()):
            raise ValueError(f"colour {value!r} must be a hex colour such as #1d4e89")
        return value.strip().lower()

    @field_validator("logo")
    @classmethod
    def _logo(cls, path: Path | None) -> Path | None:
        if path is None:
            return None
        if path.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"logo {str(path)!r} must be one of {', '.join(sorted(LOGO_TYPES))}")
        if not path.is_file():
            raise ValueError(f"logo {str(path)!r} does not exist")
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise ValueError(f"logo {str(path)!r} is larger than {MAX_LOGO_BYTES // 1000} KB")
        return path


class ReportConfig(_Strict):
    formats: list[str] = Field(default_factory=lambda: ["html", "json"])
    fail_on: Literal["info", "warning", "error", "critical", "never"] = "never"
    max_locations: int = Field(1000, ge=1, description="locations listed per finding")
    language: Literal["nl", "en"] | None = Field(None, description="report language; default: the site's")
    brand: BrandConfig = Field(default_factory=BrandConfig)
    top_findings: int = Field(5, ge=1, le=20, description="findings in the executive summary")
    page_size: int = Field(25, ge=5, le=500, description="findings shown per rule code before 'show more'")
    # A template defect (auditor.sitewide): one problem seen on at least this many pages and
    # this share of the pages crawled is shown once, as a problem of the site's template.
    template_defect_min_pages: int = Field(5, ge=2, le=100_000,
                                           description="template defect: seen on at least this many pages")
    template_defect_min_share: float = Field(0.3, gt=0, le=1,
                                             description="template defect: and on at least this share of the pages")


class Config(_Strict):
    """The whole configuration of one audit."""

    target: str | None = None
    as_of: dt.date | None = None
    ads: Path | None = None
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    checks: ChecksConfig = Field(default_factory=ChecksConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    collectors: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="[collectors.NAME] settings, validated by each collector"
    )


def first_error(exc: ValidationError) -> str:
    """One line naming the first invalid key and what is wrong with it (and how many more)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "config"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {msg}{more}"


class PluginSettings(BaseModel):
    """Base of a plugin's settings table (``[collectors.NAME]``): a pydantic model like the
    rest of the config, strict (``"30"`` is not a number, ``"yes"`` is not true), closed
    (an unknown key is an error naming the known ones) and frozen. Validate with
    ``validate_table``, which turns the first mistake into one line."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Settings = TypeVar("Settings", bound=BaseModel)

# Type errors of a strict model, said the way a TOML author thinks of them.
_EXPECTED = {"int_type": "expected a whole number", "float_type": "expected a number",
             "bool_type": "expected true or false", "string_type": "expected a string",
             "list_type": "expected a list", "tuple_type": "expected a list", "dict_type": "expected a table",
             "model_type": "expected a table", "dataclass_type": "expected a table"}


def validate_table(where: str, model: type[Settings], raw: Mapping[str, Any]) -> Settings:
    """``raw`` (one TOML table) validated by ``model``; the first mistake as one ``ConfigError``:
    ``config: [collectors.render] concurrency: 0 is not between 1 and 32``,
    ``config: [collectors.ads] internal_ads must be true or false``,
    ``config: [collectors.render]: unknown setting 'per_templates'; known: [...]``."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: must be a table")
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{where}: unknown setting {key!r}; known: {sorted(model.model_fields)}") from None
        msg = _EXPECTED.get(err["type"]) or err["msg"].removeprefix("Value error, ")
        if not key:
            raise ConfigError(f"{where}: {msg}") from None
        # "key must be …" reads as a sentence; anything else is "key: what is wrong".
        raise ConfigError(f"{where} {key}{' ' if msg.startswith('must ') else ': '}{msg}") from None


def between(low: float, high: float, unit: str = "") -> AfterValidator:
    """A bound check with the house message: ``concurrency: 0 is not between 1 and 32``."""
    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise ValueError(f"{value} is not between {low} and {high}{f' {unit}' if unit else ''}")
        return value
    return AfterValidator(check)


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError("must be a positive whole number")
    return value


positive = AfterValidator(_positive)


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> None:
    """CLI ``overrides`` (nested dict; None: flag not given) over config ``data``, in place:
    a section's keys replace those in ``data``, the rest of the section stays."""
    for section, values in overrides.items():
        if isinstance(values, dict):
            merged = dict(data.get(section) or {})
            merged.update({k: v for k, v in values.items() if v is not None})
            data[section] = merged
        elif values is not None:
            data[section] = values


def stored_config(data: dict[str, Any], run_dir: Path) -> Config:
    """Validate the configuration stored in a run folder (``--resume``, ``recheck``): what
    changed since (a CA bundle gone or overwritten) is one line, not a traceback."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"the configuration stored in {run_dir}: {first_error(exc)}") from None


def load_config(path: Path | None, overrides: dict[str, Any] | None = None) -> Config:
    """Read ``path`` (TOML) if given, apply CLI ``overrides`` (nested dict), validate."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {str(path)!r} not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}") from None
    apply_overrides(data, overrides or {})
    if path is not None and isinstance(data.get("ads"), str) and not Path(data["ads"]).is_absolute():
        data["ads"] = str(Path(path).parent / data["ads"])  # relative to the config file, like its other paths
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        where = f"config {str(path)!r}" if path else "config"
        raise ConfigError(f"{where}: {first_error(exc)}") from None
