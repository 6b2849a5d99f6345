"""``send_notifications`` against real receivers on 127.0.0.1: what is sent, to whom, exactly;
retries of transient failures; failures reported as lines, never raised."""

from __future__ import annotations

from dataclasses import replace

import pytest

import auditor.notify.email as notify_email
import auditor.notify.webhook as notify_webhook
from auditor.model import Finding, Location, RunHistory
from auditor.notify import EmailConfig, NotifyConfig, WebhookConfig, send_notifications
from tests.notify.conftest import free_port, smtp_server
from tests.report.fixtures import make_run


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    """Retries wait 1 s in production; the tests need the retry, not the wait."""
    monkeypatch.setattr(notify_webhook, "RETRY_DELAY", 0.0)
    monkeypatch.setattr(notify_email, "RETRY_DELAY", 0.0)


def _finding(code: str, severity: str, fp: str, message: str = "Broken link.", url: str = "https://ex.nl/") -> Finding:
    return Finding(code, "broken-internal-link", severity, url, message, target=f"https://ex.nl/{fp}",
                   fingerprint=fp, locations=(Location(url),))


def _run(*findings: Finding, history: RunHistory | None = None):
    return replace(make_run(findings), history=history)


RUN = _run(_finding("TP101", "error", "a"), _finding("TP101", "critical", "b", "Start page broken."),
           _finding("TP201", "warning", "c", "Old news."), _finding("TP107", "info", "d", "Unverifiable."))


def test_generic_json_webhook_exact(receiver):
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url("/hook?token=x"), headers={"X-Token": "t1"})],
                          report_url="https://reports.bureau.nl/{client}/{run_id}/report.html")
    lines = send_notifications(RUN, config, client="Bakkerij Jansen & Zn")
    assert lines == [f"webhook {receiver.base_url}/… (json): sent"]
    (post,) = receiver.posts
    assert post.path == "/hook?token=x"
    assert post.headers["X-Token"] == "t1" and post.headers["Content-Type"] == "application/json; charset=utf-8"
    assert post.body == {
        "schema": "touchpoint-auditor/notification/v1", "client": "Bakkerij Jansen & Zn",
        "target": "https://ex.nl/", "site": "ex.nl", "run_id": "20261122-100000",
        "started_at": "2026-11-22T10:00:00+00:00", "finished_at": "2026-11-22T10:01:00+00:00",
        "min_severity": "error", "title": "Bakkerij Jansen & Zn: 2 new findings",
        "counts": {"critical": 1, "error": 1}, "total_alerts": 2, "total_findings": 4,
        "name": "Bakkerij Jansen & Zn", "language": "en", "new_alerts": 2, "confirmed_alerts": 0, "damping": 1,
        "below_min_severity": 2,
        "alerts": [
            {"code": "TP101", "name": "broken-internal-link", "severity": "critical", "url": "https://ex.nl/",
             "target": "https://ex.nl/b", "message": "Start page broken.", "occurrences": 1, "change": None,
             "fingerprint": "b"},
            {"code": "TP101", "name": "broken-internal-link", "severity": "error", "url": "https://ex.nl/",
             "target": "https://ex.nl/a", "message": "Broken link.", "occurrences": 1, "change": None,
             "fingerprint": "a"},
        ],
        "more": 0,
        "report_url": "https://reports.bureau.nl/Bakkerij%20Jansen%20%26%20Zn/20261122-100000/report.html",
    }


def test_history_alerts_only_and_suppressed_never(receiver):
    history = RunHistory(site="ex.nl", run_id=42, previous_run=None, alerts=("a", "c", "s"))
    suppressed = _finding("TP101", "critical", "s").with_history("persisting", 9, {"reason": "accepted"})
    run = _run(_finding("TP101", "error", "a").with_history("new", 1),
               _finding("TP101", "critical", "b").with_history("persisting", 2),  # not an alert: damped
               _finding("TP201", "warning", "c", "Old news.").with_history("new", 1), suppressed, history=history)
    config = NotifyConfig(min_severity="warning", webhooks=[WebhookConfig(url=receiver.url())],
                          report_url="https://r.nl/{site}/{run_id}/{date}")
    assert send_notifications(run, config, client="ACME") == [f"webhook {receiver.base_url}/… (json): sent"]
    body = receiver.posts[0].body
    assert [a["fingerprint"] for a in body["alerts"]] == ["a", "c"]
    assert body["counts"] == {"error": 1, "warning": 1} and body["run_id"] == "42"
    assert body["report_url"] == "https://r.nl/ex.nl/42/2026-11-22"


