"""Notices about the site itself rather than its findings: "the site is unreachable" and
"the site is back up".

A whole site down is news on the first night, so these are never damped and never held
back by ``min_severity``: every configured channel hears about it. The texts come from the
report's message catalogue (``report_templates/messages/<lang>.json``, section ``notify``;
the reason from its ``errors`` section), in the client's report language and under the
client's name as the report shows it, never the raw exception text of the fetcher.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.notify.config import EmailConfig, NotifyConfig
from auditor.notify.payloads import SCHEMA, markdown_escape, slack_escape
from auditor.report.i18n import DEFAULT_LANGUAGE, LANGUAGES, load_catalogue
from auditor.report.safety import clip

__all__ = ["Notice", "back_up_notice", "reason_text", "send_notice", "unreachable_notice"]


@dataclass(frozen=True)
class Notice:
    """One notice, already in the client's language."""

    event: str  # unreachable | back_up
    client: str  # the portfolio key (machines read it; people read ``name``)
    name: str  # the client's name as the report shows it
    target: str
    site: str
    date: str
    reason: str  # the error kind (unreachable) or ""
    nights: int  # nights down in a row (unreachable: including tonight)
    title: str
    text: str
    language: str
    report_url: str | None = None


def _language(configured: str | None) -> str:
    return configured if configured in LANGUAGES else DEFAULT_LANGUAGE


def reason_text(kind: str, language: str) -> str:
    """The reason a site was unreachable, in words: ``dns``, ``refused``, ``tls``, … from the
    report catalogue's ``errors``; ``http-503``, ``robots``, ``no-pages`` from ``notify``."""
    catalogue = load_catalogue(_language(language))
    if kind.startswith("http-") and kind[5:].isdigit():
        return catalogue.t("notify.reason_http", status=kind[5:])
    if kind in ("robots", "no-pages"):
        return catalogue.t(f"notify.reason_{kind.replace('-', '_')}")
    known = catalogue.get(f"errors.{kind.removesuffix('-failed')}")
    return known if isinstance(known, str) else catalogue.t("notify.reason_unknown")


def _site(target: str) -> str:
    return urlsplit(target).hostname or target


def unreachable_notice(*, client: str, name: str, target: str, date: str, reason: str, nights: int,
                       language: str | None) -> Notice:
    lang = _language(language)
    catalogue = load_catalogue(lang)
    site = _site(target)
    text = catalogue.t("notify.unreachable_text", site=site, date=date, reason=reason_text(reason, lang))
    if nights > 1:
        text += " " + catalogue.t("notify.down_nights", nights=nights)
    return Notice("unreachable", client, clip(name, 200), target, site, date, reason, nights,
                  clip(catalogue.t("notify.unreachable_title", name=name), 250), text, lang)


def back_up_notice(*, client: str, name: str, target: str, date: str, nights: int, language: str | None,
                   report_url: str | None = None) -> Notice:
    lang = _language(language)
    catalogue = load_catalogue(lang)
    site = _site(target)
    return Notice("back_up", client, clip(name, 200), target, site, date, "", nights,
                  clip(catalogue.t("notify.back_up_title", name=name), 250),
                  catalogue.t("notify.back_up_text", site=site, nights=nights, date=date), lang, report_url)


def generic_json(notice: Notice) -> dict[str, Any]:
    """The generic webhook payload: the alert schema's identifying fields plus ``event``."""
    return {"schema": SCHEMA, "event": notice.event, "client": notice.client, "name": notice.name,
            "target": notice.target, "site": notice.site, "date": notice.date, "reason": notice.reason or None,
            "nights_down": notice.nights, "title": notice.title, "text": notice.text, "language": notice.language,
            "report_url": notice.report_url, "alerts": [], "total_alerts": 0}


def slack(notice: Notice) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(notice.title, 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(notice.text)}}]
    if notice.report_url:
        label = load_catalogue(notice.language).t("notify.open_report")
        blocks.append({"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text",
                       "text": label}, "url": notice.report_url}]})
    return {"text": slack_escape(notice.title), "blocks": blocks}


def teams(notice: Notice) -> dict[str, Any]:
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
        "body": [{"type": "TextBlock", "text": markdown_escape(notice.title), "weight": "Bolder", "size": "Medium",
                  "wrap": True},
                 {"type": "TextBlock", "text": markdown_escape(notice.text), "wrap": True}]}
    if notice.report_url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": load_catalogue(notice.language).t("notify.open_report"),
                            "url": notice.report_url}]
    return {"type": "message", "summary": clip(notice.title, 150),
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def build_email(config: EmailConfig, notice: Notice) -> EmailMessage:
    """The e-mail: the notice's title as subject (the configured subject template speaks of
    findings, which a notice has none of), plain text with an HTML alternative."""
    site_label = load_catalogue(notice.language).t("notify.site")
    mail = EmailMessage()
    mail["Subject"] = notice.title
    mail["From"] = config.sender
    mail["To"] = ", ".join(config.recipients)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=config.sender.rsplit("@", 1)[1])
    lines = [notice.title, "", notice.text, "", f"{site_label}: {notice.target}"]
    if notice.report_url:
        lines.append(notice.report_url)
    mail.set_content("\n".join(lines) + "\n")
    e = html.escape
    link = f'<p><a href="{e(notice.report_url, quote=True)}">{e(notice.report_url)}</a></p>' \
        if notice.report_url else ""
    mail.add_alternative(f'<!doctype html><html lang="{notice.language}"><body><h1>{e(notice.title)}</h1>'
                         f"<p>{e(notice.text)}</p><p>{e(site_label)}: {e(notice.target)}</p>{link}</body></html>",
                         subtype="html")
    return mail


_STYLES = {"json": generic_json, "slack": slack, "teams": teams}


def send_notice(notice: Notice, config: NotifyConfig, *, ca_bundle: Path | None = None) -> list[str]:
    """Tell every channel of ``config``; one line per delivery attempt, never raises for a failure."""
    from auditor.notify import deliver
    from auditor.notify.email import send_prepared

    return deliver(config, lambda style: _STYLES[style](notice),
                   lambda email: send_prepared(email, lambda: build_email(email, notice), ca_bundle=ca_bundle),
                   ca_bundle=ca_bundle)
