"""The ``[notify]`` table of a client: where alerts go and from which severity.

Validated once when the portfolio is loaded, so a typo in a webhook style, an unknown
placeholder in a subject or a recipient without an ``@`` stops the nightly run at start-up
with one line naming the key, not at 3 a.m. when the first alert is due. Secrets never sit
in the TOML: an SMTP password is read from the environment variable ``password_env`` names.
"""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["REPORT_URL_FIELDS", "SUBJECT_FIELDS", "EmailConfig", "NotifyConfig", "WebhookConfig"]

SUBJECT_FIELDS = ("client", "name", "title", "new", "confirmed", "alerts", "total", "worst", "target", "site", "date",
                  "run_id")
REPORT_URL_FIELDS = ("client", "run_id", "date", "site")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_template(template: str, allowed: tuple[str, ...]) -> str:
    """``template`` when each of its ``{placeholders}`` is a plain name from ``allowed``."""
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"template {template!r} is malformed: {exc}") from None
    for name in names:
        if name not in allowed:
            raise ValueError(f"unknown placeholder {{{name}}} in {template!r}; use {', '.join(allowed)}")
    return template


def _http_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} {url!r} is not an http(s) URL")
    return url


class WebhookConfig(_Strict):
    """One webhook: a JSON POST. ``style`` picks the payload (generic JSON, a Slack incoming
    webhook, a Microsoft Teams workflow/connector with an Adaptive Card)."""

    url: str
    style: Literal["json", "slack", "teams"] = "json"
    timeout: float = Field(10, gt=0, le=120)
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        return _http_url(url, "webhook url")

    @field_validator("headers")
    @classmethod
    def _headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _HEADER_NAME.match(name) or "\r" in value or "\n" in value:
                raise ValueError(f"header {name!r} is not a valid HTTP header")
        return headers


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EmailConfig(_Strict):
    """E-mail over SMTP. ``security``: ``starttls`` (port 587), ``ssl`` (port 465) or
    ``none`` (a relay on the local network, port 25)."""

    host: str
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str | None = None
    sender: str
    recipients: list[str] = Field(min_length=1)
    attach_report: bool = True
    subject: str = "{title}"  # "Bakkerij Jansen: 1 new, 33 confirmed after 2 nights"
    timeout: float = Field(30, gt=0, le=300)

    @field_validator("sender")
    @classmethod
    def _sender(cls, address: str) -> str:
        if not _ADDRESS.match(address):
            raise ValueError(f"sender {address!r} is not an e-mail address")
        return address

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, addresses: list[str]) -> list[str]:
        for address in addresses:
            if not _ADDRESS.match(address):
                raise ValueError(f"recipient {address!r} is not an e-mail address")
        return addresses

    @field_validator("subject")
    @classmethod
    def _subject(cls, subject: str) -> str:
        return check_template(subject, SUBJECT_FIELDS)

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, name: str | None) -> str | None:
        if name is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise ValueError(f"password_env {name!r} must be the name of an environment variable, not a password")
        return name

    @model_validator(mode="after")
    def _login(self) -> EmailConfig:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("username and password_env go together (the password comes from that variable)")
        if self.username is not None and self.security == "none" and not _loopback(self.host):
            raise ValueError("a login needs security 'starttls' or 'ssl': the password would cross the network "
                             "in clear text")
        return self


class NotifyConfig(_Strict):
    """Who hears about a run's new findings (``[notify]`` of a client in the portfolio)."""

    min_severity: Literal["info", "warning", "error", "critical"] = "error"
    webhooks: list[WebhookConfig] = Field(default_factory=list)
    email: EmailConfig | None = None
    report_url: str | None = None

    @field_validator("report_url")
    @classmethod
    def _report_url(cls, template: str | None) -> str | None:
        if template is None:
            return None
        check_template(template, REPORT_URL_FIELDS)
        return _http_url(template, "report_url")