def test_nothing_at_or_above_min_severity_sends_nothing(receiver):
    config = NotifyConfig(min_severity="critical", webhooks=[WebhookConfig(url=receiver.url())],
                          email=EmailConfig(host="127.0.0.1", port=free_port(), sender="a@b.nl", recipients=["c@d.nl"]))
    run = _run(_finding("TP101", "error", "a"), _finding("TP101", "critical", "x").with_history(
        "persisting", 2, {"reason": "accepted"}))
    assert send_notifications(run, config, client="ACME") == []
    assert receiver.posts == []


def test_slack_payload(receiver):
    hostile = _finding("TP101", "error", "h", "Link <!channel> & <https://evil|click>", url="https://ex.nl/<x>")
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url(), style="slack")],
                          report_url="https://reports.bureau.nl/{client}/report.html")
    assert send_notifications(_run(hostile), config, client="ACME") == [
        f"webhook {receiver.base_url}/… (slack): sent"]
    assert receiver.posts[0].body == {
        "text": "ACME: 1 new finding",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "ACME: 1 new finding"}},
            {"type": "section", "text": {"type": "mrkdwn", "text":
                "*ex.nl*\nAlerts at or above error: 1 error\nAll findings in this run: 1"}},
            {"type": "section", "text": {"type": "mrkdwn", "text":
                "*ERROR* `TP101` Link &lt;!channel&gt; &amp; &lt;https://evil|click&gt;\n"
                "https://ex.nl/&lt;x&gt; → https://ex.nl/h"}},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text",
                                                                          "text": "Open the report"},
                                              "url": "https://reports.bureau.nl/ACME/report.html"}]},
        ],
    }


def test_teams_payload_and_cap(receiver):
    findings = [_finding("TP101", "error", f"f{i:02d}", f"Broken [link](javascript:x) {i}") for i in range(23)]
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url(), style="teams")])
    assert send_notifications(_run(*findings), config, client="ACME") == [
        f"webhook {receiver.base_url}/… (teams): sent"]
    body = receiver.posts[0].body
    assert body["type"] == "message" and body["summary"] == "ACME: 23 new findings"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"], "actions" in card) == ("AdaptiveCard", "1.4", False)
    texts = [b.get("text") for b in card["body"]]
    assert texts[0] == "ACME: 23 new findings"
    assert card["body"][1]["facts"] == [{"title": "Site", "value": "ex.nl"}, {"title": "error", "value": "23"}]
    assert texts[2] == "All findings in this run: 23"
    assert texts[3] == r"ERROR TP101: Broken \[link\]\(javascript:x\) 0"
    assert texts[4] == r"https://ex.nl/ → https://ex.nl/f00"
    assert len(texts) == 3 + 2 * 20 + 1 and texts[-1] == "and 3 more"


def test_retry_after_500_then_sent(receiver):
    receiver.script = [500]
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url())])
    assert send_notifications(RUN, config, client="ACME") == [
        f"webhook {receiver.base_url}/… (json): failed: HTTP 500: nope 500 second line (retrying once)",
        f"webhook {receiver.base_url}/… (json): sent",
    ]
    assert len(receiver.posts) == 2 and receiver.posts[0].body == receiver.posts[1].body


def test_4xx_is_not_retried_and_next_channel_still_goes(receiver):
    receiver.script = [404]
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url("/gone")), WebhookConfig(url=receiver.url())])
    assert send_notifications(RUN, config, client="ACME") == [
        f"webhook {receiver.base_url}/… (json): failed: HTTP 404: nope 404 second line",
        f"webhook {receiver.base_url}/… (json): sent",
    ]
    assert [p.path for p in receiver.posts] == ["/gone", "/hook"]


def test_two_500s_fail_after_one_retry(receiver):
    receiver.script = [503, 502, 200]
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url())])
    assert send_notifications(RUN, config, client="ACME") == [
        f"webhook {receiver.base_url}/… (json): failed: HTTP 503: nope 503 second line (retrying once)",
        f"webhook {receiver.base_url}/… (json): failed: HTTP 502: nope 502 second line",
    ]
    assert len(receiver.posts) == 2 and receiver.script == [200]


