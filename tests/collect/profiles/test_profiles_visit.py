"""The profile visitor end to end: the CLI audits a site whose profiles are served by one local
HTTPS fixture server standing in for every platform, reached through ``--resolve`` and
``--ca-bundle`` exactly as real hosts are. What each stand-in does is in
tests/sites/profiles/README.md."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from auditor.artifacts.profiles import Profiles
from auditor.cli import main
from auditor.collect.profiles import platforms
from auditor.collect.profiles.platforms.parse import ProfilePage
from auditor.collect.profiles.visitor import ProfileVisitor
from auditor.devserver import FixtureSite, serve
from auditor.errors import ConfigError
from auditor.store import RunStore
from checks.profiles import verdict
from tests.conftest import SITES, AuditResult, port_of

ROOT = SITES / "profiles"
SITE_HOST = "www.bakkerijdevries.nl"
HOSTS = sorted(p.name for p in ROOT.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def profile_server() -> Iterator[FixtureSite]:
    with serve(ROOT / SITE_HOST, vhosts={h: ROOT / h for h in HOSTS}, tls_names=HOSTS) as site:
        yield site


def _args(site: FixtureSite, checks: str) -> list[str]:
    args = ["audit", f"https://{SITE_HOST}/", "--checks", checks, "--quiet", "--as-of", "2026-11-22",
            "--ca-bundle", str(site.ca_file)]
    for host in HOSTS:
        args += ["--resolve", f"{host}:443:127.0.0.1:{port_of(site)}"]
    return args


@pytest.fixture(scope="module")
def audit(profile_server, tmp_path_factory):
    """One audit with the profile checks and TP107 (so the crawler checks links too)."""
    out = tmp_path_factory.mktemp("profiles") / "out"
    code = main([*_args(profile_server, "profiles,TP107"), "--out", str(out)])
    return AuditResult(code, out, "", "")


def _targets(audit, code: str) -> set[str]:
    return {f["target"] for f in audit.doc["findings"] if f["code"] == code}


def _artifact(out: Path) -> dict:
    store = RunStore(out)
    try:
        return store.artifact("profiles")
    finally:
        store.close()


def test_broken_profiles_are_exactly_the_ones_that_do_not_exist(audit):
    assert audit.exit_code == 0
    assert _targets(audit, "TP601") == {
        "https://www.facebook.com/bakkerijdevriesoud",  # 200, but "This content isn't available"
        "https://www.tiktok.com/@bakkerijdevries",  # "Couldn't find this account"
        "https://github.com/bakkerijdevries",  # 404
    }


def test_blocked_profiles_are_unverifiable_not_broken(audit):
    profiles = {p["platform"]: p for p in _artifact(audit.out)["profiles"]}
    for platform, why in [("linkedin", "999"), ("instagram", "login page"), ("google_business", "consent"),
                          ("x", "JavaScript")]:
        judged = verdict(Profiles.from_json({"profiles": [profiles[platform]]}).profiles[0])
        assert judged.state == "unverifiable", platform
        assert why in judged.reason
    assert profiles["linkedin"]["checked_by"] == "link check"  # the crawler's 999 is not asked again
    blocked = _targets(audit, "TP107")
    assert "https://www.linkedin.com/company/bakkerij-de-vries" in blocked
    assert "https://www.instagram.com/bakkerijdevries/" in blocked


def test_stale_profiles_from_feeds_and_review_dates(audit):
    assert _targets(audit, "TP602") == {"https://www.youtube.com/@bakkerijdevries",
                                        "https://www.kiyoh.com/reviews/1234/bakkerij-de-vries"}
    youtube = next(f for f in audit.doc["findings"] if f["code"] == "TP602" and "youtube" in f["target"])
    assert youtube["evidence"]["newest"] == "2025-01-15"  # the entry's <published>, not <updated>
    assert youtube["evidence"]["source"] == "https://www.youtube.com/feeds/videos.xml?channel_id=UCbakkerijdevries0000000"


def test_inconsistencies_name_website_phone(audit):
    found = {(f["target"], f["evidence"]["field"]) for f in audit.doc["findings"] if f["code"] == "TP603"}
    assert found == {
        ("https://www.youtube.com/@bakkerijdevries", "phone"),  # 020-555 99 88 vs 020 555 0123
        ("https://www.pinterest.com/bakkerijdevries/", "name"),  # "De Vries Banket"
        ("https://www.trustpilot.com/review/bakkerijdevries-oud.nl", "website"),
    }


def test_discovery_sources_and_the_touchpoint_map(audit):
    data = _artifact(audit.out)
    by_platform = {p["platform"]: p for p in data["profiles"]}
    assert by_platform["mastodon"]["found_via"] == ["link", "rel=me"]  # an unknown host, declared with rel=me
    assert by_platform["mastodon"]["dates"]["newest"] == "2026-11-15"
    assert by_platform["kiyoh"]["found_via"] == ["sameAs"]
    assert [p["url"] for p in data["not_visited"]] == ["https://www.linkedin.com/company/molen-de-hoop"]
    assert "Bakkerij De Vries B.V." in [n["value"] for n in data["site"]["names"]]  # schema.org Bakery
    touch = {t["url"]: t for t in audit.doc["touchpoints"]}
    assert touch["https://www.linkedin.com/company/bakkerij-de-vries"]["label"].startswith("LinkedIn (unverifiable")
    assert touch["https://www.kiyoh.com/reviews/1234/bakkerij-de-vries"]["kind"] == "review_widget"
    assert touch["https://wa.me/31205550123"]["kind"] == "contact_channel"
    assert touch["https://www.facebook.com/bakkerijdevries"]["label"] == "Facebook: Bakkerij De Vries"
    assert not any("sharer" in u or "watch" in u for u in touch)  # a share button, a video: not profiles
    statuses = {c["code"]: c["status"] for c in audit.doc["checks"]}
    assert statuses == {"TP107": "failed", "TP601": "failed", "TP602": "failed", "TP603": "failed"}


def test_recheck_judges_again_without_visiting(audit, profile_server, run_audit, tmp_path):
    run_dir = tmp_path / "run"
    shutil.copytree(audit.out, run_dir)
    hits = sum(profile_server.hits.values())
    again = run_audit("recheck", str(run_dir), "--as-of", "2026-11-22", out=run_dir)
    assert again.exit_code == 0, again.stderr
    assert sum(profile_server.hits.values()) == hits
    assert {f["target"] for f in again.doc["findings"] if f["code"] == "TP601"} == _targets(audit, "TP601")


def _restore(run_dir: Path, data: dict) -> None:
    store = RunStore(run_dir)
    try:
        store.set_artifact("profiles", data)
    finally:
        store.close()


def test_recheck_judges_the_stored_facts_with_the_current_rule(audit, profile_server, run_audit, tmp_path):
    """The verdict is TP601's, made at recheck time from what the visit observed: change a
    stored fact and the verdict follows, without visiting anything."""
    run_dir = tmp_path / "run"
    shutil.copytree(audit.out, run_dir)
    data = _artifact(run_dir)
    oud = next(p for p in data["profiles"] if p["url"] == "https://www.facebook.com/bakkerijdevriesoud")
    assert oud["observed"]["not_found_phrase"] == "this content isn't available"
    oud["observed"]["not_found_phrase"] = None  # as if the platform's wording were no longer recognised
    _restore(run_dir, data)
    hits = sum(profile_server.hits.values())
    again = run_audit("recheck", str(run_dir), "--as-of", "2026-11-22", out=run_dir)
    assert again.exit_code == 0, again.stderr
    assert sum(profile_server.hits.values()) == hits
    assert {f["target"] for f in again.doc["findings"] if f["code"] == "TP601"} == \
        _targets(audit, "TP601") - {"https://www.facebook.com/bakkerijdevriesoud"}


def test_recheck_reads_runs_whose_visitor_judged(audit, run_audit, tmp_path):
    """A run stored before the checks judged (artifact version 1: the visitor's ``state`` and
    ``reason``, no observations) keeps the visitor's verdicts."""
    run_dir = tmp_path / "run"
    shutil.copytree(audit.out, run_dir)
    data = _artifact(run_dir)
    for p in data["profiles"]:
        judged = verdict(Profiles.from_json({"profiles": [p]}).profiles[0])
        del p["observed"]
        p.update(state=judged.state, reason=judged.reason)
    github = next(p for p in data["profiles"] if p["platform"] == "github")
    github.update(state="unverifiable", reason="an older rule")  # what that version had decided
    data["version"] = 1
    _restore(run_dir, data)
    again = run_audit("recheck", str(run_dir), "--as-of", "2026-11-22", out=run_dir)
    assert again.exit_code == 0, again.stderr
    assert {f["target"] for f in again.doc["findings"] if f["code"] == "TP601"} == \
        _targets(audit, "TP601") - {"https://github.com/bakkerijdevries"}
    touch = {t["url"]: t for t in again.doc["touchpoints"]}
    assert touch["https://github.com/bakkerijdevries"]["label"] == "GitHub (unverifiable: an older rule)"


