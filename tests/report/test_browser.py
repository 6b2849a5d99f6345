"""The report in real headless Chromium (Debian's, through Playwright): the demo site's
report loads offline without errors, its filters and search work when used, it fits a
phone, the PDF has a cover and numbered A4 pages, and hostile page content runs nothing.

One browser and one demo audit per module keep this lean; waits are Playwright's own.
A screenshot of the summary is kept for review (its path is printed and recorded as the
test property ``screenshot``).
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.devserver import serve
from auditor.report.html import render_html
from tests.report.fixtures import finding, history, make_run, run_from_findings_json, trend_entry, with_history

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SITES = ROOT / "tests" / "sites"

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs Debian's chromium (make setup installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo site audited with the link and form checks, as html, json and pdf."""
    sys.path.insert(0, str(ROOT / "examples"))
    from run_demo import run

    out = tmp_path_factory.mktemp("demo")
    assert run(out, ["--checks", "links,forms", "--quiet", "--format", "html,json,pdf"]) == 0
    return out


@pytest.fixture(scope="module")
def news_report(tmp_path_factory):
    """The realistic news site's report (tests/report/news_site.py): 40 news items, footer
    defects on every page."""
    from tests.report.news_site import audit_news_site

    out = tmp_path_factory.mktemp("news")
    root = tmp_path_factory.mktemp("news-site")
    # in a thread of its own: the browser fixture's event loop may already run in this one
    assert _in_thread(audit_news_site, root, out, "html,json,pdf") == 0
    return out


class Opened:
    """A report opened from disk, with everything the page asked for and complained about."""

    def __init__(self, browser, path: Path, width: int = 1200) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri(), wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser):
    pages: list[Opened] = []

    def open_(path: Path, width: int = 1200) -> Opened:
        pages.append(Opened(browser, path, width))
        return pages[-1]
    yield open_
    for p in pages:
        p.close()


def _visible(page) -> int:
    return page.locator("details.finding:visible").count()


def test_demo_report_loads_offline_without_errors(demo, opened, tmp_path_factory, record_property):
    report = opened(demo / "report.html")
    page = report.page
    page.locator("#filter-status").wait_for()  # the script ran: the filter bar is shown
    assert report.errors == [] and report.dialogs == []
    assert report.requests and all(u.startswith(("file://", "data:")) for u in report.requests), report.requests
    assert page.locator("html").get_attribute("lang") == "nl"  # the demo site is Dutch
    assert page.locator("h1").inner_text() == "Groenhuis Installatietechniek"
    shots = tmp_path_factory.getbasetemp() / "report-screenshots"
    shots.mkdir(exist_ok=True)
    page.evaluate("document.querySelector('nav.toc').hidden = true")  # the sticky menu would cover the shot
    page.locator("#summary").screenshot(path=str(shots / "summary.png"))
    page.locator("#touchpoints").screenshot(path=str(shots / "touchpoints.png"))
    record_property("screenshot", str(shots / "summary.png"))
    print(f"\nsummary screenshot: {shots / 'summary.png'}")


def test_filters_and_search_work_when_used(demo, opened):
    from playwright.sync_api import expect

    run = run_from_findings_json(demo / "findings.json")
    page = opened(demo / "report.html").page
    total = len(run.findings)
    expect(page.locator("#filter-status")).to_have_text(f"{total} van {total} bevindingen getoond")
    # TP303 "worth a look" starts collapsed: counted, not shown.
    info_only = {"TP303"}
    collapsed = sum(1 for f in run.findings if f.code in info_only)
    page.select_option("#filter-family", "forms")
    expect(page.locator("details.finding:visible")).to_have_count(1)
    expect(page.locator("section.family:visible")).to_have_count(1)
    page.select_option("#filter-family", "")
    page.select_option("#filter-severity", "error")
    errors = sum(1 for f in run.findings if f.severity == "error")
    expect(page.locator("details.finding:visible")).to_have_count(errors)
    page.click("#filter-reset")
    expect(page.locator("details.finding:visible")).to_have_count(total - collapsed)
    if collapsed:
        group = page.locator("details.info-group").first
        group.locator("> summary").click()
        inside = group.locator("details.finding").count()
        assert inside > 0
        expect(page.locator("details.finding:visible")).to_have_count(total - collapsed + inside)
        group.locator("> summary").click()
    page.fill("#filter-page", "/over-ons/")
    on_page = sum(1 for f in run.findings if any("/over-ons/" in loc.url for loc in f.locations)
                  and f.code not in info_only)
    expect(page.locator("details.finding:visible")).to_have_count(on_page)
    page.fill("#filter-page", "")
    page.fill("#filter-search", "airco")
    expect(page.locator("details.finding:visible")).to_have_count(1)
    assert "airco" in page.locator("details.finding:visible").inner_text()
    page.fill("#filter-search", "no such words anywhere")
    expect(page.locator("#filter-status")).to_have_text("Geen bevinding past bij deze filters.")


