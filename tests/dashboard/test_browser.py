"""The dashboard in real headless Chromium (Debian's, through Playwright), opened from disk
as an agency would: every client listed with the right status, a sparkline per family with
one point per audited night, report links that lead to files that exist, hostile names as
text with no dialog or console error (a CSP violation is a console error), and on a phone
no sideways scrolling and no text under 12 px, as the report's own phone test requires."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from auditor.dashboard import write_dashboard
from tests.dashboard.conftest import EXPECTED_STATUS, HOSTILE_NAME, HOSTILE_REASON, HOSTILE_TARGET
from tests.report.test_browser import ARGS, CHROMIUM, SMALL_TEXT, WIDE

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs Debian's chromium (make setup installs it)")

NOW = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page_path(portfolio_history) -> Path:
    return write_dashboard(portfolio_history.portfolio, now=NOW)


class Opened:
    def __init__(self, browser, path: Path, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri(), wait_until="load")


@pytest.fixture
def opened(browser):
    contexts: list[Opened] = []

    def open_(path: Path, width: int = 1200) -> Opened:
        contexts.append(Opened(browser, path, width))
        return contexts[-1]
    yield open_
    for o in contexts:
        o.context.close()


def test_every_client_with_its_status_trend_and_report(page_path, portfolio_history, opened):
    shown = opened(page_path)
    page = shown.page
    assert shown.errors == [] and shown.dialogs == []
    assert all(u.startswith("file://") for u in shown.requests), shown.requests  # nothing fetched from anywhere
    cards = page.locator("li.client")
    statuses = {cards.nth(i).get_attribute("data-client"): cards.nth(i).get_attribute("data-status")
                for i in range(cards.count())}
    assert statuses == EXPECTED_STATUS
    labels = {"ok": "ok", "failed": "failed", "unreachable": "unreachable", "never": "not audited yet"}
    for name, status in EXPECTED_STATUS.items():
        card = page.locator(f'li.client[data-client="{name}"]')
        assert " ".join(card.locator(".dash-st").inner_text().split()).endswith(labels[status])
        nights = portfolio_history.audited[name]
        sparks = card.locator("li.spark")
        assert sparks.count() == (3 if nights else 0), name
        for i in range(sparks.count()):
            spark = sparks.nth(i)
            points = spark.locator("polyline").get_attribute("points") if len(nights) > 1 else ""
            assert len(points.split()) == (len(nights) if len(nights) > 1 else 0), (name, i)
            assert spark.locator("svg").get_attribute("aria-label").endswith(
                f"{len(nights)} audit{'s' if len(nights) != 1 else ''} in the last 30 nights")
            assert spark.locator("svg").bounding_box()["height"] > 0
    # The line in words: every night of 'broken' had five broken links (61), from the first audit on.
    assert page.locator('li.client[data-client="broken"] li.spark[data-family="links"] svg').get_attribute(
        "aria-label") == ("Links: 61 on 29 November 2026, 61 on 20 November 2026, 10 audits in the last 30 nights")
    # Each link opens the newest audited run's report, a file that exists.
    links = page.locator("a.report-link")
    targets = {Path(unquote(urlsplit(links.nth(i).evaluate("a => a.href")).path)) for i in range(links.count())}
    assert targets == set(portfolio_history.reports.values())
    assert all(t.is_file() for t in targets)
    counts = {el.get_attribute("data-status-count"): " ".join(el.inner_text().split())
              for el in page.locator("[data-status-count]").all()}
    assert counts == {"failed": "2 failed", "unreachable": "1 unreachable", "never": "1 not audited yet", "ok": "2 ok"}


def test_hostile_names_show_as_text_and_run_nothing(page_path, opened):
    shown = opened(page_path)
    page = shown.page
    card = page.locator('li.client[data-client="hostile"]')
    assert card.locator("h3").inner_text() == HOSTILE_NAME
    assert card.locator(".client-target").inner_text() == HOSTILE_TARGET
    assert card.locator(".client-target a").count() == 0  # not a safe http(s) URL: text only
    assert card.locator(".client-reason").inner_text() == f"Why it failed: {HOSTILE_REASON}"
    assert page.locator("header .agency").inner_text() == "Agency <b>&amp;</b>"
    assert page.locator("script, img[onerror], b").count() == 0
    assert page.evaluate("document.scripts.length") == 0
    assert shown.errors == [] and shown.dialogs == []


@pytest.mark.parametrize("width", [360, 390])
def test_the_dashboard_reads_on_a_phone(page_path, opened, width):
    page = opened(page_path, width=width).page
    wide = page.evaluate(WIDE, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    small = page.evaluate(SMALL_TEXT)
    assert small == [], "\n".join(sorted(set(small)))
