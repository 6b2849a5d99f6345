"""The ``[notify]`` table: mistakes are refused at load time with a message naming them;
the public API is exactly what the nightly run imports."""

from __future__ import annotations

import tomllib

import pytest
from pydantic import ValidationError

import auditor.notify
from auditor.notify import EmailConfig, NotifyConfig, WebhookConfig

EXAMPLE = """
min_severity = "warning"
report_url = "https://reports.bureau.nl/{client}/{run_id}/report.html"

[[webhooks]]
url = "https://hooks.slack.com/services/T000/B000/XXXX"
style = "slack"

[[webhooks]]
url = "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x"
style = "teams"
timeout = 5

[email]
host = "smtp.bureau.nl"
port = 587
security = "starttls"
username = "audits@bureau.nl"
password_env = "SMTP_PASSWORD"
sender = "audits@bureau.nl"
recipients = ["jan@bakkerij-jansen.nl"]
subject = "{client}: {new} new findings ({worst}) on {site}"
"""


def test_public_api_is_pinned():
    assert sorted(auditor.notify.__all__) == ["EmailConfig", "NotifyConfig", "WebhookConfig", "send_notifications"]


def test_documented_example_loads():
    config = NotifyConfig.model_validate(tomllib.loads(EXAMPLE))
    assert config.min_severity == "warning"
    assert [(w.style, w.timeout) for w in config.webhooks] == [("slack", 10), ("teams", 5)]
    assert config.email is not None and config.email.attach_report is True
    with pytest.raises(ValidationError):
        config.min_severity = "info"  # frozen


def test_defaults():
    config = NotifyConfig()
    assert (config.min_severity, config.webhooks, config.email, config.report_url) == ("error", [], None, None)
    hook = WebhookConfig(url="https://x.nl/h")
    assert (hook.style, hook.timeout, hook.headers) == ("json", 10, {})
    mail = EmailConfig(host="relay", sender="a@b.nl", recipients=["c@d.nl"])
    assert (mail.port, mail.security, mail.subject) == (25, "none", "{title}")


def _error(model, data) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return str(info.value)


MAIL = {"host": "smtp.x.nl", "sender": "a@b.nl", "recipients": ["c@d.nl"]}


@pytest.mark.parametrize(("model", "data", "words"), [
    (NotifyConfig, {"min_severity": "fatal"}, "min_severity"),
    (NotifyConfig, {"webhook": []}, "Extra inputs are not permitted"),
    (NotifyConfig, {"report_url": "https://r.nl/{customer}"}, "unknown placeholder {customer} in"),
    (NotifyConfig, {"report_url": "ftp://r.nl/{client}"}, "is not an http(s) URL"),
    (NotifyConfig, {"report_url": "https://r.nl/{client"}, "is malformed"),
    (WebhookConfig, {"url": "hooks.slack.com/x"}, "is not an http(s) URL"),
    (WebhookConfig, {"url": "https://x.nl/", "style": "discord"}, "'json', 'slack' or 'teams'"),
    (WebhookConfig, {"url": "https://x.nl/", "timeout": 0}, "greater than 0"),
    (WebhookConfig, {"url": "https://x.nl/", "headers": {"X-A": "a\r\nX-B: b"}}, "not a valid HTTP header"),
    (EmailConfig, {**MAIL, "recipients": []}, "at least 1 item"),
    (EmailConfig, {**MAIL, "recipients": ["jan"]}, "recipient 'jan' is not an e-mail address"),
    (EmailConfig, {**MAIL, "recipients": ["a@b.nl\r\nBcc: x@y.nl"]}, "is not an e-mail address"),
    (EmailConfig, {**MAIL, "sender": "nobody"}, "sender 'nobody'"),
    (EmailConfig, {**MAIL, "subject": "{client.__class__}"}, "unknown placeholder {client.__class__}"),
    (EmailConfig, {**MAIL, "username": "u"}, "username and password_env go together"),
    (EmailConfig, {**MAIL, "username": "u", "password_env": "P"}, "a login needs security 'starttls' or 'ssl'"),
    (EmailConfig, {**MAIL, "password_env": "hunter 2!", "username": "u", "security": "ssl"},
     "must be the name of an environment variable"),
    (EmailConfig, {**MAIL, "security": "tls"}, "'none', 'starttls' or 'ssl'"),
])
def test_mistakes_are_named(model, data, words):
    assert words in _error(model, data)


def test_login_in_clear_only_on_loopback():
    mail = EmailConfig(host="127.0.0.1", sender="a@b.nl", recipients=["c@d.nl"], username="u", password_env="P")
    assert mail.security == "none"
