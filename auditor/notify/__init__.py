"""Notifications about a run's new findings: webhooks (generic JSON, Slack, Teams) and e-mail.

A nightly run of fifty clients calls ``send_notifications`` once per client after its
reports are written. It tells each configured channel about the run's alerts at or above
``min_severity`` (with history: the findings the history marks as alerts, so a finding
that persists is not announced every night), sends nothing when there are none, and never
raises for a failed delivery: it returns one line per attempt for the run's log.

    send_notifications ──> payloads.build_message ──> webhook.post_json   (one per webhook)
                                                  └─> email.send_email     (one for all recipients)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from auditor.model import AuditRun
from auditor.notify.config import EmailConfig, NotifyConfig, WebhookConfig
from auditor.notify.email import send_email
from auditor.notify.payloads import alert_findings, build_message, generic_json, slack, teams
from auditor.notify.webhook import Delivery, post_json, redact

__all__ = ["EmailConfig", "NotifyConfig", "WebhookConfig", "send_notifications"]

_STYLES = {"json": generic_json, "slack": slack, "teams": teams}


def send_notifications(run: AuditRun, config: NotifyConfig, *, client: str,
                       report_path: Path | None = None, ca_bundle: Path | None = None,
                       name: str | None = None, language: str | None = None) -> list[str]:
    """Send one message per channel about the run's alerts: the findings whose fingerprint is in
    run.history.alerts (without history: every unsuppressed finding) at or above min_severity.
    Nothing at or above it → nothing is sent, returns []. Returns one line per delivery attempt
    ("webhook https://…: sent", "email to a@b.nl: failed: <reason>"); never raises on a delivery
    failure (a nightly run of 50 clients goes on), retries a transient failure once. ``name``:
    the client as people know it (default ``client``); ``language``: default the report's."""
    findings = alert_findings(run, config.min_severity)
    if not findings or (not config.webhooks and config.email is None):
        return []
    message = build_message(run, findings, client=client, min_severity=config.min_severity,
                            report_url=config.report_url, name=name, language=language)
    return deliver(config, lambda style: _STYLES[style](message),
                   lambda email: send_email(email, message, report_path=report_path, ca_bundle=ca_bundle),
                   ca_bundle=ca_bundle)


def deliver(config: NotifyConfig, body: Callable[[str], Any], send_mail: Callable[[EmailConfig], Delivery], *,
            ca_bundle: Path | None = None) -> list[str]:
    """Send one message to every channel of ``config``: each webhook gets ``body(style)``, the
    e-mail goes out through ``send_mail``. One line per delivery attempt; a failure never raises.
    Shared by the alerts of a night and the unreachable / back-up notices."""
    lines: list[str] = []
    for hook in config.webhooks:
        lines += _deliver(f"webhook {redact(hook.url)} ({hook.style})",
                          partial(post_json, hook.url, body(hook.style), timeout=hook.timeout,
                                  headers=hook.headers, ca_bundle=ca_bundle))
    if config.email is not None:
        email = config.email
        lines += _deliver(f"email to {', '.join(email.recipients)}", lambda: send_mail(email))
    return lines


def _deliver(channel: str, send: Callable[[], Delivery]) -> list[str]:
    """One line per attempt of one delivery: ``CHANNEL: sent`` or ``CHANNEL: failed: reason``."""
    try:
        result = send()
    except Exception as exc:  # a bug or an unreadable CA file must not end the nightly run of every client
        return [f"{channel}: failed: {exc.__class__.__name__}: {exc}"]
    lines = [f"{channel}: failed: {result.first_failure} (retrying once)"] if result.first_failure else []
    return [*lines, f"{channel}: sent" if result.ok else f"{channel}: failed: {result.reason}"]