def test_visitor_settings_cap_the_visits_and_are_validated(profile_server, run_audit, tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text("[collectors.profiles]\nmax_profiles = 2\nfeeds = false\n", "utf-8")
    capped = run_audit(*_args(profile_server, "TP601"), "--config", str(config))
    assert capped.exit_code == 0, capped.stderr
    data = _artifact(capped.out)
    assert len(data["profiles"]) == 2
    assert sum(p["why"] == "more profiles than max_profiles" for p in data["not_visited"]) == 11
    config.write_text("[collectors.profiles]\nmax_profile = 2\n", "utf-8")
    bad = run_audit(*_args(profile_server, "TP601"), "--config", str(config), out=tmp_path / "bad")
    assert bad.exit_code == 2 and "unknown setting 'max_profile'" in bad.stderr
    with pytest.raises(ConfigError):
        ProfileVisitor({"feeds": "yes"})


async def test_a_feed_on_another_domain_is_not_followed():
    class NoNetwork:
        async def fetch(self, *args, **kwargs):
            raise AssertionError(f"fetched {args}")

    ref = platforms.match("https://mastodon.social/@groenhuis")
    page = ProfilePage.parse(b'<link rel="alternate" type="application/rss+xml" href="http://127.0.0.1:8080/x.rss">',
                             ref.url)
    out: dict = {"known": False}
    await ProfileVisitor()._dates(SimpleNamespace(fetcher=NoNetwork()), ref, platforms.get("mastodon"), page, [], out)
    assert out["known"] is False and "not followed" in out["why_unknown"]
