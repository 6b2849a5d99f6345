"""TP601–TP603 on hand-built ``profiles`` artifacts (what the profile visitor stores)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from auditor.errors import ConfigError
from auditor.testing import make_page, run_check
from checks.profiles import BrokenProfileLink, InconsistentProfile, StaleProfile

SITE = "https://www.groenhuis.nl/"
AS_OF = dt.date(2026, 11, 22)
PAGES = [make_page(SITE, "<title>Groenhuis</title>")]


def profile(platform: str, url: str, state: str = "found", **extra: Any) -> dict[str, Any]:
    """One record as the collector writes it (see auditor/collect/profiles/visitor.py)."""
    dates = {"public": False, "why_not": f"{platform} hides dates", "activity": "post", "known": False,
             "newest": None, "items": 0, "source": None}
    dates.update(extra.pop("dates", {}))
    record = {"url": url, "key": f"{platform}:{url}", "platform": platform, "label": platform.title(),
              "kind": "social_profile", "handle": "x", "personal": False, "found_on": SITE,
              "found_via": ["link"], "pages": 3, "locations": [[SITE, platform.title()]], "state": state,
              "reason": {"found": "shows the profile", "not_found": "answers 404",
                         "unverifiable": "blocks automated visitors (999)"}[state],
              "status": {"found": 200, "not_found": 404, "unverifiable": 999}[state], "final_url": url,
              "error": None, "checked_by": "visit", "dates": dates}
    if state == "found":
        record.update(name=None, description="", websites=[], phones=[], emails=[], addresses=[])
    record.update(extra)
    return record


def site_facts(**values: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {"start_url": SITE, "pages_read": [SITE]}
    for key in ("names", "phones", "emails", "postcodes", "urls"):
        facts[key] = [{"value": v, "source": "schema.org", "url": SITE} for v in values.get(key, [])]
    return facts


def run(check, profiles: list[dict[str, Any]] | None, site: dict[str, Any] | None = None, **options: Any):
    artifacts = {} if profiles is None else {"profiles": {"version": 1, "site": site or site_facts(),
                                                          "profiles": profiles, "not_visited": []}}
    return run_check(check, PAGES, options=options, as_of=AS_OF, artifacts=artifacts, start_url=SITE)


# -- TP601 ------------------------------------------------------------------------------------
def test_tp601_reports_only_profiles_that_do_not_exist():
    result = run(BrokenProfileLink, [
        profile("facebook", "https://www.facebook.com/gone", "not_found"),
        profile("linkedin", "https://www.linkedin.com/company/x", "unverifiable"),
        profile("youtube", "https://www.youtube.com/@ok"),
    ])
    assert result.status == "failed"
    assert [f.target for f in result.findings] == ["https://www.facebook.com/gone"]
    finding = result.findings[0]
    assert finding.severity == "error" and finding.occurrences == 3 and "answers 404" in finding.message


def test_tp601_statuses_when_there_is_nothing_to_judge():
    assert run(BrokenProfileLink, None).status == "unverifiable"  # the collector did not run
    assert run(BrokenProfileLink, []).status == "not_applicable"
    blocked = run(BrokenProfileLink, [profile("linkedin", "https://www.linkedin.com/company/x", "unverifiable")])
    assert blocked.status == "unverifiable" and "999" in blocked.reason
    assert run(BrokenProfileLink, [profile("youtube", "https://www.youtube.com/@ok")]).status == "passed"


# -- TP602 ------------------------------------------------------------------------------------
def dated(url: str, newest: str | None, **dates: Any) -> dict[str, Any]:
    return profile("youtube", url, dates={"public": True, "known": True, "newest": newest, "activity": "video",
                                          "items": 0 if newest is None else 3, "source": "feed", **dates})


def test_tp602_stale_fresh_and_empty():
    result = run(StaleProfile, [
        dated("https://www.youtube.com/@stale", "2024-02-20", feed={"url": "https://www.youtube.com/feeds/x"}),
        dated("https://www.youtube.com/@fresh", "2026-10-01"),
        dated("https://www.youtube.com/@empty", None),
        profile("facebook", "https://www.facebook.com/x"),  # no public dates: skipped
    ])
    by_target = {f.target: f for f in result.findings}
    assert set(by_target) == {"https://www.youtube.com/@stale", "https://www.youtube.com/@empty"}
    stale = by_target["https://www.youtube.com/@stale"]
    assert stale.evidence["age_days"] == 1006 and stale.evidence["source"] == "https://www.youtube.com/feeds/x"
    assert "no public videos" in by_target["https://www.youtube.com/@empty"].message


def test_tp602_threshold_is_an_option():
    profiles = [dated("https://www.youtube.com/@x", "2026-10-01")]  # 52 days old
    assert run(StaleProfile, profiles).status == "passed"
    assert run(StaleProfile, profiles, max_age_days=30).status == "failed"
    with pytest.raises(ConfigError):
        run(StaleProfile, profiles, max_age_days=0)


def test_tp602_not_applicable_where_dates_are_not_public_and_unverifiable_when_unreadable():
    hidden = run(StaleProfile, [profile("facebook", "https://www.facebook.com/x")])
    assert hidden.status == "not_applicable" and "facebook hides dates" in hidden.reason
    unreadable = run(StaleProfile, [dated("https://www.youtube.com/@x", None, known=False,
                                          why_unknown="the feed could not be read (404)")])
    assert unreadable.status == "unverifiable" and "404" in unreadable.reason
    assert run(StaleProfile, [profile("facebook", "https://www.facebook.com/x", "not_found")]).status == \
        "not_applicable"


# -- TP603 ------------------------------------------------------------------------------------
GROENHUIS = site_facts(names=["Groenhuis Installatietechniek B.V.", "Groenhuis"],
                       phones=["+31 30 123 4567", "030-123 45 67"], emails=["info@groenhuis.nl"],
                       postcodes=["3542 AB"])


def test_tp603_accepts_the_same_details_written_differently():
    same = profile("facebook", "https://www.facebook.com/x", name="GROENHUIS INSTALLATIETECHNIEK",
                   websites=["https://groenhuis.nl/contact"], phones=["(030) 123 45 67", "+31 (0)30 1234567"],
                   emails=["offerte@groenhuis.nl"], addresses=["3542AB"])
    result = run(InconsistentProfile, [same], GROENHUIS)
    assert result.status == "passed", [f.message for f in result.findings]


def test_tp603_reports_each_difference_once_per_profile():
    other = profile("youtube", "https://www.youtube.com/@x", name="Groenhius Installatie",
                    websites=["https://www.oude-naam.nl/"], phones=["030-765 43 21", "030 123 4567"],
                    emails=["groenhuis@gmail.com"], addresses=["1012 LG"])
    result = run(InconsistentProfile, [other], GROENHUIS)
    fields = {f.evidence["field"]: f for f in result.findings}
    assert set(fields) == {"name", "website", "phone", "email", "address"}
    assert fields["phone"].evidence["on_profile"] == ["030-765 43 21"]  # the matching number is fine
    assert fields["phone"].evidence["on_site"] == ["+31 30 123 4567"]
    assert len({f.fingerprint for f in result.findings}) == 5
    assert all(f.target == "https://www.youtube.com/@x" for f in result.findings)


def test_tp603_options_override_name_and_ignore_fields():
    p = profile("facebook", "https://www.facebook.com/x", name="GH Techniek", phones=["030-765 43 21"])
    assert {f.evidence["field"] for f in run(InconsistentProfile, [p], GROENHUIS).findings} == {"name", "phone"}
    quiet = run(InconsistentProfile, [p], GROENHUIS, aliases=["GH Techniek"], ignore=["phone"])
    assert quiet.status == "passed"
    renamed = run(InconsistentProfile, [p], GROENHUIS, organisation_name="GH Techniek B.V.")
    assert {f.evidence["field"] for f in renamed.findings} == {"phone"}
    with pytest.raises(ConfigError):
        run(InconsistentProfile, [p], GROENHUIS, ignore=["colour"])


def test_tp603_skips_personal_profiles_and_details_the_site_does_not_state():
    person = profile("linkedin", "https://www.linkedin.com/in/jan", name="Jan de Vries", personal=True)
    assert run(InconsistentProfile, [person], GROENHUIS).status == "not_applicable"
    bare_site = site_facts(names=["Groenhuis"])
    p = profile("facebook", "https://www.facebook.com/x", name="Groenhuis", phones=["030-765 43 21"])
    assert run(InconsistentProfile, [p], bare_site).status == "passed"  # the site gives no phone to compare
    empty = profile("facebook", "https://www.facebook.com/x")
    assert run(InconsistentProfile, [empty], GROENHUIS).status == "unverifiable"


def test_tp603_website_may_be_the_domain_of_the_organisations_email():
    # The demo site is served from 127.0.0.1; its e-mail domain is the organisation's real one.
    local = site_facts(names=["Groenhuis"], emails=["info@groenhuis.nl"])
    local["start_url"] = "http://127.0.0.1:8123/"
    p = profile("facebook", "https://www.facebook.com/x", websites=["https://www.groenhuis.nl/"])
    assert run(InconsistentProfile, [p], local).status == "passed"
    freemail = site_facts(emails=["groenhuis@gmail.com"])
    gmail = profile("facebook", "https://www.facebook.com/x", websites=["https://mail.gmail.com/"])
    assert run(InconsistentProfile, [gmail], freemail).status == "failed"