def test_keyboard_and_phone_screen(demo, opened):
    page = opened(demo / "report.html", width=375).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    summary = page.locator("details.finding > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open") is True


def test_show_more_and_links_reveal_hidden_findings(tmp_path, opened, browser):
    from playwright.sync_api import expect

    findings = tuple(finding(target=f"https://ex.nl/gone-{i:02}", pages=(f"https://ex.nl/p{i}",),
                             fingerprint=f"fp{i:02}")
                     for i in range(30))
    path = tmp_path / "report.html"
    path.write_text(render_html(make_run(findings, report={"page_size": 5, "language": "en"}), checks={}), "utf-8")
    page = opened(path).page
    expect(page.locator("details.finding:visible")).to_have_count(5)
    page.click("button.more")
    expect(page.locator("details.finding:visible")).to_have_count(10)
    hidden = page.locator("details.finding:not(:visible)").last.get_attribute("id")
    page.evaluate(f"location.hash = '#{hidden}'")
    target = page.locator(f"#{hidden}")
    expect(target).to_be_visible()
    assert target.evaluate("d => d.open") is True
    without_script = browser.new_context(java_script_enabled=False)  # then every finding is shown
    try:
        plain = without_script.new_page()
        plain.goto(path.as_uri(), wait_until="load")
        assert plain.locator("details.finding:visible").count() == 30
    finally:
        without_script.close()


def test_pdf_has_a_cover_and_numbered_a4_pages(demo):
    from pypdf import PdfReader

    reader = PdfReader(str(demo / "report.pdf"))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 4
    a4 = (595.3, 841.9)  # 210 × 297 mm in points
    assert all(abs(float(p.mediabox.width) - a4[0]) < 2 and abs(float(p.mediabox.height) - a4[1]) < 2
               for p in reader.pages)
    assert "Groenhuis Installatietechniek" in pages[0] and not re.search(r"Pagina \d+ van", pages[0])  # cover
    for number, text in enumerate(pages[1:], start=2):
        assert f"Pagina {number} van {len(pages)}" in text
    assert "Samenvatting" in pages[1]  # the summary first (issue 21)
    assert any(text.lstrip().startswith("Uw contactpunten") for text in pages[2:])
    assert any("Formulieren die te veel vragen" in text for text in pages)
    assert "Uitgevoerde controles" in pages[-1]


def _assert_inert(report: Opened, shown: list[str]) -> None:
    page = report.page
    assert report.dialogs == [] and report.errors == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("a[href^='javascript:'], [onerror], [onclick]").count() == 0
    text = page.evaluate("document.body.textContent")
    for snippet in shown:
        assert snippet in text, snippet
    # The CSP forbids any script but the report's own: an injected inline script does not run.
    blocked = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {once: true});
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.body.appendChild(s);
    })""")
    assert blocked.startswith("script-src") and page.evaluate("typeof window.__injected") == "undefined"


def _in_thread(fn, *args):
    """Run ``fn`` in a thread of its own: Playwright's sync API keeps an event loop running
    in the test's thread, and the audit starts its own with ``asyncio.run``."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)))
    thread.start()
    thread.join()
    return result[0] if result else None


def test_hostile_site_content_shows_as_text_and_runs_nothing(tmp_path, opened, capsys):
    out = tmp_path / "hostile"
    with serve(SITES / "report-hostile") as site:
        code = _in_thread(main, ["audit", site.base_url, "--out", str(out), "--checks", "links,forms", "--quiet",
                                 "--report-lang", "en"])
    capsys.readouterr()
    assert code == 0
    report = opened(out / "report.html")
    _assert_inert(report, ["<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=2">',
                           "<script>window.__pwned=5</script>", "<script>window.__pwned=6</script>"])


