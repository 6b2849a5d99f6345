"""The mobile family end to end: the fixture pages of ``tests/sites/mobile`` crawled, rendered in
real Chromium and judged, through the CLI. One audit for the module (one browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.cli import main
from auditor.devserver import FixtureSite, serve
from auditor.store import RunStore
from tests.conftest import SITES, port_of

pytestmark = pytest.mark.slow
TIMEOUT = 6

CONFIG = f"""
[collectors.render]
per_template = 0          # every page: each fixture is its own case
timeout = {TIMEOUT}
js_heap_mb = 128          # crash.html exhausts it at once
allow_hosts = ["cdn.allowed.test"]
"""


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with serve(SITES / "mobile") as served:
        yield served


@pytest.fixture(scope="module")
def audit(site, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("mobile")
    config = tmp / "audit.toml"
    config.write_text(CONFIG, "utf-8")
    out = tmp / "out"
    port = port_of(site)
    code = main(["audit", site.base_url, "--checks", "mobile", "--config", str(config), "--out", str(out), "--quiet",
                 "--resolve", f"tracker.example.test:80:127.0.0.1:{port}",
                 "--resolve", f"cdn.allowed.test:80:127.0.0.1:{port}"])
    assert code == 0
    store = RunStore(out)
    try:
        rendered = {urlsplit(url).path: data for url, data in store.page_artifacts("render")}
        summary = store.artifact("render")
    finally:
        store.close()
    return {"out": out, "doc": json.loads((out / "findings.json").read_text("utf-8")), "rendered": rendered,
            "summary": summary}


def _paths(doc: dict, code: str) -> set[str]:
    return {urlsplit(loc["url"]).path for f in doc["findings"] if f["code"] == code
            for loc in f.get("locations") or [{"url": f["url"]}]}


def _finding(doc: dict, code: str, path: str) -> dict:
    return next(f for f in doc["findings"] if f["code"] == code and urlsplit(f["url"]).path == path)


def test_each_fixture_page_gets_exactly_its_findings(audit):
    doc = audit["doc"]
    assert _paths(doc, "TP401") == {"/no-viewport.html", "/zoomed.html"}
    assert _paths(doc, "TP402") == {"/fixed-width.html", "/long-word.html", "/wide-table.html"}
    assert _paths(doc, "TP403") == {"/tiny-footer.html"}
    assert _paths(doc, "TP404") == {"/cramped.html"}
    assert {c["code"]: c["status"] for c in doc["checks"]} == {
        "TP401": "failed", "TP402": "failed", "TP403": "failed", "TP404": "failed"}


@pytest.mark.parametrize(("path", "selector", "kind", "min_width"), [
    ("/fixed-width.html", "body > div.page", "box", 1200),
    ("/wide-table.html", "main.wrap > table.prices", "box", 900),
    ("/long-word.html", "main.wrap > p.code", "content", 400),
])
def test_overflow_names_what_sticks_out_and_outlines_it(audit, path, selector, kind, min_width):
    finding = _finding(audit["doc"], "TP402", path)
    [offender] = finding["evidence"]["offenders"]
    assert (offender["selector"], offender["kind"]) == (selector, kind)
    assert offender["width"] >= min_width
    assert finding["evidence"]["profile"] == "small" and finding["evidence"]["screen_width"] == 360
    shot = audit["out"] / finding["evidence"]["screenshot"]
    assert shot.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert _jpeg_size(shot)[0] > 360  # the whole overflowing width is in the picture


def test_small_text_and_tap_target_evidence(audit):
    text = _finding(audit["doc"], "TP403", "/tiny-footer.html")["evidence"]
    assert text["share"] > 0.8 and text["offenders"][0]["selector"] == "body > footer.legal.wrap > p"
    assert text["offenders"][0]["font_size"] == 10
    taps = _finding(audit["doc"], "TP404", "/cramped.html")["evidence"]
    assert taps["count"] == 5
    assert {t["text"] for t in taps["targets"]} == {"LinkedIn", "Facebook", "Instagram", "E-mail", "Bellen"}
    assert all(t["width"] == 20 and t["height"] == 20 for t in taps["targets"])


def test_a_redirect_stub_is_followed_and_its_target_judged(audit):
    for prof in audit["rendered"]["/stub.html"]["profiles"].values():
        assert prof["meta_refresh"] == [audit["rendered"]["/tiny-footer.html"]["profiles"]["small"]["final_url"]]
        assert prof["final_url"].endswith("/tiny-footer.html") and prof["text"]["total_chars"] > 50
    [finding] = [f for f in audit["doc"]["findings"] if f["code"] == "TP403"]
    assert urlsplit(finding["url"]).path == "/tiny-footer.html"  # the stub's rendering is the same problem


def test_every_rendered_page_has_a_phone_screenshot_per_profile(audit):
    ok = [(path, name, prof) for path, page in audit["rendered"].items()
          for name, prof in page["profiles"].items() if prof["status"] == "ok"]
    assert len(ok) == 2 * 12
    for path, name, prof in ok:
        assert prof["screenshot"].endswith(f"-{name}.jpg"), path
        assert (audit["out"] / prof["screenshot"]).stat().st_size > 1000, path


def test_hidden_text_links_and_boxes_do_not_count(audit):
    hidden = audit["rendered"]["/hidden.html"]["profiles"]["small"]
    assert hidden["document_width"] == hidden["layout_width"] == 360  # the 2000 px box is display: none
    assert set(hidden["text"]["sizes"]) <= {"16", "32"}  # no 8 px text counted: body text and the h1
    assert "Verborgen" not in json.dumps(hidden["text"]) and "script" not in json.dumps(hidden["text"])
    assert [t["text"] for t in hidden["tap_targets"]] == ["Terug"]


def test_inline_links_in_text_and_scrolling_tables_are_left_out(audit):
    home = audit["rendered"]["/"]["profiles"]["small"]
    assert home["document_width"] == 360 and home["overflow"] == []
    texts = [t["text"] for t in home["tap_targets"]]
    assert "de pagina zonder viewport" not in texts and "030-123 45 67" not in texts  # inside sentences
    assert "Geen viewport" in texts and "Neem contact op" in texts


def test_cookie_banner_is_dismissed_before_measuring_and_reported(audit):
    for prof in audit["rendered"]["/cookie.html"]["profiles"].values():
        assert prof["consent"] == {"selector": "text", "label": "Alles accepteren", "banner": "div.cookie-banner",
                                   "dismissed": True}
        assert "Instellingen" not in [t["text"] for t in prof["tap_targets"]]
    assert audit["summary"]["consent"] == {"button “Alles accepteren”": 2}
    assert "cookie banners dismissed before measuring: button “Alles accepteren” (2×)" in audit["doc"]["notes"]


def test_requests_outside_the_site_are_blocked_unless_allowed(audit, site):
    assert not any(key.startswith("tracker.example.test") for key in site.hits)
    assert site.hits.get("cdn.allowed.test/site.css", 0) >= 1
    for prof in audit["rendered"]["/third-party.html"]["profiles"].values():
        assert prof["blocked"] == {"count": 1, "hosts": ["tracker.example.test"]}


def test_hanging_and_crashing_pages_fail_alone(audit):
    loop = audit["rendered"]["/loop.html"]["profiles"]
    assert loop["small"] == {**loop["small"], "status": "error",
                             "error": f"did not finish within {TIMEOUT} s (the page hangs or its scripts loop)"}
    assert loop["large"]["error"] == "not rendered: it failed in the small profile"
    assert audit["rendered"]["/crash.html"]["profiles"]["small"]["error"] == "the tab crashed"
    assert audit["summary"]["pages_rendered"] == 12 and audit["summary"]["pages_eligible"] == 14
    assert any(note.startswith("2 of 14 pages could not be rendered") for note in audit["doc"]["notes"])


def test_without_a_browser_the_static_check_still_runs(site, run_audit, tmp_path):
    config = tmp_path / "nobrowser.toml"
    config.write_text('[collectors.render]\nexecutable = "/nonexistent/chromium"\n', "utf-8")
    result = run_audit("audit", site.base_url, "--checks", "mobile", "--config", str(config), "--max-pages", "3")
    checks = {c["code"]: c for c in result.doc["checks"]}
    assert checks["TP401"]["status"] == "failed"
    for code in ("TP402", "TP403", "TP404"):
        assert checks[code]["status"] == "unverifiable"
        assert "apt-get install chromium" in checks[code]["reason"]
        assert "playwright install chromium" in checks[code]["reason"]


def _jpeg_size(path: Path) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame marker."""
    data = path.read_bytes()
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    raise AssertionError("no frame in JPEG")
