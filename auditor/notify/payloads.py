"""What an alert says, built once, then rendered per channel: a generic JSON document, a
Slack message (``text`` + Block Kit ``blocks``), a Teams message with an Adaptive Card, and
the plain-text and HTML bodies of an e-mail.

The alert findings are sorted worst first and capped (``MAX_ALERTS``, "and N more"), so a
site that broke overnight sends one readable message, not 4,000 lines. Every text from a
crawled page is untrusted: clipped, and escaped for the markup of the channel it goes to
(Slack's ``&<>``, Markdown in Adaptive Cards, HTML in e-mail). Pages are shown as text,
never as links; only the configured report URL is a link.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.model import SEVERITIES, AuditRun, Finding, severity_rank
from auditor.report.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalogue, choose_language, load_catalogue
from auditor.report.messages import finding_message
from auditor.report.safety import clip

__all__ = ["MAX_ALERTS", "Alert", "Message", "alert_findings", "build_message", "email_html", "email_text",
           "generic_json", "slack", "subject", "teams"]

SCHEMA = "touchpoint-auditor/notification/v1"
MAX_ALERTS = 20
MAX_TEXT = 300
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!<>|~-])")


@dataclass(frozen=True)
class Alert:
    """One finding as an alert shows it (texts already clipped)."""

    code: str
    name: str
    severity: str
    url: str
    target: str | None
    message: str
    occurrences: int
    change: str | None
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "severity": self.severity, "url": self.url,
                "target": self.target, "message": self.message, "occurrences": self.occurrences,
                "change": self.change, "fingerprint": self.fingerprint}


@dataclass(frozen=True)
class Message:
    """Everything every channel says about one run's alerts, in the client's language.

    ``new`` + ``confirmed`` = ``total_alerts`` (the alerts at or above ``min_severity``):
    *new* ones appear for the first time tonight, *confirmed* ones persisted until the
    damping threshold (``nights``) or until their suppression lapsed; ``below`` counts the
    run's alerts under ``min_severity``, which are not listed but said."""

    client: str
    target: str
    site: str
    run_id: str
    started_at: str
    finished_at: str
    min_severity: str
    counts: dict[str, int]  # alert findings by severity, worst first, only those present
    total_alerts: int
    total_findings: int
    alerts: tuple[Alert, ...]  # the first MAX_ALERTS, worst first
    report_url: str | None
    name: str = ""  # the client as the report names it (default: ``client``)
    language: str = DEFAULT_LANGUAGE
    new: int = 0
    confirmed: int = 0
    nights: int = 1
    below: int = 0

    @property
    def catalogue(self) -> Catalogue:
        return load_catalogue(self.language)

    @property
    def more(self) -> int:
        return self.total_alerts - len(self.alerts)

    @property
    def worst(self) -> str:
        return next(iter(self.counts), "")

    @property
    def title(self) -> str:
        """``Bakkerij Jansen: 1 new, 33 confirmed after 2 nights``."""
        summary = alert_summary(self.catalogue, self.new, self.confirmed, self.nights)
        return self.catalogue.t("notify.alert_title", name=self.name or self.client, alerts=summary)

    def severity(self, name: str) -> str:
        return str(self.catalogue.get(f"severity.{name}", name))

    def counts_text(self) -> str:
        return ", ".join(f"{n} {self.severity(sev)}" for sev, n in self.counts.items())

    def lines(self) -> list[str]:
        """The counts as sentences: alerts by severity, those below the threshold, all findings."""
        cat = self.catalogue
        out = [cat.t("notify.alerts_line", severity=self.severity(self.min_severity), counts=self.counts_text())]
        if self.below:
            out.append(cat.t("notify.below_line", severity=self.severity(self.min_severity), below=self.below))
        out.append(cat.t("notify.all_findings", total=self.total_findings))
        return out


def alert_summary(cat: Catalogue, new: int, confirmed: int, nights: int) -> str:
    """``1 new, 33 confirmed after 2 nights`` (or only the part that is not zero), with plurals."""
    if confirmed and new:
        return cat.t("notify.alerts_mixed", new=new, confirmed=confirmed, nights=nights)
    if confirmed:
        return cat.t("notify.alerts_confirmed", confirmed=confirmed, nights=nights)
    return cat.t("notify.alerts_new", new=new)


def is_confirmed(finding: Finding) -> bool:
    """An alert about a finding seen before (it reached the damping threshold, or its
    suppression lapsed), as opposed to one new tonight."""
    return finding.change == "persisting"


