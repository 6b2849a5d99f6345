"""The report of a nightly run: "since last run" (counts, new and fixed lists, suppressed),
trend charts per family with their table, new/suppressed badges on findings, suppressed
findings out of scores and the top list, Dutch and English. Runs are built by hand
(``Finding.with_history``, ``RunHistory``) and rendered by the real reporter; the HTML is
read back with lxml.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

from auditor.model import CheckResult
from auditor.report.charts import TREND_TOP, trend_lines
from auditor.report.html import HtmlReporter, render_html
from auditor.report.pdf import PdfReporter
from auditor.scoring import family_scores
from tests.report.fixtures import finding, history, make_run, trend_entry, with_history

HOSTILE = "<script>alert(1)</script>"
CHECKS = (CheckResult("TP101", "broken-internal-link", "failed", None, "links"),
          CheckResult("TP103", "redirect-chain", "failed", None, "links"),
          CheckResult("TP701", "demanding-form", "passed", None, "forms"))
SUPPRESSION = {"until": "2027-03-01", "reason": f"{HOSTILE} agreed with the client"}

NEW_CRITICAL = finding(severity="critical", target="https://ex.nl/crit", pages=("https://ex.nl/c",),
                       message="Critical link.").with_history("new", 1)
NEW_ERROR = finding(target="https://ex.nl/new-error", pages=("https://ex.nl/a",),
                    message="New error.").with_history("new", 1)
NEW_WARNING = finding("TP103", severity="warning", target="https://ex.nl/hop", pages=("https://ex.nl/d",),
                      message="New detour.", evidence={"hops": 3}).with_history("new", 1)
PERSISTING = finding(target="https://ex.nl/old", pages=("https://ex.nl/b",),
                     message="Old error.").with_history("persisting", 3)
SUPPRESSED = finding(target="https://ex.nl/accepted", pages=("https://ex.nl/e",),
                     message="Accepted error.").with_history("persisting", 6, SUPPRESSION)
FIXED = (finding(severity="warning", target="https://ex.nl/fixed-w", pages=("https://ex.nl/f",),
                 message="Fixed warning."),
         finding(target="https://ex.nl/fixed-e", pages=("https://ex.nl/g",), message="Fixed error."))
TREND = (trend_entry(19, {"forms": 2, "links": 4}, new=6, fixed=0),
         trend_entry(21, {"links": 6}),  # no forms findings that night; new/fixed not recorded
         trend_entry(22, {"links": 5, "forms": 1}, new=3, fixed=2))


def _doc(html: str):
    return lxml_html.fromstring(html)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _second_run(lang: str = "en", **history_args):
    findings = (SUPPRESSED, NEW_WARNING, PERSISTING, NEW_ERROR, NEW_CRITICAL)
    args = {"fixed": FIXED, "trend": TREND, **history_args}
    return with_history(make_run(findings, checks=CHECKS, report={"language": lang}), history(**args))


def _render(run, **kwargs) -> str:
    return render_html(run, checks={}, **kwargs)


def test_without_history_there_is_no_since_last_run_part():
    run = make_run((finding(),), checks=CHECKS, report={"language": "en"})
    html = _render(run)
    doc = _doc(html)
    assert [s.get("id") for s in doc.xpath("//main/section")] == ["summary", "touchpoints", "findings", "checks"]
    assert doc.xpath("//a[@href='#changes']") == [] and doc.xpath("//*[@data-change]") == []
    assert doc.xpath("//span[contains(concat(' ', @class, ' '), ' badge ')]") == []
    assert doc.xpath("//*[contains(@class,'suppressed')]") == []
    assert doc.xpath("//input[@id='filter-new']") == []
    assert "Since the last audit" not in html


def test_since_last_run_opens_the_report_with_counts_and_the_previous_date():
    doc = _doc(_render(_second_run()))
    assert [s.get("id") for s in doc.xpath("//main/section")] == [
        "summary", "changes", "touchpoints", "findings", "checks"]
    assert doc.xpath("//nav[@class='toc']//a/@href")[:2] == ["#summary", "#changes"]
    section = doc.get_element_by_id("changes")
    assert _text(section.xpath("h2")[0]) == "Since the last audit"
    assert _text(section.xpath("p[@class='lead']")[0]) == (
        "Compared with the previous audit, of 21 November 2026, which had 5 findings.")
    counts = {n.get("data-count"): n.text for n in section.xpath(".//span[@data-count]")}
    assert counts == {"new": "3", "fixed": "2", "persisting": "1", "suppressed": "1"}
    assert [_text(t) for t in section.xpath(".//ul[contains(@class,'changes')]//span[@class='tile-title']")] == [
        "New", "Fixed", "Still open", "Suppressed"]
    assert _text(section.xpath(".//p[@class='suppressed-line']")[0]) == (
        "1 finding is suppressed: it stays in the findings, muted, but does not count in the scores "
        "until its suppression expires.")


def test_new_findings_are_listed_worst_first_and_link_to_their_entry():
    doc = _doc(_render(_second_run()))
    items = doc.xpath("//section[@id='changes']//ol[contains(@class,'new-list')]/li")
    assert [i.xpath("span[contains(@class,'sev')]/@class")[0] for i in items] == [
        "sev sev-critical", "sev sev-error", "sev sev-warning"]
    assert [i.xpath(".//span[not(@class)]")[0].text for i in items] == ["Critical link.", "New error.",
                                                                         "New detour."]
    for item in items:
        [target] = doc.xpath(f"//details[@id='{item.xpath('a/@href')[0][1:]}']")
        assert target.get("data-change") == "new"
        page = item.xpath(".//a[@class='url']")[0]
        assert page.text in _text(target) and page.get("href") in target.xpath(".//table//a/@href")


def test_fixed_findings_are_listed_without_links_into_this_run():
    doc = _doc(_render(_second_run()))
    items = doc.xpath("//section[@id='changes']//ol[contains(@class,'fixed-list')]/li")
    assert [(i.xpath("span[contains(@class,'sev')]")[0].text, i.xpath(".//span[not(@class)]")[0].text,
             i.xpath(".//a[@class='url']")[0].get("href")) for i in items] == [
        ("error", "Fixed error.", "https://ex.nl/g"), ("warning", "Fixed warning.", "https://ex.nl/f")]
    assert not [a for i in items for a in i.xpath(".//a") if a.get("href").startswith("#")]
    assert not doc.xpath("//details[contains(@class,'finding')][contains(., 'Fixed error.')]")


def test_nothing_new_and_nothing_fixed_say_so():
    run = with_history(make_run((PERSISTING,), checks=CHECKS, report={"language": "en"}), history())
    section = _doc(_render(run)).get_element_by_id("changes")
    assert _text(section.xpath(".//p[@class='ok-note']")[0]) == "Nothing new was found since the last audit."
    assert "None of the previous audit's findings has been fixed." in _text(section)
    assert section.xpath(".//ol") == [] and section.xpath(".//p[@class='suppressed-line']") == []
    assert _text(section.xpath(".//p[contains(@class,'no-trend')]")[0]) == (
        "The trend appears from the second audit of this site on.")


def test_badges_in_the_findings_and_the_only_new_filter():
    html = _render(_second_run())
    doc = _doc(html)
    findings = doc.xpath("//details[contains(@class,'finding')]")
    by_message = {f.xpath(".//span[@class='msg']")[0].text: f for f in findings}
    for message in ("Critical link.", "New error.", "New detour."):
        f = by_message[message]
        assert f.get("data-change") == "new" and f.xpath(".//span[@class='badge badge-new']")[0].text == "new"
    old = by_message["Old error."]
    assert old.get("data-change") == "persisting" and old.xpath(".//span[contains(@class,'badge')]") == []
    assert _text(old.xpath(".//div[@class='finding-body']/p[@class='small muted']")[0]) == (
        "Found in the last 3 audits in a row.")
    accepted = by_message["Accepted error."]
    assert accepted.get("class") == "finding suppressed" and accepted.get("data-change") == "suppressed"
    assert accepted.xpath(".//span[@class='badge badge-suppressed']")[0].text == (
        f"suppressed until 1 March 2027: {HOSTILE} agreed with the client")
    assert [f.xpath(".//span[@class='msg']")[0].text for f in doc.xpath("//article[@data-code='TP101']//details")][
        -1] == "Accepted error."  # accepted risks come after the rest of their rule code
    assert html.lower().count("<script") == 1 and "&lt;script&gt;alert(1)&lt;/script&gt; agreed" in html
    [checkbox] = doc.xpath("//form[@id='filters']//input[@id='filter-new']")
    assert checkbox.get("type") == "checkbox" and _text(checkbox.getparent()) == "Only new (3)"


def test_suppressed_findings_count_neither_in_scores_nor_in_the_top_list():
    run = _second_run()
    doc = _doc(_render(run))
    without = replace(run, findings=tuple(f for f in run.findings if not f.suppressed))
    expected = {s.family: s for s in family_scores(without)}
    assert {s.family: (s.score, s.findings) for s in family_scores(run)} == {
        s.family: (s.score, s.findings) for s in expected.values()}
    assert doc.xpath("//li[@data-family='links']//span[@data-score]/@data-score") == [str(expected["links"].score)]
    top = doc.xpath("//ol[@class='top']/li")
    assert [_text(li.xpath("span[not(@class='reach')][last()]")[0]) for li in top] == [
        "Critical link.", "New error.", "Old error.", "New detour."]
    assert [bool(li.xpath("span[@class='badge badge-new']")) for li in top] == [True, True, False, True]
    suppressed_id = doc.xpath("//details[@data-change='suppressed']/@id")[0]
    assert f"#{suppressed_id}" not in doc.xpath("//ol[@class='top']//a/@href")


def test_a_run_whose_only_problems_are_suppressed_says_so():
    run = with_history(make_run((SUPPRESSED,), checks=CHECKS, report={"language": "en"}), history())
    doc = _doc(_render(run))
    assert family_scores(run)[0].score == 100
    assert doc.xpath("//ol[@class='top']") == []
    assert _text(doc.xpath("//section[@id='summary']/p[@class='ok-note']")[0]) == (
        "Apart from the suppressed findings, the checks that ran found no problems.")
    assert {n.get("data-count"): n.text for n in doc.xpath("//section[@id='changes']//span[@data-count]")} == {
        "new": "0", "fixed": "0", "persisting": "0", "suppressed": "1"}


def test_first_audit_of_a_site_says_everything_is_new_without_badges():
    findings = (finding(message="First error.").with_history("new", 1),
                finding(target="https://ex.nl/other", message="Second error.").with_history("new", 1),
                SUPPRESSED)
    run = with_history(make_run(findings, checks=CHECKS, report={"language": "en"}),
                       history(previous=None, trend=(trend_entry(22, {"links": 3}, new=3, fixed=0),)))
    doc = _doc(_render(run))
    section = doc.get_element_by_id("changes")
    assert _text(section.xpath("p[contains(@class,'first-run')]")[0]) == (
        "This is the first audit of this site: everything is new. From the next audit on, this part shows "
        "what changed.")
    assert section.xpath(".//span[@data-count]") == [] and section.xpath(".//ol") == []
    assert doc.xpath("//span[@class='badge badge-new']") == [] and doc.xpath("//details[@data-change='new']") == []
    assert doc.xpath("//input[@id='filter-new']") == []
    assert len(doc.xpath("//details[@data-change='suppressed']//span[@class='badge badge-suppressed']")) == 1
    assert section.xpath(".//*[local-name()='svg']") == []
    assert _text(section.xpath(".//p[contains(@class,'no-trend')]")[0]) == (
        "The trend appears from the second audit of this site on.")


def test_trend_charts_per_family_match_their_table():
    doc = _doc(_render(_second_run()))
    section = doc.get_element_by_id("changes")
    charts = section.xpath(".//ul[@class='trends']/li")
    assert [c.get("data-family") for c in charts] == ["links", "forms"]  # the report's family order
    assert [_text(c.xpath(".//figcaption")[0]) for c in charts] == ["Links", "Forms"]
    table = section.xpath(".//details[contains(@class,'trend-data')]//table")[0]
    assert [_text(th) for th in table.xpath("thead//th")] == ["Audit", "Links", "Forms", "Total", "New", "Fixed"]
    rows = [[_text(c) for c in tr.xpath("th|td")] for tr in table.xpath("tbody/tr")]
    assert rows == [["19 November 2026", "4", "2", "6", "6", "0"],
                    ["21 November 2026", "6", "0", "6", "–", "–"],
                    ["22 November 2026", "5", "1", "6", "3", "2"]]
    for column, chart in enumerate(charts, start=1):
        points = chart.xpath(".//*[local-name()='circle']")
        assert [p.get("data-value") for p in points] == [row[column] for row in rows]
        line = chart.xpath(".//*[local-name()='polyline']/@points")[0].split()
        assert line == [f"{p.get('cx')},{p.get('cy')}" for p in points]
        xs = [float(p.get("cx")) for p in points]
        assert xs == sorted(xs) and len(set(xs)) == 3  # oldest on the left
        assert points[0].xpath("string(*[local-name()='title'])") == f"19 November 2026: {rows[0][column]} findings"
    links = [float(p.get("cy")) for p in charts[0].xpath(".//*[local-name()='circle']")]
    assert links[1] == TREND_TOP  # the highest count reaches the top of its own scale (6)
    assert links[0] > links[2] > links[1]  # 4, then 6, then 5: lower on the screen is fewer


def test_trend_keeps_the_last_thirty_runs():
    trend = tuple(trend_entry(1 + i % 30, {"links": i}) for i in range(40))
    doc = _doc(_render(_second_run(trend=trend)))
    rows = doc.xpath("//details[contains(@class,'trend-data')]//tbody/tr")
    assert len(rows) == 30 and rows[0].xpath("string(td[1])") == "10" and rows[-1].xpath("string(td[1])") == "39"
    assert len(doc.xpath("//li[@data-family='links']//*[local-name()='circle']")) == 30


def test_long_lists_are_capped_and_counted():
    news = tuple(finding(target=f"https://ex.nl/n{i:02}", pages=(f"https://ex.nl/p{i}",),
                         message=f"New {i}.").with_history("new", 1) for i in range(30))
    run = with_history(make_run(news, checks=CHECKS, report={"language": "en"}), history())
    section = _doc(_render(run)).get_element_by_id("changes")
    assert len(section.xpath(".//ol[contains(@class,'new-list')]/li")) == 25
    assert _text(section.xpath(".//ol[contains(@class,'new-list')]/following-sibling::p[1]")[0]) == (
        "… and 5 more new findings: tick “Only new” above the findings to see them all.")


def test_dutch():
    html = _render(_second_run("nl"))
    doc = _doc(html)
    section = doc.get_element_by_id("changes")
    assert _text(section.xpath("h2")[0]) == "Sinds de vorige audit"
    assert _text(section.xpath("p[@class='lead']")[0]) == (
        "Vergeleken met de vorige audit, van 21 november 2026, met 5 bevindingen.")
    assert [_text(t) for t in section.xpath(".//ul[contains(@class,'changes')]//span[@class='tile-title']")] == [
        "Nieuw", "Opgelost", "Nog open", "Onderdrukt"]
    assert doc.xpath("//details[@data-change='new']//span[@class='badge badge-new']")[0].text == "nieuw"
    assert doc.xpath("//span[@class='badge badge-suppressed']")[0].text == (
        f"onderdrukt tot 1 maart 2027: {HOSTILE} agreed with the client")
    assert _text(doc.xpath("//input[@id='filter-new']")[0].getparent()) == "Alleen nieuw (3)"
    assert section.xpath(".//details[contains(@class,'trend-data')]//tbody/tr[1]/th")[0].text == "19 november 2026"
    first = with_history(make_run((finding().with_history("new", 1),), checks=CHECKS, report={"language": "nl"}),
                         history(previous=None))
    assert _text(_doc(_render(first)).xpath("//p[contains(@class,'first-run')]")[0]).startswith(
        "Dit is de eerste audit van deze site: alles is nieuw.")


def test_suppression_without_a_date_or_reason():
    bare = finding(target="https://ex.nl/x").with_history("new", 1, {})
    only_reason = finding(target="https://ex.nl/y").with_history("new", 1, {"reason": "  "})
    doc = _doc(_render(with_history(make_run((bare, only_reason), checks=CHECKS, report={"language": "en"}),
                                    history())))
    assert [b.text for b in doc.xpath("//span[@class='badge badge-suppressed']")] == ["suppressed", "suppressed"]


def test_the_pdf_edition_prints_the_part_without_the_filter(tmp_path):
    doc = _doc(render_html(_second_run(), pdf=True, checks={}))
    assert doc.xpath("//section[@id='changes']//ul[@class='trends']/li")
    assert doc.xpath("//input[@id='filter-new']") == [] and doc.xpath("//script") == []
    written = HtmlReporter().write(_second_run(), tmp_path).read_text("utf-8")
    assert 'id="changes"' in written


def test_trend_lines_need_two_runs_and_one_value_per_run():
    with pytest.raises(ValueError, match="at least two runs"):
        trend_lines([("links", "Links", [3])], ["22 November 2026"])
    with pytest.raises(ValueError, match="2 values for 3 runs"):
        trend_lines([("links", "Links", [3, 4])], ["a", "b", "c"])
    [flat] = trend_lines([("forms", "Forms", [0, 0])], ["a", "b"])
    assert flat.scale == 1 and {p.y for p in flat.points} == {flat.base}


@pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="needs Debian's chromium (make setup installs it)")
def test_pdf_opens_with_the_summary_then_since_last_run(tmp_path):
    from pypdf import PdfReader

    path = PdfReporter().write(_second_run("nl"), tmp_path)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages]
    assert "Sinds de vorige audit" not in pages[0]  # the cover
    assert pages[1].startswith("Samenvatting")  # the summary first (issue 21)
    changes = next(i for i, text in enumerate(pages) if text.startswith("Sinds de vorige audit"))
    assert "Nieuw sinds de vorige audit" in pages[changes]
    assert "Verloop per onderwerp" in pages[changes] and "Uw contactpunten" not in pages[changes]
    assert pages[changes + 1].startswith("Uw contactpunten")
    assert any("onderdrukt tot 1 maart 2027" in text for text in pages)


def test_a_finding_the_history_did_not_annotate_is_neither_new_nor_persisting():
    plain = finding(target="https://ex.nl/plain", message="Not annotated.")
    doc = _doc(_render(with_history(make_run((plain, NEW_ERROR), checks=CHECKS, report={"language": "en"}),
                                    history())))
    assert {n.get("data-count"): n.text for n in doc.xpath("//section[@id='changes']//span[@data-count]")} == {
        "new": "1", "fixed": "0", "persisting": "0", "suppressed": "0"}
    [entry] = doc.xpath("//details[contains(@class,'finding')][.//span[@class='msg']='Not annotated.']")
    assert entry.get("data-change") is None and entry.xpath(".//span[contains(@class,'badge')]") == []


def _anchor_defect(fragment: str, pages: int, change: str | None = None) -> tuple:
    """A footer link to a missing ``#fragment`` on ``pages`` pages: one TP105 finding per page
    (its fingerprint names the page), i.e. one template defect."""
    out = []
    for i in range(pages):
        page = f"https://ex.nl/p{i}.html"
        f = finding("TP105", target=f"{page}#{fragment}", pages=(page,), fingerprint=f"TP105-{fragment}-{i}",
                    message=f"The link to {page}#{fragment} points to a place that does not exist.")
        out.append(f.with_history(change, 1) if change else f)
    return tuple(out)


@pytest.mark.parametrize(("lang", "new_line", "fixed_line", "raw"), [
    ("en", "The anchor #nieuwsbrief is missing on 6 pages", "The anchor #oud is missing on 5 pages",
     "(6 findings)"),
    ("nl", "Het anker #nieuwsbrief ontbreekt op 6 pagina's", "Het anker #oud ontbreekt op 5 pagina's",
     "(6 bevindingen)")])
def test_a_new_or_fixed_template_defect_is_one_line_and_counts_once(lang, new_line, fixed_line, raw):
    # Night two adds a footer link to a missing anchor on 6 of 10 pages, and the old footer's
    # missing #oud (5 of the 10 pages of night one) is gone: one line each, not 6 and 5.
    checks = (*CHECKS, CheckResult("TP105", "broken-anchor", "failed", None, "links"))
    new = _anchor_defect("nieuwsbrief", 6, "new")
    run = with_history(make_run((*new, NEW_ERROR, PERSISTING), checks=checks, report={"language": lang}),
                       history(fixed=_anchor_defect("oud", 5) + FIXED[:1]))
    doc = _doc(_render(run))
    section = doc.get_element_by_id("changes")
    new_items = section.xpath(".//ol[contains(@class,'new-list')]/li")
    assert len(new_items) == 2  # the template defect and NEW_ERROR
    [group] = [i for i in new_items if "#nieuwsbrief" in _text(i)]
    assert new_line in _text(group) and "p0.html" not in _text(group)
    [entry] = doc.xpath(f"//details[@id='{group.xpath('a/@href')[0][1:]}']")
    assert new_line in _text(entry)  # it links to the defect's one entry in the findings
    fixed_items = section.xpath(".//ol[contains(@class,'fixed-list')]/li")
    assert len(fixed_items) == 2 and sum(fixed_line in _text(i) for i in fixed_items) == 1
    counts = {n.get("data-count"): n.text for n in section.xpath(".//span[@data-count]")}
    assert counts == {"new": "2", "fixed": "2", "persisting": "1", "suppressed": "0"}
    raws = {n.get("data-findings"): _text(n) for n in section.xpath(".//span[@data-findings]")}
    assert raws == {"new": "(7 findings)" if lang == "en" else "(7 bevindingen)",
                    "fixed": raw}
