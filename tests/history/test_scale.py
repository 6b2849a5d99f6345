"""A nightly run of realistic size (10,000 findings, 5,000 pages) on both backends: the
second night compares against the first exactly. Timing is measured in docs/history.md,
not asserted here (a loaded CI machine must not fail a correct build)."""

from __future__ import annotations

from auditor.history import History
from tests.history.helpers import make_run

FINDINGS = 10_000
PAGES = 5_000


def pages(night: int):
    return ({"url": f"https://example.test/p{i}", "status": 200, "content_type": "text/html",
             "etag": f'"{night}-{i}"', "last_modified": None, "content_hash": f"{i:040x}"} for i in range(PAGES))


def test_ten_thousand_findings_two_nights(history_url):
    with History(history_url) as history:
        first = history.record("big", make_run([f"f{i}" for i in range(FINDINGS)], night=1), pages=pages(1),
                               damping=2)
        # Night 2: the first 100 are fixed, 100 new ones appear.
        second = history.record("big", make_run([f"f{i}" for i in range(100, FINDINGS + 100)], night=2),
                                pages=pages(2), damping=2)
    assert first.history.alerts == ()
    assert len(second.history.alerts) == FINDINGS - 100
    assert [f.fingerprint for f in second.history.fixed] == [f"f{i}" for i in range(100)]
    news = [f.fingerprint for f in second.findings if f.change == "new"]
    assert news == [f"f{i}" for i in range(FINDINGS, FINDINGS + 100)]
    assert second.history.trend[-1]["new"] == 100 and second.history.trend[-1]["fixed"] == 100