def test_hostile_plugin_evidence_shows_as_text_and_runs_nothing(tmp_path, opened):
    bad = finding("ACM101", target="javascript:window.__pwned=1", message="</script><script>window.__pwned=2</script>",
                  evidence={"screenshot": "javascript:alert(1)", "final_url": "javascript:window.__pwned=3",
                            "note": "<img src=x onerror=window.__pwned=4>"})
    path = tmp_path / "report.html"
    path.write_text(render_html(make_run((bad,)), tmp_path, checks={}), "utf-8")
    report = opened(path)
    report.page.locator("details.finding > summary").first.click()
    _assert_inert(report, ["javascript:window.__pwned=1", "</script><script>window.__pwned=2</script>",
                           "<img src=x onerror=window.__pwned=4>"])


def test_only_new_filter_in_a_nightly_report(tmp_path, opened, tmp_path_factory):
    from playwright.sync_api import expect

    new = tuple(finding(target=f"https://ex.nl/new-{i}", pages=(f"https://ex.nl/n{i}",), fingerprint=f"new{i}")
                .with_history("new", 1) for i in range(3))
    old = tuple(finding(target=f"https://ex.nl/old-{i}", pages=(f"https://ex.nl/o{i}",), fingerprint=f"old{i}")
                .with_history("persisting", 2) for i in range(4))
    accepted = finding(target="https://ex.nl/ok", fingerprint="acc").with_history(
        "new", 1, {"until": "2027-03-01", "reason": "<img src=x onerror=window.__pwned=1>"})
    trend = (trend_entry(20, {"links": 5}), trend_entry(21, {"links": 4}), trend_entry(22, {"links": 8}))
    run = with_history(make_run((*new, *old, accepted), report={"language": "en"}), history(trend=trend))
    path = tmp_path / "report.html"
    path.write_text(render_html(run, checks={}), "utf-8")
    report = opened(path)
    page = report.page
    expect(page.locator("#filter-status")).to_have_text("8 of 8 findings shown")
    page.check("#filter-new")
    expect(page.locator("details.finding:visible")).to_have_count(3)
    assert sorted(page.locator("details.finding:visible").evaluate_all("els => els.map(e => e.dataset.change)")) == [
        "new", "new", "new"]
    expect(page.locator("#filter-status")).to_have_text("3 of 8 findings shown")
    page.select_option("#filter-severity", "warning")  # combines with the other filters
    expect(page.locator("#filter-status")).to_have_text("No finding matches these filters.")
    page.click("#filter-reset")
    expect(page.locator("details.finding:visible")).to_have_count(8)
    assert page.locator("#filter-new").is_checked() is False
    page.click("#changes ol.new-list a >> nth=0")  # a new finding's link opens its entry
    expect(page.locator("details.finding[data-change='new'][open]")).to_have_count(1)
    _assert_inert(report, ["<img src=x onerror=window.__pwned=1>"])
    assert page.evaluate("document.querySelectorAll('#changes li.trend circle').length") == 3
    shots = tmp_path_factory.getbasetemp() / "report-screenshots"
    shots.mkdir(exist_ok=True)
    page.evaluate("document.querySelector('nav.toc').hidden = true")
    page.locator("#changes").screenshot(path=str(shots / "changes.png"))
    print(f"\nsince-last-run screenshot: {shots / 'changes.png'}")


def test_the_hostile_servers_report_runs_nothing(tmp_path, opened, capsys):
    """The reports (HTML and PDF) of the hostile fixture server (tests/hostile_server.py): a
    Server header, link text and redirect Locations (javascript:, data: with a script) that
    try to run code, and link text that would fetch from the admin server were it markup.
    The PDF is printed inside the audit, while the admin server is watched: nothing from a
    page is fetched while printing, and the hostile text is in the PDF as text."""
    from pypdf import PdfReader

    from tests.hostile_server import HOSTILE_TEXT, report_fetch_text, serve_hostile

    out = tmp_path / "hostile-server"
    with serve_hostile() as (_site, site_url, admin, admin_url):
        port = site_url.rstrip("/").rsplit(":", 1)[1]
        code = _in_thread(main, ["audit", "http://hostile.test/ssrf/", "--out", str(out), "--checks", "links",
                                 "--quiet", "--report-lang", "en", "--resolve", f"hostile.test:80:127.0.0.1:{port}",
                                 "--format", "html,pdf"])
        assert admin.access_log == []
    capsys.readouterr()
    assert code == 0
    fetching = report_fetch_text(admin_url)
    report = opened(out / "report.html")
    for summary in report.page.locator("details.finding > summary").all():
        summary.click()  # open every finding: its evidence is rendered too
    _assert_inert(report, [HOSTILE_TEXT, fetching, "javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
    assert not [url for url in report.requests if "from-report" in url]
    pdf_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(out / "report.pdf")).pages))
    for shown in (fetching, HOSTILE_TEXT, "data:text/html,<script>alert(1)</script>"):
        assert re.sub(r"\s+", "", shown) in pdf_text, shown


