"""The HTML report: structure, language, white-label, evidence, and page content shown as
text, never run. Structural checks (sections, counts, attributes), no golden files."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from lxml import html as lxml_html

from auditor.model import CheckResult, Finding, Location
from auditor.report.html import HtmlReporter, build_view, render_html
from auditor.report.json import JsonReporter
from auditor.touchpoint_pages import DetailedTouchpoint
from tests.report.fixtures import finding, make_run

HOSTILE = "<script>alert(1)</script>"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                       "hKmMIQAAAABJRU5ErkJggg==")


def _hostile_run():
    bad = Finding(
        code="TP101", name="broken-internal-link", severity="error", url="https://ex.nl/?q=<b>",
        target='javascript:alert("x")', message=f"Broken link titled {HOSTILE}",
        evidence={"title": f"</script>{HOSTILE}", "status": 404, "final_url": "javascript:alert(3)",
                  "nested": {"x": "</style><style>body{display:none}</style>"}},
        locations=(Location("https://ex.nl/<img src=x onerror=alert(2)>", f"link {HOSTILE}", "a"),),
        fingerprint="abc",
    )
    tp = DetailedTouchpoint("web_page", "https://ex.nl/", f"</title>{HOSTILE}", "", {"section": "/", "language": "en"})
    return make_run((bad,), touchpoints=(tp,))


def _doc(html: str):
    return lxml_html.fromstring(html)


def test_hostile_content_is_escaped(tmp_path):
    html = HtmlReporter().write(_hostile_run(), tmp_path).read_text("utf-8")
    assert html.lower().count("<script") == 1  # the report's own, nothing else
    assert "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and "</style><style>" not in html
    doc = _doc(html)
    assert not [a for a in doc.iter("a") if not (a.get("href") or "").startswith(("#", "http://", "https://"))]


def test_csp_allows_only_the_reports_own_script_and_style(tmp_path):
    html = HtmlReporter().write(_hostile_run(), tmp_path).read_text("utf-8")
    doc = _doc(html)
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    [script] = doc.xpath("//script")
    styles = doc.xpath("//style")  # the report's stylesheet, and the one shown without scripting
    assert len(styles) == 2 and styles[1].getparent().tag == "noscript"
    for element, directive in ((script, "script-src"), *((style, "style-src") for style in styles)):
        digest = base64.b64encode(hashlib.sha256(element.text.encode("utf-8")).digest()).decode()
        assert re.search(rf"{directive} [^;]*'sha256-{re.escape(digest)}'", csp)
    assert not re.search(r'<(link|script|img|iframe)[^>]+(href|src)="(https?:|//)', html)


def test_sections_and_counts():
    run = make_run((finding(pages=("https://ex.nl/", "https://ex.nl/a")),
                    finding("TP701", severity="warning", target="https://ex.nl/f#form-1",
                            evidence={"form": "Brochure", "purpose": "brochure", "required_count": 9,
                                      "max_required": 5, "form_key": "k1"})),
                   checks=(CheckResult("TP101", "broken-internal-link", "failed", None, "links"),
                           CheckResult("TP701", "demanding-form", "failed", None, "forms"),
                           CheckResult("TP201", "stale-news", "unverifiable", "no collector provides feeds",
                                       "freshness")),
                   touchpoints=(DetailedTouchpoint("form", "https://ex.nl/f#form-1", "Brochure", "https://ex.nl/f",
                                                   {"purpose": "brochure", "form_key": "k1", "required": 9,
                                                    "fields": 12, "required_fields": ["Naam"]}),))
    doc = _doc(render_html(run, checks={}))
    ids = [s.get("id") for s in doc.xpath("//main/section")]
    assert ids == ["summary", "touchpoints", "findings", "checks"]  # the summary comes first (issue 21)
    assert doc.xpath("string(//dd[@data-count='findings'])") == "2"
    assert len(doc.xpath("//details[contains(@class,'finding')]")) == 2
    assert {a.get("data-code") for a in doc.xpath("//article[@class='code-group']")} == {"TP101", "TP701"}
    assert doc.xpath("//li[@data-kind='form']//span[contains(@class,'st-problems')]")
    assert [li.get("data-family") for li in doc.xpath("//ul[contains(@class,'scores')]/li")] == [
        "links", "freshness", "forms"]
    assert doc.xpath("//li[@data-family='freshness']//span[@data-score]") == []  # not judged: no number
    assert "TP201" in doc.xpath("string(//ul[@class='not-checked'])")
    assert len(doc.xpath("//ol[@class='top']/li")) == 2
    assert doc.xpath("//ol[@class='top']/li[1]//a/@href")[0] == "#" + doc.xpath(
        "//details[@data-severity='error']/@id")[0]


@pytest.mark.parametrize(("lang", "heading", "other"), [("nl", "Uw contactpunten", "Your touchpoints"),
                                                          ("en", "Your touchpoints", "Uw contactpunten")])
def test_report_language(lang, heading, other):
    html = render_html(make_run((finding(),), report={"language": lang}), checks={})
    doc = _doc(html)
    assert doc.get("lang") == lang
    assert doc.xpath("string(//h2[@id='touchpoints-h'])") == heading and other not in html
    message = doc.xpath("//details[contains(@class,'finding')]//span[@class='msg']")[0]
    if lang == "nl":  # the report's own Dutch sentence for TP101, from the evidence
        assert message.get("lang") is None and message.text.startswith("Kapotte link naar https://ex.nl/gone")
    else:
        assert message.text == "Broken link."


def test_language_defaults_to_the_majority_of_the_pages():
    pages = tuple(DetailedTouchpoint("web_page", f"https://ex.nl/{i}", "t", "", {"language": lang})
                  for i, lang in enumerate(["nl-NL", "nl", "en"]))
    assert _doc(render_html(make_run(touchpoints=pages), checks={})).get("lang") == "nl"
    german = tuple(DetailedTouchpoint("web_page", f"https://ex.nl/{i}", "t", "", {"language": "de"}) for i in range(2))
    assert _doc(render_html(make_run(touchpoints=german), checks={})).get("lang") == "en"


def test_untranslated_message_is_marked_english():
    plugin = finding("ACM101", message="No KvK number on this page.", target=None)
    doc = _doc(render_html(make_run((plugin,), report={"language": "nl"}), checks={}))
    message = doc.xpath("//span[@class='msg']")[0]
    assert message.get("lang") == "en" and message.text == "No KvK number on this page."


def test_white_label(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    brand = {"agency": "Bureau Zuid", "logo": str(logo), "primary_color": "#ffeeaa", "contact": "Jan · 030 123",
             "tool_branding": False}
    html = render_html(make_run((finding(),), report={"brand": brand, "language": "en"}), checks={})
    doc = _doc(html)
    assert "touchpoint-auditor" not in html.lower()
    assert doc.xpath("//img[@class='logo']/@src")[0].startswith("data:image/png;base64,")
    assert "Bureau Zuid" in doc.xpath("string(//header)") and "Jan · 030 123" in doc.xpath("string(//footer)")
    css = doc.xpath("//style")[0].text
    assert "--brand:#ffeeaa" in css and "--on-brand:#000000" in css  # dark text on a pale brand colour
    branded = render_html(make_run((finding(),)), checks={})
    assert "touchpoint-auditor" in branded


def test_evidence_recognised_keys(tmp_path):
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "p.png").write_bytes(PNG)
    (tmp_path.parent / "secret.png").write_bytes(PNG)
    findings = (
        finding("TP103", severity="warning", evidence={"redirects": [
            {"url": "https://ex.nl/a", "status": 301, "location": "https://ex.nl/b"},
            {"url": "https://ex.nl/b", "status": 302, "location": "https://ex.nl/c"}], "final_url": "https://ex.nl/c"}),
        finding("TP301", severity="warning", target=None, evidence={
            "word": "gratiss", "sentence": "Plan een gratiss adviesgesprek.", "suggestions": ["gratis"]}),
        finding("TP402", severity="warning", target=None, evidence={
            "screenshot": "screenshots/p.png", "targets": [{"selector": "a.x", "rect": [0, 0, 1, 1]}]}),
        finding("TP403", severity="warning", target=None, evidence={"screenshot": "../secret.png"}),
        finding("TP501", severity="warning", target="AD-4", evidence={
            "ad": "Zonnepanelen 20% korting", "landing_page": "title: Vacatures", "ad_url": "https://ex.nl/v"}),
    )
    html = render_html(make_run(findings, report={"language": "en"}), tmp_path, checks={})
    doc = _doc(html)
    assert [a.text for a in doc.xpath("//ol[@class='chain']//a")] == ["https://ex.nl/a", "https://ex.nl/b",
                                                                      "https://ex.nl/c"]
    assert doc.xpath("string(//blockquote[@class='sentence']/mark)") == "gratiss"
    shots = doc.xpath("//figure[@class='shot']")
    assert len(shots) == 1 and shots[0].xpath(".//*[local-name()='rect' and @class='outline']")
    # The screenshot is the file next to the report, by its relative address, not base64
    # (issue 21: 13-17 MB reports); the CSP lets the report load images from its own folder.
    assert shots[0].xpath(".//*[local-name()='image']/@href") == ["screenshots/p.png"]
    assert "base64" not in html.split("<body", 1)[1].split('class="logo"')[0]
    assert "img-src 'self' data:;" in doc.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    # The PDF edition embeds it (printing refuses every request, files too).
    pdf_view = build_view(make_run(findings, report={"language": "en"}), {}, assets=tmp_path, pdf=True)
    blocks = [b for fam in pdf_view.families for g in fam.codes for f in g.findings for b in f.evidence
              if b.kind == "screenshot"]
    assert len(blocks) == 1 and blocks[0].src.startswith("data:image/png;base64,")
    assert doc.xpath("//div[@class='side-by-side']/figure[1]/p[@class='ad-text']")[0].text == "Zonnepanelen 20% korting"


def test_json_contract_fields(tmp_path):
    doc = json.loads(JsonReporter().write(_hostile_run(), tmp_path).read_text("utf-8"))
    assert doc["schema"] == "touchpoint-auditor/findings/v1"
    assert set(doc) >= {"schema", "tool", "target", "started_at", "finished_at", "pages_crawled",
                        "touchpoints", "checks", "findings"}
    assert set(doc["findings"][0]) >= {"code", "name", "severity", "url", "target", "message", "evidence",
                                       "occurrences", "fingerprint"}
    assert doc["touchpoints"][0]["details"] == {"section": "/", "language": "en"}  # additive


def test_a_group_of_leads_starts_collapsed():
    run = make_run((finding(), finding("TP303", severity="info", target=None, message="“Yakusho”: worth a look"),
                    finding("TP303", severity="info", target=None, url="https://ex.nl/b")),
                   checks=(CheckResult("TP101", "broken-internal-link", "failed", None, "links"),
                           CheckResult("TP303", "spelling-worth-a-look", "failed", None, "spelling")))
    from auditor.report.view import CheckInfo
    from checks.spelling import WorthALook

    checks = {"TP303": CheckInfo(WorthALook, "spelling", WorthALook.doc_sections())}
    assert _doc(render_html(run, checks={})).xpath("//details[@class='info-group']") == []  # only when asked
    doc = _doc(render_html(run, checks=checks))
    [group] = doc.xpath("//article[@data-code='TP303']")
    [collapsed] = group.xpath(".//details[@class='info-group']")
    assert collapsed.get("open") is None and len(collapsed.xpath(".//details[contains(@class,'finding')]")) == 2
    assert doc.xpath("//article[@data-code='TP101']//details[@class='info-group']") == []
