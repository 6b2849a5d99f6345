"""Titles tell new alerts from confirmed ones, with the right plural in Dutch and English,
and alerts under the minimum severity are counted apart and said."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.model import Finding, Location, RunHistory
from auditor.notify.payloads import alert_findings, alert_summary, build_message, email_text, generic_json
from auditor.report.i18n import load_catalogue
from tests.report.fixtures import make_run


@pytest.mark.parametrize(("lang", "new", "confirmed", "nights", "expected"), [
    ("en", 1, 33, 2, "1 new, 33 confirmed after 2 nights"),
    ("nl", 1, 33, 2, "1 nieuw, 33 bevestigd na 2 nachten"),
    ("en", 1, 0, 2, "1 new finding"),
    ("en", 34, 0, 2, "34 new findings"),
    ("nl", 1, 0, 2, "1 nieuwe bevinding"),
    ("nl", 2, 0, 2, "2 nieuwe bevindingen"),
    ("en", 0, 1, 1, "1 finding confirmed after 1 night"),
    ("nl", 0, 1, 1, "1 bevinding bevestigd na 1 nacht"),
    ("nl", 0, 12000, 3, "12.000 bevindingen bevestigd na 3 nachten"),
])
def test_alert_summary_plurals(lang, new, confirmed, nights, expected):
    assert alert_summary(load_catalogue(lang), new, confirmed, nights) == expected


def _finding(fp: str, severity: str, change: str) -> Finding:
    return replace(Finding("TP101", "broken-internal-link", severity, "https://ex.nl/", "Broken link.",
                           target=f"https://ex.nl/{fp}", fingerprint=fp, locations=(Location("https://ex.nl/"),)),
                   change=change)


def test_message_counts_new_confirmed_and_below_in_the_clients_language():
    findings = (_finding("a", "error", "new"), *(_finding(f"p{i}", "critical", "persisting") for i in range(33)),
                _finding("w1", "warning", "new"), _finding("w2", "info", "persisting"))
    history = RunHistory(site="shop", run_id=7, previous_run=None, damping=2,
                         alerts=tuple(f.fingerprint for f in findings))
    run = replace(make_run(findings), history=history)
    chosen = alert_findings(run, "error")
    message = build_message(run, chosen, client="shop", min_severity="error", report_url=None,
                            name="Bakkerij Jansen", language="nl")
    assert message.title == "Bakkerij Jansen: 1 nieuw, 33 bevestigd na 2 nachten"
    payload = generic_json(message)
    assert (payload["client"], payload["total_alerts"], payload["new_alerts"], payload["confirmed_alerts"],
            payload["below_min_severity"]) == ("shop", 34, 1, 33, 2)
    text = email_text(message)
    assert "Meldingen vanaf fout: 33 kritiek, 1 fout\n" in text
    assert "Onder de drempel (fout): nog 2 meldingen, niet opgesomd.\n" in text
    assert "Alle bevindingen van deze controle: 36\n" in text
    assert "en nog 14\n" in text  # 34 alerts, 20 listed
    english = build_message(run, chosen, client="shop", min_severity="error", report_url=None, language="en")
    assert english.title == "shop: 1 new, 33 confirmed after 2 nights"
    assert "Below the minimum severity (error): 2 more alerts, not listed." in email_text(english)
