"""One e-mail over SMTP: plain text with an HTML alternative, the report attached.

Security ``starttls`` upgrades the connection before anything else is said (and fails if
the server does not offer it: no silent fall-back to clear text), ``ssl`` speaks TLS from
the first byte (port 465), ``none`` is for a relay on the local network. The certificate
is checked against the system's CAs plus ``ca_bundle``. The password comes from the
environment variable the configuration names.

A transient failure (connection refused or dropped, time-out, a 4xx answer such as
greylisting's 451) is retried once; a 5xx answer or a failed login is final.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from auditor.notify.config import EmailConfig
from auditor.notify.payloads import Message, email_html, email_text, subject
from auditor.notify.webhook import Delivery, tls_context

__all__ = ["MAX_ATTACHMENT_BYTES", "build_email", "choose_attachment", "send_email", "send_prepared"]

MAX_ATTACHMENT_BYTES = 15_000_000  # most mail servers refuse 20-25 MB; base64 adds a third
RETRY_DELAY = 1.0


def choose_attachment(report_path: Path | None) -> Path | None:
    """The file to attach: the PDF next to ``report.html`` when there is one (it opens
    everywhere, also on a phone's mail app), else the given report; None without one."""
    if report_path is None:
        return None
    pdf = report_path.with_suffix(".pdf")
    if report_path.suffix.lower() == ".html" and pdf.is_file():
        return pdf
    return report_path if report_path.is_file() else None


def build_email(config: EmailConfig, message: Message, report_path: Path | None) -> EmailMessage:
    """The e-mail about ``message``; attaches the report when configured and small enough."""
    attachment = choose_attachment(report_path) if config.attach_report else None
    note = ""
    if attachment is not None and attachment.stat().st_size > MAX_ATTACHMENT_BYTES:
        size = attachment.stat().st_size / 1_000_000
        note = f"The report ({attachment.name}, {size:.0f} MB) is too large to attach."
        attachment = None
    mail = EmailMessage()
    mail["Subject"] = subject(config.subject, message)
    mail["From"] = config.sender
    mail["To"] = ", ".join(config.recipients)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=config.sender.rsplit("@", 1)[1])
    mail.set_content(email_text(message, note))
    mail.add_alternative(email_html(message, note), subtype="html")
    if attachment is not None:
        mime = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        maintype, subtype = mime.split("/", 1)
        # Our reports are UTF-8; without the charset a mail client may decode them as ASCII.
        params = {"charset": "utf-8"} if maintype == "text" else {}
        mail.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.name,
                            params=params)
    return mail


def _send_once(config: EmailConfig, mail: EmailMessage, password: str | None, context: ssl.SSLContext) -> None:
    if config.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with smtp:
        smtp.ehlo()
        if config.security == "starttls":
            smtp.starttls(context=context)  # raises SMTPNotSupportedError when not offered
            smtp.ehlo()
        if config.username is not None:
            smtp.login(config.username, password or "")
        smtp.send_message(mail)


def _transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError)


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code}: {' '.join(text.split())[:200]}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + ", ".join(f"{r} ({c})" for r, (c, _) in exc.recipients.items())
    return " ".join(f"{exc.__class__.__name__}: {exc}".split())[:200]


def send_email(config: EmailConfig, message: Message, *, report_path: Path | None = None,
               ca_bundle: Path | None = None, retry_delay: float | None = None) -> Delivery:
    """Send the e-mail; never raises for a delivery failure."""
    return send_prepared(config, lambda: build_email(config, message, report_path), ca_bundle=ca_bundle,
                         retry_delay=retry_delay)


def send_prepared(config: EmailConfig, build: Callable[[], EmailMessage], *, ca_bundle: Path | None = None,
                  retry_delay: float | None = None) -> Delivery:
    """Send the e-mail ``build`` makes (alerts or a notice); never raises for a delivery failure."""
    password = None
    if config.password_env is not None:
        password = os.environ.get(config.password_env)
        if password is None:
            return Delivery(False, f"environment variable {config.password_env} is not set", 0)
    try:
        mail = build()
        context = tls_context(ca_bundle)
    except (OSError, ssl.SSLError, ValueError) as exc:
        return Delivery(False, _reason(exc), 0)
    first = ""
    for attempt in (1, 2):
        try:
            _send_once(config, mail, password, context)
            return Delivery(True, attempts=attempt, first_failure=first)
        except (smtplib.SMTPException, OSError) as exc:
            if attempt == 2 or not _transient(exc):
                return Delivery(False, _reason(exc), attempt, first)
            first = _reason(exc)
        time.sleep(RETRY_DELAY if retry_delay is None else retry_delay)
    raise AssertionError("unreachable: the second attempt returns")