def below_threshold(run: AuditRun, min_severity: str) -> int:
    """The run's alerts under ``min_severity``: not sent, but counted and said."""
    floor = severity_rank(min_severity)
    wanted = set(run.history.alerts) if run.history is not None else None
    return sum(1 for f in run.findings if not f.suppressed and severity_rank(f.severity) < floor
               and (wanted is None or f.fingerprint in wanted))


def alert_findings(run: AuditRun, min_severity: str) -> list[Finding]:
    """The findings to alert on, worst first: those the history marks as alerts (damped,
    unsuppressed) or, without history, every unsuppressed finding; at or above ``min_severity``."""
    floor = severity_rank(min_severity)
    wanted = set(run.history.alerts) if run.history is not None else None
    chosen = [f for f in run.findings
              if not f.suppressed and severity_rank(f.severity) >= floor
              and (wanted is None or f.fingerprint in wanted)]
    return sorted(chosen, key=lambda f: (-severity_rank(f.severity), f.code, f.url, f.fingerprint))


def _run_id(run: AuditRun) -> str:
    if run.history is not None:
        return str(run.history.run_id)
    return re.sub(r"[^0-9T]", "", run.started_at[:19]).replace("T", "-")  # 20261122-100000


def _date(run: AuditRun) -> str:
    try:
        return dt.datetime.fromisoformat(run.started_at).date().isoformat()
    except (TypeError, ValueError):
        return run.started_at[:10]


def run_language(run: AuditRun) -> str:
    """The report's language for ``run``: configured, else the pages' majority, else English."""
    configured = (run.config.get("report") or {}).get("language") if isinstance(run.config, Mapping) else None
    langs = ((getattr(tp, "details", None) or {}).get("language") for tp in run.touchpoints
             if tp.kind in ("web_page", "news_item"))
    return choose_language(configured, langs)


def build_message(run: AuditRun, findings: list[Finding], *, client: str, min_severity: str,
                  report_url: str | None, name: str | None = None, language: str | None = None) -> Message:
    """The message about ``findings`` (from ``alert_findings``) of ``run``, in ``language``
    (default: the report's) under ``name`` (default: ``client``)."""
    lang = language if language in LANGUAGES else run_language(run)
    cat = load_catalogue(lang)
    site = urlsplit(run.target).hostname or run.target
    run_id = _run_id(run)
    url = None
    if report_url:
        url = report_url.format(client=quote(client, safe=""), run_id=quote(run_id, safe=""),
                                date=_date(run), site=quote(site, safe=""))
    counter = Counter(f.severity for f in findings)
    counts = {sev: counter[sev] for sev in reversed(SEVERITIES) if counter[sev]}
    alerts = tuple(Alert(code=f.code, name=f.name, severity=f.severity, url=clip(f.url, 500),
                         target=clip(f.target, 500) if f.target else None,
                         message=clip(finding_message(cat, f)[0], MAX_TEXT),
                         occurrences=f.occurrences, change=f.change, fingerprint=f.fingerprint)
                   for f in findings[:MAX_ALERTS])
    confirmed = sum(1 for f in findings if is_confirmed(f))
    return Message(client=clip(client, 200), target=run.target, site=site, run_id=run_id,
                   started_at=run.started_at, finished_at=run.finished_at, min_severity=min_severity,
                   counts=counts, total_alerts=len(findings), total_findings=len(run.findings), alerts=alerts,
                   report_url=url, name=clip(name or client, 200), language=lang, new=len(findings) - confirmed,
                   confirmed=confirmed, nights=run.history.damping if run.history is not None else 1,
                   below=below_threshold(run, min_severity))


def subject(template: str, message: Message) -> str:
    """The e-mail subject from its (validated) template, on one line."""
    text = template.format(client=message.client, name=message.name or message.client, title=message.title,
                           alerts=message.total_alerts, new=message.new, confirmed=message.confirmed,
                           total=message.total_findings,
                           worst=message.worst, target=message.target, site=message.site,
                           date=message.started_at[:10], run_id=message.run_id)
    return clip(re.sub(r"[\r\n\t]+", " ", text), 250)


def _where(alert: Alert) -> str:
    target = f" → {alert.target}" if alert.target else ""
    pages = f" (and {alert.occurrences - 1} more pages)" if alert.occurrences > 1 else ""
    return f"{alert.url}{target}{pages}"


def generic_json(message: Message) -> dict[str, Any]:
    """The generic webhook payload (schema ``touchpoint-auditor/notification/v1``)."""
    return {"schema": SCHEMA, "client": message.client, "target": message.target, "site": message.site,
            "run_id": message.run_id, "started_at": message.started_at, "finished_at": message.finished_at,
            "min_severity": message.min_severity, "title": message.title, "counts": message.counts,
            "total_alerts": message.total_alerts, "total_findings": message.total_findings,
            "name": message.name or message.client, "language": message.language, "new_alerts": message.new,
            "confirmed_alerts": message.confirmed, "damping": message.nights,
            "below_min_severity": message.below,
            "alerts": [a.to_dict() for a in message.alerts], "more": message.more,
            "report_url": message.report_url}