def test_the_pdf_printer_fetches_nothing_a_report_would_ask_for(browser, tmp_path):
    """Second line of defence, on its own: were page text ever to reach the printed HTML as
    markup, the printer still fetches nothing (every request aborted). The same HTML in a
    plain Chromium page does reach the admin server: the access log can tell."""
    from auditor.devserver import serve_app
    from auditor.report.pdf import print_pdf
    from tests.hostile_server import AdminServer, report_fetch_text

    admin = AdminServer()
    with serve_app(admin.app(), name="report-admin") as admin_url:
        markup = (f"<html><head>{report_fetch_text(admin_url)}<style>@import url('{admin_url}from-report-import');"
                  f"body{{background:url('{admin_url}from-report-bg')}}</style></head><body><p>printed</p>"
                  f"<iframe src='{admin_url}from-report-iframe'></iframe>"
                  f"<script>fetch('{admin_url}from-report-fetch')</script></body></html>")
        data = print_pdf(markup, "<span></span>", str(CHROMIUM))
        assert data.startswith(b"%PDF") and admin.access_log == []
        page = browser.new_page()
        try:
            page.set_content(markup, wait_until="load")
            page.wait_for_function("document.readyState === 'complete'")
        finally:
            page.close()
        assert any("from-report-img" in line for line in admin.access_log), admin.access_log


def test_hostile_languagetool_messages_show_as_text_and_run_nothing(tmp_path, opened):
    """TP301/TP302/TP303 findings built by the real spelling checks from LanguageTool matches
    whose message, flagged text, sentence and replacements carry markup and script.

    The matches are hand-built (the artifact the language collector stores), not asked of a
    real LanguageTool: LanguageTool writes its messages from its own rule files, so no page
    text makes a real server answer with markup in a message; the sentence and flagged text
    do come from the page, and the message and replacements from a server outside this
    process. Building the stored answer is the only way to put markup in every field."""
    from auditor.testing import run_check
    from checks.spelling import GrammarError, Misspelling, WorthALook
    from tests.checks.test_spelling import PAGE, artifact, issue

    matches = (
        issue("gratiss", suggestions=("gratis",), sentence="Plan een gratiss <script>window.__pwned=21</script>."),
        issue("kwaliteitt", block="b2", suggestions=("kwaliteit<img src=x onerror=window.__pwned=22>",),
              sentence="Goede kwaliteitt <b onmouseover=window.__pwned=23>hier</b>."),
        {**issue("zij loopt", kind="grammar", rule="HOSTILE_RULE", block="b3",
                 suggestions=("zij lopen<svg onload=window.__pwned=24>",),
                 sentence="Dan zij loopt <iframe src=javascript:window.__pwned=25></iframe>."),
         "message": "</title></style><script>window.__pwned=26</script> <a href=javascript:window.__pwned=27>x</a>"},
    )
    results = {chk.code: run_check(chk, [PAGE], artifacts=artifact(*matches))
               for chk in (Misspelling, GrammarError, WorthALook)}
    findings = tuple(f for r in results.values() for f in r.findings)
    assert sorted(f.code for f in findings) == ["TP301", "TP302", "TP303"]
    path = tmp_path / "report.html"
    path.write_text(render_html(make_run(findings), tmp_path, checks={}), "utf-8")
    report = opened(path)
    for summary in report.page.locator("details.finding > summary").all():
        summary.click()
    _assert_inert(report, ["<script>window.__pwned=21</script>", "kwaliteit<img src=x onerror=window.__pwned=22>",
                           "<b onmouseover=window.__pwned=23>", "zij lopen<svg onload=window.__pwned=24>",
                           "<iframe src=javascript:window.__pwned=25></iframe>"])
    # The report words TP301-303 in its own catalogue sentence, so LanguageTool's message
    # (pwned=26, 27) is in findings.json but not in the page at all, not even as markup.
    assert "pwned=26" in next(f.message for f in findings if f.code == "TP302")
    assert report.page.locator("svg[onload], iframe, b[onmouseover]").count() == 0
    assert not report.page.evaluate("[...document.scripts].some(s => s.textContent.includes('__pwned'))")


SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    // SVG text is scaled with its drawing: the size on screen is the font size times that scale.
    const scale = el.ownerSVGElement ? el.getScreenCTM().a : 1;
    const size = Math.round(parseFloat(getComputedStyle(el).fontSize) * scale * 10) / 10;
    const name = `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`;
    if (size < 12) small.push(`${name}: ${size}px "${node.textContent.trim().slice(0, 30)}"`);
  }
  return small;
}"""


WIDE = """(width) => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > width && !el.closest('figure.chart, .table-scroll'))
  .slice(0, 8).map(el => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`)"""


@pytest.mark.parametrize("width", [360, 390, 430])
@pytest.mark.parametrize("site", ["demo", "news_report"])
def test_the_report_reads_on_a_phone(site, opened, width, request):
    """The project's own TP402/TP403 applied to its report: at phone widths the page itself
    never scrolls sideways (a wide table may scroll inside its own box) and no visible text
    is smaller than 12 px. Also with the parts a real news site adds: the collapsed lists
    opened, the template defects, a template defect's pages opened."""
    page = opened(request.getfixturevalue(site) / "report.html", width=width).page
    page.evaluate("document.querySelectorAll('details.show-all, details.pages-list, details.kind')"
                  ".forEach(d => d.open = true)")
    wide = page.evaluate(WIDE, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    small = page.evaluate(SMALL_TEXT)
    assert small == [], "\n".join(sorted(set(small)))


def test_a_news_sites_summary_is_on_the_first_screens(news_report, opened):
    """Issue 21: on a real news site the summary started 10,000 px down, below the news rows.
    Now it comes first and the rows past the first ten are behind "show all"."""
    report = opened(news_report / "report.html", width=1200)
    page = report.page
    assert report.errors == []
    top = page.evaluate("document.getElementById('summary').getBoundingClientRect().top + window.scrollY")
    assert top < 1000, top
    news = page.locator("#kind-news_item")
    assert news.locator("table.tp-list tbody tr:visible").count() == 10
    news.locator("details.show-all > summary").click()
    assert news.locator("table.tp-list tbody tr:visible").count() == 40
    group = page.locator("#TP105 details.finding")
    assert group.count() == 1
    group.first.locator("summary").first.click()
    group.first.locator("details.pages-list > summary").click()
    assert group.first.locator("details.pages-list tbody tr:visible").count() == 44


def test_screenshot_files_load_under_the_reports_csp_and_the_pdf_embeds_them(tmp_path, opened):
    """The phone screenshots are files next to report.html (issue 21: no more 13-17 MB of
    base64): Chromium loads them under the report's Content-Security-Policy (img-src 'self'),
    with no violation, and the PDF edition, printed with every request refused, has them."""
    import struct
    import zlib

    from pypdf import PdfReader

    from auditor.report.pdf import PdfReporter

    def png(width: int, height: int) -> bytes:
        raw = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "home phone.png").write_bytes(png(120, 260))
    shot = "screenshots/home phone.png"
    findings = (finding("TP402", severity="warning", target=None, evidence={"screenshot": shot}),
                finding("TP403", severity="warning", target=None, evidence={
                    "screenshot": shot, "targets": [{"selector": "p", "rect": [5, 5, 50, 20]}]}))
    run = make_run(findings, report={"language": "en"})
    path = tmp_path / "report.html"
    path.write_text(render_html(run, tmp_path, checks={}), "utf-8")
    report = opened(path)
    page = report.page
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.locator("img.shot-img").first.wait_for()
    assert page.evaluate("[...document.querySelectorAll('img.shot-img')].map(i => i.complete && i.naturalWidth)") == [
        120]
    assert report.errors == [], report.errors  # a CSP violation is a console error
    assert all(u.startswith("file://") for u in report.requests)
    assert any(u.endswith("/screenshots/home%20phone.png") for u in report.requests)
    pdf = PdfReporter().write(run, tmp_path)
    assert sum(len(p.images) for p in PdfReader(str(pdf)).pages) >= 1