def test_redirect_is_a_failure_not_followed(receiver):
    config = NotifyConfig(webhooks=[WebhookConfig(url=receiver.url("/moved"))])
    (line,) = send_notifications(RUN, config, client="ACME")
    assert line.startswith(f"webhook {receiver.base_url}/… (json): failed: HTTP 302")
    assert [p.path for p in receiver.posts] == ["/moved"]


def test_dead_port_is_reported_not_raised():
    port = free_port()
    config = NotifyConfig(webhooks=[WebhookConfig(url=f"http://127.0.0.1:{port}/hook", timeout=5)])
    assert send_notifications(RUN, config, client="ACME") == [
        f"webhook http://127.0.0.1:{port}/… (json): failed: [Errno 111] Connection refused (retrying once)",
        f"webhook http://127.0.0.1:{port}/… (json): failed: [Errno 111] Connection refused",
    ]


def test_email_plain_with_html_alternative_and_pdf_attached(tmp_path):
    (tmp_path / "report.html").write_text("<html>report</html>", "utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7 fake pdf for the attachment test")
    hostile = _finding("TP101", "critical", "h", "Broken <script>alert(1)</script>", url="https://ex.nl/?a=<b>")
    with smtp_server() as server:
        config = NotifyConfig(email=EmailConfig(host=server.host, port=server.port, sender="audit@bureau.nl",
                                                recipients=["jan@client.nl", "els@client.nl"],
                                                subject="[{client}] {new} new ({worst}) on {site}\nBcc: x@y.nl"),
                              report_url="https://reports.bureau.nl/{client}/report.html")
        lines = send_notifications(_run(hostile), config, client="ACME", report_path=tmp_path / "report.html")
        assert lines == ["email to jan@client.nl, els@client.nl: sent"]
        ((mail_from, rcpts, msg),) = server.handler.messages
    assert (mail_from, rcpts) == ("audit@bureau.nl", ["jan@client.nl", "els@client.nl"])
    assert msg["Subject"] == "[ACME] 1 new (critical) on ex.nl Bcc: x@y.nl"  # one line: no header injection
    assert msg["Bcc"] is None
    assert msg["To"] == "jan@client.nl, els@client.nl"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert text == ("ACME: 1 new finding\n\nSite: https://ex.nl/\nAlerts at or above error: 1 critical\n"
                    "All findings in this run: 1\n\n"
                    "[critical] TP101 broken-internal-link: Broken <script>alert(1)</script>\n"
                    "    https://ex.nl/?a=<b> → https://ex.nl/h\n\n"
                    "Report: https://reports.bureau.nl/ACME/report.html\n")
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "Broken &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://reports.bureau.nl/ACME/report.html"' in html and html.count("<a ") == 1
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "report.pdf" and attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake pdf for the attachment test"


def test_email_html_report_attached_or_too_large(tmp_path, monkeypatch):
    report = tmp_path / "report.html"
    report.write_text("<html>" + "x" * 100 + "·</html>", "utf-8")
    with smtp_server() as server:
        base = EmailConfig(host=server.host, port=server.port, sender="a@bureau.nl", recipients=["b@c.nl"])
        send_notifications(RUN, NotifyConfig(email=base), client="ACME", report_path=report)
        monkeypatch.setattr(notify_email, "MAX_ATTACHMENT_BYTES", 50)
        send_notifications(RUN, NotifyConfig(email=base), client="ACME", report_path=report)
        send_notifications(RUN, NotifyConfig(email=base.model_copy(update={"attach_report": False})), client="ACME",
                           report_path=report)
        messages = [m for _, _, m in server.handler.messages]
    assert [[a.get_filename() for a in m.iter_attachments()] for m in messages] == [["report.html"], [], []]
    (html,) = list(messages[0].iter_attachments())
    assert html.get_content_charset() == "utf-8" and html.get_content().endswith("·</html>")
    assert "The report (report.html, 0 MB) is too large to attach." in messages[1].get_body(("plain",)).get_content()