def slack_escape(text: str) -> str:
    """Text for Slack ``mrkdwn``: its three control characters escaped, so page text cannot
    make links or ``<!channel>`` mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(message: Message) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (notifications, fallback) and ``blocks``."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(message.title, 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(
            f"*{message.site}*\n" + "\n".join(message.lines()))}},
    ]
    for alert in message.alerts:
        text = f"*{alert.severity.upper()}* `{alert.code}` {alert.message}\n{_where(alert)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(slack_escape(text), 3000)}})
    if message.more:
        more = message.catalogue.t("notify.more", more=message.more)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    if message.report_url:
        blocks.append({"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text",
                       "text": message.catalogue.t("notify.open_report")}, "url": message.report_url}]})
    return {"text": slack_escape(message.title), "blocks": blocks}


def markdown_escape(text: str) -> str:
    """Text for Markdown (Adaptive Card TextBlocks): every markup character escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def teams(message: Message) -> dict[str, Any]:
    """A Teams message (workflow "post to a channel when a webhook request is received", or a
    classic incoming webhook) with one Adaptive Card 1.4 attachment."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": markdown_escape(message.title), "weight": "Bolder", "size": "Medium",
         "wrap": True},
        {"type": "FactSet", "facts": [{"title": message.catalogue.t("notify.site"),
                                       "value": markdown_escape(message.site)},
                                      *({"title": message.severity(sev), "value": str(n)}
                                        for sev, n in message.counts.items())]},
        *({"type": "TextBlock", "text": markdown_escape(line), "wrap": True, "isSubtle": True}
          for line in message.lines()[1:]),
    ]
    for alert in message.alerts:
        body.append({"type": "TextBlock", "wrap": True, "separator": True,
                     "text": markdown_escape(f"{alert.severity.upper()} {alert.code}: {alert.message}")})
        body.append({"type": "TextBlock", "wrap": True, "isSubtle": True, "spacing": "None",
                     "text": markdown_escape(_where(alert))})
    if message.more:
        body.append({"type": "TextBlock", "text": message.catalogue.t("notify.more", more=message.more),
                     "isSubtle": True, "wrap": True})
    card: dict[str, Any] = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                            "type": "AdaptiveCard", "version": "1.4", "body": body}
    if message.report_url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": message.catalogue.t("notify.open_report"),
                            "url": message.report_url}]
    return {"type": "message", "summary": clip(message.title, 150),
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def email_text(message: Message, note: str = "") -> str:
    """The plain-text body of the e-mail."""
    cat = message.catalogue
    lines = [message.title, "", f"{cat.t('notify.site')}: {message.target}", *message.lines(), ""]
    for alert in message.alerts:
        lines += [f"[{message.severity(alert.severity)}] {alert.code} {alert.name}: {alert.message}",
                  f"    {_where(alert)}"]
    if message.more:
        lines.append(cat.t("notify.more", more=message.more))
    if message.report_url:
        lines += ["", f"{cat.t('notify.report')}: {message.report_url}"]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def email_html(message: Message, note: str = "") -> str:
    """The HTML alternative of the e-mail: everything escaped, one link (the report)."""
    e = html.escape
    cat = message.catalogue
    rows = "".join(
        f"<tr><td><b>{e(message.severity(a.severity))}</b></td><td>{e(a.code)}</td><td>{e(a.message)}<br>"
        f"<small>{e(_where(a))}</small></td></tr>" for a in message.alerts)
    more = f"<p>{e(cat.t('notify.more', more=message.more))}</p>" if message.more else ""
    link = (f'<p><a href="{e(message.report_url, quote=True)}">{e(cat.t("notify.open_report"))}</a></p>'
            if message.report_url else "")
    extra = f"<p>{e(note)}</p>" if note else ""
    counts = "<br>".join(e(line) for line in message.lines())
    return (f'<!doctype html><html lang="{message.language}"><body><h1>{e(message.title)}</h1>'
            f"<p>{e(cat.t('notify.site'))}: {e(message.target)}<br>{counts}</p>"
            f"<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>{e(cat.t('filters.severity'))}</th>"
            f"<th>Code</th><th>{e(cat.t('notify.finding'))}</th></tr>{rows}</table>{more}{link}{extra}</body></html>")