def test_email_starttls_with_login(tls_ca, monkeypatch):
    monkeypatch.setenv("TP_SMTP_PASSWORD", "s3cret")
    with smtp_server("starttls", tls_ca) as server:
        config = NotifyConfig(email=EmailConfig(host="localhost", port=server.port, security="starttls",
                                                username="bureau", password_env="TP_SMTP_PASSWORD",
                                                sender="a@bureau.nl", recipients=["b@c.nl"]))
        assert send_notifications(RUN, config, client="ACME", ca_bundle=server.ca_file) == ["email to b@c.nl: sent"]
        assert server.handler.logins == [("bureau", "s3cret")]
        assert len(server.handler.messages) == 1
        # Without our CA the server's certificate is not trusted: reported, not raised, not retried.
        (line,) = send_notifications(RUN, config, client="ACME")
        assert line.startswith("email to b@c.nl: failed: SSLCertVerificationError")
        monkeypatch.setenv("TP_SMTP_PASSWORD", "wrong")
        (line,) = send_notifications(RUN, config, client="ACME", ca_bundle=server.ca_file)
        assert line.startswith("email to b@c.nl: failed: SMTP 535")
        assert len(server.handler.messages) == 1


def test_email_implicit_tls(tls_ca):
    with smtp_server("ssl", tls_ca) as server:
        config = NotifyConfig(email=EmailConfig(host="127.0.0.1", port=server.port, security="ssl",
                                                sender="a@bureau.nl", recipients=["b@c.nl"]))
        assert send_notifications(RUN, config, client="ACME", ca_bundle=server.ca_file) == ["email to b@c.nl: sent"]
        assert len(server.handler.messages) == 1


def test_email_greylisted_once_then_sent():
    with smtp_server() as server:
        server.handler.script = ["451 4.7.1 Greylisted, try again"]
        config = NotifyConfig(email=EmailConfig(host=server.host, port=server.port, sender="a@bureau.nl",
                                                recipients=["b@c.nl"]))
        assert send_notifications(RUN, config, client="ACME") == [
            "email to b@c.nl: failed: SMTP 451: 4.7.1 Greylisted, try again (retrying once)",
            "email to b@c.nl: sent",
        ]
        assert len(server.handler.messages) == 1


def test_email_rejected_5xx_not_retried():
    with smtp_server() as server:
        server.handler.script = ["554 5.7.1 Rejected as spam", "250 OK"]
        config = NotifyConfig(email=EmailConfig(host=server.host, port=server.port, sender="a@bureau.nl",
                                                recipients=["b@c.nl"]))
        assert send_notifications(RUN, config, client="ACME") == [
            "email to b@c.nl: failed: SMTP 554: 5.7.1 Rejected as spam"]
        assert server.handler.script == ["250 OK"]


def test_email_missing_password_and_dead_server(monkeypatch):
    monkeypatch.delenv("TP_NO_SUCH_PASSWORD", raising=False)
    port = free_port()
    config = NotifyConfig(email=EmailConfig(host="127.0.0.1", port=port, security="starttls", username="u",
                                            password_env="TP_NO_SUCH_PASSWORD", sender="a@b.nl", recipients=["c@d.nl"]))
    assert send_notifications(RUN, config, client="ACME") == [
        "email to c@d.nl: failed: environment variable TP_NO_SUCH_PASSWORD is not set"]
    dead = NotifyConfig(email=EmailConfig(host="127.0.0.1", port=port, sender="a@b.nl", recipients=["c@d.nl"]))
    assert send_notifications(RUN, dead, client="ACME") == [
        "email to c@d.nl: failed: ConnectionRefusedError: [Errno 111] Connection refused (retrying once)",
        "email to c@d.nl: failed: ConnectionRefusedError: [Errno 111] Connection refused",
    ]


def test_https_webhook_trusts_the_ca_bundle(tls_ca):
    import ssl

    from tests.notify.conftest import webhook_receiver

    ca, ca_file = tls_ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    with webhook_receiver(context) as rec:
        config = NotifyConfig(webhooks=[WebhookConfig(url=rec.url())])
        assert send_notifications(RUN, config, client="ACME", ca_bundle=ca_file) == [
            f"webhook {rec.base_url}/… (json): sent"]
        (line,) = send_notifications(RUN, config, client="ACME")  # the system does not trust the test CA
        assert line.startswith(f"webhook {rec.base_url}/… (json): failed: [SSL: CERTIFICATE_VERIFY_FAILED]")
        assert len(rec.posts) == 1
